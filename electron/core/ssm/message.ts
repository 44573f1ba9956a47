/**
 * The SSM data-channel ClientMessage codec (fact sheet §3).
 *
 * Wire layout (all integers big-endian):
 *   0 HeaderLength u32 (116) | 4 MessageType 32 bytes ASCII, space padded | 36 SchemaVersion u32
 *   40 CreatedDate u64 (epoch ms) | 48 SequenceNumber i64 | 56 Flags u64
 *   64 MessageId 16 bytes, the two 8-byte halves swapped | 80 SHA-256(payload) 32 bytes
 *   112 PayloadType u32 | 116 PayloadLength u32 | 120 payload
 *
 * Shared by the client (electron/core/ssm) and the emulator's agent side. Decoding never throws.
 */
import { createHash, randomUUID } from 'node:crypto';

export const MessageType = {
  InputStreamData: 'input_stream_data',
  OutputStreamData: 'output_stream_data',
  Acknowledge: 'acknowledge',
  ChannelClosed: 'channel_closed',
  StartPublication: 'start_publication',
  PausePublication: 'pause_publication',
} as const;

export type KnownMessageType = (typeof MessageType)[keyof typeof MessageType];

export const PayloadType = {
  Output: 1,
  Error: 2,
  Size: 3,
  Parameter: 4,
  HandshakeRequest: 5,
  HandshakeResponse: 6,
  HandshakeComplete: 7,
  EncChallengeRequest: 8,
  EncChallengeResponse: 9,
  Flag: 10,
  StdErr: 11,
  ExitCode: 12,
} as const;

/** Flag bits of the header (§3.4). Nobody checks them on receipt. */
export const MessageFlags = { Syn: 1, Fin: 2 } as const;

export interface ClientMessage {
  messageType: string;
  schemaVersion: number;
  /** Unix epoch milliseconds. */
  createdDate: number;
  sequenceNumber: number;
  flags: number;
  /** Canonical lowercase hyphenated UUID, un-swapped (as it appears in ack JSON). */
  messageId: string;
  payloadType: number;
  payload: Uint8Array;
}

export type DecodeError = {
  kind: 'truncated' | 'oversized' | 'bad-header-length' | 'bad-digest' | 'unknown-type' | 'bad-field';
  detail: string;
};

export type DecodeResult = { ok: true; message: ClientMessage } | { ok: false; error: DecodeError };

export interface DecodeOptions {
  /** Frames longer than this are refused (`oversized`). Default {@link DEFAULT_MAX_FRAME_BYTES}. */
  maxFrameBytes?: number;
  /** Verify the SHA-256 payload digest (default true). */
  checkDigest?: boolean;
}

export const HEADER_LENGTH = 116;
export const HEADER_BYTES = 120;
export const MESSAGE_TYPE_BYTES = 32;
/** Real payloads are at most ~1 KiB (+28 with encryption); 1 MiB leaves room and still bounds memory. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

const KNOWN_TYPES: ReadonlySet<string> = new Set(Object.values(MessageType));
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMPTY_DIGEST = sha256(new Uint8Array(0));

export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

/** A fresh random message id (UUIDv4, lowercase, hyphenated). */
export function newMessageId(): string {
  return randomUUID();
}

function assertUint(name: string, v: number, max: number): void {
  if (!Number.isSafeInteger(v) || v < 0 || v > max) throw new RangeError(`ClientMessage.${name} out of range: ${v}`);
}

/**
 * Serializes a message: 120-byte header + payload, digest computed here.
 * Throws (RangeError/TypeError) only on programming errors: a type longer than 32 ASCII bytes, a malformed
 * message id, or numbers out of their field's range.
 */
export function encodeMessage(m: ClientMessage): Uint8Array {
  const type = m.messageType;
  if (type.length === 0 || type.length > MESSAGE_TYPE_BYTES || !/^[\x21-\x7e]+$/.test(type)) {
    throw new TypeError(`ClientMessage.messageType must be 1-32 printable ASCII characters: ${JSON.stringify(type)}`);
  }
  if (!UUID_RE.test(m.messageId)) throw new TypeError(`ClientMessage.messageId is not a UUID: ${m.messageId}`);
  assertUint('schemaVersion', m.schemaVersion, 0xffffffff);
  assertUint('createdDate', m.createdDate, Number.MAX_SAFE_INTEGER);
  if (!Number.isSafeInteger(m.sequenceNumber))
    throw new RangeError(`ClientMessage.sequenceNumber: ${m.sequenceNumber}`);
  assertUint('flags', m.flags, Number.MAX_SAFE_INTEGER);
  assertUint('payloadType', m.payloadType, 0xffffffff);

  const payload = m.payload;
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, HEADER_LENGTH);
  out.fill(0x20, 4, 4 + MESSAGE_TYPE_BYTES);
  for (let i = 0; i < type.length; i++) out[4 + i] = type.charCodeAt(i);
  view.setUint32(36, m.schemaVersion);
  view.setBigUint64(40, BigInt(m.createdDate));
  view.setBigInt64(48, BigInt(m.sequenceNumber));
  view.setBigUint64(56, BigInt(m.flags));
  const id = uuidToBytes(m.messageId);
  out.set(id.subarray(8, 16), 64);
  out.set(id.subarray(0, 8), 72);
  out.set(payload.length === 0 ? EMPTY_DIGEST : sha256(payload), 80);
  view.setUint32(112, m.payloadType);
  view.setUint32(116, payload.length);
  out.set(payload, HEADER_BYTES);
  return out;
}

