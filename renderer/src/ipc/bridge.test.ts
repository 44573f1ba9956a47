import { afterEach, describe, expect, it } from 'vitest';
import { createWebSocketBridge, takeToken, TOKEN_STORAGE_KEY, webSocketUrl, MISSING_TOKEN_REASON } from './bridge';

/** A scripted stand-in for the browser WebSocket: records what is sent, lets the test open/close/answer. */
class FakeSocket {
  static all: FakeSocket[] = [];
  sent: unknown[] = [];
  closed = false;
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
  }
  open() {
    this.onopen?.();
  }
  drop() {
    this.onclose?.();
  }
  reply(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

const timers: { fn: () => void; ms: number }[] = [];

function make(extra: Partial<Parameters<typeof createWebSocketBridge>[0]> = {}) {
  FakeSocket.all = [];
  timers.length = 0;
  const reported: unknown[] = [];
  const bridge = createWebSocketBridge({
    url: 'ws://127.0.0.1:5000/ipc?token=T',
    createSocket: (url) => new FakeSocket(url) as unknown as WebSocket,
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
    onDidReportError: (e) => reported.push(e),
    ...extra,
  });
  return { bridge, reported, socket: () => FakeSocket.all.at(-1)! };
}

describe('websocket bridge', () => {
  it('queues invokes until the socket opens, then matches results by id', async () => {
    const { bridge, socket } = make();
    expect(bridge.state).toBe('connecting');
    const a = bridge.invoke('app.info', {});
    const b = bridge.invoke('regions.list', { profile: '開発' });
    expect(socket().sent).toEqual([]);
    socket().open();
    expect(socket().sent).toEqual([
      { t: 'invoke', id: 1, channel: 'app.info', payload: {} },
      { t: 'invoke', id: 2, channel: 'regions.list', payload: { profile: '開発' } },
    ]);
    socket().reply({ t: 'result', id: 2, result: { ok: true, value: { regions: ['ap-northeast-1'] } } });
    socket().reply({ t: 'result', id: 1, result: { ok: false, code: 'INTERNAL', message: 'x' } });
    await expect(b).resolves.toEqual({ ok: true, value: { regions: ['ap-northeast-1'] } });
    await expect(a).resolves.toMatchObject({ ok: false, code: 'INTERNAL' });
  });

  it('resolves an invoke answered by an error frame, and reports error frames without an id', async () => {
    const { bridge, socket, reported } = make();
    socket().open();
    const p = bridge.invoke('app.info', {});
    socket().reply({ t: 'error', id: 1, error: { ok: false, code: 'BAD_PAYLOAD', message: 'bad frame' } });
    await expect(p).resolves.toMatchObject({ ok: false, code: 'BAD_PAYLOAD' });
    socket().reply({ t: 'error', error: { ok: false, code: 'UNKNOWN_CHANNEL', message: 'nope' } });
    expect(reported).toMatchObject([{ code: 'UNKNOWN_CHANNEL' }]);
    socket().reply('garbage'); // ignored, no throw
  });

  it('fails pending invokes with a clear error when the socket drops, then reconnects with backoff', async () => {
    const { bridge, socket } = make();
    const states: string[] = [];
    bridge.onDidChangeState((s) => states.push(s));
    const first = socket();
    first.open();
    const p = bridge.invoke('app.info', {});
    first.drop();
    const r = await p;
    expect(r).toMatchObject({ ok: false, code: 'DISCONNECTED' });
    if (!r.ok) expect(r.message).toMatch(/Porthole host cannot be reached: it did not answer/);
    expect(bridge.state).toBe('reconnecting');
    expect(timers.map((t) => t.ms)).toEqual([250]);
    // An invoke made while reconnecting waits for the new socket.
    const later = bridge.invoke('app.info', {});
    timers.shift()!.fn();
    const second = socket();
    expect(second).not.toBe(first);
    second.drop(); // the retry fails too: backoff doubles, the waiting invoke fails
    await expect(later).resolves.toMatchObject({ ok: false, code: 'DISCONNECTED' });
    expect(timers.map((t) => t.ms)).toEqual([500]);
    timers.shift()!.fn();
    socket().open();
    expect(bridge.state).toBe('open');
    expect(states).toEqual(['open', 'reconnecting', 'open']);
    const ok = bridge.invoke('app.info', {});
    expect(socket().sent).toEqual([{ t: 'invoke', id: 3, channel: 'app.info', payload: {} }]);
    socket().reply({ t: 'result', id: 3, result: { ok: true, value: { version: '1', host: 'web' } } });
    await expect(ok).resolves.toMatchObject({ ok: true });
  });

  it('names the missing token as the cause when the page has none', async () => {
    const { bridge, socket } = make({ unavailableReason: MISSING_TOKEN_REASON });
    const p = bridge.invoke('app.info', {});
    socket().drop();
    const r = await p;
    if (r.ok) throw new Error('expected a failure');
    expect(r.message).toContain('npm run serve');
  });

  it('bounds the queue while disconnected', async () => {
    const { bridge } = make({ maxQueuedFrames: 2 });
    const a = bridge.invoke('app.info', {});
    bridge.invoke('app.info', {});
    bridge.invoke('app.info', {});
    await expect(a).resolves.toMatchObject({ ok: false });
  });

  it('delivers events to listeners of that channel until they unsubscribe', () => {
    const { bridge, socket } = make();
    socket().open();
    const got: unknown[] = [];
    const off = bridge.on('x' as never, (p) => got.push(p));
    socket().reply({ t: 'event', channel: 'x', payload: { line: 'こんにちは' } });
    socket().reply({ t: 'event', channel: 'y', payload: 1 });
    off();
    socket().reply({ t: 'event', channel: 'x', payload: 2 });
    expect(got).toEqual([{ line: 'こんにちは' }]);
  });

  it('dispose closes the socket, fails pending invokes and stops reconnecting', async () => {
    const { bridge, socket } = make();
    socket().open();
    const p = bridge.invoke('app.info', {});
    bridge.dispose();
    expect(socket().closed).toBe(true);
    await expect(p).resolves.toMatchObject({ ok: false, code: 'DISCONNECTED' });
    await expect(bridge.invoke('app.info', {})).resolves.toMatchObject({ ok: false, code: 'DISCONNECTED' });
    expect(timers).toEqual([]);
  });
});

describe('token handling', () => {
  afterEach(() => {
    sessionStorage.clear();
    window.history.replaceState(null, '', '/');
  });

  it('takes the token from the URL, removes it from the address bar, and keeps it for a reload', () => {
    window.history.replaceState(null, '', '/instances?token=abc_DEF-123&view=list#top');
    expect(takeToken(window)).toBe('abc_DEF-123');
    expect(window.location.pathname + window.location.search + window.location.hash).toBe('/instances?view=list#top');
    expect(sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('abc_DEF-123');
    // Reload: no token in the URL any more, the stored one is used.
    expect(takeToken(window)).toBe('abc_DEF-123');
  });

  it('returns undefined when there is no token anywhere', () => {
    expect(takeToken(window)).toBeUndefined();
  });

  it('builds the websocket URL from the page location', () => {
    expect(webSocketUrl({ protocol: 'http:', host: '127.0.0.1:5000' }, 'a+b')).toBe(
      'ws://127.0.0.1:5000/ipc?token=a%2Bb',
    );
    expect(webSocketUrl({ protocol: 'https:', host: 'localhost:1' }, undefined)).toBe('wss://localhost:1/ipc');
  });
});
