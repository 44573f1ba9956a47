/**
 * The reliable SSM data channel over a websocket (fact sheet §2, §5, §8, §9): the client end.
 *
 * What it does, in the official plugin's terms, and where it deliberately differs (§5, §11):
 * - opens the websocket at StreamUrl and sends the OpenDataChannelInput text frame (again after every reconnect);
 * - numbers every outgoing stream message (one counter per direction), keeps it until acknowledged and
 *   retransmits it after the RTO of {@link RoundTripEstimator}. Unlike the plugin it updates the send time of a
 *   resent message (no resend storm), never evicts unacknowledged data (a bounded window, in messages and in bytes
 *   in flight, applies back-pressure to senders instead), takes RTT samples only from messages sent once (Karn),
 *   and can resend many expired messages per tick (bounded) instead of only the oldest one. An expired message is
 *   resent only when it looks lost: a message first sent after it was acknowledged (a hole: the websocket keeps
 *   order, so its ack would have come first), or acks stopped (none for an RTO since the last one and since our
 *   last transmission). When acks stop, only the oldest message goes again (a probe, as TCP does) and the RTO
 *   backs off (Karn); every expired message goes again only when the probe's ack came and nothing else did in the
 *   next RTO (they were lost, not slow). An RTO learned from keystrokes is far shorter than the time an agent takes
 *   to acknowledge a paste, and a busy agent may stall for longer than that: that costs a few probes at most;
 * - acknowledges stream messages, buffers out-of-order ones (bounded), delivers them in order exactly once, and
 *   re-acknowledges duplicates (the plugin drops them silently, so a lost ack made the agent resend forever);
 * - a handler that is not ready yet keeps its message in the buffer and gets it again on {@link retryDelivery};
 *   buffered messages go through the same handler as direct ones (no mis-routed handshake messages);
 * - a slow reader gets back-pressure, not drops: when the buffer is full while the handler is not ready, the channel
 *   stops reading the websocket (TCP holds the agent back; it loses nothing and has nothing to resend) until the
 *   reader has taken half of it. Meanwhile acks for our own messages wait in the socket too, so no resends, no
 *   keepalive verdicts and no RTT samples are taken while reading is paused. A buffer full of messages behind a gap
 *   (a lost message) keeps reading, so the gap can fill; there, messages beyond the limit are dropped unacked;
 * - honours pause_publication/start_publication (the plugin ignores them): while paused nothing is transmitted;
 * - pings the websocket and treats a missing pong as a dead connection; a dropped socket triggers resume
 *   (ResumeSession token, same StreamUrl, all sequence state kept) with backoff and a bounded budget;
 *   data written meanwhile waits instead of failing the session.
 * Malformed frames are dropped with an {@link onDidDropFrame} event; nothing received can throw out of here.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { Emitter, type Disposable, type Event } from '../base/lifecycle';
import { silentLogger, type Logger } from '../base/logger';
import {
  decodeMessage,
  encodeMessage,
  MessageFlags,
  MessageType,
  newMessageId,
  type ClientMessage,
  type DecodeError,
} from './message';
import { ackPayload, parseAckSequence, parseChannelClosed } from './payloads';
import { RoundTripEstimator } from './rto';

/** Held messages allowed past the receive-buffer limit while reading pauses (what one socket read brings in). */
const RECEIVE_SLACK_BYTES = 1024 * 1024;
const RECEIVE_SLACK_MESSAGES = 1024;

/** Reported to agents; at or above the current official plugin so agents pick their modern behaviour (§6.5). */
export const CLIENT_VERSION = '1.2.779.0';
/** The official client's chunk size; the service's own limit is undocumented. */
export const MAX_PAYLOAD_BYTES = 1024;

export type DataChannelState = 'connecting' | 'open' | 'reconnecting' | 'closed' | 'failed';

/** Why a channel ended. `closed` states carry the first two; everything else is `failed`. */
export type DataChannelEnd =
  /** `undelivered`: stream messages held out of order (a gap never filled) when the service closed the channel. */
  | { kind: 'channel-closed'; output: string; undelivered: number }
  | { kind: 'closed-by-client' }
  | { kind: 'session-timed-out'; detail: string }
  | { kind: 'connect-failed'; detail: string }
  | { kind: 'resume-failed'; detail: string }
  | { kind: 'resend-timeout'; detail: string };

