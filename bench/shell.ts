/**
 * Shell session benchmark (issue 3): the core client (SessionStarter + ShellSession, in this process) against the
 * emulator run as its own program (so its CPU is not counted as the client's), with the agent's output pacing off
 * and on.
 *
 *   keystrokes  one byte sent, time until its echo arrives (the remote PTY's echo), p50/p99 over N keystrokes
 *   output      `head -c N /dev/zero | base64` through the shell: MB/s of output bytes received, client CPU s/MiB
 *   paste       1 MiB of text typed into `cat > /dev/null` (echo off), until a marker command after it has run
 *               (median of 5)
 *   memory      heap and RSS growth per open session, over 20 more sessions (after GC)
 *
 *   npm run bench -- shell [--keystrokes 1000] [--output-mib 32] [--paced-output-mib 2] [--paste-kib 1024] [--paste-runs 5]
 *                          [--sessions 20] [--only off|on]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createAwsClientFactory } from '../electron/core/aws/clients';
import type { ShellSession } from '../electron/core/ssm/session';
import { SessionStarter } from '../electron/core/ssm/sessionStarter';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REGION = 'us-east-1';
const TARGET = 'i-0be0c0000000000a1';
const MiB = 1024 * 1024;

export const TARGETS = {
  keystrokeP50Ms: 2,
  keystrokeP99Ms: 10,
  paste1MiBSeconds: 0.2,
  perSessionMB: 4,
} as const;

interface Options {
  keystrokes: number;
  outputMiB: number;
  pacedOutputMiB: number;
  pasteKiB: number;
  pasteRuns: number;
  sessions: number;
}

export async function run(argv: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args: argv,
    options: {
      keystrokes: { type: 'string', default: '1000' },
      'output-mib': { type: 'string', default: '32' },
      'paced-output-mib': { type: 'string', default: '2' },
      'paste-kib': { type: 'string', default: '1024' },
      'paste-runs': { type: 'string', default: '5' },
      sessions: { type: 'string', default: '20' },
      only: { type: 'string' },
    },
    strict: true,
  });
  const options: Options = {
    keystrokes: Number(values.keystrokes),
    outputMiB: Number(values['output-mib']),
    pacedOutputMiB: Number(values['paced-output-mib']),
    pasteKiB: Number(values['paste-kib']),
    pasteRuns: Number(values['paste-runs']),
    sessions: Number(values.sessions),
  };
  const dir = mkdtempSync(join(tmpdir(), 'porthole-bench-shell-'));
  const fleetFile = join(dir, 'fleet.json');
  writeFileSync(
    fleetFile,
    JSON.stringify({
      instances: [
        { id: TARGET, region: REGION, platform: 'amazon-linux', privateIp: '10.0.0.1', tags: { Name: 'bench' } },
      ],
    }),
  );
  try {
    const out: Record<string, unknown> = {
      machine: { cpus: availableParallelism(), loadavg1m: round(loadavg()[0] ?? 0, 2), node: process.version },
      targets: TARGETS,
    };
    if (values.only !== 'on') out.pacingOff = await measure(fleetFile, false, options);
    if (values.only !== 'off') out.pacingOn = await measure(fleetFile, true, options);
    const off = out.pacingOff as Figures | undefined;
    if (off) {
      out.meetsTargets = {
        keystrokeP50: off.keystrokes.p50Ms <= TARGETS.keystrokeP50Ms,
        keystrokeP99: off.keystrokes.p99Ms <= TARGETS.keystrokeP99Ms,
        paste1MiB: off.paste.seconds * (1024 / options.pasteKiB) < TARGETS.paste1MiBSeconds,
        perSession:
          off.memory.rssPerSessionMB < TARGETS.perSessionMB && off.memory.heapPerSessionMB < TARGETS.perSessionMB,
      };
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Figures {
  keystrokes: { count: number; p50Ms: number; p90Ms: number; p99Ms: number; maxMs: number; meanMs: number };
  output: { bytes: number; seconds: number; mbPerSecond: number; clientCpuSecondsPerMiB: number };
  paste: {
    bytes: number;
    runs: number;
    /** Median. */
    seconds: number;
    minSeconds: number;
    maxSeconds: number;
    clientCpuSecondsPerMiB: number;
    messagesSent: number;
    resent: number;
  };
  memory: {
    sessions: number;
    heapPerSessionMB: number;
    rssPerSessionMB: number;
    externalPerSessionMB: number;
    rssTotalMB: { before: number; after: number };
  };
}

