/**
 * `porthole forward <target> --remote-port N [--local-port M] [--host H] [--bind ADDR] [--pool K]`: a local port
 * forwarded to a port on the instance (or on a host the instance reaches), as `aws ssm start-session --document-name
 * AWS-StartPortForwardingSession` gives, but through our TunnelManager: many connections at once, a clear error for a
 * port in use, per-connection errors that do not end the tunnel, and an optional pool of sessions.
 *
 * stdout gets exactly one line, `listening on <address>:<port>`, once connections can be made (scripts wait for it);
 * everything else goes to stderr. Runs until SIGINT/SIGTERM/SIGHUP, then stops the tunnel and terminates its sessions.
 */
import { t } from '../../../shared/i18n/catalog';
import { DisposableStore } from '../../core/base/lifecycle';
import type { TunnelManager, TunnelSnapshot, TunnelSpec } from '../../core/tunnels/tunnelManager';
import {
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
  type CliCommand,
  type CommandContext,
  type OptionSpec,
  type ParsedArgs,
} from '../command';
import { awsOptions } from './aws-target';
import { parsePort, resolvePortTarget } from './port-target';
import { processIo, type TerminalIo } from './session-io';
import { targetArgument } from './target';

export const MAX_POOL_SIZE = 16;

export const tunnelOptions = {
  'local-port': { type: 'string', description: 'cli.option.localPort', valueName: 'cli.value.port' },
  bind: { type: 'string', description: 'cli.option.bind', valueName: 'cli.value.address' },
  pool: { type: 'string', description: 'cli.option.pool', valueName: 'cli.value.count' },
} as const satisfies Record<string, OptionSpec>;

export type SignalIo = Pick<TerminalIo, 'onSignal'>;

export function createForwardCommand(io: () => SignalIo = processIo): CliCommand {
  return {
    name: 'forward',
    summary: 'cli.forward.summary',
    description: 'cli.forward.description',
    allowPositionals: true,
    options: {
      ...awsOptions,
      'remote-port': { type: 'string', description: 'cli.option.remotePort', valueName: 'cli.value.port' },
      host: { type: 'string', description: 'cli.option.remoteHost', valueName: 'cli.value.host' },
      ...tunnelOptions,
    },
    async run(ctx: CommandContext, args: ParsedArgs): Promise<number> {
      const target = targetArgument(args.positionals);
      const extra = args.positionals[1];
      if (extra !== undefined) throw new UsageError('cli.error.unexpectedArgument', { argument: extra });
      const remotePort = parsePort(args.values['remote-port'], 'remote-port', { required: true })!;
      const host = typeof args.values.host === 'string' ? args.values.host.trim() || undefined : undefined;
      const local = tunnelSpecOptions(args);
      const resolved = await resolvePortTarget(ctx, args.values, 'forward', target);
      if (resolved.kind === 'ambiguous') return EXIT_USAGE;
      const { TunnelManager } = await import('../../core/tunnels/tunnelManager');
      const manager = new TunnelManager({ openPortSession: resolved.openPortSession, logger: resolved.logger });
      try {
        return await runTunnel(ctx, io(), manager, {
          profile: resolved.profile,
          region: resolved.region,
          target: resolved.instanceId,
          remotePort,
          ...(host ? { remoteHost: host } : {}),
          ...local,
        });
      } finally {
        manager.dispose();
        resolved.dispose();
      }
    },
  };
}

export const forwardCommand = createForwardCommand();

/** --local-port, --bind and --pool as TunnelSpec fields. */
export function tunnelSpecOptions(args: ParsedArgs): Pick<TunnelSpec, 'localPort' | 'bindAddress' | 'poolSize'> {
  const localPort = parsePort(args.values['local-port'], 'local-port', { min: 0 });
  const bind = typeof args.values.bind === 'string' ? args.values.bind.trim() || undefined : undefined;
  let poolSize: number | undefined;
  const pool = args.values.pool;
  if (typeof pool === 'string') {
    poolSize = /^\d{1,2}$/.test(pool.trim()) ? Number(pool.trim()) : Number.NaN;
    if (!(poolSize >= 1 && poolSize <= MAX_POOL_SIZE))
      throw new UsageError('cli.error.badPool', { value: pool, max: String(MAX_POOL_SIZE) });
  }
  return {
    ...(localPort !== undefined ? { localPort } : {}),
    ...(bind ? { bindAddress: bind } : {}),
    ...(poolSize !== undefined && poolSize > 1 ? { poolSize } : {}),
  };
}

export interface RunTunnelHooks {
  /** Called once the tunnel listens (after the `listening on` line); resolve to keep running, the tunnel stays up. */
  onListening?: (snapshot: TunnelSnapshot, stop: (code: number) => void) => void;
}

/**
 * Starts the tunnel, prints `listening on <address>:<port>`, reports connection errors and reconnects on stderr, and
 * runs until a signal (exit 0), the tunnel fails (exit 1) or a hook stops it. Starting errors throw (PortholeError).
 */
export async function runTunnel(
  ctx: CommandContext,
  io: SignalIo,
  manager: TunnelManager,
  spec: TunnelSpec,
  hooks: RunTunnelHooks = {},
): Promise<number> {
  const store = new DisposableStore();
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  let signalled: NodeJS.Signals | undefined;
  try {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      store.add(
        io.onSignal(signal, () => {
          signalled ??= signal;
          finish(EXIT_OK);
        }),
      );
    }
    const starting = manager.start(spec);
    const first = await Promise.race([starting, finished.then(() => undefined)]);
    if (!first) {
      // Interrupted while the session was starting: stop whatever got started.
      const snapshot = await starting.catch(() => undefined);
      if (snapshot) await manager.stop(snapshot.id);
      return EXIT_OK;
    }
    const id = first.id;
    if (first.nonLoopback)
      ctx.stderr.write(t('cli.forward.nonLoopback', { address: first.localAddress }, ctx.locale) + '\n');
    if (first.poolSize > 1) ctx.stderr.write(t('cli.forward.pool', { count: first.poolSize }, ctx.locale) + '\n');
    const address = first.localAddress.includes(':') ? `[${first.localAddress}]` : first.localAddress;
    ctx.stdout.write(t('cli.forward.listening', { address, port: first.localPort }, ctx.locale) + '\n');

    const destination = `${spec.remoteHost ?? 'localhost'}:${spec.remotePort}`;
    let failed = first.failedConnections;
    let state = first.state;
    store.add(
      manager.onDidChangeTunnel((s) => {
        if (s.id !== id) return;
        if (s.failedConnections > failed) {
          failed = s.failedConnections;
          ctx.stderr.write(t('cli.forward.connectFailed', { destination, count: failed }, ctx.locale) + '\n');
        }
        if (s.state !== state) {
          if (s.state === 'reconnecting') ctx.stderr.write(t('cli.session.reconnecting', undefined, ctx.locale) + '\n');
          if (s.state === 'open' && state === 'reconnecting')
            ctx.stderr.write(t('cli.session.resumed', undefined, ctx.locale) + '\n');
          if (s.state === 'failed' && s.error) {
            ctx.stderr.write(t('cli.error.prefix', { message: s.error.message }, ctx.locale) + '\n');
            finish(EXIT_FAILURE);
          }
          state = s.state;
        }
      }),
    );
    hooks.onListening?.(first, finish);
    const code = await finished;
    if (signalled) ctx.stderr.write(t('cli.forward.stopping', { signal: signalled }, ctx.locale) + '\n');
    await manager.stop(id);
    return code;
  } finally {
    store.dispose();
  }
}
