/**
 * `porthole doctor <target> [--document D] [--json]`: the connect doctor's checklist for one instance (an id, or a
 * Name tag resolved like `shell`). Exits 1 when a check fails (or when nothing at all could be checked), 0 otherwise;
 * `--json` prints the Diagnosis object (electron/core/doctor/types.ts) instead of the checklist.
 */
import { t, type Locale } from '../../../shared/i18n/catalog';
import type { Check, Diagnosis } from '../../core/doctor/types';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliCommand, type CommandContext, type ParsedArgs } from '../command';
import { awsOptions, resolveAwsTarget } from './aws-target';
import { formatAmbiguousTarget, resolveTarget, targetArgument } from './target';

const MARKS: Record<Check['status'], string> = { pass: '✔', fail: '✘', unknown: '?', skipped: '–' };

/** The checklist as text: one line per check, the fix under each failure. */
export function formatDiagnosis(d: Diagnosis, locale: Locale): string {
  const lines = [t('cli.doctor.heading', { target: d.target, region: d.region, document: d.document }, locale)];
  if (d.caller) lines.push(t('cli.doctor.caller', { caller: d.caller }, locale));
  lines.push('');
  const statusWidth = Math.max(...d.checks.map((c) => t(`doctor.status.${c.status}`, undefined, locale).length));
  for (const c of d.checks) {
    const status = t(`doctor.status.${c.status}`, undefined, locale).padEnd(statusWidth);
    lines.push(`${MARKS[c.status]} ${status}  ${c.title}: ${c.summary}`);
    const indent = ' '.repeat(statusWidth + 4);
    for (const detail of c.status === 'pass' ? [] : (c.details ?? [])) lines.push(`${indent}${detail}`);
    if (c.fix && (c.status === 'fail' || c.status === 'unknown')) {
      const label = (key: 'cli.doctor.fix.console' | 'cli.doctor.fix.cli' | 'cli.doctor.fix.docs') =>
        t(key, undefined, locale);
      const width = Math.max(
        label('cli.doctor.fix.console').length,
        label('cli.doctor.fix.cli').length,
        label('cli.doctor.fix.docs').length,
      );
      lines.push(`${indent}${label('cli.doctor.fix.console').padEnd(width)}  ${c.fix.console}`);
      const [first = '', ...rest] = c.fix.cli.split('\n');
      lines.push(`${indent}${label('cli.doctor.fix.cli').padEnd(width)}  ${first}`);
      for (const more of rest) lines.push(`${indent}${' '.repeat(width)}  ${more}`);
      lines.push(`${indent}${label('cli.doctor.fix.docs').padEnd(width)}  ${c.fix.docs}`);
    }
  }
  lines.push('');
  const failed = d.checks.filter((c) => c.status === 'fail').length;
  lines.push(
    failed === 0
      ? t('cli.doctor.result.ok', undefined, locale)
      : t('cli.doctor.result.failed', { count: failed }, locale),
  );
  return lines.join('\n') + '\n';
}

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'cli.doctor.summary',
  description: 'cli.doctor.description',
  allowPositionals: true,
  options: {
    ...awsOptions,
    document: { type: 'string', description: 'cli.doctor.option.document', valueName: 'cli.value.document' },
    json: { type: 'boolean', description: 'cli.option.json' },
  },
  async run(ctx: CommandContext, args: ParsedArgs): Promise<number> {
    const target = targetArgument(args.positionals);
    const aws = await resolveAwsTarget(ctx, args.values, 'doctor');
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
        return EXIT_USAGE;
      }
      const { Doctor } = await import('../../core/doctor/doctor');
      const document = typeof args.values.document === 'string' ? args.values.document : undefined;
      const diagnosis = await new Doctor({ clients, logger, locale: ctx.locale }).diagnose({
        ...query,
        target: resolution.instanceId,
        ...(document ? { document } : {}),
      });
      ctx.stdout.write(
        args.values.json === true ? JSON.stringify(diagnosis, null, 2) + '\n' : formatDiagnosis(diagnosis, ctx.locale),
      );
      const nothingChecked = diagnosis.checks.every((c) => c.status === 'unknown');
      return diagnosis.ok && !nothingChecked ? EXIT_OK : EXIT_FAILURE;
    } finally {
      clients.dispose();
    }
  },
};
