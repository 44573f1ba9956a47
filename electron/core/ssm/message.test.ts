import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeMessage, encodeMessage, MessageType, newMessageId, PayloadType, type ClientMessage } from './message';

function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function sha256Bytes(b: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(b).digest());
}

function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

// Fact sheet §3.5, typed in from the hex dump.
const WORKED_EXAMPLE = hex(`
  00 00 00 74 69 6e 70 75 74 5f 73 74 72 65 61 6d
  5f 64 61 74 61 20 20 20 20 20 20 20 20 20 20 20
  20 20 20 20 00 00 00 01 00 00 01 8b cf e5 68 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  a5 08 b5 f0 73 f3 1b 16 dd 01 e5 6b ff 48 48 3e
  1d 88 7c e0 f8 67 2e 49 14 d9 00 0e 80 1c d7 4e
  cd 80 5d d9 36 6c 0b c4 2d c1 6a dc 01 97 dc 2f
  00 00 00 01 00 00 00 03 6c 73 0d`);

const EXAMPLE_MESSAGE: ClientMessage = {
  messageType: 'input_stream_data',
  schemaVersion: 1,
  createdDate: 1700000000000,
  sequenceNumber: 0,
  flags: 0,
  messageId: 'dd01e56b-ff48-483e-a508-b5f073f31b16',
  payloadType: 1,
  payload: new Uint8Array([0x6c, 0x73, 0x0d]),
};

const ACK_PAYLOAD =
  '{"AcknowledgedMessageType":"input_stream_data","AcknowledgedMessageId":"dd01e56b-ff48-483e-a508-b5f073f31b16",' +
  '"AcknowledgedMessageSequenceNumber":0,"IsSequentialMessage":true}';

/** Builds a header by hand, field by field, without the codec. */
function handFrame(f: {
  headerLength?: number;
  type: string | Uint8Array;
  schema?: number;
  created?: bigint;
  seq?: bigint;
  flags?: bigint;
  idWire?: Uint8Array;
  digest?: Uint8Array;
  payloadType?: number;
  payloadLength?: number;
  payload?: Uint8Array;
}): Uint8Array {
  const payload = f.payload ?? new Uint8Array(0);
  const hl = f.headerLength ?? 116;
  const buf = new Uint8Array(hl + 4 + payload.length);
  const dv = new DataView(buf.buffer);
  dv.setUint32(0, hl);
  const typeBytes = typeof f.type === 'string' ? new TextEncoder().encode(f.type.padEnd(32, ' ')) : f.type;
  buf.set(typeBytes.subarray(0, 32), 4);
  dv.setUint32(36, f.schema ?? 1);
  dv.setBigUint64(40, f.created ?? 1700000000000n);
  dv.setBigInt64(48, f.seq ?? 0n);
  dv.setBigUint64(56, f.flags ?? 0n);
  buf.set(f.idWire ?? new Uint8Array(16), 64);
  buf.set(f.digest ?? sha256Bytes(payload), 80);
  dv.setUint32(112, f.payloadType ?? 0);
  dv.setUint32(hl, f.payloadLength ?? payload.length);
  buf.set(payload, hl + 4);
  return buf;
}

describe('PayloadType and MessageType', () => {
  it('match the fact sheet tables (§3.3, §4.1)', () => {
    expect(PayloadType).toEqual({
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
    });
    expect(Object.values(MessageType).sort()).toEqual(
      [
        'acknowledge',
        'channel_closed',
        'input_stream_data',
        'output_stream_data',
        'pause_publication',
        'start_publication',
      ].sort(),
    );
  });
});

