/**
 * A shell or command session over a {@link DataChannel} (fact sheet §6, §7.1, §7.2, §9): the handshake (session
 * type, KMS encryption with its challenge), stdin, terminal size, output, stderr and the exit code.
 *
 * Session types handled here: Standard_Stream (shells, any Standard_Stream document), InteractiveCommands and
 * NonInteractiveCommands. Output reaches listeners as raw bytes, per payload type: Output (1) on
 * {@link onDidOutput}, StdErr (11) on {@link onDidStdErr}, the exit code (12) on {@link onDidExit} (the plugin
 * prints all of them to stdout and always exits 0; we keep them apart and report the real code).
 */
import { Emitter, type Event } from '../base/lifecycle';
import {
  ChannelSession,
  errorText,
  type ChannelSessionOptions,
  type ClientActionOutcome,
  type SessionEnd,
} from './channelSession';
import { MAX_PAYLOAD_BYTES, type DataChannelStateChange, type StreamDisposition } from './dataChannel';
import { ENCRYPTION_OVERHEAD, SessionCipher, encryptionContext, type DataKeySource } from './encryption';
import { PayloadType, type ClientMessage } from './message';
import {
  FlagValue,
  challengePayload,
  flagPayload,
  kmsParamsSchema,
  parseChallenge,
  parseExitCode,
  parseHandshakeComplete,
  sizePayload,
  type HandshakeRequest,
} from './payloads';

export type { SessionEnd } from './channelSession';

export const SessionType = {
  StandardStream: 'Standard_Stream',
  InteractiveCommands: 'InteractiveCommands',
  NonInteractiveCommands: 'NonInteractiveCommands',
  Port: 'Port',
} as const;

const SHELL_TYPES: ReadonlySet<string> = new Set([
  SessionType.StandardStream,
  SessionType.InteractiveCommands,
  SessionType.NonInteractiveCommands,
]);

export interface ShellSessionOptions extends ChannelSessionOptions {
  /** The StartSession target (the KMS encryption context uses it). */
  targetId: string;
  /** Required for sessions with KMS encryption. */
  dataKeys?: DataKeySource;
  /**
   * An agent that wants a handshake sends HandshakeRequest first; one that does not sends output first. Input
   * waits until one of them arrives, or this long (a quiet interactive command). Default 2000 ms.
   */
  firstMessageGraceMs?: number;
  /**
   * The agent will send an exit code (NonInteractiveCommands with separate output streams). A normal end without
   * one means the output was cut short (e.g. the agent gave up draining its backlog after a reconnect), and is
   * reported as a failure instead of a silent truncation.
   */
  expectExitCode?: boolean;
  /** Input bytes buffered before the session is ready, at most. Default 1 MiB. */
  maxPendingInputBytes?: number;
  /** Input bytes accepted by write() but not yet on the channel, at most. Default 16 MiB. */
  maxQueuedInputBytes?: number;
}

export type SessionPhase = 'starting' | 'handshaking' | 'ready';

export class ShellSession extends ChannelSession {
  private phase: SessionPhase = 'starting';
  private sessionType: string | undefined;
  private _agentVersion = '';
  private cipher: SessionCipher | undefined;
  /** The KMS key of the handshake in progress; encryption starts once our HandshakeResponse is out. */
  private pendingCipher: SessionCipher | undefined;
  private pendingInput: Uint8Array[] = [];
  private pendingInputBytes = 0;
  private lastSize: { cols: number; rows: number } | undefined;
  private sentSize: { cols: number; rows: number } | undefined;
  private graceTimer: ReturnType<typeof setTimeout> | undefined;
  private _exitCode: number | undefined;
  private writeChain: Promise<void> = Promise.resolve();
  private outputPaused = false;
  private queuedInputBytes = 0;

