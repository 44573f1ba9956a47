/**
 * Tunnels: a local TCP listener whose connections are forwarded through one SSM port session (fact sheet §7).
 * Bound to 127.0.0.1 unless asked otherwise (a non-loopback address is allowed but flagged), on a fixed or a free
 * port; per tunnel an explicit state, open connections, bytes each way and the current rate. A data-channel resume
 * keeps the tunnel and its connections; stopping it closes its connections and terminates the session.
 *
 * Session pool (optional, `poolSize` > 1): the agent paces each port session to about 1 MB/s (fact sheet §5.6), so a
 * tunnel may open several sessions to the same target and spread its TCP connections over them (each new connection
 * goes to the member with the fewest open connections). A member that fails to start or ends later is dropped; the
 * tunnel keeps running on the others and fails only when none is left.
 */
import net from 'node:net';
import { PortholeError, type ErrorCode } from '../../../shared/errors';
import { t } from '../../../shared/i18n/catalog';
import { Emitter, type Disposable, type Event } from '../base/lifecycle';
import { silentLogger, type Logger } from '../base/logger';
import type { PortSession, PortVariant } from '../ssm/portSession';
import { portForwardParameters, type OpenPortSession } from '../ssm/portSessionStarter';
import type { SessionTarget } from '../ssm/sessionStarter';
import { bridgeSocket } from './socketBridge';

export type TunnelState = 'starting' | 'open' | 'reconnecting' | 'stopping' | 'stopped' | 'failed';

export interface TunnelSpec extends SessionTarget {
  /** Port on the instance, or on `remoteHost` as the instance reaches it. */
  remotePort: number;
  /** Forward to this host through the instance (AWS-StartPortForwardingSessionToRemoteHost). */
  remoteHost?: string;
  /** Local port; 0 or absent picks a free one. */
  localPort?: number;
  /** Local address; default 127.0.0.1. `::1`, `0.0.0.0` etc. only when asked. */
  bindAddress?: string;
  /** Shown in the UI. */
  name?: string;
  /** Port sessions to spread connections over (session pool); 1 or absent: one session. At most MAX_POOL_SIZE. */
  poolSize?: number;
}

export const MAX_POOL_SIZE = 16;

export interface TunnelSnapshot {
  id: string;
  spec: TunnelSpec;
  state: TunnelState;
  localAddress: string;
  /** The port actually bound (0 until listening). */
  localPort: number;
  /** True when bound to an address other hosts can reach: show a warning. */
  nonLoopback: boolean;
  /** The first live session of the tunnel (of the pool, when there is one). */
  sessionId?: string;
  variant?: PortVariant;
  /** Sessions asked for (1 without a pool) and sessions alive now. */
  poolSize: number;
  poolMembers: number;
  /** Open connections per live pool member, in member order. */
  poolConnections: number[];
  /** Connections open now / since start / failed because the destination was unreachable. */
  connections: number;
  totalConnections: number;
  failedConnections: number;
  /** Bytes from the remote side to local clients, and from local clients to the remote side. */
  bytesIn: number;
  bytesOut: number;
  /** Bytes per second over the last stats interval. */
  rateIn: number;
  rateOut: number;
  error?: { code: ErrorCode; message: string };
}

export interface TunnelManagerDeps {
  openPortSession: OpenPortSession;
  logger?: Logger;
  /** How often stats (and rates) are published while tunnels exist. Default 1000 ms. */
  statsIntervalMs?: number;
  /** Milliseconds clock for rates. */
  now?: () => number;
}

let nextTunnelId = 1;

/** One session of a tunnel and the connections it carries. */
interface PoolMember {
  session: PortSession;
  connections: number;
}

