/**
 * Real peers on loopback through Porthole (issue 5, "Done means"): OpenSSH's `ssh` and `scp` with
 * `ProxyCommand porthole ssh-proxy %h %p` to a private `sshd`, and `xfreerdp /auth-only` under Xvfb through a Porthole
 * tunnel to a private `xrdp`. The emulator serves the demo fleet with web-prod-1's port 22 and win-ad-prod's port
 * 3389 remapped to those servers. The binaries come from Debian packages (scripts/system-deps.mjs installs them);
 * when one is missing the tests fail with the command that installs it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetFileInput } from '../../../emulator/fleet/schema';
import { createEmulator, type Emulator } from '../../../emulator/server';
import { sessionsPlugin } from '../../../emulator/sessions/install';
import { defaultCliInvocation, sshConfigBlock, terminalPlan } from '../../core/app/ssh';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'porthole.mjs');
const REGION = 'us-east-1';
const LINUX = { id: 'i-0a1b2c3d4e5f60001', name: 'web-prod-1' };
const WINDOWS = { id: 'i-0a1b2c3d4e5f60006', name: 'win-ad-prod' };

const BINARIES = [
  { file: '/usr/sbin/sshd', pkg: 'openssh-server' },
  { file: '/usr/bin/ssh', pkg: 'openssh-client' },
  { file: '/usr/bin/scp', pkg: 'openssh-client' },
  { file: '/usr/bin/ssh-keygen', pkg: 'openssh-client' },
  { file: '/usr/sbin/xrdp', pkg: 'xrdp' },
  { file: '/usr/bin/xfreerdp', pkg: 'freerdp2-x11' },
  { file: '/usr/bin/xvfb-run', pkg: 'xvfb' },
];

let dir: string;
let emulator: Emulator;
let env: NodeJS.ProcessEnv;
const daemons: ChildProcess[] = [];
let sshPort = 0;
let rdpPort = 0;
let xrdpLog = '';

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs a program to the end (with a deadline); stdout as bytes. */
function run(command: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: dir, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr });
    });
  });
}

/** Starts a daemon in the foreground; resolves once `ready` connects (or rejects with its output). */
async function daemon(command: string, args: string[], port: number): Promise<ChildProcess> {
  const child = spawn(command, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  daemons.push(child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (up) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${command} did not start listening on 127.0.0.1:${port}: ${output}`);
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  const missing = BINARIES.filter((b) => !existsSync(b.file));
  if (missing.length > 0) {
    throw new Error(
      `real-peer tests need ${missing.map((m) => m.file).join(', ')}: install with ` +
        `"node scripts/system-deps.mjs --install" (as root) or ` +
        `"sudo apt-get install -y ${[...new Set(missing.map((m) => m.pkg))].join(' ')}"`,
    );
  }
  dir = mkdtempSync(join(tmpdir(), 'porthole-real-peers-'));
  env = {
    PATH: process.env.PATH,
    HOME: dir,
    LANG: 'C.UTF-8',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: REGION,
    AWS_CONFIG_FILE: join(dir, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };

  // sshd: private host key, one authorized client key, this user, no PAM, loopback only.
  for (const key of ['host_key', 'client_key']) {
    const r = await run('/usr/bin/ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'porthole-test', '-f', key]);
    if (r.code !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
  }
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')), { mode: 0o600 });
  // As root, sshd insists on its privilege-separation directory (the Debian service creates it the same way).
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  sshPort = await freePort();
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `ListenAddress 127.0.0.1:${sshPort}`,
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile none`,
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      `AllowUsers ${userInfo().username}`,
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n'),
  );
  await daemon('/usr/sbin/sshd', ['-f', join(dir, 'sshd_config'), '-D', '-e'], sshPort);

  // xrdp: the packaged xrdp.ini with our port, no forking, logs in our dir (its own TLS certificate).
  rdpPort = await freePort();
  xrdpLog = join(dir, 'xrdp.log');
  const ini = readFileSync('/etc/xrdp/xrdp.ini', 'utf8')
    .replace(/^port=3389$/m, `port=tcp://127.0.0.1:${rdpPort}`)
    .replace(/^fork=true$/m, 'fork=false')
    .replace(/^LogFile=.*$/m, `LogFile=${xrdpLog}`)
    .replace(/^EnableSyslog=.*$/m, 'EnableSyslog=false');
  if (!ini.includes(`port=tcp://127.0.0.1:${rdpPort}`)) throw new Error('could not set the port in xrdp.ini');
  writeFileSync(join(dir, 'xrdp.ini'), ini);
  await daemon('/usr/sbin/xrdp', ['--nodaemon', '--config', join(dir, 'xrdp.ini')], rdpPort);

  const demo = JSON.parse(readFileSync(join(ROOT, 'emulator/fleets/demo.json'), 'utf8')) as FleetFileInput;
  for (const instance of demo.instances) {
    if (instance.id === LINUX.id) instance.ports = { '22': sshPort };
    if (instance.id === WINDOWS.id) instance.ports = { '3389': rdpPort };
  }
  emulator = await createEmulator({ fleet: demo, plugins: [sessionsPlugin({ pacing: false })] });
  env.AWS_ENDPOINT_URL = emulator.url;
}, 60_000);

