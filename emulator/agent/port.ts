/**
 * The agent's Port plugin (fact sheet §7.3–§7.7, §10.3), written from the fact sheet's AGENT side:
 * AWS-StartPortForwardingSession, AWS-StartPortForwardingSessionToRemoteHost and AWS-StartSSHSession.
 *
 * Handshake: always (Port requires it, §6.1), SessionType `Port` with the document's properties; never encrypted.
 * Variant, decided when the plugin starts (after the handshake, when the ClientVersion is known):
 * - `type == LocalPortForwarding` and ClientVersion >= 1.1.70 -> multiplexed (smux v1 server over the Output byte
 *   stream; keepalive off when ClientVersion > 1.2.331.0), unless the emulated agent is old (<= 3.0.196.0: it
 *   predates multiplexing and always runs basic);
 * - otherwise basic: one destination connection. With LocalPortForwarding a destination EOF closes it and the next
 *   client Output re-dials; DisconnectToPort (flag 1) closes it the same way. Without it (the SSH document: standard
 *   stream forwarding on the client) a destination EOF ends the session successfully, a read error ends it failed.
 * Flags from the client: TerminateSession (2) ends the session (agents <= 2.3.722.0 predate it and ignore it).
 * Flag to the client: ConnectToPortError (3) when a mux stream's destination cannot be dialled; the stream gets FIN
 * and the session stays up.
 * Until the destination connection (basic) or the internal pipe (mux) is ready, input is answered "not ready" (no
 * ack; the client resends). Output goes through the session's pump: 1024-byte messages, 1 ms apart with pacing.
 */
import type { Socket } from 'node:net';
import { PayloadType, type ClientMessage } from '../../electron/core/ssm/message';
import { SmuxSession, type SmuxKeepAlive, type SmuxStream } from '../../electron/core/ssm/smux';
import type { HandlerResult } from './channel';
import { dialFirst, DialError, type DestinationResolver } from './destination';
import type { PluginContext, PluginOutputOptions, SessionPlugin } from './plugin';
import { compareVersions, PORT_VERSION_GATES } from './version';

/** Flag payload values (§7.7). */
export const PortFlag = { DisconnectToPort: 1, TerminateSession: 2, ConnectToPortError: 3 } as const;

export const LOCAL_PORT_FORWARDING = 'LocalPortForwarding';

export interface PortVariantChoice {
  variant: 'mux' | 'basic';
  /** Properties `type` is LocalPortForwarding. */
  localPortForwarding: boolean;
  /** smux keepalive (mux only). */
  keepAlive: boolean;
  /** Whether this agent knows the TerminateSession flag. */
  terminateFlag: boolean;
}

/** The agent's decision (§6.5, §7.3, §10.5 item 6). Unparsable versions count as old. */
export function choosePortVariant(input: {
  type: string | undefined;
  agentVersion: string;
  clientVersion: string;
}): PortVariantChoice {
  const g = PORT_VERSION_GATES;
  const localPortForwarding = input.type === LOCAL_PORT_FORWARDING;
  const atMost = (v: string, limit: string) => {
    const c = compareVersions(v, limit);
    return c === undefined || c <= 0;
  };
  const oldAgent = atMost(input.agentVersion, g.lastAgentWithoutMux);
  const muxClient = compareVersions(input.clientVersion, g.muxMinClientVersion);
  const mux = localPortForwarding && !oldAgent && muxClient !== undefined && muxClient >= 0;
  const keepAliveOff = compareVersions(input.clientVersion, g.keepAliveOffAboveClientVersion);
  return {
    variant: mux ? 'mux' : 'basic',
    localPortForwarding,
    keepAlive: !(keepAliveOff !== undefined && keepAliveOff > 0),
    terminateFlag: !atMost(input.agentVersion, g.lastAgentWithoutTerminateFlag),
  };
}

export interface PortPluginOptions {
  /** The document's properties as the agent receives them: portNumber, type, host. */
  properties: Record<string, string>;
  /** The emulated agent's version (four components). */
  agentVersion: string;
  resolver: DestinationResolver;
  /** smux keepalive timing when keepalive is on (default 10 s / 30 s, §7.8); tests shorten it. */
  keepAlive?: Partial<SmuxKeepAlive>;
  log?: (line: string) => void;
  /** Told which variant ran (tests, admin). */
  onVariant?: (choice: PortVariantChoice) => void;
}

