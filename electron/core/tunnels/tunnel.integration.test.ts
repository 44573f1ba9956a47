/**
 * Tunnels through the real emulator (issue 5, "Done means"), over real sockets: the emulator runs as its own program
 * (`emulator/main.ts --no-pacing`) and serves the agent end of port sessions; the client is SessionStarter +
 * PortSession + TunnelManager as the app and the CLI compose them. Destinations are local TCP/HTTP servers the fleet
 * file maps the instances' ports to.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClientFactory, type AwsClientFactory } from '../aws/clients';
import { portSessionOpener } from '../ssm/portSessionStarter';
import { SessionStarter } from '../ssm/sessionStarter';
import { runSshProxy } from './sshProxy';
import { TunnelManager, type TunnelState } from './tunnelManager';
import { startEmulatorProcess } from '../test/emulatorProcess';

/** Each-way transfer size, as the issue asks (64 MiB each way, mux and basic). */
const TRANSFER_BYTES = 64 * 1024 * 1024;
/** Generous: two 64 MiB streams through the emulator on a loaded 2-core CI machine. */
const TRANSFER_TIMEOUT_MS = 180_000;
const REGION = 'us-east-1';

const ids = {
  mux: 'i-0a0b0c0d0e0f00001',
  basic: 'i-0a0b0c0d0e0f00002',
  drop: 'i-0a0b0c0d0e0f00003',
};

let emulator: ChildProcess | undefined;
let tmp = '';
let clients: AwsClientFactory;
let manager: TunnelManager;
let openPortSession: ReturnType<typeof portSessionOpener>;
const servers: (net.Server | http.Server)[] = [];
const ports = { http: 0, echo: 0, closed: 0, banner: 0, db: 0 };

async function listen<T extends net.Server>(server: T): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return (server.address() as AddressInfo).port;
}

async function startEmulator(fleetPath: string): Promise<string> {
  const started = await startEmulatorProcess(['--fleet', fleetPath, '--no-pacing']);
  emulator = started.child;
  return started.url;
}

beforeAll(async () => {
  const echo = net.createServer((s) => {
    s.on('error', () => undefined);
    s.pipe(s);
  });
  ports.echo = await listen(echo);
  ports.db = await listen(
    net.createServer((s) => {
      s.on('error', () => undefined);
      s.on('data', (d: Buffer) => s.write(Buffer.concat([Buffer.from('db:'), d])));
    }),
  );
  ports.banner = await listen(
    net.createServer((s) => {
      s.on('error', () => undefined);
      s.write('SSH-2.0-Emulated テスト\r\n');
      s.on('data', (d: Buffer) => {
        s.write(d);
        if (d.includes(0x04)) s.end();
      });
    }),
  );
  ports.http = await listen(
    http.createServer((req, res) => {
      setTimeout(() => res.end(`応答 ${req.url ?? ''}`), 20);
    }),
  );
  const probe = net.createServer();
  ports.closed = await listen(probe);
  await new Promise<void>((r) => probe.close(() => r()));
  servers.splice(servers.indexOf(probe), 1);

  const mapping = { '80': ports.http, '7': ports.echo, '5432': ports.closed, '22': ports.banner };
  const base = { region: REGION, platform: 'amazon-linux', ports: mapping };
  tmp = mkdtempSync(join(tmpdir(), 'porthole-tunnel-itest-'));
  const fleetPath = join(tmp, 'fleet.json');
  writeFileSync(
    fleetPath,
    JSON.stringify({
      hosts: { 'db.internal': `127.0.0.1:${ports.db}` },
      instances: [
        { ...base, id: ids.mux, privateIp: '10.9.1.1', tags: { Name: 'トンネル' } },
        { ...base, id: ids.basic, privateIp: '10.9.1.2', agentVersion: '3.0.100.0' },
        {
          ...base,
          id: ids.drop,
          privateIp: '10.9.1.3',
          faults: { seed: 21, dropAfterMessages: 2500, dropTimes: 2, dropMode: 'close' },
        },
      ],
    }),
  );
  const url = await startEmulator(fleetPath);
  clients = createAwsClientFactory({
    endpointUrl: url,
    env: {},
    credentialsFor: () => async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }),
  });
  const starter = new SessionStarter({
    clients,
    channelOptions: { reconnect: { initialDelayMs: 20, maxAttempts: 6 } },
  });
  openPortSession = portSessionOpener(starter);
}, 60_000);

afterAll(async () => {
  clients?.dispose();
  const child = emulator;
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  for (const s of servers) {
    if (s instanceof http.Server) s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const states: TunnelState[] = [];
afterEach(async () => {
  await manager?.stopAll();
  manager?.dispose();
  states.length = 0;
});

function newManager(): TunnelManager {
  manager = new TunnelManager({ openPortSession });
  manager.onDidChangeTunnel((s) => states.push(s.state));
  return manager;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

async function echoThrough(port: number, data: Uint8Array, onProgress?: (n: number) => void): Promise<Uint8Array> {
  const socket = await connect(port);
  const parts: Buffer[] = [];
  let n = 0;
  const done = new Promise<Uint8Array>((resolve, reject) => {
    socket.on('data', (d: Buffer) => {
      parts.push(d);
      n += d.length;
      onProgress?.(n);
      if (n >= data.length) resolve(new Uint8Array(Buffer.concat(parts)));
    });
    socket.on('close', () => (n >= data.length ? undefined : reject(new Error(`closed after ${n} bytes`))));
  });
  for (let off = 0; off < data.length; off += 256 * 1024) {
    if (!socket.write(data.subarray(off, off + 256 * 1024)))
      await new Promise<void>((r) => socket.once('drain', () => r()));
  }
  const r = await done;
  socket.destroy();
  return r;
}

function httpGet(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
      })
      .on('error', reject);
  });
}

