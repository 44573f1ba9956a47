import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Emitter, type Disposable } from '../base/lifecycle';
import { SmuxCmd, SmuxSession, smuxFrame, type SmuxOptions, type SmuxStream, type SmuxTransport } from './smux';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').replace(/(..)/g, '$1 ').trim();
const enc = (s: string) => new TextEncoder().encode(s);
const concat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts.map((p) => Buffer.from(p))));

/** Records what a session writes; lets the test feed bytes in. */
class RecordingTransport implements SmuxTransport {
  readonly written: Uint8Array[] = [];
  readonly dataListeners = new Emitter<Uint8Array>();
  pauses = 0;
  resumes = 0;
  paused = false;
  write(bytes: Uint8Array): void {
    this.written.push(bytes.slice());
  }
  onData(l: (b: Uint8Array) => void): Disposable {
    return this.dataListeners.event(l);
  }
  pause(): void {
    this.pauses++;
    this.paused = true;
  }
  resume(): void {
    this.resumes++;
    this.paused = false;
  }
  all(): Uint8Array {
    return concat(this.written);
  }
}

/**
 * One direction of an in-memory pipe: asynchronous delivery in random-sized chunks, honours pause, reports
 * congestion above `highWater` bytes and drains below it.
 */
class PipeEnd implements SmuxTransport {
  peer!: PipeEnd;
  private readonly inbox: Uint8Array[] = [];
  private inboxBytes = 0;
  private paused = false;
  private scheduled = false;
  private readonly data = new Emitter<Uint8Array>();
  private readonly drain = new Emitter<void>();
  maxInbox = 0;
  constructor(
    private readonly highWater = 256 * 1024,
    private readonly chunker: (n: number) => number = (n) => n,
  ) {}
  write(bytes: Uint8Array): boolean {
    return this.peer.enqueue(bytes.slice());
  }
  onData(l: (b: Uint8Array) => void): Disposable {
    return this.data.event(l);
  }
  onDrain(l: () => void): Disposable {
    return this.drain.event(l);
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
    this.schedule();
  }
  private enqueue(bytes: Uint8Array): boolean {
    this.inbox.push(bytes);
    this.inboxBytes += bytes.length;
    this.maxInbox = Math.max(this.maxInbox, this.inboxBytes);
    this.schedule();
    return this.inboxBytes < this.highWater;
  }
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.deliver();
    });
  }
  private deliver(): void {
    let budget = 64;
    while (!this.paused && this.inbox.length > 0 && budget-- > 0) {
      const head = this.inbox[0]!;
      const n = Math.max(1, Math.min(head.length, this.chunker(head.length)));
      const part = head.subarray(0, n);
      if (n === head.length) this.inbox.shift();
      else this.inbox[0] = head.subarray(n);
      const wasCongested = this.inboxBytes >= this.highWater;
      this.inboxBytes -= n;
      this.data.fire(part);
      if (wasCongested && this.inboxBytes < this.highWater) this.peer.drain.fire();
    }
    if (!this.paused && this.inbox.length > 0) this.schedule();
  }
  dispose(): void {
    this.data.dispose();
    this.drain.dispose();
  }
}

function pipePair(highWater?: number, chunker?: (n: number) => number): [PipeEnd, PipeEnd] {
  const a = new PipeEnd(highWater, chunker);
  const b = new PipeEnd(highWater, chunker);
  a.peer = b;
  b.peer = a;
  return [a, b];
}

const cleanups: Disposable[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c.dispose();
  vi.useRealTimers();
});

function session(transport: SmuxTransport, options: SmuxOptions): SmuxSession {
  const s = new SmuxSession(transport, options);
  cleanups.push(s);
  return s;
}

function pair(options: Partial<SmuxOptions> = {}, highWater?: number, chunker?: (n: number) => number) {
  const [a, b] = pipePair(highWater, chunker);
  cleanups.push(a, b);
  const client = session(a, { role: 'client', keepAlive: false, ...options });
  const server = session(b, { role: 'server', keepAlive: false, ...options });
  return { client, server, a, b };
}

