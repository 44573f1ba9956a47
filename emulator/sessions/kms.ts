/**
 * An emulated AWS KMS, just enough for Session Manager encryption: `TrentService.GenerateDataKey` (AWS JSON 1.1)
 * for the client, and an in-process Decrypt for the agent side.
 *
 * Keys are symmetric keys known by key id, key ARN, alias name or alias ARN. A CiphertextBlob here is our own
 * opaque format (real KMS blobs are opaque too): the key ARN, then AES-256-GCM of the plaintext under a secret
 * derived from the key, with the encryption context as associated data, so Decrypt with another context fails
 * like KMS does (InvalidCiphertextException).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { AwsError } from '../aws/errors';

export interface KmsKeySpec {
  /** Key id (UUID). */
  keyId: string;
  region: string;
  accountId: string;
  aliases?: readonly string[];
  enabled?: boolean;
}

export interface KmsCallContext {
  region: string;
  accountId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAGIC = Buffer.from('PHK1', 'ascii');

export class EmulatedKms {
  private readonly secret: Buffer;
  /** key ARN -> spec */
  private readonly keys = new Map<string, KmsKeySpec>();
  /** alias ARN -> key ARN */
  private readonly aliases = new Map<string, string>();

  constructor(secret: Buffer = randomBytes(32)) {
    this.secret = secret;
  }

  static keyArn(region: string, accountId: string, keyId: string): string {
    return `arn:aws:kms:${region}:${accountId}:key/${keyId}`;
  }

  addKey(spec: KmsKeySpec): string {
    const arn = EmulatedKms.keyArn(spec.region, spec.accountId, spec.keyId);
    this.keys.set(arn, spec);
    for (const alias of spec.aliases ?? []) {
      const name = alias.startsWith('alias/') ? alias : `alias/${alias}`;
      this.aliases.set(`arn:aws:kms:${spec.region}:${spec.accountId}:${name}`, arn);
    }
    return arn;
  }

  /**
   * Makes sure a key referenced by a session preference exists (creating it with a fresh id when the reference
   * is an alias that does not exist yet) and returns its ARN.
   */
  ensureKey(reference: string, ctx: KmsCallContext): string {
    const found = this.tryResolve(reference, ctx);
    if (found) return found;
    if (reference.startsWith('alias/')) {
      return this.addKey({ keyId: randomUUID(), region: ctx.region, accountId: ctx.accountId, aliases: [reference] });
    }
    const arnMatch = /^arn:aws:kms:([^:]+):(\d{12}):(key|alias)\/(.+)$/.exec(reference);
    if (arnMatch) {
      const [, region, accountId, kind, rest] = arnMatch as unknown as [string, string, string, string, string];
      if (kind === 'key') return this.addKey({ keyId: rest, region, accountId });
      return this.addKey({ keyId: randomUUID(), region, accountId, aliases: [`alias/${rest}`] });
    }
    return this.addKey({ keyId: reference, region: ctx.region, accountId: ctx.accountId });
  }

  /** The key ARN for a KeyId in any of its four forms; undefined when unknown. */
  tryResolve(keyId: string, ctx: KmsCallContext): string | undefined {
    if (keyId.startsWith('arn:aws:kms:')) {
      if (keyId.includes(':key/')) return this.keys.has(keyId) ? keyId : undefined;
      return this.aliases.get(keyId);
    }
    if (keyId.startsWith('alias/')) return this.aliases.get(`arn:aws:kms:${ctx.region}:${ctx.accountId}:${keyId}`);
    const arn = EmulatedKms.keyArn(ctx.region, ctx.accountId, keyId);
    return this.keys.has(arn) ? arn : undefined;
  }

  private resolveOrThrow(keyId: string, ctx: KmsCallContext): string {
    const arn = this.tryResolve(keyId, ctx);
    if (arn) {
      if (this.keys.get(arn)?.enabled === false) throw new AwsError('DisabledException', `${arn} is disabled.`);
      return arn;
    }
    if (keyId.startsWith('alias/')) {
      throw new AwsError(
        'NotFoundException',
        `Alias arn:aws:kms:${ctx.region}:${ctx.accountId}:${keyId} is not found.`,
      );
    }
    if (keyId.startsWith('arn:aws:kms:') && keyId.includes(':alias/')) {
      throw new AwsError('NotFoundException', `Alias ${keyId} is not found.`);
    }
    if (keyId.startsWith('arn:aws:kms:') || UUID.test(keyId)) {
      const arnText = keyId.startsWith('arn:') ? keyId : EmulatedKms.keyArn(ctx.region, ctx.accountId, keyId);
      throw new AwsError('NotFoundException', `Key '${arnText}' does not exist`);
    }
    throw new AwsError('NotFoundException', `Invalid keyId '${keyId}'`);
  }