afterAll(async () => {
  for (const d of daemons) {
    if (d.exitCode !== null) continue;
    const gone = new Promise((r) => d.once('exit', r));
    d.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
    if (d.exitCode === null) d.kill('SIGKILL');
  }
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function sshOptions(): string[] {
  return [
    '-F',
    '/dev/null',
    '-o',
    `ProxyCommand=${process.execPath} ${BIN} ssh-proxy %h %p`,
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'BatchMode=yes',
    '-o',
    'LogLevel=ERROR',
    '-i',
    join(dir, 'client_key'),
  ];
}

describe('ssh and scp through porthole ssh-proxy (ProxyCommand) to a real sshd', () => {
  it('ssh runs a command (by instance id and by Name tag); stdout carries only its output', async () => {
    const user = userInfo().username;
    const byId = await run('/usr/bin/ssh', [...sshOptions(), `${user}@${LINUX.id}`, 'echo hi']);
    expect(byId.stderr).toBe('');
    expect(byId.code).toBe(0);
    expect(byId.stdout.toString('utf8')).toBe('hi\n');
    const byName = await run('/usr/bin/ssh', [
      ...sshOptions(),
      `${user}@${LINUX.name}`,
      'printf %s こんにちは; exit 3',
    ]);
    expect(byName.code).toBe(3);
    expect(byName.stdout.toString('utf8')).toBe('こんにちは');
  });

  it('scp copies a 4 MiB file there and back with matching SHA-256', async () => {
    const user = userInfo().username;
    const data = new Uint8Array(randomBytes(4 * 1024 * 1024));
    writeFileSync(join(dir, 'upload.bin'), data);
    const up = await run('/usr/bin/scp', [
      ...sshOptions(),
      join(dir, 'upload.bin'),
      `${user}@${LINUX.id}:${join(dir, 'remote.bin')}`,
    ]);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(sha(readFileSync(join(dir, 'remote.bin')))).toBe(sha(data));
    const down = await run('/usr/bin/scp', [
      ...sshOptions(),
      `${user}@${LINUX.id}:${join(dir, 'remote.bin')}`,
      join(dir, 'back.bin'),
    ]);
    expect(down.code).toBe(0);
    expect(sha(readFileSync(join(dir, 'back.bin')))).toBe(sha(data));
  });

  it('a port nothing listens on ends the proxy with an error on stderr (exit 1), ssh reports it', async () => {
    const closed = await freePort();
    const r = await run('/usr/bin/ssh', [
      ...sshOptions(),
      '-p',
      String(closed),
      `${userInfo().username}@${LINUX.id}`,
      'echo never',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stdout.toString()).toBe('');
    expect(r.stderr).toMatch(/porthole: The session ended: .*connect/i);
  });
});

describe("the app's SSH helper (ssh.config / ssh.open) against the real sshd", () => {
  // A Japanese profile name in the user's credentials file, as the app would pass it.
  const profileEnv = () => {
    const credentials = join(dir, 'credentials');
    writeFileSync(credentials, '[開発]\naws_access_key_id = test\naws_secret_access_key = test\n');
    return { AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' };
  };
  const request = () => ({
    profile: '開発',
    region: REGION,
    target: LINUX.id,
    name: LINUX.name,
    user: userInfo().username,
  });
  const peerOptions = () => [
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'BatchMode=yes',
    '-o',
    'LogLevel=ERROR',
    '-i',
    join(dir, 'client_key'),
  ];

  it('the copied ~/.ssh/config block, as is, lets `ssh <Name alias>` run a command', async () => {
    const block = sshConfigBlock(request(), { cli: defaultCliInvocation(), endpointUrl: emulator.url });
    const config = join(dir, 'ssh_config');
    writeFileSync(config, block.text);
    const r = await run(
      '/usr/bin/ssh',
      ['-F', config, ...peerOptions(), block.aliases[0]!, 'printf %s こんにちは'],
      profileEnv(),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.toString('utf8')).toBe('こんにちは');
  });

  it('the ssh command "Open in terminal" runs (ProxyCommand inline) reaches the same sshd', async () => {
    const plan = terminalPlan(request(), {
      cli: defaultCliInvocation(),
      endpointUrl: emulator.url,
      platform: 'linux',
      has: () => true,
    });
    const [ssh, ...args] = plan.ssh;
    expect(ssh).toBe('ssh');
    const r = await run('/usr/bin/ssh', ['-F', '/dev/null', ...peerOptions(), ...args, 'echo hi'], profileEnv());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.toString('utf8')).toBe('hi\n');
  });
});

describe('RDP through a Porthole tunnel to a real xrdp', () => {
  const xfreerdp = (port: number) => [
    '-a',
    '/usr/bin/xfreerdp',
    '/auth-only',
    `/v:127.0.0.1:${port}`,
    '/u:porthole',
    '/p:パスワード',
    '/cert:ignore',
    '/log-level:INFO',
  ];

  it('xfreerdp /auth-only under Xvfb completes the RDP/TLS handshake through `porthole forward`', async () => {
    const forward = spawn(process.execPath, [BIN, 'forward', WINDOWS.name, '--remote-port', '3389'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        forward.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          const m = /^listening on 127\.0\.0\.1:(\d+)\n/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        forward.once('exit', (code) => reject(new Error(`porthole forward exited ${code}`)));
      });
      const r = await run('/usr/bin/xvfb-run', xfreerdp(port));
      const log = r.stdout.toString('utf8') + r.stderr;
      expect(log).toContain('Authentication only, exit status 0');
      expect(r.code).toBe(0);
      expect(readFileSync(xrdpLog, 'utf8')).toMatch(/TLS connection established from 127\.0\.0\.1/);
      // Without the tunnel the same client fails: the success above went through Porthole.
      const closed = await freePort();
      const without = await run('/usr/bin/xvfb-run', xfreerdp(closed));
      expect(without.code).not.toBe(0);
    } finally {
      const exited = new Promise((r) => forward.once('close', r));
      forward.kill('SIGINT');
      await exited;
    }
    expect(forward.exitCode).toBe(0);
  });

  it('`porthole rdp --key-file` shows the demo password and launches xfreerdp from the template; it authenticates through the tunnel', async () => {
    const before = (readFileSync(xrdpLog, 'utf8').match(/TLS connection established/g) ?? []).length;
    const keyFile = join(ROOT, 'emulator/fleets/demo-windows-key.pem');
    const child = spawn(process.execPath, [BIN, 'rdp', WINDOWS.id, '--key-file', keyFile], {
      cwd: dir,
      env: {
        ...env,
        PORTHOLE_RDP_COMMAND:
          '/usr/bin/xvfb-run -a /usr/bin/xfreerdp /auth-only /v:{host}:{port} /u:{username} /p:x /cert:ignore',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    try {
      for (let i = 0; i < 300 && !/The RDP client exited/.test(stderr) && child.exitCode === null; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(stderr).toMatch(/Starting the RDP client: \/usr\/bin\/xvfb-run .* \/v:127\.0\.0\.1:\d+ \/u:Administrator/);
      expect(stderr).toContain('The RDP client exited (0)');
      // The demo's Windows instance has a password (EC2 GetPasswordData) for the demo key pair.
      expect(stderr).toContain(
        `Administrator password (EC2 GetPasswordData, decrypted with ${keyFile}): Demo-パスワード-2024!\n`,
      );
      const after = (readFileSync(xrdpLog, 'utf8').match(/TLS connection established/g) ?? []).length;
      expect(after).toBe(before + 1);
    } finally {
      const exited = new Promise((r) => child.once('close', r));
      child.kill('SIGINT');
      await exited;
    }
    expect(child.exitCode).toBe(0);
  });
});