class Tunnel {
  readonly id = `tunnel-${nextTunnelId++}`;
  state: TunnelState = 'starting';
  server: net.Server | undefined;
  /** Live sessions (one without a pool). Empty until started, and again once all have ended. */
  members: PoolMember[] = [];
  /** Round-robin start for picking among equally loaded members. */
  nextMember = 0;
  readonly sockets = new Set<net.Socket>();
  localPort = 0;
  totalConnections = 0;
  failedConnections = 0;
  bytesIn = 0;
  bytesOut = 0;
  rateIn = 0;
  rateOut = 0;
  lastSample: { at: number; bytesIn: number; bytesOut: number };
  error: { code: ErrorCode; message: string } | undefined;
  stopping: Promise<void> | undefined;
  readonly subscriptions: Disposable[] = [];
  /** Resolves once the sessions started (true), or false if they never will. */
  readonly sessionStarted: Promise<boolean>;
  settleSession!: (started: boolean) => void;

  constructor(
    readonly spec: TunnelSpec,
    readonly localAddress: string,
    readonly nonLoopback: boolean,
    now: number,
  ) {
    this.lastSample = { at: now, bytesIn: 0, bytesOut: 0 };
    this.sessionStarted = new Promise((r) => (this.settleSession = r));
  }

  get session(): PortSession | undefined {
    return this.members[0]?.session;
  }

  snapshot(): TunnelSnapshot {
    const info = this.session?.info;
    return {
      id: this.id,
      spec: { ...this.spec },
      state: this.state,
      localAddress: this.localAddress,
      localPort: this.localPort,
      nonLoopback: this.nonLoopback,
      ...(this.session ? { sessionId: this.session.sessionId } : {}),
      ...(info ? { variant: info.variant } : {}),
      poolSize: this.spec.poolSize ?? 1,
      poolMembers: this.members.length,
      poolConnections: this.members.map((m) => m.connections),
      connections: this.sockets.size,
      totalConnections: this.totalConnections,
      failedConnections: this.failedConnections,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      rateIn: this.rateIn,
      rateOut: this.rateOut,
      ...(this.error ? { error: { ...this.error } } : {}),
    };
  }
}

export class TunnelManager implements Disposable {
  private readonly tunnels = new Map<string, Tunnel>();
  private readonly log: Logger;
  private readonly now: () => number;
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private disposed = false;

  private readonly _onDidChangeTunnel = new Emitter<TunnelSnapshot>();
  /** A tunnel's state changed (or it was added / removed: state 'stopped'). */
  readonly onDidChangeTunnel: Event<TunnelSnapshot> = this._onDidChangeTunnel.event;
  private readonly _onDidUpdateStats = new Emitter<TunnelSnapshot[]>();
  /** Every stats interval while tunnels exist: all tunnels with their counters and rates. */
  readonly onDidUpdateStats: Event<TunnelSnapshot[]> = this._onDidUpdateStats.event;

  constructor(private readonly deps: TunnelManagerDeps) {
    this.log = deps.logger ?? silentLogger;
    this.now = deps.now ?? (() => Date.now());
  }

  list(): TunnelSnapshot[] {
    return [...this.tunnels.values()].map((t) => t.snapshot());
  }

  get(id: string): TunnelSnapshot | undefined {
    return this.tunnels.get(id)?.snapshot();
  }

  /**
   * Binds the local port, then starts the port session. Resolves once connections can be accepted (they wait for
   * the session's handshake if it is still running). Throws PortholeError: INVALID_TUNNEL, PORT_IN_USE, or whatever
   * starting the session gave (TARGET_NOT_CONNECTED, SESSION_FAILED, AWS_*).
   */
  async start(spec: TunnelSpec): Promise<TunnelSnapshot> {
    if (this.disposed) throw new Error('TunnelManager is disposed');
    const { address, nonLoopback } = validate(spec);
    const tunnel = new Tunnel({ ...spec }, address, nonLoopback, this.now());
    tunnel.server = await this.listen(tunnel, spec.localPort ?? 0);
    this.tunnels.set(tunnel.id, tunnel);
    this.ensureStatsTimer();
    this.fire(tunnel);
    if (nonLoopback) this.log.warn('tunnel bound to a non-loopback address', { address, port: tunnel.localPort });

    let sessions: PortSession[];
    try {
      sessions = await this.openPool(tunnel);
    } catch (e) {
      const error = e instanceof PortholeError ? e : sessionFailed(e instanceof Error ? e.message : String(e));
      this.fail(tunnel, error);
      tunnel.settleSession(false);
      this.teardown(tunnel);
      this.tunnels.delete(tunnel.id);
      this.maybeStopStatsTimer();
      throw error;
    }
    if (tunnel.state !== 'starting') {
      // Stopped while the sessions were starting.
      tunnel.settleSession(false);
      for (const session of sessions) void session.terminate().finally(() => session.dispose());
      throw new PortholeError('SESSION_FAILED', t('error.SESSION_FAILED', { detail: 'the tunnel was stopped' }), {
        detail: 'the tunnel was stopped',
      });
    }
    tunnel.members = sessions.map((session) => ({ session, connections: 0 }));
    for (const member of tunnel.members) this.watchMember(tunnel, member);
    tunnel.settleSession(true);
    tunnel.state = poolState(tunnel) ?? 'open';
    this.fire(tunnel);
    return tunnel.snapshot();
  }