export interface DataChannelStateChange {
  state: DataChannelState;
  /** Set for `reconnecting` (1-based attempt) */
  attempt?: number;
  /** Why the socket went away (reconnecting) */
  cause?: string;
  /** Set for `closed` and `failed`. */
  end?: DataChannelEnd;
}

export type StreamDisposition = 'accepted' | 'not-ready' | 'rejected';
/**
 * Receives `output_stream_data` in sequence order, exactly once. 'not-ready' keeps the message for a later
 * {@link DataChannel.retryDelivery}; 'rejected' consumes it without delivery (the caller reports why).
 */
export type StreamHandler = (message: ClientMessage) => StreamDisposition;

/** What a resume attempt yields: a new token, or the session is gone for good (ResumeSession gave no token). */
export type ResumeResult = { kind: 'token'; token: string } | { kind: 'ended'; reason: string };

export interface ReconnectPolicy {
  /** Attempts per outage. Default 8. */
  maxAttempts: number;
  /** First delay; a random extra of up to the same amount is added. Default 100 ms. */
  initialDelayMs: number;
  /** Delays double up to this. Default 5000 ms. */
  maxDelayMs: number;
}

export interface DataChannelOptions {
  streamUrl: string;
  token: string;
  /** For logs only. */
  sessionId?: string;
  /** Per-process client id, kept across reconnects (§1.4). */
  clientId?: string;
  clientVersion?: string;
  /** Called when the websocket drops: ResumeSession. Throwing means "try again". Without it the old token is reused. */
  resume?: () => Promise<ResumeResult>;
  logger?: Logger;
  /** Monotonic ms clock (RTT, timeouts). */
  now?: () => number;
  /** Wall clock for CreatedDate. */
  wallClock?: () => number;
  maxFrameBytes?: number;
  checkDigest?: boolean;
  /** Unacknowledged outgoing messages in flight before senders wait. Default 4096 (4 MiB). */
  sendWindow?: number;
  /** Unacknowledged payload bytes in flight before senders wait (at least one message always goes). Default 256 KiB. */
  maxBytesInFlight?: number;
  /** Bytes of accepted-but-not-yet-windowed outgoing data before `send` refuses. Default 8 MiB. */
  maxQueuedBytes?: number;
  /** Out-of-order / held incoming messages. Defaults 10 000 messages and 8 MiB. */
  maxBufferedMessages?: number;
  maxBufferedBytes?: number;
  resendTickMs?: number;
  /** Retransmissions per tick at most. Default 64. */
  maxResendBurst?: number;
  /** A message unacknowledged this long on a live connection fails the channel (the plugin: 3000 resends). */
  unackedTimeoutMs?: number;
  /** Websocket ping interval (plugin: 5 min; we ping more often to notice dead links). Default 30 s. */
  pingIntervalMs?: number;
  /** No pong (or other frame) this long after a ping: the link is dead. Default 20 s. */
  pongTimeoutMs?: number;
  /** Websocket handshake timeout (gorilla default 45 s). */
  connectTimeoutMs?: number;
  reconnect?: Partial<ReconnectPolicy>;
  /** Extra ws client options (agent for proxies, TLS settings). */
  webSocketOptions?: WebSocket.ClientOptions;
}

interface OutgoingEntry {
  seq: number;
  frame: Uint8Array;
  /** Payload bytes (what counts against maxBytesInFlight). */
  bytes: number;
  /** -Infinity while never transmitted. */
  lastSent: number;
  firstSent: number;
  /** Its ack gives no RTT sample: it was sent more than once (Karn), or its ack waited behind our paused reading. */
  unsampled: boolean;
  /** Order of its latest transmission among all transmissions. */
  txOrder: number;
  /**
   * Order of its first transmission on the current socket (0 before): its ack, whichever copy it answers, comes
   * after everything transmitted before that, so unacked messages transmitted earlier are holes.
   */
  ackOrder: number;
}

interface QueuedSend {
  payloadType: number;
  payload: Uint8Array;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class DataChannelClosedError extends Error {
  constructor(readonly end: DataChannelEnd | undefined) {
    super(`data channel is ${end ? end.kind : 'closed'}`);
    this.name = 'DataChannelClosedError';
  }
}

export class DataChannel implements Disposable {
  private readonly opts: Required<
    Omit<DataChannelOptions, 'resume' | 'sessionId' | 'reconnect' | 'webSocketOptions' | 'logger' | 'token'>
  >;
  private readonly policy: ReconnectPolicy;
  private readonly log: Logger;
  private token: string;

