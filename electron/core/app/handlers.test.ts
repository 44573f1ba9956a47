import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Instance } from '../../../shared/model/instance';
import { createDispatcher } from '../../../shared/ipc/dispatch';
import { createMemoryBridge } from '../../../shared/ipc/memory-bridge';
import { silentLogger } from '../base/logger';
import { createAppServices, type AppServices } from './composition';
import { createHandlers, type InventoryPort } from './handlers';

const web: Instance = {
  instanceId: 'i-0aaa',
  name: 'ウェブ',
  platform: 'Linux',
  pingStatus: 'Online',
  region: 'eu-west-1',
  managed: true,
  hybrid: false,
  tags: [{ key: 'Environment', value: 'prod' }],
};

function sdkError(name: string, message: string, status: number): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

function bridgeFor(inventory: InventoryPort) {
  const handlers = createHandlers({
    inventory,
    listProfiles: async () => ({ profiles: [{ name: 'demo', kind: 'static', region: 'us-east-1' }] }),
    appInfo: { version: '1.2.3', host: 'web', endpointUrl: 'http://127.0.0.1:4566' },
    endpointFor: (service, region) => `http://127.0.0.1:4566/${service}/${region}`,
    now: () => new Date('2024-05-01T12:00:00Z'),
  });
  const dispatcher = createDispatcher(handlers, { isTrustedSender: () => true });
  return createMemoryBridge(dispatcher);
}

describe('app handlers through the real dispatcher', () => {
  it('lists instances with a timestamp', async () => {
    const bridge = bridgeFor({ list: async () => [web], listRegions: async () => [] });
    expect(await bridge.invoke('inventory.list', { profile: 'demo', region: 'eu-west-1' })).toEqual({
      ok: true,
      value: { instances: [web], fetchedAt: '2024-05-01T12:00:00.000Z' },
    });
  });

  it('reports app info with the endpoint override', async () => {
    const bridge = bridgeFor({ list: async () => [], listRegions: async () => [] });
    expect(await bridge.invoke('app.info', {})).toEqual({
      ok: true,
      value: { version: '1.2.3', host: 'web', endpointUrl: 'http://127.0.0.1:4566' },
    });
  });

  it('turns an AWS auth failure into AWS_AUTH_FAILED naming the profile, without the key id', async () => {
    const bridge = bridgeFor({
      list: async () => {
        throw sdkError(
          'UnrecognizedClientException',
          'The security token included in the request is invalid. AKIAIOSFODNN7EXAMPLE',
          400,
        );
      },
      listRegions: async () => [],
    });
    const result = await bridge.invoke('inventory.list', { profile: 'staging', region: 'eu-west-1' });
    expect(result).toMatchObject({ ok: false, code: 'AWS_AUTH_FAILED', params: { profile: 'staging' } });
    expect(JSON.stringify(result)).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });

  it('turns a refused connection into AWS_NETWORK naming the endpoint', async () => {
    const bridge = bridgeFor({
      list: async () => [],
      listRegions: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' });
      },
    });
    const result = await bridge.invoke('regions.list', { profile: 'demo' });
    expect(result).toMatchObject({ ok: false, code: 'AWS_NETWORK' });
    if (!result.ok) expect(result.message).toContain('http://127.0.0.1:4566/ec2/us-east-1');
  });
});

describe('createAppServices', () => {
  let dir: string | undefined;
  let services: AppServices | undefined;
  afterEach(async () => {
    services?.dispose();
    services = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('wires the real profile loader: profiles from the configured files, no key material', async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-app-'));
    await writeFile(join(dir, 'config'), '[profile demo]\nregion = ap-northeast-1\n[default]\nregion = us-east-1\n');
    await writeFile(
      join(dir, 'credentials'),
      '[demo]\naws_access_key_id = test\naws_secret_access_key = s3cr3t-value\n',
    );
    services = createAppServices({
      env: { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') },
      logger: silentLogger,
      endpointUrl: 'http://127.0.0.1:9',
      version: '0.1.0',
    });
    const bridge = createMemoryBridge(createDispatcher(services.handlers, { isTrustedSender: () => true }));
    const profiles = await bridge.invoke('profiles.list', {});
    expect(profiles.ok).toBe(true);
    if (!profiles.ok) return;
    expect(profiles.value.profiles.map((p) => p.name).sort()).toEqual(['default', 'demo']);
    expect(profiles.value.profiles.find((p) => p.name === 'demo')?.region).toBe('ap-northeast-1');
    expect(JSON.stringify(profiles)).not.toContain('s3cr3t-value');
    expect(await bridge.invoke('app.info', {})).toEqual({
      ok: true,
      value: { version: '0.1.0', host: 'web', endpointUrl: 'http://127.0.0.1:9' },
    });
  });
});
