/**
 * Helpers shared by the entry scripts (`npm run demo`, `npm start`): plain Node, no build step.
 * User-visible texts come from the message catalog (shared/i18n/messages/host.ts) through tsx.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

register();
const { hostText } = await import('../electron/host/text.ts');
/** A message from the catalog in the user's locale. */
export const text = hostText;

/** The Electron executable, or undefined when its binary is not installed (as on our CI machines). */
export function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Newest modification time (ms) of the files under the given paths, skipping node_modules and tests. */
export function newestMtime(paths) {
  let newest = 0;
  const visit = (path) => {
    let st;
    try {
      st = statSync(path);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const entry of readdirSync(path)) {
        if (entry === 'node_modules' || entry.startsWith('.')) continue;
        visit(join(path, entry));
      }
    } else if (!/\.test\.tsx?$/.test(path)) {
      newest = Math.max(newest, st.mtimeMs);
    }
  };
  for (const p of paths) visit(p);
  return newest;
}

/** True when out/renderer is missing or older than its sources. */
export function rendererIsStale() {
  const index = join(repoRoot, 'out', 'renderer', 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = newestMtime([
    join(repoRoot, 'renderer'),
    join(repoRoot, 'shared'),
    join(repoRoot, 'build', 'vite.renderer.config.ts'),
    join(repoRoot, 'package.json'),
  ]);
  return sources > built;
}

/** Runs an npm script with inherited output; resolves on success, rejects with its exit code. */
export function runNpm(args, options = {}) {
  return new Promise((resolve, reject) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const child = spawn(npm, args, { cwd: repoRoot, stdio: 'inherit', ...options });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`npm ${args.join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

/**
 * Starts a child process and waits for a line of its stdout matching `ready`. Its other output is
 * passed through (stderr always, stdout after the ready line when `echo` is set).
 */
export function startAndWait(command, args, { ready, env, timeoutMs = 60_000, echo = false, name }) {
  const child = spawn(command, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let buffered = '';
  let stderrTail = '';
  child.stderr.on('data', (chunk) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-2000);
    process.stderr.write(chunk);
  });
  const matched = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not become ready within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    const onData = (chunk) => {
      buffered += chunk.toString();
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).replace(/\r$/, '');
        buffered = buffered.slice(nl + 1);
        const m = ready.exec(line);
        if (m) {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          if (echo) child.stdout.pipe(process.stdout);
          else child.stdout.resume();
          resolve(m);
          return;
        }
        if (echo) process.stdout.write(`${line}\n`);
      }
    };
    child.stdout.on('data', onData);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `${name} exited (${signal ?? `code ${code}`}) before it was ready${stderrTail ? `: ${stderrTail.trim()}` : ''}`,
        ),
      );
    });
  });
  return { child, ready: matched };
}

/** Stops children (SIGTERM, then SIGKILL after a grace period) and waits for them to exit. */
export async function stopAll(children, graceMs = 5_000) {
  await Promise.all(
    children
      .filter((c) => c && c.exitCode === null && c.signalCode === null)
      .map(
        (c) =>
          new Promise((resolve) => {
            const timer = setTimeout(() => c.kill('SIGKILL'), graceMs);
            c.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
  );
}
