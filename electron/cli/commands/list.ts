/** `porthole list`: the instance list of one profile and region, as a table or JSON. */
import { t, type Locale } from '../../../shared/i18n/catalog';
import type { Instance } from '../../../shared/model/instance';
import { EXIT_OK, UsageError, type CliCommand, type CommandContext, type ParsedArgs } from '../command';
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

export const listCommand: CliCommand = {
  name: 'list',
  summary: 'cli.list.summary',
  description: 'cli.list.description',
  options: {
    ...awsOptions,
    tag: { type: 'string', multiple: true, description: 'cli.option.tag', valueName: 'cli.value.tag' },
    json: { type: 'boolean', description: 'cli.option.json' },
  },
  async run(ctx: CommandContext, args: ParsedArgs): Promise<number> {
    const tagArgs = Array.isArray(args.values.tag)
      ? args.values.tag.filter((v): v is string => typeof v === 'string')
      : [];
    const filters = tagArgs.map(parseTagFilter);
    const target = await resolveAwsTarget(ctx, args.values, 'list');
    const { InventoryService, matchesTagFilters } = await import('../../core/inventory/inventory');
    const logger = ctx.logger(target.debug);
    const clients = await ctx.createAwsClients({
      ...(target.endpointUrl ? { endpointUrl: target.endpointUrl } : {}),
      env: ctx.env,
      logger,
    });
    try {
      const all = await new InventoryService({ clients, logger }).list({
        profile: target.profile,
        region: target.region,
      });
      const instances = all.filter((i) => matchesTagFilters(i, filters));
      if (args.values.json === true) {
        ctx.stdout.write(JSON.stringify(instances, null, 2) + '\n');
      } else if (instances.length === 0) {
        const message =
          filters.length > 0
            ? t('cli.list.noneMatch', { region: target.region, tags: tagArgs.join(' '), total: all.length }, ctx.locale)
            : t('cli.list.empty', { region: target.region, profile: target.profile }, ctx.locale);
        ctx.stderr.write(message + '\n');
      } else {
        ctx.stdout.write(formatInstanceTable(instances, ctx.locale, ctx.columns));
      }
      return EXIT_OK;
    } finally {
      clients.dispose();
    }
  },
};

/** The readable table: name, id, platform, ping, private IP, tags (other than Name). */
export function formatInstanceTable(instances: readonly Instance[], locale: Locale, columns?: number): string {
  const header = [
    t('cli.list.column.name', undefined, locale),
    t('cli.list.column.id', undefined, locale),
    t('cli.list.column.platform', undefined, locale),
    t('cli.list.column.ping', undefined, locale),
    t('cli.list.column.privateIp', undefined, locale),
    t('cli.list.column.tags', undefined, locale),
  ];
  const rows = instances.map((i) => [
    i.name ?? '-',
    i.instanceId,
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
