/**
 * `porthole ssh-proxy <target> [<port>]`: stdin/stdout to a port on the instance over AWS-StartSSHSession (fact
 * sheet §7.5), for `ProxyCommand porthole ssh-proxy %h %p` in ~/.ssh/config. stdout carries nothing but the
 * connection's bytes (ssh reads its protocol from it); every message goes to stderr.
 */
import { t } from '../../../shared/i18n/catalog';
import { DisposableStore } from '../../core/base/lifecycle';
import {
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
  type CliCommand,
  type CommandContext,
  type ParsedArgs,
} from '../command';
import { awsOptions } from './aws-target';
import { parsePort, resolvePortTarget } from './port-target';
import { processIo, type TerminalIo } from './session-io';
import { targetArgument } from './target';

export type ProxyIo = Pick<TerminalIo, 'onSignal'> & {
  readonly stdin: NodeJS.ReadableStream & { pause(): unknown; resume(): unknown };
  readonly stdout: NodeJS.WritableStream;
};

export function createSshProxyCommand(io: () => ProxyIo = processIo): CliCommand {
  return {
    name: 'ssh-proxy',
    summary: 'cli.sshProxy.summary',
    description: 'cli.sshProxy.description',
    allowPositionals: true,
    options: { ...awsOptions },
    async run(ctx: CommandContext, args: ParsedArgs): Promise<number> {
      const target = targetArgument(args.positionals);
      const port = parsePort(args.positionals[1] ?? '22', '<port>')!;
      const extra = args.positionals[2];
      if (extra !== undefined) throw new UsageError('cli.error.unexpectedArgument', { argument: extra });
      const resolved = await resolvePortTarget(ctx, args.values, 'ssh-proxy', target);
      if (resolved.kind === 'ambiguous') return EXIT_USAGE;
      const { runSshProxy } = await import('../../core/tunnels/sshProxy');
      const { stdin, stdout, onSignal } = io();
      const store = new DisposableStore();
      // ssh closes our stdin when it is done; a signal means the same here: end the session, then leave.
      let interrupted = false;
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
        store.add(
          onSignal(signal, () => {
            interrupted = true;
            stdin.emit('end');
          }),
        );
      }
      try {
        const end = await runSshProxy({
          profile: resolved.profile,
          region: resolved.region,
          target: resolved.instanceId,
          port,
          openPortSession: resolved.openPortSession,
          input: stdin as unknown as NodeJS.ReadStream,
          output: stdout as unknown as NodeJS.WriteStream,
        });
        if (end.kind === 'failed' || (end.kind === 'ended' && end.message !== '' && !interrupted)) {
          const detail = end.message;
          ctx.stderr.write(
            t('cli.error.prefix', { message: t('error.SESSION_FAILED', { detail }, ctx.locale) }, ctx.locale) + '\n',
          );
          return EXIT_FAILURE;
        }
        return EXIT_OK;
      } finally {
        store.dispose();
        resolved.dispose();
      }
    },
  };
}

export const sshProxyCommand = createSshProxyCommand();