interface Forwarder {
  handleInput(message: ClientMessage, payload: Uint8Array): HandlerResult;
  pauseSource(paused: boolean): void;
  dispose(): void;
}

export class PortPlugin implements SessionPlugin {
  readonly requiresHandshake = true;
  readonly handshakeProperties: Record<string, string>;
  readonly outputOptions: PluginOutputOptions = { binary: true, startDelayMs: 0 };
  private forwarder: Forwarder | undefined;
  private choice: PortVariantChoice | undefined;
  private disposed = false;

  constructor(private readonly options: PortPluginOptions) {
    this.handshakeProperties = options.properties;
  }

  get variant(): PortVariantChoice | undefined {
    return this.choice;
  }

  start(context: PluginContext): void {
    const props = this.options.properties;
    const portNumber = props.portNumber ?? '';
    const port = Number(portNumber);
    if (portNumber === '') {
      context.finish({ ok: false, reason: `Port number is empty in session properties. ${goMap(props)}` });
      return;
    }
    if (!/^\d{1,5}$/.test(portNumber) || port < 1 || port > 65535) {
      context.finish({
        ok: false,
        reason: `Unable to connect to specified port: dial tcp: address ${portNumber}: invalid port`,
      });
      return;
    }
    const choice = choosePortVariant({
      type: props.type,
      agentVersion: this.options.agentVersion,
      clientVersion: context.clientVersion,
    });
    this.choice = choice;
    this.options.onVariant?.(choice);
    this.options.log?.(
      `port session: ${choice.variant}${choice.variant === 'mux' ? ` (smux keepalive ${choice.keepAlive ? 'on' : 'off'})` : ''}, client ${context.clientVersion || '?'}, agent ${this.options.agentVersion}`,
    );
    const host = props.host && props.host !== '' ? props.host : undefined;
    const common = { context, resolver: this.options.resolver, host, port, choice, log: this.options.log };
    this.forwarder =
      choice.variant === 'mux'
        ? new MuxPortForwarding({ ...common, ...(this.options.keepAlive ? { keepAlive: this.options.keepAlive } : {}) })
        : new BasicPortForwarding(common);
  }

  handleInput(message: ClientMessage, payload: Uint8Array): HandlerResult {
    if (this.disposed || !this.forwarder) return 'not-ready';
    return this.forwarder.handleInput(message, payload);
  }

  pauseSource(paused: boolean): void {
    this.forwarder?.pauseSource(paused);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.forwarder?.dispose();
  }
}

interface ForwarderDeps {
  context: PluginContext;
  resolver: DestinationResolver;
  host: string | undefined;
  port: number;
  choice: PortVariantChoice;
  log?: ((line: string) => void) | undefined;
}

/** Reads the 4-byte big-endian flag of a Flag payload (§7.7); undefined when too short. */
export function readFlag(payload: Uint8Array): number | undefined {
  if (payload.length < 4) return undefined;
  return ((payload[0]! << 24) | (payload[1]! << 16) | (payload[2]! << 8) | payload[3]!) >>> 0;
}

export function flagPayload(flag: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, flag, false);
  return b;
}

/** Resolves and dials the destination; forbidden destinations and dial failures come back as the agent's text. */
async function connect(
  deps: ForwarderDeps,
): Promise<{ ok: true; socket: Socket } | { ok: false; forbidden: boolean; message: string }> {
  const resolved = await deps.resolver.resolve(deps.host, deps.port);
  if (!resolved.ok) return { ok: false, forbidden: resolved.kind === 'forbidden', message: resolved.message };
  try {
    const socket = await dialFirst(resolved.addresses);
    socket.setNoDelay(true);
    return { ok: true, socket };
  } catch (e) {
    return { ok: false, forbidden: false, message: e instanceof DialError ? e.message : String(e) };
  }
}

// ---------------------------------------------------------------------------------------------- basic

type BasicState = 'dialing' | 'connected' | 'disconnected' | 'redialing' | 'closed';

/** One destination connection (§7.4, §7.5). */
class BasicPortForwarding implements Forwarder {
  private state: BasicState = 'dialing';
  private socket: Socket | undefined;
  private sourcePaused = false;
  private waitingForDrain = false;

  constructor(private readonly deps: ForwarderDeps) {
    void this.dial(true);
  }

