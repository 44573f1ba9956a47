import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PortholeError } from '../../../shared/errors';
import { SAVED_TUNNELS_FILE, SavedTunnelStore, type SavedTunnelInput } from './savedTunnels';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-saved-'));
  file = join(dir, 'data', SAVED_TUNNELS_FILE);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function ids() {
  let n = 0;
  return (kind: 'tunnel' | 'group') => `${kind}-${++n}`;
}

const db: SavedTunnelInput = {
  profile: 'demo',
  region: 'ap-northeast-1',
  target: 'i-0a1b2c3d4e5f60001',
  targetName: 'データベース-1',
  remotePort: 5432,
  remoteHost: 'db.internal',
  localPort: 15432,
  name: '本番 DB',
};
const web: SavedTunnelInput = { profile: 'demo', region: 'us-east-1', target: 'i-0a1b2c3d4e5f60002', remotePort: 80 };

async function rejection(p: Promise<unknown>): Promise<PortholeError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(PortholeError);
  return e as PortholeError;
}

describe('SavedTunnelStore', () => {
  it('saves tunnels and groups to JSON in the data folder and reads them back after a restart (Japanese intact)', async () => {
    const store = new SavedTunnelStore({ file, newId: ids() });
    const a = await store.save(db);
    const b = await store.save(web);
    const group = await store.saveGroup({ name: '朝の作業', tunnelIds: [a.id, b.id] });
    expect(a).toEqual({ ...db, id: 'tunnel-1' });
    expect(group).toEqual({ id: 'group-3', name: '朝の作業', tunnelIds: ['tunnel-1', 'tunnel-2'] });
    await store.flush();

    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { version: number };
    expect(onDisk.version).toBe(1);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const reopened = new SavedTunnelStore({ file });
    expect(await reopened.list()).toEqual({ tunnels: [a, b], groups: [group] });
  });

  it('keeps no secrets: only the fields of a tunnel are written, whatever else the caller passes', async () => {
    const store = new SavedTunnelStore({ file });
    const withExtra = { ...web, secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } as SavedTunnelInput;
    await expect(store.save(withExtra)).rejects.toMatchObject({ code: 'INVALID_TUNNEL' });
    await store.save(web);
    await store.flush();
    expect(readFileSync(file, 'utf8')).not.toContain('wJalr');
  });

  it('replaces a saved tunnel by id; an unknown id is a clear error and changes nothing', async () => {
    const store = new SavedTunnelStore({ file, newId: ids() });
    const a = await store.save(db);
    const updated = await store.save({ ...db, id: a.id, localPort: 25432 });
    expect(updated.localPort).toBe(25432);
    expect((await store.list()).tunnels).toEqual([updated]);
    const e = await rejection(store.save({ ...web, id: 'tunnel-99' }));
    expect(e.message).toContain('tunnel-99');
    expect((await store.list()).tunnels).toHaveLength(1);
  });

  it('refuses bad values with INVALID_TUNNEL (port out of range, bad host) and saves nothing', async () => {
    const store = new SavedTunnelStore({ file });
    expect((await rejection(store.save({ ...web, remotePort: 70000 }))).code).toBe('INVALID_TUNNEL');
    expect((await rejection(store.save({ ...web, remoteHost: 'db internal; rm -rf' }))).code).toBe('INVALID_TUNNEL');
    expect(await store.list()).toEqual({ tunnels: [], groups: [] });
    expect(existsSync(file)).toBe(false);
  });

  it('removing a tunnel takes it out of its groups; removing what is not there answers false', async () => {
    const store = new SavedTunnelStore({ file, newId: ids() });
    const a = await store.save(db);
    const b = await store.save(web);
    const g = await store.saveGroup({ name: 'all', tunnelIds: [a.id, b.id] });
    expect(await store.remove(a.id)).toBe(true);
    expect(await store.remove(a.id)).toBe(false);
    expect(await store.group(g.id)).toEqual({ ...g, tunnelIds: [b.id] });
    expect(await store.removeGroup(g.id)).toBe(true);
    expect(await store.removeGroup(g.id)).toBe(false);
    expect((await store.list()).tunnels).toEqual([b]);
  });

  it('groups name saved tunnels only, have unique names (any case), and drop duplicate members', async () => {
    const store = new SavedTunnelStore({ file, newId: ids() });
    const a = await store.save(db);
    expect((await rejection(store.saveGroup({ name: 'x', tunnelIds: ['nope'] }))).message).toContain('nope');
    const g = await store.saveGroup({ name: 'Prod', tunnelIds: [a.id, a.id] });
    expect(g.tunnelIds).toEqual([a.id]);
    expect((await rejection(store.saveGroup({ name: 'prod', tunnelIds: [] }))).message).toContain('Prod');
    // Renaming the same group to another case is fine.
    expect((await store.saveGroup({ ...g, name: 'PROD' })).name).toBe('PROD');
  });

  it('applies concurrent changes in order, none lost', async () => {
    const store = new SavedTunnelStore({ file, newId: ids() });
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.save({ ...web, remotePort: 8000 + i })));
    await store.flush();
    const reopened = new SavedTunnelStore({ file });
    const ports = (await reopened.list()).tunnels.map((x) => x.remotePort);
    expect(ports).toEqual(Array.from({ length: 20 }, (_, i) => 8000 + i));
    // No temp files left behind.
    expect(readdirSync(join(dir, 'data'))).toEqual([SAVED_TUNNELS_FILE]);
  });

  it('moves a file that is not JSON aside instead of overwriting it, and starts empty', async () => {
    const store = new SavedTunnelStore({ file, now: () => new Date('2024-05-01T12:00:00Z') });
    await new SavedTunnelStore({ file }).save(web); // creates the folder
    writeFileSync(file, '{ not json');
    expect(await store.list()).toEqual({ tunnels: [], groups: [] });
    const names = readdirSync(join(dir, 'data'));
    expect(names).toContain(`${SAVED_TUNNELS_FILE}.corrupt-2024-05-01T12-00-00-000Z`);
    expect(readFileSync(join(dir, 'data', `${SAVED_TUNNELS_FILE}.corrupt-2024-05-01T12-00-00-000Z`), 'utf8')).toBe(
      '{ not json',
    );
  });

  it('leaves out invalid entries one by one and keeps the rest (and group members that still exist)', async () => {
    await new SavedTunnelStore({ file }).save(web);
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        tunnels: [
          { ...web, id: 'ok-1' },
          { ...web, id: 'bad', remotePort: 'eighty' },
          { ...db, id: 'ok-2' },
          { ...db, id: 'ok-2' },
        ],
        groups: [{ id: 'g1', name: 'グループ', tunnelIds: ['ok-1', 'bad', 'ok-2'] }, { id: 'g2' }],
      }),
    );
    const store = new SavedTunnelStore({ file });
    const listed = await store.list();
    expect(listed.tunnels.map((x) => x.id)).toEqual(['ok-1', 'ok-2']);
    expect(listed.groups).toEqual([{ id: 'g1', name: 'グループ', tunnelIds: ['ok-1', 'ok-2'] }]);
  });

  it('without a file it keeps everything in memory', async () => {
    const store = new SavedTunnelStore();
    const a = await store.save(web);
    expect(await store.get(a.id)).toEqual(a);
  });
});
