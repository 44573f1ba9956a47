/**
 * SSH over Session Manager for the app (ssh.config and ssh.open channels): a ready-to-copy ~/.ssh/config block whose
 * ProxyCommand runs `porthole ssh-proxy`, and `ssh` started in the system terminal through the Launcher.
 *
 * Two kinds of quoting meet here. The Launcher starts programs without a shell, so the terminal's argv needs none. But
 * ssh hands its ProxyCommand to the user's shell (`$SHELL -c "exec ..."`), after expanding its own %-tokens: every
 * word of it is POSIX single-quoted (and a literal % doubled). Names and targets are also validated first, so nothing
 * odd reaches either the shell or a terminal's command line.
 */
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PortholeError } from '../../../shared/errors';
import { t } from '../../../shared/i18n/catalog';
import type { Launcher } from '../base/launcher';
import { silentLogger, type Logger } from '../base/logger';

export const DEFAULT_SSH_USER = 'ec2-user';

export interface SshTarget {
  readonly profile: string;
  readonly region: string;
  /** The instance (or managed node) id: the HostName and what ssh-proxy connects to. */
  readonly target: string;
  /** The instance's Name tag, if any (the first Host alias is made from it). */
  readonly name?: string;
  readonly user?: string;
}

export interface SshConfigOptions {
  /** How the porthole CLI is started, e.g. ['node', '/repo/bin/porthole.mjs'] or ['porthole']. */
  readonly cli: readonly string[];
  /** Only when the app sends AWS calls to a configured endpoint (the emulator). */
  readonly endpointUrl?: string;
}

export interface SshConfigBlock {
  /** The ~/.ssh/config text. */
  readonly text: string;
  /** The Host aliases: the Name tag's slug (when it has one) and the instance id. */
  readonly aliases: readonly string[];
  readonly user: string;
  /** The ProxyCommand as written (with ssh's %h %p). */
  readonly proxyCommand: string;
}

const INSTANCE_ID = /^(i|mi)-[0-9a-f]{8,17}$/;
const USER = /^[A-Za-z_][A-Za-z0-9._-]{0,31}$/;
/** Profile names as the AWS config files allow them in practice, Japanese included; no spaces, quotes or controls. */
const PROFILE = /^[\p{L}\p{N}_.+=,@:/-]{1,256}$/u;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
/** Characters a shell word may hold unquoted. */
const SHELL_SAFE = /^[A-Za-z0-9_./:=@%+,-]+$/;

function fail(detail: string): never {
  throw new PortholeError('SSH_FAILED', t('error.SSH_FAILED', { detail }), { detail });
}

/** A Host alias ssh accepts from a Name tag: ASCII letters, digits, . _ -, lower case; '' when nothing is left. */
export function sshAlias(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 63)
    .replace(/[-.]+$/, '');
}