/** Collects a stream's bytes until its end (FIN). */
function readAll(stream: SmuxStream): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const parts: Uint8Array[] = [];
    stream.onDidData((d) => parts.push(d.slice()));
    stream.onDidEnd(() => resolve(concat(parts)));
    stream.onDidClose((e) => (e ? reject(e) : resolve(concat(parts))));
  });
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('smux frames: the fact sheet examples (§7.8)', () => {
  it('a client opens stream 3, sends "GET", closes it: byte for byte', () => {
    const t = new RecordingTransport();
    const s = session(t, { role: 'client', keepAlive: false });
    const stream = s.openStream();
    expect(stream.id).toBe(3);
    void stream.write(enc('GET'));
    stream.close();
    expect(hex(t.all())).toBe(
      ['01 00 00 00 03 00 00 00', '01 02 03 00 03 00 00 00 47 45 54', '01 01 00 00 03 00 00 00'].join(' '),
    );
  });

  it('client ids go 3, 5, 7; server ids 2, 4, 6', () => {
    const c = session(new RecordingTransport(), { role: 'client', keepAlive: false });
    const s = session(new RecordingTransport(), { role: 'server', keepAlive: false });
    expect([c.openStream().id, c.openStream().id, c.openStream().id]).toEqual([3, 5, 7]);
    expect([s.openStream().id, s.openStream().id, s.openStream().id]).toEqual([2, 4, 6]);
  });

  it('sends keepalive NOPs on stream 0 every interval', () => {
    vi.useFakeTimers();
    const t = new RecordingTransport();
    session(t, { role: 'client', keepAlive: { intervalMs: 10_000, timeoutMs: 30_000 } });
    vi.advanceTimersByTime(25_000);
    expect(hex(t.all())).toBe('01 03 00 00 00 00 00 00 01 03 00 00 00 00 00 00');
  });

  it('splits data into PSH frames of at most maxFrameSize, little-endian lengths', () => {
    const t = new RecordingTransport();
    const s = session(t, { role: 'client', keepAlive: false, maxFrameSize: 32_768 });
    const stream = s.openStream();
    void stream.write(new Uint8Array(70_000).fill(0x61));
    const bytes = t.all();
    // SYN, then PSH 32768 (0x8000 LE = 00 80), PSH 32768, PSH 4464 (0x1170 LE = 70 11)
    expect(hex(bytes.subarray(8, 16))).toBe('01 02 00 80 03 00 00 00');
    expect(hex(bytes.subarray(16 + 32_768, 24 + 32_768))).toBe('01 02 00 80 03 00 00 00');
    expect(hex(bytes.subarray(24 + 65_536, 32 + 65_536))).toBe('01 02 70 11 03 00 00 00');
    expect(bytes.length).toBe(8 + 3 * 8 + 70_000);
  });

  it('parses hand-built frames: SYN 3, PSH "GET" split mid-header, FIN', async () => {
    const t = new RecordingTransport();
    const s = session(t, { role: 'server', keepAlive: false });
    const got: Promise<Uint8Array>[] = [];
    s.onDidAcceptStream((st) => got.push(readAll(st)));
    const bytes = Buffer.from('0100000003000000' + '0102030003000000474554' + '0101000003000000', 'hex');
    for (const cut of [
      [0, 3],
      [3, 12],
      [12, 13],
      [13, bytes.length],
    ] as const)
      t.dataListeners.fire(new Uint8Array(bytes.subarray(cut[0], cut[1])));
    expect(got).toHaveLength(1);
    expect(new TextDecoder().decode(await got[0]!)).toBe('GET');
  });

  it('ignores a SYN for a known stream, discards PSH for an unknown one, ignores NOP and UPD', async () => {
    const t = new RecordingTransport();
    const s = session(t, { role: 'server', keepAlive: false });
    const accepted: SmuxStream[] = [];
    const got: Promise<Uint8Array>[] = [];
    s.onDidAcceptStream((st) => {
      accepted.push(st);
      got.push(readAll(st));
    });
    const feed = (b: Uint8Array) => t.dataListeners.fire(b);
    feed(smuxFrame(SmuxCmd.Syn, 3));
    feed(smuxFrame(SmuxCmd.Syn, 3));
    feed(smuxFrame(SmuxCmd.Psh, 9, enc('lost')));
    feed(smuxFrame(SmuxCmd.Nop, 0));
    feed(smuxFrame(SmuxCmd.Upd, 3, new Uint8Array(8)));
    feed(smuxFrame(SmuxCmd.Psh, 3, enc('日本語')));
    feed(smuxFrame(SmuxCmd.Fin, 3));
    expect(accepted).toHaveLength(1);
    expect(s.stats.discarded).toBe(4);
    expect(new TextDecoder().decode(await got[0]!)).toBe('日本語');
    expect(s.isClosed).toBe(false);
  });

  it('an unknown command or another version is a protocol error that closes every stream', () => {
    for (const bad of ['0105000003000000', '0200000003000000', '01ff000000000000']) {
      const t = new RecordingTransport();
      const s = session(t, { role: 'client', keepAlive: false });
      const st = s.openStream();
      const closes: unknown[] = [];
      st.onDidClose((e) => closes.push(e));
      t.dataListeners.fire(new Uint8Array(Buffer.from(bad, 'hex')));
      expect(s.closeReason?.kind).toBe('protocol-error');
      expect(closes).toHaveLength(1);
      expect(String(closes[0])).toMatch(/protocol error/);
      expect(() => s.openStream()).toThrow(/closed/);
    }
  });
});

