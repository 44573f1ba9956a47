/**
 * Standard_Stream and InteractiveCommands on the agent (fact sheet §10.2): a real PTY (node-pty) with
 * TERM=xterm-256color. Standard_Stream starts the shell and types the shell profile first; InteractiveCommands
 * runs the command under the PTY. Output (1) input is written to the PTY, Size (3) resizes it, anything else is
 * acked and ignored; before the PTY exists the handler answers "not ready" so the client resends.
 */
import * as pty from 'node-pty';
import { PayloadType, type ClientMessage } from '../../electron/core/ssm/message';
import type { HandlerResult } from './channel';
import type { PluginContext, SessionPlugin } from './plugin';

export interface ShellPluginOptions {
  /** `shell`: an interactive shell; `command`: one command under the PTY (InteractiveCommands). */
  mode: 'shell' | 'command';
  /** The shell binary (default `sh`, as the Linux agent). */
  shell: string;
  /** InteractiveCommands: the command line. */
  command?: string;
  /** Standard_Stream: commands typed into the shell first (the session preferences' shell profile). */
  shellProfile?: string;
  cwd: string;
  env: Record<string, string>;
  log?: (line: string) => void;
}

export class ShellPlugin implements SessionPlugin {
  readonly requiresHandshake = false;
  readonly handshakeProperties = null;
  private term: pty.IPty | undefined;
  private disposed = false;
  private paused = false;

  constructor(private readonly options: ShellPluginOptions) {}

  start(context: PluginContext): void {
    const o = this.options;
    const env = { ...o.env, TERM: 'xterm-256color' };
    const [file, args] = o.mode === 'command' ? [o.shell, ['-c', o.command ?? '']] : [o.shell, []];
    let term: pty.IPty;
    try {
      term = pty.spawn(file, args, { name: 'xterm-256color', cols: 80, rows: 24, cwd: o.cwd, env, encoding: null });
    } catch (e) {
      context.finish({ ok: false, reason: `Failed to start the shell: ${e instanceof Error ? e.message : String(e)}` });
      return;
    }
    this.term = term;
    term.onData((data: string | Buffer) => {
      context.output(PayloadType.Output, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    });
    term.onExit(() => {
      this.term = undefined;
      if (!this.disposed) context.finish({ ok: true });
    });
    if (o.mode === 'shell' && o.shellProfile && o.shellProfile.trim() !== '') {
      term.write(o.shellProfile.replace(/\r?\n/g, '\n') + '\n');
    }
  }

  handleInput(message: ClientMessage, payload: Uint8Array): HandlerResult {
    const term = this.term;
    if (!term) return 'not-ready';
    switch (message.payloadType) {
      case PayloadType.Output:
        term.write(Buffer.from(payload));
        return 'ok';
      case PayloadType.Size: {
        let size: { cols?: unknown; rows?: unknown };
        try {
          size = JSON.parse(Buffer.from(payload).toString('utf8')) as typeof size;
        } catch {
          return 'error';
        }
        const cols = Number(size.cols);
        const rows = Number(size.rows);
        // The agent converts to uint16; a zero size would be refused by the kernel, so keep the old one.
        if (Number.isInteger(cols) && Number.isInteger(rows) && cols > 0 && rows > 0) {
          term.resize(Math.min(cols, 0xffff), Math.min(rows, 0xffff));
        }
        return 'ok';
      }
      default:
        return 'ok';
    }
  }

  pauseSource(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    if (paused) this.term?.pause();
    else this.term?.resume();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const term = this.term;
    this.term = undefined;
    if (term) {
      try {
        term.kill('SIGHUP');
      } catch {
        // already gone
      }
    }
  }
}
