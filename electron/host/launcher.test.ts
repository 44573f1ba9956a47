import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingLauncher } from './launcher';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'porthole-launch-log-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('recordingLauncher (test only)', () => {
  it('records each request as a JSON line and starts nothing', async () => {
    const log = join(dir, 'launches.jsonl');
    const rdp = join(dir, 'win.rdp');
    writeFileSync(rdp, 'full address:s:127.0.0.1:40000\r\n');
    const launcher = recordingLauncher(log);
    const program = await launcher.spawn('definitely-not-installed-rdp', ['/v:127.0.0.1:40000', '/u:管理者']);
    await launcher.openFile(rdp);
    await launcher.openExternal('https://example.awsapps.com/start');
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      { kind: 'spawn', command: 'definitely-not-installed-rdp', args: ['/v:127.0.0.1:40000', '/u:管理者'] },
      { kind: 'openFile', path: rdp, text: 'full address:s:127.0.0.1:40000\r\n' },
      { kind: 'openExternal', url: 'https://example.awsapps.com/start' },
    ]);
    // The "program" runs until killed.
    program.kill();
    expect(await program.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });
});
