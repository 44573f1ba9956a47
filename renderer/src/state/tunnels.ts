/**
 * Tunnels in the renderer: the live tunnels main reports (tunnel.state / tunnel.stats events), the saved tunnels and
 * named groups, and the actions behind the tunnels panel. Plain serializable data; errors are values per row so one
 * failing tunnel never hides the others.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ErrorValue, Result } from '../../../shared/errors';
import type { PortholeBridge } from '../../../shared/ipc/bridge';
import type { InvokeChannel, InvokeRequest, InvokeResponse } from '../../../shared/ipc/contract';
import { invokeSafely, toErrorValue } from './invoke';
import type {
  SavedTunnel,
  TunnelGroup,
  TunnelInfo,
  TunnelStartRequest,
  TunnelState,
} from '../../../shared/model/tunnel';

/** What the "Forward a port" dialog is about: a chosen instance, or none yet (the dialog offers the list). */
export interface ForwardTarget {
  readonly instanceId: string;
  readonly title: string;
  readonly profile: string;
  readonly region: string;
}

export type ForwardSpec = Omit<TunnelStartRequest, 'savedId'>;

/** What the SSH dialog asks main about: the instance, its Name tag, and the user to log in as. */
export interface SshTarget extends ForwardTarget {
  readonly name?: string;
  readonly user?: string;
}

export interface TunnelsData {
  readonly status: 'idle' | 'loading' | 'ready' | 'failed';
  /** Live tunnels (and failed ones until dismissed), in the order they started. */
  readonly tunnels: readonly TunnelInfo[];
  readonly saved: readonly SavedTunnel[];
  readonly groups: readonly TunnelGroup[];
  /** Ids (tunnel, saved tunnel, group) with a request on the way. */
  readonly busy: Readonly<Record<string, true>>;
  /** The last error per id (saved tunnel, group, rdp:<instance>), shown on its row. */
  readonly errors: Readonly<Record<string, ErrorValue>>;
  /** Why the last load failed. */
  readonly loadError?: ErrorValue;
  /** The forward dialog: open (with or without a target). */
  readonly forward?: { readonly target?: ForwardTarget };
}

export interface TunnelsActions {
  /** Live tunnels and saved ones (start-up, after a reload or a reconnect). */
  load(): Promise<void>;
  openForward(target?: ForwardTarget): void;
  closeForward(): void;
  /** Starts a forward (and saves it first when asked). The dialog shows the error when it fails. */
  start(spec: ForwardSpec, options?: { save?: boolean; targetName?: string }): Promise<Result<TunnelInfo>>;
  stop(tunnelId: string): Promise<void>;
  /** Forgets a failed tunnel's row. */
  dismiss(tunnelId: string): void;
  /** Starts the saved tunnel, or stops it when it runs. */
  toggleSaved(savedId: string): Promise<void>;
  removeSaved(savedId: string): Promise<void>;
  saveGroup(name: string, tunnelIds: readonly string[]): Promise<Result<TunnelGroup>>;
  removeGroup(groupId: string): Promise<void>;
  /** Starts every tunnel of the group when any is off, else stops them all. */
  toggleGroup(groupId: string): Promise<void>;
  startRdp(target: ForwardTarget): Promise<Result<TunnelInfo>>;
  /** The Windows password for `target`, decrypted in main with the key text; kept nowhere here. */
  password(target: ForwardTarget, keyPem: string): Promise<Result<InvokeResponse<'rdp.password'>>>;
  /** The ~/.ssh/config block for `target` (main writes it: it knows how the porthole CLI is started). */
  sshConfig(target: SshTarget): Promise<Result<InvokeResponse<'ssh.config'>>>;
  /** Starts ssh to `target` in the system terminal. */
  sshOpen(target: SshTarget): Promise<Result<InvokeResponse<'ssh.open'>>>;
  clearError(id: string): void;
}

export type TunnelsState = TunnelsData & TunnelsActions;
export type TunnelsStore = StoreApi<TunnelsState>;

const LIVE: ReadonlySet<TunnelState> = new Set(['starting', 'open', 'reconnecting']);

export function isLiveTunnel(t: Pick<TunnelInfo, 'state'>): boolean {
  return LIVE.has(t.state);
}

/** How many tunnels are up (the status bar count). */
export function liveTunnelCount(tunnels: readonly TunnelInfo[]): number {
  return tunnels.filter(isLiveTunnel).length;
}

/** The running tunnel of a saved one, if any. */
export function runningOf(tunnels: readonly TunnelInfo[], savedId: string): TunnelInfo | undefined {
  return tunnels.find((t) => t.savedId === savedId && isLiveTunnel(t));
}

