/**
 * The fleet and auth channels through the real composition and dispatcher (memory bridge) against the emulator:
 * what the renderer will do. An MFA profile's prompt arrives as an auth.mfaPrompt event and is answered on
 * auth.mfaAnswer; fleet.source events report progress; fleet.cached serves the last listing after a restart;
 * profiles.identity names the account; nothing crossing the bridge carries a secret.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../shared/ipc/dispatch';
import { createMemoryBridge } from '../../../shared/ipc/memory-bridge';
import { createEmulator, type Emulator } from '../../../emulator/server';
import type { Launcher } from '../base/launcher';
import { silentLogger } from '../base/logger';
import { createAppServices, type AppServices } from './composition';

const KEY = { accessKeyId: 'AKIAAPPFLEET00000001', secretAccessKey: 'app/fleet+secret/0123456789abcdefghijklmn' };
const SERIAL = 'arn:aws:iam::111111111111:mfa/me';
let emulator: Emulator;
let dir: string;
let services: AppServices | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-app-fleet-'));
  emulator = await createEmulator({
    fleet: {
      accountId: '111111111111',
      instances: [
        { id: 'i-00000000000000a01', region: 'us-east-1', platform: 'ubuntu', privateIp: '10.0.0.1', name: '開発-web' },
        {
          id: 'i-00000000000000b01',
          region: 'eu-west-1',
          accountId: '222222222222',
          platform: 'windows-server',
          privateIp: '10.1.0.1',
          name: 'prod-db',
          tags: { Environment: 'prod' },
        },
      ],
    },
    credentials: [{ ...KEY, accountId: '111111111111' }],
    roles: [{ arn: 'arn:aws:iam::222222222222:role/Admin', mfa: { serialNumber: SERIAL, code: '135790' } }],
    sso: {
      startUrl: 'https://corp.awsapps.com/start',
      accounts: [{ accountId: '333333333333', accountName: 'c', roles: ['R'] }],
    },
  });
  writeFileSync(
    join(dir, 'config'),
    [
      '[profile dev]',
      `aws_access_key_id = ${KEY.accessKeyId}`,
      `aws_secret_access_key = ${KEY.secretAccessKey}`,
      'region = us-east-1',
      '[profile prod]',
      'role_arn = arn:aws:iam::222222222222:role/Admin',
      'source_profile = dev',
      `mfa_serial = ${SERIAL}`,
      'region = eu-west-1',
      '[profile corp]',
      'sso_start_url = https://corp.awsapps.com/start',
      'sso_region = us-east-1',
      'sso_account_id = 333333333333',
      'sso_role_name = R',
      '',
    ].join('\n'),
  );
});

afterEach(() => {
  services?.dispose();
  services = undefined;
});

afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

/** This test opens links only. */
const refusingLauncher: Launcher = {
  openExternal: async () => undefined,
  openFile: async () => {
    throw new Error('not in this test');
  },
  spawn: async () => {
    throw new Error('not in this test');
  },
};

