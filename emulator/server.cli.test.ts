/** The emulator through the official AWS CLI v2 (/usr/bin/aws, botocore's signer and parsers) as a child process. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from './server';

const AWS_CLI = '/usr/bin/aws';

let emulator: Emulator;
let home: string;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function aws(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  // Start from a clean environment: nothing of the developer's AWS setup may leak in.
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k, v]) => v !== undefined && !k.startsWith('AWS_')),
  ) as Record<string, string>;
  return new Promise((resolve) => {
    execFile(
      AWS_CLI,
      ['--endpoint-url', emulator.url, '--output', 'json', ...args],
      {
        env: {
          ...base,
          HOME: home,
          LANG: 'C.UTF-8',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_CONFIG_FILE: join(home, 'config'),
          AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
          AWS_PAGER: '',
          AWS_EC2_METADATA_DISABLED: 'true',
          ...env,
        },
        timeout: 60_000,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function json<T>(result: CliResult): T {
  if (result.code !== 0) throw new Error(`aws exited with ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

beforeAll(async () => {
  if (!existsSync(AWS_CLI)) {
    throw new Error(`${AWS_CLI} (AWS CLI v2) is required by these tests: install it with \`apt-get install awscli\``);
  }
  home = await mkdtemp(join(tmpdir(), 'porthole-awscli-'));
  await writeFile(join(home, 'config'), '');
  await writeFile(join(home, 'credentials'), '');
  emulator = await createEmulator();
});

afterAll(async () => {
  await emulator?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('AWS CLI v2 against the emulator', () => {
  it('ssm describe-instance-information returns every managed demo node (the CLI paginates itself)', async () => {
    for (const extra of [[], ['--page-size', '5']]) {
      const out = json<{ InstanceInformationList: Array<{ InstanceId: string; PingStatus: string }> }>(
        await aws(['ssm', 'describe-instance-information', ...extra]),
      );
      const ids = out.InstanceInformationList.map((i) => i.InstanceId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual([
        'i-0a1b2c3d4e5f60001',
        'i-0a1b2c3d4e5f60002',
        'i-0a1b2c3d4e5f60003',
        'i-0a1b2c3d4e5f60004',
        'i-0a1b2c3d4e5f60005',
        'i-0a1b2c3d4e5f60006',
        'i-0a1b2c3d4e5f60007',
        'i-0a1b2c3d4e5f60008',
        'i-0a1b2c3d4e5f6000a',
        'mi-0a1b2c3d4e5f6000b',
      ]);
    }
  });

  it('ec2 describe-instances --filters Name=tag:Environment,Values=prod returns exactly the prod instances', async () => {
    const out = json<{
      Reservations: Array<{ Instances: Array<{ InstanceId: string; Tags: Array<{ Key: string; Value: string }> }> }>;
    }>(await aws(['ec2', 'describe-instances', '--filters', 'Name=tag:Environment,Values=prod']));
    const instances = out.Reservations.flatMap((r) => r.Instances);
    expect(instances.map((i) => i.InstanceId).sort()).toEqual([
      'i-0a1b2c3d4e5f60001',
      'i-0a1b2c3d4e5f60002',
      'i-0a1b2c3d4e5f60003',
      'i-0a1b2c3d4e5f60004',
      'i-0a1b2c3d4e5f60005',
      'i-0a1b2c3d4e5f60006',
    ]);
    for (const instance of instances) expect(instance.Tags).toContainEqual({ Key: 'Environment', Value: 'prod' });
  });

  it('keeps Japanese tags intact in ap-northeast-1', async () => {
    const out = json<{ Reservations: Array<{ Instances: Array<{ Tags: Array<{ Key: string; Value: string }> }> }> }>(
      await aws([
        'ec2',
        'describe-instances',
        '--region',
        'ap-northeast-1',
        '--filters',
        'Name=tag:Name,Values=ウェブサーバー',
      ]),
    );
    const tags = out.Reservations.flatMap((r) => r.Instances).map((i) => i.Tags);
    expect(tags).toHaveLength(1);
    expect(tags[0]).toContainEqual({ Key: '担当者', Value: '山田 太郎' });
  });

  it('sts get-caller-identity names the demo identity', async () => {
    const out = json<{ Account: string; Arn: string; UserId: string }>(await aws(['sts', 'get-caller-identity']));
    expect(out).toMatchObject({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/porthole-demo' });
  });

  it('a wrong secret fails with each service’s AWS error and a non-zero exit', async () => {
    const wrong = { AWS_SECRET_ACCESS_KEY: 'not-the-secret' };
    const cases: Array<[string[], string]> = [
      [['ssm', 'describe-instance-information'], 'InvalidSignatureException'],
      [['ec2', 'describe-instances'], 'AuthFailure'],
      [['sts', 'get-caller-identity'], 'SignatureDoesNotMatch'],
    ];
    const results = await Promise.all(cases.map(([args]) => aws(args, wrong)));
    results.forEach((result, index) => {
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(`(${cases[index]![1]})`);
      expect(result.stderr).not.toContain('not-the-secret');
    });
  });

  it('an unknown access key fails with UnrecognizedClientException for SSM', async () => {
    const result = await aws(['ssm', 'describe-instance-information'], { AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNKEY000000' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('(UnrecognizedClientException)');
    expect(result.stderr).toContain('The security token included in the request is invalid.');
  });
});