describe('smux keepalive', () => {
  it('closes the session after the timeout with no frame from the peer', () => {
    vi.useFakeTimers();
    const t = new RecordingTransport();
    const s = session(t, { role: 'client', keepAlive: { intervalMs: 10_000, timeoutMs: 30_000 } });
    vi.advanceTimersByTime(29_999);
    expect(s.isClosed).toBe(false);
    vi.advanceTimersByTime(2);
    expect(s.closeReason?.kind).toBe('keepalive-timeout');
  });

  it('stays up while the peer sends NOPs; dies when they stop', () => {
    vi.useFakeTimers();
    const t = new RecordingTransport();
    const s = session(t, { role: 'client', keepAlive: { intervalMs: 10_000, timeoutMs: 30_000 } });
    for (let i = 0; i < 12; i++) {
      vi.advanceTimersByTime(10_000);
      t.dataListeners.fire(smuxFrame(SmuxCmd.Nop, 0));
    }
    expect(s.isClosed).toBe(false);
    vi.advanceTimersByTime(61_000);
    expect(s.closeReason?.kind).toBe('keepalive-timeout');
  });

  it('onlyAfterPeerNop: a peer that never sends NOPs (keepalive off) does not kill the session; one that stops does', () => {
    vi.useFakeTimers();
    const t = new RecordingTransport();
    const s = session(t, {
      role: 'client',
      keepAlive: { intervalMs: 10_000, timeoutMs: 30_000, onlyAfterPeerNop: true },
    });
    vi.advanceTimersByTime(120_000);
    expect(s.isClosed).toBe(false);
    expect(t.written.length).toBe(12); // we still send our NOPs
    t.dataListeners.fire(smuxFrame(SmuxCmd.Nop, 0));
    vi.advanceTimersByTime(61_000);
    expect(s.closeReason?.kind).toBe('keepalive-timeout');
  });

  it('does not time out while suspended (the pipe is reconnecting) or when disabled', () => {
    vi.useFakeTimers();
    const t = new RecordingTransport();
    const s = session(t, { role: 'client', keepAlive: { intervalMs: 10_000, timeoutMs: 30_000 } });
    s.setKeepAliveSuspended(true);
    vi.advanceTimersByTime(120_000);
    expect(s.isClosed).toBe(false);
    const off = session(new RecordingTransport(), { role: 'client', keepAlive: false });
    vi.advanceTimersByTime(120_000);
    expect(off.isClosed).toBe(false);
    expect(off.keepAliveEnabled).toBe(false);
    expect(vi.getTimerCount()).toBe(2); // only the suspended session's two timers
    s.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('smux over a pipe', () => {
  it('carries 64 concurrent streams both ways without mixing them up', async () => {
    const { client, server } = pair({}, 64 * 1024, () => 1 + Math.floor(Math.random() * 3000));
    // server: echo every stream, reversed per chunk boundary is not observable, so echo verbatim
    server.onDidAcceptStream((st) => {
      st.onDidData((d) => void st.write(d));
      st.onDidEnd(() => st.close());
    });
    const payloads = Array.from({ length: 64 }, (_, i) => new Uint8Array(randomBytes(1000 + i * 997)));
    const results = await Promise.all(
      payloads.map(async (p) => {
        const st = client.openStream();
        const got = new Promise<Uint8Array>((resolve) => {
          const parts: Uint8Array[] = [];
          let n = 0;
          st.onDidData((d) => {
            parts.push(d.slice());
            n += d.length;
            if (n === p.length) resolve(concat(parts));
          });
        });
        for (let off = 0; off < p.length; off += 4000) await st.write(p.subarray(off, off + 4000));
        const r = await got;
        st.close();
        return r;
      }),
    );
    results.forEach((r, i) => expect(sha(r)).toBe(sha(payloads[i]!)));
  });

  it('a FIN ends reads after buffered data; the closer forgets the stream', async () => {
    const { client, server } = pair();
    const accepted = new Promise<SmuxStream>((r) => server.onDidAcceptStream(r));
    const st = client.openStream();
    await st.write(enc('hello '));
    await st.write(enc('world'));
    st.close();
    expect(st.isClosed).toBe(true);
    expect(client.streamCount).toBe(0);
    const peer = await accepted;
    expect(new TextDecoder().decode(await readAll(peer))).toBe('hello world');
    expect(peer.isRemoteEnded).toBe(true);
    await expect(st.write(enc('x'))).rejects.toThrow(/closed/);
  });

  it('back-pressure: a reader that stops reading stops the sender; memory stays bounded; nothing is lost', async () => {
    const maxReceiveBuffer = 256 * 1024;
    const maxSendBuffer = 128 * 1024;
    const { client, server, b } = pair({ maxReceiveBuffer, maxSendBuffer }, 64 * 1024);
    let peer!: SmuxStream;
    const accepted = new Promise<void>((r) =>
      server.onDidAcceptStream((st) => {
        peer = st;
        st.pause();
        r();
      }),
    );
    const st = client.openStream();
    const total = 8 * 1024 * 1024;
    const data = new Uint8Array(randomBytes(total));
    let written = 0;
    let writing = true;
    const writer = (async () => {
      for (let off = 0; off < total; off += 16 * 1024) {
        await st.write(data.subarray(off, off + 16 * 1024));
        written = off + 16 * 1024;
      }
      writing = false;
    })();
    await accepted;
    const parts: Uint8Array[] = [];
    peer.onDidData((d) => parts.push(d.slice()));
    await new Promise((r) => setTimeout(r, 200));
    // the sender is stuck well before 8 MiB; the receiver holds at most its buffer plus a frame or so
    expect(writing).toBe(true);
    expect(written).toBeLessThan(1024 * 1024);
    expect(server.unreadBytes).toBeLessThan(maxReceiveBuffer + 64 * 1024);
    expect(server.isReceivePaused).toBe(true);
    expect(client.queuedBytes).toBeLessThan(maxSendBuffer + 32 * 1024);
    expect(b.maxInbox).toBeLessThan(1024 * 1024);
    peer.resume();
    await writer;
    st.close();
    await new Promise<void>((r) => peer.onDidEnd(r));
    expect(sha(concat(parts))).toBe(sha(data));
  });
});

/** A list of operations turned into a valid frame stream and into the expected per-stream result. */
const opsArb = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('syn' as const), id: fc.integer({ min: 1, max: 6 }) }),
    fc.record({
      op: fc.constant('psh' as const),
      id: fc.integer({ min: 1, max: 6 }),
      data: fc.uint8Array({ maxLength: 300 }),
    }),
    fc.record({ op: fc.constant('fin' as const), id: fc.integer({ min: 1, max: 6 }) }),
    fc.record({ op: fc.constant('nop' as const) }),
  ),
  { maxLength: 60 },
);

