/**
 * `npm run serve -- [--port P] [--endpoint-url URL] [--static-dir DIR] [--data-dir DIR]`: the web host on its own.
 * Prints exactly `porthole web host listening on http://127.0.0.1:<P>/?token=<T>` on stdout when ready.
 * It builds nothing: the renderer must already be in out/renderer (`npm run build:renderer`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAppServices } from '../core/app/composition';
import { streamLogger } from '../core/base/logger';
import { hostLauncher, recordingLauncher } from './launcher';
import { hostText } from './text';
import { startWebHost } from './web-host';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

export interface ServeOptions {
  readonly port: number;
  readonly endpointUrl?: string;
  readonly staticDir: string;
  /** The app's data folder (fleet cache). */
  readonly dataDir: string;
  /** TEST ONLY: record launcher requests (RDP client, links) as JSON lines in this file instead of launching. */
  readonly testLauncherLog?: string;
}

/** The per-user data folder: XDG on Linux, Application Support on macOS, %APPDATA% on Windows. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform) {
  const home = env.HOME?.trim() || env.USERPROFILE?.trim() || homedir();
  if (platform === 'win32') return join(env.APPDATA?.trim() || join(home, 'AppData', 'Roaming'), 'Porthole');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Porthole');
  return join(env.XDG_DATA_HOME?.trim() || join(home, '.local', 'share'), 'porthole');
}

/** Parses the command line; returns a message (and exit code) instead when it cannot run. */
export function parseServeArgs(argv: readonly string[]): ServeOptions | { exit: number; message: string } {
  let values: {
    port?: string;
    'endpoint-url'?: string;
    'static-dir'?: string;
    'data-dir'?: string;
    'test-launcher-log'?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        'endpoint-url': { type: 'string' },
        'static-dir': { type: 'string' },
        'data-dir': { type: 'string' },
        // Browser tests only: see electron/host/launcher.ts.
        'test-launcher-log': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    return { exit: 2, message: `${e instanceof Error ? e.message : String(e)}\n${hostText('host.usage')}` };
  }
  if (values.help) return { exit: 0, message: hostText('host.usage') };
  const portText = values.port ?? '0';
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!Number.isInteger(port) || port > 65535)
    return { exit: 2, message: hostText('host.badPort', { value: portText }) };
  const endpointUrl = values['endpoint-url'];
  if (endpointUrl !== undefined && !isHttpUrl(endpointUrl)) {
    return { exit: 2, message: hostText('host.badEndpoint', { value: endpointUrl }) };
  }
  const staticDir = resolve(values['static-dir'] ?? join(repoRoot, 'out', 'renderer'));
  const dataDirText = values['data-dir']?.trim();
  if (values['data-dir'] !== undefined && !dataDirText) {
    return { exit: 2, message: hostText('host.badDataDir') };
  }
  const dataDir = resolve(dataDirText || defaultDataDir());
  const testLauncherLog = values['test-launcher-log']?.trim();
  return {
    port,
    staticDir,
    dataDir,
    ...(endpointUrl ? { endpointUrl } : {}),
    ...(testLauncherLog ? { testLauncherLog: resolve(testLauncherLog) } : {}),
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

async function main(): Promise<number> {
  const parsed = parseServeArgs(process.argv.slice(2));
  if ('exit' in parsed) {
    (parsed.exit === 0 ? process.stdout : process.stderr).write(`${parsed.message}\n`);
    return parsed.exit;
  }
  const index = join(parsed.staticDir, 'index.html');
  if (!existsSync(index)) {
    process.stderr.write(`${hostText('host.rendererMissing', { path: index })}\n`);
    return 1;
  }
  const logger = streamLogger(
    (line) => process.stderr.write(`${line}\n`),
    process.env.PORTHOLE_LOG_LEVEL === 'debug' ? 'debug' : 'warn',
  );
  const services = createAppServices({
    env: process.env,
    logger,
    host: 'web',
    version: packageVersion(),
    dataDir: parsed.dataDir,
    launcher: parsed.testLauncherLog ? recordingLauncher(parsed.testLauncherLog) : hostLauncher(logger),
    ...(parsed.endpointUrl ? { endpointUrl: parsed.endpointUrl } : {}),
  });
  if (parsed.testLauncherLog)
    logger.warn('TEST ONLY: launch requests are recorded, nothing is started', { file: parsed.testLauncherLog });
  let host;
  try {
    host = await startWebHost({ port: parsed.port, host: '127.0.0.1', staticDir: parsed.staticDir, services, logger });
  } catch (e) {
    services.dispose();
    process.stderr.write(`${hostText('host.startFailed', { detail: e instanceof Error ? e.message : String(e) })}\n`);
    return 1;
  }
  process.stdout.write(`${hostText('host.listening', { url: host.url })}\n`);
  const running = host;
  await new Promise<void>((resolveStop) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      // Open shells are ended on the service (TerminateSession) rather than left to time out.
      void Promise.all([running.close(), services.closeSessions()]).finally(() => {
        services.dispose();
        resolveStop();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`${hostText('host.startFailed', { detail: e instanceof Error ? e.message : String(e) })}\n`);
      process.exitCode = 1;
    },
  );
}