  private _state: DataChannelState = 'connecting';
  private _end: DataChannelEnd | undefined;
  private ws: WebSocket | undefined;
  private started = false;

  // outgoing
  private nextSeq = 0;
  private readonly window = new Map<number, OutgoingEntry>();
  private inFlightBytes = 0;
  private txCount = 0;
  /** Highest ackOrder of an acknowledged message: unacked ones last transmitted before it are holes. */
  private highestAckedTx = 0;
  /** Acks stopped: a probe is out, or its ack came (and no other yet). Any other ack ends the stall. */
  private stall: 'none' | 'probing' | 'probe-acked' = 'none';
  private probeSeq = -1;
  private lastAckAt = -Infinity;
  private lastTransmitAt = -Infinity;
  private readonly queue: QueuedSend[] = [];
  private queuedBytes = 0;
  private paused = false;
  readonly rtt = new RoundTripEstimator();

  // incoming
  private expected = 0;
  private readonly held = new Map<number, ClientMessage>();
  private heldBytes = 0;
  private stalled = false;
  /** Reading the websocket is paused (a slow reader and a full buffer). */
  private receivePaused = false;
  private receivePausedAt = 0;
  private receiveResumedAt = -Infinity;
  private handler: StreamHandler | undefined;
  private delivering = false;

  // timers
  private resendTimer: ReturnType<typeof setInterval> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private pongDeadline: ReturnType<typeof setTimeout> | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private wakeReconnect: (() => void) | undefined;
  private openedAt = 0;
  private failuresInARow = 0;

  private readonly _onDidChangeState = new Emitter<DataChannelStateChange>();
  readonly onDidChangeState: Event<DataChannelStateChange> = this._onDidChangeState.event;
  private readonly _onDidDropFrame = new Emitter<DecodeError>();
  /** A received frame was malformed or unexpected and was dropped. */
  readonly onDidDropFrame: Event<DecodeError> = this._onDidDropFrame.event;
  private readonly _onDidDrain = new Emitter<void>();
  /** Every queued send is in flight. */
  readonly onDidDrain: Event<void> = this._onDidDrain.event;

  /** Counters for tests, benchmarks and diagnostics. */
  readonly stats = {
    sent: 0,
    resent: 0,
    acked: 0,
    received: 0,
    duplicates: 0,
    buffered: 0,
    overflowDropped: 0,
    /** Times reading the websocket was paused for a slow reader. */
    receivePauses: 0,
    malformed: 0,
    reconnects: 0,
  };

  private readonly resume: (() => Promise<ResumeResult>) | undefined;
  private readonly wsOptions: WebSocket.ClientOptions;
  private readonly sessionId: string;
  private sawFrameSinceOpen = false;

  constructor(options: DataChannelOptions) {
    this.token = options.token;
    this.log = options.logger ?? silentLogger;
    this.policy = { maxAttempts: 8, initialDelayMs: 100, maxDelayMs: 5000, ...options.reconnect };
    this.resume = options.resume;
    this.wsOptions = options.webSocketOptions ?? {};
    this.sessionId = options.sessionId ?? '';
    this.opts = {
      streamUrl: options.streamUrl,
      clientId: options.clientId ?? randomUUID(),
      clientVersion: options.clientVersion ?? CLIENT_VERSION,
      now: options.now ?? (() => performance.now()),
      wallClock: options.wallClock ?? (() => Date.now()),
      maxFrameBytes: options.maxFrameBytes ?? 1024 * 1024,
      checkDigest: options.checkDigest ?? true,
      sendWindow: options.sendWindow ?? 4096,
      maxBytesInFlight: options.maxBytesInFlight ?? 256 * 1024,
      maxQueuedBytes: options.maxQueuedBytes ?? 8 * 1024 * 1024,
      maxBufferedMessages: options.maxBufferedMessages ?? 10_000,
      maxBufferedBytes: options.maxBufferedBytes ?? 8 * 1024 * 1024,
      resendTickMs: options.resendTickMs ?? 100,
      maxResendBurst: options.maxResendBurst ?? 64,
      unackedTimeoutMs: options.unackedTimeoutMs ?? 5 * 60_000,
      pingIntervalMs: options.pingIntervalMs ?? 30_000,
      pongTimeoutMs: options.pongTimeoutMs ?? 20_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 45_000,
    };
  }

  get state(): DataChannelState {
    return this._state;
  }

