/**
 * The app's terminal sessions as the renderer sees them (architecture: "Terminal data path"): our own ids, output
 * routed to the renderer that attached (batched and flow-controlled by {@link TerminalSessions}), the recent output
 * kept for a renderer that re-attaches after a reload, state events, and the session history (ours plus
 * DescribeSessions). Tokens and credentials stay here: what leaves is names, ids and states.
 */
import { randomBytes } from 'node:crypto';
import {
  DescribeSessionsCommand,
  ListDocumentsCommand,
  type DescribeSessionsCommandOutput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { PortholeError } from '../../../shared/errors';
import { t } from '../../../shared/i18n/catalog';
import type { EventHub } from '../../../shared/ipc/events';
import type { Contract } from '../../../shared/ipc/contract';
import {
  BUILTIN_SHELL_DOCUMENTS,
  TERMINAL_LIMITS,
  type RemoteSession,
  type SessionDocument,
  type SessionInfo,
  type SessionState,
} from '../../../shared/model/session';
import { toPortholeError } from '../aws/errors';
import type { Disposable } from '../base/lifecycle';
import { silentLogger, type Logger } from '../base/logger';
import type { SessionEnd } from '../ssm/session';
import type { TerminalSessions, TerminalStateChange } from './terminalSessions';

export interface SessionStartInput {
  profile: string;
  region: string;
  target: string;
  document?: string;
  parameters?: Record<string, string[]>;
  title?: string;
  cols: number;
  rows: number;
}

export interface SessionManagerDeps {
  readonly terminals: TerminalSessions;
  /** Where `terminal.output` and `session.state` go. */
  readonly events: Pick<EventHub<Contract>, 'emit'>;
  /** For DescribeSessions and ListDocuments. */
  readonly ssm: (q: { profile: string; region: string }) => Pick<SSMClient, 'send'>;
  readonly logger?: Logger;
  readonly now?: () => Date;
  /** Ended sessions kept for the history panel. Default 200. */
  readonly historyLimit?: number;
  /** Output characters kept per session for re-attach. Default TERMINAL_LIMITS.replayChars. */
  readonly replayChars?: number;
  /** Sees every session's start, output, resize and end (local recording); optional. */
  readonly tap?: SessionTap;
}

/** A listener on the terminal data path (the session audit records output through it). */
export interface SessionTap {
  started(session: SessionInfo, size: { cols: number; rows: number }): void;
  output(id: string, data: string): void;
  resized(id: string, cols: number, rows: number): void;
  ended(id: string): void;
}

interface Entry {
  readonly id: string;
  readonly awsSessionId: string;
  readonly input: SessionStartInput;
  readonly document: string;
  readonly startedAt: string;
  readonly encrypted: boolean;
  state: SessionState;
  reason?: string;
  exitCode?: number;
  endedAt?: string;
  /** The renderer (client id) that receives this session's output; undefined until one attaches. */
  client?: string;
  attached: boolean;
  replay: string[];
  replayChars: number;
  /** Characters of output so far; the replay holds the last `replayChars` of them. */
  emitted: number;
}

function newId(): string {
  return `t${randomBytes(9).toString('base64url')}`;
}

function noSession(id: string): PortholeError {
  const detail = `there is no open terminal session "${id}"; it may have ended`;
  return new PortholeError('SESSION_FAILED', t('error.SESSION_FAILED', { detail }), { detail });
}

/** How an end reads in a state event: `closed` (with its message or exit code) or `failed` (with the reason). */
export function stateOfEnd(end: SessionEnd): { state: SessionState; reason?: string; exitCode?: number } {
  const code = end.exitCode === undefined ? {} : { exitCode: end.exitCode };
  switch (end.kind) {
    case 'failed':
      return { state: 'failed', reason: end.message, ...code };
    case 'ended':
      return { state: 'closed', ...(end.message ? { reason: end.message } : {}), ...code };
    default:
      return { state: 'closed', ...code };
  }
}

export class SessionManager implements Disposable {
  private readonly live = new Map<string, Entry>();
  private readonly byAwsId = new Map<string, Entry>();
  private readonly ended: Entry[] = [];
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly replayLimit: number;
  private readonly subscriptions: Disposable[];
  private disposed = false;

  constructor(private readonly deps: SessionManagerDeps) {
    this.log = deps.logger ?? silentLogger;
    this.now = deps.now ?? (() => new Date());
    this.replayLimit = deps.replayChars ?? TERMINAL_LIMITS.replayChars;
    this.subscriptions = [
      deps.terminals.onDidOutput(({ id, data }) => this.onOutput(id, data)),
      deps.terminals.onDidChangeState((change) => this.onState(change)),
      deps.terminals.onDidNotice(({ id, message }) => this.onOutput(id, `\r\n\x1b[2m${message}\x1b[0m\r\n`)),
    ];
  }

  /** StartSession and the data channel; throws PortholeError (TARGET_NOT_CONNECTED, INVALID_DOCUMENT, ...). */
  async start(input: SessionStartInput): Promise<SessionInfo> {
    const document = input.document ?? BUILTIN_SHELL_DOCUMENTS.shell;
    const info = await this.deps.terminals.open({
      profile: input.profile,
      region: input.region,
      target: input.target,
      // The default document is left to the service (StartSession without DocumentName).
      ...(input.document && input.document !== BUILTIN_SHELL_DOCUMENTS.shell ? { documentName: input.document } : {}),
      ...(input.parameters ? { parameters: input.parameters } : {}),
      cols: input.cols,
      rows: input.rows,
    });
    const entry: Entry = {
      id: newId(),
      awsSessionId: info.id,
      input,
      document,
      startedAt: this.now().toISOString(),
      encrypted: info.encrypted,
      state: info.state,
      attached: false,
      replay: [],
      replayChars: 0,
      emitted: 0,
    };
    this.live.set(entry.id, entry);
    this.byAwsId.set(entry.awsSessionId, entry);
    this.log.info('terminal session started', { id: entry.id, sessionId: entry.awsSessionId, target: input.target });
    this.deps.tap?.started(this.info(entry), { cols: input.cols, rows: input.rows });
    return this.info(entry);
  }

  /**
   * Makes `client` the receiver of the session's output from now on and returns the output kept so far (from
   * `since` when that is still kept: a renderer whose connection dropped gets exactly what it missed). Flow control
   * starts afresh: output that was waiting for a renderer (before attach, or for one that went away) flows again.
   */
  attach(
    id: string,
    client: string | undefined,
    since?: number,
  ): { session: SessionInfo; replay: string; offset: number } {
    const entry = this.live.get(id) ?? this.ended.find((e) => e.id === id);
    if (!entry) throw noSession(id);
    entry.client = client;
    entry.attached = true;
    if (this.live.has(id)) this.deps.terminals.acknowledge(entry.awsSessionId, Number.MAX_SAFE_INTEGER);
    const all = entry.replay.join('');
    const start = entry.emitted - all.length;
    if (since !== undefined && since >= start && since <= entry.emitted) {
      return { session: this.info(entry), replay: all.slice(since - start), offset: since };
    }
    return { session: this.info(entry), replay: all, offset: start };
  }

  input(id: string, data: string): Promise<void> {
    return this.deps.terminals.write(this.liveEntry(id).awsSessionId, data);
  }

  resize(id: string, cols: number, rows: number): Promise<void> {
    const entry = this.liveEntry(id);
    this.deps.tap?.resized(id, cols, rows);
    return this.deps.terminals.resize(entry.awsSessionId, cols, rows);
  }

  acknowledge(id: string, chars: number): void {
    const entry = this.live.get(id);
    if (entry) this.deps.terminals.acknowledge(entry.awsSessionId, chars);
  }

  /** TerminateSession; resolves with the ended session. Closing an ended session just returns it. */
  async close(id: string): Promise<SessionInfo> {
    const entry = this.live.get(id);
    if (!entry) {
      const done = this.ended.find((e) => e.id === id);
      if (done) return this.info(done);
      throw noSession(id);
    }
    const end = await this.deps.terminals.close(entry.awsSessionId);
    this.finish(entry, stateOfEnd(end));
    return this.info(entry);
  }

  /** Live sessions (for re-attach after a reload). */
  list(): SessionInfo[] {
    return [...this.live.values()].map((e) => this.info(e));
  }

  /** This app's sessions for a profile and region (newest first) and the service's Active and History lists. */
  async history(
    profile: string,
    region: string,
  ): Promise<{
    local: SessionInfo[];
    active: RemoteSession[];
    history: RemoteSession[];
    remoteError?: string;
  }> {
    const local = [...this.live.values(), ...this.ended]
      .filter((e) => e.input.profile === profile && e.input.region === region)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
      .map((e) => this.info(e));
    const ssm = this.deps.ssm({ profile, region });
    try {
      const [active, history] = await Promise.all(
        (['Active', 'History'] as const).map((State) =>
          ssm.send(new DescribeSessionsCommand({ State, MaxResults: 50 })),
        ),
      );
      return { local, active: remoteSessions(active), history: remoteSessions(history) };
    } catch (e) {
      const error = toPortholeError(e, { profile, region, operation: 'DescribeSessions' });
      this.log.warn('DescribeSessions failed', { code: error.code });
      return { local, active: [], history: [], remoteError: error.message };
    }
  }

  /** Session documents: the built-in shell ones first, then what ListDocuments (type Session) finds. */
  async documents(profile: string, region: string): Promise<SessionDocument[]> {
    const found = new Map<string, SessionDocument>(
      Object.values(BUILTIN_SHELL_DOCUMENTS).map((name) => [name, { name, owner: 'Amazon' }]),
    );
    const ssm = this.deps.ssm({ profile, region });
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const out = await ssm
        .send(
          new ListDocumentsCommand({
            Filters: [{ Key: 'DocumentType', Values: ['Session'] }],
            MaxResults: 50,
            ...(token ? { NextToken: token } : {}),
          }),
        )
        .catch((e: unknown) => {
          throw toPortholeError(e, { profile, region, operation: 'ListDocuments' });
        });
      for (const d of out.DocumentIdentifiers ?? []) {
        // Port documents open tunnels, not terminals.
        if (!d.Name || /PortForwarding|SSHSession/.test(d.Name)) continue;
        if (!found.has(d.Name)) found.set(d.Name, { name: d.Name, ...(d.Owner ? { owner: d.Owner } : {}) });
      }
      token = out.NextToken;
      if (!token) break;
    }
    return [...found.values()];
  }

  /** Terminates every live session (app quit). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.live.keys()].map((id) => this.close(id).catch(() => undefined)));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.live.clear();
    this.byAwsId.clear();
  }

  private liveEntry(id: string): Entry {
    const entry = this.live.get(id);
    if (!entry) throw noSession(id);
    return entry;
  }

  private onOutput(awsSessionId: string, data: string): void {
    const entry = this.byAwsId.get(awsSessionId);
    if (!entry) return;
    this.keep(entry, data);
    this.deps.tap?.output(entry.id, data);
    if (entry.attached) this.deps.events.emit('terminal.output', { id: entry.id, data }, entry.client);
  }

  private keep(entry: Entry, data: string): void {
    entry.replay.push(data);
    entry.replayChars += data.length;
    entry.emitted += data.length;
    while (entry.replayChars > this.replayLimit && entry.replay.length > 0) {
      const first = entry.replay[0]!;
      const excess = entry.replayChars - this.replayLimit;
      if (first.length <= excess) {
        entry.replay.shift();
        entry.replayChars -= first.length;
      } else {
        // Cut on a line start when one is near, so the replay does not begin mid-escape-sequence.
        let cut = excess;
        const nl = first.indexOf('\n', excess);
        if (nl >= 0 && nl - excess < 4096) cut = nl + 1;
        else if (/[\uDC00-\uDFFF]/.test(first[cut] ?? '')) cut += 1;
        entry.replay[0] = first.slice(cut);
        entry.replayChars -= cut;
      }
    }
  }

  private onState(change: TerminalStateChange): void {
    const entry = this.byAwsId.get(change.id);
    if (!entry) return;
    if (change.end) {
      this.finish(entry, stateOfEnd(change.end));
      return;
    }
    if (entry.state === change.state) return;
    entry.state = change.state;
    this.emitState(entry);
  }

  private finish(entry: Entry, end: { state: SessionState; reason?: string; exitCode?: number }): void {
    if (!this.live.has(entry.id)) return;
    entry.state = end.state;
    if (end.reason !== undefined) entry.reason = end.reason;
    if (end.exitCode !== undefined) entry.exitCode = end.exitCode;
    entry.endedAt = this.now().toISOString();
    this.live.delete(entry.id);
    this.byAwsId.delete(entry.awsSessionId);
    this.ended.unshift(entry);
    this.deps.tap?.ended(entry.id);
    const limit = this.deps.historyLimit ?? 200;
    // Ended sessions keep no replay beyond a short tail: the renderer already has it.
    while (this.ended.length > limit) this.ended.pop();
    for (const old of this.ended.slice(20)) {
      old.replay = [];
      old.replayChars = 0;
    }
    this.emitState(entry);
    this.log.info('terminal session ended', { id: entry.id, state: entry.state });
  }

  private emitState(entry: Entry): void {
    this.deps.events.emit(
      'session.state',
      {
        id: entry.id,
        state: entry.state,
        ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
        ...(entry.exitCode !== undefined ? { exitCode: entry.exitCode } : {}),
      },
      // Before a renderer attaches, every renderer hears it (they ignore ids they do not show).
      entry.attached ? entry.client : undefined,
    );
  }

  private info(e: Entry): SessionInfo {
    return {
      id: e.id,
      awsSessionId: e.awsSessionId,
      profile: e.input.profile,
      region: e.input.region,
      target: e.input.target,
      ...(e.input.title !== undefined ? { title: e.input.title } : {}),
      document: e.document,
      ...(e.input.parameters ? { parameters: e.input.parameters } : {}),
      state: e.state,
      ...(e.reason !== undefined ? { reason: e.reason } : {}),
      ...(e.exitCode !== undefined ? { exitCode: e.exitCode } : {}),
      encrypted: e.encrypted,
      startedAt: e.startedAt,
      ...(e.endedAt !== undefined ? { endedAt: e.endedAt } : {}),
    };
  }
}

function remoteSessions(out: Pick<DescribeSessionsCommandOutput, 'Sessions'> | undefined): RemoteSession[] {
  return (out?.Sessions ?? []).map((s) => ({
    sessionId: s.SessionId ?? '',
    target: s.Target ?? '',
    status: s.Status ?? 'Unknown',
    ...(s.Owner ? { owner: s.Owner } : {}),
    ...(s.DocumentName ? { document: s.DocumentName } : {}),
    ...(s.StartDate ? { startedAt: new Date(s.StartDate).toISOString() } : {}),
    ...(s.EndDate ? { endedAt: new Date(s.EndDate).toISOString() } : {}),
    ...(s.Reason ? { reason: s.Reason } : {}),
  }));
}
