import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DataChannel,
  type DataChannelOptions,
  type DataChannelStateChange,
  type StreamDisposition,
} from './dataChannel';
import { encodeMessage, MessageType, PayloadType, type ClientMessage, type DecodeError } from './message';
import { FakePeer, type PeerOptions } from './test/fakePeer';

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

let peers: FakePeer[] = [];
let channels: DataChannel[] = [];

afterEach(async () => {
  for (const c of channels) c.dispose();
  for (const p of peers) await p.close();
  peers = [];
  channels = [];
  vi.useRealTimers();
});

async function setup(
  peerOptions: PeerOptions = {},
  channelOptions: Partial<DataChannelOptions> = {},
  handler: (m: ClientMessage) => StreamDisposition = () => 'accepted',
) {
  const peer = await new FakePeer(peerOptions).listening();
  peers.push(peer);
  const received: ClientMessage[] = [];
  const states: DataChannelStateChange[] = [];
  const drops: DecodeError[] = [];
  const channel = new DataChannel({
    streamUrl: peer.url,
    token: 'token-1',
    sessionId: 'sess-1',
    reconnect: { initialDelayMs: 10, maxDelayMs: 50, maxAttempts: 4 },
    ...channelOptions,
  });
  channels.push(channel);
  channel.setStreamHandler((m) => {
    const d = handler(m);
    if (d === 'accepted') received.push(m);
    return d;
  });
  channel.onDidChangeState((s) => states.push(s));
  channel.onDidDropFrame((e) => drops.push(e));
  await channel.open();
  await peer.until(() => peer.socket !== undefined, 5000, 'peer socket');
  return { peer, channel, received, states, drops };
}

const receivedText = (ms: ClientMessage[]) => ms.map((m) => str(m.payload)).join('');

