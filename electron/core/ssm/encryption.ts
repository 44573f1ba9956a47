/**
 * KMS session encryption, client side (fact sheet §6.6).
 * GenerateDataKey(KeyId, 64 bytes, context {aws:ssm:SessionId, aws:ssm:TargetId}); bytes 0-31 decrypt what the
 * agent sends, bytes 32-63 encrypt what we send. AES-256-GCM, 12-byte random nonce, 16-byte tag, no AAD;
 * wire form nonce ‖ ciphertext ‖ tag.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';

export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const ENCRYPTION_OVERHEAD = NONCE_BYTES + TAG_BYTES;

export interface DataKey {
  /** 64 bytes. Never logged. */
  plaintext: Uint8Array;
  ciphertextBlob: Uint8Array;
}

/** Where data keys come from: KMS in production, a fake in unit tests. */
export interface DataKeySource {
  generateDataKey(keyId: string, context: Record<string, string>): Promise<DataKey>;
}

export function encryptionContext(sessionId: string, targetId: string): Record<string, string> {
  return { 'aws:ssm:SessionId': sessionId, 'aws:ssm:TargetId': targetId };
}

export function kmsDataKeySource(kms: Pick<KMSClient, 'send'>): DataKeySource {
  return {
    async generateDataKey(keyId, context) {
      const out = await kms.send(
        new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 64, EncryptionContext: context }),
      );
      if (!out.Plaintext || out.Plaintext.length !== 64 || !out.CiphertextBlob) {
        throw new Error(`KMS GenerateDataKey returned ${out.Plaintext?.length ?? 0} key bytes, expected 64`);
      }
      return { plaintext: out.Plaintext, ciphertextBlob: out.CiphertextBlob };
    },
  };
}

export class SessionCipher {
  private readonly decryptKey: Buffer;
  private readonly encryptKey: Buffer;

  constructor(dataKey: Uint8Array) {
    if (dataKey.length !== 64) throw new RangeError('the session data key must be 64 bytes');
    this.decryptKey = Buffer.from(dataKey.subarray(0, 32));
    this.encryptKey = Buffer.from(dataKey.subarray(32, 64));
  }

  encrypt(plain: Uint8Array): Uint8Array {
    return seal(this.encryptKey, plain);
  }

  /** Undefined when the payload is too short or fails authentication. */
  decrypt(sealed: Uint8Array): Uint8Array | undefined {
    return open(this.decryptKey, sealed);
  }
}

export function seal(key: Uint8Array, plain: Uint8Array, nonce: Uint8Array = randomBytes(NONCE_BYTES)): Uint8Array {
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return new Uint8Array(Buffer.concat([nonce, body, cipher.getAuthTag()]));
}

export function open(key: Uint8Array, sealed: Uint8Array): Uint8Array | undefined {
  if (sealed.length < ENCRYPTION_OVERHEAD) return undefined;
  try {
    const nonce = sealed.subarray(0, NONCE_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    const out = Buffer.concat([
      decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return new Uint8Array(out);
  } catch {
    return undefined;
  }
}
