/**
 * A clean quit: before the app quits, every open session is ended on the service (TerminateSession) rather than
 * left for the service to time out. Electron's `before-quit` cannot wait for a promise, so the first quit is held
 * (`preventDefault`), the sessions are closed (bounded by a timeout: a hung TerminateSession must not keep the app
 * open), and then the quit is asked for again, which passes.
 *
 * Written against the part of Electron's `app` it needs, so it is tested without Electron.
 */

/** The part of Electron's `app` this needs. */
export interface QuittingApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

export interface CloseSessionsOnQuitOptions {
  /** The services' closeSessions(): TerminateSession for every open session. */
  readonly closeSessions: () => Promise<void>;
  /** Longest wait for closeSessions before quitting anyway. Default 3000 ms. */
  readonly timeoutMs?: number;
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
  /** Told when closing took too long or failed (the app quits regardless). */
  readonly onDidFail?: (reason: string) => void;
}

export function closeSessionsOnQuit(app: QuittingApp, options: CloseSessionsOnQuitOptions): void {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let phase: 'running' | 'closing' | 'done' = 'running';
  app.on('before-quit', (event) => {
    if (phase === 'done') return;
    // A second quit while the sessions close (a repeated Cmd+Q) waits for the same close.
    event.preventDefault();
    if (phase === 'closing') return;
    phase = 'closing';
    let timer: unknown;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimer(() => resolve('timeout'), timeoutMs);
    });
    const closed = Promise.resolve()
      .then(() => options.closeSessions())
      .then(
        () => 'closed' as const,
        (e: unknown) => {
          options.onDidFail?.(`closing the sessions failed: ${e instanceof Error ? e.message : String(e)}`);
          return 'failed' as const;
        },
      );
    void Promise.race([closed, timedOut]).then((outcome) => {
      clearTimer(timer);
      if (outcome === 'timeout') options.onDidFail?.(`closing the sessions took longer than ${timeoutMs} ms`);
      phase = 'done';
      app.quit();
    });
  });
}