/** One word for a POSIX shell: as is when it is plain, otherwise single-quoted ('\'' for a quote inside). */
export function shellQuote(word: string): string {
  if (word !== '' && SHELL_SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Checks what the user or the instance list gave us before any of it is written into a command. */
export function validateSshTarget(request: SshTarget): Required<Pick<SshTarget, 'user'>> & SshTarget {
  if (!INSTANCE_ID.test(request.target)) fail(`"${request.target}" is not an instance id (i-… or mi-…)`);
  if (!PROFILE.test(request.profile)) fail(`the profile name "${request.profile}" cannot be used in a command`);
  if (!REGION.test(request.region)) fail(`"${request.region}" is not a region`);
  const user = (request.user ?? '').trim() || DEFAULT_SSH_USER;
  if (!USER.test(user)) fail(`"${user}" is not a user name ssh accepts (letters, digits, . _ -)`);
  return { ...request, user };
}

/** The ProxyCommand words: the CLI, ssh-proxy, host and port (ssh's tokens unless given), profile, region, endpoint. */
export function proxyCommandWords(
  request: Pick<SshTarget, 'profile' | 'region'>,
  options: SshConfigOptions,
  hostPort: readonly [string, string] = ['%h', '%p'],
): string[] {
  if (options.cli.length === 0) fail('the porthole command is unknown');
  const words = [...options.cli, 'ssh-proxy', ...hostPort, '--profile', request.profile, '--region', request.region];
  if (options.endpointUrl) {
    if (!/^https?:\/\/[^\s'"]+$/.test(options.endpointUrl)) fail('the endpoint URL cannot be used in a command');
    words.push('--endpoint-url', options.endpointUrl);
  }
  return words;
}

/** The ProxyCommand line for a POSIX shell; ssh's %h and %p stay tokens, any other % is doubled for ssh. */
export function proxyCommand(request: Pick<SshTarget, 'profile' | 'region'>, options: SshConfigOptions): string {
  return proxyCommandWords(request, options)
    .map((word) => (word === '%h' || word === '%p' ? word : shellQuote(word).replace(/%/g, '%%')))
    .join(' ');
}

/** The ~/.ssh/config block for one instance. */
export function sshConfigBlock(request: SshTarget, options: SshConfigOptions): SshConfigBlock {
  const checked = validateSshTarget(request);
  const slug = checked.name ? sshAlias(checked.name) : '';
  const aliases = slug && slug !== checked.target ? [slug, checked.target] : [checked.target];
  const command = proxyCommand(checked, options);
  // The Name tag as it is (Japanese included) in a comment: ssh ignores the line, the reader recognises the host.
  const comment = `# ${(checked.name ?? checked.target).replace(/[\r\n]+/g, ' ')} (${checked.target}, ${checked.profile}, ${checked.region}) via Porthole`;
  const text = [
    comment,
    `Host ${aliases.join(' ')}`,
    `    HostName ${checked.target}`,
    `    User ${checked.user}`,
    `    ProxyCommand ${command}`,
    '',
  ].join('\n');
  return { text, aliases, user: checked.user, proxyCommand: command };
}

export type TerminalPlatform = 'linux' | 'darwin' | 'win32';

/** What starting ssh in a terminal takes: maybe a script file to write first, then one program to spawn. */
export interface TerminalPlan {
  readonly command: string;
  readonly args: readonly string[];
  /** macOS: the .command file Terminal opens (written with mode 0700 before the spawn). */
  readonly script?: { readonly name: string; readonly text: string };
  /** The ssh argv the terminal runs (shown to the user). */
  readonly ssh: readonly string[];
}

/** cmd.exe treats these specially on its command line (`start` goes through it). */
const CMD_SPECIAL = /[&|<>^"%()!]/;

/**
 * The pure plan for `ssh` in the platform's terminal. `has(program)` says which terminals are installed (Linux: the
 * Debian alternative x-terminal-emulator, then GNOME Terminal, then Konsole; Windows: Windows Terminal, then cmd).
 */
export function terminalPlan(
  request: SshTarget,
  options: SshConfigOptions & { readonly platform: TerminalPlatform; readonly has: (program: string) => boolean },
): TerminalPlan {
  const checked = validateSshTarget(request);
  const ssh =
    options.platform === 'win32'
      ? windowsSsh(checked, options)
      : ['ssh', '-o', `ProxyCommand=${proxyCommand(checked, options)}`, '-l', checked.user, checked.target];
  switch (options.platform) {
    case 'linux': {
      if (options.has('x-terminal-emulator')) return { command: 'x-terminal-emulator', args: ['-e', ...ssh], ssh };
      if (options.has('gnome-terminal')) return { command: 'gnome-terminal', args: ['--', ...ssh], ssh };
      if (options.has('konsole')) return { command: 'konsole', args: ['-e', ...ssh], ssh };
      return { command: 'x-terminal-emulator', args: ['-e', ...ssh], ssh };
    }
    case 'darwin': {
      // Terminal runs a .command file as a shell script: every word quoted for the shell.
      const name = `ssh-${checked.target}.command`;
      const text = ['#!/bin/sh', `exec ${ssh.map(shellQuote).join(' ')}`, ''].join('\n');
      return { command: 'open', args: ['-a', 'Terminal', name], script: { name, text }, ssh };
    }
    case 'win32': {
      if (options.has('wt')) return { command: 'wt', args: ssh, ssh };
      // `start` runs inside cmd.exe, which parses its own syntax: refuse anything it could read as such.
      const odd = ssh.find((word) => CMD_SPECIAL.test(word));
      if (odd !== undefined) fail(`"${odd}" cannot be passed through cmd.exe; install Windows Terminal (wt)`);
      return { command: 'cmd.exe', args: ['/c', 'start', 'ssh', ...ssh], ssh };
    }
  }
}

/**
 * Windows OpenSSH starts the ProxyCommand without a POSIX shell: host and port are written in (no % tokens for cmd
 * to expand) and words with spaces are double-quoted.
 */
function windowsSsh(request: SshTarget & { user: string }, options: SshConfigOptions): string[] {
  const words = proxyCommandWords(request, options, [request.target, '22']);
  const odd = words.find((word) => /["\r\n]/.test(word));
  if (odd !== undefined) fail(`"${odd}" cannot be written into a ProxyCommand`);
  const command = words.map((word) => (/\s/.test(word) ? `"${word}"` : word).replace(/%/g, '%%')).join(' ');
  return ['ssh', '-o', `ProxyCommand=${command}`, '-l', request.user, request.target];
}

/** How this checkout or installation starts the porthole CLI: the repo's bin/porthole.mjs via node, else `porthole`. */
export function defaultCliInvocation(): string[] {
  const bin = fileURLToPath(new URL('../../../bin/porthole.mjs', import.meta.url));
  return existsSync(bin) ? ['node', bin] : ['porthole'];
}

/** Whether `program` is an executable on PATH (no shell, no `which`). */
export function onPath(program: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  return (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .some((dir) => exts.some((ext) => existsSync(join(dir, program + ext))));
}

export interface AppSshDeps {
  readonly launcher: Pick<Launcher, 'spawn'>;
  readonly cli: readonly string[];
  readonly endpointUrl?: string;
  readonly platform: NodeJS.Platform;
  readonly has?: (program: string) => boolean;
  /** Where macOS .command files go (default: a fresh temp folder). */
  readonly scriptDir?: () => Promise<string>;
  readonly logger?: Logger;
}

/** The ssh.config and ssh.open channels. */
export class AppSsh {
  private readonly log: Logger;
  constructor(private readonly deps: AppSshDeps) {
    this.log = deps.logger ?? silentLogger;
  }

  private get options(): SshConfigOptions {
    return { cli: this.deps.cli, ...(this.deps.endpointUrl ? { endpointUrl: this.deps.endpointUrl } : {}) };
  }

  config(request: SshTarget): SshConfigBlock {
    return sshConfigBlock(request, this.options);
  }

  /** Starts ssh in the system terminal; resolves with what was started. */
  async open(request: SshTarget): Promise<{ command: string; args: string[]; ssh: string[] }> {
    const platform: TerminalPlatform =
      this.deps.platform === 'darwin' ? 'darwin' : this.deps.platform === 'win32' ? 'win32' : 'linux';
    const plan = terminalPlan(request, { ...this.options, platform, has: this.deps.has ?? ((p) => onPath(p)) });
    const args = [...plan.args];
    if (plan.script) {
      const dir = await (this.deps.scriptDir ?? (() => mkdtemp(join(tmpdir(), 'porthole-ssh-'))))();
      const file = join(dir, plan.script.name);
      await writeFile(file, plan.script.text, { mode: 0o700 });
      await chmod(file, 0o700);
      args[args.length - 1] = file;
    }
    try {
      await this.deps.launcher.spawn(plan.command, args);
    } catch (e) {
      const detail = `${plan.command} did not start (${e instanceof Error ? e.message : String(e)})`;
      this.log.warn('ssh: the terminal did not start', { command: plan.command });
      fail(detail);
    }
    return { command: plan.command, args, ssh: [...plan.ssh] };
  }
}
