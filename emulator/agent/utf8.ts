/**
 * How many bytes of `buf` (at most `max`) can be sent without cutting a UTF-8 character in two.
 *
 * The agent reads at most 1024 bytes per output message and keeps up to three trailing bytes of an
 * incomplete character for the next message. Bytes that are not valid UTF-8 are passed on as they are,
 * so binary output never stalls for long.
 */
export function utf8SafeLength(buf: Uint8Array, max: number): number {
  const n = Math.min(buf.length, max);
  if (n === 0) return 0;
  // Look back at most 3 bytes for the lead byte of the last character.
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = buf[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = b >= 0xf5 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 ? 2 : 1; // 0xc0, 0xc1, 0xf5+ are never leads
    if (need > back) {
      // The character starting at n - back is incomplete inside the window.
      // The character starting at n - back is incomplete inside the window: hold it back (0 means
      // "wait for more bytes"; the caller flushes what is left at end of stream).
      return n - back;
    }
    return n;
  }
  return n;
}
