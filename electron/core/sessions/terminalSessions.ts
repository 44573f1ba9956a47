/**
 * Terminal sessions for the app (architecture: "Terminal data path"): open shell sessions, batch their output per
 * session (a few ms, at most ~100 K characters per event, UTF-8 decoded on character boundaries), and apply flow
 * control: when the renderer has not acknowledged `highWaterChars` characters, output is paused at the data channel
 * (held, acknowledged, bounded; nothing lost) until it falls below `lowWaterChars`.
 */
import { PortholeError } from '../../../shared/errors';
import { t } from '../../../shared/i18n/catalog';
import { Emitter, type Disposable, type Event } from '../base/lifecycle';
import { silentLogger, type Logger } from '../base/logger';
import type { DataChannelState } from '../ssm/dataChannel';
import type { SessionEnd, ShellSession } from '../ssm/session';
import type { StartShellRequest } from '../ssm/sessionStarter';
import { Utf8StreamDecoder } from '../ssm/utf8';

export interface TerminalSessionsOptions {
  /** Starts a session (SessionStarter.start in production). */
  start(request: StartShellRequest): Promise<ShellSession>;
  logger?: Logger;
  /** Output is gathered this long before an event. Default 4 ms. */
  batchMs?: number;
  /** An event carries at most about this many characters. Default 100 000. */
  maxBatchChars?: number;
  /** Characters handed out (or batched) but not acknowledged, above which output is paused. Default 1 000 000. */
  highWaterChars?: number;
  /** Paused output resumes below this. Default 250 000. */
  lowWaterChars?: number;
}

export interface OpenTerminalRequest extends StartShellRequest {
  cols: number;
  rows: number;
}

export interface TerminalInfo {
  readonly id: string;
  readonly target: string;
  readonly profile: string;
  readonly region: string;
  readonly state: DataChannelState;
  readonly encrypted: boolean;
}

export interface TerminalOutput {
  readonly id: string;
  readonly data: string;
}

export interface TerminalStateChange {
  readonly id: string;
  readonly state: DataChannelState;
  /** Set once the session is over. */
  readonly end?: SessionEnd;
}

interface Terminal {
  readonly id: string;
  readonly request: OpenTerminalRequest;
  readonly session: ShellSession;
  readonly decoder: Utf8StreamDecoder;
  readonly subscriptions: Disposable[];
  pending: string[];
  pendingChars: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  unacked: number;
  ended: boolean;
}

export class TerminalSessions implements Disposable {
  private readonly terminals = new Map<string, Terminal>();
  private readonly log: Logger;
  private readonly batchMs: number;
  private readonly maxBatchChars: number;
  private readonly highWater: number;
  private readonly lowWater: number;
  private disposed = false;

  private readonly _onDidOutput = new Emitter<TerminalOutput>();
  readonly onDidOutput: Event<TerminalOutput> = this._onDidOutput.event;
  private readonly _onDidChangeState = new Emitter<TerminalStateChange>();
  readonly onDidChangeState: Event<TerminalStateChange> = this._onDidChangeState.event;
  private readonly _onDidNotice = new Emitter<{ id: string; message: string }>();
  /** Messages from the agent worth showing (e.g. "This session is encrypted using AWS KMS."). */
  readonly onDidNotice: Event<{ id: string; message: string }> = this._onDidNotice.event;

  constructor(private readonly options: TerminalSessionsOptions) {
    this.log = options.logger ?? silentLogger;
    this.batchMs = options.batchMs ?? 4;
    this.maxBatchChars = options.maxBatchChars ?? 100_000;
    this.highWater = options.highWaterChars ?? 1_000_000;
    this.lowWater = options.lowWaterChars ?? 250_000;
  }

