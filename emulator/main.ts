/**
 * The emulator as a program:
 *   node --import tsx emulator/main.ts --port <P> [--fleet <file.json> | --generate N [--seed S]]
 *                                      [--access-key K --secret-key S] [--no-pacing] [--verbose]
 * Prints `listening on http://127.0.0.1:<P>` on stdout when ready; exits cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { createEmulator, type EmulatorPlugin } from './server';
import { emulatorPlugins } from './plugins';
import { loadIdentityConfig, type IdentityConfig } from './services/identity-config';

const USAGE = `usage: npm run emulator -- --port <P> [--fleet <file.json> | --generate <N> [--seed <S>]]
                            [--access-key <K> --secret-key <S>] [--identity <file.json>] [--no-pacing] [--verbose]
  --identity: accounts' credentials, STS roles (MFA), SSO and throttling rules (see emulator/services/identity-config.ts).
  --port 0 picks a free port. The server binds 127.0.0.1 only.
  --no-pacing turns off the agent's output pacing (1 s first-read wait, 1 ms per message), e.g. for benchmarks.
  Default credentials: access key "test", secret "test" (any region).`;

function fail(message: string): never {
  process.stderr.write(`emulator: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        fleet: { type: 'string' },
        generate: { type: 'string' },
        seed: { type: 'string' },
        'access-key': { type: 'string' },
        'secret-key': { type: 'string' },
        identity: { type: 'string' },
        verbose: { type: 'boolean', default: false },
        'no-pacing': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.port === undefined) fail('--port is required (use 0 for a free port)');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0-65535, got ${values.port}`);
  if (values.fleet !== undefined && values.generate !== undefined) fail('use either --fleet or --generate, not both');
  let generate: number | undefined;
  if (values.generate !== undefined) {
    generate = Number(values.generate);
    if (!Number.isInteger(generate) || generate < 0)
      fail(`--generate must be a non-negative integer, got ${values.generate}`);
  }
  const seed = values.seed !== undefined ? Number(values.seed) : undefined;
  if (seed !== undefined && !Number.isInteger(seed)) fail(`--seed must be an integer, got ${values.seed}`);
  const accessKey = values['access-key'];
  const secretKey = values['secret-key'];
  if ((accessKey === undefined) !== (secretKey === undefined)) fail('--access-key and --secret-key go together');

  let identity: IdentityConfig = {};
  if (values.identity !== undefined) {
    try {
      identity = await loadIdentityConfig(values.identity);
    } catch (e) {
      fail((e as Error).message);
    }
  }
  const plugins: EmulatorPlugin[] = emulatorPlugins({ pacing: !values['no-pacing'] });
  let emulator;
  try {
    emulator = await createEmulator({
      port,
      fleet: values.fleet,
      generate,
      seed,
      credentials:
        accessKey !== undefined
          ? [{ accessKeyId: accessKey, secretAccessKey: secretKey! }, ...(identity.credentials ?? [])]
          : identity.credentials
            ? [{ accessKeyId: 'test', secretAccessKey: 'test' }, ...identity.credentials]
            : undefined,
      roles: identity.roles,
      sso: identity.sso,
      throttle: identity.throttle,
      plugins,
      onRequest: values.verbose
        ? (e) =>
            process.stderr.write(
              `${new Date().toISOString()} ${e.service} ${e.operation || '-'} ${e.status}${e.errorCode ? ` ${e.errorCode}` : ''} ${e.ms.toFixed(1)}ms\n`,
            )
        : undefined,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') fail(`port ${port} is already in use; choose another or use --port 0`);
    fail(err.message);
  }
  const instances = emulator.fleet.instances.length;
  process.stderr.write(`emulator: serving ${instances} instances in ${emulator.fleet.regions().join(', ')}\n`);
  process.stdout.write(`listening on ${emulator.url}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`emulator: ${signal}, shutting down\n`);
    emulator.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`emulator: close failed: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
