/**
 * One session on the agent side (MGS + SSM agent in one): the reliable channel, the handshake and KMS
 * encryption (§6), the session plugin (shell, command...), output pacing, timeouts, fault injection, and the
 * end of the session (drain, then channel_closed to the client, §9/§10).
 */
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { MessageType, PayloadType, newMessageId, type ClientMessage } from '../../electron/core/ssm/message';
import { AgentChannel, type HandlerResult } from './channel';
import { AgentCipher } from './encryption';
import type { FaultInjector, FaultyConnection } from './faults';
import type { PluginOutcome, SessionPlugin } from './plugin';
import { OutputPump } from './pump';

export type SessionType = 'Standard_Stream' | 'InteractiveCommands' | 'NonInteractiveCommands' | 'Port';

export interface KmsSessionKey {
  /** Key ARN announced in the handshake (KMSKeyId). */
  keyArn: string;
  /** KMS Decrypt of the client's CiphertextBlob with the session encryption context; throws when refused. */
  decrypt(ciphertext: Uint8Array, context: Record<string, string>): Uint8Array;
}

export interface AgentSessionHooks {
  /** The client's websocket came or went. */
  onConnection(connected: boolean): void;
  /** The session is over (after channel_closed was sent or could not be delivered). */
  onEnded(outcome: { status: 'Terminated' | 'Failed'; reason: string }): void;
  /** Fault injection: expire the session's tokens; `resume` says how ResumeSession answers from now on. */
  onExpireToken(resume: 'succeed' | 'no-token' | 'error'): void;
}

export interface AgentSessionConfig {
  sessionId: string;
  targetId: string;
  sessionType: SessionType;
  agentVersion: string;
  /** The plugin, or the reason this agent cannot run the session type (sent as channel_closed Output). */
  plugin: SessionPlugin | { unsupported: string };
  kms?: KmsSessionKey;
  pacing: boolean;
  /** The agent waits 1 s before its first read of the shell output. */
  startDelayMs: number;
  /** Separator prefixes per payload type (NonInteractiveCommands). */
  prefixes?: ReadonlyMap<number, Uint8Array>;
  idleTimeoutMs?: number;
  maxDurationMs?: number;
  /** §6.2: 15 s for the handshake response and again for the challenge. */
  handshakeTimeoutMs?: number;
  /** How long an ended session waits for a reconnect to deliver its last output and channel_closed. */
  closeGraceMs?: number;
  faults?: FaultInjector;
  hooks: AgentSessionHooks;
  log?: (line: string) => void;
}

type HandshakeState = 'not-started' | 'awaiting-response' | 'awaiting-challenge' | 'done' | 'skipped';
type Phase = 'new' | 'running' | 'ending' | 'ended';

export const IDLE_TIMEOUT_MESSAGE = 'Your session timed out due to inactivity and has been terminated.';
export const MAX_DURATION_MESSAGE = 'Your session has reached its maximum duration and has been terminated.';
const HANDSHAKE_TIMEOUT_MESSAGE =
  'Handshake timed out. Please ensure that you have the latest version of the session manager plugin.';
const CHALLENGE_TIMEOUT_MESSAGE = 'Timed out waiting for encryption challenge.';

/** Payload types the agent encrypts once KMS encryption is on (§6.6). */
const ENCRYPTED_OUTPUT_TYPES = new Set<number>([PayloadType.Output, PayloadType.StdErr, PayloadType.ExitCode]);

export class AgentSession {
  readonly channel: AgentChannel;
  private readonly config: AgentSessionConfig;
  private readonly log: (line: string) => void;
  private ws: WebSocket | undefined;
  private connection: FaultyConnection | RawConnection | undefined;
  private phase: Phase = 'new';
  private handshake: HandshakeState = 'not-started';
  private handshakeStartedMs = 0;
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  private challenge: Uint8Array | undefined;
  private randomChallenge = '';
  private cipher: AgentCipher | undefined;
  private pendingCipher: AgentCipher | undefined;
  private clientVersion = '';
  private pluginStarted = false;
  private pump: OutputPump | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private maxTimer: ReturnType<typeof setTimeout> | undefined;
  private pauseTimer: ReturnType<typeof setTimeout> | undefined;
  private waiters = new Set<() => void>();
  private faults: FaultInjector | undefined;
  /** Client frames MGS holds while publication is paused (fault injection). */
  private heldInput: Buffer[] | undefined;

