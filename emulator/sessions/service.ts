/**
 * Session Manager's control plane in the emulator: StartSession, ResumeSession, TerminateSession,
 * DescribeSessions (AWS JSON 1.1 on the `ssm` scope), KMS GenerateDataKey, and the data-channel websocket
 * endpoint (`/v1/data-channel/<sessionId>`) that hands each authenticated client to its AgentSession.
 *
 * Token check on the data channel: the first frame must be the OpenDataChannelInput text JSON carrying a
 * token issued for this session (StartSession or ResumeSession) that has not expired. Anything else (binary
 * first frame, bad JSON, wrong/unknown/expired token, ended session, no first frame within 10 s) closes the
 * websocket with code 1008 (policy violation) and no data. What real MGS does is unverified (fact sheet §2.2);
 * the client sees a closed socket either way.
 */
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { PayloadType } from '../../electron/core/ssm/message';
import { CommandPlugin } from '../agent/command';
import { FaultInjector, type FaultPlan } from '../agent/faults';
import type { SmuxKeepAlive } from '../../electron/core/ssm/smux';
import { DestinationResolver, type Lookup } from '../agent/destination';
import type { SessionPlugin } from '../agent/plugin';
import { PortPlugin, type PortVariantChoice } from '../agent/port';
import { AgentSession, type SessionType } from '../agent/session';
import { ShellPlugin } from '../agent/shell';
import { AwsError } from '../aws/errors';
import { Violations, asObject, optionalArray, optionalString, type OperationContext } from '../aws/operation';
import { PageTokens, fingerprint } from '../aws/pagination';
import type { Fleet, FleetInstance } from '../fleet/fleet';
import {
  DEFAULT_SESSION_DOCUMENT,
  findSessionDocument,
  portProperties,
  resolveParameters,
  type SessionDocument,
} from './documents';
import { EmulatedKms } from './kms';
import { instanceSessionSettings } from './preferences';

export type SessionStatus = 'Connected' | 'Connecting' | 'Disconnected' | 'Terminated' | 'Terminating' | 'Failed';
const ACTIVE_STATUSES: ReadonlySet<SessionStatus> = new Set(['Connected', 'Connecting', 'Disconnected', 'Terminating']);
const SESSION_FILTER_KEYS = ['InvokedAfter', 'InvokedBefore', 'Target', 'Owner', 'Status', 'SessionId'] as const;
const DOCUMENT_NAME = /^[a-zA-Z0-9_\-.:/]{3,128}$/;
const DATA_CHANNEL_PREFIX = '/v1/data-channel/';

export interface SessionServiceOptions {
  fleet: Fleet;
  /** `http://127.0.0.1:<port>` of the emulator (StreamUrl is built from it). */
  baseUrl: string;
  kms?: EmulatedKms;
  /** Agent output pacing (default true); a session preference `pacing` overrides it per instance. */
  pacing?: boolean;
  /** Wait before the first output read; default 1000 ms with pacing, 0 without. */
  startDelayMs?: number;
  /** Shell for Standard_Stream sessions (default `sh`); a session preference `shell` overrides it. */
  shell?: string;
  /** Working directory of shells and commands (default: the user's home). */
  cwd?: string;
  /** Tokens stop being accepted this long after they were issued (default: valid while the session lives). */
  tokenTtlMs?: number;
  handshakeTimeoutMs?: number;
  closeGraceMs?: number;
  /** Ended sessions kept for DescribeSessions History (oldest dropped first). */
  historyLimit?: number;
  /** Overrides the plugin of a session (return undefined for the built-in one: shells, commands, ports). */
  pluginFactory?: (request: PluginRequest) => SessionPlugin | undefined;
  /** Port sessions: smux keepalive timing when it is on (default 10 s NOP / 30 s timeout); tests shorten it. */
  portKeepAlive?: Partial<SmuxKeepAlive>;
  /** Port sessions: DNS lookup for remote hosts not in the fleet's host map (default: the system resolver). */
  lookup?: Lookup;
  log?: (line: string) => void;
}

export interface PluginRequest {
  sessionId: string;
  sessionType: SessionType;
  document: SessionDocument;
  parameters: Record<string, string>;
  /** Document properties for Port sessions (§1.2). */
  properties: Record<string, string> | null;
  instance: FleetInstance;
}

