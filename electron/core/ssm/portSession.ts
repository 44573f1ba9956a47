/**
 * Port sessions over a {@link DataChannel} (fact sheet §6, §7.3–§7.7): the client end of
 * AWS-StartPortForwardingSession, AWS-StartPortForwardingSessionToRemoteHost and AWS-StartSSHSession.
 *
 * After the handshake (SessionType `Port` with Properties) the variant is chosen exactly as the plugin does (§7.3):
 * - `mux`: `type == LocalPortForwarding` and agent > 3.0.196.0 — many connections as smux v1 streams over the
 *   session's byte stream; smux keepalive on only for agents ≤ 3.1.1511.0 (§6.5, §11);
 * - `basic`: LocalPortForwarding with an older agent — one connection at a time, DisconnectToPort when it ends;
 * - `stream`: anything else (AWS-StartSSHSession) — one byte stream for the whole session (ssh ProxyCommand).
 * Connections are {@link PortConnection}s; the tunnel layer pipes them to local sockets.
 *
 * Differences from the plugin: no 1 ms sleep per KiB (outgoing data is coalesced into 1024-byte payloads and paced
 * only by the channel's send window); bounded buffers both ways (a slow local reader stops delivery from the
 * channel, a slow channel stops local reads); acks may arrive in any order around the handshake (§11).
 */
import { Emitter, type Disposable, type Event } from '../base/lifecycle';
import {
  ChannelSession,
  errorText,
  type ChannelSessionOptions,
  type ClientActionOutcome,
  type SessionEnd,
} from './channelSession';
import { MAX_PAYLOAD_BYTES, type DataChannelStateChange, type StreamDisposition } from './dataChannel';
import { PayloadType, type ClientMessage } from './message';
import { FlagValue, flagPayload, parseFlag, parseHandshakeComplete, type HandshakeRequest } from './payloads';
import { agentUnderstandsTerminateFlag, choosePortVariant, muxKeepAliveEnabled, type PortVariant } from './portVersion';
import { SmuxSession, type SmuxKeepAlive, type SmuxOptions, type SmuxStream, type SmuxTransport } from './smux';

export type { PortVariant } from './portVersion';

/** Port-session properties from the handshake (§1.2); all strings. */
export interface PortProperties {
  portNumber?: string;
  localPortNumber?: string;
  type?: string;
  host?: string;
  [key: string]: unknown;
}

export interface PortSessionInfo {
  variant: PortVariant;
  agentVersion: string;
  properties: PortProperties;
  /** smux keepalive in use (mux only). */
  keepAlive: boolean;
  /** Text the agent wants shown (HandshakeComplete CustomerMessage). */
  customerMessage: string;
}

export interface PortSessionOptions extends ChannelSessionOptions {
  /** smux tuning (frame size, buffers); role and keepalive are decided here. */
  smux?: Partial<Omit<SmuxOptions, 'role' | 'keepAlive'>>;
  /** Overrides the version rule for smux keepalive (tests). */
  keepAlive?: Partial<SmuxKeepAlive> | false;
  /** Outgoing bytes waiting for the channel before writers wait. Default 256 KiB. */
  maxPendingOutputBytes?: number;
  /** Received bytes held for one slow basic/stream connection before delivery stops. Default 1 MiB. */
  maxConnectionBuffer?: number;
  /** The handshake must complete within this long after the channel opened. Default 30 s. */
  handshakeTimeoutMs?: number;
}

/** One forwarded connection (an smux stream, or the session's only byte stream). */
export interface PortConnection extends Disposable {
  readonly id: number;
  /** Set when the agent could not reach the destination for this connection (ConnectToPortError, §7.7). */
  readonly failure: 'connect-failed' | undefined;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly isClosed: boolean;
  /** Queues bytes for the destination; resolves when there is room for more (await before writing again). */
  write(data: Uint8Array): Promise<void>;
  /** Bytes from the destination, in order; delivery starts when a listener is attached. */
  readonly onDidData: Event<Uint8Array>;
  /** The destination side ended (all data delivered). */
  readonly onDidEnd: Event<void>;
  /** The connection is gone (fires once); with an error when the session ended under it. */
  readonly onDidClose: Event<Error | undefined>;
  pause(): void;
  resume(): void;
  /** Ends the connection both ways. Idempotent. */
  close(): void;
}

type Phase = 'starting' | 'handshaking' | 'ready' | 'ended';

// ---------------------------------------------------------------------------------------------- outgoing pump