  constructor(config: AgentSessionConfig) {
    this.config = config;
    this.log = config.log ?? (() => undefined);
    this.faults = config.faults;
    this.channel = new AgentChannel({ onStreamMessage: (m) => this.onStreamMessage(m), log: this.log });
  }

  get isEnded(): boolean {
    return this.phase === 'ended';
  }

  get isConnected(): boolean {
    return this.ws !== undefined;
  }

  get encrypted(): boolean {
    return this.cipher !== undefined;
  }

  /** A client websocket whose OpenDataChannelInput carried a valid token. Replaces any previous one. */
  attach(ws: WebSocket, open: { ClientVersion?: string }): void {
    if (this.phase === 'ended') {
      ws.close(1000, 'Session is already terminated');
      return;
    }
    if (typeof open.ClientVersion === 'string') this.clientVersion = open.ClientVersion;
    const previous = this.ws;
    if (previous) this.detach(previous, true);
    this.ws = ws;
    const connection = this.makeConnection(ws);
    this.connection = connection;
    ws.on('message', (data, _isBinary) => {
      // Both sides accept text frames too (§2.3).
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      if (this.heldInput) this.heldInput.push(bytes);
      else this.channel.receive(bytes);
    });
    ws.on('close', () => this.detach(ws, false));
    ws.on('error', (e) => this.log(`websocket error: ${e.message}`));
    this.channel.attach(connection);
    this.config.hooks.onConnection(true);
    this.wakeWaiters();
    if (this.phase === 'new') this.begin();
  }

  /** Replaces the fault plan; the current websocket (if any) goes through the new one from now on. */
  setFaults(faults: FaultInjector | undefined): void {
    this.faults = faults;
    const ws = this.ws;
    if (!ws) return;
    const old = this.connection;
    const connection = this.makeConnection(ws);
    this.connection = connection;
    this.channel.attach(connection);
    old?.dispose();
  }

  private makeConnection(ws: WebSocket): FaultyConnection | RawConnection {
    const rawSend = (frame: Uint8Array) => {
      if (ws.readyState === ws.OPEN) ws.send(frame, { binary: true });
    };
    return this.faults
      ? this.faults.connection(rawSend, {
          drop: (mode) => {
            // Stop the pumps at once, as the agent would see its send fail, then kill the socket.
            this.detach(ws, false);
            if (mode === 'close') ws.close(1000, 'Bye');
            else ws.terminate();
          },
          expireToken: (resume) => this.config.hooks.onExpireToken(resume),
          pausePublication: (ms) => this.pausePublication(ms),
        })
      : new RawConnection(rawSend);
  }

  /** Ends the session now (TerminateSession, timeouts): stops the plugin, tells the client, closes. */
  terminate(reason = '', status: 'Terminated' | 'Failed' = 'Terminated'): void {
    if (this.phase === 'ended') return;
    this.stopPlugin();
    if (this.ws) this.channel.sendControl(MessageType.ChannelClosed, this.channelClosedPayload(reason));
    this.finalize(status, reason);
  }

  dispose(): void {
    this.terminate('', 'Terminated');
  }

  private begin(): void {
    this.phase = 'running';
    if (this.config.maxDurationMs !== undefined) {
      this.maxTimer = setTimeout(() => this.terminate(MAX_DURATION_MESSAGE), this.config.maxDurationMs);
    }
    this.resetIdleTimer();
    const plugin = this.config.plugin;
    if ('unsupported' in plugin) {
      void this.endAfterDrain({ ok: false, reason: plugin.unsupported });
      return;
    }
    const encryption = this.config.kms !== undefined && this.config.sessionType !== 'Port';
    if (plugin.requiresHandshake || encryption) {
      this.sendHandshakeRequest(plugin, encryption);
    } else {
      this.handshake = 'skipped';
      this.startPlugin(plugin);
    }
  }

  // ---- handshake (§6) ----