  /** Opens the tunnel's session(s). With a pool, members that fail to start are left out; throws if none started. */
  private async openPool(tunnel: Tunnel): Promise<PortSession[]> {
    const spec = tunnel.spec;
    const { documentName, parameters } = portForwardParameters({
      remotePort: spec.remotePort,
      remoteHost: spec.remoteHost,
      localPort: tunnel.localPort,
    });
    const open = () =>
      this.deps.openPortSession({
        profile: spec.profile,
        region: spec.region,
        target: spec.target,
        documentName,
        parameters,
      });
    const size = spec.poolSize ?? 1;
    if (size <= 1) return [await open()];
    const results = await Promise.allSettled(Array.from({ length: size }, open));
    const sessions = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (sessions.length === 0) throw failures[0];
    if (failures.length > 0) {
      this.log.warn('some pool sessions did not start', {
        id: tunnel.id,
        started: sessions.length,
        failed: failures.length,
        error: String(failures[0] instanceof Error ? failures[0].message : failures[0]),
      });
    }
    return sessions;
  }

  /** Follows one member: state changes, connection errors, and its end (dropped from the pool; the last one fails the tunnel). */
  private watchMember(tunnel: Tunnel, member: PoolMember): void {
    const { session } = member;
    tunnel.subscriptions.push(
      session.onDidChangeState(() => {
        if (tunnel.state !== 'open' && tunnel.state !== 'reconnecting') return;
        const next = poolState(tunnel);
        if (next && next !== tunnel.state) {
          tunnel.state = next;
          this.fire(tunnel);
        }
      }),
      session.onDidEnd((end) => {
        if (tunnel.state === 'stopping' || tunnel.state === 'stopped' || tunnel.state === 'failed') return;
        const detail =
          end.kind === 'closed-by-client' ? 'the session was closed' : end.message || 'the instance ended the session';
        const index = tunnel.members.indexOf(member);
        if (index >= 0) tunnel.members.splice(index, 1);
        if (tunnel.members.length > 0) {
          this.log.warn('pool session ended; the tunnel continues on the others', {
            id: tunnel.id,
            sessionId: session.sessionId,
            left: tunnel.members.length,
            detail,
          });
          session.dispose();
          const next = poolState(tunnel);
          if (next) tunnel.state = next;
          this.fire(tunnel);
          return;
        }
        tunnel.members.push(member); // keep the last one for the snapshot (session id, variant)
        this.fail(tunnel, sessionFailed(detail));
        this.teardown(tunnel);
      }),
      session.onDidConnectError(() => {
        tunnel.failedConnections++;
        this.fire(tunnel);
      }),
    );
  }

  /** Closes the listener and every connection, terminates the session. Resolves when done. */
  stop(id: string): Promise<void> {
    const tunnel = this.tunnels.get(id);
    if (!tunnel) return Promise.resolve();
    tunnel.stopping ??= (async () => {
      const wasFailed = tunnel.state === 'failed';
      tunnel.state = 'stopping';
      this.fire(tunnel);
      const sessions = tunnel.members.map((m) => m.session);
      this.teardown(tunnel);
      await Promise.all(
        sessions.map(async (session) => {
          if (!session.end) await session.terminate().catch(() => undefined);
          session.dispose();
        }),
      );
      tunnel.state = wasFailed ? 'failed' : 'stopped';
      this.tunnels.delete(id);
      this.fire(tunnel);
      this.maybeStopStatsTimer();
    })();
    return tunnel.stopping;
  }

