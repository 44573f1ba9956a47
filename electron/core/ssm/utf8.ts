/**
 * UTF-8 kept whole across message boundaries. Agents split output at 1024 bytes (the real agent avoids splitting
 * a character, but nothing guarantees it for other agents or for StdErr), so consumers that want text must carry
 * an incomplete trailing sequence over to the next chunk.
 */

/** Decodes a byte stream chunk by chunk; a character split between chunks comes out whole. */
export class Utf8StreamDecoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  /** Text for the bytes so far; up to 3 trailing bytes of an incomplete character wait for the next call. */
  write(chunk: Uint8Array): string {
    return this.decoder.decode(chunk, { stream: true });
  }

  /** Flushes what is left (an incomplete character becomes U+FFFD). */
  end(): string {
    return this.decoder.decode();
  }
}

/**
 * Length of the longest prefix of `bytes` that ends on a character boundary. The remainder (0-3 bytes) is the
 * start of a character whose continuation bytes have not arrived yet. Invalid sequences are not held back.
 */
export function completeUtf8Length(bytes: Uint8Array): number {
  const n = bytes.length;
  // Look back at most 3 bytes for the lead byte of the last character.
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking
    const need = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

/** Splits a byte stream into chunks that end on character boundaries, carrying the tail over. */
export class Utf8Chunker {
  private carry: Uint8Array = new Uint8Array(0);

  /** Returns the complete part of carry + chunk (possibly empty); keeps the incomplete tail. */
  push(chunk: Uint8Array): Uint8Array {
    let data = chunk;
    if (this.carry.length > 0) {
      data = new Uint8Array(this.carry.length + chunk.length);
      data.set(this.carry);
      data.set(chunk, this.carry.length);
    }
    const cut = completeUtf8Length(data);
    this.carry = data.slice(cut);
    return cut === data.length ? data : data.subarray(0, cut);
  }

  /** Whatever is still held (an incomplete character at end of stream). */
  flush(): Uint8Array {
    const rest = this.carry;
    this.carry = new Uint8Array(0);
    return rest;
  }

  get pendingBytes(): number {
    return this.carry.length;
  }
}
