/**
 * Test fixtures: the emulator (demo fleet) and the web host pointed at it, started once per worker as child
 * processes, with AWS config files in a temp dir (profile `demo` with the emulator's keys, and `wrong-keys`
 * whose secret the emulator refuses). Both are stopped and the temp dir removed after the tests.
 */
import { test as base, expect } from '@playwright/test';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

interface StackOptions {
  /** Extra AWS config sections (after demo and wrong-keys). */
  readonly config?: readonly string[];
  /** Extra emulator arguments (e.g. --fleet, --identity), given the temp dir. */
  readonly emulatorArgs?: (dir: string) => string[];
  /** Extra web host arguments, given the temp dir. */
  readonly hostArgs?: (dir: string) => string[];
  /** Extra web host environment. */
  readonly hostEnv?: Record<string, string>;
}

async function startStack(options: StackOptions = {}): Promise<{ stack: Stack; dir: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'porthole-e2e-'));
  const configFile = join(dir, 'config');
  const credentialsFile = join(dir, 'credentials');
  writeFileSync(
    configFile,
    [
      '[profile demo]',
      'region = us-east-1',
      '',
      '[profile wrong-keys]',
      'region = us-east-1',
      '',
      ...(options.config ?? []),
    ].join('\n'),
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
      ['--import', 'tsx', 'emulator/main.ts', '--port', '0', ...(options.emulatorArgs?.(dir) ?? [])],
      /listening on (http:\/\/127\.0\.0\.1:\d+)/,
      cleanEnv({}),
    );
    const emulatorUrl = emulator.match[1]!;
    host = await startProcess(
      'web host',
      [
        '--import',
        'tsx',
        'electron/host/serve.ts',
        '--port',
        '0',
        '--endpoint-url',
        emulatorUrl,
        // The fleet cache goes to the temp dir, never the user's own data folder.
        '--data-dir',
        join(dir, 'data'),
        ...(options.hostArgs?.(dir) ?? []),
      ],
      /porthole web host listening on (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/,
      cleanEnv({
        AWS_CONFIG_FILE: configFile,
        AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
        // The SSO token cache (~/.aws/sso/cache) is the temp dir's too.
        HOME: dir,
        AWS_EC2_METADATA_DISABLED: 'true',
        ...options.hostEnv,
      }),
    );
    return { stack: { emulatorUrl, appUrl: host.match[1]! }, dir, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The MFA device and code the emulator's role demands in the fleet stack. */
export const FLEET_MFA = { serial: 'arn:aws:iam::123456789012:mfa/e2e-user', code: '135790' } as const;

/**
 * The demo fleet plus an account reached through a role that needs MFA (prod-mfa, 222222222222) and an
 * account reached through SSO (sso, 333333333333), each with instances tagged Environment/Role.
 */
function writeFleetFiles(dir: string): string[] {
  const demo = JSON.parse(readFileSync(join(repoRoot, 'emulator', 'fleets', 'demo.json'), 'utf8')) as {
    instances: unknown[];
  };
  const extra = (account: string, n: number, name: string, tags: Record<string, string>) => ({
    id: `i-0${account.slice(0, 1)}${String(n).padStart(15, '0')}`,
    region: 'us-east-1',
    accountId: account,
    platform: 'amazon-linux',
    privateIp: `10.${account.slice(0, 1)}.0.${n}`,
    tags: { Name: name, ...tags },
  });
  demo.instances.push(
    extra('222222222222', 1, 'mfa-prod-web-1', { Environment: 'prod', Role: 'web', Team: 'security' }),
    extra('222222222222', 2, 'mfa-prod-db-1', { Environment: 'prod', Role: 'database', Team: 'security' }),
    extra('333333333333', 1, 'sso-staging-app-1', { Environment: 'staging', Role: 'app', 担当者: '佐藤 花子' }),
  );
  const fleetFile = join(dir, 'fleet.json');
  writeFileSync(fleetFile, JSON.stringify(demo));
  const identityFile = join(dir, 'identity.json');
  writeFileSync(
    identityFile,
    JSON.stringify({
      roles: [
        { arn: 'arn:aws:iam::222222222222:role/Admin', mfa: { serialNumber: FLEET_MFA.serial, code: FLEET_MFA.code } },
      ],
      sso: {
        startUrl: 'https://e2e.awsapps.com/start',
        accounts: [{ accountId: '333333333333', accountName: 'ステージング', roles: ['ReadOnly'] }],
      },
    }),
  );
  mkdirSync(join(dir, '.aws'), { recursive: true });
  return ['--fleet', fleetFile, '--identity', identityFile];
}

const FLEET_CONFIG = [
  '[profile prod-mfa]',
  'role_arn = arn:aws:iam::222222222222:role/Admin',
  'source_profile = demo',
  `mfa_serial = ${FLEET_MFA.serial}`,
  'region = us-east-1',
  '',
  '[profile sso]',
  'sso_session = corp',
  'sso_account_id = 333333333333',
  'sso_role_name = ReadOnly',
  'region = us-east-1',
  '',
  '[sso-session corp]',
  'sso_start_url = https://e2e.awsapps.com/start',
  'sso_region = us-east-1',
  'sso_registration_scopes = sso:account:access',
  '',
];

/** The RDP client command the tunnel stack's web host is configured with (PORTHOLE_RDP_COMMAND). */
export const E2E_RDP_COMMAND = 'xfreerdp /v:{host}:{port} /u:{username} /cert:tofu';

export interface TunnelStack extends Stack {
  /** The web host's recording launcher writes one JSON line per launch request here (--test-launcher-log). */
  readonly launcherLog: string;
}

export const test = base.extend<object, { stack: Stack; fleetStack: Stack; tunnelStack: TunnelStack }>({
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
  /** The stack with the extra MFA and SSO accounts (profiles demo, wrong-keys, prod-mfa, sso). */
  fleetStack: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const { stack, stop } = await startStack({ config: FLEET_CONFIG, emulatorArgs: writeFleetFiles });
      try {
        await use(stack);
      } finally {
        await stop();
      }
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  /** The demo stack whose web host records launch requests instead of starting programs (RDP e2e). */
  tunnelStack: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const { stack, dir, stop } = await startStack({
        hostArgs: (d) => ['--test-launcher-log', join(d, 'launches.jsonl')],
        hostEnv: { PORTHOLE_RDP_COMMAND: E2E_RDP_COMMAND },
      });
      try {
        await use({ ...stack, launcherLog: join(dir, 'launches.jsonl') });
      } finally {
        await stop();
      }
    },
    { scope: 'worker', timeout: 120_000 },
  ],
});

export { expect };
