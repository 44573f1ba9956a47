/** `bin/porthole.mjs` as a child process against the in-process emulator. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../emulator/server';
import { InstanceSchema } from '../../shared/model/instance';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'porthole.mjs');

let emulator: Emulator;
let dir: string;
let baseEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  emulator = await createEmulator();
  dir = mkdtempSync(join(tmpdir(), 'porthole-cli-it-'));
  writeFileSync(join(dir, 'config'), '[profile demo]\nregion = ap-northeast-1\n');
  writeFileSync(join(dir, 'credentials'), '[demo]\naws_access_key_id = test\naws_secret_access_key = test\n');
  baseEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
});

afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

function porthole(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...baseEnv, ...env },
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

describe('porthole (child process)', () => {
  it('list --endpoint-url --json prints the fleet joined with tags (environment keys)', async () => {
    const r = await porthole(['list', '--endpoint-url', emulator.url, '--region', 'us-east-1', '--json'], {
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const list = InstanceSchema.array().parse(JSON.parse(r.stdout));
    expect(list.length).toBeGreaterThanOrEqual(11);
    expect(list.find((i) => i.name === 'web-prod-1')?.tags).toContainEqual({ key: 'Team', value: 'storefront' });
    expect(list.find((i) => i.name === 'legacy-batch')?.pingStatus).toBe('NotManaged');
    expect(list.find((i) => i.instanceId.startsWith('mi-'))?.tags).toContainEqual({
      key: 'Location',
      value: 'tokyo-dc1',
    });
  });

  it('uses a profile from the config files and its region; prints a table with Japanese intact', async () => {
    const r = await porthole([
      'list',
      '--profile',
      'demo',
      '--endpoint-url',
      emulator.url,
      '--tag',
      'Environment=prod',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^NAME\s+INSTANCE ID\s+PLATFORM\s+PING\s+PRIVATE IP\s+TAGS$/m);
    expect(r.stdout).toContain('ウェブサーバー');
    expect(r.stdout).toContain('担当者=山田 太郎');
    expect(r.stdout).not.toContain('分析基盤-dev'); // Environment=dev is filtered out
  });

  it('--help exits 0', async () => {
    const r = await porthole(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: porthole <command> [options]');
  });

  it('a bad option exits 2 with a clear message', async () => {
    const r = await porthole(['list', '--colour']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('porthole: Unknown option "--colour".');
    expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+/); // no stack trace
  });

  it('a wrong secret exits 1 with the catalog message and no secret', async () => {
    const r = await porthole(['list', '--endpoint-url', emulator.url, '--region', 'us-east-1'], {
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'wrong-secret-value-123',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'porthole: AWS refused the credentials of profile "default". Check the access key and secret, or sign in again.\n',
    );
    expect(r.stdout).toBe('');
  });
});
