/**
 * `porthole shell` and `porthole exec` as a user runs them: `node bin/porthole.mjs` as a child process (piped, or
 * under a real PTY with node-pty) against an in-process emulator with the sessions plugin (real PTY shells).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pty from 'node-pty';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../../emulator/server';
import { sessionsPlugin } from '../../../emulator/sessions/install';
import type { SessionService } from '../../../emulator/sessions/service';
import { emulatorCliEnv } from '../test/cliEnv';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'porthole.mjs');
const REGION = 'us-east-1';

function instance(n: number, name: string, extra: Record<string, unknown> = {}) {
  return {
    id: `i-0c1a0000000000${n.toString(16).padStart(3, '0')}`,
    region: REGION,
    platform: 'amazon-linux' as const,
    privateIp: `10.7.0.${n}`,
    tags: { Name: name, 担当: '山田' },
    ...extra,
  };
}

const plain = instance(1, 'cli-shell-1');
const japanese = instance(2, '日本語サーバー');
const twinA = instance(3, 'twin');
const twinB = instance(4, 'twin');
const offline = instance(5, 'offline-box', { pingStatus: 'ConnectionLost' });
const dropping = instance(6, 'dropper', { faults: { seed: 3, dropAfterMessages: 10 } });
const hung = instance(7, 'hung-box');
const expiring = instance(8, 'expiring', {
  faults: { seed: 4, expireToken: { afterMessages: 5, resume: 'no-token' } },
});

let emulator: Emulator;
let service: SessionService | undefined;
let home: string;
let env: NodeJS.ProcessEnv;
const terminals = new Set<pty.IPty>();

beforeAll(async () => {
  emulator = await createEmulator({
    fleet: { instances: [plain, japanese, twinA, twinB, offline, dropping, hung, expiring] },
    plugins: [sessionsPlugin({ pacing: false }, (s) => (service = s))],
  });
  home = mkdtempSync(join(tmpdir(), 'porthole-cli-session-'));
  env = emulatorCliEnv(home, REGION, emulator.url);
});

afterEach(() => {
  for (const term of terminals) term.kill();
  terminals.clear();
});

afterAll(async () => {
  await emulator?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

interface Result {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs the CLI with piped stdio; `input` is written to stdin and then stdin is closed (unless `keepStdin`).
 * `onStdout` sees the output as it comes, with the child (to send it signals).
 */
function porthole(
  args: string[],
  input?: string,
  options: { keepStdin?: boolean; onStdout?: (text: string, child: ReturnType<typeof spawn>) => void } = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      out.push(d);
      options.onStdout?.(Buffer.concat(out).toString('utf8'), child);
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
    if (input !== undefined) child.stdin.write(input);
    if (!options.keepStdin) child.stdin.end();
  });
}