  /** Stops every tunnel. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.tunnels.keys()].map((id) => this.stop(id)));
  }

  /** Closes everything at once (sessions are terminated in the background). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const tunnel of this.tunnels.values()) {
      const sessions = tunnel.members.map((m) => m.session);
      this.teardown(tunnel);
      for (const session of sessions) {
        if (!session.end) void session.terminate(500).finally(() => session.dispose());
        else session.dispose();
      }
    }
    this.tunnels.clear();
    this.maybeStopStatsTimer();
    this._onDidChangeTunnel.dispose();
    this._onDidUpdateStats.dispose();
  }

  // ------------------------------------------------------------------------------------------------

  private listen(tunnel: Tunnel, port: number): Promise<net.Server> {
    return new Promise((resolve, reject) => {
      const server = net.createServer({ pauseOnConnect: true }, (socket) => this.onConnection(tunnel, socket));
      const onError = (e: NodeJS.ErrnoException) => {
        server.close();
        if (e.code === 'EADDRINUSE') {
          reject(
            new PortholeError('PORT_IN_USE', t('error.PORT_IN_USE', { port: String(port) }), { port: String(port) }),
          );
        } else {
          const detail =
            e.code === 'EACCES'
              ? `no permission to listen on ${tunnel.localAddress}:${port} (ports below 1024 need privileges; choose a higher one)`
              : `cannot listen on ${tunnel.localAddress}:${port} (${e.code ?? e.message})`;
          reject(new PortholeError('INVALID_TUNNEL', t('error.INVALID_TUNNEL', { detail }), { detail }));
        }
      };
      server.once('error', onError);
      server.listen({ host: tunnel.localAddress, port, exclusive: true }, () => {
        server.off('error', onError);
        server.on('error', (e) => this.log.warn('tunnel listener error', { id: tunnel.id, error: e.message }));
        tunnel.localPort = (server.address() as net.AddressInfo).port;
        resolve(server);
      });
    });
  }

  private onConnection(tunnel: Tunnel, socket: net.Socket): void {
    if (tunnel.state === 'stopping' || tunnel.state === 'stopped' || tunnel.state === 'failed') {
      socket.destroy();
      return;
    }
    tunnel.sockets.add(socket);
    tunnel.totalConnections++;
    socket.on('error', () => undefined);
    socket.once('close', () => {
      if (tunnel.sockets.delete(socket)) this.fire(tunnel);
    });
    this.fire(tunnel);
    void (async () => {
      // Connections made while the session starts wait for it (paused: pauseOnConnect).
      if (tunnel.members.length === 0 && !(await tunnel.sessionStarted)) return socket.destroy();
      if (socket.destroyed) return;
      // Least-loaded live member first (round robin among equals); a member that cannot open a connection is skipped.
      const tried = new Set<PoolMember>();
      for (;;) {
        const member = pickMember(tunnel, tried);
        if (!member) return socket.destroy();
        tried.add(member);
        let conn;
        try {
          member.connections++;
          conn = await member.session.openConnection();
        } catch (e) {
          member.connections--;
          this.log.debug('connection refused: session unusable', { id: tunnel.id, error: String(e) });
          continue;
        }
        if (socket.destroyed) {
          member.connections--;
          return conn.close();
        }
        await bridgeSocket(socket, conn, {
          onIn: (n) => (tunnel.bytesIn += n),
          onOut: (n) => (tunnel.bytesOut += n),
        });
        member.connections--;
        return;
      }
    })();
  }

  /** Closes the listener and connections; leaves the session to the caller. */
  private teardown(tunnel: Tunnel): void {
    tunnel.settleSession(tunnel.members.length > 0);
    for (const s of tunnel.subscriptions.splice(0)) s.dispose();
    tunnel.server?.close();
    tunnel.server = undefined;
    for (const s of tunnel.sockets) s.destroy();
    tunnel.sockets.clear();
  }

