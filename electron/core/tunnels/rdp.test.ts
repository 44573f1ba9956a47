import { readFileSync, statSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  fillTemplate,
  launchRdpClient,
  planRdpClient,
  rdpFileContent,
  splitCommandLine,
  writeRdpFile,
  type RdpLaunch,
} from './rdp';
import type { LaunchedProgram, Launcher } from '../base/launcher';

/** Records what it was asked to start; never runs anything. */
class RecordingLauncher implements Pick<Launcher, 'spawn' | 'openFile'> {
  readonly spawned: { command: string; args: readonly string[]; fileText?: string }[] = [];
  readonly opened: { path: string; text: string; mode: number }[] = [];
  failWith: Error | undefined;
  async spawn(command: string, args: readonly string[]): Promise<LaunchedProgram> {
    if (this.failWith) throw this.failWith;
    const file = args.map((a) => a.replace(/^--file=/, '')).find((a) => a.endsWith('.rdp'));
    this.spawned.push({ command, args, ...(file ? { fileText: readFileSync(file, 'utf8') } : {}) });
    return { exited: new Promise(() => undefined), kill: () => undefined };
  }
  async openFile(path: string): Promise<void> {
    this.opened.push({ path, text: readFileSync(path, 'utf8'), mode: statSync(path).mode & 0o777 });
  }
}

const target = { host: '127.0.0.1', port: 53389, username: 'Administrator' };
const launches: RdpLaunch[] = [];
afterEach(() => {
  for (const l of launches.splice(0)) l.dispose();
});

describe('RDP client plan', () => {
  it('Windows: mstsc with a generated .rdp file', async () => {
    const launcher = new RecordingLauncher();
    const l = await launchRdpClient(launcher, target, { platform: 'win32', fileName: 'ウィンドウズ-1' });
    launches.push(l);
    expect(launcher.spawned).toHaveLength(1);
    const [call] = launcher.spawned;
    expect(call!.command).toBe('mstsc');
    expect(call!.args).toEqual([l.file!.path]);
    expect(l.file!.path).toMatch(/ウィンドウズ-1\.rdp$/);
    expect(call!.fileText).toContain('full address:s:127.0.0.1:53389\r\n');
    expect(call!.fileText).toContain('username:s:Administrator\r\n');
  });

  it('macOS: the default handler opens the .rdp file (0600, private dir); dispose removes it', async () => {
    const launcher = new RecordingLauncher();
    const l = await launchRdpClient(launcher, { host: '127.0.0.1', port: 40000 }, { platform: 'darwin' });
    expect(launcher.spawned).toEqual([]);
    expect(launcher.opened).toHaveLength(1);
    expect(launcher.opened[0]!.mode).toBe(0o600);
    expect(statSync(dirname(l.file!.path)).mode & 0o777).toBe(0o700);
    expect(launcher.opened[0]!.text).toBe(
      'full address:s:127.0.0.1:40000\r\nprompt for credentials:i:1\r\nadministrative session:i:1\r\nscreen mode id:i:2\r\nauthentication level:i:2\r\n',
    );
    expect(l.command).toEqual(['open', l.file!.path]);
    l.dispose();
    expect(existsSync(l.file!.path)).toBe(false);
    expect(existsSync(dirname(l.file!.path))).toBe(false);
  });

  it('Linux: xfreerdp when on PATH, else remmina with the file, else a clear error', async () => {
    const found = (names: string[]) => (name: string) => (names.includes(name) ? `/usr/bin/${name}` : undefined);
    const launcher = new RecordingLauncher();
    launches.push(
      await launchRdpClient(launcher, target, { platform: 'linux', findExecutable: found(['xfreerdp', 'remmina']) }),
    );
    expect(launcher.spawned[0]).toEqual({
      command: 'xfreerdp',
      args: ['/v:127.0.0.1:53389', '/u:Administrator', '/cert:tofu'],
    });
    const l = await launchRdpClient(launcher, target, { platform: 'linux', findExecutable: found(['remmina']) });
    launches.push(l);
    expect(launcher.spawned[1]!.command).toBe('remmina');
    expect(launcher.spawned[1]!.args).toEqual(['-c', l.file!.path]);
    await expect(
      launchRdpClient(launcher, target, { platform: 'linux', findExecutable: found([]) }),
    ).rejects.toMatchObject({ code: 'INVALID_TUNNEL', message: expect.stringContaining('PORTHOLE_RDP_COMMAND') });
    expect(launcher.spawned).toHaveLength(2);
  });

  it('a command template wins on every platform; values never split words', async () => {
    const launcher = new RecordingLauncher();
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      launches.push(
        await launchRdpClient(
          launcher,
          { host: '::1', port: 3390, username: '山田 太郎' },
          { platform, template: `"/opt/My RDP/client" /v:{host}:{port} '/u:{username}' --file={file}` },
        ),
      );
    }
    for (const call of launcher.spawned) {
      expect(call.command).toBe('/opt/My RDP/client');
      expect(call.args.slice(0, 2)).toEqual(['/v:::1:3390', '/u:山田 太郎']);
      expect(call.args[2]).toMatch(/^--file=.*\.rdp$/);
      expect(call.fileText).toContain('username:s:山田 太郎');
    }
  });

  it('a launcher that cannot start the client passes its error on and leaves no file', async () => {
    const launcher = new RecordingLauncher();
    launcher.failWith = new Error('mstsc: command not found');
    let file = '';
    const spy: Pick<Launcher, 'spawn' | 'openFile'> = {
      spawn: (c, a) => {
        file = a[0] ?? '';
        return launcher.spawn(c, a);
      },
      openFile: (p) => launcher.openFile(p),
    };
    await expect(launchRdpClient(spy, target, { platform: 'win32' })).rejects.toThrow(/command not found/);
    expect(file).toMatch(/\.rdp$/);
    expect(existsSync(file)).toBe(false);
  });
});

describe('helpers', () => {
  it('splitCommandLine handles quotes and escapes', () => {
    expect(splitCommandLine(`xfreerdp  /v:{host}:{port} "/t:My Desk" '/p:a"b' a\\ b ""`)).toEqual([
      'xfreerdp',
      '/v:{host}:{port}',
      '/t:My Desk',
      '/p:a"b',
      'a b',
      '',
    ]);
  });

  it('fillTemplate fills every placeholder', () => {
    expect(fillTemplate(['{host}:{port}', '{username}', '{file}', '{other}'], { ...target, file: '/x.rdp' })).toEqual([
      '127.0.0.1:53389',
      'Administrator',
      '/x.rdp',
      '{other}',
    ]);
  });

  it('writeRdpFile refuses nothing odd in the name and writes 0600', () => {
    const f = writeRdpFile(target, '../../etc/passwd');
    try {
      expect(dirname(f.path)).toMatch(/porthole-rdp-/);
      expect(f.path.endsWith('.._.._etc_passwd.rdp')).toBe(true);
      expect(statSync(f.path).mode & 0o777).toBe(0o600);
      expect(readFileSync(f.path, 'utf8')).toBe(rdpFileContent(target));
    } finally {
      f.dispose();
    }
  });

  it('planRdpClient reports none when nothing fits', () => {
    expect(planRdpClient(target, { platform: 'freebsd', findExecutable: () => undefined })).toEqual({ kind: 'none' });
  });
});
