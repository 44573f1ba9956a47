/**
 * Test fixtures: the emulator (demo fleet) and the web host pointed at it, started once per worker as child
 * processes, with AWS config files in a temp dir (profile `demo` with the emulator's keys, and `wrong-keys`
 * whose secret the emulator refuses). Both are stopped and the temp dir removed after the tests.
 */
import { test as base, expect } from '@playwright/test';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

const STARTUP_TIMEOUT_MS = 45_000;
const STOP_TIMEOUT_MS = 5_000;

export interface Stack {
  /** The emulator's endpoint, e.g. http://127.0.0.1:4566 */
  readonly emulatorUrl: string;
  /** The web host's URL with its token, ready to open. */
  readonly appUrl: string;
}

interface Started {
  readonly child: ChildProcessWithoutNullStreams;
  readonly match: RegExpMatchArray;
  output(): string;
}

/** Starts a Node program and waits for a line matching `ready` on stdout. */
function startProcess(name: string, args: string[], ready: RegExp, env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const output = () => out.slice(-4000);
  return new Promise<Started>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${name} ${why}\n--- output ---\n${output()}`));
    };
    const timer = setTimeout(
      () => fail(`did not print its ready line within ${STARTUP_TIMEOUT_MS} ms`),
      STARTUP_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = out.match(ready);
      if (match) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve({ child, match, output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', (e) => fail(`failed to start: ${e.message}`));
    child.on('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
  });
}

async function stopProcess(started: Started | undefined): Promise<void> {
  if (!started) return;
  const { child } = started;
  child.removeAllListeners('exit');
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** An environment without the developer's own AWS settings, so only our temp profiles apply. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AWS_')) env[key] = value;
  }
  return { ...env, ...extra };
}

async function startStack(): Promise<{ stack: Stack; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'porthole-e2e-'));
  const configFile = join(dir, 'config');
  const credentialsFile = join(dir, 'credentials');
  writeFileSync(
    configFile,
    ['[profile demo]', 'region = us-east-1', '', '[profile wrong-keys]', 'region = us-east-1', ''].join('\n'),
  );
  writeFileSync(
    credentialsFile,
    [
      '[demo]',
      'aws_access_key_id = test',
      'aws_secret_access_key = test',
      '',
      '[wrong-keys]',
      'aws_access_key_id = test',
      'aws_secret_access_key = not-the-right-secret',
      '',
    ].join('\n'),
  );
  let emulator: Started | undefined;
  let host: Started | undefined;
  const stop = async () => {
    await Promise.all([stopProcess(host), stopProcess(emulator)]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    emulator = await startProcess(
      'emulator',
      ['--import', 'tsx', 'emulator/main.ts', '--port', '0'],
      /listening on (http:\/\/127\.0\.0\.1:\d+)/,
      cleanEnv({}),
    );
    const emulatorUrl = emulator.match[1]!;
    host = await startProcess(
      'web host',
      ['--import', 'tsx', 'electron/host/serve.ts', '--port', '0', '--endpoint-url', emulatorUrl],
      /porthole web host listening on (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/,
      cleanEnv({ AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile }),
    );
    return { stack: { emulatorUrl, appUrl: host.match[1]! }, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

export const test = base.extend<object, { stack: Stack }>({
  stack: [
    // Playwright requires the destructuring form even when a fixture uses no other fixture.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const { stack, stop } = await startStack();
      try {
        await use(stack);
      } finally {
        await stop();
      }
    },
    { scope: 'worker', timeout: 120_000 },
  ],
});

export { expect };
