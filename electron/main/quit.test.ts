import { describe, expect, it } from 'vitest';
import { closeSessionsOnQuit, type QuittingApp } from './quit';

/** Electron's app as far as quitting goes: `quit()` emits before-quit, and quits unless a listener prevented it. */
class FakeApp implements QuittingApp {
  private readonly listeners: ((event: { preventDefault(): void }) => void)[] = [];
  quitRequests = 0;
  quitted = false;
  on(_event: 'before-quit', listener: (event: { preventDefault(): void }) => void): void {
    this.listeners.push(listener);
  }
  quit(): void {
    this.quitRequests += 1;
    let prevented = false;
    for (const l of this.listeners) l({ preventDefault: () => (prevented = true) });
    if (!prevented) this.quitted = true;
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('closeSessionsOnQuit', () => {
  it('holds the quit until every session is terminated, then quits', async () => {
    const app = new FakeApp();
    let finish!: () => void;
    let calls = 0;
    closeSessionsOnQuit(app, {
      closeSessions: () => {
        calls += 1;
        return new Promise<void>((r) => (finish = r));
      },
    });
    app.quit();
    await tick();
    expect(calls).toBe(1);
    expect(app.quitted).toBe(false);
    // A second Cmd+Q while closing neither quits early nor closes twice.
    app.quit();
    await tick();
    expect(app.quitted).toBe(false);
    expect(calls).toBe(1);
    finish();
    await tick();
    expect(app.quitted).toBe(true);
  });

  it('quits anyway when TerminateSession hangs past the timeout, and says why', async () => {
    const app = new FakeApp();
    const reasons: string[] = [];
    closeSessionsOnQuit(app, {
      closeSessions: () => new Promise<void>(() => undefined),
      timeoutMs: 20,
      onDidFail: (r) => reasons.push(r),
    });
    app.quit();
    await new Promise((r) => setTimeout(r, 60));
    expect(app.quitted).toBe(true);
    expect(reasons).toEqual(['closing the sessions took longer than 20 ms']);
  });

  it('quits when closing fails (sync throw or rejection)', async () => {
    for (const closeSessions of [
      () => Promise.reject(new Error('ExpiredToken')),
      () => {
        throw new Error('boom');
      },
    ]) {
      const app = new FakeApp();
      const reasons: string[] = [];
      closeSessionsOnQuit(app, { closeSessions, onDidFail: (r) => reasons.push(r) });
      app.quit();
      await tick();
      await tick();
      expect(app.quitted).toBe(true);
      expect(reasons[0]).toMatch(/^closing the sessions failed: (ExpiredToken|boom)$/);
    }
  });
});
