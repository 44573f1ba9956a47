/** The doctor's EC2/IAM/SSM operations through the official AWS CLI v2 (botocore's parsers), as a second client. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../server';

let emulator: Emulator;
let home: string;

function aws(args: string[], key = 'test'): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k, v]) => v !== undefined && !k.startsWith('AWS_')),
  ) as Record<string, string>;
  return new Promise((resolve) => {
    execFile(
      '/usr/bin/aws',
      ['--endpoint-url', emulator.url, '--output', 'json', ...args],
      {
        env: {
          ...base,
          HOME: home,
          LANG: 'C.UTF-8',
          AWS_ACCESS_KEY_ID: key,
          AWS_SECRET_ACCESS_KEY: key,
          AWS_DEFAULT_REGION: 'eu-north-1',
          AWS_CONFIG_FILE: join(home, 'config'),
          AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
          AWS_PAGER: '',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
        timeout: 60_000,
        encoding: 'utf8',
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  emulator = await createEmulator();
  home = await mkdtemp(join(tmpdir(), 'porthole-doctor-cli-'));
});
afterAll(async () => {
  await emulator.close();
  await rm(home, { recursive: true, force: true });
});

describe('doctor APIs through the AWS CLI', () => {
  it('iam simulate-principal-policy and get-instance-profile (signed for us-east-1, as IAM demands)', async () => {
    // With an endpoint URL the CLI signs for the configured region; IAM accepts only us-east-1 scopes.
    const wrong = await aws(['iam', 'get-instance-profile', '--instance-profile-name', 'SSMInstanceProfile']);
    expect(wrong.stderr).toContain('(SignatureDoesNotMatch)');
    expect(wrong.stderr).toContain('Credential should be scoped to a valid region');
    const sim = await aws([
      '--region',
      'us-east-1',
      'iam',
      'simulate-principal-policy',
      '--policy-source-arn',
      'arn:aws:iam::123456789012:role/SSMInstanceRole',
      '--action-names',
      'ssmmessages:OpenDataChannel',
      's3:DeleteBucket',
    ]);
    expect(sim.stderr).toBe('');
    const out = JSON.parse(sim.stdout) as {
      EvaluationResults: Array<{ EvalActionName: string; EvalDecision: string }>;
    };
    expect(out.EvaluationResults.map((r) => [r.EvalActionName, r.EvalDecision])).toEqual([
      ['ssmmessages:OpenDataChannel', 'allowed'],
      ['s3:DeleteBucket', 'implicitDeny'],
    ]);
    const profile = await aws([
      '--region',
      'us-east-1',
      'iam',
      'get-instance-profile',
      '--instance-profile-name',
      'SSMLoggingInstanceProfile',
    ]);
    expect(JSON.parse(profile.stdout)).toMatchObject({
      InstanceProfile: {
        InstanceProfileName: 'SSMLoggingInstanceProfile',
        Roles: [{ RoleName: 'SSMLoggingInstanceRole' }],
      },
    });
    const denied = await aws(
      [
        '--region',
        'us-east-1',
        'iam',
        'simulate-principal-policy',
        '--policy-source-arn',
        'arn:aws:iam::123456789012:user/porthole-limited',
        '--action-names',
        'ssm:StartSession',
      ],
      'limited',
    );
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('(AccessDenied)');
  });

  it('ec2 describe-route-tables / describe-vpc-endpoints / describe-security-groups and ssm get-document', async () => {
    const tables = JSON.parse(
      (
        await aws([
          'ec2',
          'describe-route-tables',
          '--filters',
          'Name=association.subnet-id,Values=subnet-0e1a2b3c4d5e60031',
        ])
      ).stdout,
    ) as { RouteTables: Array<{ Routes: Array<{ GatewayId?: string }> }> };
    expect(tables.RouteTables[0]!.Routes).toEqual([expect.objectContaining({ GatewayId: 'local' })]);
    const endpoints = JSON.parse(
      (await aws(['ec2', 'describe-vpc-endpoints', '--filters', 'Name=vpc-id,Values=vpc-0e1a2b3c4d5e60002'])).stdout,
    ) as { VpcEndpoints: Array<{ ServiceName: string; PrivateDnsEnabled: boolean }> };
    expect(endpoints.VpcEndpoints).toHaveLength(3);
    expect(endpoints.VpcEndpoints.every((e) => e.PrivateDnsEnabled)).toBe(true);
    const groups = JSON.parse(
      (await aws(['ec2', 'describe-security-groups', '--group-ids', 'sg-0e1a2b3c4d5e60021'])).stdout,
    ) as { SecurityGroups: Array<{ IpPermissions: Array<{ FromPort: number; IpRanges: Array<{ CidrIp: string }> }> }> };
    expect(groups.SecurityGroups[0]!.IpPermissions[0]).toMatchObject({
      FromPort: 443,
      IpRanges: [{ CidrIp: '10.41.0.0/16' }],
    });
    const doc = JSON.parse((await aws(['ssm', 'get-document', '--name', 'SSM-SessionManagerRunShell'])).stdout) as {
      Content: string;
    };
    expect(JSON.parse(doc.Content)).toMatchObject({ inputs: { s3BucketName: 'porthole-session-logs-123456789012' } });
  });
});