interface SessionRecord {
  sessionId: string;
  target: string;
  region: string;
  accountId: string;
  documentName: string;
  owner: string;
  reason?: string;
  status: SessionStatus;
  startDate: Date;
  endDate?: Date;
  details?: string;
  maxSessionDuration?: string;
  agent: AgentSession;
  /** Port sessions: the plugin, to report the variant the agent chose. */
  port?: PortPlugin;
  /** token -> issue time (ms epoch) */
  tokens: Map<string, number>;
  resumePolicy: 'succeed' | 'no-token' | 'error';
  faults?: FaultInjector;
  terminateRequested: boolean;
}

/** A session as the admin endpoint shows it (no tokens). */
export interface SessionSnapshot {
  sessionId: string;
  target: string;
  status: SessionStatus;
  documentName: string;
  owner: string;
  connected: boolean;
  encrypted: boolean;
  terminateRequested: boolean;
  reason?: string;
  details?: string;
  channel: ReturnType<AgentSession['channel']['stats']>;
  faults?: FaultInjector['counters'];
  /** Port sessions, once started: mux or basic, smux keepalive, LocalPortForwarding. */
  port?: PortVariantChoice;
}

export class SessionService {
  readonly kms: EmulatedKms;
  private readonly options: SessionServiceOptions;
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly instanceFaults = new Map<string, FaultPlan>();
  private readonly pageTokens = new PageTokens();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  private readonly pending = new Set<WebSocket>();
  private readonly log: (line: string) => void;
  private disposed = false;

  constructor(options: SessionServiceOptions) {
    this.options = options;
    this.kms = options.kms ?? new EmulatedKms();
    this.log = options.log ?? (() => undefined);
    // Validate the sessions-side fleet fields up front, so a bad fleet file fails at start with a clear path.
    for (const instance of options.fleet.instances) {
      const settings = instanceSessionSettings(instance);
      if (settings.kmsKeyId) this.kms.ensureKey(settings.kmsKeyId, instance);
    }
  }

  // ---------------------------------------------------------------- SSM APIs

