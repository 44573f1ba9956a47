import { err, type Result } from '../../shared/errors';
import { t } from '../../shared/i18n/catalog';
import type { PortholeBridge } from '../../shared/ipc/bridge';
import { CHANNELS, ELECTRON_IPC, isEventChannel, isInvokeChannel, isSendChannel } from '../../shared/ipc/channels';

/** The part of Electron's `ipcRenderer` the bridge uses (so it can be tested without Electron). */
export interface IpcRendererPort {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** The channels the preload forwards: exactly the contract's, derived from it. */
export const PRELOAD_CHANNELS = CHANNELS;

function unknownChannel(channel: unknown): Result<never> {
  const name = typeof channel === 'string' ? channel.slice(0, 80) : `(${typeof channel})`;
  return err('UNKNOWN_CHANNEL', t('error.UNKNOWN_CHANNEL', { channel: name }), { channel: name });
}

/**
 * The generic `window.porthole` bridge: invoke/send/on for contract channels only. Everything else is
 * refused here (and main checks again). Electron's event object never reaches the page.
 */
export function createPreloadBridge(ipc: IpcRendererPort): PortholeBridge {
  const listeners = new Map<string, Set<(payload: never) => void>>();
  let subscribed = false;

  const onEvent = (_event: unknown, message: unknown) => {
    if (typeof message !== 'object' || message === null) return;
    const { channel, payload } = message as { channel?: unknown; payload?: unknown };
    if (!isEventChannel(channel)) return;
    for (const listener of [...(listeners.get(channel) ?? [])]) listener(payload as never);
  };

  return {
    async invoke(channel, request) {
      if (!isInvokeChannel(channel)) return unknownChannel(channel);
      try {
        return (await ipc.invoke(ELECTRON_IPC.invoke, { channel, payload: request })) as Result<never>;
      } catch {
        const detail = `the "${channel}" request could not reach the main process`;
        return err('INTERNAL', t('error.INTERNAL', { detail }), { detail });
      }
    },
    send(channel, payload) {
      if (!isSendChannel(channel)) return;
      ipc.send(ELECTRON_IPC.send, { channel, payload });
    },
    on(channel, listener) {
      if (!isEventChannel(channel) || typeof listener !== 'function') return () => {};
      if (!subscribed) {
        ipc.on(ELECTRON_IPC.event, onEvent);
        subscribed = true;
      }
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      const wrapped = listener as (payload: never) => void;
      set.add(wrapped);
      return () => {
        set.delete(wrapped);
      };
    },
  };
}
