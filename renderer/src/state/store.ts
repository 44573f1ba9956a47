import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ErrorValue, Result } from '../../../shared/errors';
import type { PortholeBridge } from '../../../shared/ipc/bridge';
import type { InvokeChannel, InvokeRequest, InvokeResponse } from '../../../shared/ipc/contract';
import type { Instance, Profile } from '../../../shared/model/instance';

export type ThemePreference = 'system' | 'light' | 'dark';

export type InventoryStatus = 'idle' | 'loading' | 'ready' | 'failed';

export interface AppInfo {
  readonly version: string;
  readonly host: 'electron' | 'web';
  readonly endpointUrl?: string;
}

/** Everything here is plain, serializable data; actions live beside it in the same store. */
export interface AppData {
  readonly info?: AppInfo;
  readonly profilesStatus: 'loading' | 'ready' | 'failed';
  readonly profiles: readonly Profile[];
  readonly profilesError?: ErrorValue;
  readonly profile?: string;
  readonly region?: string;
  readonly regions: readonly string[];
  readonly regionsError?: ErrorValue;
  readonly inventoryStatus: InventoryStatus;
  /** True while a refresh runs with the previous list still on screen. */
  readonly refreshing: boolean;
  readonly instances: readonly Instance[];
  readonly fetchedAt?: string;
  readonly inventoryError?: ErrorValue;
  readonly query: string;
  readonly selectedId?: string;
  readonly theme: ThemePreference;
}

export interface AppActions {
  /** Loads app info and profiles, then regions and instances for the default profile. */
  start(): Promise<void>;
  selectProfile(name: string): Promise<void>;
  selectRegion(region: string): Promise<void>;
  /** Reloads the instance list, keeping the current rows on screen meanwhile. */
  refresh(): Promise<void>;
  /** Repeats whatever failed last (profiles, or the instance list). */
  retry(): Promise<void>;
  setQuery(query: string): void;
  select(instanceId: string | undefined): void;
  setTheme(theme: ThemePreference): void;
}

export type AppState = AppData & AppActions;
export type AppStore = StoreApi<AppState>;

/** The part of Web Storage the store uses (so tests can pass a Map-backed one). */
export interface PreferenceStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface AppStoreDeps {
  readonly bridge: PortholeBridge;
  readonly storage?: PreferenceStorage;
}

export const THEME_STORAGE_KEY = 'porthole.theme';
const FALLBACK_REGION = 'us-east-1';

function readTheme(storage: PreferenceStorage | undefined): ThemePreference {
  try {
    const value = storage?.getItem(THEME_STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createAppStore({ bridge, storage }: AppStoreDeps): AppStore {
  /** Calls the bridge; a transport failure (host gone, socket closed) becomes an error value too. */
  async function call<C extends InvokeChannel>(
    channel: C,
    request: InvokeRequest<C>,
  ): Promise<Result<InvokeResponse<C>>> {
    try {
      return await bridge.invoke(channel, request);
    } catch (error) {
      const detail = describe(error);
      return {
        ok: false,
        code: 'INTERNAL',
        message: `Something went wrong inside Porthole: ${detail}`,
        params: { detail },
      };
    }
  }

  const toError = (r: { code: ErrorValue['code']; message: string; params?: ErrorValue['params'] }): ErrorValue =>
    r.params ? { code: r.code, message: r.message, params: r.params } : { code: r.code, message: r.message };

  // Each load gets a number; an answer that arrives after a newer request started is dropped.
  let inventorySeq = 0;
  let regionsSeq = 0;

  return createStore<AppState>()((set, get) => {
    async function loadRegions(profile: string): Promise<void> {
      const seq = ++regionsSeq;
      const result = await call('regions.list', { profile });
      if (seq !== regionsSeq) return;
      if (result.ok) {
        set({ regions: result.value.regions, regionsError: undefined });
      } else {
        set({ regionsError: toError(result) });
      }
    }

    async function loadInstances(mode: 'replace' | 'refresh'): Promise<void> {
      const { profile, region } = get();
      if (!profile || !region) return;
      const seq = ++inventorySeq;
      if (mode === 'refresh' && get().inventoryStatus === 'ready') {
        set({ refreshing: true });
      } else {
        set({
          inventoryStatus: 'loading',
          refreshing: false,
          instances: [],
          inventoryError: undefined,
          fetchedAt: undefined,
        });
      }
      const result = await call('inventory.list', { profile, region });
      if (seq !== inventorySeq) return;
      if (result.ok) {
        const { instances, fetchedAt } = result.value;
        const selectedId = get().selectedId;
        set({
          inventoryStatus: 'ready',
          refreshing: false,
          instances,
          fetchedAt,
          inventoryError: undefined,
          selectedId: instances.some((i) => i.instanceId === selectedId) ? selectedId : undefined,
        });
      } else {
        set({
          inventoryStatus: 'failed',
          refreshing: false,
          instances: [],
          inventoryError: toError(result),
          selectedId: undefined,
        });
      }
    }

    async function loadProfiles(): Promise<void> {
      set({ profilesStatus: 'loading', profilesError: undefined });
      const [info, result] = await Promise.all([call('app.info', {}), call('profiles.list', {})]);
      if (info.ok) set({ info: info.value });
      if (!result.ok) {
        set({ profilesStatus: 'failed', profilesError: toError(result) });
        return;
      }
      const { profiles, defaultProfile, defaultRegion } = result.value;
      const chosen =
        profiles.find((p) => p.name === get().profile) ??
        profiles.find((p) => p.name === defaultProfile) ??
        profiles.find((p) => p.name === 'default') ??
        profiles[0];
      const region = get().region ?? chosen?.region ?? defaultRegion ?? FALLBACK_REGION;
      set({
        profilesStatus: 'ready',
        profiles,
        profile: chosen?.name,
        region,
        regions: [region],
      });
      if (!chosen) return;
      await Promise.all([loadRegions(chosen.name), loadInstances('replace')]);
    }

    return {
      profilesStatus: 'loading',
      profiles: [],
      regions: [],
      inventoryStatus: 'idle',
      refreshing: false,
      instances: [],
      query: '',
      theme: readTheme(storage),

      start: loadProfiles,

      async selectProfile(name) {
        const profile = get().profiles.find((p) => p.name === name);
        if (!profile || name === get().profile) return;
        const region = profile.region ?? get().region ?? FALLBACK_REGION;
        set({ profile: name, region, regions: [region], regionsError: undefined, selectedId: undefined });
        await Promise.all([loadRegions(name), loadInstances('replace')]);
      },

      async selectRegion(region) {
        if (region === get().region) return;
        set({ region, selectedId: undefined });
        await loadInstances('replace');
      },

      refresh: () => loadInstances('refresh'),

      async retry() {
        if (get().profilesStatus !== 'ready' || get().profiles.length === 0) {
          await loadProfiles();
          return;
        }
        const { profile } = get();
        if (get().regionsError && profile) void loadRegions(profile);
        await loadInstances('replace');
      },

      setQuery: (query) => set({ query }),
      select: (selectedId) => set({ selectedId }),

      setTheme(theme) {
        set({ theme });
        try {
          storage?.setItem(THEME_STORAGE_KEY, theme);
        } catch {
          // Storage may be unavailable (private mode, quota); the choice still holds for this window.
        }
      },
    };
  });
}
