/**
 * `porthole exec <target> -- <command...>`: one command through AWS-StartNonInteractiveCommand with separate output
 * streams. The remote stdout goes to stdout, its stderr to stderr, and we exit with the remote exit code (the
 * session-manager-plugin prints `EXIT_CODE: <n>` to stdout and exits 0, fact sheet §7.2, §9.3).
 * Nothing of ours is printed on success, so the output can be piped as it is.
 */
import { t } from '../../../shared/i18n/catalog';
import { DisposableStore } from '../../core/base/lifecycle';
import type { SessionEnd, ShellSession } from '../../core/ssm/session';
import {
  EXIT_FAILURE,
  EXIT_USAGE,
  UsageError,
  type CliCommand,
  type CommandContext,
  type ParsedArgs,
} from '../command';
import { awsOptions } from './aws-target';
import { pipeOutput, processIo, quotePosixCommand, signalExitCode, type TerminalIo } from './session-io';
import { startTargetSession, targetArgument } from './target';

const CTRL_C = Uint8Array.of(0x03);
const DOUBLE_INTERRUPT_MS = 1000;

export function createExecCommand(io: () => TerminalIo = processIo): CliCommand {
  return {
    name: 'exec',
    summary: 'cli.exec.summary',
    description: 'cli.exec.description',
    allowPositionals: true,
    options: { ...awsOptions },
    async run(ctx: CommandContext, args: ParsedArgs): Promise<number> {
      const target = targetArgument(args.positionals);
      const argv = args.positionals.slice(1);
      if (argv.length === 0) throw new UsageError('cli.error.missingCommand');
      const { execRequest } = await import('../../core/ssm/sessionStarter');
      const started = await startTargetSession(ctx, args.values, 'exec', target, execRequest(quotePosixCommand(argv)));
      if (started.kind === 'ambiguous') return EXIT_USAGE;
      try {
        return await attachCommand(ctx, io(), started.session);
      } finally {
        started.dispose();
      }
    },
  };
}

export const execCommand = createExecCommand();

/** Streams the command's output until the session ends; returns the remote exit code (1 if the session failed). */
export async function attachCommand(ctx: CommandContext, io: TerminalIo, session: ShellSession): Promise<number> {
  const store = new DisposableStore();
  let localExit: number | undefined;
  let onLeft: (end: SessionEnd) => void = () => undefined;
  const left = new Promise<SessionEnd>((resolve) => (onLeft = resolve));
  const leave = (signal: NodeJS.Signals) => {
    if (localExit !== undefined) return;
    localExit = signalExitCode(signal);
    ctx.stderr.write(t('cli.session.signal', { signal, sessionId: session.sessionId }, ctx.locale) + '\n');
    void session.terminate(1000).then(onLeft);
    // TerminateSession itself may hang when the network is gone: leave anyway (the channel is closed on dispose).
    setTimeout(() => onLeft({ kind: 'closed-by-client' }), 2500).unref();
  };
  try {
    store.add(pipeOutput(session, io));
    // Ctrl-C interrupts the remote command (the agent sends it SIGINT); a second one within a second gives up.
    let lastInterrupt = 0;
    store.add(
      io.onSignal('SIGINT', () => {
        const now = Date.now();
        if (now - lastInterrupt < DOUBLE_INTERRUPT_MS) return leave('SIGINT');
        lastInterrupt = now;
        void session.write(CTRL_C).catch(() => undefined);
      }),
    );
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) store.add(io.onSignal(signal, () => leave(signal)));

    const end = await Promise.race([session.ended, left]);
    if (localExit !== undefined) return localExit;
    if (end.kind === 'failed' || (end.kind === 'ended' && end.message !== '') || end.exitCode === undefined) {
      const detail = end.kind === 'closed-by-client' ? 'closed' : end.message;
      ctx.stderr.write(
        t('cli.error.prefix', { message: t('error.SESSION_FAILED', { detail }, ctx.locale) }, ctx.locale) + '\n',
      );
      return EXIT_FAILURE;
    }
    return end.exitCode;
  } finally {
    store.dispose();
  }
}
