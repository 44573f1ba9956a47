/** `porthole list` over several profiles and regions, with --query, --all-regions and --json, as a child process. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../../emulator/server';
import { InstanceSchema } from '../../../shared/model/instance';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'porthole.mjs');
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-northeast-1'];

let emulator: Emulator;
let dir: string;
let baseEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  const instances = ['111111111111', '222222222222'].flatMap((account, a) =>
    REGIONS.map((region, r) => ({
      id: `i-0000000000000${a}${r}01`,
      region,
      accountId: account,
      platform: r === 2 ? ('windows-server' as const) : ('ubuntu' as const),
      privateIp: `10.${a}.${r}.1`,
      name: `${a === 0 ? 'dev' : '本番'}-web-${region}`,
      tags: { Environment: a === 0 ? 'dev' : 'prod', チーム: '決済' },
    })),
  );
  emulator = await createEmulator({
    fleet: { accountId: '111111111111', instances },
    credentials: [
      { accessKeyId: 'AKIACLIDEV0000000001', secretAccessKey: 'dev-secret-value-0001', accountId: '111111111111' },
      { accessKeyId: 'AKIACLIPROD000000001', secretAccessKey: 'prod-secret-value-001', accountId: '222222222222' },
    ],
    throttle: [{ rate: 1, regions: ['ap-northeast-1'], accounts: ['222222222222'] }],
  });
  dir = mkdtempSync(join(tmpdir(), 'porthole-list-it-'));
  writeFileSync(join(dir, 'config'), '[profile dev]\nregion = us-east-1\n[profile prod]\nregion = eu-west-1\n');
  writeFileSync(
    join(dir, 'credentials'),
    '[dev]\naws_access_key_id = AKIACLIDEV0000000001\naws_secret_access_key = dev-secret-value-0001\n' +
      '[prod]\naws_access_key_id = AKIACLIPROD000000001\naws_secret_access_key = prod-secret-value-001\n',
  );
  baseEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
  };
});

afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

function porthole(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, '--endpoint-url', emulator.url], {
      cwd: ROOT,
      env: baseEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('porthole list over several profiles and regions', () => {
  it('merges profiles x regions with account and region columns; a failed source is on stderr, exit 1', async () => {
    const r = await porthole(['list', '--profile', 'dev', '--profile', 'prod', '--region', 'us-east-1,ap-northeast-1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'prod / ap-northeast-1: AWS is throttling requests. Porthole will retry; try again in a moment.\n',
    );
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+INSTANCE ID\s+ACCOUNT\s+REGION\s+PLATFORM\s+PING\s+PRIVATE IP\s+TAGS$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 1)[0])).toEqual([
      'dev-web-ap-northeast-1',
      'dev-web-us-east-1',
      '本番-web-us-east-1',
    ]);
    expect(lines[3]).toContain('222222222222');
    expect(lines[3]).toContain('チーム=決済');
  });

  it('filters with --query (negation, tags, Japanese) and prints JSON', async () => {
    const r = await porthole([
      'list',
      '--profile',
      'dev,prod',
      '--region',
      'us-east-1',
      '--region',
      'eu-west-1',
      '--query',
      'tag:チーム=決済 -tag:Environment=dev name:*web*',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const list = InstanceSchema.array().parse(JSON.parse(r.stdout));
    expect(list.map((i) => [i.name, i.accountId, i.region, i.profile])).toEqual([
      ['本番-web-eu-west-1', '222222222222', 'eu-west-1', 'prod'],
      ['本番-web-us-east-1', '222222222222', 'us-east-1', 'prod'],
    ]);
  });

  it('--all-regions lists every region the profile can use', async () => {
    const r = await porthole(['list', '--profile', 'dev', '--all-regions', '--query', 'platform:windows', '--json']);
    expect(r.code).toBe(0);
    expect(
      InstanceSchema.array()
        .parse(JSON.parse(r.stdout))
        .map((i) => i.region),
    ).toEqual(['ap-northeast-1']);
  });

  it('a bad query exits 2 and points at the problem', async () => {
    const r = await porthole(['list', '--profile', 'dev', '--query', 'tag:Env=prod platform:beos']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"beos" is not a platform value. Use one of: linux, windows, macos, unknown.');
    expect(r.stderr).toContain('  tag:Env=prod platform:beos\n                        ^^^^\n');
  });

  it('when every source fails, that error is the result', async () => {
    const r = await porthole(['list', '--profile', 'prod', '--region', 'ap-northeast-1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('porthole: AWS is throttling requests. Porthole will retry; try again in a moment.\n');
    expect(r.stdout).toBe('');
  });
});
