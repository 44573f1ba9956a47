import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FakePortAgent, type FakePortSessionConfig } from '../tunnels/test/fakePortAgent';
import { DataChannel } from './dataChannel';
import { PortSession, type PortConnection } from './portSession';
import { choosePortVariant, muxKeepAliveEnabled, versionGreaterThan } from './portVersion';

const enc = (s: string) => new TextEncoder().encode(s);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A TCP server on 127.0.0.1 that echoes, or speaks first ("banner"), tracked for cleanup. */
async function tcpServer(onConn: (s: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    onConn(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return (server.address() as AddressInfo).port;
}

const echo = (s: net.Socket) => s.pipe(s);

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function setup(config: FakePortSessionConfig, opts: { resume?: boolean } = {}) {
  const agent = await new FakePortAgent().listening();
  cleanups.push(() => agent.close());
  const started = agent.createSession({
    resolve: (_h, port) => ({ host: '127.0.0.1', port }),
    ...config,
  });
  const channel = new DataChannel({
    streamUrl: started.streamUrl,
    token: started.token,
    sessionId: started.sessionId,
    reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
    ...(opts.resume ? { resume: async () => ({ kind: 'token' as const, token: 'resumed-token' }) } : {}),
  });
  const session = new PortSession({ sessionId: started.sessionId, channel, handshakeTimeoutMs: 5000 });
  cleanups.push(() => session.dispose());
  await channel.open();
  return { agent, session, fake: started.session, channel };
}

function collect(conn: PortConnection, until: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let n = 0;
    conn.onDidData((d) => {
      parts.push(Buffer.from(d));
      n += d.length;
      if (n >= until) resolve(new Uint8Array(Buffer.concat(parts)));
    });
    conn.onDidClose((e) => (e ? reject(e) : resolve(new Uint8Array(Buffer.concat(parts)))));
  });
}

async function writeAll(conn: PortConnection, data: Uint8Array, chunk = 64 * 1024): Promise<void> {
  for (let off = 0; off < data.length; off += chunk) await conn.write(data.subarray(off, off + chunk));
}

describe('version gates (§6.5, §7.3)', () => {
  it('compares like the plugin: numerically, same number of components only', () => {
    expect(versionGreaterThan('3.0.197.0', '3.0.196.0')).toBe(true);
    expect(versionGreaterThan('3.0.196.0', '3.0.196.0')).toBe(false);
    expect(versionGreaterThan('3.10.0.0', '3.9.999.0')).toBe(true);
    expect(versionGreaterThan('3.1', '3.0.196.0')).toBe(false);
    expect(versionGreaterThan('', '3.0.196.0')).toBe(false);
    expect(versionGreaterThan('3.x.1.0', '3.0.196.0')).toBe(false);
  });

  it('picks mux, basic or stream and the keepalive rule', () => {
    expect(choosePortVariant('LocalPortForwarding', '3.3.1142.0')).toBe('mux');
    expect(choosePortVariant('LocalPortForwarding', '3.0.196.0')).toBe('basic');
    expect(choosePortVariant('LocalPortForwarding', 'garbage')).toBe('basic');
    expect(choosePortVariant(undefined, '3.3.1142.0')).toBe('stream');
    expect(muxKeepAliveEnabled('3.1.1511.0')).toBe(true);
    expect(muxKeepAliveEnabled('3.1.1512.0')).toBe(false);
  });
});