  startSession(input: Record<string, unknown>, ctx: OperationContext): Record<string, unknown> {
    const v = new Violations();
    const target = optionalString(input.Target);
    if (v.required(target, 'target') && target !== undefined) v.length(target, target, 'target', 1, 400);
    const documentName = optionalString(input.DocumentName);
    if (documentName !== undefined && !DOCUMENT_NAME.test(documentName)) {
      v.add(
        `Value '${documentName}' at 'documentName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\\-.:/]{3,128}$`,
      );
    }
    const reason = optionalString(input.Reason);
    if (reason !== undefined && !/^.{1,256}$/.test(reason)) {
      v.add(
        `Value '${reason}' at 'reason' failed to satisfy constraint: Member must satisfy regular expression pattern: ^.{1,256}$`,
      );
    }
    if (input.Parameters !== undefined && input.Parameters !== null) asObject(input.Parameters);
    v.throwIfAny();

    const instance = this.options.fleet.get(target!);
    if (
      !instance ||
      !instance.managed ||
      instance.pingStatus !== 'Online' ||
      instance.accountId !== ctx.caller.accountId ||
      instance.region !== ctx.region
    ) {
      throw new AwsError('TargetNotConnected', `${target} is not connected.`);
    }
    const docName = documentName ?? DEFAULT_SESSION_DOCUMENT;
    const document = findSessionDocument(docName);
    if (!document) throw new AwsError('InvalidDocument', `Document ${docName} does not exist in your account.`);
    const params = resolveParameters(document, input.Parameters);
    if (!params.ok) throw new AwsError('InvalidParameters', params.message);

    const sessionId = `${callerName(ctx.caller.arn)}-${randomBytes(9).toString('hex').slice(0, 17)}`;
    const settings = instanceSessionSettings(instance);
    const prefs = settings.preferences;
    const plan = this.instanceFaults.get(instance.id) ?? settings.faults;
    const faults = plan ? new FaultInjector(plan) : undefined;
    const pacing = prefs.pacing ?? this.options.pacing ?? true;
    const properties = document.sessionType === 'Port' ? portProperties(document, params.values) : null;
    const plugin = this.createPlugin(
      { sessionId, sessionType: document.sessionType, document, parameters: params.values, properties, instance },
      prefs.shell ?? this.options.shell ?? 'sh',
      prefs.shellProfile?.[instance.platformType === 'Windows' ? 'windows' : 'linux'],
    );
    const kmsKeyId = settings.kmsKeyId;
    const keyArn = kmsKeyId ? this.kms.ensureKey(kmsKeyId, instance) : undefined;
    const prefixes = new Map<number, Uint8Array>();
    if (document.sessionType === 'NonInteractiveCommands') {
      if (params.values.stdoutSeparatorPrefix)
        prefixes.set(PayloadType.Output, Buffer.from(params.values.stdoutSeparatorPrefix));
      if (params.values.stderrSeparatorPrefix)
        prefixes.set(PayloadType.StdErr, Buffer.from(params.values.stderrSeparatorPrefix));
    }

    const record: SessionRecord = {
      sessionId,
      target: instance.id,
      region: ctx.region,
      accountId: ctx.caller.accountId,
      documentName: document.name,
      owner: ctx.caller.arn,
      ...(reason !== undefined ? { reason } : {}),
      status: 'Connecting',
      startDate: ctx.now,
      ...(prefs.maxSessionDuration !== undefined
        ? { maxSessionDuration: String(Math.max(1, Math.round(prefs.maxSessionDuration))) }
        : {}),
      agent: undefined as unknown as AgentSession,
      tokens: new Map(),
      resumePolicy: 'succeed',
      ...(faults ? { faults } : {}),
      ...(plugin instanceof PortPlugin ? { port: plugin } : {}),
      terminateRequested: false,
    };
    record.agent = new AgentSession({
      sessionId,
      targetId: instance.id,
      sessionType: document.sessionType,
      agentVersion: fourPartVersion(instance.agentVersion),
      plugin,
      ...(keyArn
        ? {
            kms: {
              keyArn,
              decrypt: (blob: Uint8Array, context: Record<string, string>) =>
                this.kms.decrypt(blob, context, keyArn).plaintext,
            },
          }
        : {}),
      pacing,
      startDelayMs: this.options.startDelayMs ?? (pacing ? 1000 : 0),
      ...(prefixes.size > 0 ? { prefixes } : {}),
      ...(prefs.idleSessionTimeout !== undefined ? { idleTimeoutMs: prefs.idleSessionTimeout * 60_000 } : {}),
      ...(prefs.maxSessionDuration !== undefined ? { maxDurationMs: prefs.maxSessionDuration * 60_000 } : {}),
      ...(this.options.handshakeTimeoutMs !== undefined ? { handshakeTimeoutMs: this.options.handshakeTimeoutMs } : {}),
      ...(this.options.closeGraceMs !== undefined ? { closeGraceMs: this.options.closeGraceMs } : {}),
      ...(faults ? { faults } : {}),
      hooks: {
        onConnection: (connected) => {
          if (record.status === 'Terminated' || record.status === 'Failed' || record.status === 'Terminating') return;
          record.status = connected ? 'Connected' : 'Disconnected';
        },
        onEnded: ({ status, reason: why }) => {
          record.status = status;
          record.endDate = new Date();
          if (why) record.details = why.slice(0, 1024);
          record.tokens.clear();
          this.trimHistory();
        },
        onExpireToken: (resume) => {
          record.tokens.clear();
          record.resumePolicy = resume;
        },
      },
      log: (line) => this.log(`${sessionId}: ${line}`),
    });
    this.sessions.set(sessionId, record);
    const token = this.issueToken(record);
    return { SessionId: sessionId, TokenValue: token, StreamUrl: this.streamUrl(sessionId) };
  }

  resumeSession(input: Record<string, unknown>, ctx: OperationContext): Record<string, unknown> {
    const sessionId = this.requireSessionId(input);
    const record = this.sessions.get(sessionId);
    if (!record || !this.visible(record, ctx) || record.status === 'Terminated' || record.status === 'Failed') {
      throw new AwsError(
        'DoesNotExistException',
        `Session ${sessionId} does not exist or has already been terminated.`,
      );
    }
    switch (record.resumePolicy) {
      case 'error':
        record.agent.terminate('', 'Terminated');
        throw new AwsError(
          'DoesNotExistException',
          `Session ${sessionId} does not exist or has already been terminated.`,
        );
      case 'no-token':
        // The plugin then prints "Session: <id> timed out." (§8).
        record.agent.terminate('', 'Terminated');
        return { SessionId: sessionId, StreamUrl: this.streamUrl(sessionId) };
      default:
        return { SessionId: sessionId, TokenValue: this.issueToken(record), StreamUrl: this.streamUrl(sessionId) };
    }
  }

