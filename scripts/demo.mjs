/**
 * `npm run demo [-- --port <P>] [--fleet <file.json>] [--static-dir <built renderer>]`: Porthole against the local AWS emulator and its demo fleet.
 * 1. builds the renderer when out/renderer is missing or older than its sources;
 * 2. starts the emulator (`emulator/main.ts --port 0`) and waits for `listening on http://127.0.0.1:<P>`;
 * 3. writes a throw-away AWS config + credentials (profile `demo`, us-east-1, keys test/test) and points
 *    AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at them (the user's real profiles are not touched);
 * 4. launches Electron with --endpoint-url, or where its binary is missing, the web host, printing its URL.
 * Ctrl-C stops everything and removes the temporary files.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { electronBinary, rendererIsStale, repoRoot, runNpm, startAndWait, stopAll, text } from './lib.mjs';

const { values } = parseArgs({
  // --static-dir serves an already built renderer from elsewhere (and skips the build check).
  options: { port: { type: 'string' }, fleet: { type: 'string' }, 'static-dir': { type: 'string' } },
  strict: true,
  allowPositionals: false,
});

const children = [];
let tempDir;
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  await stopAll(children);
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  process.exit(code);
}

process.on('SIGINT', () => {
  process.stderr.write(`\n${text('launch.stopping')}\n`);
  void shutdown(0);
});
process.on('SIGTERM', () => void shutdown(0));

/** Ends the demo when any part of it stops on its own. */
function watch(child, name) {
  child.once('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`${name} stopped (${signal ?? `exit ${code}`})\n`);
    void shutdown(code === 0 ? 0 : 1);
  });
}

/** The environment of the app: only the demo profile, never the user's keys or endpoints. */
function demoEnv(dir) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^AWS_/.test(key)) delete env[key];
  }
  const config = join(dir, 'config');
  const credentials = join(dir, 'credentials');
  writeFileSync(config, '[profile demo]\nregion = us-east-1\noutput = json\n', { mode: 0o600 });
  writeFileSync(credentials, '[demo]\naws_access_key_id = test\naws_secret_access_key = test\n', { mode: 0o600 });
  return {
    ...env,
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    AWS_PROFILE: 'demo',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

async function main() {
  if (!values['static-dir'] && rendererIsStale()) {
    process.stdout.write(`${text('launch.building')}\n`);
    await runNpm(['run', 'build:renderer']);
  }

  process.stdout.write(`${text('launch.emulatorStarting')}\n`);
  const emulatorArgs = ['--import', 'tsx', 'emulator/main.ts', '--port', '0'];
  if (values.fleet) emulatorArgs.push('--fleet', values.fleet);
  const emulator = startAndWait(process.execPath, emulatorArgs, {
    ready: /^listening on (http:\/\/127\.0\.0\.1:\d+)$/,
    env: process.env,
    name: 'emulator',
  });
  children.push(emulator.child);
  let endpointUrl;
  try {
    [, endpointUrl] = await emulator.ready;
  } catch (e) {
    process.stderr.write(`${text('launch.emulatorFailed', { detail: e.message })}\n`);
    return shutdown(1);
  }
  watch(emulator.child, 'emulator');
  process.stdout.write(`emulator: ${endpointUrl}\n`);

  tempDir = mkdtempSync(join(tmpdir(), 'porthole-demo-'));
  process.stdout.write(`demo AWS profile: ${tempDir}\n`);
  const env = demoEnv(tempDir);

  const electron = electronBinary();
  if (electron) {
    await runNpm(['run', 'build:electron']);
    const app = spawn(electron, [repoRoot, '--endpoint-url', endpointUrl], { cwd: repoRoot, env, stdio: 'inherit' });
    children.push(app);
    watch(app, 'Porthole');
    return;
  }

  process.stdout.write(`${text('launch.noElectron')}\n`);
  const serveArgs = ['--import', 'tsx', 'electron/host/serve.ts', '--endpoint-url', endpointUrl];
  if (values.port) serveArgs.push('--port', values.port);
  if (values['static-dir']) serveArgs.push('--static-dir', values['static-dir']);
  const host = startAndWait(process.execPath, serveArgs, {
    ready: /^porthole web host listening on (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/,
    env,
    echo: true,
    name: 'web host',
  });
  children.push(host.child);
  let match;
  try {
    match = await host.ready;
  } catch (e) {
    process.stderr.write(`${text('host.startFailed', { detail: e.message })}\n`);
    return shutdown(1);
  }
  watch(host.child, 'web host');
  process.stdout.write(`${match[0]}\n${text('launch.open', { url: match[1] })}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  void shutdown(1);
});