/** The CLI under a real terminal (node-pty): what it prints, and a way to wait for text. */
function underPty(command: string, args: string[], size: { cols: number; rows: number }) {
  const term = pty.spawn(command, args, { name: 'xterm-256color', cwd: ROOT, env, ...size });
  terminals.add(term);
  let screen = '';
  term.onData((d) => (screen += d));
  const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  return {
    term,
    exited,
    get screen() {
      return screen;
    },
    async waitFor(pattern: RegExp, from = 0, timeoutMs = 15_000): Promise<RegExpExecArray> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = pattern.exec(screen.slice(from));
        if (m) return m;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; screen:\n${screen}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

describe('porthole exec', () => {
  it("prints the command's output and exits with its exit code (3), stdout and stderr kept apart", async () => {
    const r = await porthole(['exec', plain.id, '--', 'sh', '-c', 'echo hi; echo oops >&2; exit 3']);
    expect(r.stdout.toString('utf8')).toBe('hi\n');
    expect(r.stderr).toBe('oops\n');
    expect(r.code).toBe(3);
  });

  it('exits 0 for a command that succeeds, and quotes each argument as one literal word', async () => {
    const r = await porthole(['exec', plain.id, '--', 'printf', '[%s]\\n', "it's", 'a b', '$HOME', 'x;y', '*']);
    expect(r.stderr).toBe('');
    expect(r.stdout.toString('utf8')).toBe("[it's]\n[a b]\n[$HOME]\n[x;y]\n[*]\n");
    expect(r.code).toBe(0);
  });

  it('finds the target by its Japanese Name tag, and Japanese output survives byte for byte', async () => {
    const text = 'こんにちは、世界 🌏 ｶﾀｶﾅ';
    const r = await porthole(['exec', '日本語サーバー', '--', 'printf', '%s\\n', text]);
    expect(r.stderr).toBe('');
    expect(r.stdout.equals(Buffer.from(`${text}\n`, 'utf8'))).toBe(true);
    expect(r.code).toBe(0);
  });

  it('by Name tag; a Name is matched exactly (case-sensitive)', async () => {
    const ok = await porthole(['exec', 'cli-shell-1', '--', 'echo', 'by-name']);
    expect(ok.stdout.toString()).toBe('by-name\n');
    expect(ok.code).toBe(0);
    const wrongCase = await porthole(['exec', 'CLI-shell-1', '--', 'echo', 'no']);
    expect(wrongCase.code).toBe(1);
    expect(wrongCase.stderr).toBe('porthole: No instance matches "CLI-shell-1".\n');
  });

  it('an ambiguous Name lists the matching instances and exits 2', async () => {
    const r = await porthole(['exec', 'twin', '--', 'true']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('porthole: "twin" is the Name of 2 instances:');
    expect(r.stderr).toContain(twinA.id);
    expect(r.stderr).toContain(twinB.id);
    expect(r.stderr).toContain('Give the instance id instead.');
    expect(r.stdout.length).toBe(0);
  });

  it('an unknown target is TARGET_NOT_FOUND; an offline one is TargetNotConnected from the catalog', async () => {
    const unknown = await porthole(['exec', 'no-such-box', '--', 'true']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('porthole: No instance matches "no-such-box".\n');
    const down = await porthole(['exec', 'offline-box', '--', 'true']);
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(
      `porthole: Instance ${offline.id} is not connected to Systems Manager. Check that the SSM agent is running and can reach AWS.\n`,
    );
  });

  it('Ctrl-C (SIGINT) interrupts the remote command, and porthole exits with its status (130)', async () => {
    let sent = false;
    const started = Date.now();
    // The agent signals the process it started (the emulator's `sh -c <line>`): `exec` makes that the sleep itself.
    const argv = ['exec', 'sh', '-c', 'echo started; exec sleep 30'];
    const r = await porthole(['exec', plain.id, '--', ...argv], undefined, {
      onStdout: (text, child) => {
        if (!sent && text.includes('started')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(r.stdout.toString()).toBe('started\n');
    expect(r.code).toBe(130);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('without a command it is a usage error (exit 2), and --help documents the quoting', async () => {
    const r = await porthole(['exec', plain.id]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Give the command to run after "--"');
    const help = await porthole(['exec', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.toString()).toContain("'it'\\''s'");
  });
});

describe('porthole shell', () => {
  it('runs piped input through the remote shell: prints 42 and exits 0', async () => {
    const r = await porthole(['shell', plain.id], 'echo $((6*7))\nexit\n');
    expect(r.stdout.toString('utf8')).toMatch(/^42\r?$/m);
    expect(r.stderr).toMatch(/^Starting session with SessionId: \S+\n/);
    expect(r.stderr).toMatch(/Exiting session with SessionId: \S+\.\n$/);
    expect(r.code).toBe(0);
  });

  it('end of piped input ends the remote shell (Ctrl-D) and Japanese output survives', async () => {
    const r = await porthole(['shell', '日本語サーバー'], 'echo "$((1+1))番目のサーバー"\n');
    expect(r.stdout.toString('utf8')).toMatch(/^2番目のサーバー\r?$/m);
    expect(r.code).toBe(0);
  });

  it('shows reconnecting and resumed notices when the connection drops, and no output is lost', async () => {
    // The shell stays up until the last line has arrived: after a drop the agent resends what the dead socket lost one
    // message per 100 ms (as the real agent does), and a shell that exited at once would be closed before that ends.
    let exited = false;
    const r = await porthole(['shell', 'dropper'], 'seq 1 20000 | sed "s/^/L/"\n', {
      keepStdin: true,
      onStdout: (text, child) => {
        if (!exited && text.includes('L20000')) {
          exited = true;
          child.stdin?.end('exit\n');
        }
      },
    });
    const lines = r.stdout
      .toString('utf8')
      .split(/\r?\n/)
      .filter((l) => /^L\d+$/.test(l));
    expect(lines).toEqual(Array.from({ length: 20000 }, (_, i) => `L${i + 1}`));
    expect(r.stderr).toContain('Connection to the instance lost; reconnecting...');
    expect(r.stderr).toContain('Reconnected; the session continues.');
    expect(r.code).toBe(0);
  }, 90_000);

  it('SIGTERM terminates the session and exits 143 with a notice', async () => {
    let sent = false;
    const r = await porthole(['shell', plain.id], 'echo "UP$((1+1))"; sleep 30\n', {
      keepStdin: true,
      onStdout: (text, child) => {
        if (!sent && text.includes('UP2')) {
          sent = true;
          child.kill('SIGTERM');
        }
      },
    });
    expect(r.code).toBe(143);
    const sessionId = /SessionId: (\S+)/.exec(r.stderr)?.[1] ?? '';
    expect(r.stderr).toContain(`Received SIGTERM; terminating session ${sessionId}.`);
    expect(service?.snapshot().find((x) => x.sessionId === sessionId)?.status).toBe('Terminated');
  });

  it('--document and --parameters start another session document (InteractiveCommands under a PTY)', async () => {
    const r = await porthole([
      'shell',
      plain.id,
      '--document',
      'AWS-StartInteractiveCommand',
      '--parameters',
      '{"command":"echo 対話 $((2*21))"}',
    ]);
    expect(r.stdout.toString('utf8')).toMatch(/^対話 42\r?$/m);
    expect(r.code).toBe(0);
    const bad = await porthole(['shell', plain.id, '--document', 'No-Such-Doc']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'porthole: The session document "No-Such-Doc" does not exist or is not a Session document.\n',
    );
    const badJson = await porthole(['shell', plain.id, '--parameters', '["top"]']);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toContain('--parameters must be a JSON object');
  });

  it('a session that cannot go on (resume refused) exits 1 with the reason', async () => {
    const r = await porthole(['shell', 'expiring'], 'seq 1 20000\nexit\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^porthole: The session ended: .*timed out/m);
    expect(r.stderr).not.toContain('Exiting session');
  });

  it('offline and unknown targets fail with clear messages', async () => {
    const down = await porthole(['shell', offline.id]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`Instance ${offline.id} is not connected to Systems Manager.`);
    const unknown = await porthole(['shell', 'i-0fffffffffffffff0']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^porthole: /);
    const noTarget = await porthole(['shell']);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toContain('Give the instance to connect to');
  });

  it('under a real terminal: stty size matches the terminal, follows a resize, and the terminal is restored', async () => {
    // `stty -a` after porthole exits shows whether the terminal came back from raw mode.
    const t = underPty('sh', ['-c', `"${process.execPath}" "${BIN}" shell ${plain.id}; echo "STATUS=$?"; stty -a`], {
      cols: 101,
      rows: 31,
    });
    await t.waitFor(/Starting session with SessionId/);
    t.term.write('stty size | sed "s/^/SIZE=/"\r');
    expect((await t.waitFor(/SIZE=(\d+ \d+)/))[1]).toBe('31 101');

    t.term.resize(133, 44);
    let from = t.screen.length;
    let size = '';
    for (let attempt = 0; attempt < 20 && size !== '44 133'; attempt++) {
      t.term.write('stty size | sed "s/^/SIZE=/"\r');
      size = (await t.waitFor(/SIZE=(\d+ \d+)/, from))[1] ?? '';
      from = t.screen.length;
    }
    expect(size).toBe('44 133');

    // Ctrl-C is a byte for the remote side: it interrupts the remote command, not porthole.
    t.term.write('sleep 30; echo "AFTER$((2+3))"\r');
    await new Promise((r) => setTimeout(r, 300));
    t.term.write('\x03');
    t.term.write('echo "ALIVE$((3+4))"\r');
    await t.waitFor(/ALIVE7/, from);
    expect(t.screen.slice(from)).not.toContain('AFTER5');

    t.term.write('exit\r');
    await t.waitFor(/STATUS=0/);
    // stty -a prints "icanon" (restored) or "-icanon" (still raw); wait for whichever arrives, then check it.
    // stty -a prints "icanon ... echo" (restored) or "-icanon ... -echo" (still raw); wait for both flags.
    const after = await t.waitFor(/(^|\s)(-?)icanon\s[\s\S]*?(^|\s)(-?)echo(\s|$)/m, t.screen.indexOf('STATUS=0'));
    expect(after[2]).toBe('');
    expect(after[4]).toBe('');
    await t.exited;
  });

  it('~. leaves a hung session, terminates it on the service side, and restores the terminal', async () => {
    const t = underPty('sh', ['-c', `"${process.execPath}" "${BIN}" shell hung-box; echo "STATUS=$?"; stty -a`], {
      cols: 80,
      rows: 24,
    });
    await t.waitFor(/Starting session with SessionId: (\S+)/);
    t.term.write('echo "READY$((1+1))"\r');
    await t.waitFor(/READY2/);
    const sessionId = /Starting session with SessionId: (\S+)/.exec(t.screen)?.[1] ?? '';
    // From now on every frame the agent sends is lost: the session hangs.
    service?.setFaults({ sessionId }, { loseProbability: 1 });
    t.term.write('echo "NEVER$((1+1))"\r');
    await new Promise((r) => setTimeout(r, 300));
    const start = Date.now();
    t.term.write('~.');
    await t.waitFor(/STATUS=0/);
    expect(Date.now() - start).toBeLessThan(5000);
    expect(t.screen).toContain(`Leaving session ${sessionId} (~.); terminating it.`);
    expect(t.screen).not.toContain('NEVER2');
    // stty -a prints "icanon" (restored) or "-icanon" (still raw); wait for whichever arrives, then check it.
    const after = await t.waitFor(/(^|\s)(-?)icanon(\s|$)/m, t.screen.indexOf('STATUS=0'));
    expect(after[2]).toBe('');
    const record = service?.snapshot().find((s) => s.sessionId === sessionId);
    expect(record?.status).toBe('Terminated');
    await t.exited;
  });
});
