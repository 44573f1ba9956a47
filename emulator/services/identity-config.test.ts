/** `npm run emulator -- --identity <file>`: the program serves the accounts, roles and SSO of the file. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let child: ChildProcess | undefined;
let dir: string | undefined;

afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  child = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function start(args: string[]): Promise<{ url?: string; code?: number | null; stderr: string }> {
  child = spawn(process.execPath, ['--import', 'tsx', 'emulator/main.ts', '--port', '0', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve) => {
    let out = '';
    let stderr = '';
    child!.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ url: m[1], stderr });
    });
    child!.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    child!.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('emulator --identity', () => {
  it('serves the accounts and MFA roles of the identity file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'porthole-identity-file-'));
    const file = join(dir, 'identity.json');
    writeFileSync(
      file,
      JSON.stringify({
        credentials: [
          { accessKeyId: 'AKIAIDENTITYFILE0001', secretAccessKey: 'file-secret', accountId: '444444444444' },
        ],
        roles: [
          {
            arn: 'arn:aws:iam::555555555555:role/Ops',
            mfa: { serialNumber: 'arn:aws:iam::444444444444:mfa/u', code: '112233' },
          },
        ],
        sso: { accounts: [{ accountId: '555555555555', accountName: '本番', roles: ['ReadOnly'] }] },
      }),
    );
    const started = await start(['--identity', file, '--generate', '0']);
    expect(started.url).toBeDefined();
    const sts = new STSClient({
      endpoint: started.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAIDENTITYFILE0001', secretAccessKey: 'file-secret' },
      maxAttempts: 1,
    });
    try {
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('444444444444');
      const out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: 'arn:aws:iam::555555555555:role/Ops',
          RoleSessionName: 'file',
          SerialNumber: 'arn:aws:iam::444444444444:mfa/u',
          TokenCode: '112233',
        }),
      );
      expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::555555555555:assumed-role/Ops/file');
      const portal = await fetch(`${started.url}/assignment/accounts`);
      expect(portal.status).toBe(401);
    } finally {
      sts.destroy();
    }
  });

  it('refuses an invalid identity file with every problem listed, exit 2', async () => {
    dir = mkdtempSync(join(tmpdir(), 'porthole-identity-file-'));
    const file = join(dir, 'identity.json');
    writeFileSync(
      file,
      JSON.stringify({ roles: [{ arn: 'not-an-arn', mfa: { serialNumber: 'arn:x:mfa', code: '12' } }] }),
    );
    const r = await start(['--identity', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('roles.0.arn: must be a role ARN');
    expect(r.stderr).toContain('roles.0.mfa.code');
  });
});
