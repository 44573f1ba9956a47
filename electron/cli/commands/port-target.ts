/**
 * What `forward`, `ssh-proxy` and `rdp` share: the AWS options, the target (id or Name tag), the AWS clients and an
 * {@link OpenPortSession} for that target. Heavy modules are imported lazily so `--help` stays fast.
 */
import type { Instance } from '../../../shared/model/instance';
import type { AwsClientFactory } from '../../core/aws/clients';
import type { Logger } from '../../core/base/logger';
import type { OpenPortSession } from '../../core/ssm/portSessionStarter';
import { UsageError, type CliCommand, type CommandContext, type ParsedValues } from '../command';
import { resolveCliTarget } from './target';

export type PortTarget =
  | { kind: 'ambiguous' }
  | {
      kind: 'found';
      profile: string;
      region: string;
      instanceId: string;
      /** Known when the target was given by name. */
      instance?: Instance;
      clients: AwsClientFactory;
      logger: Logger;
      openPortSession: OpenPortSession;
      /** Disposes the AWS clients. */
      dispose(): void;
    };

/** Resolves the target; an ambiguous name is printed here (the caller exits 2); other problems throw. */
export async function resolvePortTarget(
  ctx: CommandContext,
  values: ParsedValues,
  command: CliCommand['name'],
  target: string,
): Promise<PortTarget> {
  const resolved = await resolveCliTarget(ctx, values, command, target);
  if (resolved.kind === 'ambiguous') return resolved;
  const { clients, logger } = resolved;
  try {
    const { SessionStarter } = await import('../../core/ssm/sessionStarter');
    const { portSessionOpener } = await import('../../core/ssm/portSessionStarter');
    const openPortSession = portSessionOpener(new SessionStarter({ clients, logger }), { logger });
    return { ...resolved, openPortSession, dispose: () => clients.dispose() };
  } catch (error) {
    clients.dispose();
    throw error;
  }
}

/**
 * A port number from an option value: a whole number from `min` (1, or 0 where 0 means "a free port") to 65535.
 * Absent gives undefined, or a usage error when the option is required.
 */
export function parsePort(
  value: ParsedValues[string],
  option: string,
  { min = 1, required = false }: { min?: number; required?: boolean } = {},
): number | undefined {
  if (value === undefined || typeof value === 'boolean' || Array.isArray(value)) {
    if (required) throw new UsageError('cli.error.missingOption', { option: `--${option}` });
    return undefined;
  }
  const text = value.trim();
  const n = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= min && n <= 65535))
    throw new UsageError('cli.error.badPort', { option: `--${option}`, value, min: String(min) });
  return n;
}
