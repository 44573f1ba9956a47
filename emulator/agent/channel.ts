/**
 * The agent's end of the reliability layer (fact sheet §5, the AGENT column), written from the fact sheet:
 * per-direction sequence numbers, acknowledgements, the resend buffer with the RTT/RTO estimator, the
 * out-of-order receive buffer, re-acking duplicates, "handler not ready", and pause/start publication.
 *
 * The channel outlives any one websocket: `attach` hands it a new connection after a reconnect (ResumeSession)
 * and every counter, buffer and RTT estimate carries on.
 */
import {
  decodeMessage,
  encodeMessage,
  MessageType,
  newMessageId,
  PayloadType,
  type ClientMessage,
} from '../../electron/core/ssm/message';

/** Agent constants (§5.1, agent column). */
export const AGENT_RELIABILITY = {
  defaultRttMs: 100,
  defaultRttVarMs: 0,
  defaultRtoMs: 200,
  rttGain: 1 / 8,
  rttVarGain: 1 / 4,
  clockGranularityMs: 10,
  maxRtoMs: 1000,
  resendTickMs: 100,
  outgoingCapacity: 100_000,
  incomingCapacity: 100_000,
} as const;

/** What a payload handler says about an in-order message (§5.5). */
export type HandlerResult = 'ok' | 'not-ready' | 'error';

/** Where frames go: one websocket (with its fault pipeline). */
export interface FrameConnection {
  /** Sends a frame; `kind` lets the fault pipeline choose what it may disturb. */
  send(frame: Uint8Array, info: FrameInfo): void;
}

export interface FrameInfo {
  kind: 'stream' | 'ack' | 'control';
  sequenceNumber: number;
  /** True when this is a retransmission by the resend scheduler. */
  resend: boolean;
}

export interface AgentChannelOptions {
  /** Handles an in-order `input_stream_data` message (already ordered; decryption is the handler's job). */
  onStreamMessage(message: ClientMessage): HandlerResult;
  /** Monotonic milliseconds. */
  now?: () => number;
  log?: (line: string) => void;
}

interface OutgoingEntry {
  sequenceNumber: number;
  frame: Uint8Array;
  lastSentMs: number;
}

export interface AgentChannelStats {
  outgoingBuffered: number;
  incomingBuffered: number;
  nextOutgoingSequence: number;
  expectedIncomingSequence: number;
  rtoMs: number;
  resends: number;
  acksSent: number;
  duplicatesReacked: number;
  /** In-order messages the handler answered "not ready" (not acked; the client resends them). */
  notReady: number;
}

export class AgentChannel {
  private readonly onStreamMessage: (message: ClientMessage) => HandlerResult;
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  private connection: FrameConnection | undefined;
  private nextSequence = 0;
  private expectedSequence = 0;
  /** Unacked outgoing messages in sequence order (Map keeps insertion order; acks delete from anywhere). */
  private readonly outgoing = new Map<number, OutgoingEntry>();
  /** Out-of-order incoming messages, already acked, waiting for the gap to fill. */
  private readonly incoming = new Map<number, ClientMessage>();
  private rttMs: number = AGENT_RELIABILITY.defaultRttMs;
  private rttVarMs: number = AGENT_RELIABILITY.defaultRttVarMs;
  private rtoMs: number = AGENT_RELIABILITY.defaultRtoMs;
  private paused = false;
  private resendTimer: ReturnType<typeof setInterval> | undefined;
  private disposed = false;
  private counters = { resends: 0, acksSent: 0, duplicatesReacked: 0, notReady: 0 };

  constructor(options: AgentChannelOptions) {
    this.onStreamMessage = options.onStreamMessage;
    this.now = options.now ?? (() => performance.now());
    this.log = options.log ?? (() => undefined);
    this.resendTimer = setInterval(() => this.resendTick(), AGENT_RELIABILITY.resendTickMs);
    this.resendTimer.unref?.();
  }

  /** A (re)connected websocket. A successful reconnect clears Pause (§8). */
  attach(connection: FrameConnection): void {
    this.connection = connection;
    this.paused = false;
  }

  detach(connection?: FrameConnection): void {
    if (connection === undefined || this.connection === connection) this.connection = undefined;
  }