/**
 * Parses one frame. Never throws: every defect is a typed error and the caller drops the frame.
 *
 * Follows the real readers (§3.2): the payload is everything from HeaderLength + 4 to the end of the frame
 * (PayloadLength is not used to slice); the type has trailing NULs and surrounding whitespace stripped;
 * `start_publication`/`pause_publication` skip validation; otherwise CreatedDate 0 or an empty type is
 * refused, and the digest is checked unless both the payload and PayloadLength are empty.
 * Stricter than the Go readers where they would crash or misparse: frames under 120 bytes (`truncated`),
 * HeaderLength below 116 or past the frame (`bad-header-length`), integers beyond 2^53 (`bad-field`),
 * and any MessageType this protocol does not define (`unknown-type`, which the real readers log and ignore).
 */
export function decodeMessage(frame: Uint8Array, options?: DecodeOptions): DecodeResult {
  try {
    return decodeUnchecked(frame, options);
  } catch (e) {
    // Defensive: nothing above should throw, but a decoder bug must not crash a channel.
    return fail('bad-field', `decoder error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function fail(kind: DecodeError['kind'], detail: string): DecodeResult {
  return { ok: false, error: { kind, detail } };
}

function decodeUnchecked(frame: Uint8Array, options?: DecodeOptions): DecodeResult {
  const max = options?.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  if (frame.length > max) return fail('oversized', `frame of ${frame.length} bytes exceeds the ${max}-byte limit`);
  if (frame.length < HEADER_BYTES)
    return fail('truncated', `frame of ${frame.length} bytes is shorter than the 120-byte header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const headerLength = view.getUint32(0);
  if (headerLength < HEADER_LENGTH || headerLength + 4 > frame.length) {
    return fail('bad-header-length', `HeaderLength ${headerLength} (expected 116, frame ${frame.length} bytes)`);
  }
  const messageType = readType(frame.subarray(4, 4 + MESSAGE_TYPE_BYTES));
  if (messageType === undefined) return fail('bad-field', 'MessageType is not printable ASCII');
  if (messageType === '') return fail('bad-field', 'MessageType is empty');
  if (!KNOWN_TYPES.has(messageType)) return fail('unknown-type', `unknown MessageType ${JSON.stringify(messageType)}`);

  const createdDate = view.getBigUint64(40);
  const sequenceNumber = view.getBigInt64(48);
  const flags = view.getBigUint64(56);
  if (createdDate > BigInt(Number.MAX_SAFE_INTEGER))
    return fail('bad-field', `CreatedDate ${createdDate} out of range`);
  if (sequenceNumber > BigInt(Number.MAX_SAFE_INTEGER) || sequenceNumber < BigInt(Number.MIN_SAFE_INTEGER)) {
    return fail('bad-field', `SequenceNumber ${sequenceNumber} out of range`);
  }
  if (flags > BigInt(Number.MAX_SAFE_INTEGER)) return fail('bad-field', `Flags ${flags} out of range`);

  const payloadLength = view.getUint32(headerLength);
  const payload = frame.slice(headerLength + 4);
  const publication = messageType === MessageType.StartPublication || messageType === MessageType.PausePublication;
  if (!publication) {
    if (createdDate === 0n) return fail('bad-field', 'CreatedDate is 0');
    if ((options?.checkDigest ?? true) && (payload.length !== 0 || payloadLength !== 0)) {
      if (!bytesEqual(sha256(payload), frame.subarray(80, 112))) {
        return fail('bad-digest', `payload digest mismatch (${payload.length} bytes, ${messageType})`);
      }
    }
  }

  const idBytes = new Uint8Array(16);
  idBytes.set(frame.subarray(72, 80), 0);
  idBytes.set(frame.subarray(64, 72), 8);
  return {
    ok: true,
    message: {
      messageType,
      schemaVersion: view.getUint32(36),
      createdDate: Number(createdDate),
      sequenceNumber: Number(sequenceNumber),
      flags: Number(flags),
      messageId: bytesToUuid(idBytes),
      payloadType: view.getUint32(112),
      payload,
    },
  };
}

/** Strips trailing NULs, then surrounding whitespace; undefined when a byte is not ASCII. */
function readType(bytes: Uint8Array): string | undefined {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  let s = '';
  for (let i = 0; i < end; i++) {
    const b = bytes[i]!;
    if (b > 0x7e || (b < 0x20 && !isSpace(b))) return undefined;
    s += String.fromCharCode(b);
  }
  return s.trim();
}

function isSpace(b: number): boolean {
  return b === 0x09 || b === 0x0a || b === 0x0b || b === 0x0c || b === 0x0d;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

function uuidToBytes(id: string): Uint8Array {
  const hex = id.replace(/-/g, '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function bytesToUuid(b: Uint8Array): string {
  let hex = '';
  for (const x of b) hex += x.toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