describe('encodeMessage', () => {
  it('produces the worked example of §3.5 byte for byte', () => {
    const bytes = encodeMessage(EXAMPLE_MESSAGE);
    expect(bytes.length).toBe(123);
    expect(toHex(bytes)).toBe(toHex(WORKED_EXAMPLE));
  });

  it('writes the message id with its halves swapped (§3.2 example)', () => {
    const bytes = encodeMessage(EXAMPLE_MESSAGE);
    expect(toHex(bytes.subarray(64, 80))).toBe('a508b5f073f31b16dd01e56bff48483e');
  });

  it('produces the 295-byte ack of §3.5 with flags 3 and payload type 0', () => {
    const payload = new TextEncoder().encode(ACK_PAYLOAD);
    expect(payload.length).toBe(175);
    const bytes = encodeMessage({
      messageType: 'acknowledge',
      schemaVersion: 1,
      createdDate: 1700000000000,
      sequenceNumber: 0,
      flags: 3,
      messageId: '00000000-0000-4000-8000-000000000001',
      payloadType: 0,
      payload,
    });
    expect(bytes.length).toBe(295);
    expect(new TextDecoder().decode(bytes.subarray(4, 36))).toBe('acknowledge' + ' '.repeat(21));
    expect(toHex(bytes.subarray(56, 64))).toBe('0000000000000003');
    expect(toHex(bytes.subarray(112, 120))).toBe('00000000000000af');
    expect(toHex(bytes.subarray(80, 112))).toBe(toHex(sha256Bytes(payload)));
  });

  it('fills the SHA-256 of the empty payload for empty messages', () => {
    const bytes = encodeMessage({ ...EXAMPLE_MESSAGE, payload: new Uint8Array(0) });
    expect(toHex(bytes.subarray(80, 112))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(bytes.length).toBe(120);
  });

  it('writes the TerminateSession flag payload as 00 00 00 02 with payload type 10', () => {
    const bytes = encodeMessage({
      ...EXAMPLE_MESSAGE,
      payloadType: PayloadType.Flag,
      payload: new Uint8Array([0, 0, 0, 2]),
    });
    expect(toHex(bytes.subarray(112))).toBe('0000000a' + '00000004' + '00000002');
  });

  it('refuses a type longer than 32 bytes and a malformed id', () => {
    expect(() => encodeMessage({ ...EXAMPLE_MESSAGE, messageType: 'x'.repeat(33) })).toThrow(TypeError);
    expect(() => encodeMessage({ ...EXAMPLE_MESSAGE, messageId: 'not-a-uuid' })).toThrow(TypeError);
    expect(() => encodeMessage({ ...EXAMPLE_MESSAGE, sequenceNumber: 1.5 })).toThrow(RangeError);
  });

  it('encodes large sequence numbers and dates big-endian', () => {
    const bytes = encodeMessage({ ...EXAMPLE_MESSAGE, sequenceNumber: 0x0102030405, createdDate: 0x0a0b0c0d0e0f });
    expect(toHex(bytes.subarray(48, 56))).toBe('0000000102030405');
    expect(toHex(bytes.subarray(40, 48))).toBe('00000a0b0c0d0e0f');
  });
});

describe('decodeMessage', () => {
  it('decodes the worked example of §3.5', () => {
    const r = decodeMessage(WORKED_EXAMPLE);
    expect(r).toEqual({ ok: true, message: EXAMPLE_MESSAGE });
  });

  it('turns the swapped id back into the canonical lowercase form', () => {
    const idWire = hex('a5 08 b5 f0 73 f3 1b 16 dd 01 e5 6b ff 48 48 3e');
    const r = decodeMessage(
      handFrame({ type: 'acknowledge', idWire, flags: 3n, payload: new Uint8Array([0x7b, 0x7d]) }),
    );
    expect(r.ok && r.message.messageId).toBe('dd01e56b-ff48-483e-a508-b5f073f31b16');
  });

  it('accepts a type padded with NULs or spaces, like the Go reader', () => {
    const nulPadded = new Uint8Array(32);
    nulPadded.set(new TextEncoder().encode('output_stream_data'));
    const r1 = decodeMessage(handFrame({ type: nulPadded, payloadType: 1, payload: new Uint8Array([0x41]) }));
    expect(r1.ok && r1.message.messageType).toBe('output_stream_data');
    const mixed = new TextEncoder().encode('output_stream_data' + ' '.repeat(10) + '\0\0\0\0');
    const r2 = decodeMessage(handFrame({ type: mixed, payloadType: 1, payload: new Uint8Array([0x41]) }));
    expect(r2.ok && r2.message.messageType).toBe('output_stream_data');
  });

  it('takes the payload as everything after HeaderLength + 4, ignoring PayloadLength', () => {
    const payload = new TextEncoder().encode('héllo');
    const r = decodeMessage(handFrame({ type: 'output_stream_data', payloadType: 1, payload, payloadLength: 2 }));
    expect(r.ok && new TextDecoder().decode(r.message.payload)).toBe('héllo');
  });

  it('honours a HeaderLength larger than 116 (payload starts after it)', () => {
    const payload = new Uint8Array([1, 2, 3]);
    const r = decodeMessage(handFrame({ headerLength: 124, type: 'output_stream_data', payloadType: 1, payload }));
    expect(r.ok && Array.from(r.message.payload)).toEqual([1, 2, 3]);
  });

  it('skips the digest check when payload and PayloadLength are both empty', () => {
    const r = decodeMessage(handFrame({ type: 'acknowledge', digest: new Uint8Array(32) }));
    expect(r.ok).toBe(true);
  });

  it('checks the digest when PayloadLength is zero but bytes follow', () => {
    const r = decodeMessage(
      handFrame({
        type: 'output_stream_data',
        payload: new Uint8Array([9]),
        payloadLength: 0,
        digest: new Uint8Array(32),
      }),
    );
    expect(r).toMatchObject({ ok: false, error: { kind: 'bad-digest' } });
  });

  it('lets start/pause_publication through without validation, as the plugin does', () => {
    for (const type of ['start_publication', 'pause_publication']) {
      const r = decodeMessage(
        handFrame({ type, created: 0n, digest: new Uint8Array(32), payload: new Uint8Array([1]) }),
      );
      expect(r.ok && r.message.messageType).toBe(type);
    }
  });

  it.each([
    ['empty frame', new Uint8Array(0), 'truncated'],
    ['119 bytes', new Uint8Array(119), 'truncated'],
    ['HeaderLength 0', handFrame({ type: 'output_stream_data', headerLength: 116 }).fill(0, 0, 4), 'bad-header-length'],
    [
      'HeaderLength past the frame',
      (() => {
        const f = handFrame({ type: 'output_stream_data' });
        new DataView(f.buffer).setUint32(0, 200);
        return f;
      })(),
      'bad-header-length',
    ],
    ['empty type', handFrame({ type: ' '.repeat(32) }), 'bad-field'],
    ['non-ASCII type', handFrame({ type: new Uint8Array(32).fill(0xc3) }), 'bad-field'],
    [
      'unknown type',
      handFrame({ type: 'agent_session_state', flags: 3n, payload: new Uint8Array([0x7b, 0x7d]) }),
      'unknown-type',
    ],
    [
      'CreatedDate 0',
      handFrame({ type: 'output_stream_data', created: 0n, payload: new Uint8Array([1]) }),
      'bad-field',
    ],
    [
      'seq beyond 2^53',
      handFrame({ type: 'output_stream_data', seq: 1n << 60n, payload: new Uint8Array([1]) }),
      'bad-field',
    ],
    [
      'bad digest',
      handFrame({ type: 'output_stream_data', payload: new Uint8Array([1]), digest: new Uint8Array(32) }),
      'bad-digest',
    ],
  ])('refuses %s with a typed error', (_name, frame, kind) => {
    const r = decodeMessage(frame);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.kind).toBe(kind);
      expect(r.error.detail.length).toBeGreaterThan(0);
    }
  });

  it('refuses frames above maxFrameBytes before parsing', () => {
    const frame = encodeMessage({ ...EXAMPLE_MESSAGE, payload: new Uint8Array(2000) });
    expect(decodeMessage(frame, { maxFrameBytes: 1024 })).toMatchObject({ ok: false, error: { kind: 'oversized' } });
    expect(decodeMessage(frame, { maxFrameBytes: 4096 }).ok).toBe(true);
  });

  it('accepts a bad digest when checkDigest is false', () => {
    const frame = encodeMessage(EXAMPLE_MESSAGE);
    frame[90] = frame[90]! ^ 0xff;
    expect(decodeMessage(frame).ok).toBe(false);
    expect(decodeMessage(frame, { checkDigest: false }).ok).toBe(true);
  });

  it('reads from a subarray of a larger buffer (byteOffset != 0)', () => {
    const inner = encodeMessage(EXAMPLE_MESSAGE);
    const outer = new Uint8Array(inner.length + 10);
    outer.set(inner, 5);
    expect(decodeMessage(outer.subarray(5, 5 + inner.length))).toEqual({ ok: true, message: EXAMPLE_MESSAGE });
  });
});

