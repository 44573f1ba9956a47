import { describe, expect, it } from 'vitest';
import type { SavedTunnel, TunnelGroup, TunnelInfo } from '../../../shared/model/tunnel';
import { createFakeBridge } from './fake-bridge';
import { createTunnelsStore, formatAddress, formatBytes, groupIsOn, isNonLoopback, liveTunnelCount } from './tunnels';

const where = { profile: 'demo', region: 'ap-northeast-1' } as const;

const tunnel = (id: string, extra: Partial<TunnelInfo> = {}): TunnelInfo => ({
  id,
  kind: 'forward',
  ...where,
  target: 'i-0aaa',
  name: 'ウェブ',
  remotePort: 80,
  state: 'open',
  localAddress: '127.0.0.1',
  localPort: 18080,
  nonLoopback: false,
  poolSize: 1,
  poolMembers: 1,
  connections: 0,
  totalConnections: 0,
  failedConnections: 0,
  bytesIn: 0,
  bytesOut: 0,
  rateIn: 0,
  rateOut: 0,
  ...extra,
});

const savedDb: SavedTunnel = { id: 'st-db', ...where, target: 'i-0bbb', targetName: 'データベース', remotePort: 5432 };
const savedWeb: SavedTunnel = { id: 'st-web', ...where, target: 'i-0aaa', remotePort: 80, name: 'ウェブ' };
const group: TunnelGroup = { id: 'sg-1', name: '朝の作業', tunnelIds: ['st-db', 'st-web'] };

const portInUse = {
  ok: false,
  code: 'PORT_IN_USE',
  message: 'Local port 5432 is already in use.',
  params: { port: '5432' },
} as const;

