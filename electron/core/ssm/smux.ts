/**
 * smux version 1 (fact sheet §7.6, §7.8): the stream multiplexer the SSM agent and plugin speak inside the byte
 * stream of a port session. Our own implementation, usable as client (stream ids 3, 5, 7, …) and as server (ids
 * 2, 4, 6, …), over any duplex byte pipe ({@link SmuxTransport}); nothing here knows about SSM.
 *
 * Frame: version(1)=1 | cmd(1) | length(2, LE) | stream id(4, LE) | data. cmd: 0 SYN, 1 FIN, 2 PSH, 3 NOP, 4 UPD.
 *
 * Semantics (as github.com/xtaci/smux v1.5 behaves):
 * - open = SYN; data = PSH frames of at most `maxFrameSize` bytes; close = FIN. No half-close: closing a stream ends
 *   it both ways locally; a received FIN ends reads once buffered data is consumed.
 * - SYN for a known id is ignored; PSH for an unknown id is discarded; NOP is ignored; UPD (v2 window update) is read
 *   and ignored; a wrong version byte or an unknown cmd is a protocol error that ends the session.
 * - keepalive (optional): NOP on stream 0 every `intervalMs`; the session ends if nothing at all arrived during a
 *   `timeoutMs` period, unless our receive buffer is full (then the silence is ours).
 * - back-pressure: unread received data is bounded session-wide (`maxReceiveBuffer`); past it the transport is
 *   paused until readers catch up. Outgoing frames wait in a bounded queue; `write` resolves once there is room.
 * Frames may arrive split at any byte boundary. Nothing received can throw out of here.
 */
import { Emitter, type Disposable, type Event } from '../base/lifecycle';

export const SMUX_VERSION = 1;
export const SmuxCmd = { Syn: 0, Fin: 1, Psh: 2, Nop: 3, Upd: 4 } as const;
export const SMUX_HEADER_BYTES = 8;

/** A duplex byte pipe. `write` may return false to say "congested": the session then waits for `onDrain`. */
export interface SmuxTransport {
  write(bytes: Uint8Array): void | boolean;
  onData(listener: (bytes: Uint8Array) => void): Disposable | void;
  onDrain?(listener: () => void): Disposable | void;
  /** Stop / restart delivering data (receive back-pressure). Optional: without them the session cannot push back. */
  pause?(): void;
  resume?(): void;
}

export interface SmuxKeepAlive {
  /** NOP every this many ms. Default 10 000. */
  intervalMs: number;
  /** The session ends if no frame arrived within this long. Default 30 000. */
  timeoutMs: number;
  /**
   * Enforce the timeout only once the peer has sent a NOP itself (it runs keepalive too). Guards against the §11
   * mismatch where one side has keepalive off and the other kills idle sessions. Default false (as xtaci/smux).
   */
  onlyAfterPeerNop?: boolean;
}

export interface SmuxOptions {
  /** 'client' opens odd stream ids from 3, 'server' even ids from 2. */
  role: 'client' | 'server';
  /** Data bytes per PSH frame at most. Default 32 768 (max 65 535). */
  maxFrameSize?: number;
  /** Unread received bytes (all streams) before the transport is paused. Default 4 MiB. */
  maxReceiveBuffer?: number;
  /** Queued outgoing bytes above which `write` waits. Default 1 MiB. */
  maxSendBuffer?: number;
  /** Keepalive, or false to disable it. Default enabled with 10 s / 30 s. */
  keepAlive?: Partial<SmuxKeepAlive> | false;
  /** Open streams at most; a SYN beyond it is answered with FIN. Default 65 536. */
  maxStreams?: number;
}

export type SmuxCloseReason =
  { kind: 'closed' } | { kind: 'protocol-error'; detail: string } | { kind: 'keepalive-timeout'; detail: string };

export class SmuxError extends Error {
  constructor(
    message: string,
    readonly reason?: SmuxCloseReason,
  ) {
    super(message);
    this.name = 'SmuxError';
  }
}

/** Encodes one frame header. */
export function smuxHeader(cmd: number, streamId: number, length: number): Uint8Array {
  const h = new Uint8Array(SMUX_HEADER_BYTES);
  h[0] = SMUX_VERSION;
  h[1] = cmd;
  h[2] = length & 0xff;
  h[3] = (length >>> 8) & 0xff;
  h[4] = streamId & 0xff;
  h[5] = (streamId >>> 8) & 0xff;
  h[6] = (streamId >>> 16) & 0xff;
  h[7] = (streamId >>> 24) & 0xff;
  return h;
}