type OutItem = { kind: 'data'; bytes: Uint8Array } | { kind: 'flag'; flag: number };

/**
 * Outgoing bytes and flags, in order, to the channel: data coalesced into payloads of at most 1024 bytes (smux frames
 * need not align with messages), flags as their own messages. Bounded: `push` reports congestion above the high-water
 * mark; `onDidDrain` fires when it falls below half of it.
 */
class OutputPump implements Disposable {
  private readonly queue: OutItem[] = [];
  private head = 0;
  private headOffset = 0;
  private bytes = 0;
  private running = false;
  private congested = false;
  private stopped = false;
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private readonly _onDidDrain = new Emitter<void>();
  readonly onDidDrain: Event<void> = this._onDidDrain.event;
  sentBytes = 0;

  constructor(
    private readonly send: (payloadType: number, payload: Uint8Array) => Promise<void>,
    private readonly highWater: number,
    private readonly onError: (e: unknown) => void,
  ) {}

  get pendingBytes(): number {
    return this.bytes;
  }

  /** Returns false when the caller should wait for {@link onDidDrain}. */
  push(bytes: Uint8Array): boolean {
    if (this.stopped || bytes.length === 0) return !this.stopped;
    this.queue.push({ kind: 'data', bytes });
    this.bytes += bytes.length;
    this.kick();
    if (this.bytes >= this.highWater) this.congested = true;
    return !this.congested;
  }

  pushFlag(flag: number): void {
    if (this.stopped) return;
    this.queue.push({ kind: 'flag', flag });
    this.kick();
  }

  /** Resolves when below the high-water mark. */
  room(): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('the port session has ended'));
    if (this.bytes < this.highWater) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Resolves when everything queued was handed to the channel. */
  async flushed(): Promise<void> {
    while (!this.stopped && (this.running || this.head < this.queue.length)) {
      await new Promise<void>((r) => {
        const d = this._onDidDrain.event(() => {
          d.dispose();
          r();
        });
        setTimeout(() => {
          d.dispose();
          r();
        }, 50).unref();
      });
    }
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.queue.length = 0;
    this.head = 0;
    this.bytes = 0;
    const err = new Error('the port session has ended');
    for (const w of this.waiters.splice(0)) w.reject(err);
  }

  dispose(): void {
    this.stop();
    this._onDidDrain.dispose();
  }

  private kick(): void {
    if (!this.running) void this.run();
  }

  private next(): { payloadType: number; payload: Uint8Array } | undefined {
    const item = this.queue[this.head];
    if (!item) return undefined;
    if (item.kind === 'flag') {
      this.head++;
      return { payloadType: PayloadType.Flag, payload: flagPayload(item.flag) };
    }
    // Coalesce consecutive data items into one payload of at most 1024 bytes.
    const first = item.bytes;
    const avail = first.length - this.headOffset;
    if (avail >= MAX_PAYLOAD_BYTES || this.queue[this.head + 1]?.kind !== 'data') {
      const n = Math.min(avail, MAX_PAYLOAD_BYTES);
      const payload = first.slice(this.headOffset, this.headOffset + n);
      this.consume(n);
      return { payloadType: PayloadType.Output, payload };
    }
    const out = new Uint8Array(Math.min(MAX_PAYLOAD_BYTES, this.bytes));
    let filled = 0;
    while (filled < out.length) {
      const it = this.queue[this.head];
      if (!it || it.kind !== 'data') break;
      const k = Math.min(it.bytes.length - this.headOffset, out.length - filled);
      out.set(it.bytes.subarray(this.headOffset, this.headOffset + k), filled);
      filled += k;
      this.consume(k);
    }
    return { payloadType: PayloadType.Output, payload: filled === out.length ? out : out.slice(0, filled) };
  }

  private consume(n: number): void {
    const item = this.queue[this.head] as { kind: 'data'; bytes: Uint8Array };
    this.headOffset += n;
    this.bytes -= n;
    if (this.headOffset >= item.bytes.length) {
      this.head++;
      this.headOffset = 0;
    }
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      for (;;) {
        if (this.stopped) return;
        const m = this.next();
        if (!m) break;
        if (this.head > 4096) {
          this.queue.splice(0, this.head);
          this.head = 0;
        }
        if (m.payloadType === PayloadType.Output) this.sentBytes += m.payload.length;
        this.afterConsume();
        await this.send(m.payloadType, m.payload);
      }
      this.queue.length = 0;
      this.head = 0;
    } catch (e) {
      if (!this.stopped) this.onError(e);
    } finally {
      this.running = false;
    }
    if (!this.stopped) this._onDidDrain.fire();
  }

  private afterConsume(): void {
    if (this.bytes < this.highWater) for (const w of this.waiters.splice(0)) w.resolve();
    if (this.congested && this.bytes < this.highWater / 2) {
      this.congested = false;
      this._onDidDrain.fire();
    }
  }
}