describe('tunnels store', () => {
  it('loads live and saved tunnels; a failing load says why and a retry recovers', async () => {
    const bridge = createFakeBridge({
      'tunnel.list': () => ({ ok: false, code: 'AWS_NETWORK', message: 'down' }),
      'tunnel.saved.list': () => ({ ok: true, value: { tunnels: [savedDb], groups: [group] } }),
    });
    const store = createTunnelsStore(bridge);
    await store.getState().load();
    expect(store.getState()).toMatchObject({ status: 'failed', loadError: { code: 'AWS_NETWORK' } });
    bridge.handlers['tunnel.list'] = () => ({
      ok: true,
      value: { tunnels: [tunnel('tunnel-1', { savedId: 'st-db' })] },
    });
    await store.getState().load();
    const s = store.getState();
    expect(s.status).toBe('ready');
    expect(s.loadError).toBeUndefined();
    expect(s.tunnels.map((t) => t.id)).toEqual(['tunnel-1']);
    expect(s.saved).toEqual([savedDb]);
    expect(s.groups).toEqual([group]);
  });

  it('follows tunnel.state (stopped rows go, failed rows stay with their error) and tunnel.stats counters', () => {
    const bridge = createFakeBridge({});
    const store = createTunnelsStore(bridge);
    bridge.emit('tunnel.state', tunnel('tunnel-1', { state: 'starting' }));
    bridge.emit('tunnel.state', tunnel('tunnel-1'));
    bridge.emit('tunnel.state', tunnel('tunnel-2'));
    expect(liveTunnelCount(store.getState().tunnels)).toBe(2);

    bridge.emit('tunnel.stats', {
      tunnels: [
        tunnel('tunnel-1', { bytesIn: 4096, bytesOut: 100, totalConnections: 3, rateIn: 2048 }),
        tunnel('tunnel-2', { bytesIn: 1 }),
      ],
    });
    expect(store.getState().tunnels[0]).toMatchObject({
      bytesIn: 4096,
      bytesOut: 100,
      totalConnections: 3,
      rateIn: 2048,
    });

    const error = { code: 'SESSION_FAILED' as const, message: 'The session ended: the instance ended the session' };
    bridge.emit('tunnel.state', tunnel('tunnel-2', { state: 'failed', error }));
    bridge.emit('tunnel.state', tunnel('tunnel-1', { state: 'stopped' }));
    expect(store.getState().tunnels).toEqual([expect.objectContaining({ id: 'tunnel-2', state: 'failed', error })]);
    expect(liveTunnelCount(store.getState().tunnels)).toBe(0);

    // A late stats sample neither brings back the stopped tunnel nor revives the failed one.
    bridge.emit('tunnel.stats', { tunnels: [tunnel('tunnel-1', { state: 'stopped' }), tunnel('tunnel-2')] });
    expect(store.getState().tunnels).toEqual([expect.objectContaining({ id: 'tunnel-2', state: 'failed' })]);
    // A tunnel started elsewhere (another window) shows up with its stats.
    bridge.emit('tunnel.stats', { tunnels: [tunnel('tunnel-9')] });
    expect(store.getState().tunnels.map((t) => t.id)).toEqual(['tunnel-2', 'tunnel-9']);
    store.getState().dismiss('tunnel-2');
    expect(store.getState().tunnels.map((t) => t.id)).toEqual(['tunnel-9']);
    // Dismissing lets main forget it too; its last events do not bring the row back.
    expect(bridge.callsTo('tunnel.stop')).toEqual([{ id: 'tunnel-2' }]);
    bridge.emit('tunnel.state', tunnel('tunnel-2', { state: 'stopping' }));
    bridge.emit('tunnel.state', tunnel('tunnel-2', { state: 'stopped' }));
    expect(store.getState().tunnels.map((t) => t.id)).toEqual(['tunnel-9']);
  });

  it('start with save: saves first, then starts that saved tunnel; a failed start is kept on the saved row', async () => {
    const bridge = createFakeBridge({
      'tunnel.saved.save': (r) => ({ ok: true, value: { tunnel: { ...r.tunnel, id: 'st-new' } as SavedTunnel } }),
      'tunnel.start': () => portInUse,
    });
    const store = createTunnelsStore(bridge);
    const spec = { ...where, target: 'i-0bbb', remotePort: 5432, localPort: 5432 };
    const result = await store.getState().start(spec, { save: true, targetName: 'データベース' });
    expect(result).toMatchObject({ ok: false, code: 'PORT_IN_USE' });
    expect(bridge.callsTo('tunnel.saved.save')).toEqual([{ tunnel: { ...spec, targetName: 'データベース' } }]);
    expect(bridge.callsTo('tunnel.start')).toEqual([{ ...spec, savedId: 'st-new' }]);
    expect(store.getState().saved.map((s) => s.id)).toEqual(['st-new']);
    expect(store.getState().errors['st-new']).toMatchObject({ code: 'PORT_IN_USE', params: { port: '5432' } });
    expect(store.getState().tunnels).toEqual([]);
  });

  it('toggleSaved starts a saved tunnel from its spec only, and stops it when it runs', async () => {
    const bridge = createFakeBridge({
      'tunnel.saved.list': () => ({ ok: true, value: { tunnels: [savedDb], groups: [] } }),
      'tunnel.list': () => ({ ok: true, value: { tunnels: [] } }),
      'tunnel.start': (r) => ({ ok: true, value: tunnel('tunnel-5', { savedId: r.savedId, target: r.target }) }),
      'tunnel.stop': () => ({ ok: true, value: { stopped: true } }),
    });
    const store = createTunnelsStore(bridge);
    await store.getState().load();
    await store.getState().toggleSaved('st-db');
    expect(bridge.callsTo('tunnel.start')).toEqual([
      { ...where, target: 'i-0bbb', remotePort: 5432, savedId: 'st-db' },
    ]);
    expect(store.getState().tunnels).toEqual([expect.objectContaining({ id: 'tunnel-5', savedId: 'st-db' })]);
    expect(store.getState().busy).toEqual({});

    await store.getState().toggleSaved('st-db');
    expect(bridge.callsTo('tunnel.stop')).toEqual([{ id: 'tunnel-5' }]);
    expect(store.getState().tunnels).toEqual([]);
  });

  it('toggleGroup turns on when any member is off, shows each failure on its row, and turns all off', async () => {
    const bridge = createFakeBridge({
      'tunnel.saved.list': () => ({ ok: true, value: { tunnels: [savedDb, savedWeb], groups: [group] } }),
      'tunnel.list': () => ({ ok: true, value: { tunnels: [tunnel('tunnel-1', { savedId: 'st-web' })] } }),
      'tunnel.saved.toggleGroup': (r) =>
        r.on
          ? {
              ok: true,
              value: {
                started: [tunnel('tunnel-1', { savedId: 'st-web' })],
                stopped: 0,
                failures: [{ savedId: 'st-db', code: 'PORT_IN_USE', message: portInUse.message }],
              },
            }
          : { ok: true, value: { started: [], stopped: 1, failures: [] } },
    });
    const store = createTunnelsStore(bridge);
    await store.getState().load();
    expect(groupIsOn(group, store.getState().tunnels)).toBe(false);
    await store.getState().toggleGroup('sg-1');
    expect(bridge.callsTo('tunnel.saved.toggleGroup')).toEqual([{ id: 'sg-1', on: true }]);
    expect(store.getState().errors['st-db']).toMatchObject({ code: 'PORT_IN_USE' });

    // With every member running, the toggle turns the group off.
    bridge.emit('tunnel.state', tunnel('tunnel-2', { savedId: 'st-db' }));
    expect(groupIsOn(group, store.getState().tunnels)).toBe(true);
    await store.getState().toggleGroup('sg-1');
    expect(bridge.callsTo('tunnel.saved.toggleGroup')).toEqual([
      { id: 'sg-1', on: true },
      { id: 'sg-1', on: false },
    ]);
    expect(store.getState().tunnels).toEqual([]);
    expect(store.getState().errors).toEqual({});
  });

  it('RDP failures are kept per instance; the password answer is returned, not stored', async () => {
    const bridge = createFakeBridge({
      'rdp.start': () => ({ ok: false, code: 'TARGET_NOT_CONNECTED', message: 'not connected' }),
      'rdp.password': () => ({ ok: true, value: { username: 'Administrator', password: 'パスワード' } }),
    });
    const store = createTunnelsStore(bridge);
    const target = { instanceId: 'i-0win', title: 'win-ad-prod', ...where };
    await store.getState().startRdp(target);
    expect(store.getState().errors['rdp:i-0win']).toMatchObject({ code: 'TARGET_NOT_CONNECTED' });
    expect(bridge.callsTo('rdp.start')).toEqual([{ ...where, target: 'i-0win', name: 'win-ad-prod' }]);
    const answer = await store.getState().password(target, '-----BEGIN RSA PRIVATE KEY-----');
    expect(answer).toEqual({ ok: true, value: { username: 'Administrator', password: 'パスワード' } });
    expect(JSON.stringify(store.getState())).not.toContain('パスワード');
    expect(JSON.stringify(store.getState())).not.toContain('PRIVATE KEY');
  });
});

describe('tunnel helpers', () => {
  it('tells loopback from addresses other machines reach', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', ' 127.0.0.1 '])
      expect(isNonLoopback(a), a).toBe(false);
    for (const a of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.5', 'fe80::1']) expect(isNonLoopback(a), a).toBe(true);
  });

  it('formats sizes and addresses', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(16 * 1024 + 700)).toBe('16.7 KiB');
    expect(formatBytes(64 * 1024 * 1024)).toBe('64.0 MiB');
    expect(formatAddress('127.0.0.1', 8080)).toBe('127.0.0.1:8080');
    expect(formatAddress('::1', 8080)).toBe('[::1]:8080');
  });
});
