/**
 * The user's AWS profiles, read with the SDK's own loader (the same files and rules as the SDK and CLI:
 * AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, `[profile x]` sections, sso-session sections).
 * Only names, regions and the kind of credentials leave here: never key material.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadSharedConfigFiles, readFile, type ParsedIniData } from '@smithy/shared-ini-file-loader';
import { PortholeError } from '../../../shared/errors';
import { t } from '../../../shared/i18n/catalog';
import type { Profile } from '../../../shared/model/instance';

export interface ProfileList {
  profiles: Profile[];
  defaultProfile?: string;
  defaultRegion?: string;
}

export async function listProfiles(options: { env?: NodeJS.ProcessEnv } = {}): Promise<ProfileList> {
  const env = options.env ?? process.env;
  const configFilepath = expandHome(nonEmpty(env.AWS_CONFIG_FILE) ?? join('~', '.aws', 'config'), env);
  const filepath = expandHome(nonEmpty(env.AWS_SHARED_CREDENTIALS_FILE) ?? join('~', '.aws', 'credentials'), env);

  // The SDK loader swallows unreadable or unparsable files (it returns {}); check them first so a broken
  // file is reported instead of silently showing no profiles.
  await Promise.all([checkFile(configFilepath), checkFile(filepath)]);
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ filepath, configFilepath, ignoreCache: true });

  const names = new Set<string>();
  for (const name of Object.keys(credentialsFile)) names.add(name);
  for (const name of Object.keys(configFile)) if (!isSpecialSection(name)) names.add(name);

  const envHasKeys = Boolean(nonEmpty(env.AWS_ACCESS_KEY_ID) && nonEmpty(env.AWS_SECRET_ACCESS_KEY));
  const envProfile = nonEmpty(env.AWS_PROFILE);
  const envRegion = nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  // Without AWS_PROFILE, `default` means "environment keys first" (as for the SDK and CLI).
  if (envHasKeys && !envProfile) names.add('default');

  const profiles: Profile[] = [...names]
    .sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)))
    .map((name) => {
      const merged = { ...configFile[name], ...credentialsFile[name] };
      const region = nonEmpty(configFile[name]?.region) ?? nonEmpty(credentialsFile[name]?.region);
      const kind: Profile['kind'] = name === 'default' && envHasKeys && !envProfile ? 'environment' : kindOf(merged);
      return region ? { name, region, kind } : { name, kind };
    });

  const defaultProfile = envProfile ?? (names.has('default') ? 'default' : undefined);
  const defaultRegion = envRegion ?? profiles.find((p) => p.name === defaultProfile)?.region;
  return {
    profiles,
    ...(defaultProfile ? { defaultProfile } : {}),
    ...(defaultRegion ? { defaultRegion } : {}),
  };
}

/** The region a profile uses: AWS_REGION / AWS_DEFAULT_REGION, then the profile's `region`. */
export async function regionForProfile(
  profile: string,
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<string | undefined> {
  const env = options.env ?? process.env;
  const fromEnv = nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  if (fromEnv) return fromEnv;
  const { profiles } = await listProfiles(options);
  return profiles.find((p) => p.name === profile)?.region;
}

function kindOf(section: ParsedIniData[string]): Profile['kind'] {
  if (section.sso_session || section.sso_start_url) return 'sso';
  if (section.role_arn) return 'assume-role';
  if (section.credential_process) return 'process';
  if (section.aws_access_key_id && section.aws_secret_access_key) return 'static';
  return 'unknown';
}

/** Sections the loader keeps next to profiles that are not profiles. */
function isSpecialSection(name: string): boolean {
  return name.startsWith('sso-session.') || name.startsWith('services.');
}

async function checkFile(path: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, { ignoreCache: true });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') return; // no file is fine: no profiles from it
    throw invalid(path, describeFsError(code, error));
  }
  const problem = lint(text);
  if (problem) throw invalid(path, problem);
}

/**
 * Finds what would make the SDK loader drop content silently. This is a check, not a parser: the
 * values are read by the SDK loader only.
 */
function lint(text: string): string | undefined {
  const lines = text.split(/\r?\n/);
  let seenSection = false;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').split(/(^|\s)[;#]/)[0]?.trim() ?? '';
    if (line === '') continue;
    if (line.startsWith('[')) {
      if (!line.endsWith(']')) return t('aws.profiles.unclosedSection', { line: i + 1 });
      const name = line.slice(1, -1).trim();
      if (name === '__proto__' || name === 'profile __proto__') return t('aws.profiles.badName', { line: i + 1, name });
      seenSection = true;
      continue;
    }
    if (!seenSection) return t('aws.profiles.outsideSection', { line: i + 1 });
    if (!line.includes('=')) return t('aws.profiles.notKeyValue', { line: i + 1 });
  }
  return undefined;
}

function invalid(file: string, reason: string): PortholeError {
  // `profile` is the file here: the whole file is unusable, not one profile.
  const params = { profile: file, file, detail: reason };
  return new PortholeError('PROFILE_INVALID', t('aws.profiles.fileProblem', { file, reason }), params);
}

function describeFsError(code: unknown, error: unknown): string {
  if (code === 'EACCES' || code === 'EPERM') return t('aws.profiles.unreadable');
  if (code === 'EISDIR') return t('aws.profiles.isDirectory');
  return error instanceof Error ? error.message : String(error);
}

function expandHome(path: string, env: NodeJS.ProcessEnv): string {
  if (!path.startsWith('~/') && path !== '~' && !path.startsWith('~\\')) return path;
  const home = nonEmpty(env.HOME) ?? nonEmpty(env.USERPROFILE) ?? homedir();
  return join(home, path.slice(1));
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