/** Encodes a whole frame (header + data); for tests and tools. */
export function smuxFrame(cmd: number, streamId: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(SMUX_HEADER_BYTES + data.length);
  out.set(smuxHeader(cmd, streamId, data.length), 0);
  out.set(data, SMUX_HEADER_BYTES);
  return out;
}

interface OutFrame {
  header: Uint8Array;
  data: Uint8Array | undefined;
}

/** One multiplexed stream. */
export class SmuxStream implements Disposable {
  private readonly buffer: Uint8Array[] = [];
  private bufferedBytes = 0;
  private flowing = true;
  private remoteEnded = false;
  private endFired = false;
  private closed = false;
  private delivering = false;
  /** Data bytes received (for statistics and error attribution). */
  bytesReceived = 0;
  bytesSent = 0;

  private readonly _onDidData = new Emitter<Uint8Array>();
  /** Received bytes, in order. Delivery starts when a listener is attached (and the stream is not paused). */
  readonly onDidData: Event<Uint8Array> = (listener) => {
    const d = this._onDidData.event(listener);
    queueMicrotask(() => this.flush());
    return d;
  };
  private readonly _onDidEnd = new Emitter<void>();
  /** The peer closed the stream (FIN) and every byte before it was delivered. */
  readonly onDidEnd: Event<void> = (listener) => {
    const d = this._onDidEnd.event(listener);
    queueMicrotask(() => this.flush());
    return d;
  };
  private readonly _onDidClose = new Emitter<SmuxError | undefined>();
  /** The stream is gone: closed by us, or with an error when the session ended. Fires once. */
  readonly onDidClose: Event<SmuxError | undefined> = this._onDidClose.event;

  constructor(
    readonly id: number,
    private readonly session: SmuxSession,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** True once the peer's FIN arrived. */
  get isRemoteEnded(): boolean {
    return this.remoteEnded;
  }

  /** Unread bytes held by this stream. */
  get readableBytes(): number {
    return this.bufferedBytes;
  }

  /**
   * Queues data (split into frames). Resolves when the session's send queue has room again; await it before
   * writing more. Rejects if the stream or session is closed.
   */
  write(data: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new SmuxError('stream is closed'));
    this.bytesSent += data.length;
    return this.session.writeData(this.id, data);
  }

  pause(): void {
    this.flowing = false;
  }

  resume(): void {
    if (this.flowing) return;
    this.flowing = true;
    this.flush();
  }

  /** Sends FIN (after data already queued) and forgets the stream. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.session.closeStream(this);
  }

  dispose(): void {
    this.close();
  }

  // ---- called by the session

  /** @internal */
  push(data: Uint8Array): void {
    if (this.closed || this.remoteEnded) return;
    this.bytesReceived += data.length;
    this.buffer.push(data);
    this.bufferedBytes += data.length;
    this.session.accountReceive(data.length);
    this.flush();
  }

  /** @internal */
  remoteFin(): void {
    if (this.remoteEnded) return;
    this.remoteEnded = true;
    this.flush();
  }

  /** @internal Marks closed, drops buffered data, fires onDidClose. */
  markClosed(error: SmuxError | undefined): void {
    if (this.closed) return;
    this.closed = true;
    const dropped = this.bufferedBytes;
    this.buffer.length = 0;
    this.bufferedBytes = 0;
    if (dropped) this.session.accountConsumed(dropped);
    this._onDidClose.fire(error);
    this._onDidData.dispose();
    this._onDidEnd.dispose();
    this._onDidClose.dispose();
  }

  private flush(): void {
    if (this.delivering || this.closed) return;
    this.delivering = true;
    try {
      while (this.flowing && this.buffer.length > 0 && this._onDidData.listenerCount > 0 && !this.closed) {
        const chunk = this.buffer.shift()!;
        this.bufferedBytes -= chunk.length;
        this.session.accountConsumed(chunk.length);
        this._onDidData.fire(chunk);
      }
      if (
        this.remoteEnded &&
        !this.endFired &&
        this.buffer.length === 0 &&
        !this.closed &&
        this._onDidEnd.listenerCount > 0
      ) {
        this.endFired = true;
        this._onDidEnd.fire();
      }
    } finally {
      this.delivering = false;
    }
  }
}