  handleInput(message: ClientMessage, payload: Uint8Array): HandlerResult {
    if (this.state === 'dialing' || this.state === 'closed') return 'not-ready';
    switch (message.payloadType) {
      case PayloadType.Output:
        return this.write(payload);
      case PayloadType.Flag:
        this.handleFlag(readFlag(payload));
        return 'ok';
      default:
        return 'ok';
    }
  }

  private write(payload: Uint8Array): HandlerResult {
    if (this.state === 'disconnected') {
      // The next client data after a disconnect re-dials (LocalPortForwarding); this message waits for the resend.
      void this.dial(false);
      return 'not-ready';
    }
    const socket = this.socket;
    if (this.state !== 'connected' || !socket) return 'not-ready';
    if (socket.writableNeedDrain) {
      // Back-pressure: no ack, the client resends once the destination has caught up.
      if (!this.waitingForDrain) {
        this.waitingForDrain = true;
        socket.once('drain', () => {
          this.waitingForDrain = false;
          this.deps.context.inputReady();
        });
      }
      return 'not-ready';
    }
    socket.write(payload);
    return 'ok';
  }

  private handleFlag(flag: number | undefined): void {
    switch (flag) {
      case PortFlag.DisconnectToPort:
        // The client's local connection went away: drop ours and wait for data from the next one (§7.4).
        this.deps.log?.('DisconnectToPort: closing the destination connection');
        this.closeSocket();
        if (this.state === 'connected') this.state = 'disconnected';
        return;
      case PortFlag.TerminateSession:
        if (!this.deps.choice.terminateFlag) {
          this.deps.log?.('TerminateSession flag ignored: this agent version predates it');
          return;
        }
        this.state = 'closed';
        this.deps.context.finish({ ok: true });
        return;
      default:
        this.deps.log?.(`ignoring flag ${String(flag)}`);
    }
  }

  private async dial(initial: boolean): Promise<void> {
    if (!initial) {
      if (this.state !== 'disconnected') return;
      this.state = 'redialing';
    }
    const result = await connect(this.deps);
    if (this.state === 'closed') {
      if (result.ok) result.socket.destroy();
      return;
    }
    if (!result.ok) {
      this.state = 'closed';
      const reason = result.forbidden ? result.message : `Unable to connect to specified port: ${result.message}`;
      this.deps.context.finish({ ok: false, reason });
      return;
    }
    this.attach(result.socket);
    this.state = 'connected';
    this.deps.context.inputReady();
  }

  private attach(socket: Socket): void {
    this.socket = socket;
    if (this.sourcePaused) socket.pause();
    let readError: Error | undefined;
    socket.on('data', (data: Buffer) => this.deps.context.output(PayloadType.Output, data));
    socket.on('error', (e) => {
      readError = e;
      this.deps.log?.(`destination connection error: ${e.message}`);
    });
    socket.on('close', () => {
      if (this.socket !== socket) return; // closed by DisconnectToPort or dispose
      this.socket = undefined;
      if (this.state !== 'connected') return;
      if (this.deps.choice.localPortForwarding) {
        // Read error/EOF: close and wait; the next client Output re-dials (§7.4).
        this.state = 'disconnected';
      } else {
        // Standard stream (SSH): EOF ends the session successfully, other read errors end it failed (§7.5).
        this.state = 'closed';
        this.deps.context.finish(
          readError ? { ok: false, reason: `Failed to read from port: ${readError.message}` } : { ok: true },
        );
      }
    });
  }

  private closeSocket(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
  }

  pauseSource(paused: boolean): void {
    this.sourcePaused = paused;
    if (paused) this.socket?.pause();
    else this.socket?.resume();
  }

  dispose(): void {
    this.state = 'closed';
    this.closeSocket();
  }
}

// ---------------------------------------------------------------------------------------------- mux

