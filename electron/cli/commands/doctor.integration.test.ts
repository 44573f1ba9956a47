/** `porthole doctor` in-process against the emulator's demo fleet: checklist, exit codes, --json, Japanese. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../../emulator/server';
import { createAwsClientFactory } from '../../core/aws/clients';
import type { Diagnosis } from '../../core/doctor/types';
import { main } from '../main';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await createEmulator();
});
afterAll(async () => {
  await emulator.close();
});

async function porthole(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_EC2_METADATA_DISABLED: 'true', ...env },
    stdout: { write: (s) => void (stdout += s) },
    stderr: { write: (s) => void (stderr += s) },
    createAwsClients: async (o) => createAwsClientFactory({ ...o, maxAttempts: 1 }),
  });
  return { code, stdout, stderr };
}

describe('porthole doctor', () => {
  it('prints the checklist with the cause and its fix, and exits 1 when a check fails (target by Name tag)', async () => {
    const r = await porthole(['doctor', 'doctor-no-profile', '--region', 'eu-north-1', '--endpoint-url', emulator.url]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Connect doctor: i-0e1a2b3c4d5e60003 in eu-north-1 (SSM-SessionManagerRunShell)');
    expect(r.stdout).toMatch(/✘ FAIL +Instance profile: The instance has no instance profile/);
    expect(r.stdout).toContain('AWS CLI  aws ec2 associate-iam-instance-profile --instance-id i-0e1a2b3c4d5e60003');
    expect(r.stdout).toContain('Docs     https://docs.aws.amazon.com/');
    expect(r.stdout).toMatch(/– skipped +Systems Manager sees the node/);
    expect(r.stdout).toContain('1 check(s) failed.');
  });

  it('exits 0 for a healthy instance', async () => {
    const r = await porthole([
      'doctor',
      'i-0a1b2c3d4e5f60001',
      '--region',
      'us-east-1',
      '--endpoint-url',
      emulator.url,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No check failed.');
    expect(r.stdout).not.toContain('FAIL');
  });

  it('--json prints the diagnosis; --document is checked', async () => {
    const r = await porthole([
      'doctor',
      'doctor-document-denied',
      '--region',
      'eu-central-1',
      '--endpoint-url',
      emulator.url,
      '--json',
    ]);
    expect(r.code).toBe(1);
    const d = JSON.parse(r.stdout) as Diagnosis;
    expect(d.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['user-start-session']);
    // Port forwarding in the same region is allowed: nothing fails.
    const port = await porthole([
      'doctor',
      'i-0f1a2b3c4d5e60001',
      '--region',
      'eu-central-1',
      '--endpoint-url',
      emulator.url,
      '--document',
      'AWS-StartPortForwardingSession',
    ]);
    expect(port.code).toBe(0);
  });

  it('prints Japanese under a Japanese locale, with Japanese instance names', async () => {
    const r = await porthole(['doctor', 'doctor-停止中', '--region', 'eu-north-1', '--endpoint-url', emulator.url], {
      LANG: 'ja_JP.UTF-8',
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('接続診断: i-0e1a2b3c4d5e60009');
    expect(r.stdout).toContain('インスタンスが stopped のため');
    expect(r.stdout).toContain('1 件の項目が不合格です。');
  });

  it('is listed in help', async () => {
    const r = await porthole(['--help']);
    expect(r.stdout).toMatch(/^ {2}doctor {2,}Check why a connection to an instance fails/m);
  });
});