describe('DataChannel: opening', () => {
  it('sends OpenDataChannelInput as the first (text) frame with token, client id and a modern client version', async () => {
    const { peer, channel } = await setup();
    expect(channel.state).toBe('open');
    expect(peer.opens).toHaveLength(1);
    const open = peer.opens[0]!;
    expect(Object.keys(open)).toEqual(['MessageSchemaVersion', 'RequestId', 'TokenValue', 'ClientId', 'ClientVersion']);
    expect(open.MessageSchemaVersion).toBe('1.0');
    expect(open.TokenValue).toBe('token-1');
    expect(open.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(open.ClientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(open.ClientVersion).toBe('1.2.779.0');
  });

  it('pings with payload "keepalive" right after opening', async () => {
    const { peer } = await setup();
    await peer.until(() => peer.pings.length > 0, 2000, 'ping');
    expect(peer.pings[0]).toBe('keepalive');
  });

  it('fails with connect-failed when nothing listens at the StreamUrl', async () => {
    const peer = await new FakePeer().listening();
    const url = peer.url;
    await peer.close();
    const channel = new DataChannel({ streamUrl: url, token: 't', reconnect: { initialDelayMs: 5, maxAttempts: 2 } });
    channels.push(channel);
    await expect(channel.open()).rejects.toThrow(/connect-failed/);
    expect(channel.state).toBe('failed');
    expect(channel.end?.kind).toBe('connect-failed');
  });
});

describe('DataChannel: sending', () => {
  it('numbers input_stream_data from 0 with flags 0, and empties the window on acks', async () => {
    const { peer, channel } = await setup();
    for (const s of ['a', 'b', 'c']) await channel.send(PayloadType.Output, text(s));
    await channel.send(PayloadType.Size, text('{"cols":80,"rows":24}'));
    await peer.until(() => peer.delivered.length === 4);
    expect(peer.delivered.map((m) => m.sequenceNumber)).toEqual([0, 1, 2, 3]);
    expect(peer.delivered.map((m) => m.flags)).toEqual([0, 0, 0, 0]);
    expect(peer.delivered.map((m) => m.messageType)).toEqual(Array(4).fill('input_stream_data'));
    expect(peer.delivered.map((m) => m.payloadType)).toEqual([1, 1, 1, 3]);
    await peer.until(() => channel.unackedCount === 0);
  });

  it('refuses payloads over 1024 bytes', async () => {
    const { channel } = await setup();
    await expect(channel.send(PayloadType.Output, new Uint8Array(1025))).rejects.toThrow(RangeError);
    await expect(channel.send(PayloadType.Output, new Uint8Array(1024))).resolves.toBeUndefined();
  });

  it('resends an unacked message after the RTO, with a fresh send time each time (no resend storm)', async () => {
    let drop = true;
    const { peer, channel } = await setup({ ackIncoming: () => !drop });
    await channel.send(PayloadType.Output, text('x'));
    await new Promise((r) => setTimeout(r, 1050));
    const copies = peer.frames.filter((m) => m.messageType === 'input_stream_data').length;
    // The plugin would resend on every 100 ms tick after the first RTO (~8 copies); we wait a full RTO each time.
    expect(copies).toBeGreaterThanOrEqual(3);
    expect(copies).toBeLessThanOrEqual(6);
    drop = false;
    await peer.until(() => channel.unackedCount === 0, 3000, 'ack after resend');
    expect(peer.delivered.map((m) => str(m.payload))).toEqual(['x']);
  });

  it('adapts the RTO from acked messages', async () => {
    const { peer, channel } = await setup();
    const before = channel.rtt.rtoMs;
    for (let i = 0; i < 20; i++) await channel.send(PayloadType.Output, text(String(i)));
    await peer.until(() => channel.unackedCount === 0);
    expect(channel.rtt.rttMs).toBeLessThan(100);
    expect(channel.rtt.rtoMs).toBeLessThan(before);
  });

  it('applies back-pressure: a full send window makes senders wait instead of evicting data', async () => {
    let ack = false;
    const { peer, channel } = await setup({ ackIncoming: () => ack, resend: true }, { sendWindow: 4 });
    const sends = [0, 1, 2, 3, 4, 5].map((i) => channel.send(PayloadType.Output, text(String(i))));
    const settled: number[] = [];
    sends.forEach((p, i) => void p.then(() => settled.push(i)));
    await new Promise((r) => setTimeout(r, 150));
    expect(settled.sort()).toEqual([0, 1, 2, 3]);
    expect(channel.isCongested).toBe(true);
    ack = true;
    await Promise.all(sends);
    await peer.until(() => peer.delivered.length === 6);
    expect(peer.deliveredText()).toBe('012345');
  });
  it('keeps at most 256 KiB of payload in flight: a 1 MiB paste goes out as acks make room', async () => {
    let ack = false;
    const { peer, channel } = await setup({ ackIncoming: () => ack, resend: false });
    const sends = Array.from({ length: 1024 }, (_, i) =>
      channel.send(PayloadType.Output, new Uint8Array(1024).fill(i % 256)),
    );
    await peer.until(() => peer.delivered.length === 256, 2000, 'first 256 KiB');
    await new Promise((r) => setTimeout(r, 100));
    expect(peer.delivered).toHaveLength(256);
    expect(channel.unackedCount).toBe(256);
    expect(channel.isCongested).toBe(true);
    ack = true;
    for (const m of peer.delivered) peer.ack(m);
    await Promise.all(sends);
    await peer.until(() => channel.unackedCount === 0, 5000, 'all acked');
    // Each message once, in order (a slow machine may resend some of the first 256 while the peer held its acks).
    expect(peer.delivered.map((m) => m.payload[0])).toEqual(Array.from({ length: 1024 }, (_, i) => i % 256));
    expect(channel.stats.sent).toBe(1024);
  });
});

describe('DataChannel: receiving', () => {
  it('delivers in order and acks each message with the §4.2 payload (seq 0, flags 3, payload type 0)', async () => {
    const { peer, received } = await setup();
    peer.sendOutput(PayloadType.Output, 'hello ');
    peer.sendOutput(PayloadType.Output, 'wörld 日本語');
    await peer.until(() => peer.acksReceived.length === 2);
    expect(receivedText(received)).toBe('hello wörld 日本語');
    const acks = peer.frames.filter((m) => m.messageType === 'acknowledge');
    expect(acks.map((a) => [a.sequenceNumber, a.flags, a.payloadType])).toEqual([
      [0, 3, 0],
      [0, 3, 0],
    ]);
    const content = JSON.parse(str(acks[1]!.payload)) as Record<string, unknown>;
    expect(Object.keys(content)).toEqual([
      'AcknowledgedMessageType',
      'AcknowledgedMessageId',
      'AcknowledgedMessageSequenceNumber',
      'IsSequentialMessage',
    ]);
    expect(content).toMatchObject({
      AcknowledgedMessageType: 'output_stream_data',
      AcknowledgedMessageSequenceNumber: 1,
      IsSequentialMessage: true,
    });
  });

  it('reorders out-of-order messages and acks each once', async () => {
    const { peer, received } = await setup({ resend: false });
    const f = ['a', 'b', 'c', 'd'].map((s) => peer.nextOutput(PayloadType.Output, s));
    for (const i of [2, 3, 0, 1]) peer.sendRaw(f[i]!);
    await peer.until(() => received.length === 4);
    expect(receivedText(received)).toBe('abcd');
    expect(peer.acksReceived.sort()).toEqual([0, 1, 2, 3]);
  });

  it('delivers duplicates once but re-acks them (the plugin stays silent and the agent resends forever)', async () => {
    const { peer, received, channel } = await setup({ resend: false });
    const f0 = peer.nextOutput(PayloadType.Output, 'once');
    peer.sendRaw(f0);
    await peer.until(() => peer.acksReceived.length === 1);
    peer.sendRaw(f0);
    peer.sendRaw(f0);
    await peer.until(() => peer.acksReceived.length === 3, 2000, 're-acks');
    expect(receivedText(received)).toBe('once');
    expect(peer.acksReceived).toEqual([0, 0, 0]);
    expect(channel.stats.duplicates).toBe(2);
  });

  it('re-acks a duplicate of a message it is still holding out of order', async () => {
    const { peer, received } = await setup({ resend: false });
    const f0 = peer.nextOutput(PayloadType.Output, 'a');
    const f1 = peer.nextOutput(PayloadType.Output, 'b');
    peer.sendRaw(f1);
    peer.sendRaw(f1);
    await peer.until(() => peer.acksReceived.length === 2);
    expect(received).toHaveLength(0);
    peer.sendRaw(f0);
    await peer.until(() => received.length === 2);
    expect(receivedText(received)).toBe('ab');
  });

  it('keeps a message the handler was not ready for, and delivers it (and later ones) in order on retry', async () => {
    let ready = false;
    const { peer, received, channel } = await setup({ resend: false }, {}, () => (ready ? 'accepted' : 'not-ready'));
    peer.sendOutput(PayloadType.Output, '1');
    peer.sendOutput(PayloadType.Output, '2');
    await peer.until(() => peer.acksReceived.length === 2);
    expect(received).toHaveLength(0);
    ready = true;
    channel.retryDelivery();
    peer.sendOutput(PayloadType.Output, '3');
    await peer.until(() => received.length === 3);
    expect(receivedText(received)).toBe('123');
  });

  it('delivers buffered handshake messages through the same handler (not lost as in the plugin)', async () => {
    const { peer, received } = await setup({ resend: false });
    const req = peer.nextOutput(PayloadType.HandshakeRequest, '{"AgentVersion":"3.3.0.0","RequestedClientActions":[]}');
    const done = peer.nextOutput(PayloadType.HandshakeComplete, '{"HandshakeTimeToComplete":1,"CustomerMessage":""}');
    peer.sendRaw(done);
    peer.sendRaw(req);
    await peer.until(() => received.length === 2);
    expect(received.map((m) => m.payloadType)).toEqual([5, 7]);
  });

  it('bounds the out-of-order buffer: overflow is dropped unacked and recovered by the peer resend', async () => {
    const { peer, received, channel } = await setup({}, { maxBufferedMessages: 2 });
    const f = ['a', 'b', 'c', 'd'].map((s) => peer.nextOutput(PayloadType.Output, s));
    peer.sendRaw(f[1]!);
    peer.sendRaw(f[2]!);
    peer.sendRaw(f[3]!);
    await peer.until(() => peer.acksReceived.length === 2);
    expect(channel.stats.overflowDropped).toBe(1);
    expect(channel.bufferedCount).toBe(2);
    peer.sendRaw(f[0]!);
    await peer.until(() => received.length === 4, 5000, 'resend of the dropped message');
    expect(receivedText(received)).toBe('abcd');
  });

  it('applies back-pressure to a slow reader: stops reading the socket when the buffer is full, drops nothing', async () => {
    let reading = false;
    // A peer that never resends: a message dropped unacked would be lost for good.
    const { peer, channel, received } = await setup(
      { resend: false },
      {
        maxBufferedBytes: 16 * 1024,
        pingIntervalMs: 50,
        pongTimeoutMs: 100,
        resume: async () => ({ kind: 'token', token: 'token-2' }),
      },
      () => (reading ? 'accepted' : 'not-ready'),
    );
    const chunk = (i: number) => `${String(i).padStart(4, '0')} 日本語 `.padEnd(1000, '.') + '\n';
    for (let i = 0; i < 200; i++) peer.sendOutput(PayloadType.Output, chunk(i));
    // Typed while the reader is stalled: the agent acks it, we cannot read the ack yet, and must not resend it.
    await channel.send(PayloadType.Output, text('typed'));
    await peer.until(() => peer.delivered.length === 1);
    await new Promise((r) => setTimeout(r, 600)); // several keepalive intervals, RTOs and resend ticks
    expect(channel.stats.overflowDropped).toBe(0);
    expect(channel.isReceivePaused).toBe(true);
    // Memory stays bounded: the buffer limit plus at most what one socket read had already brought in.
    expect(channel.bufferedBytes).toBeGreaterThanOrEqual(16 * 1024);
    expect(channel.bufferedBytes).toBeLessThan(16 * 1024 + 80 * 1024);
    expect(peer.acksReceived.length).toBeLessThan(200);
    expect(channel.stats.resent).toBe(0);
    expect(channel.state).toBe('open');
    expect(peer.opens).toHaveLength(1);

    reading = true;
    channel.retryDelivery();
    await peer.until(() => received.length === 200, 5000, 'everything delivered');
    expect(receivedText(received)).toBe(Array.from({ length: 200 }, (_, i) => chunk(i)).join(''));
    await peer.until(() => peer.acksReceived.length === 200 && channel.unackedCount === 0, 5000, 'acks both ways');
    expect(channel.isReceivePaused).toBe(false);
    expect(channel.stats.overflowDropped).toBe(0);
    expect(channel.stats.resent).toBe(0);
    expect(peer.opens).toHaveLength(1);
  });

  it('drops malformed frames with a typed event and keeps working', async () => {
    const { peer, received, drops, channel } = await setup({ resend: false });
    const good = peer.nextOutput(PayloadType.Output, 'ok');
    const corrupt = good.slice();
    corrupt[85] = corrupt[85]! ^ 0xff; // digest
    peer.sendRaw(corrupt);
    peer.sendRaw(new Uint8Array(50));
    peer.sendRaw('not a frame at all');
    const unknown = encodeMessage({
      messageType: 'agent_session_state',
      schemaVersion: 1,
      createdDate: Date.now(),
      sequenceNumber: 0,
      flags: 3,
      messageId: '00000000-0000-4000-8000-000000000000',
      payloadType: 0,
      payload: text('{"SessionState":"Connected"}'),
    });
    peer.sendRaw(unknown);
    await peer.until(() => drops.length === 4);
    expect(drops.map((d) => d.kind)).toEqual(['bad-digest', 'truncated', 'truncated', 'unknown-type']);
    expect(received).toHaveLength(0);
    expect(peer.acksReceived).toEqual([]);
    peer.sendRaw(good);
    await peer.until(() => received.length === 1);
    expect(channel.state).toBe('open');
  });
});

describe('DataChannel: control messages', () => {
  it('ends on channel_closed with the reason, and rejects later sends', async () => {
    const { peer, channel, states } = await setup();
    peer.sendChannelClosed('Session timed out: idle for 20 minutes.');
    await peer.until(() => channel.state === 'closed');
    expect(states.at(-1)).toEqual({
      state: 'closed',
      end: { kind: 'channel-closed', output: 'Session timed out: idle for 20 minutes.', undelivered: 0 },
    });
    await expect(channel.send(PayloadType.Output, text('x'))).rejects.toThrow(/channel-closed/);
  });

  it('holds data during pause_publication and sends it in order on start_publication', async () => {
    const { peer, channel } = await setup();
    await channel.send(PayloadType.Output, text('a'));
    await peer.until(() => peer.delivered.length === 1);
    peer.sendControl('pause_publication');
    await new Promise((r) => setTimeout(r, 50));
    await channel.send(PayloadType.Output, text('b'));
    await channel.send(PayloadType.Output, text('c'));
    await new Promise((r) => setTimeout(r, 400));
    expect(peer.frames.filter((m) => m.messageType === 'input_stream_data')).toHaveLength(1);
    peer.sendControl('start_publication');
    await peer.until(() => peer.delivered.length === 3);
    expect(peer.deliveredText()).toBe('abc');
  });
});

describe('DataChannel: resume', () => {
  it('reconnects with a ResumeSession token after a drop, keeping sequence state: nothing lost or duplicated', async () => {
    let resumes = 0;
    const { peer, channel, received, states } = await setup(
      {},
      {
        resume: async () => {
          resumes++;
          return { kind: 'token', token: `token-${resumes + 1}` };
        },
      },
    );
    peer.sendOutput(PayloadType.Output, 'before ');
    await channel.send(PayloadType.Output, text('in-1 '));
    await peer.until(() => peer.delivered.length === 1 && received.length === 1);
    const clientId = peer.opens[0]!.ClientId;

    peer.dropConnection();
    // Written while the socket is down: must arrive after the resume, in order.
    const pending = [channel.send(PayloadType.Output, text('in-2 ')), channel.send(PayloadType.Output, text('in-3'))];
    await peer.until(() => channel.state === 'open' && peer.opens.length === 2, 5000, 'reconnect');
    await Promise.all(pending);
    peer.sendOutput(PayloadType.Output, 'after');
    await peer.until(() => peer.delivered.length === 3 && received.length === 2, 5000, 'traffic after resume');

    expect(states.map((s) => s.state)).toContain('reconnecting');
    expect(resumes).toBe(1);
    expect(peer.opens[1]).toMatchObject({ TokenValue: 'token-2', ClientId: clientId });
    expect(peer.opens[1]!.RequestId).not.toBe(peer.opens[0]!.RequestId);
    expect(peer.deliveredText()).toBe('in-1 in-2 in-3');
    expect(peer.delivered.map((m) => m.sequenceNumber)).toEqual([0, 1, 2]);
    expect(receivedText(received)).toBe('before after');
  });

  it('resends messages whose ack died with the old socket', async () => {
    let ackOn = true;
    const { peer, channel } = await setup(
      { ackIncoming: () => ackOn },
      { resume: async () => ({ kind: 'token', token: 'token-2' }) },
    );
    ackOn = false;
    await channel.send(PayloadType.Output, text('lost-ack'));
    await peer.until(() => peer.delivered.length === 1);
    peer.dropConnection();
    ackOn = true;
    await peer.until(() => peer.opens.length === 2 && channel.unackedCount === 0, 5000, 'resent and acked');
    expect(peer.deliveredText()).toBe('lost-ack');
  });

  it('ends with a clear reason when ResumeSession says the session is gone', async () => {
    const { peer, channel } = await setup(
      {},
      { resume: async () => ({ kind: 'ended', reason: 'Session sess-1 timed out.' }) },
    );
    peer.dropConnection();
    await peer.until(() => channel.state === 'failed');
    expect(channel.end).toEqual({ kind: 'session-timed-out', detail: 'Session sess-1 timed out.' });
  });

  it('gives up after the retry budget when resume keeps failing', async () => {
    let calls = 0;
    const { peer, channel, states } = await setup(
      {},
      {
        resume: async () => {
          calls++;
          throw new Error('InternalServerError');
        },
      },
    );
    peer.dropConnection();
    await peer.until(() => channel.state === 'failed', 5000);
    expect(calls).toBe(4);
    expect(channel.end?.kind).toBe('resume-failed');
    expect(channel.end && 'detail' in channel.end && channel.end.detail).toMatch(/4 attempts.*InternalServerError/);
    expect(states.filter((s) => s.state === 'reconnecting').map((s) => s.attempt)).toEqual([1, 2, 3, 4]);
  });

  it('treats a keepalive without answer as a dead link and resumes', async () => {
    const { peer, channel } = await setup(
      { autoPong: false },
      { pingIntervalMs: 50, pongTimeoutMs: 100, resume: async () => ({ kind: 'token', token: 'token-2' }) },
    );
    await peer.until(() => peer.opens.length >= 2, 3000, 'reconnect after missing pong');
    expect(channel.stats.reconnects).toBeGreaterThanOrEqual(1);
  });

  it('fails with resend-timeout when data stays unacknowledged on a live connection', async () => {
    const { channel } = await setup({ ackIncoming: () => false }, { unackedTimeoutMs: 400 });
    await channel.send(PayloadType.Output, text('never acked'));
    await new Promise((r) => setTimeout(r, 900));
    expect(channel.state).toBe('failed');
    expect(channel.end).toMatchObject({ kind: 'resend-timeout' });
  });

  it('gives up when every reconnect is refused right after it opens (bad token)', async () => {
    let n = 0;
    const { peer, channel } = await setup(
      { acceptToken: (t) => t === 'token-1' },
      { resume: async () => ({ kind: 'token', token: `stale-${++n}` }) },
    );
    peer.dropConnection();
    await peer.until(() => channel.state === 'failed', 8000, 'give up');
    expect(channel.end?.kind).toBe('resume-failed');
    expect(peer.opens.length).toBeGreaterThan(2);
    expect(peer.opens.length).toBeLessThanOrEqual(6);
  });

  it('closes the socket when closed locally', async () => {
    const { peer, channel, states } = await setup();
    channel.close();
    await peer.until(() => peer.socket === undefined);
    expect(states.at(-1)).toEqual({ state: 'closed', end: { kind: 'closed-by-client' } });
  });
});

describe('DataChannel: message types', () => {
  it('ignores input_stream_data sent to the client (wrong direction)', async () => {
    const { peer, received, drops } = await setup();
    peer.sendRaw(peer.frame(MessageType.InputStreamData, 0, 0, 1, text('x')));
    await peer.until(() => drops.length === 1);
    expect(received).toHaveLength(0);
  });
});

describe('DataChannel: a paste to an agent that acks slowly', () => {
  const KEYSTROKES = 40;
  const PASTE_MESSAGES = 1024; // 1 MiB in 1024-byte payloads

  /** Polls (1 ms) until `cond` holds: the channel's own work (acks processed) fires no peer event. */
  async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  /**
   * Deterministic: the channel's monotonic clock is a number the test moves, and its 100 ms resend tick is a fake
   * interval the test fires whenever that clock passes a multiple of 100 ms since the paste; resend decisions
   * depend only on that clock and on what the peer has acknowledged. Encoding a frame costs the client 40 µs of
   * this clock (sending 1 MiB keeps it busy for ~40 ms); the peer acks 1.5 ms after each keystroke, and acks the
   * paste in arrival order at 12.8 messages per ms (80 ms for 1024), starting only after the first resend tick
   * (the tick is due right after the client's busy send loop, before it reads the acks waiting on the socket).
   * `lose(seq)` makes the first copy of a message vanish unacked (its resend is acked); during `stall` (ms of the
   * paste's ack phase, [from, to)) the agent processes nothing.
   */
  async function pasteAgainstSlowAcks(
    lose: (seq: number) => boolean = () => false,
    stall: { from: number; to: number } = { from: 0, to: 0 },
  ) {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let clock = 1000;
    const { peer, channel } = await setup(
      { ackIncoming: () => false, resend: false },
      { now: () => clock, wallClock: () => ((clock += 0.04), Date.now()) },
    );
    const inputs = () => peer.frames.filter((m) => m.messageType === MessageType.InputStreamData);
    const ackedSeqs = new Set<number>();
    const lostOnce = new Set<number>();
    let processed = 0;
    const agentProcesses = async (count: number) => {
      const arrived = inputs();
      for (let n = 0; n < count && processed < arrived.length; n++) {
        const m = arrived[processed++]!;
        if (lose(m.sequenceNumber) && !lostOnce.has(m.sequenceNumber)) {
          lostOnce.add(m.sequenceNumber);
          continue;
        }
        peer.ack(m);
        ackedSeqs.add(m.sequenceNumber);
      }
      await waitFor(() => channel.stats.acked === ackedSeqs.size, 'acks processed');
      // Whatever the acks let the channel send (or it resent) reaches the peer before the clock moves on.
      await waitFor(() => inputs().length === channel.stats.sent + channel.stats.resent, 'frames arrive');
    };

    // Keystrokes: 1.5 ms round trips teach the estimator an RTO of ~12 ms.
    for (let i = 0; i < KEYSTROKES; i++) {
      await channel.send(PayloadType.Output, text('k'));
      await waitFor(() => inputs().length > processed, 'keystroke');
      clock += 1.5;
      await agentProcesses(1);
    }
    const rtoAfterTyping = channel.rtt.rtoMs;

    const payload = (i: number) => new Uint8Array(1024).fill(65 + (i % 26));
    const sends: Promise<void>[] = [];
    for (let i = 0; i < PASTE_MESSAGES; i++) sends.push(channel.send(PayloadType.Output, payload(i)));
    const pasteStart = clock;
    await waitFor(() => inputs().length === channel.stats.sent + channel.stats.resent, 'paste frames arrive');
    vi.advanceTimersByTime(100); // the tick that was due while the client was busy sending
    await waitFor(() => inputs().length === channel.stats.sent + channel.stats.resent, 'resends arrive');
    let nextTick = pasteStart + 100;
    for (let step = 1; ackedSeqs.size < KEYSTROKES + PASTE_MESSAGES; step++) {
      if (step > 2000) throw new Error('the paste never completed');
      clock += 1;
      if (clock >= nextTick) {
        nextTick += 100;
        vi.advanceTimersByTime(100);
      }
      const stalled = step >= stall.from && step < stall.to;
      await agentProcesses(stalled ? 0 : Math.round(step * 12.8) - Math.round((step - 1) * 12.8));
    }
    await Promise.all(sends);
    expect(channel.unackedCount).toBe(0);
    const delivered = peer.delivered.slice(KEYSTROKES);
    expect(delivered.map((m) => m.sequenceNumber)).toEqual(
      Array.from({ length: PASTE_MESSAGES }, (_, i) => KEYSTROKES + i),
    );
    expect(delivered.every((m, i) => m.payload.length === 1024 && m.payload[0] === 65 + (i % 26))).toBe(true);
    return { channel, peer, rtoAfterTyping, resent: channel.stats.resent };
  }

  it('resends nothing while the acks of a 1 MiB paste keep coming (an RTO learned from keystrokes)', async () => {
    const { rtoAfterTyping, resent } = await pasteAgainstSlowAcks();
    expect(rtoAfterTyping).toBeGreaterThan(10);
    expect(rtoAfterTyping).toBeLessThan(16);
    expect(resent).toBe(0);
  });

  it('still resends a message the agent lost in the middle of the paste, and only that one', async () => {
    const lostSeq = KEYSTROKES + 300;
    const { peer, resent } = await pasteAgainstSlowAcks((seq) => seq === lostSeq);
    expect(resent).toBe(1);
    const copies = peer.frames.filter(
      (m) => m.messageType === MessageType.InputStreamData && m.sequenceNumber === lostSeq,
    );
    expect(copies).toHaveLength(2);
  });

  it('recovers a run of 100 messages lost mid-paste, each resent once', async () => {
    const lost = (seq: number) => seq >= KEYSTROKES + 500 && seq < KEYSTROKES + 600;
    const { resent } = await pasteAgainstSlowAcks(lost);
    expect(resent).toBe(100);
  });

  it('recovers the lost tail of a paste (nothing acked after it): one probe, then the rest once each', async () => {
    const lost = (seq: number) => seq >= KEYSTROKES + PASTE_MESSAGES - 50;
    const { resent } = await pasteAgainstSlowAcks(lost);
    expect(resent).toBe(50);
  });

  it('an agent that stalls for 250 ms mid-paste costs a few probes, not a burst', async () => {
    const { resent } = await pasteAgainstSlowAcks(undefined, { from: 20, to: 270 });
    expect(resent).toBeGreaterThanOrEqual(1);
    expect(resent).toBeLessThanOrEqual(3);
  });
});