/** The smux server over the session's Output byte stream; one destination connection per stream (§7.6). */
class MuxPortForwarding implements Forwarder {
  private readonly smux: SmuxSession;
  private deliver: ((bytes: Uint8Array) => void) | undefined;
  private drain: (() => void) | undefined;
  private outputBlocked = false;
  private inputPaused = false;
  private checked = false;
  private disposed = false;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly deps: ForwarderDeps & { keepAlive?: Partial<SmuxKeepAlive> }) {
    const { context } = deps;
    this.smux = new SmuxSession(
      {
        write: (bytes) => {
          context.output(PayloadType.Output, bytes);
          return !this.outputBlocked;
        },
        onData: (listener) => {
          this.deliver = listener;
        },
        onDrain: (listener) => {
          this.drain = listener;
        },
        pause: () => {
          this.inputPaused = true;
        },
        resume: () => {
          this.inputPaused = false;
          if (!this.disposed) context.inputReady();
        },
      },
      { role: 'server', keepAlive: deps.choice.keepAlive ? (deps.keepAlive ?? {}) : false },
    );
    this.smux.onDidAcceptStream((stream) => void this.accept(stream));
    this.smux.onDidClose((reason) => {
      if (this.disposed) return;
      // The agent's accept loop ends with the smux session: the plugin ends failed.
      const detail = reason.kind === 'closed' ? 'closed' : `${reason.kind}: ${reason.detail}`;
      this.deps.log?.(`smux session ended (${detail})`);
      context.finish({ ok: false, reason: `Unable to accept stream: smux session ${detail}` });
    });
    void this.checkDestination();
  }

  /** The destination is validated when the session starts: a forbidden one ends the session (§10.3, §11). */
  private async checkDestination(): Promise<void> {
    const resolved = await this.deps.resolver.resolve(this.deps.host, this.deps.port);
    if (this.disposed) return;
    if (!resolved.ok && resolved.kind === 'forbidden') {
      this.deps.context.finish({ ok: false, reason: resolved.message });
      return;
    }
    // Other lookup failures surface per stream as ConnectToPortError.
    this.checked = true;
    this.deps.context.inputReady();
  }

  handleInput(message: ClientMessage, payload: Uint8Array): HandlerResult {
    if (this.disposed || !this.checked) return 'not-ready';
    switch (message.payloadType) {
      case PayloadType.Output:
        // Unread data past smux's receive buffer: stop taking input (no ack) until streams catch up.
        if (this.inputPaused) return 'not-ready';
        this.deliver?.(payload);
        return 'ok';
      case PayloadType.Flag: {
        const flag = readFlag(payload);
        if (flag === PortFlag.TerminateSession && this.deps.choice.terminateFlag) {
          this.deps.context.finish({ ok: true });
        } else {
          this.deps.log?.(`ignoring flag ${String(flag)}`);
        }
        return 'ok';
      }
      default:
        return 'ok';
    }
  }

  pauseSource(paused: boolean): void {
    this.outputBlocked = paused;
    if (!paused) this.drain?.();
  }

  private async accept(stream: SmuxStream): Promise<void> {
    const result = await connect(this.deps);
    if (this.disposed || stream.isClosed) {
      if (result.ok) result.socket.destroy();
      return;
    }
    if (!result.ok) {
      this.deps.log?.(`stream ${stream.id}: ${result.message}`);
      // ConnectToPortError, then FIN for the stream; the session stays up (§7.6).
      this.deps.context.sendNow(PayloadType.Flag, flagPayload(PortFlag.ConnectToPortError));
      stream.close();
      return;
    }
    this.pipe(stream, result.socket);
  }

  private pipe(stream: SmuxStream, socket: Socket): void {
    this.sockets.add(socket);
    // destination -> stream, with back-pressure from smux's send queue
    socket.on('data', (data: Buffer) => {
      if (stream.isClosed) return;
      socket.pause();
      stream.write(data).then(
        () => {
          if (!socket.destroyed) socket.resume();
        },
        () => socket.destroy(),
      );
    });
    // Either direction ending closes both (no half-close in smux v1).
    socket.on('end', () => stream.close());
    socket.on('error', (e) => this.deps.log?.(`stream ${stream.id}: destination error: ${e.message}`));
    socket.on('close', () => {
      this.sockets.delete(socket);
      stream.close();
    });
    // stream -> destination
    stream.onDidData((chunk) => {
      if (!socket.write(chunk)) {
        stream.pause();
        socket.once('drain', () => stream.resume());
      }
    });
    stream.onDidEnd(() => {
      socket.end(() => socket.destroy());
      stream.close();
    });
    stream.onDidClose(() => {
      if (!socket.writableEnded) socket.destroy();
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.smux.close();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }
}

/** Go's fmt of a map[string]interface{} (`map[portNumber:80 type:LocalPortForwarding]`), keys sorted. */
function goMap(m: Record<string, string>): string {
  return `map[${Object.keys(m)
    .sort()
    .map((k) => `${k}:${m[k]}`)
    .join(' ')}]`;
}
