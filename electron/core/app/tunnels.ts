/**
 * The app's tunnels behind the tunnel.* and rdp.* channels: the TunnelManager plus what the app adds to it — which
 * saved tunnel a live one runs, RDP (a tunnel to 3389 and the platform's client started through the Launcher), the
 * Windows password (decrypted here with the key the user picked, returned once, never stored or logged), and named
 * groups started and stopped together.
 */
import { PortholeError, type ErrorCode } from '../../../shared/errors';
import { t } from '../../../shared/i18n/catalog';
import type {
  RdpPasswordRequestSchema,
  RdpStartRequestSchema,
  SavedTunnel,
  TunnelInfo,
  TunnelKind,
  TunnelStartRequest,
} from '../../../shared/model/tunnel';
import type { z } from 'zod';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { Launcher } from '../base/launcher';
import { Emitter, type Disposable, type Event } from '../base/lifecycle';
import { silentLogger, type Logger } from '../base/logger';
import type { SavedTunnelStore } from '../settings/savedTunnels';
import { fetchWindowsPassword, launchRdpClient, type RdpLaunch, type RdpPlatform } from '../tunnels/rdp';
import type { TunnelManager, TunnelSnapshot, TunnelSpec } from '../tunnels/tunnelManager';

export const RDP_PORT = 3389;
export const DEFAULT_RDP_USER = 'Administrator';

/** The spec field that links a manager tunnel to the app's meta (the manager copies specs whole). */
const APP_REF = 'appRef';

export type RdpStartRequest = z.output<typeof RdpStartRequestSchema>;
export type RdpPasswordRequest = z.output<typeof RdpPasswordRequestSchema>;

export interface AppTunnelsDeps {
  readonly manager: TunnelManager;
  readonly saved: SavedTunnelStore;
  readonly launcher: Pick<Launcher, 'spawn' | 'openFile'>;
  /** EC2 for GetPasswordData. */
  readonly ec2: (query: { profile: string; region: string }) => Pick<EC2Client, 'send'>;
  /** Which RDP client this platform starts (and a configured command template). */
  readonly rdpPlatform: RdpPlatform;
  readonly logger?: Logger;
}

interface Meta {
  kind: TunnelKind;
  savedId?: string;
  rdp?: { command?: string[]; launchError?: { code: ErrorCode; message: string } };
  launch?: RdpLaunch;
}

export interface GroupToggleResult {
  started: TunnelInfo[];
  stopped: number;
  failures: { savedId: string; code: ErrorCode; message: string }[];
}

export class AppTunnels implements Disposable {
  private readonly meta = new Map<string, Meta>();
  /** Metas of tunnels being started, by the reference their spec carries. */
  private readonly pending = new Map<string, Meta>();
  private nextRef = 0;
  private readonly subscriptions: Disposable[] = [];
  private readonly log: Logger;
  private readonly _onDidChange = new Emitter<TunnelInfo>();
  /** A tunnel started, changed state, or ended. */
  readonly onDidChange: Event<TunnelInfo> = this._onDidChange.event;
  private readonly _onDidUpdateStats = new Emitter<TunnelInfo[]>();
  /** Every stats interval while tunnels exist. */
  readonly onDidUpdateStats: Event<TunnelInfo[]> = this._onDidUpdateStats.event;

  constructor(private readonly deps: AppTunnelsDeps) {
    this.log = deps.logger ?? silentLogger;
    this.subscriptions.push(
      deps.manager.onDidChangeTunnel((snapshot) => {
        this.claim(snapshot);
        const info = this.info(snapshot);
        // The manager has let go of it: stopped, or a failed tunnel the user dismissed (stop). Either way it is gone.
        const gone = !deps.manager.get(snapshot.id) && (snapshot.state === 'stopped' || snapshot.state === 'failed');
        if (gone) this.forget(snapshot.id);
        this._onDidChange.fire(gone ? { ...info, state: 'stopped' } : info);
      }),
      deps.manager.onDidUpdateStats((snapshots) => this._onDidUpdateStats.fire(snapshots.map((s) => this.info(s)))),
    );
  }

  list(): TunnelInfo[] {
    return this.deps.manager.list().map((s) => this.info(s));
  }

