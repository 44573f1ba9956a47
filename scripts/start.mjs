/**
 * `npm start`: the Porthole desktop app with the user's real AWS profiles.
 * Builds the renderer, main and preload first (`npm run build`), then launches Electron. Where the
 * Electron binary is not installed it says so and points to `npm run serve` (the same UI in a browser).
 * Extra arguments are passed to the app (e.g. `npm start -- --endpoint-url http://127.0.0.1:4566`).
 */
import { spawn } from 'node:child_process';
import { electronBinary, repoRoot, runNpm, text } from './lib.mjs';

const electron = electronBinary();
if (!electron) {
  process.stderr.write(`${text('launch.noElectronStart')}\n`);
  process.exit(1);
}

try {
  await runNpm(['run', 'build']);
} catch (e) {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
}

const app = spawn(electron, [repoRoot, ...process.argv.slice(2)], { cwd: repoRoot, stdio: 'inherit' });
const forward = (signal) => () => app.kill(signal);
process.on('SIGINT', forward('SIGINT'));
process.on('SIGTERM', forward('SIGTERM'));
app.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