  /** `TrentService.GenerateDataKey`. */
  generateDataKey(input: unknown, ctx: KmsCallContext): Record<string, unknown> {
    const body = (input ?? {}) as Record<string, unknown>;
    const keyId = body.KeyId;
    if (keyId === undefined || keyId === null) {
      throw validation("Value null at 'keyId' failed to satisfy constraint: Member must not be null");
    }
    if (typeof keyId !== 'string' || keyId.length < 1 || keyId.length > 2048) {
      throw validation(
        "Value at 'keyId' failed to satisfy constraint: Member must have length between 1 and 2048 inclusive",
      );
    }
    const { KeySpec: keySpec, NumberOfBytes: numberOfBytes } = body;
    if (keySpec !== undefined && keySpec !== 'AES_256' && keySpec !== 'AES_128') {
      throw validation(
        `Value '${String(keySpec)}' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]`,
      );
    }
    if (numberOfBytes !== undefined) {
      if (typeof numberOfBytes !== 'number' || !Number.isInteger(numberOfBytes)) {
        throw new AwsError('SerializationException', 'NumberOfBytes must be an integer');
      }
      if (numberOfBytes < 1 || numberOfBytes > 1024) {
        throw validation(
          `Value '${numberOfBytes}' at 'numberOfBytes' failed to satisfy constraint: Member must have value ${
            numberOfBytes < 1 ? 'greater than or equal to 1' : 'less than or equal to 1024'
          }`,
        );
      }
    }
    if ((keySpec === undefined) === (numberOfBytes === undefined)) {
      throw new AwsError('ValidationException', 'Please specify either number of bytes or key spec.');
    }
    const context = readContext(body.EncryptionContext);
    const keyArn = this.resolveOrThrow(keyId, ctx);
    const length = typeof numberOfBytes === 'number' ? numberOfBytes : keySpec === 'AES_128' ? 16 : 32;
    const plaintext = randomBytes(length);
    return {
      CiphertextBlob: this.seal(keyArn, plaintext, context).toString('base64'),
      Plaintext: plaintext.toString('base64'),
      KeyId: keyArn,
    };
  }

  /** Decrypt as the agent calls it; throws AwsError like KMS when the blob or the context is wrong. */
  decrypt(blob: Uint8Array, context: Record<string, string>, keyId?: string): { plaintext: Buffer; keyArn: string } {
    const buf = Buffer.from(blob);
    const invalid = () => new AwsError('InvalidCiphertextException', '');
    if (buf.length < MAGIC.length + 2 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw invalid();
    const arnLength = buf.readUInt16BE(MAGIC.length);
    let offset = MAGIC.length + 2;
    const keyArn = buf.subarray(offset, offset + arnLength).toString('utf8');
    offset += arnLength;
    if (!this.keys.has(keyArn)) throw invalid();
    if (keyId !== undefined && keyId !== keyArn) {
      throw new AwsError(
        'IncorrectKeyException',
        'The key ID in the request does not identify a CMK that can perform this operation.',
      );
    }
    if (buf.length < offset + 12 + 16) throw invalid();
    const iv = buf.subarray(offset, offset + 12);
    const tag = buf.subarray(buf.length - 16);
    const decipher = createDecipheriv('aes-256-gcm', this.keyMaterial(keyArn), iv);
    decipher.setAAD(Buffer.from(canonicalContext(context), 'utf8'));
    decipher.setAuthTag(tag);
    try {
      const plaintext = Buffer.concat([decipher.update(buf.subarray(offset + 12, buf.length - 16)), decipher.final()]);
      return { plaintext, keyArn };
    } catch {
      throw invalid();
    }
  }

  private seal(keyArn: string, plaintext: Buffer, context: Record<string, string>): Buffer {
    const arn = Buffer.from(keyArn, 'utf8');
    const header = Buffer.alloc(MAGIC.length + 2);
    MAGIC.copy(header);
    header.writeUInt16BE(arn.length, MAGIC.length);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keyMaterial(keyArn), iv);
    cipher.setAAD(Buffer.from(canonicalContext(context), 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([header, arn, iv, body, cipher.getAuthTag()]);
  }

  private keyMaterial(keyArn: string): Buffer {
    return createHmac('sha256', this.secret).update(keyArn).digest();
  }
}

function validation(detail: string): AwsError {
  return new AwsError('ValidationException', `1 validation error detected: ${detail}`);
}

function readContext(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new AwsError('SerializationException', 'EncryptionContext must be a map');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v !== 'string') throw new AwsError('SerializationException', 'EncryptionContext values must be strings');
    out[k] = v;
  }
  return out;
}

function canonicalContext(context: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(context)
      .sort()
      .map((k) => [k, context[k]]),
  );
}
