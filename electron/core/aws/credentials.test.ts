import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PortholeError } from '../../../shared/errors';
import { CredentialService } from './credentials';
import { MfaPromptBroker } from './mfaBroker';

afterEach(() => {
  vi.useRealTimers();
});

describe('CredentialService sessions', () => {
  it('resolves a profile once for many concurrent callers and keeps the session until 5 minutes before expiry', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    let resolutions = 0;
    const service = new CredentialService({
      now: () => now,
      baseProvider: () => async () => {
        resolutions++;
        await new Promise((r) => setTimeout(r, 5));
        return {
          accessKeyId: `ASIA${resolutions}`,
          secretAccessKey: 's',
          sessionToken: 't',
          expiration: new Date(now.getTime() + 3600_000),
        };
      },
    });
    const provider = service.providerFor('prod');
    expect(service.providerFor('prod')).toBe(provider);
    const all = await Promise.all(Array.from({ length: 8 }, () => provider()));
    expect(new Set(all.map((c) => c.accessKeyId))).toEqual(new Set(['ASIA1']));
    now = new Date(now.getTime() + 54 * 60_000);
    expect((await provider()).accessKeyId).toBe('ASIA1');
    now = new Date(now.getTime() + 2 * 60_000); // inside the 5-minute margin
    expect((await provider()).accessKeyId).toBe('ASIA2');
    service.invalidate('prod');
    expect((await provider()).accessKeyId).toBe('ASIA3');
  });

  it('lets a failed resolution be retried', async () => {
    let fail = true;
    const service = new CredentialService({
      baseProvider: () => async () => {
        if (fail) throw new PortholeError('CREDENTIALS_MISSING', 'none');
        return { accessKeyId: 'AKIA', secretAccessKey: 's' };
      },
    });
    await expect(service.providerFor('x')()).rejects.toMatchObject({ code: 'CREDENTIALS_MISSING' });
    fail = false;
    await expect(service.providerFor('x')()).resolves.toMatchObject({ accessKeyId: 'AKIA' });
  });
});

describe('CredentialService with the SDK providers', () => {
  it('resolves static keys and credential_process profiles from the injected config files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'porthole-creds-'));
    try {
      const script = join(dir, 'creds.mjs');
      writeFileSync(
        script,
        "console.log(JSON.stringify({ Version: 1, AccessKeyId: 'AKIAPROCESS000000001', SecretAccessKey: 'p', SessionToken: 't', Expiration: '2099-01-01T00:00:00Z' }))",
      );
      writeFileSync(
        join(dir, 'config'),
        `[profile keys]\naws_access_key_id = AKIASTATIC0000000001\naws_secret_access_key = s\n` +
          `[profile proc]\ncredential_process = ${process.execPath} ${script}\n`,
      );
      const service = new CredentialService({
        env: { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'), HOME: dir },
      });
      expect(await service.providerFor('keys')()).toMatchObject({ accessKeyId: 'AKIASTATIC0000000001' });
      const proc = await service.providerFor('proc')();
      expect(proc).toMatchObject({ accessKeyId: 'AKIAPROCESS000000001', sessionToken: 't' });
      expect(proc.expiration?.toISOString()).toBe('2099-01-01T00:00:00.000Z');
      await expect(service.providerFor('missing')()).rejects.toMatchObject({ code: 'CREDENTIALS_MISSING' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses environment keys for the implicit default profile', async () => {
    const service = new CredentialService({
      env: { AWS_ACCESS_KEY_ID: 'AKIAENV0000000000001', AWS_SECRET_ACCESS_KEY: 'e' },
    });
    expect(await service.providerFor('default')()).toMatchObject({ accessKeyId: 'AKIAENV0000000000001' });
  });
});

describe('MfaPromptBroker', () => {
  it('announces one prompt per profile and device, resolves it with the answer', async () => {
    const announced: { id: string; profile: string; serial: string }[] = [];
    const broker = new MfaPromptBroker((r) => announced.push(r));
    const a = broker.prompt({ profile: 'prod', serial: 'arn:aws:iam::1:mfa/me' });
    const b = broker.prompt({ profile: 'prod', serial: 'arn:aws:iam::1:mfa/me' });
    expect(announced).toHaveLength(1);
    expect(broker.open()).toEqual(announced);
    expect(broker.answer('nope', '123456')).toBe(false);
    expect(broker.answer(announced[0]!.id, '123456')).toBe(true);
    expect(await a).toBe('123456');
    expect(await b).toBe('123456');
    expect(broker.open()).toEqual([]);
    broker.dispose();
  });

  it('fails a cancelled or unanswered prompt with a clear reason', async () => {
    vi.useFakeTimers();
    const broker = new MfaPromptBroker(() => undefined, 1000);
    const cancelled = broker.prompt({ profile: 'prod', serial: 's1' });
    broker.answer(broker.open()[0]!.id, undefined);
    await expect(cancelled).rejects.toMatchObject({
      code: 'CREDENTIALS_MISSING',
      params: { detail: 'the MFA prompt was cancelled' },
    });
    const late = broker.prompt({ profile: 'prod', serial: 's2' });
    const check = expect(late).rejects.toMatchObject({ params: { detail: 'no MFA code was entered in time' } });
    await vi.advanceTimersByTimeAsync(1001);
    await check;
    broker.dispose();
  });
});