  private readonly _onDidOutput = new Emitter<Uint8Array>();
  /** Output (PT 1) bytes, in order, exactly once. */
  readonly onDidOutput: Event<Uint8Array> = this._onDidOutput.event;
  private readonly _onDidStdErr = new Emitter<Uint8Array>();
  /** StdErr (PT 11) bytes (NonInteractiveCommands with separate streams). */
  readonly onDidStdErr: Event<Uint8Array> = this._onDidStdErr.event;
  private readonly _onDidExit = new Emitter<number>();
  /** The remote command's exit code (PT 12), when the agent sends one. */
  readonly onDidExit: Event<number> = this._onDidExit.event;
  private readonly _onDidCustomerMessage = new Emitter<string>();
  /** Text the agent wants shown (HandshakeComplete CustomerMessage), e.g. "This session is encrypted using AWS KMS." */
  readonly onDidCustomerMessage: Event<string> = this._onDidCustomerMessage.event;
  private readonly _onDidBecomeReady = new Emitter<void>();
  readonly onDidBecomeReady: Event<void> = this._onDidBecomeReady.event;

  constructor(private readonly options: ShellSessionOptions) {
    super(options);
    if (this.channel.state === 'open') this.startGrace();
  }

  get isReady(): boolean {
    return this.phase === 'ready';
  }

  get isEncrypted(): boolean {
    return this.cipher !== undefined;
  }

  /** Agent version from the handshake ('' when there was none). */
  get agentVersion(): string {
    return this._agentVersion;
  }

  get exitCode(): number | undefined {
    return this._exitCode;
  }

  /**
   * Sends stdin bytes, split into payloads of at most 1024 bytes on the wire (encrypted ones carry 28 bytes of
   * nonce and tag, so they hold 996). Resolves when every chunk is queued on the channel: await it before
   * writing more to get back-pressure. Before the session is ready the bytes wait (bounded).
   */
  write(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    if (bytes.length === 0) return Promise.resolve();
    if (this.end) return Promise.reject(new Error('the session has ended'));
    if (this.phase !== 'ready') {
      if (this.pendingInputBytes + bytes.length > (this.options.maxPendingInputBytes ?? 1024 * 1024)) {
        return Promise.reject(new Error('too much input before the session is ready'));
      }
      this.pendingInput.push(bytes.slice());
      this.pendingInputBytes += bytes.length;
      return Promise.resolve();
    }
    const limit = this.options.maxQueuedInputBytes ?? 16 * 1024 * 1024;
    if (this.queuedInputBytes + bytes.length > limit) {
      return Promise.reject(
        new Error(`too much input waiting to be sent (over ${limit} bytes); wait for earlier writes`),
      );
    }
    this.queuedInputBytes += bytes.length;
    return this.enqueue(() => this.sendInput(bytes)).finally(() => {
      this.queuedInputBytes -= bytes.length;
    });
  }

  /** Sets the terminal size; sent when it changes (PT 3, JSON {"cols","rows"}). */
  resize(cols: number, rows: number): Promise<void> {
    if (
      !Number.isInteger(cols) ||
      !Number.isInteger(rows) ||
      cols <= 0 ||
      rows <= 0 ||
      cols > 0xffff ||
      rows > 0xffff
    ) {
      return Promise.reject(new RangeError(`invalid terminal size ${cols}x${rows}`));
    }
    this.lastSize = { cols, rows };
    if (this.end) return Promise.resolve();
    // Size is never encrypted and harmless during a handshake (the agent acks and drops it), so it can go early;
    // it is sent again once the session is ready.
    return this.enqueue(() => this.sendSizeIfChanged());
  }

  /**
   * Flow control: while paused, output stays in the channel's bounded receive buffer (acknowledged, so the agent does
   * not resend it); once that is full the channel stops reading the websocket, so the agent is held back by TCP.
   * Nothing is lost either way.
   */
  pauseOutput(): void {
    this.outputPaused = true;
  }

  resumeOutput(): void {
    if (!this.outputPaused) return;
    this.outputPaused = false;
    this.channel.retryDelivery();
  }

  get isOutputPaused(): boolean {
    return this.outputPaused;
  }

  /** Sends the TerminateSession flag (PT 10), as port sessions do on Ctrl-C. */
  sendTerminateFlag(): Promise<void> {
    return this.enqueue(() => this.channel.send(PayloadType.Flag, flagPayload(FlagValue.TerminateSession)));
  }

