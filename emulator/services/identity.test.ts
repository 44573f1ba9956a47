/**
 * The emulator's identity services through real clients: STS AssumeRole (with and without MFA) via the SDK,
 * SSO OIDC device authorization via @aws-sdk/client-sso-oidc, the SSO portal via the AWS CLI v2, throttling
 * injection via SDK clients with retries off, and several accounts (credentials map to accounts).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeInstanceInformationCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from '@aws-sdk/client-sso-oidc';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../server';

const run = promisify(execFile);
const DEV = { accessKeyId: 'AKIAEMULATORDEV00001', secretAccessKey: 'dev-secret-dev-secret' };
const PROD = { accessKeyId: 'AKIAEMULATORPROD0001', secretAccessKey: 'prod-secret-prod-secret' };
const ROLE = 'arn:aws:iam::222222222222:role/Operator';
const MFA_ROLE = 'arn:aws:iam::222222222222:role/Admin';
const SERIAL = 'arn:aws:iam::111111111111:mfa/dev-user';

let emulator: Emulator;
let home: string;
const clients: { destroy(): void }[] = [];
const track = <T extends { destroy(): void }>(c: T): T => (clients.push(c), c);
const sts = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
  track(new STSClient({ endpoint: emulator.url, region: 'us-east-1', credentials, maxAttempts: 1 }));

async function failure(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'porthole-identity-'));
  emulator = await createEmulator({
    fleet: {
      accountId: '111111111111',
      instances: [
        { id: 'i-0000000000000a001', region: 'us-east-1', platform: 'ubuntu', privateIp: '10.0.0.1', name: 'dev-web' },
        {
          id: 'i-0000000000000b001',
          region: 'us-east-1',
          accountId: '222222222222',
          platform: 'amazon-linux',
          privateIp: '10.1.0.1',
          name: '本番-web',
        },
      ],
    },
    credentials: [
      { ...DEV, accountId: '111111111111' },
      { ...PROD, accountId: '222222222222' },
    ],
    roles: [
      { arn: ROLE, trustedAccounts: ['111111111111'] },
      { arn: MFA_ROLE, mfa: { serialNumber: SERIAL, code: '123456' } },
    ],
    sso: {
      startUrl: 'https://example.awsapps.com/start',
      accounts: [{ accountId: '222222222222', accountName: '本番', roles: ['ReadOnly', 'PowerUser'] }],
    },
  });
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await emulator.close();
  rmSync(home, { recursive: true, force: true });
});

describe('several accounts', () => {
  it('serves each caller the instances of its own account', async () => {
    const list = async (credentials: typeof DEV) => {
      const ec2 = track(new EC2Client({ endpoint: emulator.url, region: 'us-east-1', credentials, maxAttempts: 1 }));
      const out = await ec2.send(new DescribeInstancesCommand({}));
      return out.Reservations?.flatMap((r) => r.Instances?.map((i) => i.InstanceId) ?? []);
    };
    expect(await list(DEV)).toEqual(['i-0000000000000a001']);
    expect(await list(PROD)).toEqual(['i-0000000000000b001']);
    expect((await sts(PROD).send(new GetCallerIdentityCommand({}))).Account).toBe('222222222222');
  });
});

describe('STS AssumeRole', () => {
  it('issues temporary credentials that act in the role account until they expire', async () => {
    const out = await sts(DEV).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'porthole-test' }));
    const c = out.Credentials!;
    expect(c.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(c.Expiration!.getTime() - Date.now()).toBeGreaterThan(3500_000);
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::222222222222:assumed-role/Operator/porthole-test');
    const temp = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    const who = await sts(temp).send(new GetCallerIdentityCommand({}));
    expect(who).toMatchObject({ Account: '222222222222', Arn: out.AssumedRoleUser?.Arn });
    // Without the session token the key is refused, as AWS does.
    const noToken = await failure(sts({ ...temp, sessionToken: undefined }).send(new GetCallerIdentityCommand({})));
    expect(noToken.name).toBe('InvalidClientTokenId');
  });

  it('refuses untrusted callers and unknown roles with AccessDenied (403)', async () => {
    const untrusted = await failure(sts(PROD).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'x1' })));
    expect(untrusted.name).toBe('AccessDenied');
    expect(untrusted.$metadata?.httpStatusCode).toBe(403);
    expect(untrusted.message).toContain('is not authorized to perform: sts:AssumeRole on resource');
  });

  it('validates the request like AWS', async () => {
    const bad = await failure(
      sts(DEV).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'has space', DurationSeconds: 60 })),
    );
    expect(bad.name).toBe('ValidationError');
    expect(bad.message).toMatch(/^2 validation errors detected: .*roleSessionName.*durationSeconds/);
  });

  it('demands the MFA serial and the right code when the role requires MFA', async () => {
    const noMfa = await failure(sts(DEV).send(new AssumeRoleCommand({ RoleArn: MFA_ROLE, RoleSessionName: 'a1' })));
    expect(noMfa.name).toBe('AccessDenied');
    const wrong = await failure(
      sts(DEV).send(
        new AssumeRoleCommand({ RoleArn: MFA_ROLE, RoleSessionName: 'a1', SerialNumber: SERIAL, TokenCode: '000000' }),
      ),
    );
    expect(wrong.message).toContain('MultiFactorAuthentication failed');
    const ok = await sts(DEV).send(
      new AssumeRoleCommand({ RoleArn: MFA_ROLE, RoleSessionName: 'a1', SerialNumber: SERIAL, TokenCode: '123456' }),
    );
    expect(ok.AssumedRoleUser?.Arn).toBe('arn:aws:sts::222222222222:assumed-role/Admin/a1');
  });

  it('answers ExpiredToken once issued credentials expire', async () => {
    let now = Date.now();
    const clock = await createEmulator({
      fleet: { instances: [] },
      roles: [{ arn: ROLE }],
      now: () => new Date(now),
    });
    try {
      const client = track(
        new STSClient({
          endpoint: clock.url,
          region: 'us-east-1',
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
          maxAttempts: 1,
        }),
      );
      const c = (
        await client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'clock', DurationSeconds: 900 }))
      ).Credentials!;
      now += 901_000;
      const temp = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
      const ssm = track(new SSMClient({ endpoint: clock.url, region: 'us-east-1', credentials: temp, maxAttempts: 1 }));
      // The SDK signs with its own clock; the emulator's moved 15 min on, still inside the allowed skew.
      const expired = await failure(ssm.send(new DescribeInstanceInformationCommand({})));
      expect(expired.name).toBe('ExpiredTokenException');
    } finally {
      await clock.close();
    }
  });
});

describe('SSO OIDC device authorization and the SSO portal', () => {
  it('answers authorization_pending until the user approves, then issues a token the portal accepts', async () => {
    const oidc = track(new SSOOIDCClient({ endpoint: emulator.url, region: 'us-east-1', maxAttempts: 1 }));
    const client = await oidc.send(
      new RegisterClientCommand({ clientName: 'porthole', clientType: 'public', scopes: ['sso:account:access'] }),
    );
    expect(client.clientSecretExpiresAt! - client.clientIdIssuedAt!).toBeGreaterThan(0);
    const device = await oidc.send(
      new StartDeviceAuthorizationCommand({
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        startUrl: 'https://example.awsapps.com/start',
      }),
    );
    expect(device.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(device.verificationUriComplete).toContain(device.userCode);
    const tokenInput = {
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      grantType: 'urn:ietf:params:oauth:grant-type:device_code',
      deviceCode: device.deviceCode,
    };
    const pending = await failure(oidc.send(new CreateTokenCommand(tokenInput)));
    expect(pending.name).toBe('AuthorizationPendingException');
    expect((pending as unknown as { error?: string }).error).toBe('authorization_pending');

    // "Open" the verification URL: the emulator's page approves the code.
    const opened = await fetch(device.verificationUriComplete!);
    expect(opened.status).toBe(200);
    const token = await oidc.send(new CreateTokenCommand(tokenInput));
    expect(token).toMatchObject({ tokenType: 'Bearer', expiresIn: 28800 });
    expect(token.refreshToken).toBeDefined();
    const reused = await failure(oidc.send(new CreateTokenCommand(tokenInput)));
    expect(reused.name).toBe('InvalidGrantException');

    // The portal, through an independent client: the AWS CLI v2.
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      AWS_CONFIG_FILE: join(home, 'none'),
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const cli = (args: string[]) =>
      run('/usr/bin/aws', [...args, '--endpoint-url', emulator.url, '--region', 'us-east-1', '--output', 'json'], {
        env,
      });
    const accounts = JSON.parse((await cli(['sso', 'list-accounts', '--access-token', token.accessToken!])).stdout);
    expect(accounts.accountList).toEqual([
      { accountId: '222222222222', accountName: '本番', emailAddress: 'aws+222222222222@example.com' },
    ]);
    const roles = JSON.parse(
      (
        await cli([
          'sso',
          'list-account-roles',
          '--access-token',
          token.accessToken!,
          '--account-id',
          '222222222222',
          '--page-size',
          '1',
        ])
      ).stdout,
    );
    expect(roles.roleList.map((r: { roleName: string }) => r.roleName)).toEqual(['ReadOnly', 'PowerUser']);
    const creds = JSON.parse(
      (
        await cli([
          'sso',
          'get-role-credentials',
          '--access-token',
          token.accessToken!,
          '--account-id',
          '222222222222',
          '--role-name',
          'ReadOnly',
        ])
      ).stdout,
    ).roleCredentials;
    expect(creds.expiration).toBeGreaterThan(Date.now());
    const who = await sts({
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
    }).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toMatch(
      /^arn:aws:sts::222222222222:assumed-role\/AWSReservedSSO_ReadOnly_[0-9a-f]{16}\/porthole-user$/,
    );

    const forbidden = await cli([
      'sso',
      'get-role-credentials',
      '--access-token',
      token.accessToken!,
      '--account-id',
      '111111111111',
      '--role-name',
      'ReadOnly',
    ]).catch((e: { stderr: string }) => e.stderr);
    expect(forbidden).toContain('ForbiddenException');
    emulator.sso!.expireTokens();
    const expired = await cli(['sso', 'list-accounts', '--access-token', token.accessToken!]).catch(
      (e: { stderr: string }) => e.stderr,
    );
    expect(expired).toContain('UnauthorizedException');
  });
});

describe('throttling injection', () => {
  it('refuses calls with each service’s throttling error, per region, and serves the rest', async () => {
    emulator.throttler.setRules([{ rate: 1, regions: ['eu-west-1'] }]);
    try {
      const ssm = (region: string) =>
        track(new SSMClient({ endpoint: emulator.url, region, credentials: DEV, maxAttempts: 1 }));
      const ec2 = track(
        new EC2Client({ endpoint: emulator.url, region: 'eu-west-1', credentials: DEV, maxAttempts: 1 }),
      );
      const ssmError = await failure(ssm('eu-west-1').send(new DescribeInstanceInformationCommand({})));
      expect(ssmError.name).toBe('ThrottlingException');
      const ec2Error = await failure(ec2.send(new DescribeInstancesCommand({})));
      expect(ec2Error.name).toBe('RequestLimitExceeded');
      expect(ec2Error.$metadata?.httpStatusCode).toBe(503);
      await expect(ssm('us-east-1').send(new DescribeInstanceInformationCommand({}))).resolves.toBeDefined();
      // The SDK's standard retry rides out a partial throttle.
      emulator.throttler.setRules([{ rate: 0.5 }]);
      const retrying = track(
        new SSMClient({ endpoint: emulator.url, region: 'us-east-1', credentials: DEV, maxAttempts: 8 }),
      );
      for (let i = 0; i < 5; i++) await retrying.send(new DescribeInstanceInformationCommand({}));
      expect(emulator.throttler.refused).toBeGreaterThan(2);
    } finally {
      emulator.throttler.setRules([]);
    }
  });
});