const messageArb: fc.Arbitrary<ClientMessage> = fc.record({
  messageType: fc.constantFrom(...Object.values(MessageType)),
  schemaVersion: fc.integer({ min: 0, max: 0xffffffff }),
  createdDate: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  sequenceNumber: fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  flags: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  messageId: fc.uuid().map((u) => u.toLowerCase()),
  payloadType: fc.integer({ min: 0, max: 0xffffffff }),
  payload: fc.uint8Array({ maxLength: 2048 }),
});

describe('round trip (property)', () => {
  it('decode(encode(m)) == m', () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const r = decodeMessage(encodeMessage(m));
        expect(r).toEqual({ ok: true, message: m });
      }),
      { numRuns: 2000 },
    );
  });

  it('encode(decode(frame)) == frame for frames the encoder made', () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const frame = encodeMessage(m);
        const r = decodeMessage(frame);
        if (!r.ok) throw new Error(r.error.detail);
        expect(toHex(encodeMessage(r.message))).toBe(toHex(frame));
      }),
      { numRuns: 1000 },
    );
  });

  it('newMessageId gives distinct canonical ids that survive the wire', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const id = newMessageId();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      ids.add(id);
      const r = decodeMessage(encodeMessage({ ...EXAMPLE_MESSAGE, messageId: id }));
      expect(r.ok && r.message.messageId).toBe(id);
    }
    expect(ids.size).toBe(1000);
  });
});

