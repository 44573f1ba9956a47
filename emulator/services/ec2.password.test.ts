/**
 * EC2 GetPasswordData: the Windows administrator password encrypted with the instance's key pair, checked with the
 * official AWS CLI v2 (`--priv-launch-key` decrypts it with botocore's own RSA code) and with our client's decryption.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EC2Client, GetPasswordDataCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptWindowsPassword, fetchWindowsPassword } from '../../electron/core/tunnels/rdp';
import { Fleet } from '../fleet/fleet';
import { createEmulator, type Emulator } from '../server';

const AWS_CLI = '/usr/bin/aws';
const PASSWORD = 'Tr0ub4dor&3-パスワード';
const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
});
const other = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
});

const ids = { win: 'i-0f0e0d0c0b0a00001', noKey: 'i-0f0e0d0c0b0a00002', linux: 'i-0f0e0d0c0b0a00003' };
let emulator: Emulator;
let dir: string;
let ec2: EC2Client;

beforeAll(async () => {
  emulator = await createEmulator({
    fleet: {
      instances: [
        {
          id: ids.win,
          region: 'us-east-1',
          platform: 'windows-server',
          privateIp: '10.9.0.1',
          keyName: 'ウィンドウズ鍵',
          keyPairPublicKey: keys.publicKey,
          windowsPassword: PASSWORD,
        },
        { id: ids.noKey, region: 'us-east-1', platform: 'windows-server', privateIp: '10.9.0.2' },
        { id: ids.linux, region: 'us-east-1', platform: 'amazon-linux', privateIp: '10.9.0.3', keyName: 'linux' },
      ],
    },
  });
  dir = mkdtempSync(join(tmpdir(), 'porthole-password-'));
  writeFileSync(join(dir, 'key.pem'), keys.privateKey, { mode: 0o600 });
  ec2 = new EC2Client({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});

afterAll(async () => {
  ec2?.destroy();
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function aws(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
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
          HOME: dir,
          LANG: 'C.UTF-8',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_CONFIG_FILE: join(dir, 'none'),
          AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
          AWS_PAGER: '',
        },
        timeout: 60_000,
        encoding: 'utf8',
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('EC2 GetPasswordData', () => {
  it('the AWS CLI decrypts it with the key pair file (--priv-launch-key)', async () => {
    const r = await aws([
      'ec2',
      'get-password-data',
      '--instance-id',
      ids.win,
      '--priv-launch-key',
      join(dir, 'key.pem'),
    ]);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { InstanceId: string; PasswordData: string; Timestamp: string };
    expect(out.InstanceId).toBe(ids.win);
    expect(out.PasswordData).toBe(PASSWORD);
    expect(Number.isNaN(Date.parse(out.Timestamp))).toBe(false);
  });

  it('returns the same base64 data each time; our client decrypts it; the wrong key is a clear error', async () => {
    const a = await ec2.send(new GetPasswordDataCommand({ InstanceId: ids.win }));
    const b = await ec2.send(new GetPasswordDataCommand({ InstanceId: ids.win }));
    expect(a.PasswordData).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(a.PasswordData!, 'base64')).toHaveLength(256);
    expect(b.PasswordData).toBe(a.PasswordData);
    expect(a.PasswordData).not.toContain(PASSWORD);
    expect(decryptWindowsPassword(a.PasswordData!, keys.privateKey)).toBe(PASSWORD);
    expect(
      await fetchWindowsPassword(ec2, { profile: 'p', region: 'us-east-1', instanceId: ids.win }, keys.privateKey),
    ).toBe(PASSWORD);
    expect(() => decryptWindowsPassword(a.PasswordData!, other.privateKey)).toThrow(
      expect.objectContaining({ code: 'KEY_PAIR_INVALID' }),
    );
    expect(() => decryptWindowsPassword(a.PasswordData!, 'not a key')).toThrow(/not a PEM private key/);
    const ed = generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    expect(() => decryptWindowsPassword(a.PasswordData!, ed.privateKey as unknown as string)).toThrow(/RSA key pair/);
  });

  it('is empty for instances without a password (no key pair, not Windows)', async () => {
    for (const id of [ids.noKey, ids.linux]) {
      const r = await ec2.send(new GetPasswordDataCommand({ InstanceId: id }));
      expect(r.InstanceId).toBe(id);
      expect(r.PasswordData ?? '').toBe('');
      expect(
        await fetchWindowsPassword(ec2, { profile: 'p', region: 'us-east-1', instanceId: id }, keys.privateKey),
      ).toBeUndefined();
    }
  });

  it('unknown and malformed ids get EC2 errors', async () => {
    await expect(ec2.send(new GetPasswordDataCommand({ InstanceId: 'i-0123456789abcdef9' }))).rejects.toMatchObject({
      name: 'InvalidInstanceID.NotFound',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(ec2.send(new GetPasswordDataCommand({ InstanceId: 'web-1' }))).rejects.toMatchObject({
      name: 'InvalidInstanceID.Malformed',
    });
    await expect(ec2.send(new GetPasswordDataCommand({ InstanceId: ids.win, DryRun: true }))).rejects.toMatchObject({
      name: 'DryRunOperation',
    });
  });

  it('the fleet file refuses a password without the key pair it is encrypted with', () => {
    expect(() =>
      Fleet.fromJson({
        instances: [
          { id: ids.win, region: 'us-east-1', platform: 'windows-server', privateIp: '10.9.0.1', windowsPassword: 'x' },
        ],
      }),
    ).toThrow(/keyPairPublicKey/);
  });
});
