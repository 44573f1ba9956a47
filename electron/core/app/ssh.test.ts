import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PortholeError } from '../../../shared/errors';
import type { LaunchedProgram, Launcher } from '../base/launcher';
import { AppSsh, shellQuote, sshAlias, sshConfigBlock, terminalPlan, type SshTarget } from './ssh';

const ID = 'i-0123456789abcdef0';
const base: SshTarget = { profile: 'demo', region: 'ap-northeast-1', target: ID };
const cli = ['node', '/opt/porthole/bin/porthole.mjs'];

/** What a POSIX shell makes of a command line (the way ssh runs its ProxyCommand): the words it passes on. */
function shellWords(line: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `for w in ${line}; do printf '%s\\0' "$w"; done`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

function errorOf(run: () => unknown): PortholeError {
  try {
    run();
  } catch (e) {
    if (e instanceof PortholeError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('sshConfigBlock', () => {
  it('writes a Host block with the Name slug and the id as aliases, ec2-user, and the ProxyCommand', () => {
    const block = sshConfigBlock({ ...base, name: 'web-prod-1' }, { cli });
    expect(block.text).toBe(
      [
        `# web-prod-1 (${ID}, demo, ap-northeast-1) via Porthole`,
        `Host web-prod-1 ${ID}`,
        `    HostName ${ID}`,
        '    User ec2-user',
        '    ProxyCommand node /opt/porthole/bin/porthole.mjs ssh-proxy %h %p --profile demo --region ap-northeast-1',
        '',
      ].join('\n'),
    );
    expect(block.aliases).toEqual(['web-prod-1', ID]);
  });

  it('turns a Japanese or spaced Name into a safe alias and keeps the name itself in the comment', () => {
    expect(sshAlias('Web Server (本番) #2')).toBe('web-server-2');
    expect(sshAlias('分析基盤-dev')).toBe('dev');
    expect(sshAlias('ＡＰＩ　サーバー')).toBe('api'); // full-width ASCII folds to ASCII
    const block = sshConfigBlock({ ...base, name: 'ウェブサーバー' }, { cli });
    // Nothing ASCII is left of the name: the id is the only alias, the name survives in the comment.
    expect(block.aliases).toEqual([ID]);
    expect(block.text).toContain(`# ウェブサーバー (${ID}`);
    expect(block.text).toContain(`\nHost ${ID}\n`);
    const mixed = sshConfigBlock({ ...base, name: 'Web サーバー 1' }, { cli });
    expect(mixed.text).toContain(`\nHost web-1 ${ID}\n`);
    for (const alias of mixed.aliases) expect(alias).toMatch(/^[a-z0-9._-]+$/);
  });

  it('adds --endpoint-url only when one is configured', () => {
    expect(sshConfigBlock(base, { cli }).proxyCommand).not.toContain('--endpoint-url');
    const block = sshConfigBlock(base, { cli, endpointUrl: 'http://127.0.0.1:4566' });
    expect(block.proxyCommand).toMatch(/ --endpoint-url http:\/\/127\.0\.0\.1:4566$/);
  });

  it('single-quotes words the shell would split or expand, so the shell hands ssh-proxy exactly those words', () => {
    const block = sshConfigBlock(
      { ...base, profile: '本番@team', user: 'ubuntu' },
      { cli: ['node', "/home/o'brien/my porthole/bin/porthole.mjs"] },
    );
    expect(block.text).toContain('    User ubuntu\n');
    // ssh replaces %h %p first, then gives the line to the shell.
    const line = block.proxyCommand.replace('%h', ID).replace('%p', '22');
    expect(shellWords(line)).toEqual([
      'node',
      "/home/o'brien/my porthole/bin/porthole.mjs",
      'ssh-proxy',
      ID,
      '22',
      '--profile',
      '本番@team',
      '--region',
      'ap-northeast-1',
    ]);
    expect(shellQuote('a b')).toBe(`'a b'`);
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('$HOME')).toBe(`'$HOME'`);
  });

  it('doubles a literal % so ssh does not read it as a token', () => {
    const block = sshConfigBlock(base, { cli: ['node', '/tmp/100%/porthole.mjs'] });
    expect(block.proxyCommand).toContain('/tmp/100%%/porthole.mjs ssh-proxy %h %p');
  });

  it('refuses a profile, target or user that could carry shell syntax, with an SSH_FAILED sentence', () => {
    for (const bad of [
      { ...base, profile: 'demo; rm -rf ~' },
      { ...base, profile: "x'y" },
      { ...base, target: 'i-123; reboot' },
      { ...base, target: 'web-prod-1' },
      { ...base, user: 'root -oProxyCommand=evil' },
      { ...base, user: '$(id)' },
      { ...base, region: 'us-east-1; x' },
    ]) {
      const error = errorOf(() => sshConfigBlock(bad, { cli }));
      expect(error.code).toBe('SSH_FAILED');
      expect(error.message).toMatch(/^SSH cannot be set up: /);
    }
    expect(errorOf(() => sshConfigBlock(base, { cli, endpointUrl: "http://x/'; id; '" })).code).toBe('SSH_FAILED');
  });
});

describe('terminalPlan', () => {
  const has =
    (...programs: string[]) =>
    (p: string) =>
      programs.includes(p);
  const request = { ...base, name: 'web', user: 'ubuntu' };
  const proxy =
    'ProxyCommand=node /opt/porthole/bin/porthole.mjs ssh-proxy %h %p --profile demo --region ap-northeast-1';
  const ssh = ['ssh', '-o', proxy, '-l', 'ubuntu', ID];

  it('Linux: x-terminal-emulator -e, else gnome-terminal --, else konsole -e', () => {
    expect(terminalPlan(request, { cli, platform: 'linux', has: has('x-terminal-emulator', 'konsole') })).toEqual({
      command: 'x-terminal-emulator',
      args: ['-e', ...ssh],
      ssh,
    });
    const gnome = terminalPlan(request, { cli, platform: 'linux', has: has('gnome-terminal', 'konsole') });
    expect([gnome.command, ...gnome.args]).toEqual(['gnome-terminal', '--', ...ssh]);
    const konsole = terminalPlan(request, { cli, platform: 'linux', has: has('konsole') });
    expect([konsole.command, ...konsole.args]).toEqual(['konsole', '-e', ...ssh]);
  });

  it('macOS: open -a Terminal with a .command script whose every word is quoted for the shell', () => {
    const plan = terminalPlan(
      { ...request, profile: '開発' },
      { cli: ['node', '/Users/me/Porthole App/bin/porthole.mjs'], platform: 'darwin', has: has() },
    );
    expect(plan.command).toBe('open');
    expect(plan.args).toEqual(['-a', 'Terminal', `ssh-${ID}.command`]);
    expect(plan.script?.text.split('\n')[0]).toBe('#!/bin/sh');
    // The script line, read back by a shell, is the ssh argv; the ProxyCommand inside is quoted once more for ssh.
    const line = plan.script!.text.split('\n')[1]!.replace(/^exec /, '');
    const words = shellWords(line);
    expect(words).toEqual(plan.ssh);
    expect(words[2]).toBe(
      "ProxyCommand=node '/Users/me/Porthole App/bin/porthole.mjs' ssh-proxy %h %p --profile '開発' --region ap-northeast-1",
    );
  });

  it('Windows: wt when installed, else cmd /c start; host and port are written in, no % for cmd to expand', () => {
    const wt = terminalPlan(request, { cli: ['porthole'], platform: 'win32', has: has('wt') });
    const winSsh = [
      'ssh',
      '-o',
      `ProxyCommand=porthole ssh-proxy ${ID} 22 --profile demo --region ap-northeast-1`,
      '-l',
      'ubuntu',
      ID,
    ];
    expect([wt.command, ...wt.args]).toEqual(['wt', ...winSsh]);
    const cmd = terminalPlan(request, { cli: ['porthole'], platform: 'win32', has: has() });
    expect([cmd.command, ...cmd.args]).toEqual(['cmd.exe', '/c', 'start', 'ssh', ...winSsh]);
    const spaced = terminalPlan(request, {
      cli: ['node', 'C:\\Program Files\\Porthole\\bin\\porthole.mjs'],
      platform: 'win32',
      has: has('wt'),
    });
    expect(spaced.ssh[2]).toBe(
      `ProxyCommand=node "C:\\Program Files\\Porthole\\bin\\porthole.mjs" ssh-proxy ${ID} 22 --profile demo --region ap-northeast-1`,
    );
    // cmd.exe would read & as a second command: refused, with the way out (wt takes the same words untouched).
    const error = errorOf(() =>
      terminalPlan(request, { cli: ['node', 'C:\\R&D\\porthole.mjs'], platform: 'win32', has: has() }),
    );
    expect(error.code).toBe('SSH_FAILED');
    expect(error.message).toContain('Windows Terminal');
  });
});

describe('AppSsh.open', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function recorder(fail = false) {
    const calls: { command: string; args: readonly string[] }[] = [];
    const launcher: Pick<Launcher, 'spawn'> = {
      async spawn(command, args): Promise<LaunchedProgram> {
        if (fail) throw new Error(`spawn ${command} ENOENT`);
        calls.push({ command, args });
        return { exited: new Promise(() => undefined), kill: () => undefined };
      },
    };
    return { calls, launcher };
  }

  it('starts the planned terminal through the launcher (no shell) with the endpoint in the ProxyCommand', async () => {
    const { calls, launcher } = recorder();
    const ssh = new AppSsh({
      launcher,
      cli,
      endpointUrl: 'http://127.0.0.1:4566',
      platform: 'linux',
      has: (p) => p === 'gnome-terminal',
    });
    const started = await ssh.open(base);
    expect(calls).toEqual([{ command: 'gnome-terminal', args: ['--', ...started.ssh] }]);
    expect(started.ssh[2]).toMatch(/ --endpoint-url http:\/\/127\.0\.0\.1:4566$/);
    expect(started.ssh.slice(3)).toEqual(['-l', 'ec2-user', ID]);
  });

  it('macOS: writes the .command file (0700) and opens it with Terminal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssh-test-'));
    dirs.push(dir);
    const { calls, launcher } = recorder();
    const ssh = new AppSsh({ launcher, cli, platform: 'darwin', scriptDir: async () => dir });
    await ssh.open({ ...base, name: 'ウェブ' });
    const file = join(dir, `ssh-${ID}.command`);
    expect(calls).toEqual([{ command: 'open', args: ['-a', 'Terminal', file] }]);
    expect(readFileSync(file, 'utf8')).toContain(`exec ssh -o 'ProxyCommand=node `);
    expect(statSync(file).mode & 0o777).toBe(0o700);
  });

  it('a terminal that cannot start is an SSH_FAILED error naming it', async () => {
    const { launcher } = recorder(true);
    const ssh = new AppSsh({ launcher, cli, platform: 'linux', has: () => false });
    await expect(ssh.open(base)).rejects.toMatchObject({
      code: 'SSH_FAILED',
      message: expect.stringContaining('x-terminal-emulator did not start') as unknown,
    });
  });
});
