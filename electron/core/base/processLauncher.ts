/**
 * The Launcher for Node hosts (the CLI, the web host): programs as child processes without a shell; files and links
 * handed to the platform's opener (`open` on macOS, `start` on Windows, `xdg-open` elsewhere).
 */
import { spawn } from 'node:child_process';
import { assertWebUrl, type LaunchedProgram, type Launcher } from './launcher';

export function processLauncher(platform: NodeJS.Platform = process.platform): Launcher {
  const start = (command: string, args: readonly string[]) =>
    new Promise<LaunchedProgram>((resolve, reject) => {
      const child = spawn(command, [...args], { stdio: 'ignore' });
      const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
        child.once('exit', (code, signal) => r({ code, signal })),
      );
      child.once('error', (e: NodeJS.ErrnoException) =>
        reject(new Error(e.code === 'ENOENT' ? `${command}: command not found` : `${command}: ${e.message}`)),
      );
      child.once('spawn', () => resolve({ exited, kill: () => child.kill() }));
    });
  /** Hands `target` (a path or a URL) to the platform's opener and waits for it to return. */
  const open = async (target: string) => {
    const [command, ...args] =
      platform === 'darwin'
        ? ['open', target]
        : platform === 'win32'
          ? ['cmd', '/c', 'start', '""', target]
          : ['xdg-open', target];
    const program = await start(command!, args);
    const { code } = await program.exited;
    if (code !== 0) throw new Error(`${command} ${target} exited with ${code}`);
  };
  return {
    spawn: start,
    openFile: open,
    async openExternal(url) {
      assertWebUrl(url);
      // cmd would read & and ^ in a URL as its own syntax: Windows gets the URL handler directly.
      if (platform === 'win32') await start('rundll32', ['url.dll,FileProtocolHandler', url]);
      else await open(url);
    },
  };
}
