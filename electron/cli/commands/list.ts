/**
 * `porthole list`: the instance list of one or more profiles and regions, as a table or JSON.
 *   --profile and --region repeat (or take comma-separated lists); --all-regions lists every region each
 *   profile can use; --query filters with the app's query language (shared/query); --tag Key[=Value] still works.
 * Every profile x region is listed at once (FleetService, bounded concurrency). A source that fails is reported
 * on stderr and the rest is printed; the exit code is then 1. When every source fails, the error is the result.
 * MFA profiles ask for the code on the terminal (stderr), when there is one.
 */
import { PortholeError } from '../../../shared/errors';
import { t, type Locale } from '../../../shared/i18n/catalog';
import type { Instance } from '../../../shared/model/instance';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliCommand, type CommandContext, type ParsedArgs } from '../command';
import { renderTable } from '../table';
import { awsOptions, resolveAwsTarget } from './aws-target';

export interface TagFilter {
  key: string;
  value?: string;
}

/** `Key=Value` (value may contain "="), or `Key` for any value. */
export function parseTagFilter(text: string): TagFilter {
  const eq = text.indexOf('=');
  const key = (eq === -1 ? text : text.slice(0, eq)).trim();
  if (key === '') throw new UsageError('cli.error.badTag', { tag: text, command: 'list' });
  return eq === -1 ? { key } : { key, value: text.slice(eq + 1) };
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Values of a repeatable option, each also split at commas, trimmed, without duplicates. */
function listValues(value: ParsedArgs['values'][string]): string[] {
  const raw = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const out: string[] = [];
  for (const v of raw) {
    if (typeof v !== 'string') continue;
    for (const part of v.split(',')) {
      const s = part.trim();
      if (s !== '' && !out.includes(s)) out.push(s);
    }
  }
  return out;
}

export const listCommand: CliCommand = {
  name: 'list',
  summary: 'cli.list.summary',
  description: 'cli.list.description',
  options: {
    ...awsOptions,
    profile: { ...awsOptions.profile, multiple: true },
    region: { ...awsOptions.region, multiple: true },
    'all-regions': { type: 'boolean', description: 'cli.option.allRegions' },
    query: { type: 'string', short: 'q', description: 'cli.option.query', valueName: 'cli.value.query' },
    tag: { type: 'string', multiple: true, description: 'cli.option.tag', valueName: 'cli.value.tag' },
    json: { type: 'boolean', description: 'cli.option.json' },
  },
  async run(ctx: CommandContext, args: ParsedArgs): Promise<number> {
    const tagArgs = listValuesNoSplit(args.values.tag);
    const filters = tagArgs.map(parseTagFilter);
    const queryText = typeof args.values.query === 'string' ? args.values.query : '';
    const { parseQuery, filterInstances, describeQueryError } = await import('../../../shared/query/index');
    const query = parseQuery(queryText);
    const problem = query.errors[0];
    if (problem) {
      throw new UsageError('cli.error.badQuery', {
        detail: describeQueryError(problem, ctx.locale),
        query: queryText,
        caret: ' '.repeat(problem.start) + '^'.repeat(Math.max(1, problem.end - problem.start)),
      });
    }
    const profiles = listValues(args.values.profile);
    const regions = listValues(args.values.region);
    const allRegions = args.values['all-regions'] === true;
    if (allRegions && regions.length > 0) throw new UsageError('cli.error.allRegionsWithRegion', { command: 'list' });
    for (const region of regions) {
      if (!REGION.test(region))
        throw new UsageError('error.REGION_INVALID', { region, command: 'list' }, 'REGION_INVALID');
    }
    // The first profile and region resolve as for every command (flags, environment, the profile's region).
    const target = await resolveAwsTarget(
      ctx,
      { ...args.values, profile: profiles[0], region: regions[0] ?? (allRegions ? 'us-east-1' : undefined) },
      'list',
    );
    if (profiles.length === 0) profiles.push(target.profile);

    const [{ InventoryService, matchesTagFilters }, { FleetService }, { CredentialService }] = await Promise.all([
      import('../../core/inventory/inventory'),
      import('../../core/inventory/fleet'),
      import('../../core/aws/credentials'),
    ]);
    const logger = ctx.logger(target.debug);
    const credentials = new CredentialService({
      env: ctx.env,
      logger,
      ...(target.endpointUrl ? { endpointUrl: target.endpointUrl } : {}),
      ...(process.stdin.isTTY ? { mfaPrompt: terminalMfaPrompt(ctx) } : {}),
    });
    const clients = await ctx.createAwsClients({
      ...(target.endpointUrl ? { endpointUrl: target.endpointUrl } : {}),
      env: ctx.env,
      logger,
      credentialsFor: (profile) => credentials.providerFor(profile),
    });
    try {
      const inventory = new InventoryService({ clients, logger });
      const sources: { profile: string; region: string }[] = [];
      for (const profile of profiles) {
        if (allRegions) {
          const home = profile === target.profile ? target.region : undefined;
          for (const region of await inventory.listRegions({ profile, ...(home ? { region: home } : {}) })) {
            sources.push({ profile, region });
          }
        } else {
          for (const region of regions.length > 0 ? regions : [target.region]) sources.push({ profile, region });
        }
      }
      const fleet = new FleetService({ inventory, logger });
      const result = await fleet.list(sources);
      fleet.dispose();
      const failed = result.sources.filter((s) => s.state === 'error');
      if (failed.length === result.sources.length && failed[0]?.error) {
        const e = failed[0].error;
        throw new PortholeError(e.code, e.message, e.params ? { ...e.params } : undefined);
      }
      for (const s of failed) {
        const message =
          ctx.locale === 'en' ? s.error!.message : t(`error.${s.error!.code}`, s.error!.params ?? {}, ctx.locale);
        ctx.stderr.write(
          t('cli.list.sourceFailed', { profile: s.profile, region: s.region, message }, ctx.locale) + '\n',
        );
      }
      const instances = filterInstances(
        result.instances.filter((i) => matchesTagFilters(i, filters)),
        query,
      );
      const many = sources.length > 1;
      if (args.values.json === true) {
        ctx.stdout.write(JSON.stringify(instances, null, 2) + '\n');
      } else if (instances.length === 0) {
        const where = many ? sources.map((s) => `${s.profile}/${s.region}`).join(', ') : target.region;
        const total = result.instances.length;
        const message =
          filters.length > 0 || queryText.trim() !== ''
            ? t(
                'cli.list.noneMatch',
                { region: where, tags: [...tagArgs, queryText].filter(Boolean).join(' '), total },
                ctx.locale,
              )
            : t('cli.list.empty', { region: where, profile: profiles.join(', ') }, ctx.locale);
        ctx.stderr.write(message + '\n');
      } else {
        ctx.stdout.write(formatInstanceTable(instances, ctx.locale, ctx.columns, { where: many }));
      }
      return failed.length > 0 ? EXIT_FAILURE : EXIT_OK;
    } finally {
      clients.dispose();
    }
  },
};

/** Asks for an MFA code on the terminal (prompt on stderr, so stdout stays clean for --json). */
function terminalMfaPrompt(ctx: CommandContext) {
  let queue: Promise<unknown> = Promise.resolve();
  return ({ profile, serial }: { profile: string; serial: string }): Promise<string> => {
    const ask = queue.then(async () => {
      const { createInterface } = await import('node:readline/promises');
      const { Writable } = await import('node:stream');
      const output = new Writable({
        write(chunk: Buffer, _encoding, done) {
          ctx.stderr.write(chunk.toString('utf8'));
          done();
        },
      });
      const rl = createInterface({ input: process.stdin, output, terminal: true });
      try {
        return await rl.question(t('cli.list.mfaPrompt', { profile, serial }, ctx.locale));
      } finally {
        rl.close();
      }
    });
    queue = ask.catch(() => undefined);
    return ask;
  };
}

function listValuesNoSplit(value: ParsedArgs['values'][string]): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The readable table: name, id, platform, ping, private IP, tags (other than Name); account and region for several sources. */
export function formatInstanceTable(
  instances: readonly Instance[],
  locale: Locale,
  columns?: number,
  options: { where?: boolean } = {},
): string {
  const where = options.where === true;
  const header = [
    t('cli.list.column.name', undefined, locale),
    t('cli.list.column.id', undefined, locale),
    ...(where ? [t('cli.list.column.account', undefined, locale), t('cli.list.column.region', undefined, locale)] : []),
    t('cli.list.column.platform', undefined, locale),
    t('cli.list.column.ping', undefined, locale),
    t('cli.list.column.privateIp', undefined, locale),
    t('cli.list.column.tags', undefined, locale),
  ];
  const rows = instances.map((i) => [
    i.name ?? '-',
    i.instanceId,
    ...(where ? [i.accountId ?? '-', i.region] : []),
    i.platform,
    t(`cli.list.ping.${i.pingStatus}`, undefined, locale),
    i.privateIp ?? '-',
    i.tags
      .filter((tag) => tag.key !== 'Name')
      .map((tag) => `${tag.key}=${tag.value}`)
      .join(', '),
  ]);
  return renderTable(header, rows, columns ? { maxWidth: columns } : {});
}
