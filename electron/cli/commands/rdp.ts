/**
 * `porthole rdp <target> [--local-port M] [--no-launch] [--rdp-command T] [--user U] [--key-file PEM]`: a tunnel to
 * port 3389 on a free local port, then the platform's RDP client (see electron/core/tunnels/rdp.ts). The tunnel stays
 * up while the client runs and until Ctrl-C (closing or minimising the client does not stop it). With --key-file the
 * Windows administrator password (EC2 GetPasswordData) is decrypted in memory and shown on stderr only.
 */
import { readFile } from 'node:fs/promises';
import { PortholeError } from '../../../shared/errors';
import { t } from '../../../shared/i18n/catalog';
import type { Launcher } from '../../core/base/launcher';
import { processLauncher } from '../../core/base/processLauncher';
import type { RdpLaunch } from '../../core/tunnels/rdp';
import { EXIT_USAGE, UsageError, type CliCommand, type CommandContext, type ParsedArgs } from '../command';
import { awsOptions } from './aws-target';
import { runTunnel, tunnelOptions, tunnelSpecOptions, type SignalIo } from './forward';
import { resolvePortTarget } from './port-target';
import { processIo } from './session-io';
import { targetArgument } from './target';

export const RDP_PORT = 3389;
export const DEFAULT_RDP_USER = 'Administrator';

export interface RdpCommandDeps {
  io?: () => SignalIo;
  launcher?: Pick<Launcher, 'spawn' | 'openFile'>;
  platform?: NodeJS.Platform;
  findExecutable?: (name: string) => string | undefined;
}

export function createRdpCommand(deps: RdpCommandDeps = {}): CliCommand {
  return {
    name: 'rdp',
    summary: 'cli.rdp.summary',
    description: 'cli.rdp.description',
    allowPositionals: true,
    options: {
      ...awsOptions,
      ...tunnelOptions,
      'no-launch': { type: 'boolean', description: 'cli.option.noLaunch' },
      'rdp-command': { type: 'string', description: 'cli.option.rdpCommand', valueName: 'cli.value.command' },
      user: { type: 'string', description: 'cli.option.user', valueName: 'cli.value.name' },
      'key-file': { type: 'string', description: 'cli.option.keyFile', valueName: 'cli.value.file' },
    },
    async run(ctx: CommandContext, args: ParsedArgs): Promise<number> {
      const target = targetArgument(args.positionals);
      const extra = args.positionals[1];
      if (extra !== undefined) throw new UsageError('cli.error.unexpectedArgument', { argument: extra });
      const local = tunnelSpecOptions(args);
      const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
      const username = str(args.values.user) ?? DEFAULT_RDP_USER;
      const template = str(args.values['rdp-command']) ?? str(ctx.env.PORTHOLE_RDP_COMMAND);
      const keyFile = str(args.values['key-file']);
      const launch = args.values['no-launch'] !== true;
      // Read the key before anything starts, so a wrong path fails fast.
      const keyPem = keyFile !== undefined ? await readKeyFile(keyFile) : undefined;

      const resolved = await resolvePortTarget(ctx, args.values, 'rdp', target);
      if (resolved.kind === 'ambiguous') return EXIT_USAGE;
      const rdp = await import('../../core/tunnels/rdp');
      const { TunnelManager } = await import('../../core/tunnels/tunnelManager');
      const manager = new TunnelManager({ openPortSession: resolved.openPortSession, logger: resolved.logger });
      let launched: RdpLaunch | undefined;
      try {
        if (keyPem !== undefined) {
          const ec2 = resolved.clients.ec2({ profile: resolved.profile, region: resolved.region });
          const password = await rdp.fetchWindowsPassword(
            ec2,
            { profile: resolved.profile, region: resolved.region, instanceId: resolved.instanceId },
            keyPem,
          );
          ctx.stderr.write(
            (password === undefined
              ? t('cli.rdp.passwordNotReady', { instanceId: resolved.instanceId }, ctx.locale)
              : t('cli.rdp.password', { keyFile: keyFile!, password }, ctx.locale)) + '\n',
          );
        }
        const io = (deps.io ?? processIo)();
        return await runTunnel(
          ctx,
          io,
          manager,
          {
            profile: resolved.profile,
            region: resolved.region,
            target: resolved.instanceId,
            remotePort: RDP_PORT,
            ...local,
          },
          {
            onListening: (snapshot) => {
              const host = snapshot.localAddress.includes(':') ? `[${snapshot.localAddress}]` : snapshot.localAddress;
              const connectTo = t('cli.rdp.connectTo', { address: host, port: snapshot.localPort }, ctx.locale);
              if (!launch) {
                ctx.stderr.write(connectTo + '\n');
                return;
              }
              void rdp
                .launchRdpClient(
                  deps.launcher ?? processLauncher(),
                  { host, port: snapshot.localPort, username },
                  {
                    platform: deps.platform ?? process.platform,
                    ...(deps.findExecutable ? { findExecutable: deps.findExecutable } : {}),
                    ...(template ? { template } : {}),
                    fileName: resolved.instance?.name ?? resolved.instanceId,
                  },
                )
                .then(
                  (l) => {
                    launched = l;
                    ctx.stderr.write(t('cli.rdp.launching', { command: l.command.join(' ') }, ctx.locale) + '\n');
                    void l.program?.exited.then(({ code, signal }) =>
                      ctx.stderr.write(t('cli.rdp.clientExited', { code: signal ?? String(code) }, ctx.locale) + '\n'),
                    );
                  },
                  (e: unknown) => {
                    const noClient = e instanceof PortholeError && e.code === 'INVALID_TUNNEL';
                    ctx.stderr.write(
                      (noClient
                        ? t('cli.rdp.noClient', undefined, ctx.locale)
                        : t(
                            'cli.rdp.launchFailed',
                            { detail: e instanceof Error ? e.message : String(e) },
                            ctx.locale,
                          )) +
                        '\n' +
                        connectTo +
                        '\n',
                    );
                  },
                );
            },
          },
        );
      } finally {
        launched?.dispose();
        manager.dispose();
        resolved.dispose();
      }
    },
  };
}

export const rdpCommand = createRdpCommand();

async function readKeyFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const detail = `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
    throw new PortholeError('KEY_PAIR_INVALID', t('error.KEY_PAIR_INVALID', { detail }), { detail });
  }
}