type Op =
  { op: 'syn'; id: number } | { op: 'psh'; id: number; data: Uint8Array } | { op: 'fin'; id: number } | { op: 'nop' };

function framesOf(ops: Op[]): Uint8Array {
  return concat(
    ops.map((o) =>
      o.op === 'nop'
        ? smuxFrame(SmuxCmd.Nop, 0)
        : smuxFrame(
            o.op === 'syn' ? SmuxCmd.Syn : o.op === 'fin' ? SmuxCmd.Fin : SmuxCmd.Psh,
            o.id * 2 + 1,
            o.op === 'psh' ? o.data : undefined,
          ),
    ),
  );
}

type RunResult = { streams: Record<number, { data: string; ended: boolean }>; closed: string | undefined };

/** Feeds bytes in the given chunks; returns, per accepted stream id, the bytes read and whether it ended. */
async function run(bytes: Uint8Array, cuts: number[]): Promise<RunResult> {
  const t = new RecordingTransport();
  const s = new SmuxSession(t, { role: 'server', keepAlive: false });
  const streams: RunResult['streams'] = {};
  s.onDidAcceptStream((st) => {
    const rec: { data: string; ended: boolean } = { data: '', ended: false };
    streams[st.id] = rec;
    st.onDidData((d) => (rec.data += Buffer.from(d).toString('hex')));
    st.onDidEnd(() => (rec.ended = true));
  });
  let prev = 0;
  for (const c of [...cuts.filter((c) => c > 0 && c < bytes.length).sort((x, y) => x - y), bytes.length]) {
    if (c > prev) t.dataListeners.fire(bytes.slice(prev, c));
    prev = c;
  }
  const closed = s.closeReason?.kind;
  // listeners attached in onDidAcceptStream start delivery on a microtask
  await new Promise((r) => setImmediate(r));
  s.close();
  return { streams, closed };
}

