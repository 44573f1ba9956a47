/**
 * The options every AWS-facing command shares (--profile, --region, --endpoint-url, --debug) and how they
 * resolve: flag, then environment, then the profile's settings.
 */
import { t } from '../../../shared/i18n/catalog';
import type { CliCommand, CommandContext, OptionSpec, ParsedValues } from '../command';
import { UsageError } from '../command';

export const awsOptions = {
  profile: { type: 'string', description: 'cli.option.profile', valueName: 'cli.value.name' },
  region: { type: 'string', description: 'cli.option.region', valueName: 'cli.value.region' },
  'endpoint-url': { type: 'string', description: 'cli.option.endpointUrl', valueName: 'cli.value.url' },
  debug: { type: 'boolean', description: 'cli.option.debug' },
} as const satisfies Record<string, OptionSpec>;

/** Used when neither the flags, the environment nor the profile name a region (with a note on stderr). */
export const FALLBACK_REGION = 'us-east-1';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export interface AwsTarget {
  profile: string;
  region: string;
  endpointUrl?: string;
  debug: boolean;
}

export async function resolveAwsTarget(
  ctx: CommandContext,
  values: ParsedValues,
  command: CliCommand['name'],
): Promise<AwsTarget> {
  const profile = str(values.profile) ?? nonEmpty(ctx.env.AWS_PROFILE) ?? 'default';
  const endpointUrl = str(values['endpoint-url']);
  if (endpointUrl !== undefined && !isHttpUrl(endpointUrl))
    throw new UsageError('cli.error.badEndpoint', { url: endpointUrl, command });
  let region = str(values.region) ?? nonEmpty(ctx.env.AWS_REGION) ?? nonEmpty(ctx.env.AWS_DEFAULT_REGION);
  if (region === undefined) {
    const { regionForProfile } = await import('../../core/aws/profiles');
    region = await regionForProfile(profile, { env: ctx.env });
  }
  if (region === undefined) {
    region = FALLBACK_REGION;
    ctx.stderr.write(t('cli.aws.regionFallback', { profile, region }, ctx.locale) + '\n');
  }
  if (!REGION.test(region)) throw new UsageError('error.REGION_INVALID', { region, command }, 'REGION_INVALID');
  return { profile, region, ...(endpointUrl ? { endpointUrl } : {}), debug: values.debug === true };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function str(value: ParsedValues[string]): string | undefined {
  return typeof value === 'string' ? nonEmpty(value) : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