function start(launcher?: Pick<Launcher, 'openExternal'>) {
  services = createAppServices({
    ...(launcher ? { launcher: { ...refusingLauncher, ...launcher } } : {}),
    env: { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'), HOME: dir },
    logger: silentLogger,
    endpointUrl: emulator.url,
    dataDir: join(dir, 'data'),
  });
  return createMemoryBridge(
    createDispatcher(services.handlers, { isTrustedSender: () => true, events: services.events }),
  );
}

const sources = [
  { profile: 'dev', region: 'us-east-1' },
  { profile: 'prod', region: 'eu-west-1' },
];

describe('fleet and auth over the IPC contract', () => {
  it('asks for the MFA code in the renderer, lists both accounts, and caches the list for the next start', async () => {
    const bridge = start();
    const crossing: unknown[] = [];
    const progress: string[] = [];
    bridge.on('fleet.source', (s) => {
      crossing.push(s);
      progress.push(`${s.profile}:${s.state}`);
    });
    bridge.on('auth.mfaPrompt', (prompt) => {
      crossing.push(prompt);
      expect(prompt).toMatchObject({ profile: 'prod', serial: SERIAL });
      void bridge.invoke('auth.mfaAnswer', { id: prompt.id, code: '135790' }).then((r) => crossing.push(r));
    });
    const listed = await bridge.invoke('fleet.list', { sources });
    crossing.push(listed);
    expect(listed.ok).toBe(true);
    if (!listed.ok) return;
    expect(listed.value.instances.map((i) => [i.name, i.accountId, i.region, i.profile])).toEqual([
      ['prod-db', '222222222222', 'eu-west-1', 'prod'],
      ['開発-web', '111111111111', 'us-east-1', 'dev'],
    ]);
    expect(progress.sort()).toEqual(['dev:ok', 'prod:ok']);

    const identity = await bridge.invoke('profiles.identity', { profile: 'prod' });
    crossing.push(identity);
    expect(identity).toMatchObject({ ok: true, value: { accountId: '222222222222' } });
    expect(identity.ok && identity.value.expiresAt).toBeTruthy();
    const text = JSON.stringify(crossing);
    expect(text).not.toContain(KEY.secretAccessKey);
    expect(text).not.toMatch(/ASIA[A-Z2-7]{16}/);

    // Next start: the cached list shows before any AWS call.
    services!.dispose();
    const again = start();
    const cached = await again.invoke('fleet.cached', { sources });
    expect(cached.ok && cached.value.sources.map((s) => [s.profile, s.state, s.count])).toEqual([
      ['dev', 'cached', 1],
      ['prod', 'cached', 1],
    ]);
  });

  it('a cancelled MFA prompt fails that source only, with a reason', async () => {
    const bridge = start();
    bridge.on('auth.mfaPrompt', (prompt) => void bridge.invoke('auth.mfaAnswer', { id: prompt.id }));
    const listed = await bridge.invoke('fleet.list', { sources });
    expect(listed.ok && listed.value.sources.map((s) => s.error?.code ?? s.state)).toEqual([
      'ok',
      'CREDENTIALS_MISSING',
    ]);
    expect(listed.ok && listed.value.sources[1]?.error?.params?.detail).toBe('the MFA prompt was cancelled');
    const wrong = await bridge.invoke('auth.mfaAnswer', { id: 'x', code: '12345' });
    expect(wrong).toMatchObject({ ok: false, code: 'BAD_PAYLOAD' });
  });

  it('signs in with SSO: the code reaches the renderer that asked, the browser opens, the token is cached', async () => {
    const opened: string[] = [];
    const bridge = start({
      openExternal: async (url) => {
        opened.push(url);
        setTimeout(() => void fetch(url), 200); // the user approves in the browser
      },
    });
    const codes: { userCode: string; verificationUriComplete: string }[] = [];
    bridge.on('auth.ssoCode', (c) => codes.push(c));
    const result = await bridge.invoke('auth.ssoSignIn', { profile: 'corp' });
    expect(result).toMatchObject({ ok: true, value: { profile: 'corp', startUrl: 'https://corp.awsapps.com/start' } });
    expect(codes).toHaveLength(1);
    expect(opened).toEqual([codes[0]!.verificationUriComplete]);
    expect(JSON.stringify(result)).not.toMatch(/accessToken|aoa/);
    const { existsSync } = await import('node:fs');
    const { createHash } = await import('node:crypto');
    const key = createHash('sha1').update('https://corp.awsapps.com/start').digest('hex');
    expect(existsSync(join(dir, '.aws', 'sso', 'cache', `${key}.json`))).toBe(true);
  });

  it('refuses SSO sign-in for a profile that is not SSO, with a clear reason', async () => {
    const bridge = start();
    const result = await bridge.invoke('auth.ssoSignIn', { profile: 'dev' });
    expect(result).toMatchObject({ ok: false, code: 'PROFILE_INVALID' });
    expect(!result.ok && result.message).toContain('does not use IAM Identity Center');
  });
});
