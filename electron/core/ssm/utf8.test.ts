import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Utf8Chunker, Utf8StreamDecoder, completeUtf8Length } from './utf8';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('completeUtf8Length', () => {
  it.each([
    ['ascii', [0x61, 0x62], 2],
    ['complete 3-byte', [0xe6, 0x97, 0xa5], 3],
    ['3-byte missing 1', [0x61, 0xe6, 0x97], 1],
    ['3-byte missing 2', [0x61, 0xe6], 1],
    ['4-byte missing 1', [0xf0, 0x9f, 0x98], 0],
    ['complete 4-byte', [0xf0, 0x9f, 0x98, 0x80], 4],
    ['2-byte missing 1', [0x61, 0xc3], 1],
    ['stray continuation bytes are not held', [0x80, 0x80, 0x80, 0x80], 4],
    ['empty', [], 0],
  ])('%s', (_n, input, expected) => {
    expect(completeUtf8Length(new Uint8Array(input))).toBe(expected);
  });
});

describe('Utf8StreamDecoder and Utf8Chunker', () => {
  it('keep a character split across messages whole', () => {
    const all = bytes('日本語 ✓ 😀');
    const d = new Utf8StreamDecoder();
    const c = new Utf8Chunker();
    let text = '';
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < all.length; i++) {
      text += d.write(all.subarray(i, i + 1));
      chunks.push(c.push(all.subarray(i, i + 1)));
    }
    text += d.end();
    expect(text).toBe('日本語 ✓ 😀');
    expect(text).not.toContain('\uFFFD');
    for (const ch of chunks) expect(new TextDecoder('utf-8', { fatal: true }).decode(ch)).toBeDefined();
    expect(c.flush().length).toBe(0);
  });

  it('property: any split of any string decodes to the string, and chunks are valid UTF-8 on their own', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        fc.array(fc.nat(200), { maxLength: 10 }),
        (s, cuts) => {
          const all = bytes(s);
          const points = [...new Set(cuts.map((x) => x % (all.length + 1)))].sort((a, b) => a - b);
          const d = new Utf8StreamDecoder();
          const c = new Utf8Chunker();
          let text = '';
          let rejoined = '';
          let prev = 0;
          for (const p of [...points, all.length]) {
            const part = all.subarray(prev, p);
            text += d.write(part);
            rejoined += new TextDecoder('utf-8', { fatal: true }).decode(c.push(part));
            prev = p;
          }
          text += d.end();
          expect(text).toBe(s);
          expect(rejoined).toBe(s);
        },
      ),
      { numRuns: 500 },
    );
  });
});