  /** Why the channel ended (closed/failed), else undefined. */
  get end(): DataChannelEnd | undefined {
    return this._end;
  }

  /** Sequence number the next outgoing stream message gets. */
  get outgoingSequence(): number {
    return this.nextSeq;
  }

  /** Sequence number expected next from the agent. */
  get expectedSequence(): number {
    return this.expected;
  }

  get unackedCount(): number {
    return this.window.size;
  }

  get bufferedCount(): number {
    return this.held.size;
  }

  /** Payload bytes of held incoming messages (out of order, or waiting for a reader that is not ready). */
  get bufferedBytes(): number {
    return this.heldBytes;
  }

  /** True while reading the websocket is paused because a slow reader let the receive buffer fill. */
  get isReceivePaused(): boolean {
    return this.receivePaused;
  }

  /** Sets the receiver of in-order stream messages (one at a time). */
  setStreamHandler(handler: StreamHandler | undefined): void {
    this.handler = handler;
  }

  /**
   * Connects (with retries within the reconnect budget, reusing the initial token as the plugin does).
   * Resolves once the channel is open; rejects with {@link DataChannelClosedError} if it ends first.
   */
  open(): Promise<void> {
    if (this.started) throw new Error('DataChannel.open called twice');
    this.started = true;
    const result = new Promise<void>((resolve, reject) => {
      const sub = this.onDidChangeState((s) => {
        if (s.state === 'open') {
          sub.dispose();
          resolve();
        } else if (s.state === 'closed' || s.state === 'failed') {
          sub.dispose();
          reject(new DataChannelClosedError(s.end));
        }
      });
    });
    void this.connectLoop(false, 'initial connect');
    return result;
  }

