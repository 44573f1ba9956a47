import { describe, expect, it } from 'vitest';
import { assertWebUrl } from './launcher';
import { processLauncher } from './processLauncher';

describe('processLauncher', () => {
  it('starts a program without a shell and reports how it exited', async () => {
    const launcher = processLauncher('linux');
    // A shell would expand $HOME and stop at ';': the argument must arrive as it is.
    const program = await launcher.spawn(process.execPath, [
      '-e',
      'process.exit(process.argv[1] === "$HOME; 日本" ? 7 : 1)',
      '$HOME; 日本',
    ]);
    expect(await program.exited).toEqual({ code: 7, signal: null });
  });

  it('says "command not found" for a program that is not there', async () => {
    await expect(processLauncher('linux').spawn('porthole-no-such-rdp-client', [])).rejects.toThrow(
      'porthole-no-such-rdp-client: command not found',
    );
  });

  it('kill() ends the program', async () => {
    const program = await processLauncher('linux').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    program.kill();
    expect((await program.exited).signal).toBe('SIGTERM');
  });

  it('opens only http and https links', async () => {
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'ms-rd:whatever', 'not a url']) {
      expect(() => assertWebUrl(url), url).toThrow(/refusing/);
      await expect(processLauncher('linux').openExternal(url)).rejects.toThrow(/refusing/);
    }
    expect(() => assertWebUrl('https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD')).not.toThrow();
  });
});
