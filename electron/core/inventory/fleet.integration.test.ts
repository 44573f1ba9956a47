/**
 * The fleet against the emulator over real sockets, with the real SDK credential providers:
 * three profiles (static keys, assume-role with MFA, SSO via an sso-session) across three regions, one source
 * throttled until it fails; the SSO device flow end to end with the token then used by the AWS CLI v2; SSO
 * expiry during use; and no secret in any result, error or log line.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../../emulator/server';
import { createAwsClientFactory, type AwsClientFactory } from '../aws/clients';
import { CredentialService } from '../aws/credentials';
import { ssoSignIn, type SsoDeviceCode } from '../aws/ssoSignIn';
import type { Logger } from '../base/logger';
import { FleetService, type FleetSource } from './fleet';
import { InventoryService } from './inventory';

const run = promisify(execFile);
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-northeast-1'];
const DEV_KEY = { accessKeyId: 'AKIAFLEETDEV00000001', secretAccessKey: 'fleet/dev+secret/0123456789abcdefghijklm' };
const SERIAL = 'arn:aws:iam::111111111111:mfa/dev-user';
const START_URL = 'https://corp.awsapps.com/start';

let emulator: Emulator;
let dir: string;
let env: NodeJS.ProcessEnv;
let savedHome: string | undefined;
const logLines: string[] = [];
const logger: Logger = {
  debug: (m, f) => logLines.push(`${m} ${JSON.stringify(f ?? {})}`),
  info: (m, f) => logLines.push(`${m} ${JSON.stringify(f ?? {})}`),
  warn: (m, f) => logLines.push(`${m} ${JSON.stringify(f ?? {})}`),
  error: (m, f) => logLines.push(`${m} ${JSON.stringify(f ?? {})}`),
} as Logger;

function instances(account: string, prefix: string) {
  return REGIONS.flatMap((region, r) =>
    [1, 2].map((n) => ({
      id: `i-${account.slice(0, 1).repeat(8)}${r}${n}${'0'.repeat(7)}`,
      region,
      accountId: account,
      platform: 'amazon-linux' as const,
      privateIp: `10.${r}.${n}.${account.slice(0, 1)}`,
      name: `${prefix}-${region}-${n}`,
      tags: { Environment: prefix, 担当: '山田' },
    })),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-fleet-it-'));
  emulator = await createEmulator({
    fleet: {
      accountId: '111111111111',
      instances: [
        ...instances('111111111111', 'dev'),
        ...instances('222222222222', 'prod'),
        ...instances('333333333333', 'sso'),
      ],
    },
    credentials: [{ ...DEV_KEY, accountId: '111111111111' }],
    roles: [{ arn: 'arn:aws:iam::222222222222:role/Admin', mfa: { serialNumber: SERIAL, code: '246810' } }],
    sso: {
      startUrl: START_URL,
      accounts: [{ accountId: '333333333333', accountName: 'SSO 本番', roles: ['ReadOnly'] }],
      // Role credentials this short are inside the 5-minute refresh margin (the SDK's and CredentialService's) from
      // the moment they are issued, so every new call asks the portal again: the expiry test below sees the SSO
      // session end without waiting an hour. (301 s left a one-second window in which credentials fetched by the
      // previous test were still reused, and that test then saw no expiry.)
      roleCredentialSeconds: 240,
    },
    // The prod account is throttled in eu-west-1 on every call: that source fails after the SDK's retries.
    throttle: [{ rate: 1, regions: ['eu-west-1'], accounts: ['222222222222'] }],
  });
  const config = join(dir, 'config');
  writeFileSync(
    config,
    [
      '[profile dev]',
      `aws_access_key_id = ${DEV_KEY.accessKeyId}`,
      `aws_secret_access_key = ${DEV_KEY.secretAccessKey}`,
      'region = us-east-1',
      '',
      '[profile prod]',
      'role_arn = arn:aws:iam::222222222222:role/Admin',
      'source_profile = dev',
      `mfa_serial = ${SERIAL}`,
      'region = us-east-1',
      '',
      '[profile sso]',
      'sso_session = corp',
      'sso_account_id = 333333333333',
      'sso_role_name = ReadOnly',
      'region = us-east-1',
      '',
      '[sso-session corp]',
      `sso_start_url = ${START_URL}`,
      'sso_region = us-east-1',
      'sso_registration_scopes = sso:account:access',
      '',
    ].join('\n'),
  );
  env = {
    HOME: dir,
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  // The SDK reads the SSO token cache under the process's home folder.
  savedHome = process.env.HOME;
  process.env.HOME = dir;
});

afterAll(async () => {
  if (savedHome === undefined) delete process.env.HOME;
  else process.env.HOME = savedHome;
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Rig {
  credentials: CredentialService;
  clients: AwsClientFactory;
  fleet: FleetService;
  prompts: string[];
  dispose(): void;
}

function rig(): Rig {
  const prompts: string[] = [];
  const credentials = new CredentialService({
    env,
    endpointUrl: emulator.url,
    logger,
    mfaPrompt: async ({ profile, serial }) => {
      prompts.push(`${profile} ${serial}`);
      return '246810';
    },
  });
  const clients = createAwsClientFactory({
    endpointUrl: emulator.url,
    env,
    logger,
    credentialsFor: (p) => credentials.providerFor(p),
    maxAttempts: 2,
  });
  const fleet = new FleetService({ inventory: new InventoryService({ clients, logger }), logger });
  return {
    credentials,
    clients,
    fleet,
    prompts,
    dispose() {
      fleet.dispose();
      clients.dispose();
    },
  };
}

const SOURCES: FleetSource[] = ['dev', 'prod', 'sso'].flatMap((profile) =>
  REGIONS.map((region) => ({ profile, region })),
);
const states = (sources: readonly { profile: string; region: string; state: string; error?: { code: string } }[]) =>
  Object.fromEntries(sources.map((s) => [`${s.profile}/${s.region}`, s.error?.code ?? s.state]));

describe('fleet over three profiles x three regions', () => {
  let r: Rig;
  beforeAll(() => {
    r = rig();
  });
  afterAll(() => r.dispose());

  it('lists static and MFA role profiles, reports the throttled source and the SSO profile needing sign-in', async () => {
    const result = await r.fleet.list(SOURCES);
    expect(states(result.sources)).toEqual({
      'dev/us-east-1': 'ok',
      'dev/eu-west-1': 'ok',
      'dev/ap-northeast-1': 'ok',
      'prod/us-east-1': 'ok',
      'prod/eu-west-1': 'AWS_THROTTLED',
      'prod/ap-northeast-1': 'ok',
      'sso/us-east-1': 'SSO_SIGN_IN_REQUIRED',
      'sso/eu-west-1': 'SSO_SIGN_IN_REQUIRED',
      'sso/ap-northeast-1': 'SSO_SIGN_IN_REQUIRED',
    });
    const sso = result.sources.find((s) => s.profile === 'sso')!;
    expect(sso.error?.params).toMatchObject({ profile: 'sso', action: 'ssoSignIn', startUrl: START_URL });
    // The MFA code was asked once for the role session shared by every region and service.
    expect(r.prompts).toEqual([`prod ${SERIAL}`]);
    expect(result.instances).toHaveLength(10);
    const prod = result.instances.filter((i) => i.profile === 'prod');
    expect(prod.map((i) => [i.accountId, i.region])).toEqual([
      ['222222222222', 'ap-northeast-1'],
      ['222222222222', 'ap-northeast-1'],
      ['222222222222', 'us-east-1'],
      ['222222222222', 'us-east-1'],
    ]);
    expect(result.instances.every((i) => i.tags.some((t) => t.key === '担当' && t.value === '山田'))).toBe(true);
  });

  it('signs in with the SSO device flow, writes the CLI token cache, then lists the SSO account', async () => {
    const codes: SsoDeviceCode[] = [];
    const opened: string[] = [];
    const result = await ssoSignIn(
      'sso',
      {
        env,
        endpointUrl: emulator.url,
        logger,
        // The "browser": opening the verification page approves the code in the emulator.
        launcher: {
          openExternal: async (url) => {
            opened.push(url);
            setTimeout(() => void fetch(url), 300);
          },
        },
      },
      { onCode: (c) => codes.push(c) },
    );
    expect(codes).toHaveLength(1);
    expect(opened).toEqual([codes[0]!.verificationUriComplete]);
    expect(opened[0]).toContain(codes[0]!.userCode);
    const file = join(dir, '.aws', 'sso', 'cache', `${createHash('sha1').update('corp').digest('hex')}.json`);
    expect(result.cacheFile).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const token = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(Object.keys(token).sort()).toEqual(
      [
        'accessToken',
        'clientId',
        'clientSecret',
        'expiresAt',
        'refreshToken',
        'region',
        'registrationExpiresAt',
        'startUrl',
      ].sort(),
    );
    expect(token).toMatchObject({ startUrl: START_URL, region: 'us-east-1' });
    expect(token.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    r.credentials.invalidate('sso');
    const listed = await r.fleet.list(SOURCES);
    expect(states(listed.sources)).toMatchObject({
      'sso/us-east-1': 'ok',
      'sso/eu-west-1': 'ok',
      'sso/ap-northeast-1': 'ok',
      'prod/eu-west-1': 'AWS_THROTTLED',
    });
    expect(listed.instances).toHaveLength(16);
    expect(r.prompts).toHaveLength(1); // the role session is still cached

    const identities = await Promise.all(['dev', 'prod', 'sso'].map((p) => r.credentials.identity(p, r.clients)));
    expect(identities.map((i) => [i.profile, i.accountId, i.expiresAt !== undefined])).toEqual([
      ['dev', '111111111111', false],
      ['prod', '222222222222', true],
      ['sso', '333333333333', true],
    ]);
    expect(identities[1]!.arn).toMatch(/^arn:aws:sts::222222222222:assumed-role\/Admin\//);

    // The AWS CLI v2 reads the same token file. CLI 2.9 has no AWS_ENDPOINT_URL_SSO, so its SSO portal endpoint is
    // pointed at the emulator with a data-path endpoint rule set (AWS_DATA_PATH); the token comes from the cache.
    const dataPath = join(dir, 'aws-data');
    mkdirSync(join(dataPath, 'sso', '2019-06-10'), { recursive: true });
    writeFileSync(
      join(dataPath, 'sso', '2019-06-10', 'endpoint-rule-set-1.json'),
      JSON.stringify(ruleSet(emulator.url)),
    );
    const cli = await run(
      '/usr/bin/aws',
      ['sts', 'get-caller-identity', '--profile', 'sso', '--endpoint-url', emulator.url, '--output', 'json'],
      { env: { PATH: process.env.PATH ?? '', ...env, AWS_DATA_PATH: dataPath } },
    );
    expect(JSON.parse(cli.stdout)).toMatchObject({ Account: '333333333333' });
  });

  it('after the SSO session expires, new calls of the SSO profile say "sign in again"; other profiles go on', async () => {
    emulator.sso!.expireTokens();
    r.credentials.invalidate('sso');
    const result = await r.fleet.list(SOURCES);
    const sso = result.sources.filter((s) => s.profile === 'sso');
    expect(sso.map((s) => s.error?.code)).toEqual([
      'CREDENTIALS_EXPIRED',
      'CREDENTIALS_EXPIRED',
      'CREDENTIALS_EXPIRED',
    ]);
    expect(sso[0]!.error?.params).toMatchObject({ action: 'ssoSignIn', profile: 'sso' });
    expect(sso[0]!.error?.message).toBe('The credentials of profile "sso" have expired. Sign in again.');
    expect(result.sources.filter((s) => s.profile === 'dev').every((s) => s.state === 'ok')).toBe(true);
  });

  it('never puts a secret in results, errors or log lines', async () => {
    const token = JSON.parse(
      readFileSync(
        join(dir, '.aws', 'sso', 'cache', `${createHash('sha1').update('corp').digest('hex')}.json`),
        'utf8',
      ),
    ) as Record<string, string>;
    const prodCredentials = await r.credentials.providerFor('prod')();
    const secrets = [
      DEV_KEY.secretAccessKey,
      prodCredentials.secretAccessKey,
      prodCredentials.sessionToken!,
      token.accessToken!,
      token.refreshToken!,
      token.clientSecret!,
    ];
    const result = await r.fleet.list(SOURCES);
    const identity = await r.credentials.identity('prod', r.clients);
    const haystack = JSON.stringify(result) + JSON.stringify(identity) + logLines.join('\n');
    expect(logLines.length).toBeGreaterThan(5);
    for (const secret of secrets) expect(haystack).not.toContain(secret);
  });
});

/** A one-rule endpoint rule set sending every SSO portal call to `url` (test-only CLI data path). */
function ruleSet(url: string) {
  return {
    version: '1.0',
    parameters: {
      Region: { builtIn: 'AWS::Region', required: false, documentation: 'region', type: 'String' },
      UseDualStack: {
        builtIn: 'AWS::UseDualStack',
        required: true,
        default: false,
        documentation: 'dual',
        type: 'Boolean',
      },
      UseFIPS: { builtIn: 'AWS::UseFIPS', required: true, default: false, documentation: 'fips', type: 'Boolean' },
      Endpoint: { builtIn: 'SDK::Endpoint', required: false, documentation: 'endpoint', type: 'String' },
    },
    rules: [{ conditions: [], endpoint: { url, properties: {}, headers: {} }, type: 'endpoint' }],
  };
}