// ---------------------------------------------------------------------------------------------- connections

/** A connection over an smux stream; adds ConnectToPortError attribution. */
class MuxConnection implements PortConnection {
  failure: 'connect-failed' | undefined;
  private readonly _onDidEnd = new Emitter<void>();
  readonly onDidEnd: Event<void> = this._onDidEnd.event;
  constructor(
    readonly stream: SmuxStream,
    private readonly onRemoteEnd: (c: MuxConnection) => void,
  ) {
    stream.onDidEnd(() => {
      this.onRemoteEnd(this);
      this._onDidEnd.fire();
    });
    stream.onDidClose(() => this._onDidEnd.dispose());
  }

  get id(): number {
    return this.stream.id;
  }
  get bytesIn(): number {
    return this.stream.bytesReceived;
  }
  get bytesOut(): number {
    return this.stream.bytesSent;
  }
  get isClosed(): boolean {
    return this.stream.isClosed;
  }
  get onDidData(): Event<Uint8Array> {
    return this.stream.onDidData;
  }
  get onDidClose(): Event<Error | undefined> {
    return this.stream.onDidClose;
  }
  write(data: Uint8Array): Promise<void> {
    return this.stream.write(data);
  }
  pause(): void {
    this.stream.pause();
  }
  resume(): void {
    this.stream.resume();
  }
  close(): void {
    this.stream.close();
    this._onDidEnd.dispose();
  }
  dispose(): void {
    this.close();
  }
}

/** The only connection of a basic or standard-stream session: its own bounded receive buffer. */
class DirectConnection implements PortConnection {
  readonly failure = undefined;
  bytesIn = 0;
  bytesOut = 0;
  private readonly buffer: Uint8Array[] = [];
  private buffered = 0;
  private flowing = true;
  private closed = false;
  private remoteEnded = false;
  private endFired = false;
  private delivering = false;
  private readonly _onDidData = new Emitter<Uint8Array>();
  readonly onDidData: Event<Uint8Array> = (l) => {
    const d = this._onDidData.event(l);
    queueMicrotask(() => this.flush());
    return d;
  };
  private readonly _onDidEnd = new Emitter<void>();
  readonly onDidEnd: Event<void> = (l) => {
    const d = this._onDidEnd.event(l);
    queueMicrotask(() => this.flush());
    return d;
  };
  private readonly _onDidClose = new Emitter<Error | undefined>();
  readonly onDidClose: Event<Error | undefined> = this._onDidClose.event;

  constructor(
    readonly id: number,
    private readonly ops: {
      write(data: Uint8Array): Promise<void>;
      closed(c: DirectConnection): void;
      consumed(c: DirectConnection): void;
    },
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }
  get bufferedBytes(): number {
    return this.buffered;
  }
  write(data: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the connection is closed'));
    this.bytesOut += data.length;
    return this.ops.write(data);
  }
  pause(): void {
    this.flowing = false;
  }
  resume(): void {
    if (this.flowing) return;
    this.flowing = true;
    this.flush();
  }
  close(): void {
    this.finish(undefined);
  }
  dispose(): void {
    this.close();
  }

  /** @internal */
  push(data: Uint8Array): void {
    if (this.closed || this.remoteEnded) return;
    this.bytesIn += data.length;
    this.buffer.push(data);
    this.buffered += data.length;
    this.flush();
  }
  /** @internal */
  remoteEnd(): void {
    this.remoteEnded = true;
    this.flush();
  }
  /** @internal */
  finish(error: Error | undefined): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer.length = 0;
    this.buffered = 0;
    this.ops.closed(this);
    this._onDidClose.fire(error);
    this._onDidData.dispose();
    this._onDidEnd.dispose();
    this._onDidClose.dispose();
  }

  private flush(): void {
    if (this.delivering || this.closed) return;
    this.delivering = true;
    let consumed = false;
    try {
      while (this.flowing && this.buffer.length > 0 && this._onDidData.listenerCount > 0 && !this.closed) {
        const chunk = this.buffer.shift()!;
        this.buffered -= chunk.length;
        consumed = true;
        this._onDidData.fire(chunk);
      }
      if (this.remoteEnded && !this.endFired && this.buffer.length === 0 && this._onDidEnd.listenerCount > 0) {
        this.endFired = true;
        this._onDidEnd.fire();
      }
    } finally {
      this.delivering = false;
    }
    if (consumed && !this.closed) this.ops.consumed(this);
  }
}