  private sendHandshakeRequest(plugin: SessionPlugin, encryption: boolean): void {
    const actions: unknown[] = [
      {
        ActionType: 'SessionType',
        ActionParameters: { SessionType: this.config.sessionType, Properties: plugin.handshakeProperties },
      },
    ];
    if (encryption && this.config.kms) {
      // The random challenge goes into the KMS encryption context only if the client acknowledges it (§6.6).
      this.randomChallenge = randomBytes(16).toString('base64');
      actions.push({
        ActionType: 'KMSEncryption',
        ActionParameters: { KMSKeyId: this.config.kms.keyArn, Challenge: this.randomChallenge },
      });
    }
    this.handshake = 'awaiting-response';
    this.handshakeStartedMs = performance.now();
    this.sendJson(PayloadType.HandshakeRequest, {
      AgentVersion: this.config.agentVersion,
      RequestedClientActions: actions,
    });
    this.armHandshakeTimer(HANDSHAKE_TIMEOUT_MESSAGE);
  }

  private armHandshakeTimer(message: string): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = setTimeout(() => this.fail(message), this.config.handshakeTimeoutMs ?? 15_000);
  }

  private handleHandshakeResponse(payload: Uint8Array): HandlerResult {
    let response: { ClientVersion?: unknown; ProcessedClientActions?: unknown; Errors?: unknown };
    try {
      response = JSON.parse(Buffer.from(payload).toString('utf8')) as typeof response;
    } catch {
      this.fail('Failed to parse the handshake response.');
      return 'ok';
    }
    if (typeof response.ClientVersion === 'string') this.clientVersion = response.ClientVersion;
    const actions = Array.isArray(response.ProcessedClientActions) ? response.ProcessedClientActions : [];
    const wantsKms = this.config.kms !== undefined && this.config.sessionType !== 'Port';
    let kmsResult: unknown;
    let kmsSeen = false;
    for (const raw of actions) {
      const action = (raw ?? {}) as {
        ActionType?: unknown;
        ActionStatus?: unknown;
        ActionResult?: unknown;
        Error?: unknown;
      };
      if (action.ActionType !== 'SessionType' && action.ActionType !== 'KMSEncryption') {
        this.log(`unknown handshake action ${String(action.ActionType)}`);
        continue;
      }
      if (action.ActionStatus !== 1) {
        const detail = typeof action.Error === 'string' && action.Error ? `: ${action.Error}` : '';
        this.fail(`${String(action.ActionType)} failed on client with status ${String(action.ActionStatus)}${detail}`);
        return 'ok';
      }
      if (action.ActionType === 'KMSEncryption') {
        kmsSeen = true;
        kmsResult = action.ActionResult;
      }
    }
    if (wantsKms) {
      if (!kmsSeen) {
        this.fail('The client did not process the KMSEncryption action.');
        return 'ok';
      }
      const key = (kmsResult ?? {}) as { KMSCipherTextKey?: unknown; ChallengeAcknowledgement?: unknown };
      if (typeof key.KMSCipherTextKey !== 'string') {
        this.fail('The client did not return a KMS data key.');
        return 'ok';
      }
      let dataKey: Uint8Array;
      try {
        const context: Record<string, string> = {
          'aws:ssm:SessionId': this.config.sessionId,
          'aws:ssm:TargetId': this.config.targetId,
        };
        if (key.ChallengeAcknowledgement === true) context['aws:ssm:RandomChallenge'] = this.randomChallenge;
        dataKey = this.config.kms!.decrypt(Buffer.from(key.KMSCipherTextKey, 'base64'), context);
        this.pendingCipher = new AgentCipher(dataKey);
      } catch (e) {
        this.fail(`Failed to decrypt the session data key: ${e instanceof Error ? e.message : String(e)}`);
        return 'ok';
      }
      // The challenge: 64 random bytes encrypted with the agent's encryption key (§6.6).
      this.challenge = randomBytes(64);
      this.handshake = 'awaiting-challenge';
      this.sendJson(PayloadType.EncChallengeRequest, {
        Challenge: Buffer.from(this.pendingCipher.encrypt(this.challenge)).toString('base64'),
      });
      this.armHandshakeTimer(CHALLENGE_TIMEOUT_MESSAGE);
      return 'ok';
    }
    this.completeHandshake('');
    return 'ok';
  }

  private handleChallengeResponse(payload: Uint8Array): HandlerResult {
    const cipher = this.pendingCipher;
    const expected = this.challenge;
    if (!cipher || !expected) return 'ok';
    try {
      const body = JSON.parse(Buffer.from(payload).toString('utf8')) as { Challenge?: unknown };
      if (typeof body.Challenge !== 'string') throw new Error('no Challenge');
      const answer = cipher.decrypt(Buffer.from(body.Challenge, 'base64'));
      if (!Buffer.from(answer).equals(Buffer.from(expected))) throw new Error('challenge mismatch');
    } catch (e) {
      this.fail(`Encryption challenge failed: ${e instanceof Error ? e.message : String(e)}`);
      return 'ok';
    }
    this.cipher = cipher;
    this.completeHandshake('This session is encrypted using AWS KMS.');
    return 'ok';
  }

  private completeHandshake(customerMessage: string): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.handshake = 'done';
    this.sendJson(PayloadType.HandshakeComplete, {
      HandshakeTimeToComplete: Math.round((performance.now() - this.handshakeStartedMs) * 1e6),
      CustomerMessage: customerMessage,
    });
    const plugin = this.config.plugin;
    if (!('unsupported' in plugin)) this.startPlugin(plugin);
  }

  // ---- plugin ----

  private startPlugin(plugin: SessionPlugin): void {
    const outputOptions = plugin.outputOptions ?? {};
    this.pump = new OutputPump({
      send: (pt, data) => this.sendOutput(pt, data),
      isActive: () => this.channel.isActive,
      pacing: this.config.pacing,
      startDelayMs: outputOptions.startDelayMs ?? this.config.startDelayMs,
      ...(outputOptions.binary ? { binary: true } : {}),
      ...(this.config.prefixes ? { prefixes: this.config.prefixes } : {}),
      onBackpressure: (paused) => plugin.pauseSource(paused),
    });
    this.pluginStarted = true;
    plugin.start({
      output: (pt, data) => this.pump?.push(pt, data),
      finish: (outcome) => void this.endAfterDrain(outcome),
      sendNow: (pt, data) => {
        if (this.phase === 'running') this.sendOutput(pt, data);
      },
      inputReady: () => {
        if (this.phase === 'running') this.channel.retryPending();
      },
      clientVersion: this.clientVersion,
    });
    // Input that arrived while the plugin did not exist was not acked; buffered input may now be processed.
    this.channel.retryPending();
  }

  private sendOutput(payloadType: number, data: Uint8Array): void {
    const payload = this.cipher && ENCRYPTED_OUTPUT_TYPES.has(payloadType) ? this.cipher.encrypt(data) : data;
    this.channel.sendStream(payloadType, payload);
  }

  private onStreamMessage(message: ClientMessage): HandlerResult {
    if (this.phase === 'ended') return 'not-ready';
    const pt = message.payloadType;
    if (pt === PayloadType.HandshakeResponse) {
      return this.handshake === 'awaiting-response' ? this.handleHandshakeResponse(message.payload) : 'ok';
    }
    if (pt === PayloadType.EncChallengeResponse) {
      return this.handshake === 'awaiting-challenge' ? this.handleChallengeResponse(message.payload) : 'ok';
    }
    // Stream data during a required handshake is acked and discarded (§5.5).
    if (this.handshake === 'awaiting-response' || this.handshake === 'awaiting-challenge') return 'ok';
    const plugin = this.config.plugin;
    if (!this.pluginStarted || 'unsupported' in plugin) return 'not-ready';
    let payload = message.payload;
    if (this.cipher && pt === PayloadType.Output) {
      try {
        payload = this.cipher.decrypt(payload);
      } catch (e) {
        this.log(`cannot decrypt input ${message.sequenceNumber}: ${e instanceof Error ? e.message : String(e)}`);
        return 'error';
      }
    }
    const result = plugin.handleInput(message, payload);
    if (result === 'ok' && pt === PayloadType.Output) this.resetIdleTimer();
    return result;
  }

  private stopPlugin(): void {
    const plugin = this.config.plugin;
    if (!('unsupported' in plugin)) plugin.dispose();
    this.pump?.dispose();
  }

  // ---- ending ----

  /** Plugin finished: send what is queued, wait for acks (2 s), then channel_closed and close (§10.1). */
  private async endAfterDrain(outcome: PluginOutcome): Promise<void> {
    if (this.phase === 'ending' || this.phase === 'ended') return;
    this.phase = 'ending';
    this.clearTimers();
    await this.pump?.end();
    const graceDeadline = performance.now() + (this.config.closeGraceMs ?? 30_000);
    while (!this.ws && performance.now() < graceDeadline && (this.phase as Phase) === 'ending') {
      await this.waitForConnection(graceDeadline - performance.now());
    }
    if ((this.phase as Phase) !== 'ending') return;
    await this.channel.waitForDrain(2000);
    if ((this.phase as Phase) !== 'ending') return;
    const reason = outcome.ok ? '' : outcome.reason;
    this.stopPlugin();
    if (this.ws) this.channel.sendControl(MessageType.ChannelClosed, this.channelClosedPayload(reason));
    this.finalize(outcome.ok ? 'Terminated' : 'Failed', reason);
  }

  private fail(reason: string): void {
    if (this.phase === 'ended') return;
    this.terminate(reason, 'Failed');
  }

  private finalize(status: 'Terminated' | 'Failed', reason: string): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    this.clearTimers();
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
    this.heldInput = undefined;
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    const ws = this.ws;
    this.ws = undefined;
    this.connection?.dispose();
    this.connection = undefined;
    this.channel.dispose();
    this.wakeWaiters();
    if (ws) {
      // Let the channel_closed frame leave before the close frame (ws keeps order).
      ws.close(1000, 'Session ended');
      const kill = setTimeout(() => ws.terminate(), 1000);
      kill.unref?.();
      ws.once('close', () => clearTimeout(kill));
    }
    this.config.hooks.onEnded({ status, reason });
  }

  private channelClosedPayload(output: string): Uint8Array {
    return Buffer.from(
      JSON.stringify({
        MessageId: newMessageId(),
        CreatedDate: new Date().toISOString(),
        DestinationId: this.config.targetId,
        SessionId: this.config.sessionId,
        MessageType: MessageType.ChannelClosed,
        SchemaVersion: 1,
        Output: output,
      }),
      'utf8',
    );
  }

  // ---- connection, timers, faults ----

  private detach(ws: WebSocket, replaced: boolean): void {
    if (this.ws !== ws) return;
    this.ws = undefined;
    const connection = this.connection;
    this.connection = undefined;
    if (connection) {
      this.channel.detach(connection);
      connection.dispose();
    }
    if (replaced) ws.terminate();
    if (this.phase !== 'ended') this.config.hooks.onConnection(false);
  }

  /**
   * MGS pausing the agent's publication (fault injection): the client is told with pause_publication, the agent
   * is paused, and MGS holds the client's frames meanwhile (otherwise the agent would un-pause on the first ack,
   * §5.7). At the end: start_publication, un-pause, deliver the held frames.
   */
  private pausePublication(durationMs: number): void {
    this.channel.sendControl(MessageType.PausePublication, new Uint8Array(0));
    this.channel.setPaused(true);
    this.heldInput ??= [];
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = setTimeout(() => {
      this.pauseTimer = undefined;
      this.channel.sendControl(MessageType.StartPublication, new Uint8Array(0));
      this.channel.setPaused(false);
      const held = this.heldInput ?? [];
      this.heldInput = undefined;
      for (const frame of held) this.channel.receive(frame);
    }, durationMs);
  }

  private resetIdleTimer(): void {
    if (this.config.idleTimeoutMs === undefined || this.phase !== 'running') return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.terminate(IDLE_TIMEOUT_MESSAGE), this.config.idleTimeoutMs);
  }

  /** Session timeouts (not the publication pause, which must still end while output drains). */
  private clearTimers(): void {
    for (const t of [this.idleTimer, this.maxTimer]) if (t) clearTimeout(t);
    this.idleTimer = this.maxTimer = undefined;
  }

  private sendJson(payloadType: number, body: unknown): void {
    this.channel.sendStream(payloadType, Buffer.from(JSON.stringify(body), 'utf8'));
  }

  private waitForConnection(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.waiters.add(done);
    });
  }

  private wakeWaiters(): void {
    for (const w of [...this.waiters]) w();
  }
}

class RawConnection {
  constructor(private readonly rawSend: (frame: Uint8Array) => void) {}
  send(frame: Uint8Array): void {
    this.rawSend(frame);
  }
  dispose(): void {}
}