describe('fuzz: the decoder never throws', () => {
  function xorshift(seed: number): () => number {
    let x = seed >>> 0 || 1;
    return () => {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      return x;
    };
  }

  it('survives 120,000 random and mutated frames, and each failure is typed', () => {
    const rnd = xorshift(0xc0ffee);
    const base = [
      WORKED_EXAMPLE,
      encodeMessage({
        ...EXAMPLE_MESSAGE,
        messageType: 'acknowledge',
        flags: 3,
        payload: new TextEncoder().encode(ACK_PAYLOAD),
      }),
      encodeMessage({ ...EXAMPLE_MESSAGE, messageType: 'channel_closed', payload: new Uint8Array(0) }),
      encodeMessage({ ...EXAMPLE_MESSAGE, messageType: 'pause_publication', payload: new Uint8Array(0) }),
    ];
    const kinds = new Set(['truncated', 'oversized', 'bad-header-length', 'bad-digest', 'unknown-type', 'bad-field']);
    let ok = 0;
    let failed = 0;
    for (let i = 0; i < 120_000; i++) {
      let frame: Uint8Array;
      const mode = i % 4;
      if (mode === 0) {
        frame = new Uint8Array(rnd() % 400);
        for (let j = 0; j < frame.length; j++) frame[j] = rnd() & 0xff;
        if (frame.length >= 4 && rnd() % 2 === 0) new DataView(frame.buffer).setUint32(0, 116);
      } else {
        const src = base[rnd() % base.length]!;
        frame = src.slice();
        const flips = 1 + (rnd() % 6);
        for (let k = 0; k < flips; k++) frame[rnd() % frame.length] = rnd() & 0xff;
        if (mode === 2) frame = frame.subarray(0, rnd() % (frame.length + 1));
        if (mode === 3) {
          const extra = new Uint8Array(rnd() % 64);
          const joined = new Uint8Array(frame.length + extra.length);
          joined.set(frame);
          joined.set(extra, frame.length);
          frame = joined;
        }
      }
      const r = decodeMessage(frame, { maxFrameBytes: 300 });
      if (r.ok) {
        ok++;
        expect(r.message.payload).toBeInstanceOf(Uint8Array);
      } else {
        failed++;
        if (!kinds.has(r.error.kind)) throw new Error(`untyped failure ${r.error.kind}`);
      }
    }
    expect(ok + failed).toBe(120_000);
    expect(failed).toBeGreaterThan(10_000);
    expect(ok).toBeGreaterThan(100);
  });
});