  terminateSession(input: Record<string, unknown>, ctx: OperationContext): Record<string, unknown> {
    const sessionId = this.requireSessionId(input);
    const record = this.sessions.get(sessionId);
    // Like the real service, terminating an unknown or finished session is not an error.
    if (record && this.visible(record, ctx) && ACTIVE_STATUSES.has(record.status)) {
      record.terminateRequested = true;
      record.status = 'Terminating';
      record.agent.terminate('', 'Terminated');
    } else if (record && this.visible(record, ctx)) {
      record.terminateRequested = true;
    }
    return { SessionId: sessionId };
  }

  describeSessions(input: Record<string, unknown>, ctx: OperationContext): Record<string, unknown> {
    const v = new Violations();
    const state = optionalString(input.State);
    if (v.required(state, 'state') && state !== undefined) v.enumValue(state, 'state', ['Active', 'History']);
    v.range(input.MaxResults, 'maxResults', 1, 200);
    const rawFilters = optionalArray(input.Filters);
    if (rawFilters !== undefined) {
      if (rawFilters.length < 1)
        v.add(
          `Value '[]' at 'filters' failed to satisfy constraint: Member must have length greater than or equal to 1`,
        );
      if (rawFilters.length > 6)
        v.add(`Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to 6`);
    }
    const filters: { key: string; value: string }[] = [];
    (rawFilters ?? []).forEach((raw, i) => {
      const f = asObject(raw);
      const key = optionalString(f.key);
      const value = optionalString(f.value);
      const path = `filters.${i + 1}.member`;
      if (v.required(key, `${path}.key`) && key !== undefined) v.enumValue(key, `${path}.key`, SESSION_FILTER_KEYS);
      if (v.required(value, `${path}.value`) && value !== undefined) v.length(value, value, `${path}.value`, 1, 400);
      if (key !== undefined && value !== undefined) filters.push({ key, value });
    });
    v.throwIfAny();

    const predicates = filters.map(({ key, value }) => filterPredicate(key, value));
    const maxResults = typeof input.MaxResults === 'number' ? input.MaxResults : 20;
    const fp = fingerprint('ssm:ds', ctx.caller.accountId, ctx.region, state, filters);
    let start = 0;
    const nextToken = optionalString(input.NextToken);
    if (nextToken !== undefined) {
      const position = this.pageTokens.decode(nextToken, fp);
      if (position === undefined) throw new AwsError('InvalidNextToken', 'The specified token is not valid.');
      start = position;
    }
    const wantActive = state === 'Active';
    const matching = [...this.sessions.values()]
      .filter((r) => this.visible(r, ctx) && ACTIVE_STATUSES.has(r.status) === wantActive)
      .filter((r) => predicates.every((p) => p(r)))
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime() || (a.sessionId < b.sessionId ? -1 : 1));
    const page = matching.slice(start, start + maxResults);
    const out: Record<string, unknown> = { Sessions: page.map((r) => toApiSession(r)) };
    if (start + maxResults < matching.length) out.NextToken = this.pageTokens.encode(start + maxResults, fp);
    return out;
  }

  /** `TrentService.GenerateDataKey`. */
  generateDataKey(input: Record<string, unknown>, ctx: OperationContext): Record<string, unknown> {
    return this.kms.generateDataKey(input, { region: ctx.region, accountId: ctx.caller.accountId });
  }

  // ---------------------------------------------------------------- data channel

  /** Handles an HTTP upgrade on `/v1/data-channel/<sessionId>`. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const sessionId = decodeURIComponent(path.slice(DATA_CHANNEL_PREFIX.length));
    if (!path.startsWith(DATA_CHANNEL_PREFIX) || sessionId === '' || sessionId.includes('/') || this.disposed) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.awaitOpen(ws, sessionId));
  }

  private awaitOpen(ws: WebSocket, sessionId: string): void {
    this.pending.add(ws);
    const refuse = (why: string) => {
      this.log(`${sessionId}: data channel refused: ${why}`);
      cleanup();
      ws.close(1008, 'Unauthorized');
      const kill = setTimeout(() => ws.terminate(), 1000);
      kill.unref?.();
      ws.once('close', () => clearTimeout(kill));
    };
    const timer = setTimeout(() => refuse('no OpenDataChannelInput within 10 s'), 10_000);
    const cleanup = () => {
      clearTimeout(timer);
      this.pending.delete(ws);
      ws.off('message', onFirst);
      ws.off('close', cleanup);
    };
    const onFirst = (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      if (isBinary) return refuse('first frame is binary');
      let open: Record<string, unknown>;
      try {
        const text = Array.isArray(data)
          ? Buffer.concat(data).toString('utf8')
          : Buffer.from(data as Buffer).toString('utf8');
        open = asObject(JSON.parse(text));
      } catch {
        return refuse('first frame is not JSON');
      }
      const record = this.sessions.get(sessionId);
      const token = open.TokenValue;
      if (!record || typeof token !== 'string') return refuse('unknown session or no token');
      const issued = record.tokens.get(token);
      if (issued === undefined) return refuse('token not valid for this session');
      if (this.options.tokenTtlMs !== undefined && Date.now() - issued > this.options.tokenTtlMs) {
        return refuse('token expired');
      }
      if (record.agent.isEnded) return refuse('session already ended');
      cleanup();
      record.agent.attach(ws, {
        ...(typeof open.ClientVersion === 'string' ? { ClientVersion: open.ClientVersion } : {}),
      });
    };
    ws.on('message', onFirst);
    ws.on('close', cleanup);
  }

  // ---------------------------------------------------------------- faults and admin

  /**
   * Sets (or clears, with null) the fault plan of one live session, or of an instance (its live sessions and
   * every later one). Returns the session ids it applied to; throws on an unknown id.
   */
  setFaults(target: { sessionId?: string; instanceId?: string }, plan: FaultPlan | null): string[] {
    const applyTo = (record: SessionRecord) => {
      const injector = plan ? new FaultInjector(plan) : undefined;
      if (injector) record.faults = injector;
      else delete record.faults;
      record.agent.setFaults(injector);
      return record.sessionId;
    };
    if (target.sessionId !== undefined) {
      const record = this.sessions.get(target.sessionId);
      if (!record) throw new Error(`unknown session ${target.sessionId}`);
      return [applyTo(record)];
    }
    if (target.instanceId !== undefined) {
      if (!this.options.fleet.get(target.instanceId)) throw new Error(`unknown instance ${target.instanceId}`);
      if (plan) this.instanceFaults.set(target.instanceId, plan);
      else this.instanceFaults.delete(target.instanceId);
      return [...this.sessions.values()]
        .filter((r) => r.target === target.instanceId && !r.agent.isEnded)
        .map((r) => applyTo(r));
    }
    throw new Error('give sessionId or instanceId');
  }

  snapshot(): SessionSnapshot[] {
    return [...this.sessions.values()].map((r) => ({
      sessionId: r.sessionId,
      target: r.target,
      status: r.status,
      documentName: r.documentName,
      owner: r.owner,
      connected: r.agent.isConnected,
      encrypted: r.agent.encrypted,
      terminateRequested: r.terminateRequested,
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
      ...(r.details !== undefined ? { details: r.details } : {}),
      channel: r.agent.channel.stats(),
      ...(r.faults ? { faults: { ...r.faults.counters } } : {}),
      ...(r.port?.variant ? { port: { ...r.port.variant } } : {}),
    }));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const record of this.sessions.values()) record.agent.dispose();
    for (const ws of this.pending) ws.terminate();
    this.pending.clear();
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  // ---------------------------------------------------------------- helpers

  private createPlugin(
    request: PluginRequest,
    shell: string,
    shellProfile: string | undefined,
  ): SessionPlugin | { unsupported: string } {
    const cwd = this.options.cwd ?? homedir();
    const env = shellEnvironment();
    switch (request.sessionType) {
      case 'Standard_Stream':
        return new ShellPlugin({
          mode: 'shell',
          shell,
          ...(shellProfile ? { shellProfile } : {}),
          platform: request.instance.platformType === 'Windows' ? 'windows' : 'linux',
          cwd,
          env,
        });
      case 'InteractiveCommands':
        return new ShellPlugin({ mode: 'command', shell: 'sh', command: request.parameters.command ?? '', cwd, env });
      case 'NonInteractiveCommands':
        return new CommandPlugin({
          command: request.parameters.command ?? '',
          shell: 'sh',
          separateOutputStream: request.parameters.separateOutputStream === 'true',
          cwd,
          env,
        });
      case 'Port': {
        const custom = this.options.pluginFactory?.(request);
        if (custom) return custom;
        const instance = request.instance;
        return new PortPlugin({
          properties: request.properties ?? {},
          agentVersion: fourPartVersion(instance.agentVersion),
          resolver: new DestinationResolver(
            { hosts: this.options.fleet.hosts, ...(instance.spec.ports ? { ports: instance.spec.ports } : {}) },
            this.options.lookup,
          ),
          ...(this.options.portKeepAlive ? { keepAlive: this.options.portKeepAlive } : {}),
          log: (line) => this.log(`${request.sessionId}: ${line}`),
        });
      }
    }
  }

  private issueToken(record: SessionRecord): string {
    // Opaque, 160 characters (StartSession's TokenValue is at most 300).
    const token = randomBytes(120).toString('base64');
    record.tokens.set(token, Date.now());
    return token;
  }

  private streamUrl(sessionId: string): string {
    const ws = this.options.baseUrl.replace(/^http/, 'ws');
    return `${ws}${DATA_CHANNEL_PREFIX}${encodeURIComponent(sessionId)}?role=publish_subscribe`;
  }

  private requireSessionId(input: Record<string, unknown>): string {
    const v = new Violations();
    const sessionId = optionalString(input.SessionId);
    if (v.required(sessionId, 'sessionId') && sessionId !== undefined)
      v.length(sessionId, sessionId, 'sessionId', 1, 96);
    v.throwIfAny();
    return sessionId!;
  }

  private visible(record: SessionRecord, ctx: OperationContext): boolean {
    return record.accountId === ctx.caller.accountId && record.region === ctx.region;
  }

  private trimHistory(): void {
    const limit = this.options.historyLimit ?? 10_000;
    const ended = [...this.sessions.values()].filter((r) => !ACTIVE_STATUSES.has(r.status));
    for (const r of ended.slice(0, Math.max(0, ended.length - limit))) this.sessions.delete(r.sessionId);
  }
}

