/**
 * `porthole forward` and `porthole rdp` as a user runs them: `node bin/porthole.mjs` as a child process against an
 * in-process emulator (port sessions to this machine's loopback ports through the fleet's `ports` map).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../../emulator/server';
import { sessionsPlugin } from '../../../emulator/sessions/install';
import type { SessionService } from '../../../emulator/sessions/service';
import { emulatorCliEnv } from '../test/cliEnv';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'porthole.mjs');
const REGION = 'us-east-1';

let emulator: Emulator;
let service: SessionService | undefined;
let home: string;
let env: NodeJS.ProcessEnv;
const servers: net.Server[] = [];
const children = new Set<ChildProcess>();
const ports = { echo: 0, later: 0, rdp: 0 };

async function listen(server: net.Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  servers.push(server);
  return (server.address() as AddressInfo).port;
}

const echoServer = () =>
  net.createServer((s) => {
    s.on('error', () => undefined);
    s.pipe(s);
  });

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

beforeAll(async () => {
  ports.echo = await listen(echoServer());
  ports.later = await freePort();
  // Stands in for an RDP server: answers the first bytes with a banner.
  ports.rdp = await listen(
    net.createServer((s) => {
      s.on('error', () => undefined);
      s.once('data', () => s.write('RDP です'));
    }),
  );
  emulator = await createEmulator({
    fleet: {
      instances: [
        {
          id: 'i-0f1e2d3c4b5a60001',
          region: REGION,
          platform: 'amazon-linux',
          privateIp: '10.8.0.1',
          tags: { Name: '転送テスト', Team: 'ネットワーク' },
          ports: { '8080': ports.echo, '9000': ports.later },
        },
        {
          id: 'i-0f1e2d3c4b5a60002',
          region: REGION,
          platform: 'windows-server',
          privateIp: '10.8.0.2',
          tags: { Name: 'win-テスト' },
          ports: { '3389': ports.rdp },
        },
      ],
    },
    plugins: [sessionsPlugin({ pacing: false }, (s) => (service = s))],
  });
  home = mkdtempSync(join(tmpdir(), 'porthole-cli-forward-'));
  env = emulatorCliEnv(home, REGION, emulator.url);
});

afterEach(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  children.clear();
});

afterAll(async () => {
  await emulator?.close();
  for (const s of servers) s.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** A running `porthole …`: its output so far, a way to wait for text, and its exit. */
