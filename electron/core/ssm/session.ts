/**
 * A shell or command session over a {@link DataChannel} (fact sheet §6, §7.1, §7.2, §9): the handshake (session
 * type, KMS encryption with its challenge), stdin, terminal size, output, stderr and the exit code.
 *
 * Session types handled here: Standard_Stream (shells, any Standard_Stream document), InteractiveCommands and
 * NonInteractiveCommands. Output reaches listeners as raw bytes, per payload type: Output (1) on
 * {@link onDidOutput}, StdErr (11) on {@link onDidStdErr}, the exit code (12) on {@link onDidExit} (the plugin
 * prints all of them to stdout and always exits 0; we keep them apart and report the real code).
 */
import { Emitter, type Disposable, type Event } from '../base/lifecycle';
import { silentLogger, type Logger } from '../base/logger';
import {
  CLIENT_VERSION,
  MAX_PAYLOAD_BYTES,
  type DataChannel,
  type DataChannelEnd,
  type DataChannelState,
  type StreamDisposition,
} from './dataChannel';
import { ENCRYPTION_OVERHEAD, SessionCipher, encryptionContext, type DataKeySource } from './encryption';
import { PayloadType, type ClientMessage } from './message';
import {
  ActionStatus,
  ActionType,
  FlagValue,
  challengePayload,
  flagPayload,
  handshakeResponsePayload,
  kmsParamsSchema,
  parseChallenge,
  parseExitCode,
  parseHandshakeComplete,
  parseHandshakeRequest,
  sessionTypeParamsSchema,
  sizePayload,
  type ProcessedClientAction,
} from './payloads';

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

/** How a session ended, for people and for exit statuses. */
export type SessionEnd =
  /** The service closed the channel; `output` is its reason (empty for a normal end). */
  | { kind: 'ended'; message: string; exitCode?: number }
  /** We closed it (terminate / dispose). */
  | { kind: 'closed-by-client'; exitCode?: number }
  /** It could not go on: handshake, encryption, resume, connection. */
  | { kind: 'failed'; message: string; exitCode?: number };

export interface ShellSessionOptions {
  sessionId: string;
  /** The StartSession target (the KMS encryption context uses it). */
  targetId: string;
  channel: DataChannel;
  /** Required for sessions with KMS encryption. */
  dataKeys?: DataKeySource;
  clientVersion?: string;
  /** Called on terminate() and after a resend timeout: TerminateSession. */
  terminateApi?: () => Promise<void>;
  logger?: Logger;
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

export class ShellSession implements Disposable {
  private readonly channel: DataChannel;
  private readonly log: Logger;
  private phase: SessionPhase = 'starting';
  private sessionType: string | undefined;
  private _agentVersion = '';
  private cipher: SessionCipher | undefined;
  private pendingInput: Uint8Array[] = [];
  private pendingInputBytes = 0;
  private lastSize: { cols: number; rows: number } | undefined;
  private sentSize: { cols: number; rows: number } | undefined;
  private graceTimer: ReturnType<typeof setTimeout> | undefined;
  private _exitCode: number | undefined;
  private _end: SessionEnd | undefined;
  private writeChain: Promise<void> = Promise.resolve();
  private terminating: Promise<void> | undefined;
  private handshakeAnswered = false;
  private outputPaused = false;
  private queuedInputBytes = 0;
  private readonly subscriptions: Disposable[] = [];

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
  private readonly _onDidChangeState = new Emitter<DataChannelState>();
  /** The connection state: connecting, open, reconnecting, closed, failed. */
  readonly onDidChangeState: Event<DataChannelState> = this._onDidChangeState.event;
  private readonly _onDidBecomeReady = new Emitter<void>();
  readonly onDidBecomeReady: Event<void> = this._onDidBecomeReady.event;
  private readonly _onDidEnd = new Emitter<SessionEnd>();
  /** Fires once, when the session is over. */
  readonly onDidEnd: Event<SessionEnd> = this._onDidEnd.event;