describe('tunnels through the emulator', () => {
  it('8 concurrent HTTP requests through one mux tunnel', async () => {
    const t = await newManager().start({ profile: 'default', region: REGION, target: ids.mux, remotePort: 80 });
    const bodies = await Promise.all(Array.from({ length: 8 }, (_, i) => httpGet(t.localPort, `/r${i}`)));
    expect(bodies).toEqual(Array.from({ length: 8 }, (_, i) => `応答 /r${i}`));
    expect(manager.get(t.id)).toMatchObject({ variant: 'mux', totalConnections: 8, state: 'open' });
  });

  it(
    `mux: ${TRANSFER_BYTES >> 20} MiB each way, SHA-256 matches`,
    async () => {
      const t = await newManager().start({ profile: 'default', region: REGION, target: ids.mux, remotePort: 7 });
      const data = new Uint8Array(randomBytes(TRANSFER_BYTES));
      expect(sha(await echoThrough(t.localPort, data))).toBe(sha(data));
    },
    TRANSFER_TIMEOUT_MS,
  );

  it(
    `basic (agent 3.0.100.0): ${TRANSFER_BYTES >> 20} MiB each way, SHA-256 matches`,
    async () => {
      const t = await newManager().start({ profile: 'default', region: REGION, target: ids.basic, remotePort: 7 });
      const data = new Uint8Array(randomBytes(TRANSFER_BYTES));
      expect(sha(await echoThrough(t.localPort, data))).toBe(sha(data));
      expect(manager.get(t.id)!.variant).toBe('basic');
    },
    TRANSFER_TIMEOUT_MS,
  );

  it('a closed destination port fails that connection; the tunnel stays up', async () => {
    const m = newManager();
    const t = await m.start({ profile: 'default', region: REGION, target: ids.mux, remotePort: 5432 });
    const s = await connect(t.localPort);
    s.on('error', () => undefined);
    s.resume();
    s.write('ping');
    await new Promise<void>((r) => s.once('close', () => r()));
    for (let i = 0; i < 100 && m.get(t.id)!.failedConnections === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(m.get(t.id)).toMatchObject({ state: 'open', failedConnections: 1 });
    // the session is alive: a second connection gets its own stream (and its own failure)
    const s2 = await connect(t.localPort);
    s2.on('error', () => undefined);
    s2.resume();
    await new Promise<void>((r) => s2.once('close', () => r()));
    for (let i = 0; i < 100 && m.get(t.id)!.failedConnections < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(m.get(t.id)).toMatchObject({ state: 'open', failedConnections: 2 });
  });

  it('remote-host forwarding reaches the host through the fleet host map', async () => {
    const t = await newManager().start({
      profile: 'default',
      region: REGION,
      target: ids.mux,
      remotePort: 5432,
      remoteHost: 'db.internal',
    });
    // the db server answers "db:" + what it got
    const back = await echoThrough(t.localPort, new TextEncoder().encode('SELECT 1;'));
    expect(Buffer.from(back).toString()).toBe('db:SELECT 1;');
  });

  // MGS ends websockets with a close frame (§11, "close 1000 … Bye"); after an abrupt drop the agent's one-message-
  // per-100-ms resend (§5.4) makes recovery slow, which the fake-agent unit test covers instead.
  it('a websocket closed in the middle of a transfer is resumed and loses nothing', async () => {
    const t = await newManager().start({ profile: 'default', region: REGION, target: ids.drop, remotePort: 7 });
    const data = new Uint8Array(randomBytes(TRANSFER_BYTES));
    expect(sha(await echoThrough(t.localPort, data))).toBe(sha(data));
    expect(states).toContain('reconnecting');
    expect(manager.get(t.id)!.state).toBe('open');
  });

  it('ssh-proxy: stdin/stdout over AWS-StartSSHSession', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on('data', (d: Buffer) => chunks.push(d));
    const run = runSshProxy({
      profile: 'default',
      region: REGION,
      target: ids.mux,
      port: 22,
      openPortSession,
      input,
      output,
    });
    input.write(Buffer.from([0x41, 0xff, 0x04]));
    const end = await run;
    expect(end.kind).toBe('ended');
    const out = Buffer.concat(chunks);
    expect(out.toString('utf8').startsWith('SSH-2.0-Emulated テスト\r\n')).toBe(true);
    expect([...out.subarray(out.length - 3)]).toEqual([0x41, 0xff, 0x04]);
  });
});