  private fail(tunnel: Tunnel, error: PortholeError): void {
    tunnel.state = 'failed';
    tunnel.error = { code: error.code, message: error.message };
    this.log.warn('tunnel failed', { id: tunnel.id, code: error.code, message: error.message });
    this.fire(tunnel);
  }

  private fire(tunnel: Tunnel): void {
    if (!this.disposed) this._onDidChangeTunnel.fire(tunnel.snapshot());
  }

  private ensureStatsTimer(): void {
    if (this.statsTimer) return;
    this.statsTimer = setInterval(() => this.sampleStats(), this.deps.statsIntervalMs ?? 1000);
    this.statsTimer.unref?.();
  }

  private maybeStopStatsTimer(): void {
    if (this.tunnels.size > 0 && !this.disposed) return;
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.statsTimer = undefined;
  }

  private sampleStats(): void {
    const now = this.now();
    for (const t of this.tunnels.values()) {
      const dt = (now - t.lastSample.at) / 1000;
      if (dt <= 0) continue;
      t.rateIn = Math.round((t.bytesIn - t.lastSample.bytesIn) / dt);
      t.rateOut = Math.round((t.bytesOut - t.lastSample.bytesOut) / dt);
      t.lastSample = { at: now, bytesIn: t.bytesIn, bytesOut: t.bytesOut };
    }
    this._onDidUpdateStats.fire(this.list());
  }
}

/** Checks ports and the bind address; returns the address to bind and whether it is reachable from elsewhere. */
function validate(spec: TunnelSpec): { address: string; nonLoopback: boolean } {
  const bad = (detail: string) =>
    new PortholeError('INVALID_TUNNEL', t('error.INVALID_TUNNEL', { detail }), { detail });
  if (!Number.isInteger(spec.remotePort) || spec.remotePort < 1 || spec.remotePort > 65535)
    throw bad(`the remote port must be a whole number from 1 to 65535 (got ${String(spec.remotePort)})`);
  const local = spec.localPort ?? 0;
  if (!Number.isInteger(local) || local < 0 || local > 65535)
    throw bad(`the local port must be a whole number from 0 to 65535 (got ${String(spec.localPort)})`);
  if (spec.remoteHost !== undefined && !/^[A-Za-z0-9._:-]{1,253}$/.test(spec.remoteHost))
    throw bad(`"${spec.remoteHost}" is not a host name or IP address`);
  if (!spec.target) throw bad('no target instance was given');
  const pool = spec.poolSize ?? 1;
  if (!Number.isInteger(pool) || pool < 1 || pool > MAX_POOL_SIZE)
    throw bad(`the session pool size must be a whole number from 1 to ${MAX_POOL_SIZE} (got ${String(spec.poolSize)})`);
  const requested = (spec.bindAddress ?? '127.0.0.1').trim();
  const address = requested === 'localhost' ? '127.0.0.1' : requested.replace(/^\[(.*)\]$/, '$1');
  if (net.isIP(address) === 0) throw bad(`"${requested}" is not an IP address to listen on`);
  return { address, nonLoopback: !isLoopback(address) };
}

/** The member a new connection goes to: fewest open connections, ties broken round robin. */
function pickMember(tunnel: Tunnel, skip: ReadonlySet<PoolMember>): PoolMember | undefined {
  const live = tunnel.members.filter((m) => !skip.has(m) && !m.session.end);
  if (live.length === 0) return undefined;
  const least = Math.min(...live.map((m) => m.connections));
  const candidates = live.filter((m) => m.connections === least);
  return candidates[tunnel.nextMember++ % candidates.length];
}

/** 'reconnecting' while any live member is resuming, else 'open'; undefined without members. */
function poolState(tunnel: Tunnel): 'open' | 'reconnecting' | undefined {
  if (tunnel.members.length === 0) return undefined;
  return tunnel.members.some((m) => m.session.state === 'reconnecting') ? 'reconnecting' : 'open';
}

export function isLoopback(address: string): boolean {
  if (net.isIPv4(address)) return address.startsWith('127.');
  const a = address.toLowerCase();
  return a === '::1' || a === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(a);
}

function sessionFailed(detail: string): PortholeError {
  return new PortholeError('SESSION_FAILED', t('error.SESSION_FAILED', { detail }), { detail });
}
