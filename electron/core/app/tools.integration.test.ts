/**
 * The issue-7 channels through the real composition and dispatcher (memory bridge) against the emulator's demo
 * fleet: doctor.diagnose in the renderer's language, audit.preferences from the region's session preferences, and
 * a real shell session recorded to an asciicast file, found by its output and read back.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../../shared/errors';
import { createDispatcher } from '../../../shared/ipc/dispatch';
import { createMemoryBridge } from '../../../shared/ipc/memory-bridge';
import { createEmulator, type Emulator } from '../../../emulator/server';
import { sessionsPlugin } from '../../../emulator/sessions/install';
import { silentLogger } from '../base/logger';
import { RECORDINGS_DIR } from '../audit';
import { createAppServices, type AppServices } from './composition';

let emulator: Emulator;
let dir: string;
let services: AppServices | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-app-tools-'));
  emulator = await createEmulator({ plugins: [sessionsPlugin({ pacing: false })] });
  writeFileSync(join(dir, 'config'), '[profile demo]\nregion = us-east-1\n');
  writeFileSync(join(dir, 'credentials'), '[demo]\naws_access_key_id = test\naws_secret_access_key = test\n');
});

afterEach(async () => {
  await services?.closeSessions();
  services?.dispose();
  services = undefined;
});

afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

function start() {
  services = createAppServices({
    env: { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), HOME: dir },
    logger: silentLogger,
    endpointUrl: emulator.url,
    dataDir: join(dir, 'data'),
  });
  return createMemoryBridge(
    createDispatcher(services.handlers, { isTrustedSender: () => true, events: services.events }),
  );
}

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.value;
}

async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('doctor, session preferences and recordings over the IPC contract', () => {
  it('diagnoses a broken instance in Japanese, naming only its cause', async () => {
    const bridge = start();
    const d = value(
      await bridge.invoke('doctor.diagnose', {
        profile: 'demo',
        region: 'eu-north-1',
        target: 'i-0e1a2b3c4d5e60003',
        locale: 'ja',
      }),
    );
    expect(d.ok).toBe(false);
    expect(d.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['instance-profile']);
    const failed = d.checks.find((c) => c.id === 'instance-profile')!;
    expect(failed.summary).toMatch(/[\u3040-\u30ff]/);
    expect(failed.fix?.cli).toContain('i-0e1a2b3c4d5e60003');
  });

  it('says whether sessions are recorded server-side and encrypted, per region', async () => {
    const bridge = start();
    const where = (region: string) => bridge.invoke('audit.preferences', { profile: 'demo', region });
    expect(value(await where('eu-north-1'))).toEqual({
      configured: true,
      s3BucketName: 'porthole-session-logs-123456789012',
      s3KeyPrefix: 'eu-north-1/',
      kmsKeyId: 'alias/porthole-session',
      recorded: true,
      encrypted: true,
    });
    // Preferences saved, but no logging or KMS.
    expect(value(await where('eu-central-1'))).toEqual({ configured: true, recorded: false, encrypted: false });
    // Never saved: the document does not exist.
    expect(value(await where('us-east-1'))).toEqual({ configured: false, recorded: false, encrypted: false });
  });

  it('records a shell session once recording is on, and finds and reads it back', async () => {
    const bridge = start();
    expect(value(await bridge.invoke('audit.settings', {}))).toEqual({ enabled: false });
    value(await bridge.invoke('audit.setSettings', { enabled: true }));

    let output = '';
    bridge.on('terminal.output', ({ id, data }) => {
      output += data;
      bridge.send('terminal.ack', { id, chars: data.length });
    });
    const session = value(
      await bridge.invoke('session.start', {
        profile: 'demo',
        region: 'us-east-1',
        target: 'i-0a1b2c3d4e5f60001',
        title: 'ウェブ本番',
        cols: 90,
        rows: 25,
      }),
    );
    value(await bridge.invoke('session.attach', { id: session.id }));
    await until(() => /[$#] ?$/m.test(output));
    bridge.send('terminal.input', { id: session.id, data: 'echo 記録-$((20+22))\r' });
    await until(() => output.includes('記録-42'));
    value(await bridge.invoke('session.close', { id: session.id }));

    await until(async () => value(await bridge.invoke('audit.search', { query: '記録-42' })).recordings.length === 1);
    const [found] = value(await bridge.invoke('audit.search', { query: '記録-42' })).recordings;
    expect(found).toMatchObject({ title: 'ウェブ本番', instanceId: 'i-0a1b2c3d4e5f60001', region: 'us-east-1' });
    expect(found!.match).toContain('記録-42');
    expect(statSync(join(dir, 'data', RECORDINGS_DIR, found!.id)).mode & 0o777).toBe(0o600);

    const cast = value(await bridge.invoke('audit.read', { id: found!.id }));
    expect([cast.width, cast.height]).toEqual([90, 25]);
    expect(cast.events.map((e) => e[2]).join('')).toContain('記録-42');

    const missing = await bridge.invoke('audit.read', { id: 'gone.cast' });
    expect(missing.ok ? 'ok' : missing.code).toBe('RECORDING_NOT_FOUND');
  });
});