describe('smux fuzz (fast-check)', () => {
  it('random chunking of a valid frame stream gives the same streams, data and ends', async () => {
    await fc.assert(
      fc.asyncProperty(opsArb, fc.array(fc.nat({ max: 20_000 }), { maxLength: 40 }), async (ops, cuts) => {
        const bytes = framesOf(ops as Op[]);
        const whole = await run(bytes, []);
        const chunked = await run(bytes, cuts);
        const bytewise = await run(
          bytes,
          Array.from({ length: bytes.length }, (_, i) => i),
        );
        expect(chunked).toEqual(whole);
        expect(bytewise).toEqual(whole);
        expect(whole.closed).toBeUndefined();
      }),
      { numRuns: 150 },
    );
  });

  it('garbage never throws; a bad version or command byte gives a protocol error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 2000 }),
        fc.array(fc.nat({ max: 2000 })),
        async (bytes, cuts) => {
          const r = await run(bytes, cuts);
          if (bytes.length >= 8 && (bytes[0] !== 1 || bytes[1]! > 4)) expect(r.closed).toBe('protocol-error');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('smux lifecycle', () => {
  it('close() rejects pending writes, closes streams, unsubscribes from the transport', async () => {
    vi.useFakeTimers();
    const t = new RecordingTransport();
    const s = new SmuxSession(t, {
      role: 'client',
      keepAlive: { intervalMs: 1000, timeoutMs: 3000 },
      maxSendBuffer: 10,
    });
    const st = s.openStream();
    const closes: unknown[] = [];
    st.onDidClose((e) => closes.push(e));
    // RecordingTransport never blocks, so the queue drains at once: writes resolve
    await st.write(new Uint8Array(100));
    s.close();
    expect(closes).toHaveLength(1);
    expect(t.dataListeners.listenerCount).toBe(0);
    await expect(st.write(enc('x'))).rejects.toThrow(/closed/);
    expect(vi.getTimerCount()).toBe(0);
  });
});