describe('PortSession against a fake agent', () => {
  it('mux: handshake, then several connections at once carry their own bytes (日本語 too)', async () => {
    const port = await tcpServer(echo);
    const { session, fake } = await setup({ properties: { portNumber: String(port), type: 'LocalPortForwarding' } });
    const info = await session.ready;
    expect(info).toMatchObject({ variant: 'mux', agentVersion: '3.3.1142.0', keepAlive: false });
    expect(fake.clientVersion).toMatch(/^1\.2\.\d+\.0$/);
    const conns = await Promise.all(Array.from({ length: 8 }, () => session.openConnection()));
    const results = await Promise.all(
      conns.map(async (c, i) => {
        const msg = enc(`接続 ${i}: ` + 'x'.repeat(5000 * (i + 1)));
        const got = collect(c, msg.length);
        await writeAll(c, msg, 1000);
        const r = await got;
        c.close();
        return new TextDecoder().decode(r) === new TextDecoder().decode(msg);
      }),
    );
    expect(results).toEqual(Array(8).fill(true));
    expect(new Set(conns.map((c) => c.id)).size).toBe(8);
  });

  it('mux: keepalive stays on for agents up to 3.1.1511.0', async () => {
    const { session } = await setup({
      properties: { portNumber: '1', type: 'LocalPortForwarding' },
      agentVersion: '3.1.1511.0',
    });
    const info = await session.ready;
    expect(info.keepAlive).toBe(true);
    expect(session.mux?.keepAliveEnabled).toBe(true);
  });

  it('accepts the ack of its HandshakeResponse after HandshakeComplete (§11)', async () => {
    const port = await tcpServer(echo);
    const { session } = await setup({
      properties: { portNumber: String(port), type: 'LocalPortForwarding' },
      lateHandshakeAck: true,
    });
    await session.ready;
    const c = await session.openConnection();
    const got = collect(c, 5);
    await c.write(enc('hello'));
    expect(new TextDecoder().decode(await got)).toBe('hello');
  });

  it('mux: a closed destination fails that connection only (ConnectToPortError); the session stays up', async () => {
    const dead = await closedPort();
    const port = await tcpServer(echo);
    let target = dead;
    const { session } = await setup({
      properties: { portNumber: '80', type: 'LocalPortForwarding' },
      resolve: () => ({ host: '127.0.0.1', port: target }),
    });
    await session.ready;
    const errors: (number | undefined)[] = [];
    session.onDidConnectError((e) => errors.push(e.connectionId));
    const bad = await session.openConnection();
    const ended = new Promise<void>((r) => bad.onDidEnd(r));
    bad.onDidData(() => undefined);
    await ended;
    await new Promise((r) => setTimeout(r, 50));
    expect(errors).toEqual([bad.id]);
    expect(bad.failure).toBe('connect-failed');
    target = port;
    const good = await session.openConnection();
    const got = collect(good, 2);
    await good.write(enc('ok'));
    expect(new TextDecoder().decode(await got)).toBe('ok');
    expect(session.end).toBeUndefined();
  });

  it('basic (agent ≤ 3.0.196.0): one connection at a time, DisconnectToPort between them', async () => {
    const port = await tcpServer(echo);
    const { session, fake } = await setup({
      properties: { portNumber: String(port), type: 'LocalPortForwarding' },
      agentVersion: '3.0.100.0',
    });
    expect((await session.ready).variant).toBe('basic');
    const first = await session.openConnection();
    let secondReady = false;
    const secondP = session.openConnection().then((c) => {
      secondReady = true;
      return c;
    });
    const got1 = collect(first, 3);
    await first.write(enc('one'));
    expect(new TextDecoder().decode(await got1)).toBe('one');
    expect(secondReady).toBe(false);
    first.close();
    const second = await secondP;
    const got2 = collect(second, 3);
    await second.write(enc('two'));
    expect(new TextDecoder().decode(await got2)).toBe('two');
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.flagsReceived).toEqual([1]);
    expect(fake.dials).toBe(2);
  });

  it('stream (AWS-StartSSHSession): a server-first banner arrives, the destination end ends the session', async () => {
    const port = await tcpServer((s) => {
      s.write('SSH-2.0-OpenSSH_9.2 テスト\r\n');
      s.on('data', (d) => {
        if (d.toString().includes('bye')) s.end('closing\n');
      });
    });
    const { session } = await setup({ properties: { portNumber: String(port) } });
    expect((await session.ready).variant).toBe('stream');
    const c = await session.openConnection();
    await expect(session.openConnection()).rejects.toThrow(/single byte stream/);
    const parts: Buffer[] = [];
    c.onDidData((d) => parts.push(Buffer.from(d)));
    const ended = new Promise<void>((r) => c.onDidEnd(r));
    await c.write(enc('bye\n'));
    await ended;
    expect(Buffer.concat(parts).toString()).toBe('SSH-2.0-OpenSSH_9.2 テスト\r\nclosing\n');
    expect((await session.ended).kind).toBe('ended');
  });

  it('mux: 8 MiB each way on one connection with matching SHA-256', async () => {
    const port = await tcpServer(echo);
    const { session } = await setup({ properties: { portNumber: String(port), type: 'LocalPortForwarding' } });
    await session.ready;
    const c = await session.openConnection();
    const data = new Uint8Array(randomBytes(8 * 1024 * 1024));
    const got = collect(c, data.length);
    await writeAll(c, data);
    expect(sha(await got)).toBe(sha(data));
  });

  it('mux: a reader that stops reading stops delivery; buffers stay bounded; nothing is lost', async () => {
    const total = 10 * 1024 * 1024;
    const data = new Uint8Array(randomBytes(total));
    const port = await tcpServer((s) => {
      s.end(data);
    });
    const { session, channel } = await setup({ properties: { portNumber: String(port), type: 'LocalPortForwarding' } });
    await session.ready;
    const c = await session.openConnection();
    c.pause();
    c.onDidData(() => undefined); // attached but paused: nothing is consumed
    await new Promise((r) => setTimeout(r, 1500));
    const mux = session.mux!;
    // smux stops taking data at its 4 MiB receive buffer; the channel holds the rest, bounded
    expect(mux.isReceivePaused).toBe(true);
    expect(mux.unreadBytes).toBeGreaterThanOrEqual(4 * 1024 * 1024);
    expect(mux.unreadBytes).toBeLessThan(4 * 1024 * 1024 + 64 * 1024);
    expect(channel.bufferedCount).toBeLessThanOrEqual(8 * 1024);
    const parts: Buffer[] = [];
    const done = new Promise<void>((r) => c.onDidEnd(r));
    c.onDidData((d) => parts.push(Buffer.from(d)));
    c.resume();
    await done;
    expect(sha(new Uint8Array(Buffer.concat(parts)))).toBe(sha(data));
  });

  it('terminate() sends the TerminateSession flag and the agent closes the channel', async () => {
    const { session, fake } = await setup({ properties: { portNumber: '1', type: 'LocalPortForwarding' } });
    await session.ready;
    const end = await session.terminate(2000);
    expect(fake.flagsReceived).toEqual([2]);
    expect(end.kind).toBe('ended');
  });
});
