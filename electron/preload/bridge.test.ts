import { describe, expect, it, vi } from 'vitest';
import { contract } from '../../shared/ipc/contract';
import { ELECTRON_IPC } from '../../shared/ipc/channels';
import { createPreloadBridge, PRELOAD_CHANNELS, type IpcRendererPort } from './bridge';

function fakeIpc() {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => void>();
  const ipc: IpcRendererPort & { fire(channel: string, message: unknown): void } = {
    invoke: vi.fn(async (_channel: string, message: unknown) => ({ ok: true, value: { echoed: message } })),
    send: vi.fn(),
    on: vi.fn((channel: string, listener: (event: unknown, ...args: unknown[]) => void) =>
      handlers.set(channel, listener),
    ),
    removeListener: vi.fn(),
    fire(channel, message) {
      handlers.get(channel)?.({ sender: 'ipc event object' }, message);
    },
  };
  return ipc;
}

describe('preload channel list', () => {
  it('is exactly the contract channels', () => {
    expect([...PRELOAD_CHANNELS.invoke].sort()).toEqual(Object.keys(contract.invoke).sort());
    expect([...PRELOAD_CHANNELS.send].sort()).toEqual(Object.keys(contract.send).sort());
    expect([...PRELOAD_CHANNELS.events].sort()).toEqual(Object.keys(contract.events).sort());
    expect(PRELOAD_CHANNELS.invoke).toContain('inventory.list');
    expect(Object.isFrozen(PRELOAD_CHANNELS.invoke)).toBe(true);
  });
});

describe('preload bridge', () => {
  it('forwards a contract invoke over the one transport channel', async () => {
    const ipc = fakeIpc();
    const bridge = createPreloadBridge(ipc);
    const result = await bridge.invoke('regions.list', { profile: '開発' });
    expect(ipc.invoke).toHaveBeenCalledWith(ELECTRON_IPC.invoke, {
      channel: 'regions.list',
      payload: { profile: '開発' },
    });
    expect(result).toMatchObject({ ok: true });
  });

  it('refuses a non-contract invoke without any IPC', async () => {
    const ipc = fakeIpc();
    const bridge = createPreloadBridge(ipc);
    const result = await bridge.invoke('fs.readFile' as never, {} as never);
    expect(result).toMatchObject({ ok: false, code: 'UNKNOWN_CHANNEL', params: { channel: 'fs.readFile' } });
    expect(await bridge.invoke('toString' as never, {} as never)).toMatchObject({ code: 'UNKNOWN_CHANNEL' });
    expect(ipc.invoke).not.toHaveBeenCalled();
  });

  it('turns a failed IPC call into an INTERNAL value', async () => {
    const ipc = fakeIpc();
    ipc.invoke = vi.fn(async () => {
      throw new Error('No handler registered');
    });
    await expect(createPreloadBridge(ipc).invoke('app.info', {})).resolves.toMatchObject({
      ok: false,
      code: 'INTERNAL',
    });
  });

  it('drops non-contract sends and ignores non-contract event subscriptions', () => {
    const ipc = fakeIpc();
    const bridge = createPreloadBridge(ipc);
    bridge.send('shell.run' as never, {} as never);
    expect(ipc.send).not.toHaveBeenCalled();
    const listener = vi.fn();
    const off = bridge.on('secret.stream' as never, listener);
    ipc.fire(ELECTRON_IPC.event, { channel: 'secret.stream', payload: 1 });
    expect(listener).not.toHaveBeenCalled();
    expect(ipc.on).not.toHaveBeenCalled();
    off();
  });
});
