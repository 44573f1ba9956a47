import { describe, expect, it } from 'vitest';
import { InstanceSchema } from '../../shared/model/instance';
import type { AwsClientFactoryOptions } from '../core/aws/clients';
import { fakeClientFactory, paged, type FakeHandler } from '../core/inventory/fake-clients';
import { main } from './main';
import { parseTagFilter } from './commands/list';
import { renderTable, truncate } from './table';

const infos = [
  { InstanceId: 'i-0aaa', PingStatus: 'Online', PlatformType: 'Linux', ResourceType: 'EC2Instance' },
  { InstanceId: 'i-0bbb', PingStatus: 'ConnectionLost', PlatformType: 'Windows', ResourceType: 'EC2Instance' },
];
const handlers: Record<string, FakeHandler> = {
  DescribeInstanceInformation: (input) => paged(infos, input, 'InstanceInformationList', 50),
  DescribeInstances: () => ({
    Reservations: [
      {
        OwnerId: '123',
        Instances: [
          {
            InstanceId: 'i-0aaa',
            PrivateIpAddress: '10.0.0.1',
            Tags: [
              { Key: 'Name', Value: 'ウェブ' },
              { Key: 'Env', Value: 'prod' },
            ],
          },
          {
            InstanceId: 'i-0bbb',
            PrivateIpAddress: '10.0.0.2',
            Tags: [
              { Key: 'Name', Value: 'ad' },
              { Key: 'Env', Value: 'dev' },
            ],
          },
        ],
      },
    ],
  }),
  GetCallerIdentity: () => ({ Account: '123' }),
};

async function run(argv: string[], options: { env?: NodeJS.ProcessEnv; handlers?: Record<string, FakeHandler> } = {}) {
  let stdout = '';
  let stderr = '';
  const made: AwsClientFactoryOptions[] = [];
  const fake = fakeClientFactory(options.handlers ?? handlers);
  const code = await main(argv, {
    env: options.env ?? { AWS_REGION: 'eu-west-1' },
    stdout: { write: (s) => void (stdout += s) },
    stderr: { write: (s) => void (stderr += s) },
    createAwsClients: async (o) => {
      made.push(o);
      return fake;
    },
  });
  return { code, stdout, stderr, made, calls: fake.calls };
}

describe('porthole CLI', () => {
  it('prints help with the commands and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: porthole <command> [options]');
    expect(r.stdout).toMatch(/^ {2}list {2,}List managed instances/m);
    const list = await run(['list', '--help']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('--endpoint-url <url>');
    expect(list.stdout).toContain('--tag <key=value>');
    expect((await run(['help', 'list'])).stdout).toBe(list.stdout);
  });

  it('shows help in Japanese when the locale is Japanese', async () => {
    const r = await run(['list', '--help'], { env: { LANG: 'ja_JP.UTF-8' } });
    expect(r.stdout).toContain('使い方: porthole list [オプション]');
    expect(r.stdout).toContain('--json');
  });

  it.each([
    [['frob'], 'Unknown command "frob".'],
    [['--frob'], 'Unknown option "--frob".'],
    [['list', '--frob'], 'Unknown option "--frob".'],
    [['list', '--region'], 'Option "--region" needs a value.'],
    [['list', 'extra'], 'Unexpected argument "extra".'],
    [['list', '--tag', '=v'], '"=v" is not a tag filter.'],
    [['list', '--endpoint-url', 'ftp://x'], '"ftp://x" is not an http:// or https:// URL.'],
    [['list', '--region', 'Mars'], '"Mars" is not a valid AWS region.'],
  ])('rejects %j with exit code 2 and a pointer to help', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`porthole: ${message}`);
    expect(r.stderr).toMatch(/Run "porthole( list)? --help" for usage\./);
    expect(r.stdout).toBe('');
    expect(r.calls).toEqual([]);
  });

  it('exits 2 with usage when no command is given', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: porthole');
  });

  it('lists instances as a table with aligned columns (wide characters included)', async () => {
    const r = await run(['list', '--profile', 'dev', '--endpoint-url', 'http://127.0.0.1:1']);
    expect(r.code).toBe(0);
    expect(r.made).toEqual([expect.objectContaining({ endpointUrl: 'http://127.0.0.1:1' })]);
    expect(r.calls.find((c) => c.command === 'DescribeInstanceInformation')).toMatchObject({
      profile: 'dev',
      region: 'eu-west-1',
    });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      'NAME    INSTANCE ID  PLATFORM  PING            PRIVATE IP  TAGS',
      'ad      i-0bbb       Windows   ConnectionLost  10.0.0.2    Env=dev',
      'ウェブ  i-0aaa       Linux     Online          10.0.0.1    Env=prod',
    ]);
  });

  it('prints JSON instances and filters by tags', async () => {
    const r = await run(['list', '--json', '--tag', 'Env=prod']);
    expect(r.code).toBe(0);
    const parsed = InstanceSchema.array().parse(JSON.parse(r.stdout));
    expect(parsed.map((i) => [i.instanceId, i.name])).toEqual([['i-0aaa', 'ウェブ']]);
    const none = await run(['list', '--tag', 'Env=qa', '--tag', 'Team']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('No instance in eu-west-1 has the tags Env=qa Team (2 instances listed).');
  });

  it('uses AWS_PROFILE and the profile region when no flags are given, and says when it falls back to us-east-1', async () => {
    const r = await run(['list', '--json'], { env: { AWS_PROFILE: 'ops', AWS_CONFIG_FILE: '/nonexistent/config' } });
    expect(r.code).toBe(0);
    expect(r.calls[0]).toMatchObject({ profile: 'ops', region: 'us-east-1' });
    expect(r.stderr).toContain('No region set for profile "ops"; using us-east-1.');
  });

  it('prints the catalog message for an AWS error, exits 1, and shows no secret or stack', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETKEY';
    const r = await run(['list'], {
      env: { AWS_REGION: 'eu-west-1', AWS_SECRET_ACCESS_KEY: secret },
      handlers: {
        ...handlers,
        DescribeInstanceInformation: () => {
          throw Object.assign(new Error(`The request signature we calculated does not match (${secret})`), {
            name: 'InvalidSignatureException',
          });
        },
      },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'porthole: AWS refused the credentials of profile "default". Check the access key and secret, or sign in again.\n',
    );
    expect(r.stdout).toBe('');
  });

  it('localises AWS errors by code', async () => {
    const r = await run(['list'], {
      env: { AWS_REGION: 'eu-west-1', LANG: 'ja_JP.UTF-8' },
      handlers: {
        ...handlers,
        DescribeInstanceInformation: () => {
          throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        },
      },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('porthole: https://ssm.eu-west-1.amazonaws.com の AWS に接続できませんでした。');
  });
});

describe('parseTagFilter', () => {
  it('splits at the first "=" and allows a bare key', () => {
    expect(parseTagFilter('Env=prod')).toEqual({ key: 'Env', value: 'prod' });
    expect(parseTagFilter('expr=a=b')).toEqual({ key: 'expr', value: 'a=b' });
    expect(parseTagFilter('Empty=')).toEqual({ key: 'Empty', value: '' });
    expect(parseTagFilter('チーム')).toEqual({ key: 'チーム' });
  });
});

describe('renderTable', () => {
  it('cuts lines to the terminal width without splitting wide characters', () => {
    const out = renderTable(['A', 'B'], [['x', '日本語のタグ']], { maxWidth: 8 });
    expect(out).toBe('A  B\nx  日本…\n');
    expect(truncate('abcdef', 4)).toBe('abc…');
  });
});