// ---------------------------------------------------------------------------------------------- the session

export class PortSession extends ChannelSession {
  private phase: Phase = 'starting';
  private properties: PortProperties = {};
  private sawPortType = false;
  private pendingAgentVersion = '';
  private _info: PortSessionInfo | undefined;
  private readonly pump: OutputPump;
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined;

  // mux
  private smux: SmuxSession | undefined;
  private readonly smuxData = new Emitter<Uint8Array>();
  private smuxPaused = false;
  private pendingConnectErrors: number[] = [];
  private emptyEnded: { conn: MuxConnection; at: number }[] = [];

  // basic / stream
  private active: DirectConnection | undefined;
  private readonly waiting: { resolve: (c: PortConnection) => void; reject: (e: Error) => void }[] = [];
  private nextConnectionId = 1;
  private discardOutput = false;
  private streamOpened = false;

  private readonly _onDidBecomeReady = new Emitter<PortSessionInfo>();
  readonly onDidBecomeReady: Event<PortSessionInfo> = this._onDidBecomeReady.event;
  private readonly _onDidConnectError = new Emitter<{ connectionId: number | undefined }>();
  /** The agent could not reach the destination for a new connection (ConnectToPortError); the session stays up. */
  readonly onDidConnectError: Event<{ connectionId: number | undefined }> = this._onDidConnectError.event;

  readonly ready: Promise<PortSessionInfo>;
  private resolveReady!: (i: PortSessionInfo) => void;
  private rejectReady!: (e: Error) => void;

  /** Payload bytes of Output messages each way (what the tunnel carried, smux framing included for mux). */
  readonly stats = { bytesFromAgent: 0, connectErrors: 0 };

