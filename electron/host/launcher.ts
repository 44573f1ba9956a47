/**
 * The web host's Launchers.
 * - hostLauncher: the host runs on the user's machine, so it starts the RDP client and opens .rdp files like the CLI
 *   does; links it does not open (no browser spawned from a server process): the SSO link reaches the page that asked
 *   as the auth.ssoCode event, and the page shows it.
 * - recordingLauncher (TEST ONLY, `--test-launcher-log <file>`): starts and opens nothing; appends one JSON line per
 *   request to the file, so browser tests can check the command the app asked for.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import type { LaunchedProgram, Launcher } from '../core/base/launcher';
import type { Logger } from '../core/base/logger';
import { processLauncher } from '../core/base/processLauncher';

export function hostLauncher(logger: Logger): Launcher {
  const programs = processLauncher();
  return {
    openExternal: async () => logger.info('sso sign-in: the verification link is shown in the page'),
    openFile: (path) => programs.openFile(path),
    spawn: (command, args) => programs.spawn(command, args),
  };
}

/** One line of the recording launcher's log. */
export type LaunchRecord =
  | { kind: 'spawn'; command: string; args: string[] }
  | { kind: 'openFile'; path: string; text: string }
  | { kind: 'openExternal'; url: string };

/** TEST ONLY: records each request as a JSON line in `file` instead of launching anything. */
export function recordingLauncher(file: string): Launcher {
  const record = (entry: LaunchRecord) => appendFileSync(file, JSON.stringify(entry) + '\n', { mode: 0o600 });
  return {
    async openExternal(url) {
      record({ kind: 'openExternal', url });
    },
    async openFile(path) {
      // The .rdp file is removed when its tunnel stops: its text is recorded now.
      record({ kind: 'openFile', path, text: readFileSync(path, 'utf8') });
    },
    async spawn(command, args): Promise<LaunchedProgram> {
      record({ kind: 'spawn', command, args: [...args] });
      let end!: (v: { code: number | null; signal: string | null }) => void;
      const exited = new Promise<{ code: number | null; signal: string | null }>((r) => (end = r));
      return { exited, kill: () => end({ code: null, signal: 'SIGTERM' }) };
    },
  };
}
