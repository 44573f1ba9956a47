/**
 * The real client against the real emulator, over real sockets (issue 3, "Done means"): echo, UTF-8, resize,
 * 16 MiB with SHA-256, exit codes, KMS, and each fault the emulator can inject.
 * The emulator runs as its own program (`emulator/main.ts`, as `npm run emulator` does): core code does not import
 * the emulator, and the client and the agent side meet only on the wire.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClientFactory, type AwsClientFactory } from '../aws/clients';
import { ShellSession, type SessionEnd } from './session';
import { SessionStarter, execRequest } from './sessionStarter';
import { Utf8StreamDecoder } from './utf8';
import { startEmulatorProcess } from '../test/emulatorProcess';

const REGION = 'us-east-1';
const PROFILE = 'default';

function instance(n: number, extra: Record<string, unknown> = {}) {
  return {
    id: `i-0feed0000000000${n.toString(16).padStart(2, '0')}`,
    region: REGION,
    platform: 'amazon-linux' as const,
    privateIp: `10.9.0.${n}`,
    tags: { Name: `itest-${n}` },
    ...extra,
  };
}

/** Fault plans in the emulator's fleet-file shape (`instances[].faults`). */
const FAULTS: Record<string, Record<string, unknown>> = {
  drop: { seed: 7, dropAfterMessages: 150, dropTimes: 2 },
  dropClose: { seed: 8, dropAfterMessages: 120, dropMode: 'close' },
  dropFast: { seed: 13, dropAfterMessages: 150 },
  reorder: { seed: 3, reorderProbability: 0.1 },
  duplicate: { seed: 4, duplicateProbability: 0.1 },
  corrupt: { seed: 5, corruptDigestProbability: 0.1 },
  lose: { seed: 6, loseProbability: 0.05 },
  expire: { seed: 9, expireToken: { afterMessages: 100, resume: 'succeed' } },
  expireNoToken: { seed: 10, expireToken: { afterMessages: 20, resume: 'no-token' } },
  expireError: { seed: 11, expireToken: { afterMessages: 20, resume: 'error' } },
  pause: { seed: 12, pausePublication: { afterMessages: 50, durationMs: 300 } },
};

const ids = {
  plain: instance(1).id,
  kms: instance(2).id,
  ...Object.fromEntries(Object.keys(FAULTS).map((k, i) => [k, instance(16 + i).id])),
} as Record<string, string>;

let emulator: ChildProcess | undefined;
let emulatorUrl = '';
let tmp = '';
let clients: AwsClientFactory;
let starter: SessionStarter;
const open = new Set<ShellSession>();

async function startEmulator(fleetPath: string): Promise<string> {
  const started = await startEmulatorProcess(['--fleet', fleetPath, '--no-pacing']);
  emulator = started.child;
  return started.url;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'porthole-ssm-itest-'));
  const fleetPath = join(tmp, 'fleet.json');
  writeFileSync(
    fleetPath,
    JSON.stringify({
      instances: [
        instance(1),
        instance(2, { kmsEncryption: true }),
        ...Object.values(FAULTS).map((faults, i) => instance(16 + i, { faults })),
      ],
    }),
  );
  emulatorUrl = await startEmulator(fleetPath);
  clients = createAwsClientFactory({
    endpointUrl: emulatorUrl,
    env: {},
    credentialsFor: () => async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }),
  });
  starter = new SessionStarter({ clients, channelOptions: { reconnect: { initialDelayMs: 20, maxAttempts: 6 } } });
});

