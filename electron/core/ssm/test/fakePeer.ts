/**
 * Test double: a tiny websocket server that speaks the agent/MGS side of the data channel from the fact sheet
 * (§2.2, §3, §4, §5 agent column), with knobs to lose acks, reorder, duplicate and drop connections.
 * Used only by unit tests of the client; the real emulator lives in emulator/.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeMessage, encodeMessage, MessageType, newMessageId, type ClientMessage } from '../message';

export interface OpenRequest {
  MessageSchemaVersion: string;
  RequestId: string;
  TokenValue: string;
  ClientId: string;
  ClientVersion: string;
}

export interface PeerOptions {
  /** Tokens accepted in OpenDataChannelInput; others get the socket closed (1008). Default: any. */
  acceptToken?: (token: string) => boolean;
  /** Return false to "lose" the ack for this incoming message (it is still processed). */
  ackIncoming?: (m: ClientMessage) => boolean;
  /** Resend unacked output like the agent (oldest only, per 100 ms tick after 200 ms). Default true. */
  resend?: boolean;
  autoPong?: boolean;
}

export class FakePeer {
  private readonly wss: WebSocketServer;
  url = '';
  readonly opens: OpenRequest[] = [];
  /** Every frame received, decoded (acks included), in arrival order. */
  readonly frames: ClientMessage[] = [];
  /** Incoming stream messages delivered in order (agent semantics: re-ack duplicates, buffer out-of-order). */
  readonly delivered: ClientMessage[] = [];
  readonly pings: string[] = [];
  /** Acks received for our output, by sequence number. */
  readonly acksReceived: number[] = [];
  socket: WebSocket | undefined;
  private expected = 0;
  private readonly held = new Map<number, ClientMessage>();
  private outSeq = 0;
  private readonly unacked = new Map<number, { frame: Uint8Array; lastSent: number }>();
  private readonly timer: ReturnType<typeof setInterval>;
  private waiters: (() => void)[] = [];

  constructor(private readonly options: PeerOptions = {}) {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: options.autoPong ?? true });
    this.wss.on('connection', (ws) => this.onConnection(ws));
    this.timer = setInterval(() => this.resendTick(), 100);
  }

  async listening(): Promise<this> {
    await new Promise<void>((resolve) => {
      if (this.wss.address()) resolve();
      else this.wss.once('listening', () => resolve());
    });
    const port = (this.wss.address() as AddressInfo).port;
    this.url = `ws://127.0.0.1:${port}/v1/data-channel/sess-1?role=publish_subscribe`;
    return this;
  }

  private onConnection(ws: WebSocket): void {
    let opened = false;
    ws.on('ping', (data) => {
      this.pings.push(data.toString());
      this.notify();
    });
    ws.on('message', (data, isBinary) => {
      const buf = data as Buffer;
      if (!opened) {
        if (isBinary) return ws.close(1008, 'expected OpenDataChannelInput');
        const req = JSON.parse(buf.toString()) as OpenRequest;
        this.opens.push(req);
        if (this.options.acceptToken && !this.options.acceptToken(req.TokenValue)) {
          ws.close(1008, 'invalid token');
          this.notify();
          return;
        }
        opened = true;
        this.socket = ws;
        this.notify();
        return;
      }
      const r = decodeMessage(new Uint8Array(buf));
      if (!r.ok) return;
      this.frames.push(r.message);
      this.onMessage(r.message);
      this.notify();
    });
    ws.on('close', () => {
      if (this.socket === ws) this.socket = undefined;
      this.notify();
    });
  }

  private onMessage(m: ClientMessage): void {
    if (m.messageType === MessageType.Acknowledge) {
      const seq = (JSON.parse(new TextDecoder().decode(m.payload)) as { AcknowledgedMessageSequenceNumber: number })
        .AcknowledgedMessageSequenceNumber;
      this.acksReceived.push(seq);
      this.unacked.delete(seq);
      return;
    }
    if (m.messageType !== MessageType.InputStreamData) return;
    const ack = () => {
      if (this.options.ackIncoming?.(m) ?? true) this.ack(m);
    };
    if (m.sequenceNumber < this.expected) return ack();
    if (m.sequenceNumber > this.expected) {
      this.held.set(m.sequenceNumber, m);
      return ack();
    }
    this.delivered.push(m);
    this.expected++;
    ack();
    for (let next = this.held.get(this.expected); next; next = this.held.get(this.expected)) {
      this.held.delete(this.expected);
      this.delivered.push(next);
      this.expected++;
    }
  }

  ack(m: ClientMessage): void {
    const payload = new TextEncoder().encode(
      JSON.stringify({
        AcknowledgedMessageType: m.messageType,
        AcknowledgedMessageId: m.messageId,
        AcknowledgedMessageSequenceNumber: m.sequenceNumber,
        IsSequentialMessage: true,
      }),
    );
    this.sendRaw(this.frame(MessageType.Acknowledge, 0, 3, 0, payload));
  }

  frame(type: string, seq: number, flags: number, payloadType: number, payload: Uint8Array): Uint8Array {
    return encodeMessage({
      messageType: type,
      schemaVersion: 1,
      createdDate: Date.now(),
      sequenceNumber: seq,
      flags,
      messageId: newMessageId(),
      payloadType,
      payload,
    });
  }

  /** Builds the next output message (consumes a sequence number) without sending it. */
  nextOutput(payloadType: number, payload: Uint8Array | string): Uint8Array {
    const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
    const seq = this.outSeq++;
    const frame = this.frame(MessageType.OutputStreamData, seq, seq === 0 ? 1 : 0, payloadType, bytes);
    this.unacked.set(seq, { frame, lastSent: Date.now() });
    return frame;
  }

  sendOutput(payloadType: number, payload: Uint8Array | string): void {
    this.sendRaw(this.nextOutput(payloadType, payload));
  }

  sendRaw(frame: Uint8Array | string): void {
    this.socket?.send(frame);
  }

  sendChannelClosed(output: string): void {
    const payload = new TextEncoder().encode(
      JSON.stringify({
        MessageId: newMessageId(),
        CreatedDate: new Date().toISOString(),
        DestinationId: 'i-0123456789abcdef0',
        SessionId: 'sess-1',
        MessageType: 'channel_closed',
        SchemaVersion: 1,
        Output: output,
      }),
    );
    this.sendRaw(this.frame(MessageType.ChannelClosed, 0, 3, 0, payload));
  }

  sendControl(type: 'pause_publication' | 'start_publication'): void {
    this.sendRaw(this.frame(type, 0, 3, 0, new Uint8Array(0)));
  }

  /** Drops the current connection abruptly (no close frame). */
  dropConnection(): void {
    this.socket?.terminate();
    this.socket = undefined;
  }

  private resendTick(): void {
    if ((this.options.resend ?? true) === false || !this.socket) return;
    const first = this.unacked.entries().next();
    if (first.done) return;
    const [, entry] = first.value;
    if (Date.now() - entry.lastSent > 200) {
      entry.lastSent = Date.now();
      this.sendRaw(entry.frame);
    }
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when `cond` holds (checked after every event), or rejects after `ms`. */
  async until(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 20);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  deliveredText(): string {
    return Buffer.concat(this.delivered.map((m) => Buffer.from(m.payload))).toString('utf8');
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
