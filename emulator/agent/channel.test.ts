/** The agent's reliability rules (fact sheet §5, agent column), frame by frame against a fake connection. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  decodeMessage,
  encodeMessage,
  MessageType,
  newMessageId,
  PayloadType,
  type ClientMessage,
} from '../../electron/core/ssm/message';
import { AgentChannel, type FrameInfo, type HandlerResult } from './channel';
import { FaultInjector } from './faults';
import { utf8SafeLength } from './utf8';

interface Sent {
  message: ClientMessage;
  info: FrameInfo;
}

function input(seq: number, payload = 'x', payloadType: number = PayloadType.Output): Uint8Array {
  return encodeMessage({
    messageType: MessageType.InputStreamData,
    schemaVersion: 1,
    createdDate: Date.now(),
    sequenceNumber: seq,
    flags: 0,
    messageId: newMessageId(),
    payloadType,
    payload: Buffer.from(payload),
  });
}

function ack(seq: number): Uint8Array {
  return encodeMessage({
    messageType: MessageType.Acknowledge,
    schemaVersion: 1,
    createdDate: Date.now(),
    sequenceNumber: 0,
    flags: 3,
    messageId: newMessageId(),
    payloadType: 0,
    payload: Buffer.from(
      JSON.stringify({
        AcknowledgedMessageType: 'output_stream_data',
        AcknowledgedMessageId: newMessageId(),
        AcknowledgedMessageSequenceNumber: seq,
        IsSequentialMessage: true,
      }),
    ),
  });
}

describe('AgentChannel', () => {
  let now = 0;
  let sent: Sent[];
  let handled: string[];
  let answer: HandlerResult;
  let channel: AgentChannel;

  const acks = () =>
    sent
      .filter((s) => s.message.messageType === MessageType.Acknowledge)
      .map((s) => JSON.parse(Buffer.from(s.message.payload).toString()) as Record<string, unknown>);

  beforeEach(() => {
    vi.useFakeTimers();
    now = 1000;
    sent = [];
    handled = [];
    answer = 'ok';
    channel = new AgentChannel({
      now: () => now,
      onStreamMessage: (m) => {
        if (answer === 'ok') handled.push(Buffer.from(m.payload).toString());
        return answer;
      },
    });
    channel.attach({
      send: (frame, info) => {
        const d = decodeMessage(frame);
        if (!d.ok) throw new Error(d.error.detail);
        sent.push({ message: d.message, info });
      },
    });
  });

  afterEach(() => {
    channel.dispose();
    vi.useRealTimers();
  });

  it('acks in-order input with the Go key order and flags 3, and delivers it', () => {
    const frame = input(0, 'ls\r');
    channel.receive(frame);
    expect(handled).toEqual(['ls\r']);
    const a = sent[0]!.message;
    expect(a.messageType).toBe('acknowledge');
    expect(a.flags).toBe(3);
    expect(a.sequenceNumber).toBe(0);
    const id = decodeMessage(frame);
    expect(Buffer.from(a.payload).toString()).toBe(
      `{"AcknowledgedMessageType":"input_stream_data","AcknowledgedMessageId":"${id.ok ? id.message.messageId : ''}","AcknowledgedMessageSequenceNumber":0,"IsSequentialMessage":true}`,
    );
  });

  it('does not ack while the handler is not ready, then processes the resend', () => {
    answer = 'not-ready';
    channel.receive(input(0, 'early'));
    expect(sent).toHaveLength(0);
    answer = 'ok';
    channel.receive(input(0, 'early'));
    expect(handled).toEqual(['early']);
    expect(acks().map((a) => a.AcknowledgedMessageSequenceNumber)).toEqual([0]);
  });

  it('acks and buffers out-of-order input, delivers in order once the gap fills, re-acks duplicates', () => {
    channel.receive(input(2, 'c'));
    channel.receive(input(1, 'b'));
    expect(handled).toEqual([]);
    expect(acks().map((a) => a.AcknowledgedMessageSequenceNumber)).toEqual([2, 1]);
    channel.receive(input(0, 'a'));
    expect(handled).toEqual(['a', 'b', 'c']);
    channel.receive(input(1, 'b'));
    expect(handled).toEqual(['a', 'b', 'c']);
    expect(acks().map((a) => a.AcknowledgedMessageSequenceNumber)).toEqual([2, 1, 0, 1]);
    expect(channel.stats().duplicatesReacked).toBe(1);
  });

  it('numbers output from 0 with SYN on the first message only', () => {
    channel.sendStream(PayloadType.Output, Buffer.from('a'));
    channel.sendStream(PayloadType.Output, Buffer.from('b'));
    expect(sent.map((s) => [s.message.sequenceNumber, s.message.flags])).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });

  it('resends only the oldest unacked message, once per 100 ms tick, after the RTO', () => {
    channel.sendStream(PayloadType.Output, Buffer.from('a'));
    channel.sendStream(PayloadType.Output, Buffer.from('b'));
    sent = [];
    now += 150; // < RTO 200
    vi.advanceTimersByTime(100);
    expect(sent).toHaveLength(0);
    now += 100; // 250 > 200
    vi.advanceTimersByTime(100);
    expect(sent.map((s) => [s.message.sequenceNumber, s.info.resend])).toEqual([[0, true]]);
    // LastSentTime was updated: the next tick does not resend again before another RTO.
    now += 100;
    vi.advanceTimersByTime(100);
    expect(sent).toHaveLength(1);
    channel.receive(ack(0));
    now += 300;
    vi.advanceTimersByTime(100);
    expect(sent.map((s) => s.message.sequenceNumber)).toEqual([0, 1]);
  });

  it('updates RTT/RTO from acks per the formula', () => {
    channel.sendStream(PayloadType.Output, Buffer.from('a'));
    now += 20;
    channel.receive(ack(0));
    // RTTV = 0.75*0 + 0.25*|100-20| = 20; RTT = 0.875*100 + 0.125*20 = 90; RTO = 90 + max(10, 80) = 170
    expect(channel.stats().rtoMs).toBeCloseTo(170, 6);
    expect(channel.stats().outgoingBuffered).toBe(0);
  });

  it('while paused buffers without sending and does not resend; an ack un-pauses', () => {
    channel.setPaused(true);
    channel.sendStream(PayloadType.Output, Buffer.from('a'));
    now += 1000;
    vi.advanceTimersByTime(300);
    expect(sent).toHaveLength(0);
    channel.receive(ack(99));
    expect(channel.isPaused).toBe(false);
    vi.advanceTimersByTime(100);
    expect(sent.map((s) => s.message.sequenceNumber)).toEqual([0]);
  });

  it('drops malformed frames without an ack and ignores the digest', () => {
    channel.receive(new Uint8Array(50));
    const frame = input(0, 'digest-wrong');
    frame[80] = frame[80]! ^ 0xff;
    channel.receive(frame);
    expect(handled).toEqual(['digest-wrong']);
    expect(acks()).toHaveLength(1);
  });
});

describe('FaultInjector', () => {
  function run(seed: number): string[] {
    const injector = new FaultInjector({
      seed,
      duplicateProbability: 0.3,
      loseProbability: 0.2,
      corruptDigestProbability: 0.2,
    });
    const out: string[] = [];
    const conn = injector.connection((f) => out.push(`${f[0]}:${f[80]}`), {
      drop: () => out.push('drop'),
      expireToken: () => undefined,
      pausePublication: () => undefined,
    });
    for (let i = 0; i < 200; i++) {
      const frame = new Uint8Array(120);
      frame[0] = i % 256;
      conn.send(frame, { kind: 'stream', sequenceNumber: i, resend: false });
    }
    conn.dispose();
    return out;
  }

  it('is deterministic for a seed and differs across seeds', () => {
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
    expect(run(42).length).not.toBe(200);
  });

  it('drops after N stream frames, acks and control frames not counted', () => {
    const out: string[] = [];
    const injector = new FaultInjector({ dropAfterMessages: 3 });
    const conn = injector.connection(() => out.push('frame'), {
      drop: (mode) => out.push(`drop:${mode}`),
      expireToken: () => undefined,
      pausePublication: () => undefined,
    });
    conn.send(new Uint8Array(120), { kind: 'ack', sequenceNumber: 0, resend: false });
    for (let i = 0; i < 5; i++) conn.send(new Uint8Array(120), { kind: 'stream', sequenceNumber: i, resend: false });
    expect(out).toEqual(['frame', 'frame', 'frame', 'frame', 'drop:terminate']);
  });
});

describe('utf8SafeLength', () => {
  it('never ends inside a character and holds back an incomplete tail', () => {
    const bytes = Buffer.from('aあいう', 'utf8'); // 1 + 3*3 = 10 bytes
    expect(utf8SafeLength(bytes, 10)).toBe(10);
    expect(utf8SafeLength(bytes, 9)).toBe(7);
    expect(utf8SafeLength(bytes, 8)).toBe(7);
    expect(utf8SafeLength(bytes, 5)).toBe(4);
    expect(utf8SafeLength(bytes.subarray(0, 3), 1024)).toBe(1);
    expect(utf8SafeLength(Buffer.from([0xff, 0xfe]), 1024)).toBe(2);
    const emoji = Buffer.from('😀', 'utf8');
    expect(utf8SafeLength(emoji.subarray(0, 3), 1024)).toBe(0);
  });
});
