import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PortholeError } from '../../../shared/errors';
import { runSshProxy } from './sshProxy';
import { activeHandles, TunnelHarness } from './test/harness';
import { isLoopback, TunnelManager, type TunnelSnapshot, type TunnelState } from './tunnelManager';

/** Size of the each-way transfers in unit tests (the benchmark uses 64 MiB). */
const TRANSFER_BYTES = 8 * 1024 * 1024;

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const target = { profile: 'demo', region: 'ap-northeast-1', target: 'i-0123456789abcdef0' };

let h: TunnelHarness;
let manager: TunnelManager;
let baseline: { tcp: number; timers: number };
const states: TunnelState[] = [];

beforeEach(async () => {
  baseline = activeHandles();
  h = await new TunnelHarness().start();
  manager = new TunnelManager({ openPortSession: h.openPortSession, statsIntervalMs: 100 });
  states.length = 0;
  manager.onDidChangeTunnel((s) => states.push(s.state));
});

afterEach(async () => {
  await manager.stopAll();
  manager.dispose();
  await h.close();
  // Nothing left behind: sockets, listeners, timers.
  for (let i = 0; i < 50 && activeHandles().tcp > baseline.tcp; i++) await new Promise((r) => setTimeout(r, 20));
  expect(activeHandles().tcp).toBeLessThanOrEqual(baseline.tcp);
});

function connect(port: number, host = '127.0.0.1'): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port }, () => resolve(s));
    s.once('error', reject);
  });
}

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
    });
    req.on('error', reject);
  });
}

/** Sends `data` through a local connection to an echo destination; resolves with what came back. */
async function echoThrough(
  port: number,
  data: Uint8Array,
  onProgress?: (received: number) => void,
): Promise<Uint8Array> {
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
  const result = await done;
  socket.destroy();
  return result;
}

