/**
 * Terminal sessions through the IPC contract (memory bridge, real dispatcher) against the in-process emulator:
 * real StartSession, data channel, PTY shells, TerminateSession and DescribeSessions.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../../shared/errors';
import { contract } from '../../../shared/ipc/contract';
import { createDispatcher, type Dispatcher } from '../../../shared/ipc/dispatch';
import { createEventHub } from '../../../shared/ipc/events';
import { createMemoryBridge, type MemoryBridge } from '../../../shared/ipc/memory-bridge';
import type { SessionInfo, SessionStateEvent } from '../../../shared/model/session';
import { createEmulator, type Emulator } from '../../../emulator/server';
import { sessionsPlugin } from '../../../emulator/sessions/install';
import type { SessionService } from '../../../emulator/sessions/service';
import { createAwsClientFactory, type AwsClientFactory } from '../aws/clients';
import { createHandlers } from '../app/handlers';
import { SessionStarter } from '../ssm/sessionStarter';
import { SessionManager } from './sessionManager';
import { TerminalSessions } from './terminalSessions';

const LINUX = 'i-0a1b2c3d4e5f60001';
const LINUX_2 = 'i-0a1b2c3d4e5f60002';
const OFFLINE = 'i-0a1b2c3d4e5f60008';
const where = { profile: 'demo', region: 'us-east-1' };

let emulator: Emulator;
let service: SessionService;
let clients: AwsClientFactory;
let terminals: TerminalSessions;
let manager: SessionManager;
let dispatcher: Dispatcher<typeof contract>;
const bridges: MemoryBridge[] = [];

beforeAll(async () => {
  emulator = await createEmulator({ plugins: [sessionsPlugin({ pacing: false }, (s) => (service = s))] });
  clients = createAwsClientFactory({
    endpointUrl: emulator.url,
    env: {},
    credentialsFor: () => async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }),
  });
  const starter = new SessionStarter({
    clients,
    channelOptions: { reconnect: { initialDelayMs: 20, maxAttempts: 6 } },
  });
  // Small marks so flow control shows with modest output.
  terminals = new TerminalSessions({
    start: (r) => starter.start(r),
    highWaterChars: 200_000,
    lowWaterChars: 50_000,
  });
  const events = createEventHub(contract);
  manager = new SessionManager({ terminals, events, ssm: (q) => clients.ssm(q) });
  const handlers = createHandlers({
    inventory: { list: async () => [], listRegions: async () => [] },
    listProfiles: async () => ({ profiles: [] }),
    appInfo: { version: '0.0.0', host: 'web' },
    sessions: manager,
  });
  dispatcher = createDispatcher(handlers, { isTrustedSender: () => true, events });
});

afterEach(async () => {
  await manager.closeAll();
  for (const b of bridges.splice(0)) b.dispose();
});

afterAll(async () => {
  manager?.dispose();
  terminals?.dispose();
  clients?.dispose();
  await emulator?.close();
});

/** A renderer: its bridge, the output it received per session, and the state events. */
function renderer(options: { ack?: boolean } = {}) {
  const bridge = createMemoryBridge(dispatcher);
  bridges.push(bridge);
  const output = new Map<string, string>();
  const states: SessionStateEvent[] = [];
  bridge.on('terminal.output', ({ id, data }) => {
    output.set(id, (output.get(id) ?? '') + data);
    if (options.ack !== false) bridge.send('terminal.ack', { id, chars: data.length });
  });
  bridge.on('session.state', (s) => states.push(s));
  const text = (id: string) => output.get(id) ?? '';
  return {
    bridge,
    output,
    states,
    text,
    async open(target: string, extra: Record<string, unknown> = {}): Promise<SessionInfo> {
      const started = value(await bridge.invoke('session.start', { ...where, target, cols: 100, rows: 30, ...extra }));
      const attached = value(await bridge.invoke('session.attach', { id: started.id }));
      output.set(started.id, attached.replay);
      return started;
    },
    async waitFor(id: string, re: RegExp, ms = 15_000): Promise<void> {
      await until(
        () => re.test(text(id)),
        ms,
        () => `no ${re} in ${JSON.stringify(text(id).slice(-400))}`,
      );
    },
  };
}

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.value;
}

