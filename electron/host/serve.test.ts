import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { defaultDataDir, parseServeArgs } from './serve';

const serveScript = fileURLToPath(new URL('./serve.ts', import.meta.url));
const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const children: ChildProcess[] = [];
let dir: string | undefined;

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

function serve(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', serveScript, ...args], {
    cwd: repoRoot,
    env: { ...process.env, LANG: 'C', LC_ALL: '', LC_MESSAGES: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const firstLine = new Promise<string>((resolveLine, reject) => {
    child.stdout.on('data', () => {
      const nl = stdout.indexOf('\n');
      if (nl >= 0) resolveLine(stdout.slice(0, nl));
    });
    void exited.then(() => reject(new Error(`serve exited: ${stderr}`)));
  });
  firstLine.catch(() => {}); // Not every test waits for the line.
  return { child, exited, firstLine, output: () => ({ stdout, stderr }) };
}

describe('npm run serve', () => {
  it('prints the exact ready line, serves the UI and the contract, and stops on SIGTERM', async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-serve-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Porthole</title>');
    const run = serve([
      '--port',
      '0',
      '--static-dir',
      dir,
      '--data-dir',
      join(dir, 'data'),
      '--endpoint-url',
      'http://127.0.0.1:9',
    ]);
    const line = await run.firstLine;
    const match = /^porthole web host listening on (http:\/\/127\.0\.0\.1:(\d+))\/\?token=([A-Za-z0-9_-]{43})$/.exec(
      line,
    );
    expect(match, line).not.toBeNull();
    const origin = match![1]!;
    const token = match![3]!;
    const page = await fetch(`${origin}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Porthole</title>');

    const ws = new WebSocket(`${origin.replace('http', 'ws')}/ipc?token=${token}`, { origin });
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    const reply = new Promise<string>((r) => ws.once('message', (d) => r(String(d))));
    ws.send(JSON.stringify({ t: 'invoke', id: 1, channel: 'app.info', payload: {} }));
    expect(JSON.parse(await reply)).toMatchObject({
      t: 'result',
      id: 1,
      result: { ok: true, value: { host: 'web', endpointUrl: 'http://127.0.0.1:9', version: expect.any(String) } },
    });
    ws.close();

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('exits 1 and says to build the renderer when out/renderer/index.html is missing', async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-serve-'));
    const run = serve(['--static-dir', join(dir, 'nothing-here')]);
    expect(await run.exited).toBe(1);
    expect(run.output().stderr).toContain('npm run build:renderer');
    expect(run.output().stdout).toBe('');
  });
});

describe('serve arguments', () => {
  it('accepts a port and an endpoint, rejects bad ones with a clear message', () => {
    expect(parseServeArgs(['--port', '8080', '--endpoint-url', 'http://127.0.0.1:4566'])).toMatchObject({
      port: 8080,
      endpointUrl: 'http://127.0.0.1:4566',
    });
    expect(parseServeArgs([])).toMatchObject({ port: 0 });
    expect(parseServeArgs(['--port', '70000'])).toMatchObject({ exit: 2, message: expect.stringContaining('--port') });
    expect(parseServeArgs(['--port', '-1'])).toMatchObject({ exit: 2 });
    expect(parseServeArgs(['--endpoint-url', 'file:///etc/passwd'])).toMatchObject({
      exit: 2,
      message: expect.stringContaining('--endpoint-url'),
    });
    expect(parseServeArgs(['--bogus'])).toMatchObject({ exit: 2 });
    expect(parseServeArgs(['--data-dir', '/tmp/porthole-data'])).toMatchObject({ dataDir: '/tmp/porthole-data' });
    expect(parseServeArgs(['--data-dir', ''])).toMatchObject({
      exit: 2,
      message: expect.stringContaining('--data-dir'),
    });
    expect(parseServeArgs(['--help'])).toMatchObject({ exit: 0, message: expect.stringContaining('Usage') });
  });
});

describe('defaultDataDir', () => {
  it('is a per-user folder on each platform', () => {
    expect(defaultDataDir({ HOME: '/home/ユーザー' }, 'linux')).toBe('/home/ユーザー/.local/share/porthole');
    expect(defaultDataDir({ HOME: '/home/u', XDG_DATA_HOME: '/data' }, 'linux')).toBe('/data/porthole');
    expect(defaultDataDir({ HOME: '/Users/u' }, 'darwin')).toBe('/Users/u/Library/Application Support/Porthole');
  });
});
