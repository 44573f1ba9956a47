import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EscapeFilter, quotePosixCommand, quotePosixWord, signalExitCode } from './session-io';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('EscapeFilter (~. like ssh)', () => {
  it('~. at the very start leaves, and nothing of it is sent', () => {
    const f = new EscapeFilter();
    const r = f.push(bytes('~.ls\r'));
    expect(r.action).toBe('leave');
    expect(text(r.forward)).toBe('');
  });

  it('~. after a newline (CR from a raw terminal, or LF) leaves; what came before is still sent', () => {
    for (const newline of ['\r', '\n']) {
      const r = new EscapeFilter().push(bytes(`echo hi${newline}~.`));
      expect(r.action).toBe('leave');
      expect(text(r.forward)).toBe(`echo hi${newline}`);
    }
  });

  it('~ in the middle of a line is an ordinary character', () => {
    const r = new EscapeFilter().push(bytes('cd ~.\r'));
    expect(r.action).toBeUndefined();
    expect(text(r.forward)).toBe('cd ~.\r');
  });

  it('~~ sends one ~; ~ followed by anything else sends both', () => {
    expect(text(new EscapeFilter().push(bytes('~~/x')).forward)).toBe('~/x');
    expect(text(new EscapeFilter().push(bytes('~/bin\r')).forward)).toBe('~/bin\r');
  });

  it('the escape works when ~ and . arrive in separate reads (one key at a time)', () => {
    const f = new EscapeFilter();
    expect(text(f.push(bytes('ls\r')).forward)).toBe('ls\r');
    const first = f.push(bytes('~'));
    expect(first.action).toBeUndefined();
    expect(first.forward.length).toBe(0); // held until the next key says what it is
    expect(f.push(bytes('.')).action).toBe('leave');
  });

  it('~? asks for help and sends nothing', () => {
    const r = new EscapeFilter().push(bytes('~?'));
    expect(r.action).toBe('help');
    expect(r.forward.length).toBe(0);
  });

  it('passes Ctrl-C and other control bytes through untouched', () => {
    const r = new EscapeFilter().push(Uint8Array.of(0x03, 0x1a, 0x04));
    expect([...r.forward]).toEqual([0x03, 0x1a, 0x04]);
  });
});

describe('POSIX quoting for exec', () => {
  it('leaves plain words bare and single-quotes the rest', () => {
    expect(quotePosixWord('uname')).toBe('uname');
    expect(quotePosixWord('/var/log/app-1.log')).toBe('/var/log/app-1.log');
    expect(quotePosixWord('a b')).toBe("'a b'");
    expect(quotePosixWord("it's")).toBe("'it'\\''s'");
    expect(quotePosixWord('')).toBe("''");
    expect(quotePosixWord('FOO=bar')).toBe("'FOO=bar'"); // not an assignment
    expect(quotePosixWord('~')).toBe("'~'"); // not the home directory
    expect(quotePosixCommand(['sh', '-c', 'echo hi; exit 3'])).toBe("sh -c 'echo hi; exit 3'");
  });

  it('every argument reaches the command as exactly one literal word (checked with a real sh)', () => {
    const special = fc.constantFrom(
      "'",
      '"',
      '\\',
      '$',
      '`',
      ' ',
      '\t',
      '\n',
      '*',
      '?',
      ';',
      '&',
      '|',
      '~',
      '=',
      '#',
      '(',
      '!',
      '日本',
    );
    const word = fc
      .array(fc.oneof(special, fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 6 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), (argv) => {
        const line = `printf '%s\\0' ${quotePosixCommand(argv)}`;
        const r = spawnSync('/bin/sh', ['-c', line], { encoding: 'utf8' });
        expect(r.status).toBe(0);
        expect(r.stdout.split('\0').slice(0, -1)).toEqual(argv);
      }),
      { numRuns: 150 },
    );
  });

  it('signal exit statuses are 128 + the signal number', () => {
    expect(signalExitCode('SIGINT')).toBe(130);
    expect(signalExitCode('SIGTERM')).toBe(143);
    expect(signalExitCode('SIGHUP')).toBe(129);
  });
});