afterAll(async () => {
  for (const s of open) s.dispose();
  clients?.dispose();
  const child = emulator;
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function start(target: string, request: { documentName?: string; parameters?: Record<string, string[]> } = {}) {
  const session = await starter.start({ profile: PROFILE, region: REGION, target, ...request });
  open.add(session);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const decoder = new Utf8StreamDecoder();
  let text = '';
  session.onDidOutput((b) => {
    out.push(Buffer.from(b));
    text += decoder.write(b);
  });
  session.onDidStdErr((b) => err.push(Buffer.from(b)));
  return {
    session,
    out,
    err,
    text: () => text,
    async waitFor(re: RegExp, ms = 15_000): Promise<RegExpExecArray> {
      const deadline = Date.now() + ms;
      for (;;) {
        const m = re.exec(text);
        if (m) return m;
        if (session.end)
          throw new Error(`session ended (${JSON.stringify(session.end)}) before ${re}; output: ${text.slice(-500)}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}; output: ${text.slice(-500)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

async function exec(target: string, command: string) {
  const s = await start(target, execRequest(command));
  const end = await withTimeout(s.session.ended, 90_000, `exec ${command}`);
  return { ...s, end, stdout: Buffer.concat(s.out), stderr: Buffer.concat(s.err).toString('utf8') };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms))),
  ]);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A command printing `bytes` random bytes on stdout and their SHA-256 on stderr. */
function randomOutput(bytes: number): string {
  return `f=$(mktemp); head -c ${bytes} /dev/urandom > "$f"; sha256sum "$f" | cut -c1-64 >&2; cat "$f"; rm -f "$f"`;
}

/**
 * Like randomOutput, but written 4 KiB at a time with short pauses, so the command is still running after a
 * reconnect. (An agent drains a backlog only through its resend scheduler, one message per 100 ms tick, and gives up
 * 2 s after its command ended, §5.7/§10.1: a fast command's backlog after a drop cannot all arrive.)
 */
function pacedRandomOutput(blocks: number): string {
  return (
    `f=$(mktemp); head -c ${blocks * 4096} /dev/urandom > "$f"; sha256sum "$f" | cut -c1-64 >&2; i=0; ` +
    `while [ $i -lt ${blocks} ]; do dd if="$f" bs=4096 skip=$i count=1 2>/dev/null; sleep 0.02; i=$((i+1)); done; rm -f "$f"`
  );
}

async function expectIntactTransfer(target: string, bytes: number, paced = false) {
  const r = await exec(target, paced ? pacedRandomOutput(bytes / 4096) : randomOutput(bytes));
  expect(r.end.kind, JSON.stringify(r.end)).toBe('ended');
  expect(r.stdout.length).toBe(bytes);
  expect(sha256(r.stdout)).toBe(r.stderr.trim());
  expect(r.end.exitCode).toBe(0);
  return r;
}

describe('shell sessions against the emulator', () => {
  it('echo round trip', async () => {
    const s = await start(ids.plain!);
    await s.session.write("printf 'x%sy\\n' round-trip\r");
    await s.waitFor(/xround-tripy/);
    expect(s.session.isEncrypted).toBe(false);
    const end = await s.session.terminate();
    expect(['ended', 'closed-by-client']).toContain(end.kind);
  });

  it('keeps UTF-8 whole across messages (3000 Japanese characters)', async () => {
    const s = await start(ids.plain!);
    await s.session.write("for i in $(seq 1 1000); do printf '日本語'; done; echo ' END'\r");
    const m = await s.waitFor(/((?:日本語)+) END/, 30_000);
    expect(m[1]!.length).toBe(3000);
    expect(s.text()).not.toContain('\uFFFD');
    await s.session.terminate();
  });

  it('applies the terminal size: stty size after a resize', async () => {
    const s = await start(ids.plain!);
    await s.session.resize(100, 37);
    await s.session.write('stty size\r');
    await s.waitFor(/^37 100\r?$/m);
    await s.session.resize(132, 43);
    await s.session.write('stty size\r');
    await s.waitFor(/^43 132\r?$/m);
    await s.session.terminate();
  });

  it('ends with the shell: exit closes the session', async () => {
    const s = await start(ids.plain!);
    await s.session.write('exit\r');
    const end = await withTimeout(s.session.ended, 15_000, 'shell exit');
    expect(end.kind).toBe('ended');
  });

  it('KMS encryption: handshake, challenge and encrypted I/O', async () => {
    const s = await start(ids.kms!);
    const notes: string[] = [];
    s.session.onDidCustomerMessage((m) => notes.push(m));
    await s.session.write("printf 'k%sm\\n' 暗号\r");
    await s.waitFor(/k暗号m/);
    expect(s.session.isEncrypted).toBe(true);
    await s.session.terminate();
  });
});

describe('command sessions against the emulator', () => {
  it('exec: stdout and stderr apart, the real exit code', async () => {
    const r = await exec(ids.plain!, "echo hi; echo 'エラー' >&2; exit 3");
    expect(r.stdout.toString('utf8')).toBe('hi\n');
    expect(r.stderr).toBe('エラー\n');
    expect(r.end).toMatchObject({ kind: 'ended', exitCode: 3 });
  });

  it('exec: exit code 0', async () => {
    const r = await exec(ids.plain!, 'true');
    expect(r.end).toMatchObject({ kind: 'ended', exitCode: 0 });
  });

  it('16 MiB of output arrives intact (SHA-256)', async () => {
    await expectIntactTransfer(ids.plain!, 16 * 1024 * 1024);
  }, 120_000);

  it('a paused reader holds the agent back (the channel stops reading) instead of dropping output', async () => {
    const slowStarter = new SessionStarter({
      clients,
      channelOptions: { maxBufferedBytes: 256 * 1024, reconnect: { initialDelayMs: 20, maxAttempts: 6 } },
    });
    const session = await slowStarter.start({
      profile: PROFILE,
      region: REGION,
      target: ids.plain!,
      ...execRequest(randomOutput(4 * 1024 * 1024)),
    });
    open.add(session);
    session.pauseOutput();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    session.onDidOutput((b) => out.push(Buffer.from(b)));
    session.onDidStdErr((b) => err.push(Buffer.from(b)));
    const deadline = Date.now() + 15_000;
    while (session.channelStats.receivePauses === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 500));
    expect(session.channelStats.receivePauses).toBeGreaterThan(0);
    expect(session.channelStats.overflowDropped).toBe(0);
    expect(out).toHaveLength(0);
    session.resumeOutput();
    const end = await withTimeout(session.ended, 60_000, 'paused exec');
    expect(end).toMatchObject({ kind: 'ended', exitCode: 0 });
    const stdout = Buffer.concat(out);
    expect(stdout.length).toBe(4 * 1024 * 1024);
    expect(sha256(stdout)).toBe(Buffer.concat(err).toString('utf8').trim());
    expect(session.channelStats.overflowDropped).toBe(0);
  }, 90_000);

  it('exec with KMS encryption', async () => {
    const r = await exec(ids.kms!, 'echo secret; exit 7');
    expect(r.stdout.toString()).toBe('secret\n');
    expect(r.end).toMatchObject({ kind: 'ended', exitCode: 7 });
    expect(r.session.isEncrypted).toBe(true);
  });
});

describe('faults: output matches byte for byte, or the session ends with a clear reason', () => {
  it('websocket dropped mid-stream (twice): resumes, nothing lost or duplicated', async () => {
    const r = await expectIntactTransfer(ids.drop!, 512 * 1024, true);
    expect(r.session.channelStats.reconnects).toBe(2);
  }, 60_000);

  it('websocket closed by the service ("Bye"): resumes', async () => {
    const r = await expectIntactTransfer(ids.dropClose!, 256 * 1024, true);
    expect(r.session.channelStats.reconnects).toBe(1);
  }, 60_000);

  it('drop while a fast command finishes: intact output, or a failure that says the output was cut short', async () => {
    const r = await exec(ids.dropFast!, randomOutput(512 * 1024));
    if (r.end.kind === 'ended') {
      expect(sha256(r.stdout)).toBe(r.stderr.trim());
    } else {
      expectFailed(r.end, /before (all output|the command's exit code) arrived/);
      expect(r.stdout.length).toBeLessThan(512 * 1024);
    }
  }, 60_000);

  it('10% reordered', async () => {
    const r = await expectIntactTransfer(ids.reorder!, 1024 * 1024);
    expect(r.session.channelStats.buffered).toBeGreaterThan(20);
  }, 60_000);

  it('10% duplicated', async () => {
    const r = await expectIntactTransfer(ids.duplicate!, 1024 * 1024);
    expect(r.session.channelStats.duplicates).toBeGreaterThan(20);
  }, 60_000);

  it('10% corrupt digests (dropped, recovered by agent resends)', async () => {
    const r = await expectIntactTransfer(ids.corrupt!, 96 * 1024);
    expect(r.session.channelStats.malformed).toBeGreaterThan(0);
  }, 90_000);

  it('5% lost frames', async () => {
    await expectIntactTransfer(ids.lose!, 96 * 1024);
  }, 90_000);

  it('pause_publication mid-stream', async () => {
    await expectIntactTransfer(ids.pause!, 256 * 1024);
  }, 60_000);

  it('expired token: ResumeSession gives a new one and the stream continues', async () => {
    const r = await expectIntactTransfer(ids.expire!, 256 * 1024, true);
    expect(r.session.channelStats.reconnects).toBe(1);
  }, 60_000);

  it('expired token and ResumeSession without a token: ends with "timed out"', async () => {
    const r = await exec(ids.expireNoToken!, randomOutput(256 * 1024));
    expectFailed(r.end, /timed out/);
  }, 60_000);

  it('expired token and the session gone: ends with a clear reason', async () => {
    const r = await exec(ids.expireError!, randomOutput(256 * 1024));
    expectFailed(r.end, /no longer exists/);
  }, 60_000);
});

function expectFailed(end: SessionEnd, reason: RegExp) {
  expect(end.kind).toBe('failed');
  expect(end.kind === 'failed' ? end.message : '').toMatch(reason);
}
