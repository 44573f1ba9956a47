import { afterEach, describe, expect, it } from 'vitest';
import { PortholeError } from '../../../shared/errors';
import { DataChannel } from '../ssm/dataChannel';
import { PayloadType } from '../ssm/message';
import { ShellSession } from '../ssm/session';
import { FakePeer } from '../ssm/test/fakePeer';
import { TerminalSessions, type TerminalOutput, type TerminalStateChange } from './terminalSessions';

let peers: FakePeer[] = [];
let managers: TerminalSessions[] = [];
afterEach(async () => {
  for (const m of managers) m.dispose();
  for (const p of peers) await p.close();
  peers = [];
  managers = [];
});

const where = { profile: 'default', region: 'ap-northeast-1', target: 'i-0123456789abcdef0', cols: 80, rows: 24 };

async function setup(options: { highWaterChars?: number; lowWaterChars?: number; terminate?: boolean } = {}) {
  const peer = await new FakePeer().listening();
  peers.push(peer);
  let n = 0;
  const manager = new TerminalSessions({
    ...options,
    start: async (request) => {
      const channel = new DataChannel({ streamUrl: peer.url, token: 'tok' });
      const session = new ShellSession({
        sessionId: `sess-${++n}`,
        targetId: request.target,
        channel,
        firstMessageGraceMs: 20,
        ...(options.terminate ? { terminateApi: async () => peer.sendChannelClosed('') } : {}),
      });
      if (request.initialSize) void session.resize(request.initialSize.cols, request.initialSize.rows);
      await channel.open();
      return session;
    },
  });
  managers.push(manager);
  const outputs: TerminalOutput[] = [];
  const states: TerminalStateChange[] = [];
  manager.onDidOutput((o) => outputs.push(o));
  manager.onDidChangeState((s) => states.push(s));
  return { peer, manager, outputs, states };
}

const joined = (outputs: TerminalOutput[]) => outputs.map((o) => o.data).join('');

describe('TerminalSessions', () => {
  it('opens a session, sends the initial size and input, and batches output into few events', async () => {
    const { peer, manager, outputs } = await setup();
    const info = await manager.open(where);
    expect(info).toMatchObject({ id: 'sess-1', target: where.target, state: 'open', encrypted: false });
    await peer.until(() => peer.socket !== undefined);
    for (let i = 0; i < 50; i++) peer.sendOutput(PayloadType.Output, `line ${i}\r\n`);
    await peer.until(() => joined(outputs).includes('line 49'));
    expect(joined(outputs)).toBe(Array.from({ length: 50 }, (_, i) => `line ${i}\r\n`).join(''));
    expect(outputs.length).toBeLessThan(50);
    await manager.write(info.id, 'ls\r');
    await peer.until(() => peer.delivered.some((m) => m.payloadType === PayloadType.Output));
    const size = peer.delivered.find((m) => m.payloadType === PayloadType.Size);
    expect(new TextDecoder().decode(size!.payload)).toBe('{"cols":80,"rows":24}');
  });

  it('emits whole characters when a UTF-8 sequence is split across messages', async () => {
    const { peer, manager, outputs } = await setup();
    await manager.open(where);
    await peer.until(() => peer.socket !== undefined);
    const bytes = new TextEncoder().encode('日本語😀');
    for (let i = 0; i < bytes.length; i++) peer.sendOutput(PayloadType.Output, bytes.subarray(i, i + 1));
    await peer.until(() => joined(outputs) === '日本語😀');
    expect(joined(outputs)).not.toContain('\uFFFD');
  });

  it('pauses output past the high-water mark and resumes when the renderer acknowledges', async () => {
    const { peer, manager, outputs } = await setup({ highWaterChars: 2000, lowWaterChars: 500 });
    const { id } = await manager.open(where);
    await peer.until(() => peer.socket !== undefined);
    const chunk = 'x'.repeat(1000);
    for (let i = 0; i < 10; i++) peer.sendOutput(PayloadType.Output, chunk);
    await peer.until(() => joined(outputs).length >= 2000);
    await new Promise((r) => setTimeout(r, 100));
    const shown = joined(outputs).length;
    expect(shown).toBeLessThan(10_000);
    // Everything was acknowledged to the agent (held, not lost).
    await peer.until(() => peer.acksReceived.length === 10);
    // A renderer that keeps up: acknowledges each batch after writing it.
    manager.onDidOutput((o) => setTimeout(() => manager.acknowledge(id, o.data.length), 5));
    manager.acknowledge(id, shown);
    await peer.until(() => joined(outputs).length === 10_000, 5000, 'the rest after acknowledge');
    expect(joined(outputs)).toBe('x'.repeat(10_000));
  });

  it('reports the end of a session once, with its reason, and forgets it', async () => {
    const { peer, manager, states } = await setup();
    const { id } = await manager.open(where);
    await peer.until(() => peer.socket !== undefined);
    peer.sendChannelClosed('Session ended: idle timeout');
    await peer.until(() => states.some((s) => s.end));
    expect(states.filter((s) => s.end)).toEqual([
      { id, state: 'closed', end: { kind: 'ended', message: 'Session ended: idle timeout' } },
    ]);
    expect(manager.list()).toEqual([]);
    expect(() => manager.write(id, 'x')).toThrow(PortholeError);
  });

  it('close() terminates the session', async () => {
    const { peer, manager } = await setup({ terminate: true });
    const { id } = await manager.open(where);
    await peer.until(() => peer.socket !== undefined);
    const end = await manager.close(id);
    expect(end).toEqual({ kind: 'ended', message: '' });
    expect(manager.list()).toEqual([]);
  });

  it('keeps other sessions running when one fails to start', async () => {
    const { peer, manager } = await setup();
    await manager.open(where);
    const failing = new TerminalSessions({
      start: () => Promise.reject(new PortholeError('TARGET_NOT_CONNECTED', 'offline')),
    });
    managers.push(failing);
    await expect(failing.open(where)).rejects.toMatchObject({ code: 'TARGET_NOT_CONNECTED' });
    expect(manager.list()).toHaveLength(1);
    await peer.until(() => peer.socket !== undefined);
    expect(manager.list()[0]!.state).toBe('open');
  });
});