async function until(check: () => boolean, ms = 15_000, why: () => string = () => 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${why()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('terminal sessions over the IPC contract', () => {
  it('runs a command in two sessions on two instances and keeps their output apart, Japanese included', async () => {
    const r = renderer();
    const a = await r.open(LINUX, { title: 'web-prod-1' });
    const b = await r.open(LINUX_2);
    expect(a.id).not.toBe(b.id);
    expect(a).toMatchObject({
      target: LINUX,
      title: 'web-prod-1',
      state: 'open',
      document: 'SSM-SessionManagerRunShell',
    });
    expect(JSON.stringify(a)).not.toMatch(/token/i);
    r.bridge.send('terminal.input', { id: a.id, data: 'echo $((6*7))\r' });
    r.bridge.send('terminal.input', { id: b.id, data: 'echo 日本語-$((2+3))\r' });
    await r.waitFor(a.id, /^42\r?$/m);
    await r.waitFor(b.id, /^日本語-5\r?$/m);
    expect(r.text(a.id)).not.toContain('日本語');
    expect(r.text(b.id)).not.toMatch(/^42\r?$/m);
    expect(
      value(await r.bridge.invoke('session.list', {}))
        .sessions.map((s) => s.id)
        .sort(),
    ).toEqual([a.id, b.id].sort());
  });

  it('follows the terminal size', async () => {
    const r = renderer();
    const s = await r.open(LINUX);
    r.bridge.send('terminal.input', { id: s.id, data: 'stty size\r' });
    await r.waitFor(s.id, /^30 100\r?$/m);
    r.bridge.send('terminal.resize', { id: s.id, cols: 132, rows: 43 });
    await new Promise((res) => setTimeout(res, 50));
    r.bridge.send('terminal.input', { id: s.id, data: 'stty size\r' });
    await r.waitFor(s.id, /^43 132\r?$/m);
  });

  it('stops reading while the renderer does not acknowledge, and loses nothing when it catches up', async () => {
    const r = renderer({ ack: false });
    const s = await r.open(LINUX);
    r.bridge.send('terminal.input', { id: s.id, data: 'seq 1 150000; echo SEQ-DONE\r' });
    // 150 000 lines are ~1 MB: far past the 200 000-character high-water mark.
    await until(() => r.text(s.id).length > 200_000);
    await new Promise((res) => setTimeout(res, 300));
    const held = r.text(s.id).length;
    await new Promise((res) => setTimeout(res, 300));
    expect(r.text(s.id).length).toBe(held);
    expect(held).toBeLessThan(400_000);
    expect(r.text(s.id)).not.toMatch(/^SEQ-DONE\r?$/m);
    // The renderer catches up: everything arrives, in order.
    r.bridge.send('terminal.ack', { id: s.id, chars: held });
    const acked = { n: held };
    const timer = setInterval(() => {
      const now = r.text(s.id).length;
      if (now > acked.n) {
        r.bridge.send('terminal.ack', { id: s.id, chars: now - acked.n });
        acked.n = now;
      }
    }, 5);
    try {
      await r.waitFor(s.id, /^SEQ-DONE\r?$/m, 30_000);
    } finally {
      clearInterval(timer);
    }
    const numbers = r
      .text(s.id)
      .split(/\r?\n/)
      .filter((l) => /^\d+$/.test(l))
      .map(Number);
    expect(numbers.length).toBe(150_000);
    expect(numbers.every((n, i) => n === i + 1)).toBe(true);
  });

  it('closes with TerminateSession: the state event, DescribeSessions and the history show it ended', async () => {
    const r = renderer();
    const s = await r.open(LINUX, { title: 'ウェブ' });
    const closed = value(await r.bridge.invoke('session.close', { id: s.id }));
    expect(closed.state).toBe('closed');
    await until(() => r.states.some((e) => e.id === s.id && e.state === 'closed'));
    await until(() => service.snapshot().find((x) => x.sessionId === s.awsSessionId)?.status === 'Terminated');
    const history = value(await r.bridge.invoke('session.history', where));
    expect(history.local.find((x) => x.id === s.id)).toMatchObject({ state: 'closed', title: 'ウェブ' });
    expect(history.history.find((x) => x.sessionId === s.awsSessionId)).toMatchObject({
      target: LINUX,
      status: 'Terminated',
    });
    expect(history.remoteError).toBeUndefined();
    expect(value(await r.bridge.invoke('session.list', {})).sessions).toEqual([]);
    // Input to an ended session is refused with a clear error, not a crash.
    expect(
      await dispatcher.dispatchSend('terminal.input', { id: s.id, data: 'x' }, { url: 'memory://t' }),
    ).toMatchObject({ ok: false, code: 'SESSION_FAILED' });
  });

  it('reports an exit and its message when the shell ends by itself', async () => {
    const r = renderer();
    const s = await r.open(LINUX);
    r.bridge.send('terminal.input', { id: s.id, data: 'exit\r' });
    await until(() => r.states.some((e) => e.id === s.id && e.state === 'closed'));
  });

  it('lists the Session documents for the picker: ours first, no port documents', async () => {
    const r = renderer();
    const { documents } = value(await r.bridge.invoke('session.documents', where));
    const names = documents.map((d) => d.name);
    expect(names.slice(0, 2)).toEqual(['SSM-SessionManagerRunShell', 'AWS-StartInteractiveCommand']);
    expect(names).toContain('AWS-StartNonInteractiveCommand');
    expect(names.some((n) => /PortForwarding|SSHSession/.test(n))).toBe(false);
  });

  it('refuses an offline instance with TARGET_NOT_CONNECTED', async () => {
    const r = renderer();
    const result = await r.bridge.invoke('session.start', { ...where, target: OFFLINE });
    expect(result).toMatchObject({ ok: false, code: 'TARGET_NOT_CONNECTED' });
    if (!result.ok) expect(result.message).toContain(OFFLINE);
  });

  it('refuses oversized input and bad sizes at the boundary, and the session keeps working', async () => {
    const r = renderer();
    const s = await r.open(LINUX);
    const sender = { url: 'memory://t' };
    expect(
      await dispatcher.dispatchSend('terminal.input', { id: s.id, data: 'x'.repeat(64 * 1024 + 1) }, sender),
    ).toMatchObject({ ok: false, code: 'BAD_PAYLOAD' });
    expect(await dispatcher.dispatchSend('terminal.resize', { id: s.id, cols: 0, rows: 10 }, sender)).toMatchObject({
      ok: false,
      code: 'BAD_PAYLOAD',
    });
    r.bridge.send('terminal.input', { id: s.id, data: 'echo still-$((40+2))\r' });
    await r.waitFor(s.id, /^still-42\r?$/m);
  });

  it('re-attaches from another renderer (a reload): recent output replayed, new output goes there', async () => {
    const first = renderer();
    const s = await first.open(LINUX);
    first.bridge.send('terminal.input', { id: s.id, data: 'echo before-$((1+1))\r' });
    await first.waitFor(s.id, /^before-2\r?$/m);
    first.bridge.dispose();

    const second = renderer();
    const listed = value(await second.bridge.invoke('session.list', {})).sessions;
    expect(listed.map((x) => x.id)).toContain(s.id);
    const { replay } = value(await second.bridge.invoke('session.attach', { id: s.id }));
    expect(replay).toMatch(/^before-2\r?$/m);
    second.output.set(s.id, replay);
    // A renderer whose connection dropped asks from where it was: it gets only what it has not seen.
    const seen = first.text(s.id).length;
    const resumed = value(await second.bridge.invoke('session.attach', { id: s.id, since: seen }));
    expect(resumed.offset).toBe(seen);
    expect(first.text(s.id) + resumed.replay).toBe(replay);
    second.bridge.send('terminal.input', { id: s.id, data: 'echo after-$((2+2))\r' });
    await second.waitFor(s.id, /^after-4\r?$/m);
  });

  it('goes reconnecting when the data channel drops, then continues with no output lost', async () => {
    const r = renderer();
    const s = await r.open(LINUX);
    expect(service.setFaults({ sessionId: s.awsSessionId }, { dropAfterMessages: 30 })).toEqual([s.awsSessionId]);
    r.bridge.send('terminal.input', { id: s.id, data: 'seq 1 20000; echo DROP-DONE\r' });
    await r.waitFor(s.id, /^DROP-DONE\r?$/m, 30_000);
    const seen = r.states.filter((e) => e.id === s.id).map((e) => e.state);
    expect(seen).toContain('reconnecting');
    expect(seen.at(-1)).toBe('open');
    const numbers = r
      .text(s.id)
      .split(/\r?\n/)
      .filter((l) => /^\d+$/.test(l))
      .map(Number);
    expect(numbers).toEqual(Array.from({ length: 20_000 }, (_, i) => i + 1));
  });
});
