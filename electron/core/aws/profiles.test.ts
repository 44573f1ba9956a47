import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PortholeError } from '../../../shared/errors';
import { listProfiles, regionForProfile } from './profiles';

let dir: string;
let config: string;
let credentials: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-profiles-'));
  config = join(dir, 'config');
  credentials = join(dir, 'credentials');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const env = (extra: Record<string, string> = {}) => ({
  AWS_CONFIG_FILE: config,
  AWS_SHARED_CREDENTIALS_FILE: credentials,
  HOME: dir,
  ...extra,
});

describe('listProfiles', () => {
  it('reads profiles of both files with their region and kind, never key material', async () => {
    writeFileSync(
      config,
      [
        '[default]',
        'region = eu-west-1',
        '[profile admin]',
        'role_arn = arn:aws:iam::123456789012:role/Admin',
        'source_profile = default',
        'region = us-east-1',
        '[profile sso-dev]',
        'sso_session = corp',
        'sso_account_id = 123456789012',
        'sso_role_name = Dev',
        '[sso-session corp]',
        'sso_start_url = https://corp.awsapps.com/start',
        'sso_region = us-east-1',
        '[profile legacy-sso]',
        'sso_start_url = https://corp.awsapps.com/start',
        '[profile tool]',
        'credential_process = /usr/local/bin/creds --json',
        '[profile tokyo.prod]',
        'region = ap-northeast-1',
        '[services local]',
        'ssm =',
        '  endpoint_url = http://127.0.0.1:4566',
      ].join('\n'),
    );
    writeFileSync(
      credentials,
      [
        '[default]',
        'aws_access_key_id = AKIAEXAMPLEKEY123456',
        'aws_secret_access_key = s3cr3t/value',
        '[ci]',
        'aws_access_key_id = AKIAOTHER',
        'aws_secret_access_key = other',
      ].join('\n'),
    );
    const result = await listProfiles({ env: env() });
    expect(result).toEqual({
      profiles: [
        { name: 'default', region: 'eu-west-1', kind: 'static' },
        { name: 'admin', region: 'us-east-1', kind: 'assume-role' },
        { name: 'ci', kind: 'static' },
        { name: 'legacy-sso', kind: 'sso' },
        { name: 'sso-dev', kind: 'sso' },
        { name: 'tokyo.prod', region: 'ap-northeast-1', kind: 'unknown' },
        { name: 'tool', kind: 'process' },
      ],
      defaultProfile: 'default',
      defaultRegion: 'eu-west-1',
    });
    expect(JSON.stringify(result)).not.toContain('s3cr3t');
  });

  it('honours AWS_PROFILE, AWS_REGION and AWS_DEFAULT_REGION', async () => {
    writeFileSync(config, '[profile a]\nregion = us-west-2\n[profile b]\nregion = eu-central-1\n');
    expect(await listProfiles({ env: env({ AWS_PROFILE: 'b' }) })).toMatchObject({
      defaultProfile: 'b',
      defaultRegion: 'eu-central-1',
    });
    expect(await listProfiles({ env: env({ AWS_PROFILE: 'b', AWS_DEFAULT_REGION: 'sa-east-1' }) })).toMatchObject({
      defaultRegion: 'sa-east-1',
    });
    expect(
      await listProfiles({ env: env({ AWS_PROFILE: 'b', AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'x' }) }),
    ).toMatchObject({
      defaultRegion: 'ap-south-1',
    });
    expect(await regionForProfile('a', { env: env() })).toBe('us-west-2');
    expect(await regionForProfile('a', { env: env({ AWS_REGION: 'me-south-1' }) })).toBe('me-south-1');
  });

  it('shows environment keys as the default profile', async () => {
    const result = await listProfiles({
      env: env({ AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: 'hidden', AWS_REGION: 'us-east-2' }),
    });
    expect(result).toEqual({
      profiles: [{ name: 'default', kind: 'environment' }],
      defaultProfile: 'default',
      defaultRegion: 'us-east-2',
    });
  });

  it('returns nothing (no error) when the files do not exist', async () => {
    expect(await listProfiles({ env: env() })).toEqual({ profiles: [] });
  });

  it('reads ~/.aws from HOME when no file variables are set', async () => {
    mkdirSync(join(dir, '.aws'));
    writeFileSync(join(dir, '.aws', 'config'), '[profile home]\nregion = eu-north-1\n');
    expect((await listProfiles({ env: { HOME: dir } })).profiles).toEqual([
      { name: 'home', region: 'eu-north-1', kind: 'unknown' },
    ]);
  });

  it.each([
    ['[profile broken\nregion = x\n', /line 1: .*"\]"/],
    ['region = eu-west-1\n[default]\n', /line 1: a setting appears before/],
    ['[default]\njust some words\n', /line 2: expected "name = value"/],
    ['[__proto__]\nregion=x\n', /line 1: "__proto__"/],
  ])('rejects a broken config file with the file and the reason (%#)', async (text, reason) => {
    writeFileSync(config, text);
    const error = await listProfiles({ env: env() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortholeError);
    expect((error as PortholeError).code).toBe('PROFILE_INVALID');
    expect((error as PortholeError).message).toContain(config);
    expect((error as PortholeError).message).toMatch(reason);
  });

  it('rejects a file path that is a folder', async () => {
    mkdirSync(credentials);
    await expect(listProfiles({ env: env() })).rejects.toMatchObject({
      code: 'PROFILE_INVALID',
      message: expect.stringContaining(`${credentials} cannot be used: it is a folder`),
    });
  });
});