/** The name part of a caller ARN: user name, or the role session name (as SessionIds begin). */
export function callerName(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  const parts = resource.split('/');
  const name = resource === 'root' ? 'root' : (parts[parts.length - 1] ?? 'session');
  return name.replace(/[^A-Za-z0-9_.@=,+-]/g, '-').slice(0, 64) || 'session';
}

function fourPartVersion(version: string): string {
  const parts = version.split('.');
  while (parts.length < 4) parts.push('0');
  return parts.slice(0, 4).join('.');
}

function toApiSession(r: SessionRecord): Record<string, unknown> {
  return {
    SessionId: r.sessionId,
    Target: r.target,
    Status: r.status,
    StartDate: r.startDate.getTime() / 1000,
    ...(r.endDate ? { EndDate: r.endDate.getTime() / 1000 } : {}),
    DocumentName: r.documentName,
    Owner: r.owner,
    ...(r.reason !== undefined ? { Reason: r.reason } : {}),
    ...(r.details !== undefined ? { Details: r.details } : {}),
    ...(r.maxSessionDuration !== undefined ? { MaxSessionDuration: r.maxSessionDuration } : {}),
  };
}

function filterPredicate(key: string, value: string): (r: SessionRecord) => boolean {
  switch (key) {
    case 'InvokedAfter':
    case 'InvokedBefore': {
      const t = Date.parse(value);
      if (Number.isNaN(t)) {
        throw new AwsError(
          'ValidationException',
          `Filter value '${value}' for ${key} is not a valid date (use 2018-08-29T00:00:00Z).`,
        );
      }
      return key === 'InvokedAfter' ? (r) => r.startDate.getTime() >= t : (r) => r.startDate.getTime() <= t;
    }
    case 'Target':
      return (r) => r.target === value;
    case 'Owner':
      return (r) => r.owner === value;
    case 'Status':
      return (r) => r.status === value;
    case 'SessionId':
      return (r) => r.sessionId === value;
    default:
      return () => false;
  }
}

/** The environment of shells and commands: the emulator's own, minus credentials and tool noise. */
function shellEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^(AWS_|npm_|VITEST|NODE_OPTIONS$|TSX_)/.test(k)) continue;
    env[k] = v;
  }
  env.TERM = 'xterm-256color';
  return env;
}