/** A group is on when every one of its (existing) tunnels runs. */
export function groupIsOn(group: TunnelGroup, tunnels: readonly TunnelInfo[]): boolean {
  return group.tunnelIds.length > 0 && group.tunnelIds.every((id) => runningOf(tunnels, id) !== undefined);
}

/** Bytes as B / KiB / MiB / GiB with one decimal from KiB up. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} ${units[0]}` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** `host:port`, IPv6 in brackets. */
export function formatAddress(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** True for addresses other machines can reach (the dialog warns before binding them). */
export function isNonLoopback(address: string): boolean {
  const a = address
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (a === '' || a === 'localhost' || a === '::1' || a === '0:0:0:0:0:0:0:1') return false;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a) || /^::ffff:127\./.test(a)) return false;
  return true;
}

function sshRequest(target: SshTarget): InvokeRequest<'ssh.config'> {
  const user = target.user?.trim();
  return {
    profile: target.profile,
    region: target.region,
    target: target.instanceId,
    ...(target.name ? { name: target.name.slice(0, 256) } : {}),
    ...(user ? { user: user.slice(0, 64) } : {}),
  };
}

export function createTunnelsStore(bridge: PortholeBridge): TunnelsStore {
  const call = <C extends InvokeChannel>(channel: C, request: InvokeRequest<C>) =>
    invokeSafely(bridge, channel, request);

  const store = createStore<TunnelsState>()((set, get) => {
    const setBusy = (id: string, on: boolean) => {
      const busy = { ...get().busy };
      if (on) busy[id] = true;
      else delete busy[id];
      set({ busy });
    };
    const setError = (id: string, error: ErrorValue | undefined) => {
      const errors = { ...get().errors };
      if (error) errors[id] = toErrorValue(error);
      else delete errors[id];
      set({ errors });
    };
    const upsert = (info: TunnelInfo) => set({ tunnels: upsertTunnel(get().tunnels, info) });

    async function loadSaved(): Promise<void> {
      const saved = await call('tunnel.saved.list', {});
      if (saved.ok) set({ saved: saved.value.tunnels, groups: saved.value.groups });
    }

    return {
      status: 'idle',
      tunnels: [],
      saved: [],
      groups: [],
      busy: {},
      errors: {},

      async load() {
        set({ status: get().status === 'ready' ? 'ready' : 'loading' });
        const [live, saved] = await Promise.all([call('tunnel.list', {}), call('tunnel.saved.list', {})]);
        if (!live.ok || !saved.ok) {
          const failed = !live.ok ? live : !saved.ok ? saved : undefined;
          set({ status: 'failed', ...(failed ? { loadError: toErrorValue(failed) } : {}) });
          return;
        }
        // Failed rows the user has not dismissed stay; everything else comes from main.
        const failed = get().tunnels.filter(
          (t) => t.state === 'failed' && !live.value.tunnels.some((l) => l.id === t.id),
        );
        set({
          status: 'ready',
          loadError: undefined,
          tunnels: [...live.value.tunnels, ...failed],
          saved: saved.value.tunnels,
          groups: saved.value.groups,
        });
      },

      openForward: (target) => set({ forward: target ? { target } : {} }),
      closeForward: () => set({ forward: undefined }),

      async start(spec, options) {
        let savedId: string | undefined;
        if (options?.save) {
          const saved = await call('tunnel.saved.save', {
            tunnel: { ...spec, ...(options.targetName ? { targetName: options.targetName } : {}) },
          });
          if (!saved.ok) return saved;
          savedId = saved.value.tunnel.id;
          set({ saved: [...get().saved, saved.value.tunnel] });
        }
        const result = await call('tunnel.start', { ...spec, ...(savedId ? { savedId } : {}) });
        if (result.ok) upsert(result.value);
        else if (savedId) setError(savedId, result);
        return result;
      },

      async stop(tunnelId) {
        setBusy(tunnelId, true);
        const result = await call('tunnel.stop', { id: tunnelId });
        setBusy(tunnelId, false);
        if (result.ok) set({ tunnels: get().tunnels.filter((t) => t.id !== tunnelId || t.state === 'failed') });
        if (!result.ok) setError(tunnelId, result);
      },

      dismiss(tunnelId) {
        set({ tunnels: get().tunnels.filter((t) => t.id !== tunnelId) });
        setError(tunnelId, undefined);
        // Main keeps a failed tunnel (with its error) until it is stopped.
        void call('tunnel.stop', { id: tunnelId });
      },

      async toggleSaved(savedId) {
        const saved = get().saved.find((s) => s.id === savedId);
        if (!saved || get().busy[savedId]) return;
        setBusy(savedId, true);
        setError(savedId, undefined);
        const running = runningOf(get().tunnels, savedId);
        if (running) {
          const result = await call('tunnel.stop', { id: running.id });
          if (result.ok) set({ tunnels: get().tunnels.filter((t) => t.id !== running.id) });
          else setError(savedId, result);
        } else {
          // A failed row of this saved tunnel gives way to the new attempt.
          set({ tunnels: get().tunnels.filter((t) => !(t.savedId === savedId && t.state === 'failed')) });
          const { id: _id, targetName: _name, ...spec } = saved;
          const result = await call('tunnel.start', { ...spec, savedId });
          if (result.ok) upsert(result.value);
          else setError(savedId, result);
        }
        setBusy(savedId, false);
      },

      async removeSaved(savedId) {
        const running = runningOf(get().tunnels, savedId);
        if (running) await get().stop(running.id);
        const result = await call('tunnel.saved.remove', { id: savedId });
        if (!result.ok) {
          setError(savedId, result);
          return;
        }
        setError(savedId, undefined);
        await loadSaved();
      },

      async saveGroup(name, tunnelIds) {
        const result = await call('tunnel.saved.saveGroup', { group: { name, tunnelIds: [...tunnelIds] } });
        if (result.ok) set({ groups: [...get().groups, result.value.group] });
        return result.ok ? { ok: true, value: result.value.group } : result;
      },

      async removeGroup(groupId) {
        const result = await call('tunnel.saved.removeGroup', { id: groupId });
        if (result.ok) set({ groups: get().groups.filter((g) => g.id !== groupId) });
        else setError(groupId, result);
      },

      async toggleGroup(groupId) {
        const group = get().groups.find((g) => g.id === groupId);
        if (!group || get().busy[groupId]) return;
        const on = !groupIsOn(group, get().tunnels);
        setBusy(groupId, true);
        setError(groupId, undefined);
        for (const id of group.tunnelIds) setError(id, undefined);
        const result = await call('tunnel.saved.toggleGroup', { id: groupId, on });
        setBusy(groupId, false);
        if (!result.ok) {
          setError(groupId, result);
          return;
        }
        for (const info of result.value.started) upsert(info);
        if (!on) {
          set({ tunnels: get().tunnels.filter((t) => !(t.savedId && group.tunnelIds.includes(t.savedId))) });
        }
        for (const f of result.value.failures) setError(f.savedId, { code: f.code, message: f.message });
      },

      async startRdp(target) {
        const key = `rdp:${target.instanceId}`;
        setBusy(key, true);
        setError(key, undefined);
        const result = await call('rdp.start', {
          profile: target.profile,
          region: target.region,
          target: target.instanceId,
          ...(target.title ? { name: target.title.slice(0, 128) } : {}),
        });
        setBusy(key, false);
        if (result.ok) upsert(result.value);
        else setError(key, result);
        return result;
      },

      password: (target, keyPem) =>
        call('rdp.password', { profile: target.profile, region: target.region, target: target.instanceId, keyPem }),

      sshConfig: (target) => call('ssh.config', sshRequest(target)),
      sshOpen: (target) => call('ssh.open', sshRequest(target)),

      clearError: (id) => setError(id, undefined),
    };
  });

  bridge.on('tunnel.state', (info) => {
    const { tunnels } = store.getState();
    if (info.state === 'stopped') {
      store.setState({ tunnels: tunnels.filter((t) => t.id !== info.id) });
      return;
    }
    // A tunnel this renderer let go of (dismissed) is not brought back by its last events.
    if (info.state === 'stopping' && !tunnels.some((t) => t.id === info.id)) return;
    store.setState({ tunnels: upsertTunnel(tunnels, info) });
  });

  bridge.on('tunnel.stats', ({ tunnels: live }) => {
    const byId = new Map(live.map((t) => [t.id, t]));
    const current = store.getState().tunnels;
    // Counters only for tunnels this renderer shows; a stopped one is not brought back by a late sample.
    const next = current.map((t) => {
      const fresh = byId.get(t.id);
      return fresh && t.state !== 'failed' ? { ...t, ...fresh } : t;
    });
    const known = new Set(current.map((t) => t.id));
    const added = live.filter((t) => !known.has(t.id) && isLiveTunnel(t));
    store.setState({ tunnels: [...next, ...added] });
  });

  // A dropped host connection may have missed events: list again once it is back.
  const withState = bridge as PortholeBridge & { onDidChangeState?(listener: (state: string) => void): () => void };
  let wasDown = false;
  withState.onDidChangeState?.((state) => {
    if (state === 'reconnecting') wasDown = true;
    if (state === 'open' && wasDown) {
      wasDown = false;
      void store.getState().load();
    }
  });

  return store;
}

function upsertTunnel(tunnels: readonly TunnelInfo[], info: TunnelInfo): TunnelInfo[] {
  const index = tunnels.findIndex((t) => t.id === info.id);
  if (index < 0) return [...tunnels, info];
  return tunnels.map((t, i) => (i === index ? { ...t, ...info } : t));
}
