/**
 * Standard_Stream and InteractiveCommands on the agent (fact sheet §10.2): a real PTY (node-pty) with
 * TERM=xterm-256color. Standard_Stream starts the shell and types the shell profile first; InteractiveCommands
 * runs the command under the PTY. Output (1) input is written to the PTY, Size (3) resizes it, anything else is
 * acked and ignored; before the PTY exists the handler answers "not ready" so the client resends.
 *
 * Output at exit: when the last slave descriptor closes, Linux discards what the master has not read yet, so a
 * command that prints a lot and exits (`seq 1 200000`) would lose its last kilobytes. We hold a slave descriptor
 * open ourselves; node-pty then reports the exit 200 ms after the child is gone (its socket timeout), and by
 * then everything has been read, because the source is never left paused once the child has exited.
 *
 * Windows instances (`platform: 'windows'`): the real agent runs PowerShell under ConPTY, so a client sees the
 * `PS C:\Windows\system32> ` prompt (the agent runs as SYSTEM, whose working folder is system32), every line ending in
 * CRLF, and the Windows shell profile typed first, each line ended with CR as a Windows console's Enter key.
 * This emulator has no PowerShell: it is this machine's POSIX shell behind a PowerShell-like prompt (PS1/PS2), so
 * the prompt and line endings match but the commands are sh commands (`$env:COMPUTERNAME`, cmdlets... do not
 * work). The PTY's output processing (onlcr) turns every LF into CRLF, as ConPTY's output has.
 */
import { closeSync, constants as fsConstants, openSync } from 'node:fs';
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
  /** The instance's platform: `windows` gives the PowerShell-like prompt and CR line ends (see the file comment). */
  platform?: 'linux' | 'windows';
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
  private slaveFd: number | undefined;
  private exitPoll: ReturnType<typeof setInterval> | undefined;
  private childGone = false;
  private profileTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: ShellPluginOptions) {}

  start(context: PluginContext): void {
    const o = this.options;
    const windows = o.platform === 'windows';
    const env = { ...o.env, TERM: 'xterm-256color', ...(windows ? windowsPrompt(o.shell) : {}) };
    const [file, args] = o.mode === 'command' ? [o.shell, ['-c', o.command ?? '']] : [o.shell, []];
    let term: pty.IPty;
    try {
      term = pty.spawn(file, args, { name: 'xterm-256color', cols: 80, rows: 24, cwd: o.cwd, env, encoding: null });
    } catch (e) {
      context.finish({ ok: false, reason: `Failed to start the shell: ${e instanceof Error ? e.message : String(e)}` });
      return;
    }
    this.term = term;
    try {
      // `ptsName` (the slave's path) exists on node-pty's Unix terminal but is not in its typings.
      const ptsName = (term as unknown as { ptsName?: string }).ptsName;
      if (ptsName) this.slaveFd = openSync(ptsName, fsConstants.O_RDWR | fsConstants.O_NOCTTY);
    } catch (e) {
      o.log?.(
        `cannot hold the pty slave open (output at exit may be cut): ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    let typeProfile: (() => void) | undefined;
    term.onData((data: string | Buffer) => {
      context.output(PayloadType.Output, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      typeProfile?.();
    });
    term.onExit(() => {
      this.term = undefined;
      this.releaseSlave();
      if (!this.disposed) context.finish({ ok: true });
    });
    if (o.mode === 'shell' && o.shellProfile && o.shellProfile.trim() !== '') {
      // Typed as keys: Enter is LF for the Linux agent, CR on a Windows console (the PTY's icrnl maps it for sh).
      const enter = windows ? '\r' : '\n';
      const keys = o.shellProfile.replace(/\r?\n/g, enter) + enter;
      if (!windows) {
        term.write(keys);
      } else {
        // Into the console once the shell shows its first prompt, so the profile reads as commands typed at it
        // (`PS C:\Windows\system32> <command>`, then its output); a shell that prints nothing gets it after 1 s.
        typeProfile = () => {
          typeProfile = undefined;
          if (this.profileTimer) clearTimeout(this.profileTimer);
          this.profileTimer = undefined;
          this.term?.write(keys);
        };
        this.profileTimer = setTimeout(() => typeProfile?.(), 1_000);
      }
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
    if (paused === this.paused || this.childGone) return;
    this.paused = paused;
    if (paused) {
      this.term?.pause();
      // While paused, watch for the child's exit: then read on regardless (see the file comment).
      this.exitPoll ??= setInterval(() => this.checkChild(), 20);
    } else {
      this.term?.resume();
      this.stopExitPoll();
    }
  }

  private checkChild(): void {
    const term = this.term;
    if (!term) return this.stopExitPoll();
    try {
      process.kill(term.pid, 0);
    } catch {
      this.childGone = true;
      this.paused = false;
      this.stopExitPoll();
      term.resume();
    }
  }

  private stopExitPoll(): void {
    if (this.exitPoll) clearInterval(this.exitPoll);
    this.exitPoll = undefined;
  }

  private releaseSlave(): void {
    const fd = this.slaveFd;
    this.slaveFd = undefined;
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopExitPoll();
    if (this.profileTimer) clearTimeout(this.profileTimer);
    this.profileTimer = undefined;
    const term = this.term;
    this.term = undefined;
    if (term) {
      try {
        term.kill('SIGHUP');
      } catch {
        // already gone
      }
    }
    this.releaseSlave();
  }
}

/** What a Windows agent's PowerShell session shows as its prompt. */
export const WINDOWS_PROMPT = 'PS C:\\Windows\\system32> ';

/**
 * PS1/PS2 for a PowerShell-like prompt. sh (dash) prints PS1 as it is; bash reads backslash escapes in it (`\W` is
 * the folder), so the backslashes are doubled there. An interactive sh also sources $ENV, which could set its own
 * prompt: it is cleared.
 */
export function windowsPrompt(shell: string): Record<string, string> {
  const bash = /(^|\/)bash$/.test(shell);
  return { PS1: bash ? WINDOWS_PROMPT.replace(/\\/g, '\\\\') : WINDOWS_PROMPT, PS2: '>> ', ENV: '' };
}
