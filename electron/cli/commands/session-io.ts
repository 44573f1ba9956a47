/**
 * The local end of `porthole shell` and `porthole exec`: the process's stdin/stdout/stderr and signals behind a
 * small port (TerminalIo), raw terminal mode that is always restored, output written as bytes with
 * back-pressure, and the ssh-style `~.` escape.
 */
import { DisposableStore, toDisposable, type Disposable } from '../../core/base/lifecycle';
import type { ShellSession } from '../../core/ssm/session';

export interface TerminalIo {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  /** Subscribes to a process signal; while subscribed the default action (exit) does not happen. */
  onSignal(signal: NodeJS.Signals, handler: () => void): Disposable;
  /** Runs `handler` when the process exits for any reason (last chance to restore the terminal). */
  onExit(handler: () => void): Disposable;
}

export function processIo(): TerminalIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    onSignal(signal, handler) {
      process.on(signal, handler);
      return toDisposable(() => process.off(signal, handler));
    },
    onExit(handler) {
      process.on('exit', handler);
      return toDisposable(() => process.off('exit', handler));
    },
  };
}

/** The size of the terminal the user sees (stdout, else stderr), when there is one. */
export function terminalSize(io: TerminalIo): { cols: number; rows: number } | undefined {
  const tty = sizeSource(io);
  if (!tty) return undefined;
  const [cols, rows] = tty.getWindowSize();
  return cols > 0 && rows > 0 ? { cols, rows } : undefined;
}

function sizeSource(io: TerminalIo): NodeJS.WriteStream | undefined {
  if (io.stdout.isTTY) return io.stdout;
  if (io.stderr.isTTY) return io.stderr;
  return undefined;
}

/** Calls `handler` with the new size whenever the terminal is resized (SIGWINCH; Node emits 'resize'). */
export function onTerminalResize(io: TerminalIo, handler: (size: { cols: number; rows: number }) => void): Disposable {
  const tty = sizeSource(io);
  if (!tty) return toDisposable(() => undefined);
  const listener = () => {
    const size = terminalSize(io);
    if (size) handler(size);
  };
  tty.on('resize', listener);
  return toDisposable(() => tty.off('resize', listener));
}

/**
 * Puts a TTY stdin into raw mode (no local echo, no line editing, Ctrl-C and Ctrl-Z are plain bytes) and restores it
 * on dispose, or at process exit if dispose never runs (an uncaught error).
 */
export function enterRawMode(io: TerminalIo): Disposable {
  const stdin = io.stdin;
  if (!stdin.isTTY) return toDisposable(() => undefined);
  const wasRaw = stdin.isRaw;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      stdin.setRawMode(wasRaw);
    } catch {
      // The terminal is gone (hang-up): nothing to restore.
    }
  };
  const store = new DisposableStore();
  store.add(io.onExit(restore));
  stdin.setRawMode(true);
  store.add(toDisposable(restore));
  return store;
}

/**
 * Writes session output to a local stream as it comes; when the stream's buffer is full, output is paused at the
 * data channel until it drains (nothing is lost, and memory stays bounded when stdout is slow).
 */
export function pipeOutput(session: ShellSession, io: TerminalIo): Disposable {
  const store = new DisposableStore();
  const write = (stream: NodeJS.WriteStream, bytes: Uint8Array) => {
    if (stream.write(bytes) || session.isOutputPaused) return;
    session.pauseOutput();
    stream.once('drain', () => session.resumeOutput());
  };
  store.add(session.onDidOutput((bytes) => write(io.stdout, bytes)));
  store.add(session.onDidStdErr((bytes) => write(io.stderr, bytes)));
  return store;
}

export type EscapeAction = 'leave' | 'help';

const TILDE = 0x7e;
const DOT = 0x2e;
const QUESTION = 0x3f;
const CR = 0x0d;
const LF = 0x0a;

/**
 * The ssh-style escape on typed input: `~` right after a newline (or at the very start) is held; `~.` leaves the
 * session, `~?` asks for help, `~~` sends one `~`, and `~` followed by anything else sends both bytes.
 */
export class EscapeFilter {
  private atLineStart = true;
  private holdingTilde = false;

  /** Returns the bytes to send and the escape typed, if any (bytes after `~.` are dropped). */
  push(chunk: Uint8Array): { forward: Uint8Array; action?: EscapeAction } {
    const out: number[] = [];
    let action: EscapeAction | undefined;
    for (const byte of chunk) {
      if (this.holdingTilde) {
        this.holdingTilde = false;
        if (byte === DOT) return { forward: Uint8Array.from(out), action: 'leave' };
        if (byte === QUESTION) {
          action = 'help';
          continue;
        }
        out.push(TILDE);
        if (byte === TILDE) {
          this.atLineStart = false;
          continue;
        }
      } else if (this.atLineStart && byte === TILDE) {
        this.holdingTilde = true;
        continue;
      }
      out.push(byte);
      this.atLineStart = byte === CR || byte === LF;
    }
    return action ? { forward: Uint8Array.from(out), action } : { forward: Uint8Array.from(out) };
  }
}

/**
 * POSIX shell quoting of one word: left bare when it holds only characters no shell treats specially, otherwise
 * wrapped in single quotes, with each `'` written as `'\''` (close, escaped quote, reopen). Everything else,
 * newlines and non-ASCII text included, is literal inside single quotes.
 */
export function quotePosixWord(word: string): string {
  if (/^[A-Za-z0-9_./:@%+,-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** An argv as one command line for `sh -c`, each argument one word. */
export function quotePosixCommand(argv: readonly string[]): string {
  return argv.map(quotePosixWord).join(' ');
}

/** Exit status for a process ended by a signal, as shells report it (128 + number). */
export function signalExitCode(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
  return 128 + (numbers[signal] ?? 0);
}