function porthole(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  const poke = () => waiters.splice(0).forEach((w) => w());
  child.stdout.setEncoding('utf8').on('data', (d: string) => ((stdout += d), poke()));
  child.stderr.setEncoding('utf8').on('data', (d: string) => ((stderr += d), poke()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => (poke(), resolve(code))));
  const waitFor = async (stream: 'stdout' | 'stderr', pattern: RegExp, ms = 20_000): Promise<RegExpMatchArray> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = (stream === 'stdout' ? stdout : stderr).match(pattern);
      if (m) return m;
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`no ${String(pattern)} on ${stream}; stdout=${stdout} stderr=${stderr}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };
  return {
    child,
    exited,
    waitFor,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

function exchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => s.write(text));
    let got = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      got += d;
      if (Buffer.byteLength(got) >= Buffer.byteLength(text)) {
        s.destroy();
        resolve(got);
      }
    });
    s.on('error', reject);
    s.on('close', () => resolve(got));
  });
}

const LISTENING = /^listening on 127\.0\.0\.1:(\d+)\n$/;

describe('porthole forward', () => {
  it('prints only "listening on <addr>:<port>", forwards, and on SIGINT stops the tunnel and terminates the session', async () => {
    const p = porthole(['forward', '転送テスト', '--remote-port', '8080']);
    const [, port] = await p.waitFor('stdout', /listening on 127\.0\.0\.1:(\d+)\n/);
    expect(p.stdout).toMatch(LISTENING);
    const replies = await Promise.all(
      Array.from({ length: 4 }, (_, i) => exchange(Number(port), `こんにちは ${i} `.repeat(1000))),
    );
    replies.forEach((r, i) => expect(r).toBe(`こんにちは ${i} `.repeat(1000)));
    const sessions = service!.snapshot().filter((s) => s.target === 'i-0f1e2d3c4b5a60001');
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.documentName).toBe('AWS-StartPortForwardingSession');
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(0);
    expect(p.stdout).toMatch(LISTENING);
    expect(p.stderr).toContain('Received SIGINT; stopping the tunnel');
    const after = service!.snapshot().find((s) => s.sessionId === sessions[0]!.sessionId)!;
    expect(after.status).toMatch(/Terminat/);
    await expect(exchange(Number(port), 'x')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('a local port in use is the PORT_IN_USE message and exit 1', async () => {
    const busy = await listen(net.createServer());
    const p = porthole(['forward', 'i-0f1e2d3c4b5a60001', '--remote-port', '8080', '--local-port', String(busy)]);
    expect(await p.exited).toBe(1);
    expect(p.stdout).toBe('');
    expect(p.stderr).toBe(
      `porthole: Local port ${busy} is already in use. Choose another port or stop the program using it.\n`,
    );
    const ja = porthole(['forward', 'i-0f1e2d3c4b5a60001', '--remote-port', '8080', '--local-port', String(busy)], {
      LANG: 'ja_JP.UTF-8',
    });
    expect(await ja.exited).toBe(1);
    expect(ja.stderr).toContain(`ローカルポート ${busy} は使用中です`);
  });

  it('a connection the instance cannot make is reported on stderr; the tunnel stays up and later connections work', async () => {
    const p = porthole(['forward', 'i-0f1e2d3c4b5a60001', '--remote-port', '9000']);
    const [, port] = await p.waitFor('stdout', /listening on 127\.0\.0\.1:(\d+)\n/);
    // The local client sees a reset (not an empty reply), as when nothing listens on a direct connection.
    await expect(exchange(Number(port), 'first')).rejects.toThrow(/ECONNRESET/);
    await p.waitFor('stderr', /could not connect to localhost:9000 .*\(1 failed so far\)/);
    await listen(echoServer(), ports.later);
    expect(await exchange(Number(port), '二回目')).toBe('二回目');
    expect(p.child.exitCode).toBeNull();
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('--pool 3 starts three sessions and spreads connections over them', async () => {
    const p = porthole(['forward', 'i-0f1e2d3c4b5a60001', '--remote-port', '8080', '--pool', '3']);
    const [, port] = await p.waitFor('stdout', /listening on 127\.0\.0\.1:(\d+)\n/);
    expect(p.stderr).toContain('spread over 3 sessions');
    const before = new Set(service!.snapshot().map((s) => s.sessionId));
    expect(await Promise.all(Array.from({ length: 6 }, (_, i) => exchange(Number(port), `プール ${i}`)))).toEqual(
      Array.from({ length: 6 }, (_, i) => `プール ${i}`),
    );
    const mine = service!
      .snapshot()
      .filter((s) => s.target === 'i-0f1e2d3c4b5a60001' && s.status !== 'Terminated' && before.has(s.sessionId));
    expect(mine.length).toBeGreaterThanOrEqual(3);
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(0);
  });

  it('bad command lines exit 2 with a reason', async () => {
    const missing = porthole(['forward', 'i-0f1e2d3c4b5a60001']);
    expect(await missing.exited).toBe(2);
    expect(missing.stderr).toContain('Option "--remote-port" is required.');
    const bad = porthole(['forward', 'i-0f1e2d3c4b5a60001', '--remote-port', '70000']);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr).toContain('"70000" is not a port for --remote-port');
    const pool = porthole(['forward', 'i-0f1e2d3c4b5a60001', '--remote-port', '80', '--pool', '99']);
    expect(await pool.exited).toBe(2);
    expect(pool.stderr).toContain('"99" is not a session pool size');
  });
});

describe('porthole rdp', () => {
  it('tunnels to 3389 and starts the client from the command template with the tunnel address', async () => {
    const record = join(home, 'rdp-args.json');
    // A recording stub client: writes its argv and then talks to the "RDP server" through the tunnel.
    const stub = join(home, 'stub-client.mjs');
    writeFileSync(
      stub,
      `import net from 'node:net'; import { writeFileSync } from 'node:fs';
const args = process.argv.slice(2); const [host, port] = args[0].split(':');
const s = net.connect({ host, port: Number(port) }, () => s.write('hello'));
s.setEncoding('utf8'); s.on('data', (d) => { writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args, reply: d })); s.destroy(); process.exit(0); });`,
    );
    const p = porthole(['rdp', 'win-テスト'], {
      PORTHOLE_RDP_COMMAND: `${process.execPath} ${stub} {host}:{port} '/u:{username}' {file}`,
    });
    const [, port] = await p.waitFor('stdout', /listening on 127\.0\.0\.1:(\d+)\n/);
    await p.waitFor('stderr', /The RDP client exited \(0\)/);
    const { args, reply } = JSON.parse(readFileSync(record, 'utf8')) as { args: string[]; reply: string };
    expect(args[0]).toBe(`127.0.0.1:${port}`);
    expect(args[1]).toBe('/u:Administrator');
    expect(args[2]).toMatch(/porthole-rdp-.*win-テスト\.rdp$/);
    expect(reply).toBe('RDP です');
    expect(p.stderr).toContain('Starting the RDP client:');
    // The tunnel stays up after the client exits, until Ctrl-C; the .rdp file goes with it.
    expect(p.child.exitCode).toBeNull();
    expect(readFileSync(args[2]!, 'utf8')).toContain(`full address:s:127.0.0.1:${port}\r\n`);
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(0);
    expect(() => readFileSync(args[2]!)).toThrow(/ENOENT/);
    const session = service!.snapshot().find((s) => s.target === 'i-0f1e2d3c4b5a60002')!;
    expect(session.documentName).toBe('AWS-StartPortForwardingSession');
  });

  it('--no-launch only tells where to connect; a missing client is explained and the tunnel stays up', async () => {
    const quiet = porthole(['rdp', 'i-0f1e2d3c4b5a60002', '--no-launch']);
    const [, port] = await quiet.waitFor('stdout', /listening on 127\.0\.0\.1:(\d+)\n/);
    await quiet.waitFor('stderr', new RegExp(`Connect your RDP client to 127\\.0\\.0\\.1:${port}`));
    quiet.child.kill('SIGTERM');
    expect(await quiet.exited).toBe(0);

    const missing = porthole(['rdp', 'i-0f1e2d3c4b5a60002', '--rdp-command', 'no-such-rdp-client-xyz {host}:{port}']);
    await missing.waitFor('stderr', /Could not start the RDP client: no-such-rdp-client-xyz: command not found/);
    expect(missing.stderr).toMatch(/Connect your RDP client to 127\.0\.0\.1:\d+/);
    expect(missing.child.exitCode).toBeNull();
    missing.child.kill('SIGINT');
    expect(await missing.exited).toBe(0);
  });
});