  // ------------------------------------------------------------------ internals

  protected override disposeSession(): void {
    this.clearGrace();
    for (const e of [this._onDidOutput, this._onDidStdErr, this._onDidCustomerMessage, this._onDidBecomeReady])
      e.dispose();
    this._onDidExit.dispose();
  }

  protected override onChannelStateChange(s: DataChannelStateChange): void {
    if (s.state === 'open' && this.phase === 'starting' && !this.graceTimer) this.startGrace();
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.writeChain.then(task);
    this.writeChain = next.catch(() => undefined);
    return next;
  }

  private async sendInput(bytes: Uint8Array): Promise<void> {
    const chunk = this.cipher ? MAX_PAYLOAD_BYTES - ENCRYPTION_OVERHEAD : MAX_PAYLOAD_BYTES;
    for (let off = 0; off < bytes.length; off += chunk) {
      const part = bytes.subarray(off, Math.min(off + chunk, bytes.length));
      await this.channel.send(PayloadType.Output, this.cipher ? this.cipher.encrypt(part) : part);
    }
  }

  private async sendSizeIfChanged(force = false): Promise<void> {
    const size = this.lastSize;
    if (!size) return;
    if (!force && this.sentSize && this.sentSize.cols === size.cols && this.sentSize.rows === size.rows) return;
    this.sentSize = size;
    await this.channel.send(PayloadType.Size, sizePayload(size.cols, size.rows));
  }

  private startGrace(): void {
    this.clearGrace();
    this.graceTimer = setTimeout(() => {
      this.graceTimer = undefined;
      if (this.phase === 'starting') {
        this.log.debug('no first message from the agent yet; assuming no handshake', { sessionId: this.sessionId });
        this.becomeReady(SessionType.StandardStream);
      }
    }, this.options.firstMessageGraceMs ?? 2000);
  }

  private clearGrace(): void {
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
  }

  private becomeReady(sessionType: string): void {
    this.clearGrace();
    this.sessionType ??= sessionType;
    this.phase = 'ready';
    const pending = this.pendingInput.splice(0);
    this.pendingInputBytes = 0;
    void this.enqueue(() => this.sendSizeIfChanged(true)).catch(() => undefined);
    for (const p of pending) void this.enqueue(() => this.sendInput(p)).catch(() => undefined);
    this._onDidBecomeReady.fire();
    // Messages held while we were not ready.
    queueMicrotask(() => this.channel.retryDelivery());
  }

  protected onStreamMessage(m: ClientMessage): StreamDisposition {
    switch (m.payloadType) {
      case PayloadType.EncChallengeRequest:
        return this.onChallenge(m.payload);
      case PayloadType.HandshakeComplete:
        return this.onHandshakeComplete(m.payload);
      case PayloadType.Output:
      case PayloadType.StdErr:
      case PayloadType.ExitCode:
        return this.onData(m);
      case PayloadType.Flag:
        this.log.debug('flag from agent', { sessionId: this.sessionId, bytes: m.payload.length });
        return 'accepted';
      default:
        this.log.debug('ignored payload type', { sessionId: this.sessionId, payloadType: m.payloadType });
        return 'accepted';
    }
  }

  private onData(m: ClientMessage): StreamDisposition {
    if (this.phase === 'handshaking' || this.outputPaused) return 'not-ready';
    if (this.phase === 'starting') {
      if (m.payloadType !== PayloadType.Output) return 'not-ready';
      // An agent that skips the handshake starts with output: a Standard_Stream (§7.1).
      this.becomeReady(SessionType.StandardStream);
    }
    let payload = m.payload;
    if (this.cipher) {
      const plain = this.cipher.decrypt(payload);
      if (!plain) {
        this.fail('an encrypted message from the instance could not be decrypted (wrong key or corrupted data)');
        return 'rejected';
      }
      payload = plain;
    }
    if (m.payloadType === PayloadType.Output) this._onDidOutput.fire(payload);
    else if (m.payloadType === PayloadType.StdErr) this._onDidStdErr.fire(payload);
    else {
      const code = parseExitCode(payload);
      if (code === undefined) {
        this.log.warn('unparsable exit code message', { sessionId: this.sessionId });
      } else {
        this._exitCode = code;
        this._onDidExit.fire(code);
      }
    }
    return 'accepted';
  }