  /**
   * Queues one stream message (`input_stream_data`). Resolves when it has a sequence number and has been handed
   * to the socket (or held for resend while reconnecting or paused); waits while the send window is full.
   * Rejects when the channel ends or when more than `maxQueuedBytes` are waiting (the caller ignored back-pressure).
   */
  send(payloadType: number, payload: Uint8Array): Promise<void> {
    if (payload.length > MAX_PAYLOAD_BYTES) {
      return Promise.reject(new RangeError(`payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD_BYTES}`));
    }
    if (this._state === 'closed' || this._state === 'failed')
      return Promise.reject(new DataChannelClosedError(this._end));
    if (this.queuedBytes + payload.length > this.opts.maxQueuedBytes) {
      return Promise.reject(new Error(`send queue full (${this.queuedBytes} bytes waiting)`));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ payloadType, payload, resolve, reject });
      this.queuedBytes += payload.length;
      this.pump();
    });
  }

  /** True when a `send` now would have to wait for window space. */
  get isCongested(): boolean {
    return this.queue.length > 0 || !this.hasWindowRoom;
  }

  /** Delivers held messages after the handler said 'not-ready'. */
  retryDelivery(): void {
    this.stalled = false;
    this.drain();
    this.updateReceivePause();
  }

  /** Ends the channel from our side. Idempotent. */
  close(): void {
    this.finish('closed', { kind: 'closed-by-client' });
  }

  dispose(): void {
    this.close();
    this._onDidChangeState.dispose();
    this._onDidDropFrame.dispose();
    this._onDidDrain.dispose();
  }

  // ---------------------------------------------------------------- connection

  private async connectLoop(useResume: boolean, cause: string): Promise<void> {
    let lastError = cause;
    for (let attempt = 1; attempt <= this.policy.maxAttempts; attempt++) {
      if (this.isFinished) return;
      if (useResume || attempt > 1) {
        if (useResume) this.setState({ state: 'reconnecting', attempt, cause });
        await this.sleep(this.backoff(attempt + this.failuresInARow));
        if (this.isFinished) return;
      }
      let token = this.token;
      if (useResume && this.resume) {
        try {
          const r = await this.resume();
          if (this.isFinished) return;
          if (r.kind === 'ended') {
            this.finish('failed', { kind: 'session-timed-out', detail: r.reason });
            return;
          }
          token = r.token;
          this.token = token;
        } catch (e) {
          lastError = `ResumeSession failed: ${errorText(e)}`;
          this.log.warn('resume attempt failed', { sessionId: this.sessionId, attempt, error: lastError });
          continue;
        }
      }
      try {
        await this.connectSocket(token);
        if (this.isFinished) return;
        this.onConnected(useResume);
        return;
      } catch (e) {
        lastError = errorText(e);
        this.log.warn('data channel connect failed', { sessionId: this.sessionId, attempt, error: lastError });
      }
    }
    if (useResume) {
      this.finish('failed', {
        kind: 'resume-failed',
        detail: `could not reconnect after ${this.policy.maxAttempts} attempts: ${lastError}`,
      });
    } else {
      this.finish('failed', { kind: 'connect-failed', detail: lastError });
    }
  }

  private backoff(attempt: number): number {
    const base = Math.min(this.policy.initialDelayMs * 2 ** Math.min(attempt - 1, 20), this.policy.maxDelayMs);
    return base + Math.random() * Math.min(base, this.policy.initialDelayMs);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeReconnect = resolve;
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = undefined;
        this.wakeReconnect = undefined;
        resolve();
      }, ms);
    });
  }

  private connectSocket(token: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(this.opts.streamUrl, {
        handshakeTimeout: this.opts.connectTimeoutMs,
        perMessageDeflate: false,
        // Leave room so the decoder, not ws, reports moderately oversized frames; ws still caps memory.
        maxPayload: this.opts.maxFrameBytes * 4,
        ...this.wsOptions,
      });
      this.ws = ws;
      let settled = false;
      const fail = (e: Error) => {
        if (settled) return;
        settled = true;
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.terminate();
        if (this.ws === ws) this.ws = undefined;
        reject(e);
      };
      ws.once('error', fail);
      ws.once('unexpected-response', (_req, res) =>
        fail(new Error(`websocket upgrade refused: HTTP ${res.statusCode}`)),
      );
      ws.once('close', (code) => fail(new Error(`websocket closed during connect (code ${code})`)));
      ws.once('open', () => {
        if (settled) return;
        settled = true;
        ws.removeAllListeners();
        if (this.isFinished) {
          ws.terminate();
          return;
        }
        ws.on('message', (data, isBinary) => {
          if (this.ws === ws) this.onFrame(data, isBinary);
        });
        ws.on('pong', () => {
          if (this.ws === ws) this.markAlive();
        });
        ws.on('error', (e) => {
          if (this.ws === ws) this.log.debug('websocket error', { sessionId: this.sessionId, error: e.message });
        });
        ws.on('close', (code, reason) => {
          if (this.ws === ws)
            this.onSocketGone(`websocket closed (code ${code}${reason.length ? `: ${reason.toString()}` : ''})`);
        });
        const open = {
          MessageSchemaVersion: '1.0',
          RequestId: randomUUID(),
          TokenValue: token,
          ClientId: this.opts.clientId,
          ClientVersion: this.opts.clientVersion,
        };
        ws.send(JSON.stringify(open));
        resolve();
      });
    });
  }

  private onConnected(resumed: boolean): void {
    this.openedAt = this.opts.now();
    if (resumed) this.stats.reconnects++;
    // The agent clears its pause after a reconnect; so do we.
    this.paused = false;
    this.setState({ state: 'open' });
    this.updateReceivePause();
    this.startTimers();
    // Everything unacked may have died with the old socket (or was never sent): send it now, in order.
    const now = this.opts.now();
    this.stall = 'none';
    for (const entry of this.window.values()) {
      entry.firstSent = now;
      entry.ackOrder = 0; // the old socket's copies may have died with it
      this.transmit(entry, now, entry.lastSent !== -Infinity);
    }
    this.pump();
  }

  private onSocketGone(cause: string): void {
    const ws = this.ws;
    this.ws = undefined;
    this.stopTimers();
    this.receivePaused = false; // that socket's pause dies with it; the next one starts reading
    if (ws) {
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
    }
    if (this.isFinished) return;
    // A connection that never proved itself does not reset the budget.
    if (this.opts.now() - this.openedAt < 10_000 && !this.sawFrameSinceOpen) this.failuresInARow++;
    else this.failuresInARow = 0;
    this.sawFrameSinceOpen = false;
    if (this.failuresInARow >= this.policy.maxAttempts) {
      this.finish('failed', {
        kind: 'resume-failed',
        detail: `the connection keeps dropping right after it opens (${cause})`,
      });
      return;
    }
    this.log.info('data channel dropped; resuming', { sessionId: this.sessionId, cause });
    void this.connectLoop(true, cause);
  }

  private startTimers(): void {
    this.stopTimers();
    this.resendTimer = setInterval(() => this.resendTick(), this.opts.resendTickMs);
    this.ping();
    this.pingTimer = setInterval(() => this.ping(), this.opts.pingIntervalMs);
  }

  private stopTimers(): void {
    if (this.resendTimer) clearInterval(this.resendTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongDeadline) clearTimeout(this.pongDeadline);
    this.resendTimer = this.pingTimer = this.pongDeadline = undefined;
  }

  private ping(): void {
    const ws = this.ws;
    // While reading is paused a pong could not be read: no verdict on the link then.
    if (!ws || ws.readyState !== WebSocket.OPEN || this.receivePaused) return;
    try {
      ws.ping(Buffer.from('keepalive'));
    } catch {
      return;
    }
    if (!this.pongDeadline) {
      this.pongDeadline = setTimeout(() => {
        this.pongDeadline = undefined;
        if (this.ws === ws) this.onSocketGone(`no answer to keepalive within ${this.opts.pongTimeoutMs} ms`);
      }, this.opts.pongTimeoutMs);
    }
  }

  private markAlive(): void {
    if (this.pongDeadline) clearTimeout(this.pongDeadline);
    this.pongDeadline = undefined;
  }

  private get isFinished(): boolean {
    return this._state === 'closed' || this._state === 'failed';
  }

  private setState(change: DataChannelStateChange): void {
    this._state = change.state;
    if (change.end) this._end = change.end;
    this._onDidChangeState.fire(change);
  }

  private finish(state: 'closed' | 'failed', end: DataChannelEnd): void {
    if (this.isFinished) return;
    this.stopTimers();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.wakeReconnect?.();
    this.wakeReconnect = undefined;
    const ws = this.ws;
    this.ws = undefined;
    if (ws) {
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
      else ws.terminate();
    }
    this.window.clear();
    this.inFlightBytes = 0;
    this.receivePaused = false;
    this.held.clear();
    this.heldBytes = 0;
    const err = new DataChannelClosedError(end);
    for (const q of this.queue.splice(0)) q.reject(err);
    this.queuedBytes = 0;
    this.setState({ state, end });
  }

  // ---------------------------------------------------------------- outgoing

  private get canTransmit(): boolean {
    return this._state === 'open' && !this.paused && this.ws?.readyState === WebSocket.OPEN;
  }

  private get hasWindowRoom(): boolean {
    return (
      this.window.size < this.opts.sendWindow &&
      (this.window.size === 0 || this.inFlightBytes < this.opts.maxBytesInFlight)
    );
  }

  /** Moves queued sends into the window while there is room. */
  private pump(): void {
    if (this.isFinished) return;
    let moved = false;
    while (this.queue.length > 0 && this.hasWindowRoom) {
      const q = this.queue.shift()!;
      this.queuedBytes -= q.payload.length;
      const seq = this.nextSeq++;
      const frame = encodeMessage({
        messageType: MessageType.InputStreamData,
        schemaVersion: 1,
        createdDate: this.opts.wallClock(),
        sequenceNumber: seq,
        flags: 0,
        messageId: newMessageId(),
        payloadType: q.payloadType,
        payload: q.payload,
      });
      const now = this.opts.now();
      const entry: OutgoingEntry = {
        seq,
        frame,
        bytes: q.payload.length,
        lastSent: now,
        firstSent: now,
        unsampled: this.receivePaused,
        txOrder: 0,
        ackOrder: 0,
      };
      this.window.set(seq, entry);
      this.inFlightBytes += entry.bytes;
      if (this.canTransmit) this.transmit(entry, now, false);
      else entry.lastSent = -Infinity; // due as soon as we can transmit
      q.resolve();
      moved = true;
    }
    if (moved && this.queue.length === 0) this._onDidDrain.fire();
  }

  private transmit(entry: OutgoingEntry, now: number, isResend: boolean): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    ws.send(entry.frame);
    entry.lastSent = now;
    entry.txOrder = ++this.txCount;
    if (entry.ackOrder === 0) entry.ackOrder = entry.txOrder;
    this.lastTransmitAt = now;
    if (isResend) {
      entry.unsampled = true;
      this.stats.resent++;
    } else {
      this.stats.sent++;
    }
  }

  /**
   * Resends expired messages that look lost (see the file comment): holes at once; when acks have stopped for an
   * RTO, the oldest as a probe, or every expired one once a probe's ack came and no other. Never-transmitted
   * messages (written while the socket was down) go whenever possible.
   */
  private resendTick(): void {
    // While reading is paused the acks wait unread in the socket: nothing looks lost then.
    if (!this.canTransmit || this.window.size === 0 || this.receivePaused) return;
    const now = this.opts.now();
    const rto = this.rtt.rtoMs;
    const acksStopped = now - Math.max(this.lastAckAt, this.lastTransmitAt, this.receiveResumedAt) > rto;
    const resendAll = acksStopped && this.stall === 'probe-acked';
    let probe = acksStopped && !resendAll;
    let stallResends = 0;
    let budget = this.opts.maxResendBurst;
    let scanned = 0;
    for (const entry of this.window.values()) {
      if (budget === 0 || scanned++ > this.opts.maxResendBurst * 4) break;
      if (scanned === 1 && now - entry.firstSent > this.opts.unackedTimeoutMs) {
        this.finish('failed', {
          kind: 'resend-timeout',
          detail: `the instance did not acknowledge data for ${Math.round(this.opts.unackedTimeoutMs / 1000)} s`,
        });
        return;
      }
      if (entry.lastSent === -Infinity) {
        this.transmit(entry, now, false);
        budget--;
      } else if (now - entry.lastSent <= rto) {
        continue;
      } else if (entry.txOrder < this.highestAckedTx) {
        this.transmit(entry, now, true);
        budget--;
      } else if (resendAll || probe) {
        if (probe) {
          this.stall = 'probing';
          this.probeSeq = entry.seq;
          probe = false;
        }
        this.transmit(entry, now, true);
        budget--;
        stallResends++;
      }
    }
    if (stallResends > 0) this.rtt.backOff();
  }

  private onAck(seq: number): void {
    const entry = this.window.get(seq);
    if (!entry) return; // late or duplicate ack
    this.window.delete(seq);
    this.inFlightBytes -= entry.bytes;
    this.stats.acked++;
    const now = this.opts.now();
    this.lastAckAt = now;
    if (entry.ackOrder > this.highestAckedTx) this.highestAckedTx = entry.ackOrder;
    // Only the probe's ack keeps a stall going: anything else shows the other messages were slow, not lost.
    this.stall = this.stall !== 'none' && seq === this.probeSeq && this.window.size > 0 ? 'probe-acked' : 'none';
    // Karn: a resent message's ack is ambiguous, so it gives no sample.
    if (!entry.unsampled && entry.lastSent !== -Infinity) this.rtt.addSample(now - entry.lastSent);
    this.pump();
  }

  private sendAck(m: ClientMessage): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return; // the agent resends and we ack the duplicate
    ws.send(
      encodeMessage({
        messageType: MessageType.Acknowledge,
        schemaVersion: 1,
        createdDate: this.opts.wallClock(),
        sequenceNumber: 0,
        flags: MessageFlags.Syn | MessageFlags.Fin,
        messageId: newMessageId(),
        payloadType: 0,
        payload: ackPayload(m.messageType, m.messageId, m.sequenceNumber),
      }),
    );
  }

  // ---------------------------------------------------------------- incoming

  private onFrame(data: WebSocket.RawData, _isBinary: boolean): void {
    this.markAlive();
    const bytes = toBytes(data);
    const r = decodeMessage(bytes, { maxFrameBytes: this.opts.maxFrameBytes, checkDigest: this.opts.checkDigest });
    if (!r.ok) return this.dropFrame(r.error);
    this.sawFrameSinceOpen = true;
    const m = r.message;
    switch (m.messageType) {
      case MessageType.Acknowledge: {
        this.unpause();
        const seq = parseAckSequence(m.payload);
        if (seq === undefined)
          return this.dropFrame({ kind: 'bad-field', detail: 'acknowledge payload is not valid JSON' });
        this.onAck(seq);
        return;
      }
      case MessageType.OutputStreamData:
        this.unpause();
        this.onStream(m);
        return;
      case MessageType.ChannelClosed:
        this.finish('closed', {
          kind: 'channel-closed',
          output: parseChannelClosed(m.payload).output,
          undelivered: this.held.size,
        });
        return;
      case MessageType.PausePublication:
        this.paused = true;
        return;
      case MessageType.StartPublication:
        this.unpause();
        return;
      default:
        return this.dropFrame({ kind: 'unknown-type', detail: `unexpected ${m.messageType} from the service` });
    }
  }

  private dropFrame(error: DecodeError): void {
    this.stats.malformed++;
    this.log.debug('dropped frame', { sessionId: this.sessionId, kind: error.kind, detail: error.detail });
    this._onDidDropFrame.fire(error);
  }

  private unpause(): void {
    if (!this.paused) return;
    this.paused = false;
    // Anything written while paused goes out now, in order.
    if (!this.canTransmit) return;
    const now = this.opts.now();
    for (const entry of this.window.values()) if (entry.lastSent === -Infinity) this.transmit(entry, now, false);
  }

  private onStream(m: ClientMessage): void {
    this.stats.received++;
    const seq = m.sequenceNumber;
    if (seq < this.expected) {
      // Already delivered: its ack was lost. Re-ack so the agent stops resending (the plugin stays silent).
      this.stats.duplicates++;
      this.sendAck(m);
      return;
    }
    if (seq === this.expected && !this.stalled && !this.delivering) {
      // The next expected message never needs buffer room (that would deadlock a full buffer).
      const disposition = this.deliver(m);
      if (disposition === 'not-ready') {
        this.stalled = true;
        this.hold(m);
        return;
      }
      this.sendAck(m);
      this.expected++;
      this.drain();
      return;
    }
    if (this.held.has(seq)) {
      this.stats.duplicates++;
      this.sendAck(m);
      return;
    }
    this.hold(m);
    if (seq === this.expected) this.drain();
  }

  private get receiveBufferFull(): boolean {
    return this.held.size >= this.opts.maxBufferedMessages || this.heldBytes >= this.opts.maxBufferedBytes;
  }

  /**
   * Keeps a message for later in-order delivery and acks it. The next expected message always has room. Past the
   * limit, a stalled reader gets back-pressure (reading pauses; what the socket had already read is still kept, up
   * to a hard cap); otherwise (messages behind a gap) the message is dropped unacked and the agent resends it later.
   */
  private hold(m: ClientMessage): void {
    const size = m.payload.length;
    if (m.sequenceNumber !== this.expected) {
      const hardCap =
        this.held.size >= this.opts.maxBufferedMessages + RECEIVE_SLACK_MESSAGES ||
        this.heldBytes + size > this.opts.maxBufferedBytes + RECEIVE_SLACK_BYTES;
      if (hardCap || (this.receiveBufferFull && !this.stalled)) {
        this.stats.overflowDropped++;
        return; // no ack: the agent resends it later
      }
    }
    this.held.set(m.sequenceNumber, m);
    this.heldBytes += size;
    this.stats.buffered++;
    this.sendAck(m);
    this.updateReceivePause();
  }

  /** Pauses reading the websocket while a stalled reader has a full buffer; resumes once it took half of it. */
  private updateReceivePause(): void {
    const ws = this.ws;
    if (!ws || this.isFinished) return;
    if (!this.receivePaused) {
      if (!this.stalled || !this.receiveBufferFull) return;
      this.receivePaused = true;
      this.receivePausedAt = this.opts.now();
      this.stats.receivePauses++;
      ws.pause();
      this.markAlive(); // a pong cannot be read now
      // Acks for what is in flight now wait behind our pause: their round trips say nothing about the link.
      for (const entry of this.window.values()) entry.unsampled = true;
      return;
    }
    const belowHalf =
      this.held.size <= this.opts.maxBufferedMessages / 2 && this.heldBytes <= this.opts.maxBufferedBytes / 2;
    if (this.stalled && !belowHalf) return;
    this.receivePaused = false;
    const now = this.opts.now();
    this.receiveResumedAt = now;
    // The unacknowledged-data deadline does not run while we were not reading.
    const pausedFor = now - this.receivePausedAt;
    for (const entry of this.window.values()) entry.firstSent += pausedFor;
    ws.resume();
  }

  private drain(): void {
    if (this.delivering) return;
    this.delivering = true;
    try {
      while (!this.stalled && !this.isFinished) {
        const m = this.held.get(this.expected);
        if (!m) break;
        const disposition = this.deliver(m);
        if (disposition === 'not-ready') {
          this.stalled = true;
          break;
        }
        this.held.delete(this.expected);
        this.heldBytes -= m.payload.length;
        this.expected++;
      }
    } finally {
      this.delivering = false;
    }
  }

  private deliver(m: ClientMessage): StreamDisposition {
    const handler = this.handler;
    if (!handler) return 'not-ready';
    try {
      return handler(m);
    } catch (e) {
      this.log.error('stream handler threw', { sessionId: this.sessionId, error: errorText(e) });
      return 'rejected';
    }
  }
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