  /** Starts a forward; a saved tunnel that already runs is returned as it is (one toggle, one tunnel). */
  async start(request: TunnelStartRequest): Promise<TunnelInfo> {
    if (request.savedId !== undefined) {
      const running = this.runningOf(request.savedId);
      if (running) return running;
    }
    return this.startSpec(toSpec(request), {
      kind: 'forward',
      ...(request.savedId ? { savedId: request.savedId } : {}),
    });
  }

  async stop(id: string): Promise<boolean> {
    if (!this.deps.manager.get(id)) return false;
    await this.deps.manager.stop(id);
    return true;
  }

  /** Starts (on) every saved tunnel of the group that is not running, or stops (off) every running one. */
  async toggleGroup(id: string, on: boolean): Promise<GroupToggleResult> {
    const group = await this.deps.saved.group(id);
    if (!group) {
      const detail = `there is no group ${id}`;
      throw new PortholeError('INVALID_TUNNEL', t('error.INVALID_TUNNEL', { detail }), { detail });
    }
    const result: GroupToggleResult = { started: [], stopped: 0, failures: [] };
    if (!on) {
      const running = this.deps.manager
        .list()
        .filter((s) => group.tunnelIds.includes(this.meta.get(s.id)?.savedId ?? ''));
      await Promise.all(running.map((s) => this.deps.manager.stop(s.id)));
      result.stopped = running.length;
      return result;
    }
    const saved = (await Promise.all(group.tunnelIds.map((x) => this.deps.saved.get(x)))).filter(
      (x): x is SavedTunnel => x !== undefined,
    );
    const outcomes = await Promise.allSettled(
      saved.map((s) => this.start({ ...withoutSavedFields(s), savedId: s.id })),
    );
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') result.started.push(outcome.value);
      else {
        const e = outcome.reason as unknown;
        const error = e instanceof PortholeError ? e : undefined;
        result.failures.push({
          savedId: saved[i]!.id,
          code: error?.code ?? 'INTERNAL',
          message: error?.message ?? t('error.INTERNAL', { detail: e instanceof Error ? e.message : String(e) }),
        });
      }
    });
    return result;
  }

  /**
   * A tunnel to 3389 on the instance, then the RDP client pointed at it. When the client cannot be started the tunnel
   * stays up and the tunnel says why (the user can point a client at the address by hand).
   */
  async startRdp(request: RdpStartRequest): Promise<TunnelInfo> {
    const spec: TunnelSpec = {
      profile: request.profile,
      region: request.region,
      target: request.target,
      remotePort: RDP_PORT,
      ...(request.localPort !== undefined ? { localPort: request.localPort } : {}),
      ...(request.name ? { name: request.name } : {}),
    };
    const info = await this.startSpec(spec, { kind: 'rdp' });
    const meta = this.meta.get(info.id);
    if (!meta) return info;
    const host = info.localAddress.includes(':') ? `[${info.localAddress}]` : info.localAddress;
    try {
      const launch = await launchRdpClient(
        this.deps.launcher,
        { host, port: info.localPort, username: request.username ?? DEFAULT_RDP_USER },
        { ...this.deps.rdpPlatform, fileName: request.name ?? request.target },
      );
      if (this.meta.get(info.id) !== meta) {
        launch.dispose(); // the tunnel ended while the client started
      } else {
        meta.launch = launch;
        meta.rdp = { command: [...launch.command] };
      }
    } catch (e) {
      const error =
        e instanceof PortholeError
          ? e
          : new PortholeError('INVALID_TUNNEL', t('error.INVALID_TUNNEL', { detail: launchDetail(e) }), {
              detail: launchDetail(e),
            });
      this.log.warn('rdp: the client did not start; the tunnel stays up', { code: error.code });
      meta.rdp = { launchError: { code: error.code, message: error.message } };
    }
    const snapshot = this.deps.manager.get(info.id);
    if (!snapshot) return { ...info, ...(meta.rdp ? { rdp: meta.rdp } : {}) };
    const updated = this.info(snapshot);
    this._onDidChange.fire(updated);
    return updated;
  }

  /** GetPasswordData decrypted with `keyPem`. The key and the password are never kept or logged. */
  async rdpPassword(request: RdpPasswordRequest): Promise<{ password?: string; username: string }> {
    const ec2 = this.deps.ec2({ profile: request.profile, region: request.region });
    const password = await fetchWindowsPassword(
      ec2,
      { profile: request.profile, region: request.region, instanceId: request.target },
      request.keyPem,
    );
    return { username: DEFAULT_RDP_USER, ...(password !== undefined ? { password } : {}) };
  }

  async stopAll(): Promise<void> {
    await this.deps.manager.stopAll();
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.deps.manager.dispose();
    for (const id of [...this.meta.keys()]) this.forget(id);
    this._onDidChange.dispose();
    this._onDidUpdateStats.dispose();
  }

  // ----------------------------------------------------------------------------------------------

  private async startSpec(spec: TunnelSpec, meta: Meta): Promise<TunnelInfo> {
    // The manager announces the tunnel before start() resolves; the spec it copies carries a reference to the meta,
    // so even the first event (state starting) says what kind of tunnel it is.
    const ref = `ref-${++this.nextRef}`;
    this.pending.set(ref, meta);
    try {
      const snapshot = await this.deps.manager.start({ ...spec, [APP_REF]: ref } as TunnelSpec);
      this.claim(snapshot);
      return this.info(snapshot);
    } finally {
      this.pending.delete(ref);
    }
  }

  /** Files a pending meta under the tunnel's id once the manager has given it one. */
  private claim(snapshot: TunnelSnapshot): void {
    if (this.meta.has(snapshot.id)) return;
    const ref = (snapshot.spec as TunnelSpec & { [APP_REF]?: string })[APP_REF];
    const meta = ref !== undefined ? this.pending.get(ref) : undefined;
    if (meta) this.meta.set(snapshot.id, meta);
  }

  private runningOf(savedId: string): TunnelInfo | undefined {
    const snapshot = this.deps.manager.list().find((s) => this.meta.get(s.id)?.savedId === savedId);
    return snapshot && snapshot.state !== 'failed' && snapshot.state !== 'stopping' ? this.info(snapshot) : undefined;
  }

  private forget(id: string): void {
    const meta = this.meta.get(id);
    this.meta.delete(id);
    meta?.launch?.dispose();
  }

  private info(s: TunnelSnapshot): TunnelInfo {
    const meta = this.meta.get(s.id);
    return {
      id: s.id,
      kind: meta?.kind ?? 'forward',
      ...(meta?.savedId ? { savedId: meta.savedId } : {}),
      profile: s.spec.profile,
      region: s.spec.region,
      target: s.spec.target,
      ...(s.spec.name ? { name: s.spec.name } : {}),
      remotePort: s.spec.remotePort,
      ...(s.spec.remoteHost ? { remoteHost: s.spec.remoteHost } : {}),
      state: s.state,
      localAddress: s.localAddress,
      localPort: s.localPort,
      nonLoopback: s.nonLoopback,
      ...(s.variant ? { variant: s.variant } : {}),
      poolSize: s.poolSize,
      poolMembers: s.poolMembers,
      connections: s.connections,
      totalConnections: s.totalConnections,
      failedConnections: s.failedConnections,
      bytesIn: s.bytesIn,
      bytesOut: s.bytesOut,
      rateIn: s.rateIn,
      rateOut: s.rateOut,
      ...(meta?.rdp ? { rdp: { ...meta.rdp } } : {}),
      ...(s.error ? { error: { ...s.error } } : {}),
    };
  }
}

function toSpec(r: TunnelStartRequest): TunnelSpec {
  return {
    profile: r.profile,
    region: r.region,
    target: r.target,
    remotePort: r.remotePort,
    ...(r.remoteHost ? { remoteHost: r.remoteHost } : {}),
    ...(r.localPort !== undefined ? { localPort: r.localPort } : {}),
    ...(r.bindAddress ? { bindAddress: r.bindAddress } : {}),
    ...(r.pool !== undefined ? { poolSize: r.pool } : {}),
    ...(r.name ? { name: r.name } : {}),
  };
}

function withoutSavedFields(s: SavedTunnel): Omit<TunnelStartRequest, 'savedId'> {
  const { id: _id, targetName: _targetName, ...spec } = s;
  return spec;
}

function launchDetail(e: unknown): string {
  return `the RDP client did not start (${e instanceof Error ? e.message : String(e)})`;
}
