/**
 * `porthole shell <target>`: an interactive Session Manager shell in this terminal, as the session-manager-plugin
 * gives (fact sheet §7.2, §9) but with raw mode instead of cbreak, the window size on SIGWINCH instead of polling,
 * an ssh-style `~.` escape, reconnect notices, and an exit status that tells a failed session from a normal end.
 */
import { t } from '../../../shared/i18n/catalog';
import { DisposableStore } from '../../core/base/lifecycle';
import type { SessionEnd, ShellSession } from '../../core/ssm/session';
import {
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
  type CliCommand,
  type CommandContext,
  type ParsedArgs,
  type ParsedValues,
} from '../command';
import { awsOptions } from './aws-target';
import {
  EscapeFilter,
  enterRawMode,
  onTerminalResize,
  pipeOutput,
  processIo,
  signalExitCode,
  terminalSize,
  type TerminalIo,
} from './session-io';
import { startTargetSession, targetArgument } from './target';

/** Sent when piped input ends: the terminal's end-of-file character, so the remote shell sees EOF and exits. */
const EOT = Uint8Array.of(0x04);
const CTRL_C = Uint8Array.of(0x03);
/** A second Ctrl-C (SIGINT) within this long ends the session instead of being passed on. */
const DOUBLE_INTERRUPT_MS = 1000;

export function createShellCommand(io: () => TerminalIo = processIo): CliCommand {
  return {
    name: 'shell',
    summary: 'cli.shell.summary',
    description: 'cli.shell.description',
    allowPositionals: true,
    options: {
      ...awsOptions,
      document: { type: 'string', description: 'cli.option.document', valueName: 'cli.value.document' },
      parameters: { type: 'string', description: 'cli.option.parameters', valueName: 'cli.value.json' },
    },
    async run(ctx: CommandContext, args: ParsedArgs): Promise<number> {
      const target = targetArgument(args.positionals);
      const extra = args.positionals[1];
      if (extra !== undefined) throw new UsageError('cli.error.unexpectedArgument', { argument: extra });
      const documentName = typeof args.values.document === 'string' ? args.values.document.trim() : undefined;
      const parameters = parseParameters(args.values.parameters);
      const terminal = io();
      const size = terminalSize(terminal);
      const started = await startTargetSession(ctx, args.values, 'shell', target, {
        ...(documentName ? { documentName } : {}),
        ...(parameters ? { parameters } : {}),
        ...(size ? { initialSize: size } : {}),
      });
      if (started.kind === 'ambiguous') return EXIT_USAGE;
      try {
        return await attachShell(ctx, terminal, started.session);
      } finally {
        started.dispose();
      }
    },
  };
}

export const shellCommand = createShellCommand();

/** `--parameters '{"command":["top"]}'`: a JSON object of strings or string lists (strings become one-item lists). */
export function parseParameters(value: ParsedValues[string]): Record<string, string[]> | undefined {
  if (typeof value !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    throw new UsageError('cli.error.badParameters', { detail: e instanceof Error ? e.message : String(e) });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError('cli.error.badParameters', { detail: 'not an object' });
  }
  const out: Record<string, string[]> = {};
  for (const [key, v] of Object.entries(parsed)) {
    if (typeof v === 'string') out[key] = [v];
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[key] = v as string[];
    else throw new UsageError('cli.error.badParameters', { detail: `"${key}" is not a string or a list of strings` });
  }
  return out;
}

