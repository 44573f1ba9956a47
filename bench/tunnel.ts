/**
 * Tunnel benchmark (client efficiency): MB/s through one TunnelManager tunnel for one TCP stream each way and for
 * 8 streams down (one session, and spread over a session pool), connection set-up time, and CPU seconds per MiB, for
 * mux and basic sessions. The agent end is the
 * in-process fake port agent (no pacing), so the figures are what our client can do, with the fake's own cost
 * included in the CPU figure. Against the emulator (with its pacing) once it serves port sessions.
 *
 *   npm run bench -- tunnel [--mib 64] [--variant mux|basic|both] [--pool 8]
 *     [--against fake|emulator-pacing-off|emulator-pacing-on|all]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAwsClientFactory } from '../electron/core/aws/clients';
import { portSessionOpener, type OpenPortSession } from '../electron/core/ssm/portSessionStarter';
import { SessionStarter } from '../electron/core/ssm/sessionStarter';
import { TunnelHarness } from '../electron/core/tunnels/test/harness';
import { TunnelManager } from '../electron/core/tunnels/tunnelManager';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Remote ports the emulator's fleet maps to the local sink, source and echo servers. */
const REMOTE = { sink: 9001, source: 9002, echo: 9003 };

/** Bytes each way per transfer (the figure). */
export const BENCH_TRANSFER_MIB = 64;

export async function run(argv: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args: argv,
    options: {
      mib: { type: 'string', default: String(BENCH_TRANSFER_MIB) },
      variant: { type: 'string', default: 'both' },
      against: { type: 'string', default: 'all' },
      pool: { type: 'string', default: '8' },
    },
    strict: true,
  });
  const mib = Number(values.mib);
  const pool = Number(values.pool);
  const variants = values.variant === 'both' ? ['mux', 'basic'] : [values.variant!];
  const against = values.against === 'all' ? ['fake', 'emulator-pacing-off', 'emulator-pacing-on'] : [values.against!];
  const results: Record<string, unknown> = {};
  for (const a of against) {
    const r: Record<string, unknown> = {};
    for (const v of variants) r[v] = await runAgainst(a, v === 'basic' ? '3.0.100.0' : '3.3.1142.0', mib, pool);
    results[a] = r;
  }
  return {
    note: 'fake = in-process fake port agent (its CPU counts in cpuSecondsPerMiB); emulator = separate process',
    mibPerTransfer: mib,
    poolSize: pool,
    officialPluginUploadMBps: 1,
    ...results,
  };
}

async function runAgainst(against: string, agentVersion: string, mib: number, pool: number): Promise<unknown> {
  const h = await new TunnelHarness().start();
  let emulator: ChildProcess | undefined;
  let tmp = '';
  let dispose = () => undefined as void;
  try {
    const local = await localServers(h, mib * 1024 * 1024);
    let open: OpenPortSession;
    let target = 'i-0123456789abcdef0';
    if (against === 'fake') {
      h.agentVersion = agentVersion;
      const map: Record<number, number> = {
        [REMOTE.sink]: local.sink,
        [REMOTE.source]: local.source,
        [REMOTE.echo]: local.echo,
      };
      h.resolve = (_host, port) => ({ host: '127.0.0.1', port: map[port] ?? port });
      open = h.openPortSession;
    } else {
      tmp = mkdtempSync(join(tmpdir(), 'porthole-bench-tunnel-'));
      const fleet = join(tmp, 'fleet.json');
      target = 'i-0beeef0000000000a';
      writeFileSync(
        fleet,
        JSON.stringify({
          instances: [
            {
              id: target,
              region: 'us-east-1',
              platform: 'amazon-linux',
              privateIp: '10.77.0.1',
              agentVersion,
              ports: { [REMOTE.sink]: local.sink, [REMOTE.source]: local.source, [REMOTE.echo]: local.echo },
            },
          ],
        }),
      );
      const started = await startEmulator(fleet, against === 'emulator-pacing-on');
      emulator = started.child;
      const clients = createAwsClientFactory({
        endpointUrl: started.url,
        env: {},
        credentialsFor: () => async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }),
      });
      dispose = () => clients.dispose();
      open = portSessionOpener(new SessionStarter({ clients }));
    }
    return await measure(open, target, local, mib, pool);
  } finally {
    dispose();
    await h.close();
    if (emulator && emulator.exitCode === null) {
      const exited = new Promise((r) => emulator!.once('exit', r));
      emulator.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (emulator.exitCode === null) emulator.kill('SIGKILL');
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

interface LocalServers {
  sink: number;
  source: number;
  echo: number;
  payload: Uint8Array;
  sunk(): Promise<{ n: number; hash: string }>;
}

/** A sink that hashes what it gets, a source that sends the payload, an echo for set-up time. */
async function localServers(h: TunnelHarness, bytes: number): Promise<LocalServers> {
  const payload = new Uint8Array(randomBytes(bytes));
  let sinkDone: (r: { n: number; hash: string }) => void = () => undefined;
  const sink = await h.tcpServer((s) => {
    const hash = createHash('sha256');
    let n = 0;
    s.on('data', (d: Buffer) => {
      hash.update(d);
      n += d.length;
      if (n >= bytes) {
        sinkDone({ n, hash: hash.digest('hex') });
        s.end();
      }
    });
  });
  const source = await h.tcpServer((s) => s.end(payload));
  const echo = await h.echoServer();
  return { sink, source, echo, payload, sunk: () => new Promise((r) => (sinkDone = r)) };
}

function startEmulator(fleetPath: string, pacing: boolean): Promise<{ child: ChildProcess; url: string }> {
  const args = ['--import', 'tsx', 'emulator/main.ts', '--port', '0', '--fleet', fleetPath];
  if (!pacing) args.push('--no-pacing');
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`emulator exited (${code}): ${stderr}`)));
  });
}

