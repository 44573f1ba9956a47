/**
 * RDP for Windows instances: which client to start on this platform and how (a `Launcher` port, so tests record the
 * command instead of running it; electron/core/base/launcher.ts), the generated .rdp file (private temp dir, 0600), and the Windows administrator
 * password from EC2 GetPasswordData decrypted with the user's key pair file (kept in memory only).
 */
import { constants, createPrivateKey, privateDecrypt, type KeyObject } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { GetPasswordDataCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { PortholeError } from '../../../shared/errors';
import { t } from '../../../shared/i18n/catalog';
import { toPortholeError } from '../aws/errors';
import type { LaunchedProgram, Launcher } from '../base/launcher';
import type { Disposable } from '../base/lifecycle';

/** What is filled into a client command template: `{host}`, `{port}`, `{username}`, `{file}`. */
export interface RdpTarget {
  host: string;
  port: number;
  username?: string;
}

export type RdpPlan =
  | { kind: 'spawn'; command: string; args: string[]; usesFile: boolean; source: 'template' | 'detected' }
  | { kind: 'open-file' }
  | { kind: 'none' };

export interface RdpPlatform {
  platform: NodeJS.Platform;
  /** PATH lookup (for tests); default: search $PATH. */
  findExecutable?: (name: string) => string | undefined;
  /** A command template (PORTHOLE_RDP_COMMAND / --rdp-command); wins over detection. */
  template?: string;
}

/**
 * How to start the RDP client: a template when given; `mstsc <file>` on Windows; the default handler of the .rdp
 * file on macOS; `xfreerdp` (then `remmina`) on Linux and other Unixes when found on PATH.
 */
export function planRdpClient(target: RdpTarget, platform: RdpPlatform): RdpPlan {
  const template = platform.template?.trim();
  if (template) {
    const words = splitCommandLine(template);
    const [command, ...rest] = words;
    if (!command) return { kind: 'none' };
    return {
      kind: 'spawn',
      command,
      args: rest,
      usesFile: words.some((w) => w.includes('{file}')),
      source: 'template',
    };
  }
  if (platform.platform === 'win32') {
    return { kind: 'spawn', command: 'mstsc', args: ['{file}'], usesFile: true, source: 'detected' };
  }
  if (platform.platform === 'darwin') return { kind: 'open-file' };
  const find = platform.findExecutable ?? findOnPath;
  if (find('xfreerdp')) {
    const args = ['/v:{host}:{port}', ...(target.username ? ['/u:{username}'] : []), '/cert:tofu'];
    return { kind: 'spawn', command: 'xfreerdp', args, usesFile: false, source: 'detected' };
  }
  if (find('remmina'))
    return { kind: 'spawn', command: 'remmina', args: ['-c', '{file}'], usesFile: true, source: 'detected' };
  return { kind: 'none' };
}

/** Fills `{host}` `{port}` `{username}` `{file}` into each word (after splitting, so values never split words). */
export function fillTemplate(words: readonly string[], values: RdpTarget & { file?: string }): string[] {
  return words.map((w) =>
    w.replace(/\{(host|port|username|file)\}/g, (_, key: string) => {
      switch (key) {
        case 'host':
          return values.host;
        case 'port':
          return String(values.port);
        case 'username':
          return values.username ?? '';
        default:
          return values.file ?? '';
      }
    }),
  );
}

/** Splits a command line into words: whitespace separates, '...' and "..." quote, \ escapes outside single quotes. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    } catch {
      // unreadable PATH entry
    }
  }
  return undefined;
}

/** The text of a .rdp file for `target` (CRLF lines, as mstsc writes them). */
export function rdpFileContent(target: RdpTarget): string {
  const lines = [
    `full address:s:${target.host}:${target.port}`,
    ...(target.username ? [`username:s:${target.username}`] : []),
    'prompt for credentials:i:1',
    'administrative session:i:1',
    'screen mode id:i:2',
    'authentication level:i:2',
  ];
  return lines.map((l) => l + '\r\n').join('');
}

/** A generated .rdp file in its own private temp dir (0700 dir, 0600 file); dispose removes both. */
export interface RdpFile extends Disposable {
  readonly path: string;
}

export function writeRdpFile(target: RdpTarget, name = 'porthole', baseDir = tmpdir()): RdpFile {
  const dir = mkdtempSync(join(baseDir, 'porthole-rdp-'));
  const safe = name.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 64) || 'porthole';
  const path = join(dir, `${safe}.rdp`);
  writeFileSync(path, rdpFileContent(target), { mode: 0o600, flag: 'wx' });
  let disposed = false;
  return {
    path,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RdpLaunch extends Disposable {
  /** The command as started (argv), or `open <file>`; for display and tests. */
  readonly command: readonly string[];
  /** The started client, when it is a program we started (not a file handed to the OS). */
  readonly program?: LaunchedProgram;
  readonly file?: RdpFile;
}

/**
 * Starts the RDP client for `target` with `launcher`. Throws PortholeError INVALID_TUNNEL when there is no client to
 * start; launcher errors are passed on. The .rdp file (if any) lives until the returned value is disposed.
 */
export async function launchRdpClient(
  launcher: Pick<Launcher, 'spawn' | 'openFile'>,
  target: RdpTarget,
  platform: RdpPlatform & { fileName?: string; tempDir?: string },
): Promise<RdpLaunch> {
  const plan = planRdpClient(target, platform);
  if (plan.kind === 'none') {
    const detail = 'no RDP client was found (install xfreerdp or remmina, or set PORTHOLE_RDP_COMMAND)';
    throw new PortholeError('INVALID_TUNNEL', t('error.INVALID_TUNNEL', { detail }), { detail });
  }
  const file =
    plan.kind === 'open-file' || plan.usesFile ? writeRdpFile(target, platform.fileName, platform.tempDir) : undefined;
  try {
    if (plan.kind === 'open-file') {
      await launcher.openFile(file!.path);
      return { command: ['open', file!.path], file, dispose: () => file?.dispose() };
    }
    const words = fillTemplate([plan.command, ...plan.args], { ...target, ...(file ? { file: file.path } : {}) });
    const [command, ...args] = words;
    const program = await launcher.spawn(command!, args);
    return {
      command: words,
      program,
      ...(file ? { file } : {}),
      dispose: () => file?.dispose(),
    };
  } catch (e) {
    file?.dispose();
    throw e;
  }
}

// ------------------------------------------------------------------------------------------ Windows password

/**
 * Decrypts EC2 password data (base64 of the password encrypted with the key pair's RSA public key, PKCS#1 v1.5
 * padding) with the key pair's private key (PEM text). Node refuses PKCS#1 v1.5 for private decryption (a server-side
 * timing oracle, CVE-2023-46809, which does not apply to decrypting our own data locally), so the RSA operation runs
 * without padding and the v1.5 block (00 02 PS 00 M) is checked and removed here.
 */
export function decryptWindowsPassword(passwordData: string, privateKeyPem: string | KeyObject): string {
  const bad = (detail: string) =>
    new PortholeError('KEY_PAIR_INVALID', t('error.KEY_PAIR_INVALID', { detail }), { detail });
  let key: KeyObject;
  try {
    key = typeof privateKeyPem === 'string' ? createPrivateKey(privateKeyPem) : privateKeyPem;
  } catch {
    throw bad('the file is not a PEM private key');
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw bad(`it is an ${key.asymmetricKeyType ?? 'unknown'} key; Windows passwords need an RSA key pair`);
  const data = Buffer.from(passwordData.replace(/\s+/g, ''), 'base64');
  const size = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  if (data.length === 0 || data.length !== size)
    throw bad('the password data does not fit this key (another key pair?)');
  let block: Buffer;
  try {
    block = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, data);
  } catch {
    throw bad('the password data does not fit this key (another key pair?)');
  }
  const separator = block.indexOf(0, 2);
  if (block[0] !== 0 || block[1] !== 2 || separator < 10) {
    block.fill(0);
    throw bad('this is not the key pair the instance was launched with');
  }
  const password = block.subarray(separator + 1).toString('utf8');
  block.fill(0);
  return password;
}

/**
 * EC2 GetPasswordData for `instanceId`, decrypted with `privateKeyPem`. Resolves undefined while EC2 has no password
 * yet (Windows sets it a few minutes after launch; instances launched without a key pair never have one).
 */
export async function fetchWindowsPassword(
  ec2: Pick<EC2Client, 'send'>,
  request: { profile: string; region: string; instanceId: string },
  privateKeyPem: string,
): Promise<string | undefined> {
  let data: string | undefined;
  try {
    data = (await ec2.send(new GetPasswordDataCommand({ InstanceId: request.instanceId }))).PasswordData;
  } catch (e) {
    throw toPortholeError(e, { profile: request.profile, region: request.region, operation: 'GetPasswordData' });
  }
  if (!data || data.trim() === '') return undefined;
  return decryptWindowsPassword(data, privateKeyPem);
}
