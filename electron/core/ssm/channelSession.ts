/**
 * What every session over a {@link DataChannel} shares (fact sheet §6, §9): the channel wiring (stream handler,
 * state events), the handshake answer (§6.3, §6.4: session type, KMS encryption, unsupported actions, then
 * HandshakeResponse), and the ending (channel end -> {@link SessionEnd}, failure, TerminateSession with a bounded
 * wait, dispose). {@link ShellSession} and {@link PortSession} add what differs through the protected hooks.
 */
import { Emitter, type Disposable, type Event } from '../base/lifecycle';
import { silentLogger, type Logger } from '../base/logger';
import {
  CLIENT_VERSION,
  type DataChannel,
  type DataChannelEnd,
  type DataChannelState,
  type DataChannelStateChange,
  type StreamDisposition,
} from './dataChannel';
import { PayloadType, type ClientMessage } from './message';
import {
  ActionStatus,
  ActionType,
  handshakeResponsePayload,
  parseHandshakeRequest,
  sessionTypeParamsSchema,
  type HandshakeRequest,
  type ProcessedClientAction,
} from './payloads';

/** How a session ended, for people and for exit statuses. */
export type SessionEnd =
  /** The service closed the channel; `output` is its reason (empty for a normal end). */
  | { kind: 'ended'; message: string; exitCode?: number }
  /** We closed it (terminate / dispose). */
  | { kind: 'closed-by-client'; exitCode?: number }
  /** It could not go on: handshake, encryption, resume, connection. */
  | { kind: 'failed'; message: string; exitCode?: number };

export interface ChannelSessionOptions {
  sessionId: string;
  channel: DataChannel;
  clientVersion?: string;
  /** TerminateSession: called by terminate() and after a resend timeout (as the plugin does). */
  terminateApi?: () => Promise<void>;
  logger?: Logger;
}

/** The outcome of one requested client action: success (with its ActionResult) or failure (with its Error text). */
export type ClientActionOutcome = { result: unknown } | { error: string };

export abstract class ChannelSession implements Disposable {
  protected readonly channel: DataChannel;
  protected readonly log: Logger;
  protected readonly subscriptions: Disposable[] = [];
  /** Our HandshakeResponse is on the channel (HandshakeComplete may be processed). */
  protected handshakeAnswered = false;
  private _end: SessionEnd | undefined;
  private terminating: Promise<SessionEnd> | undefined;

  private readonly _onDidChangeState = new Emitter<DataChannelState>();
  /** The connection state: connecting, open, reconnecting, closed, failed. */
  readonly onDidChangeState: Event<DataChannelState> = this._onDidChangeState.event;
  private readonly _onDidEnd = new Emitter<SessionEnd>();
  /** Fires once, when the session is over. */
  readonly onDidEnd: Event<SessionEnd> = this._onDidEnd.event;

  readonly ended: Promise<SessionEnd>;
  private resolveEnded!: (end: SessionEnd) => void;

  constructor(private readonly core: ChannelSessionOptions) {
    this.channel = core.channel;
    this.log = core.logger ?? silentLogger;
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.channel.setStreamHandler((m) =>
      m.payloadType === PayloadType.HandshakeRequest ? this.onHandshakeRequest(m.payload) : this.onStreamMessage(m),
    );
    this.subscriptions.push(
      this.channel.onDidChangeState((s) => {
        this._onDidChangeState.fire(s.state);
        this.onChannelStateChange(s);
        if (s.end) this.onChannelEnd(s.end);
      }),
    );
  }

  get sessionId(): string {
    return this.core.sessionId;
  }

  get state(): DataChannelState {
    return this.channel.state;
  }

  get end(): SessionEnd | undefined {
    return this._end;
  }

  /** Counters of the underlying channel (sent, resent, duplicates, reconnects, ...). */
  get channelStats(): Readonly<DataChannel['stats']> {
    return this.channel.stats;
  }

  /**
   * Ends the session: {@link askAgentToEnd} (if the session has a way), TerminateSession (when configured), then
   * waits briefly for the service's channel_closed and closes the channel. Resolves with how the session ended.
   */
  terminate(waitMs = 3000): Promise<SessionEnd> {
    if (this._end) return Promise.resolve(this._end);
    this.terminating ??= (async () => {
      const asked = await this.askAgentToEnd();
      try {
        await this.core.terminateApi?.();
      } catch (e) {
        this.log.warn('TerminateSession failed', { sessionId: this.sessionId, error: errorText(e) });
      }
      if (!this._end && (this.core.terminateApi || asked)) await Promise.race([this.ended, delay(waitMs)]);
      if (!this._end) this.channel.close();
      return this._end ?? { kind: 'closed-by-client' as const };
    })();
    return this.terminating;
  }

  dispose(): void {
    if (!this._end) this.channel.close();
    this.finish({ kind: 'closed-by-client' });
    this.disposeSession();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.channel.setStreamHandler(undefined);
    this.channel.dispose();
    this._onDidChangeState.dispose();
    this._onDidEnd.dispose();
  }

  // ------------------------------------------------------------------ hooks

  /** Receives the channel's in-order stream messages (all but HandshakeRequest, which is answered here). */
  protected abstract onStreamMessage(m: ClientMessage): StreamDisposition;

