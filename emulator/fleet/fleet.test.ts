import { describe, expect, it } from 'vitest';
import { DEFAULT_FLEET_PATH } from '../server';
import { Fleet } from './fleet';
import { generateFleet } from './generate';

describe('demo fleet', () => {
  it('has what the demo and the tests rely on', async () => {
    const fleet = await Fleet.load(DEFAULT_FLEET_PATH);
    const all = fleet.instances;
    expect(all.length).toBeGreaterThanOrEqual(12);
    expect(fleet.regions()).toEqual(['ap-northeast-1', 'eu-central-1', 'eu-north-1', 'us-east-1']);
    expect(all.some((i) => i.platformType === 'Windows' && i.managed)).toBe(true);
    expect(all.some((i) => i.hybrid && i.id.startsWith('mi-'))).toBe(true);
    expect(all.some((i) => i.pingStatus === 'ConnectionLost')).toBe(true);
    expect(all.some((i) => !i.managed && !i.hybrid)).toBe(true);
    expect(
      all.some((i) => i.tags.some((t) => /[^ -~]/.test(t.key)) && i.tags.some((t) => t.value === 'ウェブサーバー')),
    ).toBe(true);
    for (const i of all.filter((x) => !x.hybrid)) {
      expect(i.tags.map((t) => t.key)).toEqual(expect.arrayContaining(['Name', 'Environment', 'Team', 'Role']));
    }
  });
});

describe('fleet file validation', () => {
  it('lists every problem of the entries with its path', () => {
    expect(() =>
      Fleet.fromJson({
        instances: [
          { id: 'i-0a1b2c3d4e5f60001', region: 'us-east-1', platform: 'ubuntu', privateIp: '10.0.0.1' },
          { id: 'web-1', region: 'Tokyo', platform: 'beos', privateIp: 'x' },
          {
            id: 'mi-0a1b2c3d4e5f6000b',
            region: 'us-east-1',
            platform: 'ubuntu',
            privateIp: '10.0.0.3',
            managed: false,
          },
        ],
      }),
    ).toThrow(
      /instances\.1\.id: must be i-[\s\S]*instances\.1\.region[\s\S]*instances\.1\.platform[\s\S]*instances\.1\.privateIp[\s\S]*instances\.2\.managed: a hybrid/,
    );
  });

  it('refuses duplicate instance ids', () => {
    const entry = { id: 'i-0a1b2c3d4e5f60001', region: 'us-east-1', platform: 'ubuntu', privateIp: '10.0.0.1' };
    expect(() => Fleet.fromJson({ instances: [entry, { ...entry, region: 'ap-northeast-1' }] })).toThrow(
      'instances.1.id: duplicate instance id i-0a1b2c3d4e5f60001',
    );
  });

  it('names the file when it is missing or not JSON', async () => {
    await expect(Fleet.load('/nonexistent/fleet.json')).rejects.toThrow(
      /cannot read fleet file \/nonexistent\/fleet\.json/,
    );
  });

  it('keeps optional fields for later features', () => {
    const fleet = Fleet.fromJson({
      instances: [
        {
          id: 'i-0a1b2c3d4e5f60001',
          region: 'us-east-1',
          platform: 'windows-server',
          privateIp: '10.0.0.1',
          ports: { '3389': 13389 },
          kmsEncryption: { keyId: 'alias/demo' },
          faults: { drop: 0.1 },
        },
      ],
    });
    const instance = fleet.get('i-0a1b2c3d4e5f60001')!;
    expect(instance.spec.ports).toEqual({ '3389': 13389 });
    expect(instance.ec2?.platform).toBe('windows');
    expect(instance.computerName).toMatch(/^EC2AMAZ-[0-9A-F]{7}$/);
  });

  it('reports ping status changes to listeners', () => {
    const fleet = Fleet.fromInput(generateFleet({ count: 20, seed: 3 }));
    const node = fleet.instances.find((i) => i.managed)!;
    const seen: string[] = [];
    const listener = fleet.onDidChange((c) => seen.push(`${c.instance.id}:${c.instance.pingStatus}`));
    fleet.setPingStatus(node.id, 'ConnectionLost');
    listener.dispose();
    fleet.setPingStatus(node.id, 'Online');
    expect(seen).toEqual([`${node.id}:ConnectionLost`]);
    expect(fleet.get(node.id)!.pingStatus).toBe('Online');
  });
});

describe('fleet generator', () => {
  it('is deterministic per seed', () => {
    expect(generateFleet({ count: 300, seed: 42 })).toEqual(generateFleet({ count: 300, seed: 42 }));
    expect(generateFleet({ count: 300, seed: 42 })).not.toEqual(generateFleet({ count: 300, seed: 43 }));
  });

  it('makes a valid 10,000-instance fleet spread over regions with the usual variety', () => {
    const fleet = Fleet.fromInput(generateFleet({ count: 10_000, seed: 1 }));
    const all = fleet.instances;
    expect(all).toHaveLength(10_000);
    expect(new Set(all.map((i) => i.id)).size).toBe(10_000);
    expect(fleet.regions()).toEqual(['ap-northeast-1', 'eu-west-1', 'us-east-1', 'us-west-2']);
    for (const region of fleet.regions())
      expect(fleet.ec2Instances('123456789012', region).length).toBeGreaterThan(2000);
    expect(all.filter((i) => i.hybrid).length).toBeGreaterThan(100);
    expect(all.filter((i) => !i.managed).length).toBeGreaterThan(100);
    expect(all.filter((i) => i.platformType === 'Windows').length).toBeGreaterThan(100);
    expect(all.filter((i) => i.pingStatus === 'ConnectionLost').length).toBeGreaterThan(100);
    expect(all.some((i) => i.tags.some((t) => t.key === '担当者'))).toBe(true);
  });
});