async function measure(
  open: OpenPortSession,
  targetId: string,
  local: LocalServers,
  mib: number,
  pool: number,
): Promise<unknown> {
  const manager = new TunnelManager({ openPortSession: open });
  const target = { profile: 'bench', region: 'us-east-1', target: targetId };
  const bytes = mib * 1024 * 1024;
  const payload = local.payload;
  const digest = sha(payload);
  try {
    const sinkTunnel = await manager.start({ ...target, remotePort: REMOTE.sink });
    const sourceTunnel = await manager.start({ ...target, remotePort: REMOTE.source });
    const echoTunnel = await manager.start({ ...target, remotePort: REMOTE.echo });

    // upload: local client -> sink
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const sunk = local.sunk();
    const up = await connect(sinkTunnel.localPort);
    for (let off = 0; off < bytes; off += 256 * 1024) {
      if (!up.write(payload.subarray(off, off + 256 * 1024))) await new Promise((r) => up.once('drain', r));
    }
    const sinkResult = await sunk;
    const upSeconds = (performance.now() - t0) / 1000;
    up.destroy();

    // download: source -> local client
    const t1 = performance.now();
    const down = await readAll(sourceTunnel.localPort, bytes);
    const downSeconds = (performance.now() - t1) / 1000;
    const cpu = process.cpuUsage(cpu0);

    // 8 streams down at once (mux: one session; basic: one at a time by design)
    // (basic re-dials the destination only when the client sends data, §7.4: a server-first source cannot serve a
    // second connection, so basic gets no 8-stream figure)
    const isMux = manager.get(sourceTunnel.id)?.variant === 'mux';
    const t2 = performance.now();
    const per = Math.floor(bytes / 8);
    const streams = isMux
      ? await Promise.all(Array.from({ length: 8 }, () => readAll(sourceTunnel.localPort, per)))
      : [];
    const eightSeconds = (performance.now() - t2) / 1000;

    // 8 streams down spread over a session pool (basic works too: each member carries one connection at a time)
    const poolTunnel = await manager.start({ ...target, remotePort: REMOTE.source, poolSize: pool });
    const t3 = performance.now();
    const pooled = await Promise.all(Array.from({ length: 8 }, () => readAll(poolTunnel.localPort, per)));
    const pooledSeconds = (performance.now() - t3) / 1000;
    const poolStats = manager.get(poolTunnel.id)!;
    await manager.stop(poolTunnel.id);

    // connection set-up: connect + first echoed byte
    const setups: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      const s = await connect(echoTunnel.localPort);
      const got = new Promise((r) => s.once('data', r));
      s.write('x');
      await got;
      setups.push(performance.now() - t);
      s.destroy();
    }
    setups.sort((a, b) => a - b);
    return {
      variant: manager.get(sinkTunnel.id)?.variant,
      uploadMBps: round(bytes / 1e6 / upSeconds),
      downloadMBps: round(bytes / 1e6 / downSeconds),
      eightStreamDownloadMBps: isMux ? round((per * 8) / 1e6 / eightSeconds) : null,
      pool: {
        size: poolStats.poolSize,
        members: poolStats.poolMembers,
        eightStreamDownloadMBps: round((per * 8) / 1e6 / pooledSeconds),
        vsOneSessionEightStreams: isMux ? round(eightSeconds / pooledSeconds, 2) : null,
        vsOneSessionOneStream: round((per * 8) / pooledSeconds / (bytes / downSeconds), 2),
      },
      setupMsP50: round(setups[10]!),
      setupMsP99: round(setups[19]!),
      cpuSecondsPerMiB: round((cpu.user + cpu.system) / 1e6 / (2 * mib), 4),
      sha256Match:
        sinkResult.hash === digest &&
        sha(down) === digest &&
        streams.every((x) => sha(x.subarray(0, per)) === sha(payload.subarray(0, per))) &&
        pooled.every((x) => sha(x.subarray(0, per)) === sha(payload.subarray(0, per))),
      uploadVsOfficial: round(bytes / 1e6 / upSeconds / 1),
    };
  } finally {
    await manager.stopAll();
    manager.dispose();
  }
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

async function readAll(port: number, expected: number): Promise<Uint8Array> {
  const s = await connect(port);
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let n = 0;
    s.on('data', (d: Buffer) => {
      parts.push(d);
      n += d.length;
      if (n >= expected) {
        s.destroy();
        resolve(new Uint8Array(Buffer.concat(parts)));
      }
    });
    s.on('close', () => (n >= expected ? undefined : reject(new Error(`closed after ${n} of ${expected} bytes`))));
  });
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

if (import.meta.url === `file://${process.argv[1]}`) {
  run(process.argv.slice(2)).then(
    (r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'),
    (e: unknown) => {
      process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
