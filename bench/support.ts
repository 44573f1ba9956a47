/** Helpers the benchmarks share: child processes of this repository, the AWS CLI, and the figures they print. */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Starts a Node program of this repository and waits for `ready` on its stdout (group 1 is returned as url).
 * `label` names the program in errors (default: its first argument).
 */
export async function startChild(
  args: string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv,
  label = args[0],
): Promise<{ url: string; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${label} did not start: ${err}`)), 60_000);
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = ready.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${code}): ${err}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { url, stop };
}

/** Starts the emulator (`emulator/main.ts --port 0` plus `args`) in its own process; resolves with its URL. */
export function startEmulator(args: string[]): Promise<{ url: string; stop: () => Promise<void> }> {
  return startChild(
    ['emulator/main.ts', '--port', '0', ...args],
    /listening on (http:\/\/127\.0\.0\.1:\d+)/,
    process.env,
    'emulator',
  );
}

/** An environment for /usr/bin/aws that reads no user config: test keys, empty config files in `dir`, no pager. */
export function awsCliEnv(dir: string): NodeJS.ProcessEnv {
  const emptyConfig = join(dir, 'aws-config');
  writeFileSync(emptyConfig, '');
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_PAGER: '',
    AWS_CONFIG_FILE: emptyConfig,
    AWS_SHARED_CREDENTIALS_FILE: emptyConfig,
  };
}

/** Runs `command` and resolves with its stdout; rejects with its stderr if it exits non-zero. */
export function capture(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(Buffer.concat(out).toString('utf8'))
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${err}`)),
    );
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const m = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return round(m);
}

export function round(n: number): number {
  return Math.round(n * 10) / 10;
}
