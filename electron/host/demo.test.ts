import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const children: ChildProcess[] = [];
let dir: string | undefined;

afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

function invoke(url: URL, channel: string, payload: unknown): Promise<Record<string, unknown>> {
  const ws = new WebSocket(`ws://${url.host}/ipc?token=${url.searchParams.get('token')}`, { origin: url.origin });
  return new Promise((resolveResult, reject) => {
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ t: 'invoke', id: 1, channel, payload })));
    ws.once('message', (data) => {
      ws.close();
      resolveResult(JSON.parse(String(data)) as Record<string, unknown>);
    });
  });
}

async function refused(origin: string): Promise<boolean> {
  try {
    await fetch(origin);
    return false;
  } catch {
    return true;
  }
}

describe('npm run demo (without the Electron binary)', () => {
  it('starts the emulator and the web host on a demo profile, lists the fleet, and Ctrl-C stops everything', async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-demo-test-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Porthole</title>');
    const child = spawn(process.execPath, ['scripts/demo.mjs', '--static-dir', dir], {
      cwd: repoRoot,
      // Real keys or endpoints in the caller's environment must not reach the demo.
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'AKIAREALKEY', AWS_ENDPOINT_URL: 'http://127.0.0.1:9', LANG: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.resume();
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    await new Promise<void>((resolveReady, reject) => {
      const check = () => {
        if (/^Open http/m.test(out)) resolveReady();
      };
      child.stdout.on('data', check);
      void exited.then(() => reject(new Error(`demo exited early:\n${out}`)));
    });

    expect(out).toContain('The Electron binary is not installed here');
    const line = /^porthole web host listening on (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)$/m.exec(out);
    expect(line, out).not.toBeNull();
    const url = new URL(line![1]!);
    const emulator = /^emulator: (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out)![1]!;
    const profileDir = /^demo AWS profile: (.+)$/m.exec(out)![1]!;
    expect(existsSync(join(profileDir, 'credentials'))).toBe(true);

    expect(await invoke(url, 'profiles.list', {})).toMatchObject({
      result: { ok: true, value: { profiles: [{ name: 'demo', region: 'us-east-1', kind: 'static' }] } },
    });
    const listed = await invoke(url, 'inventory.list', { profile: 'demo', region: 'us-east-1' });
    expect(listed).toMatchObject({ result: { ok: true } });
    const instances = (listed.result as { value: { instances: { name?: string }[] } }).value.instances;
    expect(instances.length).toBeGreaterThanOrEqual(6);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await refused(url.origin)).toBe(true);
    expect(await refused(emulator)).toBe(true);
    expect(existsSync(profileDir)).toBe(false);
  }, 60_000);
});