async function measure(fleetFile: string, pacing: boolean, o: Options): Promise<Figures> {
  const emulator = await startEmulator(fleetFile, pacing);
  const clients = createAwsClientFactory({
    endpointUrl: emulator.url,
    env: {},
    credentialsFor: () => async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }),
  });
  const starter = new SessionStarter({ clients });
  try {
    // Memory first, before the throughput runs leave garbage and grown allocator arenas behind.
    const memory = await memoryPerSession(starter, o.sessions);
    const keystrokes = await withShell(starter, (s) => keystrokeLatency(s, o.keystrokes));
    const output = await withShell(starter, (s) =>
      outputThroughput(s, (pacing ? o.pacedOutputMiB : o.outputMiB) * MiB),
    );
    const paste = await withShell(starter, (s) => pasteTime(s, o.pasteKiB * 1024, o.pasteRuns));
    return { keystrokes, output, paste, memory };
  } finally {
    clients.dispose();
    await emulator.stop();
  }
}

// ------------------------------------------------------------------ measurements

async function keystrokeLatency(s: ShellTap, count: number): Promise<Figures['keystrokes']> {
  const samples: number[] = [];
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (let i = 0; i < count; i++) {
    // A new line now and then keeps the PTY's line buffer (4 KiB) from filling; its output is not timed.
    if (i > 0 && i % 200 === 0) {
      await s.run(`: ${i}`);
    }
    const ch = letters[i % letters.length]!;
    const echoed = s.watch((text) => text.includes(ch));
    const t0 = performance.now();
    void s.session.write(ch);
    await echoed;
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const pct = (p: number) =>
    round(samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))] ?? 0, 3);
  return {
    count,
    p50Ms: pct(50),
    p90Ms: pct(90),
    p99Ms: pct(99),
    maxMs: round(samples[samples.length - 1] ?? 0, 3),
    meanMs: round(samples.reduce((a, b) => a + b, 0) / samples.length, 3),
  };
}

async function outputThroughput(s: ShellTap, bytes: number): Promise<Figures['output']> {
  const from = s.received;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await s.run(`head -c ${bytes} /dev/zero | base64 -w 76`, 300_000);
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu);
  const got = s.received - from;
  return {
    bytes: got,
    seconds: round(seconds, 3),
    mbPerSecond: round(got / MiB / seconds, 2),
    clientCpuSecondsPerMiB: round((used.user + used.system) / 1e6 / (got / MiB), 4),
  };
}

async function pasteTime(s: ShellTap, bytes: number, runs: number): Promise<Figures['paste']> {
  // Echo off so the measure is the input path (a paste into an editor or `cat` with echo would also come back).
  await s.run('stty -echo');
  const line = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/ABCDEFGHIJKL\r'; // 77 bytes, like base64
  const text = line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes - 1) + '\r';
  const times: number[] = [];
  let cpuSeconds = 0;
  const sentBefore = s.session.channelStats.sent;
  const resentBefore = s.session.channelStats.resent;
  for (let i = 0; i < runs; i++) {
    await s.run('true');
    await s.session.write('cat > /dev/null\r');
    await new Promise((r) => setTimeout(r, 100));
    const marker = `PASTE${i + 42}`;
    const done = s.watch((t) => t.includes(marker), 60_000);
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    void s.session.write(text);
    // Ctrl-D ends `cat`; the marker command runs only once everything before it has been read by the PTY.
    void s.session.write(`\x04echo "PASTE$((${i}+42))"\r`);
    await done;
    times.push((performance.now() - t0) / 1000);
    const used = process.cpuUsage(cpu);
    cpuSeconds += (used.user + used.system) / 1e6;
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    bytes,
    runs,
    seconds: round(sorted[Math.floor(sorted.length / 2)] ?? 0, 4),
    minSeconds: round(sorted[0] ?? 0, 4),
    maxSeconds: round(sorted[sorted.length - 1] ?? 0, 4),
    clientCpuSecondsPerMiB: round(cpuSeconds / ((bytes * runs) / MiB), 4),
    messagesSent: s.session.channelStats.sent - sentBefore,
    resent: s.session.channelStats.resent - resentBefore,
  };
}