/** Connects the session to this process's terminal until it ends; returns the exit status. */
export async function attachShell(ctx: CommandContext, io: TerminalIo, session: ShellSession): Promise<number> {
  const store = new DisposableStore();
  const notice = (text: string) => ctx.stderr.write(text + '\n');
  const sessionId = session.sessionId;
  let localExit: number | undefined;
  let leaving: Promise<SessionEnd> | undefined;
  let onLeft: (end: SessionEnd) => void = () => undefined;
  const left = new Promise<SessionEnd>((resolve) => (onLeft = resolve));
  /** Ends the session from this side (escape, signal): TerminateSession, then close if the service does not. */
  const leave = (exitCode: number | undefined, waitMs: number) => {
    if (leaving) return;
    localExit = exitCode;
    leaving = session.terminate(waitMs);
    void leaving.then(onLeft);
    // TerminateSession itself may hang when the network is gone: leave anyway (the channel is closed on dispose).
    setTimeout(() => onLeft({ kind: 'closed-by-client' }), waitMs + 1500).unref();
  };

  notice(t('cli.session.starting', { sessionId }, ctx.locale));
  const interactive = io.stdin.isTTY === true;
  try {
    store.add(pipeOutput(session, io));
    store.add(session.onDidCustomerMessage((m) => notice(m)));
    let reconnecting = false;
    store.add(
      session.onDidChangeState((state) => {
        if (state === 'reconnecting' && !reconnecting) {
          reconnecting = true;
          notice(t('cli.session.reconnecting', undefined, ctx.locale));
        } else if (state === 'open' && reconnecting) {
          reconnecting = false;
          notice(t('cli.session.resumed', undefined, ctx.locale));
        }
      }),
    );
    store.add(onTerminalResize(io, ({ cols, rows }) => void session.resize(cols, rows).catch(() => undefined)));

    // Signals. In raw mode the keyboard sends Ctrl-C as a byte; a SIGINT still comes from `kill -INT` or, with
    // piped input, from the terminal: pass it on (as the plugin does), and let a quick second one end the session.
    let lastInterrupt = 0;
    store.add(
      io.onSignal('SIGINT', () => {
        const now = Date.now();
        if (now - lastInterrupt < DOUBLE_INTERRUPT_MS) {
          notice(t('cli.session.signal', { signal: 'SIGINT', sessionId }, ctx.locale));
          leave(signalExitCode('SIGINT'), 1000);
          return;
        }
        lastInterrupt = now;
        if (!interactive) notice(t('cli.session.interruptAgain', undefined, ctx.locale));
        void session.write(CTRL_C).catch(() => undefined);
      }),
    );
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
      store.add(
        io.onSignal(signal, () => {
          notice(t('cli.session.signal', { signal, sessionId }, ctx.locale));
          leave(signalExitCode(signal), 1000);
        }),
      );
    }

    // Input.
    store.add(enterRawMode(io));
    const escape = interactive ? new EscapeFilter() : undefined;
    const stdin = io.stdin;
    const send = (bytes: Uint8Array) => {
      if (bytes.length === 0 || session.end) return;
      // One write at a time: the session's queue is bounded, so wait for it before reading more.
      stdin.pause();
      session.write(bytes).then(
        () => {
          if (!session.end && !leaving) stdin.resume();
        },
        () => undefined,
      );
    };
    const onData = (chunk: Buffer) => {
      if (leaving) return;
      if (!escape) return send(chunk);
      const { forward, action } = escape.push(chunk);
      send(forward);
      if (action === 'help') notice(t('cli.session.escapeHelp', undefined, ctx.locale));
      if (action === 'leave') {
        notice(t('cli.session.leaving', { sessionId }, ctx.locale));
        leave(EXIT_OK, 1500);
      }
    };
    const onEnd = () => {
      if (!interactive && !leaving) send(EOT);
    };
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.on('error', onEnd);
    store.add({
      dispose: () => {
        stdin.off('data', onData);
        stdin.off('end', onEnd);
        stdin.off('error', onEnd);
        stdin.pause();
      },
    });
    stdin.resume();

    const end = await Promise.race([session.ended, left]);
    store.dispose();
    if (localExit !== undefined) {
      notice(t('cli.session.exiting', { sessionId }, ctx.locale));
      return localExit;
    }
    return reportEnd(ctx, sessionId, end);
  } finally {
    store.dispose();
  }
}

/** Prints how a session ended and returns the exit status: 0 normal, the remote code if known, 1 failed. */
export function reportEnd(ctx: CommandContext, sessionId: string, end: SessionEnd): number {
  const say = (text: string) => ctx.stderr.write(text + '\n');
  if (end.kind === 'failed' || (end.kind === 'ended' && end.message !== '')) {
    const detail = end.message;
    say(t('cli.error.prefix', { message: t('error.SESSION_FAILED', { detail }, ctx.locale) }, ctx.locale));
    return EXIT_FAILURE;
  }
  say(t('cli.session.exiting', { sessionId }, ctx.locale));
  return end.exitCode ?? EXIT_OK;
}
