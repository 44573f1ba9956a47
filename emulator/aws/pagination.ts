import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Opaque, tamper-evident pagination tokens. A token records where the next page starts (an index into the
 * region's instance list) and a fingerprint of the request's filters, so reusing it with other filters, another
 * region or another account is refused like AWS does. Resuming at an index keeps every page O(page size).
 */
export class PageTokens {
  private readonly key: Buffer;

  constructor(key: Buffer = randomBytes(32)) {
    this.key = key;
  }

  encode(position: number, fingerprint: string): string {
    const payload = Buffer.from(JSON.stringify({ p: position, f: fingerprint }), 'utf8').toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The position recorded in `token`, or `undefined` when the token is malformed, forged or for other filters. */
  decode(token: string, fingerprint: string): number | undefined {
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const payload = token.slice(0, dot);
    const mac = Buffer.from(token.slice(dot + 1), 'utf8');
    const expected = Buffer.from(this.mac(payload), 'utf8');
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
    try {
      const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { p?: unknown; f?: unknown };
      if (typeof parsed.p !== 'number' || !Number.isInteger(parsed.p) || parsed.p < 0) return undefined;
      if (parsed.f !== fingerprint) return undefined;
      return parsed.p;
    } catch {
      return undefined;
    }
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url').slice(0, 22);
  }
}

/** A short stable digest of the parts of a request that define the result set. */
export function fingerprint(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}