  /** Starts a session; throws PortholeError (TARGET_NOT_CONNECTED, INVALID_DOCUMENT, SESSION_FAILED, AWS_*). */
  async open(request: OpenTerminalRequest): Promise<TerminalInfo> {
    if (this.disposed)
      throw new PortholeError('INTERNAL', t('error.INTERNAL', { detail: 'terminal sessions are shut down' }));
    const session = await this.options.start({ ...request, initialSize: { cols: request.cols, rows: request.rows } });
    if (this.disposed) {
      void session.terminate().finally(() => session.dispose());
      throw new PortholeError('INTERNAL', t('error.INTERNAL', { detail: 'terminal sessions are shut down' }));
    }
    const terminal: Terminal = {
      id: session.sessionId,
      request,
      session,
      decoder: new Utf8StreamDecoder(),
      subscriptions: [],
      pending: [],
      pendingChars: 0,
      timer: undefined,
      unacked: 0,
      ended: false,
    };
    this.terminals.set(terminal.id, terminal);
    terminal.subscriptions.push(
      session.onDidOutput((b) => this.append(terminal, terminal.decoder.write(b))),
      // A terminal shows stderr where it shows stdout.
      session.onDidStdErr((b) => this.append(terminal, terminal.decoder.write(b))),
      session.onDidCustomerMessage((message) => this._onDidNotice.fire({ id: terminal.id, message })),
      session.onDidChangeState((state) => {
        if (!terminal.ended) this._onDidChangeState.fire({ id: terminal.id, state });
      }),
      session.onDidEnd((end) => this.onEnded(terminal, end)),
    );
    this.log.info('terminal opened', { sessionId: terminal.id, target: request.target });
    return this.info(terminal);
  }

  list(): TerminalInfo[] {
    return [...this.terminals.values()].map((x) => this.info(x));
  }

  write(id: string, data: string | Uint8Array): Promise<void> {
    return this.get(id).session.write(data);
  }

  resize(id: string, cols: number, rows: number): Promise<void> {
    return this.get(id).session.resize(cols, rows);
  }

  /** The renderer has written `chars` characters of output; may resume paused output. */
  acknowledge(id: string, chars: number): void {
    const terminal = this.terminals.get(id);
    if (!terminal || !Number.isFinite(chars) || chars <= 0) return;
    terminal.unacked = Math.max(0, terminal.unacked - chars);
    if (terminal.session.isOutputPaused && terminal.unacked <= this.lowWater) terminal.session.resumeOutput();
  }

  /** Ends a session (TerminateSession) and resolves with how it ended. */
  async close(id: string): Promise<SessionEnd> {
    const terminal = this.get(id);
    const end = await terminal.session.terminate();
    this.onEnded(terminal, end);
    return end;
  }

  /** Terminates every session (app quit). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.terminals.keys()].map((id) => this.close(id).catch(() => undefined)));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const terminal of [...this.terminals.values()]) {
      this.release(terminal);
      terminal.session.dispose();
    }
    this.terminals.clear();
    this._onDidOutput.dispose();
    this._onDidChangeState.dispose();
    this._onDidNotice.dispose();
  }

  private get(id: string): Terminal {
    const terminal = this.terminals.get(id);
    if (!terminal) {
      const detail = `no open terminal session ${id}`;
      throw new PortholeError('SESSION_FAILED', t('error.SESSION_FAILED', { detail }), { detail });
    }
    return terminal;
  }

  private info(x: Terminal): TerminalInfo {
    return {
      id: x.id,
      target: x.request.target,
      profile: x.request.profile,
      region: x.request.region,
      state: x.session.state,
      encrypted: x.session.isEncrypted,
    };
  }

  private append(terminal: Terminal, text: string): void {
    if (text.length === 0) return;
    terminal.pending.push(text);
    terminal.pendingChars += text.length;
    terminal.unacked += text.length;
    if (terminal.unacked > this.highWater && !terminal.session.isOutputPaused) terminal.session.pauseOutput();
    if (terminal.pendingChars >= this.maxBatchChars) this.flush(terminal);
    else terminal.timer ??= setTimeout(() => this.flush(terminal), this.batchMs);
  }

  private flush(terminal: Terminal): void {
    if (terminal.timer) clearTimeout(terminal.timer);
    terminal.timer = undefined;
    if (terminal.pendingChars === 0) return;
    const data = terminal.pending.join('');
    terminal.pending = [];
    terminal.pendingChars = 0;
    this._onDidOutput.fire({ id: terminal.id, data });
  }

  private onEnded(terminal: Terminal, end: SessionEnd): void {
    if (terminal.ended) return;
    terminal.ended = true;
    this.append(terminal, terminal.decoder.end());
    this.flush(terminal);
    this._onDidChangeState.fire({ id: terminal.id, state: terminal.session.state, end });
    this.release(terminal);
    this.terminals.delete(terminal.id);
    // Not while the session is still firing its end event.
    queueMicrotask(() => terminal.session.dispose());
  }

  private release(terminal: Terminal): void {
    if (terminal.timer) clearTimeout(terminal.timer);
    terminal.timer = undefined;
    for (const s of terminal.subscriptions.splice(0)) s.dispose();
  }
}
