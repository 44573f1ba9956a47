/**
 * Test double: the MGS + agent end of port sessions, written from the fact sheet (§2.2, §3–§6, §7.3–§7.8, §10.3),
 * over a real websocket on 127.0.0.1 and real TCP to the destination. Used only by the client's tests until the
 * emulator serves port sessions. Reliability is the agent column of §5 (ack, re-ack duplicates, hold out-of-order,
 * "not ready" = no ack), with an unbounded-free output window; no pacing unless asked.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { Emitter, type Disposable } from '../../base/lifecycle';
import {
  decodeMessage,
  encodeMessage,
  MessageType,
  newMessageId,
  PayloadType,
  type ClientMessage,
} from '../../ssm/message';
import { FlagValue, flagPayload, parseFlag } from '../../ssm/payloads';
import { SmuxSession, type SmuxStream, type SmuxTransport } from '../../ssm/smux';
import { versionGreaterThan } from '../../ssm/portVersion';

export interface FakePortSessionConfig {
  /** Handshake Properties (portNumber, type, host, localPortNumber). */
  properties: Record<string, string>;
  agentVersion?: string;
  /** Where `host`/localhost:portNumber really goes (tests map it to their local servers). */
  resolve?: (host: string, port: number) => { host: string; port: number };
  /** Send the ack for the client's HandshakeResponse only after HandshakeComplete (§11 pitfall). */
  lateHandshakeAck?: boolean;
  /** Agent-side smux keepalive override (default: the agent's ClientVersion rule, §6.5). */
  keepAlive?: { intervalMs: number; timeoutMs: number } | false;
}

