/**
 * The Launcher port: what Porthole asks of the desktop outside itself — open a link in the user's browser (SSO
 * sign-in), open a file with its default application (a generated .rdp file on macOS) and start a program (the RDP
 * client). One port for every host; the adapters live with each host (Electron shell in main, child processes in
 * the CLI and the web host) and tests use recording doubles. Users that need only part of it take a `Pick`.
 */

/** A started external program. */
export interface LaunchedProgram {
  /** Resolves when it exits: its exit code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  kill(): void;
}

export interface Launcher {
  /** Opens an http(s) URL in the user's browser. */
  openExternal(url: string): Promise<void>;
  /** Opens a file with the platform's default application for its type. */
  openFile(path: string): Promise<void>;
  /** Starts `command` with `args` (no shell). Rejects when it cannot be started (not found, no permission). */
  spawn(command: string, args: readonly string[]): Promise<LaunchedProgram>;
}

/** Only http: and https: links leave the app (never file:, javascript:, custom schemes). */
export function assertWebUrl(url: string): void {
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch {
    throw new Error('refusing to open a link that is not a URL');
  }
  if (scheme !== 'https:' && scheme !== 'http:') throw new Error(`refusing to open ${scheme} link`);
}