describe('TunnelManager', () => {
  it('8 concurrent HTTP requests through one mux tunnel; stats count them', async () => {
    const port = await h.httpServer((req, res) => {
      setTimeout(() => {
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end(`こんにちは ${req.url ?? ''} ` + 'z'.repeat(20_000));
      }, 30);
    });
    const t = await manager.start({ ...target, remotePort: port, name: 'ウェブ' });
    expect(t.state).toBe('open');
    expect(t.localAddress).toBe('127.0.0.1');
    expect(t.nonLoopback).toBe(false);
    const stats: TunnelSnapshot[][] = [];
    manager.onDidUpdateStats((s) => stats.push(s));
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => httpGet(t.localPort, `/item/${i}`)));
    results.forEach((r, i) => {
      expect(r.status).toBe(200);
      expect(r.body.startsWith(`こんにちは /item/${i} `)).toBe(true);
      expect(r.body.length).toBe(`こんにちは /item/${i} `.length + 20_000);
    });
    expect(h.agentSessions).toHaveLength(1);
    const snap = manager.get(t.id)!;
    expect(snap.variant).toBe('mux');
    expect(snap.totalConnections).toBe(8);
    expect(snap.bytesIn).toBeGreaterThan(8 * 20_000);
    expect(snap.bytesOut).toBeGreaterThan(8 * 50);
    expect(h.requests[0]).toMatchObject({
      documentName: 'AWS-StartPortForwardingSession',
      parameters: { portNumber: [String(port)], localPortNumber: [String(t.localPort)] },
    });
    await new Promise((r) => setTimeout(r, 250));
    expect(stats.length).toBeGreaterThan(0);
    expect(stats.at(-1)![0]!.bytesIn).toBe(manager.get(t.id)!.bytesIn);
  });

  it(`mux: ${TRANSFER_BYTES / 1024 / 1024} MiB each way with matching SHA-256; the rate is reported`, async () => {
    const port = await h.echoServer();
    const t = await manager.start({ ...target, remotePort: port });
    let maxRate = 0;
    manager.onDidUpdateStats((s) => (maxRate = Math.max(maxRate, s[0]?.rateIn ?? 0)));
    const data = new Uint8Array(randomBytes(TRANSFER_BYTES));
    const back = await echoThrough(t.localPort, data);
    expect(sha(back)).toBe(sha(data));
    expect(manager.get(t.id)).toMatchObject({ bytesIn: TRANSFER_BYTES, bytesOut: TRANSFER_BYTES });
    expect(maxRate).toBeGreaterThan(0);
  });

  it(`basic (old agent): ${TRANSFER_BYTES / 1024 / 1024} MiB each way with matching SHA-256, then a second connection`, async () => {
    h.agentVersion = '3.0.196.0';
    const port = await h.echoServer();
    const t = await manager.start({ ...target, remotePort: port });
    const data = new Uint8Array(randomBytes(TRANSFER_BYTES));
    expect(sha(await echoThrough(t.localPort, data))).toBe(sha(data));
    expect(manager.get(t.id)!.variant).toBe('basic');
    const again = new Uint8Array(randomBytes(10_000));
    expect(sha(await echoThrough(t.localPort, again))).toBe(sha(again));
    await new Promise((r) => setTimeout(r, 50));
    expect(h.agentSessions[0]!.flagsReceived).toContain(1); // DisconnectToPort between the two
  });

  it('a closed destination fails that connection (reset) while the tunnel stays up', async () => {
    const dead = await h.closedPort();
    const live = await h.echoServer();
    let dest = dead;
    h.resolve = () => ({ host: '127.0.0.1', port: dest });
    const t = await manager.start({ ...target, remotePort: 5432 });
    const s = await connect(t.localPort);
    const outcome = await new Promise<string>((resolve) => {
      s.on('data', () => resolve('data'));
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      s.on('close', () => resolve('closed'));
      s.write('hello?');
    });
    expect(['ECONNRESET', 'closed']).toContain(outcome);
    s.destroy();
    for (let i = 0; i < 50 && manager.get(t.id)!.failedConnections === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(manager.get(t.id)).toMatchObject({ state: 'open', failedConnections: 1 });
    dest = live;
    const msg = new TextEncoder().encode('まだ動いている');
    expect(new TextDecoder().decode(await echoThrough(t.localPort, msg))).toBe('まだ動いている');
  });

  it('a local port in use is a clear PORT_IN_USE error and leaves nothing open', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const e = await manager.start({ ...target, remotePort: 80, localPort: port }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(PortholeError);
      expect((e as PortholeError).code).toBe('PORT_IN_USE');
      expect((e as PortholeError).message).toContain(String(port));
      expect(manager.list()).toEqual([]);
      expect(h.requests).toHaveLength(0); // no session was started for nothing
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  it('rejects bad settings with INVALID_TUNNEL', async () => {
    for (const spec of [
      { remotePort: 0 },
      { remotePort: 70000 },
      { remotePort: 80, localPort: -1 },
      { remotePort: 80, bindAddress: 'not an address' },
      { remotePort: 80, remoteHost: 'bad host/name' },
    ]) {
      const e = await manager.start({ ...target, ...spec }).catch((x: unknown) => x);
      expect((e as PortholeError).code).toBe('INVALID_TUNNEL');
    }
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('127.8.9.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(isLoopback('::')).toBe(false);
    expect(isLoopback('192.168.1.10')).toBe(false);
  });

  it('binds ::1 when asked (IPv6 loopback), still flagged as loopback; no IPv6 gives a clear error', async () => {
    const probe = net.createServer();
    const hasV6 = await new Promise<boolean>((r) => {
      probe.once('error', () => r(false));
      probe.listen(0, '::1', () => r(true));
    });
    await new Promise<void>((r) => (hasV6 ? probe.close(() => r()) : r()));
    const port = await h.echoServer();
    if (!hasV6) {
      const e = await manager.start({ ...target, remotePort: port, bindAddress: '::1' }).catch((x: unknown) => x);
      expect((e as PortholeError).code).toBe('INVALID_TUNNEL');
      return;
    }
    const t = await manager.start({ ...target, remotePort: port, bindAddress: '[::1]' });
    expect(t).toMatchObject({ localAddress: '::1', nonLoopback: false });
    const s = await connect(t.localPort, '::1');
    const got = new Promise<string>((r) => s.once('data', (d: Buffer) => r(d.toString())));
    s.write('v6');
    expect(await got).toBe('v6');
    s.destroy();
  });

  it('remote-host forwarding asks for AWS-StartPortForwardingSessionToRemoteHost with the host', async () => {
    const port = await h.echoServer();
    const seen: string[] = [];
    h.resolve = (host, p) => {
      seen.push(`${host}:${p}`);
      return { host: '127.0.0.1', port };
    };
    const t = await manager.start({
      ...target,
      remotePort: 5432,
      remoteHost: 'db.cluster-xyz.ap-northeast-1.rds.amazonaws.com',
    });
    const msg = new TextEncoder().encode('SELECT 1;');
    expect(new TextDecoder().decode(await echoThrough(t.localPort, msg))).toBe('SELECT 1;');
    expect(h.requests[0]).toMatchObject({
      documentName: 'AWS-StartPortForwardingSessionToRemoteHost',
      parameters: { host: ['db.cluster-xyz.ap-northeast-1.rds.amazonaws.com'], portNumber: ['5432'] },
    });
    expect(seen).toEqual(['db.cluster-xyz.ap-northeast-1.rds.amazonaws.com:5432']);
  });

  it('a data-channel resume in the middle of a transfer loses nothing', async () => {
    const port = await h.echoServer();
    const t = await manager.start({ ...target, remotePort: port });
    const data = new Uint8Array(randomBytes(TRANSFER_BYTES));
    let dropped = false;
    const back = await echoThrough(t.localPort, data, (n) => {
      if (!dropped && n > TRANSFER_BYTES / 4) {
        dropped = true;
        h.agentSessions[0]!.dropConnection();
      }
    });
    expect(dropped).toBe(true);
    expect(sha(back)).toBe(sha(data));
    expect(h.agentSessions[0]!.opens.length).toBeGreaterThanOrEqual(2);
    expect(h.agentSessions[0]!.opens.at(-1)!.TokenValue).toMatch(/-resumed$/);
    expect(states).toContain('reconnecting');
    expect(manager.get(t.id)!.state).toBe('open');
  });

  it('stop closes its connections, the listener and terminates the session', async () => {
    const port = await h.echoServer();
    const t = await manager.start({ ...target, remotePort: port });
    const s = await connect(t.localPort);
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    s.on('error', () => undefined);
    s.resume();
    s.write('x');
    await new Promise((r) => setTimeout(r, 50));
    expect(manager.get(t.id)!.connections).toBe(1);
    await manager.stop(t.id);
    await closed;
    expect(h.agentSessions[0]!.flagsReceived).toContain(2); // TerminateSession flag
    expect(manager.list()).toEqual([]);
    expect(states.slice(-2)).toEqual(['stopping', 'stopped']);
    await expect(connect(t.localPort)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('when the instance ends the session the tunnel fails with its reason and stops listening', async () => {
    const port = await h.echoServer();
    const t = await manager.start({ ...target, remotePort: port });
    await h.portSessions[0]!.ready;
    h.agentSessions[0]!.close('Session idle timeout reached / アイドル');
    for (let i = 0; i < 100 && manager.get(t.id)?.state !== 'failed'; i++) await new Promise((r) => setTimeout(r, 20));
    const snap = manager.get(t.id)!;
    expect(snap.state).toBe('failed');
    expect(snap.error).toMatchObject({ code: 'SESSION_FAILED' });
    expect(snap.error!.message).toContain('アイドル');
    await expect(connect(t.localPort)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('session pool', () => {
  /** Opens `n` connections to an echo destination at once and keeps them open; returns them once each echoed. */
  async function openEchoing(port: number, n: number): Promise<net.Socket[]> {
    return Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const s = await connect(port);
        s.on('error', () => undefined);
        const got = new Promise<string>((r) => s.once('data', (d: Buffer) => r(d.toString('utf8'))));
        s.write(`接続 ${i}`);
        expect(await got).toBe(`接続 ${i}`);
        return s;
      }),
    );
  }

  it('spreads connections over the pool sessions (least loaded first) and shows the pool in the stats', async () => {
    const port = await h.echoServer();
    const t = await manager.start({ ...target, remotePort: port, poolSize: 3 });
    expect(h.requests).toHaveLength(3);
    expect(t).toMatchObject({ state: 'open', poolSize: 3, poolMembers: 3, poolConnections: [0, 0, 0] });
    const sockets = await openEchoing(t.localPort, 6);
    expect(h.agentSessions.map((a) => a.dials)).toEqual([2, 2, 2]);
    expect(manager.get(t.id)!.poolConnections).toEqual([2, 2, 2]);
    // A closed connection frees its member: the next one goes there.
    const closed = new Promise((r) => sockets[0]!.once('close', r));
    sockets[0]!.destroy();
    await closed;
    for (let i = 0; i < 50 && manager.get(t.id)!.poolConnections.includes(1) === false; i++)
      await new Promise((r) => setTimeout(r, 10));
    const before = h.agentSessions.map((a) => a.dials);
    const [extra] = await openEchoing(t.localPort, 1);
    const after = h.agentSessions.map((a) => a.dials);
    const grew = after.map((d, i) => d - before[i]!);
    expect(grew.filter((g) => g === 1)).toHaveLength(1);
    expect(manager.get(t.id)!.poolConnections).toEqual([2, 2, 2]);
    for (const s of [...sockets, extra!]) s.destroy();
    await manager.stop(t.id);
    // Stopping terminates every member.
    for (const a of h.agentSessions) expect(a.flagsReceived).toContain(2);
  });

  it('a pool member that ends does not stop the tunnel; its connections go, new ones use the others', async () => {
    const port = await h.echoServer();
    const t = await manager.start({ ...target, remotePort: port, poolSize: 3 });
    const sockets = await openEchoing(t.localPort, 3);
    expect(h.agentSessions.map((a) => a.dials)).toEqual([1, 1, 1]);
    const closedIndex = new Promise<number>((r) => sockets.forEach((s, i) => s.once('close', () => r(i))));
    // One member ends (the instance closed that session): its connection goes.
    const victim = h.agentSessions[1]!;
    victim.close('セッションが終了しました');
    const lost = await closedIndex;
    for (let i = 0; i < 100 && manager.get(t.id)!.poolMembers !== 2; i++) await new Promise((r) => setTimeout(r, 10));
    const snap = manager.get(t.id)!;
    expect(snap).toMatchObject({ state: 'open', poolSize: 3, poolMembers: 2, poolConnections: [1, 1] });
    expect(snap.error).toBeUndefined();
    // The other connections are untouched, and new ones work.
    for (const [i, s] of sockets.entries()) {
      if (i === lost) continue;
      expect(s.destroyed).toBe(false);
      const got = new Promise<string>((r) => s.once('data', (d: Buffer) => r(d.toString('utf8'))));
      s.write('まだ');
      expect(await got).toBe('まだ');
    }
    const more = await openEchoing(t.localPort, 4);
    expect(victim.dials).toBe(1);
    for (const s of [...sockets, ...more]) s.destroy();
  });

  it('starts with the members that could start; fails only when none could', async () => {
    const port = await h.echoServer();
    let calls = 0;
    const flaky = new TunnelManager({
      openPortSession: async (request) => {
        calls++;
        if (calls === 2) throw new PortholeError('TARGET_NOT_CONNECTED', 'not connected');
        return h.openPortSession(request);
      },
    });
    try {
      const t = await flaky.start({ ...target, remotePort: port, poolSize: 3 });
      expect(t).toMatchObject({ state: 'open', poolSize: 3, poolMembers: 2 });
      const back = await echoThrough(t.localPort, new Uint8Array(randomBytes(100_000)));
      expect(back.length).toBe(100_000);
      const none = new TunnelManager({
        openPortSession: async () => {
          throw new PortholeError('TARGET_NOT_CONNECTED', 'the instance is not connected');
        },
      });
      await expect(none.start({ ...target, remotePort: port, poolSize: 2 })).rejects.toMatchObject({
        code: 'TARGET_NOT_CONNECTED',
      });
      expect(none.list()).toEqual([]);
      none.dispose();
    } finally {
      await flaky.stopAll();
      flaky.dispose();
    }
  });

  it('rejects a pool size outside 1..16', async () => {
    for (const poolSize of [0, 17, 1.5]) {
      await expect(manager.start({ ...target, remotePort: 80, poolSize })).rejects.toMatchObject({
        code: 'INVALID_TUNNEL',
      });
    }
    expect(h.requests).toHaveLength(0);
  });
});

describe('ssh-proxy', () => {
  it('pipes stdin/stdout over AWS-StartSSHSession, bytes untouched', async () => {
    const port = await h.tcpServer((s) => {
      s.write('SSH-2.0-OpenSSH_9.6 ようこそ\r\n');
      s.on('data', (d: Buffer) => {
        s.write(Buffer.concat([Buffer.from('echo:'), d]));
        if (d.includes(0x04)) s.end();
      });
    });
    const input = new PassThrough();
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on('data', (d: Buffer) => chunks.push(d));
    const run = runSshProxy({ ...target, port, openPortSession: h.openPortSession, input, output });
    input.write(Buffer.from([0x00, 0xff, 0x04]));
    const end = await run;
    expect(end.kind).toBe('ended');
    expect(h.requests[0]).toMatchObject({
      documentName: 'AWS-StartSSHSession',
      parameters: { portNumber: [String(port)] },
    });
    const out = Buffer.concat(chunks);
    expect(out.toString('utf8', 0, out.indexOf('echo:'))).toBe('SSH-2.0-OpenSSH_9.6 ようこそ\r\n');
    expect([...out.subarray(out.indexOf('echo:') + 5)]).toEqual([0x00, 0xff, 0x04]);
  });

  it('stdin EOF terminates the session', async () => {
    const port = await h.tcpServer(() => undefined);
    const input = new PassThrough();
    const output = new PassThrough();
    output.resume();
    const run = runSshProxy({ ...target, port, openPortSession: h.openPortSession, input, output });
    await new Promise((r) => setTimeout(r, 100));
    input.end();
    const end = await run;
    expect(['ended', 'closed-by-client']).toContain(end.kind);
    expect(h.agentSessions[0]!.flagsReceived).toContain(2);
  });
});