  protected override onHandshakeStarted(request: HandshakeRequest): void {
    this.clearGrace();
    this.phase = 'handshaking';
    this._agentVersion = request.agentVersion;
  }

  protected acceptSessionType(sessionType: string): boolean {
    if (!SHELL_TYPES.has(sessionType)) return false;
    this.sessionType = sessionType;
    return true;
  }

  protected async answerKmsEncryption(parameters: unknown): Promise<ClientActionOutcome> {
    try {
      const p = kmsParamsSchema.parse(parameters);
      if (!this.options.dataKeys) throw new Error('KMS encryption is required but no KMS client is configured');
      const dataKey = await this.options.dataKeys.generateDataKey(
        p.KMSKeyId,
        encryptionContext(this.options.sessionId, this.options.targetId),
      );
      this.pendingCipher = new SessionCipher(dataKey.plaintext);
      return {
        result: { KMSCipherTextKey: Buffer.from(dataKey.ciphertextBlob).toString('base64'), KMSCipherTextHash: null },
      };
    } catch (e) {
      return { error: `KMS encryption failed: ${errorText(e)}` };
    }
  }

  /** In the write order, so a Size written before it keeps its place. */
  protected override sendHandshakeResponse(payload: Uint8Array): Promise<void> {
    return this.enqueue(() => this.channel.send(PayloadType.HandshakeResponse, payload));
  }

  protected override onHandshakeAnswered(): void {
    // Encryption is on from here (the agent's challenge is already encrypted).
    if (this.pendingCipher) this.cipher = this.pendingCipher;
    this.pendingCipher = undefined;
  }

  private onChallenge(payload: Uint8Array): StreamDisposition {
    if (!this.cipher) return this.phase === 'handshaking' ? 'not-ready' : 'rejected';
    const sealed = parseChallenge(payload);
    const plain = sealed && this.cipher.decrypt(sealed);
    if (!plain) {
      this.fail('the KMS encryption challenge from the instance could not be decrypted');
      return 'rejected';
    }
    const answer = challengePayload(this.cipher.encrypt(plain));
    void this.enqueue(() => this.channel.send(PayloadType.EncChallengeResponse, answer)).catch(() => undefined);
    return 'accepted';
  }

  private onHandshakeComplete(payload: Uint8Array): StreamDisposition {
    // Wait until our HandshakeResponse went out (KMS may still be running).
    if (this.phase === 'handshaking' && !this.handshakeAnswered) return 'not-ready';
    const complete = parseHandshakeComplete(payload);
    if (complete?.customerMessage) this._onDidCustomerMessage.fire(complete.customerMessage);
    if (!this.sessionType) {
      this.fail('unable to determine the session type');
      return 'rejected';
    }
    this.becomeReady(this.sessionType);
    return 'accepted';
  }

  protected override channelClosedEnd(end: { output: string; undelivered: number }): SessionEnd {
    if (end.undelivered > 0) {
      return {
        kind: 'failed',
        message: `the instance ended the session before all output arrived (${end.undelivered} later messages were received but earlier ones never came)`,
      };
    }
    if (this.options.expectExitCode && this._exitCode === undefined && end.output === '') {
      return {
        kind: 'failed',
        message: "the instance ended the session before the command's exit code arrived; its output may be incomplete",
      };
    }
    return { kind: 'ended', message: end.output };
  }

  protected override completeEnd(end: SessionEnd): SessionEnd {
    return this._exitCode === undefined ? end : { ...end, exitCode: this._exitCode };
  }

  protected override onEnding(): void {
    this.clearGrace();
    this.pendingInput = [];
    this.pendingInputBytes = 0;
  }
}