async function memoryPerSession(starter: SessionStarter, count: number): Promise<Figures['memory']> {
  const gc = exposeGc();
  const open: ShellTap[] = [];
  try {
    // One session first so code loading and first-use caches are not counted.
    open.push(await openShell(starter));
    await settle(gc);
    const before = process.memoryUsage();
    for (let i = 0; i < count; i++) open.push(await openShell(starter));
    await settle(gc);
    const after = process.memoryUsage();
    return {
      sessions: count,
      heapPerSessionMB: round((after.heapUsed - before.heapUsed) / count / MiB, 3),
      rssPerSessionMB: round((after.rss - before.rss) / count / MiB, 3),
      externalPerSessionMB: round((after.external - before.external) / count / MiB, 3),
      rssTotalMB: { before: round(before.rss / MiB, 1), after: round(after.rss / MiB, 1) },
    };
  } finally {
    await Promise.all(open.map((s) => s.close()));
  }
}

// ------------------------------------------------------------------ a shell with its output tapped

interface ShellTap {
  readonly session: ShellSession;
  /** Output bytes so far. */
  readonly received: number;
  /**
   * Starts watching the output from now (call it before sending what causes it); resolves when the text received
   * since then (its last 64 KiB) satisfies `test`.
   */
  watch(test: (text: string) => boolean, timeoutMs?: number): Promise<void>;
  /** Runs a command line and waits for a marker printed after it. */
  run(command: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

async function openShell(starter: SessionStarter): Promise<ShellTap> {
  const session = await starter.start({
    profile: 'default',
    region: REGION,
    target: TARGET,
    initialSize: { cols: 120, rows: 40 },
  });
  let received = 0;
  const decoder = new TextDecoder();
  const watchers = new Set<(text: string) => void>();
  session.onDidOutput((bytes) => {
    received += bytes.length;
    if (watchers.size === 0) return;
    const text = decoder.decode(bytes, { stream: true });
    for (const w of [...watchers]) w(text);
  });
  let marker = 0;
  const tap: ShellTap = {
    session,
    get received() {
      return received;
    },
    watch(test, timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        // Only the recent tail is kept: markers are short, and holding all output would skew the figures.
        let seen = '';
        const done = (error?: Error) => {
          clearTimeout(timer);
          watchers.delete(onText);
          if (error) reject(error);
          else resolve();
        };
        const onText = (text: string) => {
          seen = seen.length + text.length > 65536 ? (seen + text).slice(-65536) : seen + text;
          if (test(seen)) done();
        };
        const timer = setTimeout(
          () => done(new Error(`timed out after ${timeoutMs} ms; last output: ${JSON.stringify(seen.slice(-300))}`)),
          timeoutMs,
        );
        watchers.add(onText);
        void session.ended.then((end) => {
          if (watchers.has(onText)) done(new Error(`session ended: ${JSON.stringify(end)}`));
        });
      });
    },
    async run(command, timeoutMs) {
      const n = ++marker;
      const text = `MARK${n * 1000 + 7}`;
      const seen = tap.watch((t) => t.includes(text), timeoutMs);
      // The marker is computed by the shell, so the echoed command line does not match it.
      await session.write(`${command}; echo "MARK$((${n}*1000+7))"\r`);
      await seen;
    },
    async close() {
      await session.terminate(2000);
      session.dispose();
    },
  };
  await tap.run('true');
  return tap;
}

async function withShell<T>(starter: SessionStarter, fn: (s: ShellTap) => Promise<T>): Promise<T> {
  const s = await openShell(starter);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

// ------------------------------------------------------------------ helpers

function startEmulator(fleetFile: string, pacing: boolean): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'emulator/main.ts', '--port', '0', '--fleet', fleetFile, ...(pacing ? [] : ['--no-pacing'])],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ url: m[1]!, stop });
    });
    child.once('exit', (code) => reject(new Error(`emulator exited (${code}): ${stderr}`)));
  });
}

function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function settle(gc: () => void): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 100));
    gc();
  }
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
