/** The real client stack (SDK, SigV4, credentials from profile files) against the real emulator over loopback. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEmulator, type Emulator } from '../../../emulator/server';
import { InstanceSchema, type Instance } from '../../../shared/model/instance';
import { createAwsClientFactory, type AwsClientFactory } from '../aws/clients';
import { listProfiles } from '../aws/profiles';
import { InventoryService } from './inventory';

let emulator: Emulator;
let dir: string;
let env: NodeJS.ProcessEnv;
let factory: AwsClientFactory | undefined;

beforeAll(async () => {
  emulator = await createEmulator();
  dir = mkdtempSync(join(tmpdir(), 'porthole-inventory-it-'));
  const config = join(dir, 'config');
  const credentials = join(dir, 'credentials');
  writeFileSync(
    config,
    '[profile demo]\nregion = us-east-1\n[profile tokyo]\nregion = ap-northeast-1\n[profile bad]\nregion = us-east-1\n',
  );
  writeFileSync(
    credentials,
    [
      '[demo]',
      'aws_access_key_id = test',
      'aws_secret_access_key = test',
      '[tokyo]',
      'aws_access_key_id = test',
      'aws_secret_access_key = test',
      '[bad]',
      'aws_access_key_id = test',
      'aws_secret_access_key = not-the-secret-xyz',
    ].join('\n'),
  );
  env = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials, HOME: dir };
});

afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  factory?.dispose();
  factory = undefined;
  vi.unstubAllEnvs();
});

function service(endpointUrl = emulator.url): InventoryService {
  factory = createAwsClientFactory({ endpointUrl, env });
  return new InventoryService({ clients: factory });
}

const byName = (list: Instance[], name: string) => list.find((i) => i.name === name);

describe('InventoryService against the emulator', () => {
  it('finds the profiles of the temp config files', async () => {
    const { profiles } = await listProfiles({ env });
    expect(profiles.map((p) => [p.name, p.region, p.kind])).toEqual([
      ['bad', 'us-east-1', 'static'],
      ['demo', 'us-east-1', 'static'],
      ['tokyo', 'ap-northeast-1', 'static'],
    ]);
  });

  it('lists the demo fleet of us-east-1 joined with EC2 data, unmanaged and hybrid nodes', async () => {
    const list = await service().list({ profile: 'demo', region: 'us-east-1' });
    for (const instance of list) InstanceSchema.parse(instance);
    expect(list.every((i) => i.region === 'us-east-1' && i.profile === 'demo')).toBe(true);
    const names = list.map((i) => i.name);
    expect(names).toEqual([...names].sort((a, b) => (a ?? '').localeCompare(b ?? '', 'en', { numeric: true })));

    expect(byName(list, 'web-prod-1')).toMatchObject({
      instanceId: 'i-0a1b2c3d4e5f60001',
      platform: 'Linux',
      pingStatus: 'Online',
      privateIp: '10.0.1.11',
      publicIp: '54.210.14.21',
      instanceType: 't3.medium',
      state: 'running',
      vpcId: 'vpc-0c1d2e3f4a5b60001',
      subnetId: 'subnet-0a1b2c3d4e5f60011',
      accountId: '123456789012',
      managed: true,
      hybrid: false,
    });
    expect(byName(list, 'web-prod-1')?.tags).toEqual(
      expect.arrayContaining([
        { key: 'Name', value: 'web-prod-1' },
        { key: 'Environment', value: 'prod' },
        { key: 'Team', value: 'storefront' },
        { key: 'Role', value: 'web' },
      ]),
    );
    expect(byName(list, 'win-ad-prod')).toMatchObject({ platform: 'Windows', managed: true });
    expect(byName(list, 'worker-staging-1')?.pingStatus).toBe('ConnectionLost');
    expect(byName(list, 'legacy-batch')).toMatchObject({
      pingStatus: 'NotManaged',
      managed: false,
      hybrid: false,
      state: 'running',
    });

    const hybrid = list.find((i) => i.instanceId === 'mi-0a1b2c3d4e5f6000b');
    expect(hybrid).toMatchObject({ name: 'onprem-gateway-01', hybrid: true, managed: true, accountId: '123456789012' });
    expect(hybrid?.tags).toEqual(
      expect.arrayContaining([
        { key: 'Environment', value: 'prod' },
        { key: 'Location', value: 'tokyo-dc1' },
      ]),
    );
    expect(hybrid?.state).toBeUndefined();
  });

  it('keeps Japanese names and tag values intact (ap-northeast-1)', async () => {
    const list = await service().list({ profile: 'tokyo', region: 'ap-northeast-1' });
    const web = byName(list, 'ウェブサーバー');
    expect(web?.tags).toEqual(
      expect.arrayContaining([
        { key: 'Team', value: '決済チーム' },
        { key: '担当者', value: '山田 太郎' },
      ]),
    );
    expect(byName(list, '分析基盤-dev')).toBeDefined();
    expect(byName(list, 'win-rdp-staging')).toMatchObject({ platform: 'Windows', pingStatus: 'Inactive' });
  });

  it('lists the regions the endpoint reports', async () => {
    const regions = await service().listRegions({ profile: 'demo' });
    expect(regions).toEqual(expect.arrayContaining(['ap-northeast-1', 'us-east-1']));
    expect(regions).toEqual([...regions].sort());
  });

  it('reports a wrong secret as AWS_AUTH_FAILED without the secret', async () => {
    const error = await service()
      .list({ profile: 'bad', region: 'us-east-1' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AWS_AUTH_FAILED', params: { profile: 'bad' } });
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain('not-the-secret-xyz');
  });

  it('reports a dead endpoint as AWS_NETWORK naming the endpoint', async () => {
    const dead = await deadEndpoint();
    const error = await service(dead)
      .list({ profile: 'demo', region: 'us-east-1' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AWS_NETWORK' });
    expect((error as Error).message).toContain(dead);
  });

  it('reports a profile without credentials as CREDENTIALS_MISSING', async () => {
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true'); // never ask the (non-loopback) instance metadata service
    const error = await service()
      .list({ profile: 'nosuch', region: 'us-east-1' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CREDENTIALS_MISSING', params: { profile: 'nosuch' } });
  });
});

/** A loopback port nothing listens on (bound, then released). */
async function deadEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
