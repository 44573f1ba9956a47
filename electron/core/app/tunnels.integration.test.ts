/**
 * The tunnel.*, tunnel.saved.* and rdp.* channels through the real composition and dispatcher (memory bridge) against
 * the emulator, as the renderer uses them: forward to a local HTTP server, fetch through it, counters in tunnel.stats,
 * stop; PORT_IN_USE; saved tunnels and a group toggled together; RDP with a recording launcher; the Windows password.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeSessionsCommand, TerminateSessionCommand } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../shared/ipc/dispatch';
import { createMemoryBridge, type MemoryBridge } from '../../../shared/ipc/memory-bridge';
import type { TunnelInfo } from '../../../shared/model/tunnel';
import { createEmulator, type Emulator } from '../../../emulator/server';
import { emulatorPlugins } from '../../../emulator/plugins';
import type { LaunchedProgram, Launcher } from '../base/launcher';
import { silentLogger, type Logger } from '../base/logger';
import { createAppServices, type AppServices } from './composition';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LINUX = 'i-0a1b2c3d4e5f60001';
const WINDOWS = 'i-0a1b2c3d4e5f60006';
const where = { profile: 'demo', region: 'us-east-1' } as const;

let emulator: Emulator;
let dir: string;
let server: http.Server;
let httpPort: number;
let services: AppServices | undefined;
let bridge: MemoryBridge | undefined;
const blockers: net.Server[] = [];

class RecordingLauncher implements Launcher {
  readonly spawned: { command: string; args: readonly string[] }[] = [];
  readonly opened: string[] = [];
  async openExternal(url: string) {
    this.opened.push(url);
  }
  async openFile(path: string) {
    this.opened.push(path);
  }
  async spawn(command: string, args: readonly string[]): Promise<LaunchedProgram> {
    this.spawned.push({ command, args });
    return { exited: new Promise(() => undefined), kill: () => undefined };
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-app-tunnels-'));
  const demo = JSON.parse(readFileSync(join(ROOT, 'emulator', 'fleets', 'demo.json'), 'utf8')) as {
    instances: { id: string }[];
  };
  emulator = await createEmulator({
    fleet: { accountId: '123456789012', instances: demo.instances.filter((i) => i.id === LINUX || i.id === WINDOWS) },
    plugins: emulatorPlugins({ pacing: false }),
  } as Parameters<typeof createEmulator>[0]);
  writeFileSync(
    join(dir, 'config'),
    ['[profile demo]', 'aws_access_key_id = test', 'aws_secret_access_key = test', 'region = us-east-1', ''].join('\n'),
  );
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => res.end(`こんにちは ${req.url} ${body.length}`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  httpPort = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const b of blockers.splice(0)) b.close();
  bridge?.dispose();
  bridge = undefined;
  await services?.closeSessions();
  services?.dispose();
  services = undefined;
});

function start(options: { launcher?: Launcher; env?: Record<string, string>; logger?: Logger } = {}) {
  services = createAppServices({
    env: {
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
      HOME: dir,
      ...options.env,
    },
    logger: options.logger ?? silentLogger,
    endpointUrl: emulator.url,
    dataDir: join(dir, 'data'),
    tunnelStatsIntervalMs: 100,
    ...(options.launcher ? { launcher: options.launcher } : {}),
  });
  bridge = createMemoryBridge(
    createDispatcher(services.handlers, { isTrustedSender: () => true, events: services.events }),
  );
  return bridge;
}

function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve(text));
      })
      .on('error', reject);
  });
}

async function until<T>(check: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function value<T>(result: { ok: true; value: T } | { ok: false; code: string; message: string }): T {
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.value;
}

describe('tunnel channels', () => {
  it('forwards to a local HTTP server: fetch through it, counters move in tunnel.stats, stop ends it', async () => {
    const b = start();
    const states: TunnelInfo[] = [];
    const stats: TunnelInfo[][] = [];
    b.on('tunnel.state', (s) => states.push(s));
    b.on('tunnel.stats', (s) => stats.push(s.tunnels));
    const info = value(
      await b.invoke('tunnel.start', { ...where, target: LINUX, remotePort: httpPort, name: 'ウェブ' }),
    );
    expect(info).toMatchObject({
      kind: 'forward',
      state: 'open',
      localAddress: '127.0.0.1',
      nonLoopback: false,
      name: 'ウェブ',
    });
    expect(info.localPort).toBeGreaterThan(0);

    const answers = await Promise.all([1, 2, 3].map((n) => get(info.localPort, `/page-${n}`)));
    expect(answers).toEqual(['こんにちは /page-1 0', 'こんにちは /page-2 0', 'こんにちは /page-3 0']);
    const moved = await until(() =>
      stats.flat().find((s) => s.id === info.id && s.bytesIn > 0 && s.bytesOut > 0 && s.totalConnections === 3),
    );
    expect(moved.bytesIn).toBeGreaterThanOrEqual(answers.join('').length);
    expect(value(await b.invoke('tunnel.list', {})).tunnels.map((x) => x.id)).toEqual([info.id]);

    expect(value(await b.invoke('tunnel.stop', { id: info.id }))).toEqual({ stopped: true });
    expect(states.at(-1)).toMatchObject({ id: info.id, state: 'stopped' });
    expect(value(await b.invoke('tunnel.list', {})).tunnels).toEqual([]);
    await expect(get(info.localPort, '/')).rejects.toThrow(/ECONNREFUSED/);
    expect(value(await b.invoke('tunnel.stop', { id: info.id }))).toEqual({ stopped: false });
  });

  it('a local port in use is PORT_IN_USE naming the port; other tunnels keep running', async () => {
    const b = start();
    const blocker = net.createServer();
    blockers.push(blocker);
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const busy = (blocker.address() as AddressInfo).port;
    const ok = value(await b.invoke('tunnel.start', { ...where, target: LINUX, remotePort: httpPort }));
    const result = await b.invoke('tunnel.start', { ...where, target: LINUX, remotePort: httpPort, localPort: busy });
    expect(result).toMatchObject({ ok: false, code: 'PORT_IN_USE', params: { port: String(busy) } });
    expect(await get(ok.localPort, '/still')).toBe('こんにちは /still 0');
  });

  it('a tunnel whose session ends shows failed with the reason until it is dismissed (stop), then it is gone', async () => {
    const b = start();
    const states: TunnelInfo[] = [];
    b.on('tunnel.state', (x) => states.push(x));
    const info = value(await b.invoke('tunnel.start', { ...where, target: LINUX, remotePort: httpPort }));
    const ssm = services!.clients.ssm(where);
    const active = await ssm.send(new DescribeSessionsCommand({ State: 'Active' }));
    for (const session of active.Sessions ?? [])
      await ssm.send(new TerminateSessionCommand({ SessionId: session.SessionId }));
    const failed = await until(() => states.find((x) => x.id === info.id && x.state === 'failed'));
    expect(failed.error?.code).toBe('SESSION_FAILED');
    expect(value(await b.invoke('tunnel.list', {})).tunnels).toEqual([
      expect.objectContaining({ id: info.id, state: 'failed' }),
    ]);
    expect(value(await b.invoke('tunnel.stop', { id: info.id }))).toEqual({ stopped: true });
    expect(states.at(-1)).toMatchObject({ id: info.id, state: 'stopped' });
    expect(value(await b.invoke('tunnel.list', {})).tunnels).toEqual([]);
  });

  it('refuses bad requests at the boundary and says what is wrong', async () => {
    const b = start();
    const bad = await b.invoke('tunnel.start', { ...where, target: LINUX, remotePort: 70000 });
    expect(bad).toMatchObject({ ok: false, code: 'BAD_PAYLOAD' });
    const bind = await b.invoke('tunnel.start', { ...where, target: LINUX, remotePort: 80, bindAddress: 'not-an-ip' });
    expect(bind).toMatchObject({ ok: false, code: 'INVALID_TUNNEL' });
    if (!bind.ok) expect(bind.message).toContain('not-an-ip');
  });

  it('saved tunnels persist; a group starts all its tunnels and stops them again; a saved tunnel runs once', async () => {
    const b = start();
    const first = value(
      await b.invoke('tunnel.saved.save', {
        tunnel: { ...where, target: LINUX, remotePort: httpPort, name: 'API 一' },
      }),
    ).tunnel;
    const second = value(
      await b.invoke('tunnel.saved.save', {
        tunnel: { ...where, target: LINUX, remotePort: httpPort, name: 'API 二' },
      }),
    ).tunnel;
    const group = value(
      await b.invoke('tunnel.saved.saveGroup', { group: { name: '朝', tunnelIds: [first.id, second.id] } }),
    ).group;

    const on = value(await b.invoke('tunnel.saved.toggleGroup', { id: group.id, on: true }));
    expect(on.failures).toEqual([]);
    expect(on.started.map((x) => x.savedId).sort()).toEqual([first.id, second.id].sort());
    for (const t of on.started) expect(await get(t.localPort, '/g')).toBe('こんにちは /g 0');
    // Starting a saved tunnel that runs gives the running one.
    const again = value(
      await b.invoke('tunnel.start', { ...where, target: LINUX, remotePort: httpPort, savedId: first.id }),
    );
    expect(on.started.map((x) => x.id)).toContain(again.id);
    expect(value(await b.invoke('tunnel.list', {})).tunnels).toHaveLength(2);

    const off = value(await b.invoke('tunnel.saved.toggleGroup', { id: group.id, on: false }));
    expect(off).toMatchObject({ stopped: 2, started: [] });
    expect(value(await b.invoke('tunnel.list', {})).tunnels).toEqual([]);

    // After a restart of the app the saved tunnels and the group are still there.
    bridge?.dispose();
    services?.dispose();
    const b2 = start();
    expect(value(await b2.invoke('tunnel.saved.list', {}))).toEqual({ tunnels: [first, second], groups: [group] });
    const unknown = await b2.invoke('tunnel.saved.toggleGroup', { id: 'sg-nope', on: true });
    expect(unknown).toMatchObject({ ok: false, code: 'INVALID_TUNNEL' });
  });

  it('a group reports the tunnel that could not start and starts the rest', async () => {
    const b = start();
    const blocker = net.createServer();
    blockers.push(blocker);
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const busy = (blocker.address() as AddressInfo).port;
    const good = value(
      await b.invoke('tunnel.saved.save', { tunnel: { ...where, target: LINUX, remotePort: httpPort } }),
    ).tunnel;
    const clash = value(
      await b.invoke('tunnel.saved.save', {
        tunnel: { ...where, target: LINUX, remotePort: httpPort, localPort: busy },
      }),
    ).tunnel;
    const group = value(
      await b.invoke('tunnel.saved.saveGroup', { group: { name: 'mixed', tunnelIds: [good.id, clash.id] } }),
    ).group;
    const on = value(await b.invoke('tunnel.saved.toggleGroup', { id: group.id, on: true }));
    expect(on.started.map((x) => x.savedId)).toEqual([good.id]);
    expect(on.failures).toEqual([
      { savedId: clash.id, code: 'PORT_IN_USE', message: expect.stringContaining(String(busy)) },
    ]);
  });
});

describe('rdp channels', () => {
  it('tunnels to 3389 and starts the client through the Launcher with the tunnel address', async () => {
    const launcher = new RecordingLauncher();
    const b = start({ launcher, env: { PORTHOLE_RDP_COMMAND: 'my-rdp /v:{host}:{port} /u:{username}' } });
    const info = value(await b.invoke('rdp.start', { ...where, target: WINDOWS, name: 'win-ad-prod' }));
    expect(info).toMatchObject({ kind: 'rdp', remotePort: 3389, state: 'open', name: 'win-ad-prod' });
    expect(launcher.spawned).toEqual([
      { command: 'my-rdp', args: [`/v:127.0.0.1:${info.localPort}`, '/u:Administrator'] },
    ]);
    expect(info.rdp?.command).toEqual(['my-rdp', `/v:127.0.0.1:${info.localPort}`, '/u:Administrator']);
    expect(value(await b.invoke('tunnel.list', {})).tunnels[0]).toMatchObject({ id: info.id, kind: 'rdp' });
  });

  it('keeps the tunnel up and says why when the client cannot start', async () => {
    const launcher = new RecordingLauncher();
    launcher.spawn = async () => {
      throw new Error('my-rdp: command not found');
    };
    const b = start({ launcher, env: { PORTHOLE_RDP_COMMAND: 'my-rdp /v:{host}:{port}' } });
    const info = value(await b.invoke('rdp.start', { ...where, target: WINDOWS }));
    expect(info.state).toBe('open');
    expect(info.rdp?.launchError).toMatchObject({
      code: 'INVALID_TUNNEL',
      message: expect.stringContaining('command not found'),
    });
  });

  it('decrypts the Windows password with the key pair; a wrong key is KEY_PAIR_INVALID; neither is logged', async () => {
    const lines: string[] = [];
    const logger: Logger = {
      debug: (m, f) => lines.push(m + JSON.stringify(f ?? {})),
      info: (m, f) => lines.push(m + JSON.stringify(f ?? {})),
      warn: (m, f) => lines.push(m + JSON.stringify(f ?? {})),
      error: (m, f) => lines.push(m + JSON.stringify(f ?? {})),
    };
    const b = start({ logger });
    const keyPem = readFileSync(join(ROOT, 'emulator', 'fleets', 'demo-windows-key.pem'), 'utf8');
    const answer = value(await b.invoke('rdp.password', { ...where, target: WINDOWS, keyPem }));
    expect(answer).toEqual({ username: 'Administrator', password: 'Demo-パスワード-2024!' });
    const wrong = await b.invoke('rdp.password', {
      ...where,
      target: WINDOWS,
      keyPem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
    });
    expect(wrong).toMatchObject({ ok: false, code: 'KEY_PAIR_INVALID' });
    const logged = lines.join('\n');
    expect(logged).not.toContain('パスワード');
    expect(logged).not.toContain(keyPem.split('\n')[1]!);
  });
});
