import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PortholeError } from '../../../shared/errors';
import type { Instance } from '../../../shared/model/instance';
import { JsonFileCacheStore } from './cacheFile';
import { FleetService, type FleetSource } from './fleet';

const row = (id: string, region: string, accountId: string, name?: string): Instance => ({
  instanceId: id,
  ...(name ? { name } : {}),
  platform: 'Linux',
  pingStatus: 'Online',
  region,
  accountId,
  managed: true,
  hybrid: false,
  tags: [{ key: 'Team', value: '決済' }],
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function lister(table: Record<string, Instance[] | Error>, delayMs = 5) {
  let active = 0;
  let peak = 0;
  const calls: string[] = [];
  return {
    get peak() {
      return peak;
    },
    calls,
    async list(q: FleetSource) {
      calls.push(`${q.profile}/${q.region}`);
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, delayMs));
      active--;
      const entry = table[`${q.profile}/${q.region}`];
      if (entry instanceof Error) throw entry;
      return (entry ?? []).map((i) => ({ ...i, profile: q.profile }));
    },
  };
}

describe('FleetService', () => {
  it('merges sources, keeps going past a failing one and reports it on its own', async () => {
    const inventory = lister({
      'dev/us-east-1': [
        row('i-2', 'us-east-1', '111111111111', 'web-10'),
        row('i-1', 'us-east-1', '111111111111', 'web-2'),
      ],
      'dev/eu-west-1': [row('i-3', 'eu-west-1', '111111111111', 'api')],
      'prod/eu-west-1': new PortholeError('AWS_THROTTLED', 'AWS is throttling requests.', { profile: 'prod' }),
      'prod/us-east-1': [row('i-9', 'us-east-1', '222222222222', '本番')],
    });
    const fleet = new FleetService({ inventory });
    const seen: string[] = [];
    fleet.onDidListSource((e) => seen.push(`${e.status.profile}/${e.status.region}:${e.status.state}`));
    const result = await fleet.list([
      { profile: 'dev', region: 'us-east-1' },
      { profile: 'dev', region: 'eu-west-1' },
      { profile: 'prod', region: 'eu-west-1' },
      { profile: 'prod', region: 'us-east-1' },
      { profile: 'dev', region: 'us-east-1' }, // duplicate source: listed once
    ]);
    expect(result.instances.map((i) => i.name)).toEqual(['api', 'web-2', 'web-10', '本番']);
    expect(result.sources.map((s) => [s.profile, s.region, s.state, s.count, s.accountId])).toEqual([
      ['dev', 'us-east-1', 'ok', 2, '111111111111'],
      ['dev', 'eu-west-1', 'ok', 1, '111111111111'],
      ['prod', 'eu-west-1', 'error', 0, undefined],
      ['prod', 'us-east-1', 'ok', 1, '222222222222'],
    ]);
    expect(result.sources[2]?.error).toMatchObject({ code: 'AWS_THROTTLED', params: { profile: 'prod' } });
    expect(seen).toHaveLength(4);
    expect(inventory.calls).toHaveLength(4);
    fleet.dispose();
  });

  it('lists at most `concurrency` sources at once', async () => {
    const sources = Array.from({ length: 12 }, (_, i) => ({ profile: `p${i}`, region: 'us-east-1' }));
    const inventory = lister({}, 10);
    await new FleetService({ inventory, concurrency: 3 }).list(sources);
    expect(inventory.peak).toBe(3);
    expect(inventory.calls).toHaveLength(12);
  });

  it('lists an instance seen through two profiles of the same account once', async () => {
    const same = row('i-1', 'us-east-1', '111111111111', 'shared');
    const inventory = lister({ 'a/us-east-1': [same], 'b/us-east-1': [same] });
    const result = await new FleetService({ inventory }).list([
      { profile: 'a', region: 'us-east-1' },
      { profile: 'b', region: 'us-east-1' },
    ]);
    expect(result.instances.map((i) => i.profile)).toEqual(['a']);
    expect(result.sources.map((s) => s.count)).toEqual([1, 1]);
  });

  it('caches good listings on disk (no secrets, owner-only) and shows them at the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'porthole-fleet-'));
    dirs.push(dir);
    const path = join(dir, 'data', 'fleet-cache.json');
    const sources = [
      { profile: 'dev', region: 'us-east-1' },
      { profile: 'prod', region: 'eu-west-1' },
    ];
    const first = new FleetService({
      inventory: lister({
        'dev/us-east-1': [row('i-1', 'us-east-1', '111111111111', 'web')],
        'prod/eu-west-1': new PortholeError('AWS_NETWORK', 'down'),
      }),
      cache: new JsonFileCacheStore(path),
      now: () => new Date('2026-01-02T03:04:05Z'),
    });
    expect(await first.cached(sources)).toBeUndefined();
    await first.list(sources);
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const second = new FleetService({ inventory: lister({}), cache: new JsonFileCacheStore(path) });
    const cached = await second.cached(sources);
    expect(cached?.instances.map((i) => [i.name, i.tags[0]?.value])).toEqual([['web', '決済']]);
    expect(cached?.sources).toEqual([
      {
        profile: 'dev',
        region: 'us-east-1',
        state: 'cached',
        count: 1,
        fetchedAt: '2026-01-02T03:04:05.000Z',
        accountId: '111111111111',
      },
      { profile: 'prod', region: 'eu-west-1', state: 'cached', count: 0 },
    ]);
    expect(readFileSync(path, 'utf8')).not.toMatch(/secret|accessKey|token/i);
  });

  it('treats a corrupt cache file as no cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'porthole-fleet-'));
    dirs.push(dir);
    const path = join(dir, 'fleet-cache.json');
    writeFileSync(path, '{"version":1,"sources":[{"profile":1}]}');
    const fleet = new FleetService({ inventory: lister({}), cache: new JsonFileCacheStore(path) });
    expect(await fleet.cached([{ profile: 'dev', region: 'us-east-1' }])).toBeUndefined();
    writeFileSync(path, 'not json');
    expect(await new JsonFileCacheStore(path).read()).toBeUndefined();
  });
});
