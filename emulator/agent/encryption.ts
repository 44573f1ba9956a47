/**
 * The agent's side of KMS session encryption (fact sheet §6.6): AES-256-GCM, 12-byte nonce, 16-byte tag, no
 * associated data; wire format nonce ‖ ciphertext ‖ tag. Of the 64-byte data key, bytes 0–31 are the agent's
 * encryption key (agent -> client) and bytes 32–63 its decryption key (client -> agent), the mirror image of
 * the client. The agent's nonce is a 96-bit counter (three little-endian uint32 words), randomly initialised
 * and incremented with carry per message.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export class AgentCipher {
  private readonly encryptionKey: Buffer;
  private readonly decryptionKey: Buffer;
  private readonly nonce: Uint32Array;

  constructor(dataKey: Uint8Array) {
    if (dataKey.length !== 64) throw new RangeError(`the session data key must be 64 bytes, got ${dataKey.length}`);
    this.encryptionKey = Buffer.from(dataKey.subarray(0, 32));
    this.decryptionKey = Buffer.from(dataKey.subarray(32, 64));
    const seed = randomBytes(NONCE_BYTES);
    this.nonce = new Uint32Array([seed.readUInt32LE(0), seed.readUInt32LE(4), seed.readUInt32LE(8)]);
  }

  encrypt(plaintext: Uint8Array): Uint8Array {
    const nonce = this.nextNonce();
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, nonce);
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([nonce, body, cipher.getAuthTag()]);
  }

  /** Throws when the payload is too short or fails authentication. */
  decrypt(payload: Uint8Array): Uint8Array {
    if (payload.length < NONCE_BYTES + TAG_BYTES) throw new Error('encrypted payload too short');
    const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    const decipher = createDecipheriv('aes-256-gcm', this.decryptionKey, buf.subarray(0, NONCE_BYTES));
    decipher.setAuthTag(buf.subarray(buf.length - TAG_BYTES));
    return Buffer.concat([decipher.update(buf.subarray(NONCE_BYTES, buf.length - TAG_BYTES)), decipher.final()]);
  }

  private nextNonce(): Buffer {
    const out = Buffer.alloc(NONCE_BYTES);
    out.writeUInt32LE(this.nonce[0]!, 0);
    out.writeUInt32LE(this.nonce[1]!, 4);
    out.writeUInt32LE(this.nonce[2]!, 8);
    // Increment with carry (Uint32Array wraps at 2^32).
    for (let i = 0; i < 3; i++) {
      this.nonce[i] = this.nonce[i]! + 1;
      if (this.nonce[i] !== 0) break;
    }
    return out;
  }
}
