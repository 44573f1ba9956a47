/**
 * Which instance a `porthole shell/exec <target>` means: an instance id (`i-…`, `mi-…`) is used as given;
 * anything else is a Name tag (for hybrid nodes without a Name tag, the node name SSM reports), matched exactly
 * and case-sensitively, so `ウェブサーバー` and `web-prod-1` work and `Web-Prod-1` does not.
 */
import { PortholeError } from '../../../shared/errors';
import { t, type Locale } from '../../../shared/i18n/catalog';
import type { Instance } from '../../../shared/model/instance';
import type { AwsClientFactory } from '../../core/aws/clients';
import type { Logger } from '../../core/base/logger';
import type { ShellSession } from '../../core/ssm/session';
import { UsageError, type CliCommand, type CommandContext, type ParsedValues } from '../command';
import { renderTable } from '../table';
import { resolveAwsTarget } from './aws-target';

/** EC2 instance ids (8 or 17 hex digits) and managed-node ids (`mi-` + 17 hex digits). */
const INSTANCE_ID = /^(i-([0-9a-f]{8}|[0-9a-f]{17})|mi-[0-9a-f]{17})$/;

export function isInstanceId(text: string): boolean {
  return INSTANCE_ID.test(text);
}

export type TargetResolution =
  { kind: 'found'; instanceId: string; instance?: Instance } | { kind: 'ambiguous'; matches: Instance[] };

/**
 * Resolves a target. `list` is asked only for names (an id needs no listing: StartSession itself reports an id
 * that is unknown or offline). Throws PortholeError TARGET_NOT_FOUND when no instance has that name.
 */
export async function resolveTarget(target: string, list: () => Promise<Instance[]>): Promise<TargetResolution> {
  if (isInstanceId(target)) return { kind: 'found', instanceId: target };
  const matches = (await list()).filter((i) => i.name === target);
  const [only] = matches;
  if (matches.length === 1 && only) return { kind: 'found', instanceId: only.instanceId, instance: only };
  if (matches.length > 1) return { kind: 'ambiguous', matches };
  throw new PortholeError('TARGET_NOT_FOUND', t('error.TARGET_NOT_FOUND', { target }), { target });
}

/** The lines printed for an ambiguous name: what matched, so the user can pick an id. */
export function formatAmbiguousTarget(target: string, matches: readonly Instance[], locale: Locale): string {
  const table = renderTable(
    [
      t('cli.list.column.id', undefined, locale),
      t('cli.list.column.ping', undefined, locale),
      t('cli.list.column.platform', undefined, locale),
      t('cli.list.column.privateIp', undefined, locale),
    ],
    matches.map((i) => [
      i.instanceId,
      t(`cli.list.ping.${i.pingStatus}`, undefined, locale),
      i.platform,
      i.privateIp ?? '-',
    ]),
  );
  return [
    t('cli.error.prefix', { message: t('cli.target.ambiguous', { target, count: matches.length }, locale) }, locale),
    table.trimEnd(),
    t('cli.target.pickId', undefined, locale),
  ].join('\n');
}

export type ResolvedCliTarget =
  | { kind: 'ambiguous' }
  | {
      kind: 'found';
      profile: string;
      region: string;
      instanceId: string;
      /** Known when the target was given by name. */
      instance?: Instance;
      /** Owned by the caller from here on (dispose it). */
      clients: AwsClientFactory;
      logger: Logger;
    };

/**
 * The AWS options, the AWS clients and the target, for the commands that take one. An ambiguous name is printed
 * here (the caller exits 2) and the clients are disposed, as they are when anything throws (UsageError,
 * PortholeError).
 */
export async function resolveCliTarget(
  ctx: CommandContext,
  values: ParsedValues,
  command: CliCommand['name'],
  target: string,
): Promise<ResolvedCliTarget> {
  const aws = await resolveAwsTarget(ctx, values, command);
  const logger = ctx.logger(aws.debug);
  const clients = await ctx.createAwsClients({
    ...(aws.endpointUrl ? { endpointUrl: aws.endpointUrl } : {}),
    env: ctx.env,
    logger,
  });
  try {
    const query = { profile: aws.profile, region: aws.region };
    const resolution = await resolveTarget(target, async () => {
      const { InventoryService } = await import('../../core/inventory/inventory');
      return new InventoryService({ clients, logger }).list(query);
    });
    if (resolution.kind === 'ambiguous') {
      ctx.stderr.write(formatAmbiguousTarget(target, resolution.matches, ctx.locale) + '\n');
      clients.dispose();
      return { kind: 'ambiguous' };
    }
    return {
      kind: 'found',
      ...query,
      instanceId: resolution.instanceId,
      ...(resolution.instance ? { instance: resolution.instance } : {}),
      clients,
      logger,
    };
  } catch (error) {
    clients.dispose();
    throw error;
  }
}

export interface TargetSessionRequest {
  documentName?: string;
  parameters?: Record<string, string[]>;
  initialSize?: { cols: number; rows: number };
}

export type StartedTargetSession =
  | { kind: 'ambiguous' }
  | {
      kind: 'started';
      session: ShellSession;
      instanceId: string;
      /** Disposes the session and the AWS clients. */
      dispose(): void;
    };

/**
 * The AWS options, the target, StartSession and the data channel, for `shell` and `exec`. An ambiguous name is
 * printed here (the caller exits 2); other problems throw (UsageError, PortholeError).
 */
export async function startTargetSession(
  ctx: CommandContext,
  values: ParsedValues,
  command: CliCommand['name'],
  target: string,
  request: TargetSessionRequest,
): Promise<StartedTargetSession> {
  const resolved = await resolveCliTarget(ctx, values, command, target);
  if (resolved.kind === 'ambiguous') return resolved;
  const { clients, logger, profile, region, instanceId } = resolved;
  try {
    const { SessionStarter } = await import('../../core/ssm/sessionStarter');
    const session = await new SessionStarter({ clients, logger }).start({
      profile,
      region,
      target: instanceId,
      ...request,
    });
    return {
      kind: 'started',
      session,
      instanceId,
      dispose: () => {
        session.dispose();
        clients.dispose();
      },
    };
  } catch (error) {
    clients.dispose();
    throw error;
  }
}

/** The one positional a session command takes before anything else. */
export function targetArgument(positionals: readonly string[]): string {
  const target = positionals[0];
  if (target === undefined || target.trim() === '') throw new UsageError('cli.error.missingTarget');
  return target;
}