  readonly ended: Promise<SessionEnd>;
  private resolveEnded!: (end: SessionEnd) => void;

  constructor(private readonly options: ShellSessionOptions) {
    this.channel = options.channel;
    this.log = options.logger ?? silentLogger;
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.channel.setStreamHandler((m) => this.onStreamMessage(m));
    this.subscriptions.push(
      this.channel.onDidChangeState((s) => {
        this._onDidChangeState.fire(s.state);
        if (s.state === 'open' && this.phase === 'starting' && !this.graceTimer) this.startGrace();
        if (s.end) this.onChannelEnd(s.end);
      }),
    );
    if (this.channel.state === 'open') this.startGrace();
  }

  get sessionId(): string {
    return this.options.sessionId;
  }

  get state(): DataChannelState {
    return this.channel.state;
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

  /** Counters of the underlying channel (sent, resent, duplicates, reconnects, ...). */
  get channelStats(): Readonly<DataChannel['stats']> {
    return this.channel.stats;
  }

  get exitCode(): number | undefined {
    return this._exitCode;
  }

  get end(): SessionEnd | undefined {
    return this._end;
  }

  /**
   * Sends stdin bytes, split into payloads of at most 1024 bytes on the wire (encrypted ones carry 28 bytes of
   * nonce and tag, so they hold 996). Resolves when every chunk is queued on the channel: await it before
   * writing more to get back-pressure. Before the session is ready the bytes wait (bounded).
   */
  write(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    if (bytes.length === 0) return Promise.resolve();
    if (this._end) return Promise.reject(new Error('the session has ended'));
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
    if (this._end) return Promise.resolve();
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

  /**
   * Ends the session: TerminateSession (when configured), then waits briefly for the service's channel_closed and
   * closes the channel. Resolves with how the session ended.
   */
  terminate(waitMs = 3000): Promise<SessionEnd> {
    if (this._end) return Promise.resolve(this._end);
    this.terminating ??= (async () => {
      try {
        await this.options.terminateApi?.();
      } catch (e) {
        this.log.warn('TerminateSession failed', {
          sessionId: this.sessionId,
          error: e instanceof Error ? e.message : String(e),
        });
      }
      if (!this._end && this.options.terminateApi) {
        await Promise.race([this.ended, new Promise((r) => setTimeout(r, waitMs).unref())]);
      }
      if (!this._end) this.channel.close();
    })();
    return this.terminating.then(() => this._end ?? { kind: 'closed-by-client' as const });
  }

  dispose(): void {
    if (!this._end) this.channel.close();
    this.clearGrace();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.channel.setStreamHandler(undefined);
    this.channel.dispose();
    for (const e of [this._onDidOutput, this._onDidStdErr, this._onDidCustomerMessage, this._onDidBecomeReady])
      e.dispose();
    this._onDidExit.dispose();
    this._onDidChangeState.dispose();
    this._onDidEnd.dispose();
  }

  // ------------------------------------------------------------------ internals

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

  private onStreamMessage(m: ClientMessage): StreamDisposition {
    switch (m.payloadType) {
      case PayloadType.HandshakeRequest:
        return this.onHandshakeRequest(m.payload);
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

  private onHandshakeRequest(payload: Uint8Array): StreamDisposition {
    const request = parseHandshakeRequest(payload);
    if (!request) {
      this.fail('the instance sent a handshake request that could not be read');
      return 'rejected';
    }
    this.clearGrace();
    this.phase = 'handshaking';
    this._agentVersion = request.agentVersion;
    void this.answerHandshake(request.actions).catch((e: unknown) =>
      this.fail(`handshake failed: ${e instanceof Error ? e.message : String(e)}`),
    );
    return 'accepted';
  }

  private async answerHandshake(actions: { type: string; parameters: unknown }[]): Promise<void> {
    const processed: ProcessedClientAction[] = [];
    const errors: string[] = [];
    let key: SessionCipher | undefined;
    for (const action of actions) {
      if (action.type === ActionType.SessionType) {
        const p = sessionTypeParamsSchema.safeParse(action.parameters);
        if (p.success && SHELL_TYPES.has(p.data.SessionType)) {
          this.sessionType = p.data.SessionType;
          processed.push({
            ActionType: action.type,
            ActionStatus: ActionStatus.Success,
            ActionResult: null,
            Error: '',
          });
        } else {
          const type = p.success ? p.data.SessionType : 'unreadable';
          const error = `Unknown session type ${type}`;
          errors.push(error);
          processed.push({
            ActionType: action.type,
            ActionStatus: ActionStatus.Failed,
            ActionResult: null,
            Error: error,
          });
        }
      } else if (action.type === ActionType.KMSEncryption) {
        try {
          const p = kmsParamsSchema.parse(action.parameters);
          if (!this.options.dataKeys) throw new Error('KMS encryption is required but no KMS client is configured');
          const dataKey = await this.options.dataKeys.generateDataKey(
            p.KMSKeyId,
            encryptionContext(this.options.sessionId, this.options.targetId),
          );
          key = new SessionCipher(dataKey.plaintext);
          processed.push({
            ActionType: action.type,
            ActionStatus: ActionStatus.Success,
            ActionResult: {
              KMSCipherTextKey: Buffer.from(dataKey.ciphertextBlob).toString('base64'),
              KMSCipherTextHash: null,
            },
            Error: '',
          });
        } catch (e) {
          const error = `KMS encryption failed: ${e instanceof Error ? e.message : String(e)}`;
          errors.push(error);
          processed.push({
            ActionType: action.type,
            ActionStatus: ActionStatus.Failed,
            ActionResult: null,
            Error: error,
          });
        }
      } else {
        const error = `Unsupported action ${action.type}`;
        errors.push(error);
        processed.push({
          ActionType: action.type,
          ActionStatus: ActionStatus.Unsupported,
          ActionResult: null,
          Error: error,
        });
      }
    }
    if (this._end) return;
    const response = handshakeResponsePayload(this.options.clientVersion ?? CLIENT_VERSION, processed, errors);
    await this.enqueue(() => this.channel.send(PayloadType.HandshakeResponse, response));
    // Encryption is on from here (the agent's challenge is already encrypted).
    if (key) this.cipher = key;
    this.handshakeAnswered = true;
    if (errors.length > 0) this.log.warn('handshake actions failed', { sessionId: this.sessionId, errors });
    // Messages that arrived while we were busy (the challenge, HandshakeComplete).
    this.channel.retryDelivery();
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

  private fail(message: string): void {
    this.log.warn('session failed', { sessionId: this.sessionId, message });
    this.finish({ kind: 'failed', message });
    this.channel.close();
  }

  private onChannelEnd(end: DataChannelEnd): void {
    switch (end.kind) {
      case 'channel-closed':
        if (end.undelivered > 0) {
          this.finish({
            kind: 'failed',
            message: `the instance ended the session before all output arrived (${end.undelivered} later messages were received but earlier ones never came)`,
          });
        } else if (this.options.expectExitCode && this._exitCode === undefined && end.output === '') {
          this.finish({
            kind: 'failed',
            message:
              "the instance ended the session before the command's exit code arrived; its output may be incomplete",
          });
        } else {
          this.finish({ kind: 'ended', message: end.output });
        }
        return;
      case 'closed-by-client':
        this.finish({ kind: 'closed-by-client' });
        return;
      case 'resend-timeout':
        // As the plugin does: tell the service to end the session.
        void this.options.terminateApi?.().catch(() => undefined);
        this.finish({ kind: 'failed', message: end.detail });
        return;
      default:
        this.finish({ kind: 'failed', message: end.detail });
    }
  }

  private finish(end: SessionEnd): void {
    if (this._end) return;
    this.clearGrace();
    const withCode: SessionEnd = this._exitCode === undefined ? end : { ...end, exitCode: this._exitCode };
    this._end = withCode;
    this.pendingInput = [];
    this.pendingInputBytes = 0;
    this.resolveEnded(withCode);
    this._onDidEnd.fire(withCode);
  }
}