  constructor(private readonly options: PortSessionOptions) {
    super(options);
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => undefined);
    this.pump = new OutputPump(
      (pt, payload) => this.channel.send(pt, payload),
      options.maxPendingOutputBytes ?? 256 * 1024,
      (e) => this.fail(`could not send to the instance: ${errorText(e)}`),
    );
    if (this.channel.state === 'open') this.armHandshakeTimer();
  }

  get info(): PortSessionInfo | undefined {
    return this._info;
  }
  get isReady(): boolean {
    return this.phase === 'ready';
  }
  /** Payload bytes handed to the channel (smux framing included for mux). */
  get bytesToAgent(): number {
    return this.pump.sentBytes;
  }
  /** The smux session (mux only), for diagnostics. */
  get mux(): SmuxSession | undefined {
    return this.smux;
  }

  /**
   * A new forwarded connection. mux: a new smux stream at once; basic: waits until the previous connection closed
   * (one at a time, as the agent serves it); stream: the session's single byte stream (only once).
   */
  async openConnection(): Promise<PortConnection> {
    const info = await this.ready;
    if (this.end) throw new Error('the port session has ended');
    if (info.variant === 'mux') {
      const stream = this.smux!.openStream();
      return new MuxConnection(stream, (c) => this.onMuxRemoteEnd(c));
    }
    if (info.variant === 'stream') {
      if (this.streamOpened) throw new Error('this session carries a single byte stream, already in use');
      this.streamOpened = true;
      return this.activate();
    }
    if (!this.active && this.waiting.length === 0) return this.activate();
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** The TerminateSession flag (mux and stream; basic with agents > 2.3.722.0), before the TerminateSession API. */
  protected override async askAgentToEnd(): Promise<boolean> {
    const info = this._info;
    const useFlag =
      info !== undefined && (info.variant !== 'basic' || agentUnderstandsTerminateFlag(info.agentVersion));
    if (useFlag && this.channel.state === 'open') {
      this.pump.pushFlag(FlagValue.TerminateSession);
      await Promise.race([this.pump.flushed(), delay(500)]);
    }
    return useFlag;
  }

  protected override disposeSession(): void {
    this.clearHandshakeTimer();
    this.pump.dispose();
    this.smuxData.dispose();
    this._onDidBecomeReady.dispose();
    this._onDidConnectError.dispose();
  }

  protected override onChannelStateChange(s: DataChannelStateChange): void {
    this.smux?.setKeepAliveSuspended(s.state === 'reconnecting');
    if (s.state === 'open' && this.phase === 'starting') this.armHandshakeTimer();
  }

  // ------------------------------------------------------------------------------------ incoming

  protected onStreamMessage(m: ClientMessage): StreamDisposition {
    switch (m.payloadType) {
      case PayloadType.HandshakeComplete:
        return this.onHandshakeComplete(m.payload);
      case PayloadType.Output:
        return this.onOutput(m.payload);
      case PayloadType.Flag:
        return this.onFlag(m.payload);
      default:
        this.log.debug('ignored payload type', { sessionId: this.sessionId, payloadType: m.payloadType });
        return 'accepted';
    }
  }

  protected override onHandshakeStarted(): void {
    this.phase = 'handshaking';
  }

  protected acceptSessionType(sessionType: string, properties: unknown): boolean {
    if (sessionType !== 'Port') return false;
    this.sawPortType = true;
    this.properties = properties && typeof properties === 'object' ? { ...(properties as PortProperties) } : {};
    return true;
  }

  protected answerKmsEncryption(): ClientActionOutcome {
    return { error: 'KMS encryption is not used for port sessions' };
  }

  protected override onHandshakeAnswered(request: HandshakeRequest): void {
    this.pendingAgentVersion = request.agentVersion;
  }

  private onHandshakeComplete(payload: Uint8Array): StreamDisposition {
    if (!this.handshakeAnswered) return 'not-ready';
    if (this.phase === 'ready') return 'accepted';
    const complete = parseHandshakeComplete(payload);
    if (!this.sawPortType) {
      this.fail('unable to determine the session type (the instance did not offer a port session)');
      return 'rejected';
    }
    const agentVersion = this.pendingAgentVersion;
    const variant = choosePortVariant(
      typeof this.properties.type === 'string' ? this.properties.type : undefined,
      agentVersion,
    );
    const keepAlive = variant === 'mux' && (this.options.keepAlive ?? muxKeepAliveEnabled(agentVersion)) !== false;
    const info: PortSessionInfo = {
      variant,
      agentVersion,
      properties: this.properties,
      keepAlive,
      customerMessage: complete?.customerMessage ?? '',
    };
    if (variant === 'mux') this.startMux(keepAlive);
    this.clearHandshakeTimer();
    this._info = info;
    this.phase = 'ready';
    this.log.info('port session ready', { sessionId: this.sessionId, variant, agentVersion, keepAlive });
    this.resolveReady(info);
    this._onDidBecomeReady.fire(info);
    return 'accepted';
  }

  private startMux(keepAlive: boolean): void {
    const transport: SmuxTransport = {
      write: (bytes) => this.pump.push(bytes),
      onData: (l) => this.smuxData.event(l),
      onDrain: (l) => this.pump.onDidDrain(l),
      pause: () => {
        this.smuxPaused = true;
      },
      resume: () => {
        if (!this.smuxPaused) return;
        this.smuxPaused = false;
        queueMicrotask(() => this.channel.retryDelivery());
      },
    };
    const k = this.options.keepAlive;
    this.smux = new SmuxSession(transport, {
      ...this.options.smux,
      role: 'client',
      // Our NOPs satisfy an agent that runs keepalive; its silence only counts once it has shown it runs it (§11).
      keepAlive: keepAlive ? { onlyAfterPeerNop: true, ...(typeof k === 'object' ? k : {}) } : false,
    });
    this.smux.onDidClose((reason) => {
      if (reason.kind !== 'closed')
        this.fail(`port forwarding stopped: ${reason.kind}: ${'detail' in reason ? reason.detail : ''}`);
    });
  }

  private onOutput(payload: Uint8Array): StreamDisposition {
    if (this.phase !== 'ready') return this.phase === 'ended' ? 'rejected' : 'not-ready';
    const variant = this._info!.variant;
    if (variant === 'mux') {
      if (this.smuxPaused) return 'not-ready';
      this.stats.bytesFromAgent += payload.length;
      this.smuxData.fire(payload);
      return 'accepted';
    }
    const conn = this.active;
    if (!conn) {
      // basic: data for a connection that is gone is dropped; before the first connection it waits (server-first
      // protocols send a banner as soon as the agent dials).
      if (this.discardOutput) return 'accepted';
      return 'not-ready';
    }
    if (conn.bufferedBytes >= (this.options.maxConnectionBuffer ?? 1024 * 1024)) return 'not-ready';
    this.stats.bytesFromAgent += payload.length;
    conn.push(payload);
    return 'accepted';
  }

  private onFlag(payload: Uint8Array): StreamDisposition {
    const flag = parseFlag(payload);
    if (flag === FlagValue.ConnectToPortError) {
      this.stats.connectErrors++;
      this.attributeConnectError();
    } else {
      this.log.debug('flag from agent', { sessionId: this.sessionId, flag });
    }
    return 'accepted';
  }

  /**
   * ConnectToPortError names no stream: the agent sends it and closes the stream (FIN), in either order. Pair the flag
   * with a stream that ended without any data (recently), or with the next one that does.
   */
  private attributeConnectError(): void {
    const now = Date.now();
    this.emptyEnded = this.emptyEnded.filter((e) => now - e.at < 10_000);
    const match = this.emptyEnded.shift();
    if (match) {
      match.conn.failure = 'connect-failed';
      this._onDidConnectError.fire({ connectionId: match.conn.id });
      return;
    }
    if (this._info?.variant !== 'mux') {
      this._onDidConnectError.fire({ connectionId: this.active?.id });
      return;
    }
    this.pendingConnectErrors.push(now);
    if (this.pendingConnectErrors.length > 64) this.pendingConnectErrors.shift();
  }

  private onMuxRemoteEnd(conn: MuxConnection): void {
    if (conn.bytesIn > 0) return;
    const now = Date.now();
    this.pendingConnectErrors = this.pendingConnectErrors.filter((t) => now - t < 10_000);
    if (this.pendingConnectErrors.length > 0) {
      this.pendingConnectErrors.shift();
      conn.failure = 'connect-failed';
      this._onDidConnectError.fire({ connectionId: conn.id });
      return;
    }
    this.emptyEnded.push({ conn, at: now });
    if (this.emptyEnded.length > 64) this.emptyEnded.shift();
  }

  // ------------------------------------------------------------------------------------ basic / stream

  private activate(): DirectConnection {
    const isBasic = this._info!.variant === 'basic';
    const conn: DirectConnection = new DirectConnection(this.nextConnectionId++, {
      write: async (data) => {
        if (this.active !== conn) throw new Error('the connection is closed');
        // The agent re-dials on the first data after a DisconnectToPort: from here on, output is this connection's.
        this.discardOutput = false;
        for (let off = 0; off < data.length; off += 64 * 1024) {
          this.pump.push(data.subarray(off, Math.min(off + 64 * 1024, data.length)));
          await this.pump.room();
        }
      },
      closed: (c) => {
        if (this.active !== c) return;
        this.active = undefined;
        if (this.end) return;
        if (isBasic) {
          // §7.4: the local client went away; the agent drops its destination connection.
          this.pump.pushFlag(FlagValue.DisconnectToPort);
          this.discardOutput = true;
          const next = this.waiting.shift();
          if (next) next.resolve(this.activate());
        } else {
          // The session's only stream: closing it ends the session.
          void this.terminate();
        }
      },
      consumed: () => this.channel.retryDelivery(),
    });
    this.active = conn;
    queueMicrotask(() => this.channel.retryDelivery());
    return conn;
  }

  // ------------------------------------------------------------------------------------ lifecycle

  private armHandshakeTimer(): void {
    this.clearHandshakeTimer();
    const ms = this.options.handshakeTimeoutMs ?? 30_000;
    this.handshakeTimer = setTimeout(() => {
      this.handshakeTimer = undefined;
      if (this.phase !== 'ready' && !this.end)
        this.fail(`the instance did not complete the port session handshake within ${Math.round(ms / 1000)} s`);
    }, ms);
  }

  private clearHandshakeTimer(): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
  }

  protected override onEnding(end: SessionEnd): void {
    this.phase = 'ended';
    this.clearHandshakeTimer();
    const message =
      end.kind === 'closed-by-client' ? 'the port session was closed' : end.message || 'the port session ended';
    const err = new Error(message);
    this.rejectReady(err);
    this.pump.stop();
    this.smux?.close();
    for (const w of this.waiting.splice(0)) w.reject(err);
    const active = this.active;
    this.active = undefined;
    if (active) {
      // A stream session's destination ended the session: that is the end of its data (EOF), not an error.
      // The consumer closes it after onDidEnd, once it has read everything.
      if (end.kind === 'ended' && this._info?.variant === 'stream') active.remoteEnd();
      else active.finish(end.kind === 'closed-by-client' ? undefined : err);
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