type Variant = 'mux' | 'basic' | 'stream';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export class FakePortAgent implements Disposable {
  private readonly wss: WebSocketServer;
  private port = 0;
  readonly sessions = new Map<string, FakeAgentSession>();
  private counter = 0;

  constructor() {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.wss.on('connection', (ws, req) => {
      const id = /\/v1\/data-channel\/([^?]+)/.exec(req.url ?? '')?.[1] ?? '';
      const s = this.sessions.get(decodeURIComponent(id));
      if (!s) return ws.close(1008, 'unknown session');
      s.attach(ws);
    });
  }

  async listening(): Promise<this> {
    await new Promise<void>((resolve) => {
      if (this.wss.address()) resolve();
      else this.wss.once('listening', () => resolve());
    });
    this.port = (this.wss.address() as AddressInfo).port;
    return this;
  }

  /** A new session; returns what StartSession would. */
  createSession(config: FakePortSessionConfig): {
    sessionId: string;
    streamUrl: string;
    token: string;
    session: FakeAgentSession;
  } {
    const sessionId = `tester-${(++this.counter).toString().padStart(4, '0')}`;
    const session = new FakeAgentSession(sessionId, config);
    this.sessions.set(sessionId, session);
    return {
      sessionId,
      streamUrl: `ws://127.0.0.1:${this.port}/v1/data-channel/${sessionId}?role=publish_subscribe`,
      token: `token-${sessionId}`,
      session,
    };
  }

  async close(): Promise<void> {
    for (const s of this.sessions.values()) s.dispose();
    this.sessions.clear();
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  dispose(): void {
    void this.close();
  }
}

export class FakeAgentSession implements Disposable {
  private ws: WebSocket | undefined;
  private opened = false;
  private outSeq = 0;
  private readonly unacked = new Map<number, { frame: Uint8Array; lastSent: number }>();
  private expected = 0;
  private readonly held = new Map<number, ClientMessage>();
  private handshakeDone = false;
  private readonly timer: ReturnType<typeof setInterval>;
  private ended = false;
  readonly variant: Variant;
  clientVersion = '';
  readonly opens: { TokenValue: string; ClientVersion: string }[] = [];
  readonly flagsReceived: number[] = [];
  /** Bytes of Output payloads received from the client. */
  bytesFromClient = 0;
  /** Destination connections made. */
  dials = 0;
  readonly sockets = new Set<net.Socket>();

  // output window (agent → client)
  private readonly outQueue: { pt: number; payload: Uint8Array }[] = [];
  private outQueueBytes = 0;
  private readonly drain = new Emitter<void>();
  private readonly window = 2048;

  // plugin state
  private smux: SmuxSession | undefined;
  private readonly smuxIn = new Emitter<Uint8Array>();
  private smuxPaused = false;
  private basicSocket: net.Socket | undefined;
  private basicConnecting: Promise<net.Socket | undefined> | undefined;

  constructor(
    readonly sessionId: string,
    private readonly config: FakePortSessionConfig,
  ) {
    const type = config.properties.type;
    const agentVersion = config.agentVersion ?? '3.3.1142.0';
    // Mirrors the plugin's rule: an agent advertising ≤ 3.0.196.0 behaves like the old agent (basic). §10.5 item 6.
    this.variant =
      type !== 'LocalPortForwarding' ? 'stream' : versionGreaterThan(agentVersion, '3.0.196.0') ? 'mux' : 'basic';
    this.timer = setInterval(() => this.resendTick(), 100);
  }

  get agentVersion(): string {
    return this.config.agentVersion ?? '3.3.1142.0';
  }

  get connected(): boolean {
    return this.ws !== undefined;
  }

  attach(ws: WebSocket): void {
    let gotOpen = false;
    ws.on('message', (data, isBinary) => {
      const buf = data as Buffer;
      if (!gotOpen) {
        if (isBinary) return ws.close(1008, 'expected OpenDataChannelInput');
        const req = JSON.parse(buf.toString()) as { TokenValue: string; ClientVersion: string };
        this.opens.push(req);
        gotOpen = true;
        this.ws?.terminate();
        this.ws = ws;
        this.onOpen();
        return;
      }
      const r = decodeMessage(new Uint8Array(buf));
      if (!r.ok) return;
      this.onMessage(r.message);
    });
    ws.on('close', () => {
      if (this.ws === ws) this.ws = undefined;
    });
    ws.on('error', () => undefined);
  }

  /** Drops the websocket abruptly (the client resumes). */
  dropConnection(): void {
    this.ws?.terminate();
    this.ws = undefined;
  }

  /** Ends the session as MGS would: channel_closed with `output`. */
  close(output = ''): void {
    if (this.ended) return;
    this.ended = true;
    this.closeOutput = output;
    this.sendClosed();
    this.stopPlugin();
  }

  private closeOutput: string | undefined;

  private sendClosed(): void {
    const output = this.closeOutput ?? '';
    this.sendRaw(
      this.frame(
        MessageType.ChannelClosed,
        0,
        3,
        0,
        encoder.encode(
          JSON.stringify({
            MessageId: newMessageId(),
            CreatedDate: new Date().toISOString(),
            DestinationId: 'i-0123456789abcdef0',
            SessionId: this.sessionId,
            MessageType: 'channel_closed',
            SchemaVersion: 1,
            Output: output,
          }),
        ),
      ),
    );
    this.stopPlugin();
  }

  dispose(): void {
    clearInterval(this.timer);
    this.stopPlugin();
    this.ws?.terminate();
    this.ws = undefined;
    this.drain.dispose();
  }

  // ------------------------------------------------------------------ reliability (agent column of §5)

  private onOpen(): void {
    if (this.ended) return this.sendClosed(); // ended while the client was away: tell it now
    if (!this.opened) {
      this.opened = true;
      const request = {
        AgentVersion: this.agentVersion,
        RequestedClientActions: [
          { ActionType: 'SessionType', ActionParameters: { SessionType: 'Port', Properties: this.config.properties } },
        ],
      };
      this.sendStream(PayloadType.HandshakeRequest, encoder.encode(JSON.stringify(request)));
      return;
    }
    // After a reconnect: everything unacked goes again.
    const now = Date.now();
    for (const e of this.unacked.values()) {
      e.lastSent = now;
      this.sendRaw(e.frame);
    }
    this.pumpOut();
  }

  private frame(type: string, seq: number, flags: number, pt: number, payload: Uint8Array): Uint8Array {
    return encodeMessage({
      messageType: type,
      schemaVersion: 1,
      createdDate: Date.now(),
      sequenceNumber: seq,
      flags,
      messageId: newMessageId(),
      payloadType: pt,
      payload,
    });
  }

  private sendRaw(frame: Uint8Array): void {
    if (this.ws && this.ws.readyState === this.ws.OPEN) this.ws.send(frame);
  }

  private sendStream(pt: number, payload: Uint8Array): void {
    const seq = this.outSeq++;
    const frame = this.frame(MessageType.OutputStreamData, seq, seq === 0 ? 1 : 0, pt, payload);
    this.unacked.set(seq, { frame, lastSent: Date.now() });
    this.sendRaw(frame);
  }

  private ack(m: ClientMessage): void {
    const payload = encoder.encode(
      JSON.stringify({
        AcknowledgedMessageType: m.messageType,
        AcknowledgedMessageId: m.messageId,
        AcknowledgedMessageSequenceNumber: m.sequenceNumber,
        IsSequentialMessage: true,
      }),
    );
    this.sendRaw(this.frame(MessageType.Acknowledge, 0, 3, 0, payload));
  }

  private resendTick(): void {
    if (!this.ws) return;
    const now = Date.now();
    let budget = 64;
    for (const e of this.unacked.values()) {
      if (budget-- === 0) break;
      if (now - e.lastSent > 300) {
        e.lastSent = now;
        this.sendRaw(e.frame);
      }
    }
  }

  private onMessage(m: ClientMessage): void {
    if (m.messageType === MessageType.Acknowledge) {
      const seq = (JSON.parse(decoder.decode(m.payload)) as { AcknowledgedMessageSequenceNumber: number })
        .AcknowledgedMessageSequenceNumber;
      this.unacked.delete(seq);
      this.pumpOut();
      return;
    }
    if (m.messageType !== MessageType.InputStreamData) return;
    if (m.sequenceNumber < this.expected) return this.ack(m);
    if (m.sequenceNumber > this.expected) {
      if (!this.held.has(m.sequenceNumber)) this.held.set(m.sequenceNumber, m);
      return this.ack(m);
    }
    if (!this.process(m, true)) return; // not ready: no ack, the client resends
    this.expected++;
    for (let next = this.held.get(this.expected); next; next = this.held.get(this.expected)) {
      if (!this.process(next, false)) return;
      this.held.delete(this.expected);
      this.expected++;
    }
  }

  /** Handles one in-order message; false = "handler not ready" (no ack, expected unchanged). */
  private process(m: ClientMessage, ackIt: boolean): boolean {
    if (m.payloadType === PayloadType.HandshakeResponse) {
      const r = JSON.parse(decoder.decode(m.payload)) as { ClientVersion: string };
      this.clientVersion = r.ClientVersion;
      if (this.config.lateHandshakeAck) {
        this.completeHandshake();
        if (ackIt) this.ack(m);
      } else {
        if (ackIt) this.ack(m);
        this.completeHandshake();
      }
      return true;
    }
    if (!this.handshakeDone) {
      if (ackIt) this.ack(m);
      return true; // acked and discarded (§5.5)
    }
    if (m.payloadType === PayloadType.Flag) {
      const flag = parseFlag(m.payload) ?? 0;
      this.flagsReceived.push(flag);
      if (ackIt) this.ack(m);
      if (flag === FlagValue.TerminateSession) this.close('');
      else if (flag === FlagValue.DisconnectToPort) {
        this.basicSocket?.destroy();
        this.basicSocket = undefined;
      }
      return true;
    }
    if (m.payloadType !== PayloadType.Output) {
      if (ackIt) this.ack(m);
      return true;
    }
    if (this.variant === 'mux' && this.smuxPaused) return false;
    this.bytesFromClient += m.payload.length;
    if (ackIt) this.ack(m);
    if (this.variant === 'mux') this.smuxIn.fire(m.payload);
    else this.writeBasic(m.payload);
    return true;
  }

  // ------------------------------------------------------------------ output window

  private queueOutput(pt: number, payload: Uint8Array): boolean {
    this.outQueue.push({ pt, payload });
    this.outQueueBytes += payload.length;
    this.pumpOut();
    return this.outQueueBytes < 512 * 1024;
  }

  private pumpOut(): void {
    const before = this.outQueueBytes;
    while (this.outQueue.length > 0 && this.unacked.size < this.window && !this.ended) {
      const item = this.outQueue.shift()!;
      this.outQueueBytes -= item.payload.length;
      this.sendStream(item.pt, item.payload);
    }
    if (before >= 256 * 1024 && this.outQueueBytes < 256 * 1024) this.drain.fire();
  }

  /** Chunks bytes into ≤1024-byte Output payloads. */
  private output(bytes: Uint8Array): boolean {
    let ok = true;
    for (let off = 0; off < bytes.length; off += 1024)
      ok = this.queueOutput(PayloadType.Output, bytes.slice(off, Math.min(off + 1024, bytes.length)));
    return ok;
  }

  // ------------------------------------------------------------------ plugins

  private completeHandshake(): void {
    if (this.handshakeDone) return;
    this.handshakeDone = true;
    this.sendStream(
      PayloadType.HandshakeComplete,
      encoder.encode(JSON.stringify({ HandshakeTimeToComplete: 1_000_000, CustomerMessage: '' })),
    );
    if (this.variant === 'mux') this.startMux();
    else void this.dialBasic();
  }

  private destination(): { host: string; port: number } {
    const host = this.config.properties.host || 'localhost';
    const port = Number(this.config.properties.portNumber);
    return this.config.resolve ? this.config.resolve(host, port) : { host, port };
  }

  private dial(): Promise<net.Socket | undefined> {
    const { host, port } = this.destination();
    this.dials++;
    return new Promise((resolve) => {
      const socket = net.connect({ host, port });
      this.sockets.add(socket);
      socket.once('connect', () => resolve(socket));
      socket.once('error', () => resolve(undefined));
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  private startMux(): void {
    const transport: SmuxTransport = {
      write: (bytes) => this.output(bytes),
      onData: (l) => this.smuxIn.event(l),
      onDrain: (l) => this.drain.event(l),
      pause: () => {
        this.smuxPaused = true;
      },
      resume: () => {
        this.smuxPaused = false;
      },
    };
    // §6.5 agent side: keepalive off when the client is newer than 1.2.331.0.
    const keepAlive = this.config.keepAlive ?? (versionGreaterThan(this.clientVersion, '1.2.331.0') ? false : {});
    this.smux = new SmuxSession(transport, { role: 'server', keepAlive });
    this.smux.onDidAcceptStream((stream) => void this.serveStream(stream));
  }

  private async serveStream(stream: SmuxStream): Promise<void> {
    const socket = await this.dial();
    if (!socket || stream.isClosed) {
      socket?.destroy();
      // §7.6: flag first, then close the stream.
      this.queueOutput(PayloadType.Flag, flagPayload(FlagValue.ConnectToPortError));
      stream.close();
      return;
    }
    stream.onDidData((d) => {
      if (!socket.write(d)) {
        stream.pause();
        socket.once('drain', () => stream.resume());
      }
    });
    stream.onDidEnd(() => {
      socket.end();
      stream.close();
    });
    stream.onDidClose(() => socket.end());
    socket.on('data', (d: Buffer) => {
      socket.pause();
      stream.write(new Uint8Array(d)).then(
        () => socket.resume(),
        () => socket.destroy(),
      );
    });
    socket.on('end', () => stream.close());
    socket.on('close', () => stream.close());
    socket.on('error', () => undefined);
  }

  private async dialBasic(): Promise<net.Socket | undefined> {
    this.basicConnecting ??= (async () => {
      const socket = await this.dial();
      if (!socket) {
        if (this.variant === 'stream') this.close(`Unable to connect to the destination port.`);
        return undefined;
      }
      this.basicSocket = socket;
      socket.on('data', (d: Buffer) => {
        if (!this.output(new Uint8Array(d))) {
          socket.pause();
          const sub = this.drain.event(() => {
            sub.dispose();
            socket.resume();
          });
        }
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        if (this.basicSocket === socket) this.basicSocket = undefined;
        // stream (SSH): the destination's end ends the session once the output is out (§7.5, §10.1).
        if (this.variant === 'stream') void this.closeWhenDrained();
      });
      return socket;
    })().finally(() => {
      this.basicConnecting = undefined;
    });
    return this.basicConnecting;
  }

  private async closeWhenDrained(): Promise<void> {
    for (let i = 0; i < 200 && (this.outQueue.length > 0 || this.unacked.size > 0); i++)
      await new Promise((r) => setTimeout(r, 10));
    this.close('');
  }

  private writeBasic(payload: Uint8Array): void {
    const socket = this.basicSocket;
    if (socket && !socket.destroyed) {
      socket.write(payload);
      return;
    }
    // §7.4: the next client Output after a disconnect re-dials first.
    const pending = this.pendingBasic;
    pending.push(payload);
    if (pending.length === 1)
      void this.dialBasic().then((s) => {
        for (const p of this.pendingBasic.splice(0)) s?.write(p);
      });
  }

  private readonly pendingBasic: Uint8Array[] = [];

  private stopPlugin(): void {
    this.smux?.close();
    this.smux = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.basicSocket = undefined;
  }
}
