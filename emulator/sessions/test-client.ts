/**
 * A minimal data-channel client for the emulator's own tests, written from the fact sheet's CLIENT column
 * (it shares only the codec with electron/core/ssm). It records every frame it receives so tests can assert
 * wire behaviour, acks what it should, re-acks duplicates, buffers out-of-order messages, answers the
 * handshake (with KMS through the emulator's GenerateDataKey), and resends unacked input.
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  decodeMessage,
  encodeMessage,
  MessageType,
  newMessageId,
  PayloadType,
  type ClientMessage,
} from '../../electron/core/ssm/message';

export interface ReceivedFrame {
  ok: boolean;
  message?: ClientMessage;
  error?: string;
  raw: Uint8Array;
}

export interface TestClientOptions {
  streamUrl: string;
  token: string;
  sessionId: string;
  target: string;
  endpoint: string;
  region?: string;
  clientVersion?: string;
}

export class TestDataChannelClient {
  readonly frames: ReceivedFrame[] = [];
  readonly stdout: Buffer[] = [];
  readonly stderr: Buffer[] = [];
  exitCode: string | undefined;
  closed: { Output?: string; SessionId?: string } | undefined;
  handshakeRequest: Record<string, unknown> | undefined;
  handshakeComplete: Record<string, unknown> | undefined;
  /** Sequence numbers in the order they were delivered to the application. */
  readonly delivered: number[] = [];
  badDigests = 0;
  duplicatesReceived = 0;
  socketCloses: { code: number; reason: string }[] = [];
  /** Flag payloads (PayloadType 10) received, as numbers (§7.7). */
  readonly flags: number[] = [];
  /** Port sessions: receives Output payloads instead of `stdout` (so MiBs are not kept). */
  onOutput: ((bytes: Buffer) => void) | undefined;

  private ws: WebSocket | undefined;
  private expected = 0;
  private readonly buffered = new Map<number, ClientMessage>();
  private nextSeq = 0;
  private readonly unacked = new Map<number, { frame: Uint8Array; sentAt: number }>();
  private resendTimer: ReturnType<typeof setInterval>;
  private decryptKey: Buffer | undefined;
  private encryptKey: Buffer | undefined;
  private pendingKeys: { decrypt: Buffer; encrypt: Buffer } | undefined;
  private readonly waiters = new Set<() => void>();
  private readonly clientId = randomUUID();

  constructor(private readonly options: TestClientOptions) {
    this.resendTimer = setInterval(() => this.resend(), 100);
  }

  /** Opens (or re-opens, with a new token) the websocket and sends OpenDataChannelInput. */
  connect(token = this.options.token): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.options.streamUrl);
      this.ws = ws;
      ws.on('open', () => {
        ws.send(
          JSON.stringify({
            MessageSchemaVersion: '1.0',
            RequestId: randomUUID(),
            TokenValue: token,
            ClientId: this.clientId,
            ClientVersion: this.options.clientVersion ?? '1.2.707.0',
          }),
        );
        resolve();
      });
      ws.on('error', reject);
      ws.on('message', (data: Buffer) => this.onFrame(new Uint8Array(data)));
      ws.on('close', (code, reason) => {
        this.socketCloses.push({ code, reason: reason.toString() });
        if (this.ws === ws) this.ws = undefined;
        this.notify();
      });
    });
  }

  get connected(): boolean {
    return this.ws !== undefined && this.ws.readyState === WebSocket.OPEN;
  }

  get stdoutText(): string {
    return Buffer.concat(this.stdout).toString('utf8');
  }

  get stderrText(): string {
    return Buffer.concat(this.stderr).toString('utf8');
  }

  /** Types text (one input_stream_data Output message per call, ≤ 1024 bytes each). */
  type(text: string | Uint8Array): void {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text);
    for (let i = 0; i < bytes.length; i += 1024) {
      let chunk: Buffer = bytes.subarray(i, i + 1024);
      if (this.encryptKey) chunk = encrypt(this.encryptKey, chunk);
      this.sendStream(PayloadType.Output, chunk);
    }
  }

  /** Sends a Flag (PayloadType 10, 4-byte big-endian value, §7.7). */
  sendFlag(flag: number): number {
    const payload = Buffer.alloc(4);
    payload.writeUInt32BE(flag, 0);
    return this.sendStream(PayloadType.Flag, payload);
  }

  resize(cols: number, rows: number): void {
    this.sendStream(PayloadType.Size, Buffer.from(JSON.stringify({ cols, rows })));
  }

  sendStream(payloadType: number, payload: Uint8Array): number {
    const seq = this.nextSeq++;
    const frame = encodeMessage({
      messageType: MessageType.InputStreamData,
      schemaVersion: 1,
      createdDate: Date.now(),
      sequenceNumber: seq,
      flags: 0,
      messageId: newMessageId(),
      payloadType,
      payload,
    });
    this.unacked.set(seq, { frame, sentAt: Date.now() });
    this.ws?.send(frame);
    return seq;
  }

  /** Resolves when `predicate` holds, re-checked on every frame; rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (predicate()) {
          cleanup();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`timed out waiting for ${what}; stdout so far: ${JSON.stringify(this.stdoutText.slice(-500))}`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  waitForText(text: string, timeoutMs = 10_000): Promise<void> {
    return this.waitFor(() => this.stdoutText.includes(text), timeoutMs, JSON.stringify(text));
  }

  waitForClosed(timeoutMs = 10_000): Promise<void> {
    return this.waitFor(() => this.closed !== undefined, timeoutMs, 'channel_closed');
  }

  waitForSocketClose(timeoutMs = 10_000): Promise<void> {
    return this.waitFor(() => this.ws === undefined, timeoutMs, 'socket close');
  }

  /** Drops the websocket from the client side (as a network failure would). */
  dropSocket(): void {
    this.ws?.terminate();
  }

  get unackedCount(): number {
    return this.unacked.size;
  }

  dispose(): void {
    clearInterval(this.resendTimer);
    this.ws?.terminate();
    this.ws = undefined;
    this.waiters.clear();
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  private resend(): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const first = this.unacked.entries().next();
    if (first.done) return;
    const [, entry] = first.value;
    if (Date.now() - entry.sentAt > 200) {
      entry.sentAt = Date.now();
      ws.send(entry.frame);
    }
  }

  private onFrame(raw: Uint8Array): void {
    const decoded = decodeMessage(raw);
    if (!decoded.ok) {
      if (decoded.error.kind === 'bad-digest') this.badDigests++;
      this.frames.push({ ok: false, error: `${decoded.error.kind}: ${decoded.error.detail}`, raw });
      this.notify();
      return;
    }
    const m = decoded.message;
    this.frames.push({ ok: true, message: m, raw });
    switch (m.messageType) {
      case MessageType.Acknowledge: {
        const ack = JSON.parse(Buffer.from(m.payload).toString('utf8')) as {
          AcknowledgedMessageSequenceNumber: number;
        };
        this.unacked.delete(ack.AcknowledgedMessageSequenceNumber);
        break;
      }
      case MessageType.ChannelClosed:
        this.closed = JSON.parse(Buffer.from(m.payload).toString('utf8')) as typeof this.closed;
        break;
      case MessageType.OutputStreamData:
        void this.onStream(m);
        break;
      default:
        break;
    }
    this.notify();
  }

  private async onStream(m: ClientMessage): Promise<void> {
    if (m.sequenceNumber < this.expected) {
      this.duplicatesReceived++;
      this.ack(m);
      return;
    }
    if (m.sequenceNumber > this.expected) {
      if (this.buffered.has(m.sequenceNumber)) this.duplicatesReceived++;
      this.buffered.set(m.sequenceNumber, m);
      this.ack(m);
      return;
    }
    this.ack(m);
    this.expected++;
    await this.process(m);
    for (;;) {
      const next = this.buffered.get(this.expected);
      if (!next) break;
      this.buffered.delete(this.expected);
      this.expected++;
      await this.process(next);
    }
    this.notify();
  }

  private ack(m: ClientMessage): void {
    const payload = Buffer.from(
      JSON.stringify({
        AcknowledgedMessageType: m.messageType,
        AcknowledgedMessageId: m.messageId,
        AcknowledgedMessageSequenceNumber: m.sequenceNumber,
        IsSequentialMessage: true,
      }),
    );
    this.ws?.send(
      encodeMessage({
        messageType: MessageType.Acknowledge,
        schemaVersion: 1,
        createdDate: Date.now(),
        sequenceNumber: 0,
        flags: 3,
        messageId: newMessageId(),
        payloadType: 0,
        payload,
      }),
    );
  }

  private async process(m: ClientMessage): Promise<void> {
    this.delivered.push(m.sequenceNumber);
    const text = () => Buffer.from(m.payload).toString('utf8');
    switch (m.payloadType) {
      case PayloadType.HandshakeRequest:
        await this.answerHandshake(JSON.parse(text()) as Record<string, unknown>);
        return;
      case PayloadType.EncChallengeRequest: {
        const keys = this.pendingKeys!;
        const challenge = Buffer.from((JSON.parse(text()) as { Challenge: string }).Challenge, 'base64');
        const plain = decrypt(keys.decrypt, challenge);
        this.sendStream(
          PayloadType.EncChallengeResponse,
          Buffer.from(JSON.stringify({ Challenge: encrypt(keys.encrypt, plain).toString('base64') })),
        );
        return;
      }
      case PayloadType.Flag:
        this.flags.push(Buffer.from(m.payload).readUInt32BE(0));
        return;
      case PayloadType.HandshakeComplete:
        this.handshakeComplete = JSON.parse(text()) as Record<string, unknown>;
        return;
      case PayloadType.Output:
      case PayloadType.StdErr:
      case PayloadType.ExitCode: {
        const body = this.decryptKey ? decrypt(this.decryptKey, m.payload) : Buffer.from(m.payload);
        if (m.payloadType === PayloadType.Output) {
          if (this.onOutput) this.onOutput(body);
          else this.stdout.push(body);
        } else if (m.payloadType === PayloadType.StdErr) this.stderr.push(body);
        else this.exitCode = body.toString('utf8');
        return;
      }
      default:
        return;
    }
  }

  private async answerHandshake(request: Record<string, unknown>): Promise<void> {
    this.handshakeRequest = request;
    const actions =
      (request.RequestedClientActions as { ActionType: string; ActionParameters: Record<string, unknown> }[]) ?? [];
    const processed: unknown[] = [];
    for (const action of actions) {
      if (action.ActionType === 'SessionType') {
        processed.push({ ActionType: 'SessionType', ActionStatus: 1, ActionResult: null, Error: '' });
      } else if (action.ActionType === 'KMSEncryption') {
        const kms = new KMSClient({
          region: this.options.region ?? 'us-east-1',
          endpoint: this.options.endpoint,
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        });
        try {
          const out = await kms.send(
            new GenerateDataKeyCommand({
              KeyId: action.ActionParameters.KMSKeyId as string,
              NumberOfBytes: 64,
              EncryptionContext: {
                'aws:ssm:SessionId': this.options.sessionId,
                'aws:ssm:TargetId': this.options.target,
              },
            }),
          );
          const plain = Buffer.from(out.Plaintext!);
          this.pendingKeys = { decrypt: plain.subarray(0, 32), encrypt: plain.subarray(32, 64) };
          processed.push({
            ActionType: 'KMSEncryption',
            ActionStatus: 1,
            ActionResult: {
              KMSCipherTextKey: Buffer.from(out.CiphertextBlob!).toString('base64'),
              KMSCipherTextHash: null,
            },
            Error: '',
          });
        } finally {
          kms.destroy();
        }
      }
    }
    this.sendStream(
      PayloadType.HandshakeResponse,
      Buffer.from(
        JSON.stringify({
          ClientVersion: this.options.clientVersion ?? '1.2.707.0',
          ProcessedClientActions: processed,
          Errors: null,
        }),
      ),
    );
    // The client switches encryption on right after building the response (§6.6).
    if (this.pendingKeys) {
      this.decryptKey = this.pendingKeys.decrypt;
      this.encryptKey = this.pendingKeys.encrypt;
    }
  }
}

function encrypt(key: Buffer, plain: Uint8Array): Buffer {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  const body = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([nonce, body, c.getAuthTag()]);
}

function decrypt(key: Buffer, payload: Uint8Array): Buffer {
  const buf = Buffer.from(payload);
  const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
  d.setAuthTag(buf.subarray(buf.length - 16));
  return Buffer.concat([d.update(buf.subarray(12, buf.length - 16)), d.final()]);
}