  get isAttached(): boolean {
    return this.connection !== undefined;
  }

  /** Whether output pumps should read their sources: attached and not paused (the agent's IsActive). */
  get isActive(): boolean {
    return this.connection !== undefined && !this.paused && !this.disposed;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  get outgoingCount(): number {
    return this.outgoing.size;
  }

  stats(): AgentChannelStats {
    return {
      outgoingBuffered: this.outgoing.size,
      incomingBuffered: this.incoming.size,
      nextOutgoingSequence: this.nextSequence,
      expectedIncomingSequence: this.expectedSequence,
      rtoMs: this.rtoMs,
      ...this.counters,
    };
  }

  /**
   * Sends one `output_stream_data` message. Every payload type consumes a sequence number. Flags are SYN for
   * sequence 0, else 0 (§3.4). While paused or disconnected the message is buffered without being transmitted
   * and leaves through the resend scheduler (§5.2, §5.7).
   */
  sendStream(payloadType: number, payload: Uint8Array): number {
    const sequenceNumber = this.nextSequence++;
    const frame = encodeMessage({
      messageType: MessageType.OutputStreamData,
      schemaVersion: 1,
      createdDate: Date.now(),
      sequenceNumber,
      flags: sequenceNumber === 0 ? 1 : 0,
      messageId: newMessageId(),
      payloadType,
      payload,
    });
    const nowMs = this.now();
    if (!this.paused) this.transmit(frame, { kind: 'stream', sequenceNumber, resend: false });
    if (this.outgoing.size < AGENT_RELIABILITY.outgoingCapacity) {
      this.outgoing.set(sequenceNumber, { sequenceNumber, frame, lastSentMs: nowMs });
    } else {
      // The real agent simply does not buffer a message when its buffer is full (§5.2).
      this.log(`outgoing buffer full; message ${sequenceNumber} not buffered`);
    }
    return sequenceNumber;
  }

  /** Sends a control message (channel_closed, pause/start_publication): seq 0, flags SYN|FIN, not buffered. */
  sendControl(messageType: string, payload: Uint8Array, payloadType = 0): void {
    const frame = encodeMessage({
      messageType,
      schemaVersion: 1,
      createdDate: Date.now(),
      sequenceNumber: 0,
      flags: 3,
      messageId: newMessageId(),
      payloadType,
      payload,
    });
    this.transmit(frame, { kind: 'control', sequenceNumber: 0, resend: false });
  }

  /** Handles one frame from the client. Malformed frames are dropped without an ack (§10.4). */
  receive(frame: Uint8Array): void {
    if (this.disposed) return;
    // The agent never verifies the digest (§3.2).
    const decoded = decodeMessage(frame, { checkDigest: false });
    if (!decoded.ok) {
      this.log(`dropping frame: ${decoded.error.kind}: ${decoded.error.detail}`);
      return;
    }
    const message = decoded.message;
    switch (message.messageType) {
      case MessageType.Acknowledge:
        this.paused = false;
        this.handleAck(message);
        return;
      case MessageType.InputStreamData:
        this.paused = false;
        this.handleStream(message);
        return;
      default:
        // start/pause_publication come from MGS, never from a client; anything else is ignored (§4.1).
        this.log(`ignoring ${message.messageType} from the client`);
    }
  }

  /** Re-runs buffered in-order messages after a handler that answered "not ready" became ready. */
  retryPending(): void {
    this.drainIncoming();
  }

  /** Resolves when every sent stream message is acked, or after `timeoutMs` (agent: 2 s, polled every 10 ms). */
  async waitForDrain(timeoutMs = 2000): Promise<boolean> {
    const deadline = this.now() + timeoutMs;
    while (this.outgoing.size > 0 && this.now() < deadline && !this.disposed) {
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.outgoing.size === 0;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.resendTimer) clearInterval(this.resendTimer);
    this.resendTimer = undefined;
    this.connection = undefined;
    this.outgoing.clear();
    this.incoming.clear();
  }

  private transmit(frame: Uint8Array, info: FrameInfo): void {
    const connection = this.connection;
    if (!connection) return; // the agent logs the send failure; the resend scheduler delivers it later
    try {
      connection.send(frame, info);
    } catch (e) {
      this.log(`send failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private handleAck(message: ClientMessage): void {
    let sequenceNumber: unknown;
    try {
      sequenceNumber = (JSON.parse(Buffer.from(message.payload).toString('utf8')) as Record<string, unknown>)
        .AcknowledgedMessageSequenceNumber;
    } catch {
      this.log('dropping unparsable acknowledge');
      return;
    }
    if (typeof sequenceNumber !== 'number') return;
    // Matching is on the sequence number only (§4.2).
    const entry = this.outgoing.get(sequenceNumber);
    if (!entry) return;
    this.updateRto(this.now() - entry.lastSentMs);
    this.outgoing.delete(sequenceNumber);
  }

  /** §5.3, in milliseconds. */
  private updateRto(sampleMs: number): void {
    const R = AGENT_RELIABILITY;
    this.rttVarMs = (1 - R.rttVarGain) * this.rttVarMs + R.rttVarGain * Math.abs(this.rttMs - sampleMs);
    this.rttMs = (1 - R.rttGain) * this.rttMs + R.rttGain * sampleMs;
    this.rtoMs = Math.min(R.maxRtoMs, this.rttMs + Math.max(R.clockGranularityMs, 4 * this.rttVarMs));
  }

  private handleStream(message: ClientMessage): void {
    const seq = message.sequenceNumber;
    if (seq === this.expectedSequence) {
      const result = this.dispatch(message);
      if (result !== 'ok') return; // not ready / error: no ack, expected unchanged; the client resends
      this.sendAck(message);
      this.expectedSequence++;
      this.drainIncoming();
    } else if (seq > this.expectedSequence) {
      if (this.incoming.size < AGENT_RELIABILITY.incomingCapacity) {
        this.sendAck(message);
        if (!this.incoming.has(seq)) this.incoming.set(seq, message);
      } else {
        this.log(`incoming buffer full; dropping message ${seq}`);
      }
    } else {
      // Duplicate of something already processed: the agent re-acks it (§5.5).
      this.counters.duplicatesReacked++;
      this.sendAck(message);
    }
  }

  private drainIncoming(): void {
    for (;;) {
      const next = this.incoming.get(this.expectedSequence);
      if (!next) return;
      const result = this.dispatch(next);
      // Already acked when buffered; if the handler is not ready keep it for retryPending().
      if (result === 'not-ready') return;
      this.incoming.delete(this.expectedSequence);
      this.expectedSequence++;
    }
  }

  private dispatch(message: ClientMessage): HandlerResult {
    try {
      const result = this.onStreamMessage(message);
      if (result === 'not-ready') this.counters.notReady++;
      return result;
    } catch (e) {
      this.log(`handler error: ${e instanceof Error ? e.message : String(e)}`);
      return 'error';
    }
  }

  private sendAck(message: ClientMessage): void {
    // Key order as Go emits AcknowledgeContent (§4.2).
    const body = JSON.stringify({
      AcknowledgedMessageType: message.messageType,
      AcknowledgedMessageId: message.messageId,
      AcknowledgedMessageSequenceNumber: message.sequenceNumber,
      IsSequentialMessage: true,
    });
    const frame = encodeMessage({
      messageType: MessageType.Acknowledge,
      schemaVersion: 1,
      createdDate: Date.now(),
      sequenceNumber: 0,
      flags: 3,
      messageId: newMessageId(),
      payloadType: 0,
      payload: Buffer.from(body, 'utf8'),
    });
    this.counters.acksSent++;
    this.transmit(frame, { kind: 'ack', sequenceNumber: message.sequenceNumber, resend: false });
  }

  /** Every 100 ms: only the oldest unacked message, only when older than the RTO (§5.4). Nothing while paused. */
  private resendTick(): void {
    if (this.paused || !this.connection || this.disposed) return;
    const first = this.outgoing.values().next();
    if (first.done) return;
    const entry = first.value;
    const nowMs = this.now();
    if (nowMs - entry.lastSentMs > this.rtoMs) {
      this.counters.resends++;
      entry.lastSentMs = nowMs; // the agent updates LastSentTime after resending
      this.transmit(entry.frame, { kind: 'stream', sequenceNumber: entry.sequenceNumber, resend: true });
    }
  }
}

export { PayloadType, MessageType };