  /** Accepts (true) or refuses the SessionType the agent asks for; a refusal answers "Unknown session type X". */
  protected abstract acceptSessionType(sessionType: string, properties: unknown): boolean;

  /** Answers the KMSEncryption action (§6.6). */
  protected abstract answerKmsEncryption(parameters: unknown): Promise<ClientActionOutcome> | ClientActionOutcome;

  /** A readable HandshakeRequest arrived (before its actions are answered). */
  protected onHandshakeStarted(_request: HandshakeRequest): void {}

  /** Our HandshakeResponse is on the channel; held messages are retried right after. */
  protected onHandshakeAnswered(_request: HandshakeRequest): void {}

  /** Puts the HandshakeResponse on the channel (a session with its own write order overrides this). */
  protected sendHandshakeResponse(payload: Uint8Array): Promise<void> {
    return this.channel.send(PayloadType.HandshakeResponse, payload);
  }

  /** Every channel state change, before a final one is turned into the session's end. */
  protected onChannelStateChange(_change: DataChannelStateChange): void {}

  /** The session's end when the service closed the channel (§9.1). */
  protected channelClosedEnd(end: { output: string; undelivered: number }): SessionEnd {
    return { kind: 'ended', message: end.output };
  }

  /** Gives the final end (e.g. with an exit code); runs once. */
  protected completeEnd(end: SessionEnd): SessionEnd {
    return end;
  }

  /** Session-specific clean-up when it ends (before `ended` resolves and onDidEnd fires). */
  protected onEnding(_end: SessionEnd): void {}

  /** Session-specific clean-up in dispose (after the end). */
  protected disposeSession(): void {}

  /** Asks the agent itself to end the session before TerminateSession (e.g. the TerminateSession flag); true if asked. */
  protected askAgentToEnd(): Promise<boolean> {
    return Promise.resolve(false);
  }

  // ------------------------------------------------------------------ handshake (§6.3, §6.4)

  /** HandshakeRequest: answers its actions in order, sends HandshakeResponse, then retries held messages. */
  private onHandshakeRequest(payload: Uint8Array): StreamDisposition {
    const request = parseHandshakeRequest(payload);
    if (!request) {
      this.fail('the instance sent a handshake request that could not be read');
      return 'rejected';
    }
    this.onHandshakeStarted(request);
    void this.answerHandshake(request).catch((e: unknown) => this.fail(`handshake failed: ${errorText(e)}`));
    return 'accepted';
  }

  private async answerHandshake(request: HandshakeRequest): Promise<void> {
    const processed: ProcessedClientAction[] = [];
    const errors: string[] = [];
    const answer = (type: string, outcome: ClientActionOutcome, failedStatus: number = ActionStatus.Failed) => {
      if ('error' in outcome) errors.push(outcome.error);
      processed.push({
        ActionType: type,
        ActionStatus: 'error' in outcome ? failedStatus : ActionStatus.Success,
        ActionResult: 'error' in outcome ? null : outcome.result,
        Error: 'error' in outcome ? outcome.error : '',
      });
    };
    for (const action of request.actions) {
      if (action.type === ActionType.SessionType) {
        const p = sessionTypeParamsSchema.safeParse(action.parameters);
        const accepted = p.success && this.acceptSessionType(p.data.SessionType, p.data.Properties);
        answer(
          action.type,
          accepted
            ? { result: null }
            : { error: `Unknown session type ${p.success ? p.data.SessionType : 'unreadable'}` },
        );
      } else if (action.type === ActionType.KMSEncryption) {
        answer(action.type, await this.answerKmsEncryption(action.parameters));
      } else {
        answer(action.type, { error: `Unsupported action ${action.type}` }, ActionStatus.Unsupported);
      }
    }
    if (this._end) return;
    const response = handshakeResponsePayload(this.core.clientVersion ?? CLIENT_VERSION, processed, errors);
    await this.sendHandshakeResponse(response);
    this.onHandshakeAnswered(request);
    this.handshakeAnswered = true;
    if (errors.length > 0) this.log.warn('handshake actions failed', { sessionId: this.sessionId, errors });
    // Messages that arrived while we were busy (a challenge, HandshakeComplete).
    this.channel.retryDelivery();
  }

  // ------------------------------------------------------------------ ending

  /** Ends the session with a failure and closes the channel. */
  protected fail(message: string): void {
    if (this._end) return;
    this.log.warn('session failed', { sessionId: this.sessionId, message });
    this.finish({ kind: 'failed', message });
    this.channel.close();
  }

  private onChannelEnd(end: DataChannelEnd): void {
    switch (end.kind) {
      case 'channel-closed':
        this.finish(this.channelClosedEnd(end));
        return;
      case 'closed-by-client':
        this.finish({ kind: 'closed-by-client' });
        return;
      case 'resend-timeout':
        // As the plugin does: tell the service to end the session.
        void this.core.terminateApi?.().catch(() => undefined);
        this.finish({ kind: 'failed', message: end.detail });
        return;
      default:
        this.finish({ kind: 'failed', message: end.detail });
    }
  }

  protected finish(end: SessionEnd): void {
    if (this._end) return;
    const final = this.completeEnd(end);
    this._end = final;
    this.onEnding(final);
    this.resolveEnded(final);
    this._onDidEnd.fire(final);
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
