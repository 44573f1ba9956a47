import { describe, expect, it } from 'vitest';
import { electronLauncher } from './launcher';

/** Electron's shell as far as the launcher goes: records what it was asked to open. */
function fakeShell(openPathAnswer = '') {
  const calls: string[] = [];
  return {
    calls,
    shell: {
      openExternal: async (url: string) => {
        calls.push(`external ${url}`);
      },
      openPath: async (path: string) => {
        calls.push(`path ${path}`);
        return openPathAnswer;
      },
    },
  };
}

describe('electronLauncher', () => {
  it('opens https links in the browser and refuses other schemes before reaching the shell', async () => {
    const { shell, calls } = fakeShell();
    const launcher = electronLauncher(shell);
    await launcher.openExternal('https://device.sso.us-east-1.amazonaws.com/');
    await expect(launcher.openExternal('file:///etc/passwd')).rejects.toThrow(/refusing/);
    expect(calls).toEqual(['external https://device.sso.us-east-1.amazonaws.com/']);
  });

  it('opens a file with its default application and passes the shell error on', async () => {
    const ok = fakeShell();
    await electronLauncher(ok.shell).openFile('/tmp/porthole-rdp-x/win-ad-prod.rdp');
    expect(ok.calls).toEqual(['path /tmp/porthole-rdp-x/win-ad-prod.rdp']);
    const failing = fakeShell('No application is associated with this file');
    await expect(electronLauncher(failing.shell).openFile('/tmp/x.rdp')).rejects.toThrow(
      'No application is associated',
    );
  });
});
