/**
 * The desktop app's Launcher: links and files through Electron's shell (the user's browser, the default handler of
 * a .rdp file), programs (the RDP client) as child processes without a shell.
 */
import type { Shell } from 'electron';
import { assertWebUrl, type Launcher } from '../core/base/launcher';
import { processLauncher } from '../core/base/processLauncher';

export function electronLauncher(shell: Pick<Shell, 'openExternal' | 'openPath'>): Launcher {
  const programs = processLauncher();
  return {
    async openExternal(url) {
      assertWebUrl(url);
      await shell.openExternal(url);
    },
    async openFile(path) {
      // openPath answers an error message, or '' when the file was opened.
      const error = await shell.openPath(path);
      if (error) throw new Error(error);
    },
    spawn: (command, args) => programs.spawn(command, args),
  };
}