/** An smux v1 session over a byte pipe. */
export class SmuxSession implements Disposable {
  private readonly maxFrameSize: number;
  private readonly maxReceiveBuffer: number;
  private readonly maxSendBuffer: number;
  private readonly maxStreams: number;
  private readonly keepAlive: SmuxKeepAlive | undefined;

  private readonly streams = new Map<number, SmuxStream>();
  private nextId: number;
  private closedReason: SmuxCloseReason | undefined;

  // receive side
  private readonly inChunks: Uint8Array[] = [];
  private inOffset = 0; // into inChunks[0]
  private inBytes = 0;
  private header: { cmd: number; length: number; id: number } | undefined;
  private unread = 0;
  private transportPaused = false;
  private parsing = false;
  private receivedSinceCheck = false;
  private keepAliveSuspended = false;

  // send side
  private readonly outQueue: OutFrame[] = [];
  private outHead = 0;
  private outBytes = 0;
  private transportBlocked = false;
  private flushing = false;
  private spaceWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];

  private readonly subscriptions: Disposable[] = [];
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private timeoutTimer: ReturnType<typeof setInterval> | undefined;

  private readonly _onDidAcceptStream = new Emitter<SmuxStream>();
  /** The peer opened a stream. Attach listeners synchronously or data waits in the stream (bounded). */
  readonly onDidAcceptStream: Event<SmuxStream> = this._onDidAcceptStream.event;
  private readonly _onDidClose = new Emitter<SmuxCloseReason>();
  readonly onDidClose: Event<SmuxCloseReason> = this._onDidClose.event;

  readonly stats = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, discarded: 0, nopsIn: 0 };

  constructor(
    private readonly transport: SmuxTransport,
    options: SmuxOptions,
  ) {
    this.nextId = options.role === 'client' ? 1 : 0;
    this.maxFrameSize = Math.min(Math.max(1, options.maxFrameSize ?? 32_768), 0xffff);
    this.maxReceiveBuffer = options.maxReceiveBuffer ?? 4 * 1024 * 1024;
    this.maxSendBuffer = options.maxSendBuffer ?? 1024 * 1024;
    this.maxStreams = options.maxStreams ?? 65_536;
    this.keepAlive =
      options.keepAlive === false ? undefined : { intervalMs: 10_000, timeoutMs: 30_000, ...(options.keepAlive ?? {}) };
    const d1 = transport.onData((bytes) => this.feed(bytes));
    if (d1) this.subscriptions.push(d1);
    const d2 = transport.onDrain?.(() => {
      this.transportBlocked = false;
      this.flushOut();
    });
    if (d2) this.subscriptions.push(d2);
    if (this.keepAlive) this.startKeepAlive(this.keepAlive);
  }

  get isClosed(): boolean {
    return this.closedReason !== undefined;
  }

  get closeReason(): SmuxCloseReason | undefined {
    return this.closedReason;
  }

  get streamCount(): number {
    return this.streams.size;
  }

  get keepAliveEnabled(): boolean {
    return this.keepAlive !== undefined;
  }

  /** Unread received bytes across all streams. */
  get unreadBytes(): number {
    return this.unread;
  }

  /** Outgoing bytes waiting for the transport. */
  get queuedBytes(): number {
    return this.outBytes;
  }

  /** Opens a stream (SYN). Throws SmuxError when the session is closed or the id space is used up. */
  openStream(): SmuxStream {
    if (this.closedReason) throw new SmuxError('smux session is closed', this.closedReason);
    const id = this.nextId + 2;
    if (id > 0xffffffff) throw new SmuxError('smux stream ids exhausted');
    this.nextId = id;
    const stream = new SmuxStream(id, this);
    this.streams.set(id, stream);
    this.enqueue(SmuxCmd.Syn, id, undefined);
    return stream;
  }

  /**
   * The underlying pipe could not deliver for a while through no fault of the peer (e.g. a reconnect): while
   * suspended the keepalive timeout does not end the session.
   */
  setKeepAliveSuspended(suspended: boolean): void {
    this.keepAliveSuspended = suspended;
    if (!suspended) this.receivedSinceCheck = true;
  }

  /** Feeds received bytes (any chunking). Public so a transport can also push directly. Never throws. */
  feed(bytes: Uint8Array): void {
    if (this.closedReason || bytes.length === 0) return;
    this.inChunks.push(bytes);
    this.inBytes += bytes.length;
    this.parse();
  }

  /** Ends the session: every stream closes with an error; timers stop. Idempotent. */
  close(reason: SmuxCloseReason = { kind: 'closed' }): void {
    if (this.closedReason) return;
    this.closedReason = reason;
    this.stopKeepAlive();
    const err =
      reason.kind === 'closed' ? new SmuxError('smux session closed', reason) : new SmuxError(describe(reason), reason);
    for (const s of [...this.streams.values()]) s.markClosed(err);
    this.streams.clear();
    this.outQueue.length = 0;
    this.outHead = 0;
    this.outBytes = 0;
    this.inChunks.length = 0;
    this.inBytes = 0;
    for (const w of this.spaceWaiters.splice(0)) w.reject(err);
    for (const s of this.subscriptions.splice(0)) s.dispose();
    if (this.transportPaused) {
      this.transportPaused = false;
      this.transport.resume?.();
    }
    this._onDidClose.fire(reason);
    this._onDidClose.dispose();
    this._onDidAcceptStream.dispose();
  }

  dispose(): void {
    this.close();
  }

  // ---------------------------------------------------------------- send side (used by streams)

  /** @internal */
  writeData(id: number, data: Uint8Array): Promise<void> {
    if (this.closedReason) return Promise.reject(new SmuxError('smux session is closed', this.closedReason));
    for (let off = 0; off < data.length; off += this.maxFrameSize) {
      this.enqueue(SmuxCmd.Psh, id, data.subarray(off, Math.min(off + this.maxFrameSize, data.length)), false);
    }
    this.flushOut();
    if (this.closedReason) return Promise.reject(new SmuxError('smux session is closed', this.closedReason));
    if (this.outBytes < this.maxSendBuffer) return Promise.resolve();
    return new Promise((resolve, reject) => this.spaceWaiters.push({ resolve, reject }));
  }

  /** @internal */
  closeStream(stream: SmuxStream): void {
    if (this.streams.get(stream.id) === stream) {
      this.streams.delete(stream.id);
      if (!this.closedReason) this.enqueue(SmuxCmd.Fin, stream.id, undefined);
    }
    stream.markClosed(undefined);
  }

  private enqueue(cmd: number, id: number, data: Uint8Array | undefined, flush = true): void {
    const length = data?.length ?? 0;
    this.outQueue.push({ header: smuxHeader(cmd, id, length), data: length > 0 ? data : undefined });
    this.outBytes += SMUX_HEADER_BYTES + length;
    if (flush) this.flushOut();
  }

  private flushOut(): void {
    if (this.flushing || this.closedReason) return;
    this.flushing = true;
    try {
      while (this.outHead < this.outQueue.length && !this.transportBlocked && !this.closedReason) {
        const f = this.outQueue[this.outHead]!;
        this.outQueue[this.outHead] = undefined as unknown as OutFrame;
        this.outHead++;
        this.outBytes -= SMUX_HEADER_BYTES + (f.data?.length ?? 0);
        this.stats.framesOut++;
        let ok = this.transport.write(f.header);
        if (f.data) {
          this.stats.bytesOut += f.data.length;
          ok = this.transport.write(f.data) !== false && ok !== false;
        }
        if (ok === false && this.transport.onDrain) this.transportBlocked = true;
      }
      if (this.outHead === this.outQueue.length) {
        this.outQueue.length = 0;
        this.outHead = 0;
      } else if (this.outHead > 1024) {
        this.outQueue.splice(0, this.outHead);
        this.outHead = 0;
      }
    } finally {
      this.flushing = false;
    }
    if (this.outBytes < this.maxSendBuffer && this.spaceWaiters.length > 0) {
      for (const w of this.spaceWaiters.splice(0)) w.resolve();
    }
  }

  // ---------------------------------------------------------------- receive side

  /** @internal */
  accountReceive(n: number): void {
    this.unread += n;
    if (!this.transportPaused && this.unread >= this.maxReceiveBuffer && this.transport.pause) {
      this.transportPaused = true;
      this.transport.pause();
    }
  }

  /** @internal */
  accountConsumed(n: number): void {
    this.unread -= n;
    if (this.transportPaused && this.unread < this.maxReceiveBuffer && !this.closedReason) {
      this.transportPaused = false;
      this.transport.resume?.();
    }
  }

  /** True while received data waits for slow readers (the transport is paused). */
  get isReceivePaused(): boolean {
    return this.transportPaused;
  }

  private take(n: number): Uint8Array {
    const first = this.inChunks[0]!;
    const avail = first.length - this.inOffset;
    if (avail >= n) {
      const out = first.subarray(this.inOffset, this.inOffset + n);
      this.inOffset += n;
      if (this.inOffset === first.length) {
        this.inChunks.shift();
        this.inOffset = 0;
      }
      this.inBytes -= n;
      return out;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const c = this.inChunks[0]!;
      const k = Math.min(c.length - this.inOffset, n - filled);
      out.set(c.subarray(this.inOffset, this.inOffset + k), filled);
      filled += k;
      this.inOffset += k;
      if (this.inOffset === c.length) {
        this.inChunks.shift();
        this.inOffset = 0;
      }
    }
    this.inBytes -= n;
    return out;
  }

  private parse(): void {
    if (this.parsing) return;
    this.parsing = true;
    try {
      while (!this.closedReason) {
        if (!this.header) {
          if (this.inBytes < SMUX_HEADER_BYTES) return;
          const h = this.take(SMUX_HEADER_BYTES);
          const version = h[0]!;
          const cmd = h[1]!;
          if (version !== SMUX_VERSION) {
            this.close({ kind: 'protocol-error', detail: `unsupported smux version ${version}` });
            return;
          }
          if (cmd > SmuxCmd.Upd) {
            this.close({ kind: 'protocol-error', detail: `unknown smux command ${cmd}` });
            return;
          }
          const length = h[2]! | (h[3]! << 8);
          const id = (h[4]! | (h[5]! << 8) | (h[6]! << 16) | (h[7]! << 24)) >>> 0;
          this.header = { cmd, length, id };
        }
        const { cmd, length, id } = this.header;
        if (this.inBytes < length) return;
        const data = length > 0 ? this.take(length) : undefined;
        this.header = undefined;
        this.receivedSinceCheck = true;
        this.stats.framesIn++;
        this.handleFrame(cmd, id, data);
      }
    } finally {
      this.parsing = false;
    }
  }

  private handleFrame(cmd: number, id: number, data: Uint8Array | undefined): void {
    switch (cmd) {
      case SmuxCmd.Nop:
        this.stats.nopsIn++;
        return;
      case SmuxCmd.Syn: {
        if (this.streams.has(id)) return;
        if (this.streams.size >= this.maxStreams) {
          this.enqueue(SmuxCmd.Fin, id, undefined);
          return;
        }
        const stream = new SmuxStream(id, this);
        this.streams.set(id, stream);
        this._onDidAcceptStream.fire(stream);
        return;
      }
      case SmuxCmd.Fin:
        this.streams.get(id)?.remoteFin();
        return;
      case SmuxCmd.Psh: {
        if (!data) return;
        const stream = this.streams.get(id);
        if (!stream) {
          this.stats.discarded += data.length;
          return;
        }
        this.stats.bytesIn += data.length;
        // Copy out of the transport's chunk only when it is a view into a larger buffer we would otherwise pin.
        stream.push(data);
        return;
      }
      case SmuxCmd.Upd:
        return; // v2 window update: no meaning in v1
    }
  }

  // ---------------------------------------------------------------- keepalive

  private startKeepAlive(k: SmuxKeepAlive): void {
    this.pingTimer = setInterval(() => {
      if (!this.closedReason) this.enqueue(SmuxCmd.Nop, 0, undefined);
    }, k.intervalMs);
    this.timeoutTimer = setInterval(() => {
      if (this.closedReason) return;
      const peerUnproven = k.onlyAfterPeerNop === true && this.stats.nopsIn === 0;
      if (this.receivedSinceCheck || this.keepAliveSuspended || this.transportPaused || peerUnproven) {
        this.receivedSinceCheck = false;
        return;
      }
      this.close({ kind: 'keepalive-timeout', detail: `no smux frame from the peer for ${k.timeoutMs} ms` });
    }, k.timeoutMs);
    this.pingTimer.unref?.();
    this.timeoutTimer.unref?.();
  }

  private stopKeepAlive(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.timeoutTimer) clearInterval(this.timeoutTimer);
    this.pingTimer = this.timeoutTimer = undefined;
  }
}

function describe(reason: SmuxCloseReason): string {
  switch (reason.kind) {
    case 'closed':
      return 'smux session closed';
    case 'protocol-error':
      return `smux protocol error: ${reason.detail}`;
    case 'keepalive-timeout':
      return `smux keepalive timeout: ${reason.detail}`;
  }
}
