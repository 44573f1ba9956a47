import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ErrorValue } from '../../../shared/errors';
import type { PortholeBridge } from '../../../shared/ipc/bridge';
import type { InvokeChannel, InvokeRequest } from '../../../shared/ipc/contract';
import { invokeSafely, toErrorValue } from './invoke';
import {
  FLEET_LIMITS,
  type FleetSource,
  type MfaPromptEvent,
  type ProfileIdentity,
  type SourceStatus,
} from '../../../shared/model/fleet';
import type { Instance, Profile } from '../../../shared/model/instance';
import {
  MAX_RECENTS,
  PREF_KEYS,
  readFavourites,
  readGroupBy,
  readRecents,
  readRefreshMinutes,
  readShowFacets,
  readSources,
  writePref,
  type PreferenceStorage,
} from './prefs';

export type { PreferenceStorage } from './prefs';

export type ThemePreference = 'system' | 'light' | 'dark';

export type InventoryStatus = 'idle' | 'loading' | 'ready' | 'failed';

export interface AppInfo {
  readonly version: string;
  readonly host: 'electron' | 'web';
  readonly endpointUrl?: string;
}

/** One profile x region of the current selection and how its listing went. */
export interface SourceView {
  readonly profile: string;
  readonly region: string;
  /** loading: asked, no answer yet; cached: rows from the disk cache; ok / error: listed now. */
  readonly state: 'loading' | 'ok' | 'cached' | 'error';
  readonly count: number;
  readonly accountId?: string;
  readonly fetchedAt?: string;
  readonly error?: ErrorValue;
}

export interface IdentityView {
  readonly status: 'loading' | 'ready' | 'failed';
  readonly identity?: ProfileIdentity;
  readonly error?: ErrorValue;
}

export interface SsoCode {
  readonly userCode: string;
  readonly verificationUri: string;
  readonly verificationUriComplete: string;
  readonly expiresAt: string;
}

/** An SSO sign-in the user started: waiting for approval in the browser, or failed. */
export interface SsoSignInView {
  readonly profile: string;
  readonly status: 'starting' | 'waiting' | 'failed';
  readonly code?: SsoCode;
  readonly error?: ErrorValue;
}

export type ListFilter = 'all' | 'favourites' | 'recents';

/** Everything here is plain, serializable data; actions live beside it in the same store. */
export interface AppData {
  readonly info?: AppInfo;
  readonly profilesStatus: 'loading' | 'ready' | 'failed';
  readonly profiles: readonly Profile[];
  readonly profilesError?: ErrorValue;
  /** The first chosen profile (the header picker and the history view use it). */
  readonly profile?: string;
  /** The first chosen region. */
  readonly region?: string;
  /** Every chosen profile and region: the fleet lists each profile x region. */
  readonly selectedProfiles: readonly string[];
  readonly selectedRegions: readonly string[];
  /** Regions to offer (the first profile's enabled regions plus the chosen ones). */
  readonly regions: readonly string[];
  readonly regionsError?: ErrorValue;
  readonly inventoryStatus: InventoryStatus;
  /** True while a refresh runs with the previous list still on screen. */
  readonly refreshing: boolean;
  /** The merged list of every source. */
  readonly instances: readonly Instance[];
  readonly sources: readonly SourceView[];
  readonly fetchedAt?: string;
  /** Set when nothing could be listed (every source failed, or the host did not answer). */
  readonly inventoryError?: ErrorValue;
  readonly identities: Readonly<Record<string, IdentityView>>;
  readonly refreshMinutes: number;
  readonly query: string;
  readonly selectedId?: string;
  readonly favourites: readonly string[];
  readonly recents: readonly string[];
  readonly listFilter: ListFilter;
  /** Tag keys the list is grouped by, outermost first. */
  readonly groupBy: readonly string[];
  /** The tag sidebar; undefined until the user chooses (then the window's width decides). */
  readonly showFacets?: boolean;
  readonly mfaPrompts: readonly MfaPromptEvent[];
  readonly sso?: SsoSignInView;
  readonly theme: ThemePreference;
}

export interface AppActions {
  /** Loads app info and profiles, shows the cached list of the chosen sources, then lists them. */
  start(): Promise<void>;
  /** Chooses exactly this profile (the header picker). */
  selectProfile(name: string): Promise<void>;
  /** Chooses exactly this region (the header picker). */
  selectRegion(region: string): Promise<void>;
  /** Chooses several profiles and regions at once; the fleet lists every profile x region. */
  setSources(profiles: readonly string[], regions: readonly string[]): Promise<void>;
  /** Reloads the instance list, keeping the current rows on screen meanwhile. */
  refresh(): Promise<void>;
  /** Repeats whatever failed last (profiles, or the instance list). */
  retry(): Promise<void>;
  loadIdentity(profile: string): Promise<void>;
  setRefreshMinutes(minutes: number): void;
  setQuery(query: string): void;
  select(instanceId: string | undefined): void;
  toggleFavourite(instanceId: string): void;
  /** Remembers an instance the user connected to (most recent first). */
  noteRecent(instanceId: string): void;
  setListFilter(filter: ListFilter): void;
  setGroupBy(keys: readonly string[]): void;
  setShowFacets(show: boolean): void;
  /** Answers an MFA prompt; without a code it cancels it. Resolves to an error when the host refused. */
  answerMfa(id: string, code?: string): Promise<ErrorValue | undefined>;
  /** Runs the SSO device sign-in of a profile, then lists the fleet again. */
  ssoSignIn(profile: string): Promise<void>;
  ssoCancel(): Promise<void>;
  /** Hides a failed sign-in's message. */
  dismissSso(): void;
  setTheme(theme: ThemePreference): void;
  /** Stops listening to host events (tests; the app's store lives as long as the window). */
  dispose(): void;
}

export type AppState = AppData & AppActions;
export type AppStore = StoreApi<AppState>;

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

/** Every chosen profile x region, profiles outermost, capped at what one fleet.list accepts. */
export function sourcesOf(profiles: readonly string[], regions: readonly string[]): FleetSource[] {
  const out: FleetSource[] = [];
  for (const profile of profiles) for (const region of regions) out.push({ profile, region });
  return out.slice(0, FLEET_LIMITS.maxSources);
}

const sameSource = (a: { profile: string; region: string }, b: { profile: string; region: string }) =>
  a.profile === b.profile && a.region === b.region;

function toView(status: SourceStatus): SourceView {
  return {
    profile: status.profile,
    region: status.region,
    state: status.state,
    count: status.count,
    ...(status.accountId ? { accountId: status.accountId } : {}),
    ...(status.fetchedAt ? { fetchedAt: status.fetchedAt } : {}),
    ...(status.error ? { error: toErrorValue(status.error) } : {}),
  };
}

function latest(sources: readonly SourceView[]): string | undefined {
  let best: string | undefined;
  for (const s of sources) if (s.fetchedAt && (!best || s.fetchedAt > best)) best = s.fetchedAt;
  return best;
}

export function createAppStore({ bridge, storage }: AppStoreDeps): AppStore {
  const call = <C extends InvokeChannel>(channel: C, request: InvokeRequest<C>) =>
    invokeSafely(bridge, channel, request);

  // Each load gets a number; an answer that arrives after a newer request started is dropped.
  let inventorySeq = 0;
  let regionsSeq = 0;
  let ssoSeq = 0;
  const unsubscribe: (() => void)[] = [];

  return createStore<AppState>()((set, get) => {
    function subscribe(): void {
      if (unsubscribe.length > 0) return;
      unsubscribe.push(
        bridge.on('fleet.source', (status) => {
          const { sources } = get();
          if (!sources.some((s) => sameSource(s, status))) return;
          set({ sources: sources.map((s) => (sameSource(s, status) ? toView(status) : s)) });
        }),
        bridge.on('auth.mfaPrompt', (prompt) => {
          if (get().mfaPrompts.some((p) => p.id === prompt.id)) return;
          set({ mfaPrompts: [...get().mfaPrompts, prompt] });
        }),
        bridge.on('auth.ssoCode', (code) => {
          const sso = get().sso;
          if (!sso || sso.profile !== code.profile) return;
          const { userCode, verificationUri, verificationUriComplete, expiresAt } = code;
          set({
            sso: { ...sso, status: 'waiting', code: { userCode, verificationUri, verificationUriComplete, expiresAt } },
          });
        }),
      );
    }

    function choose(profiles: readonly string[], regions: readonly string[]): void {
      set({
        selectedProfiles: profiles,
        selectedRegions: regions,
        profile: profiles[0],
        region: regions[0],
        regions: regions.length > 0 ? [...new Set([...regions, ...get().regions])] : get().regions,
        selectedId: undefined,
      });
      writePref(storage, PREF_KEYS.sources, { profiles, regions });
    }

    async function loadRegions(profile: string): Promise<void> {
      const seq = ++regionsSeq;
      const result = await call('regions.list', { profile });
      if (seq !== regionsSeq) return;
      if (result.ok) {
        const chosen = get().selectedRegions.filter((r) => !result.value.regions.includes(r));
        set({ regions: [...chosen, ...result.value.regions], regionsError: undefined });
      } else {
        set({ regionsError: toErrorValue(result) });
      }
    }

    /** Lists the chosen sources. `replace`: a new choice (cache first, then the listing); `refresh`: keep rows. */
    async function loadInstances(mode: 'replace' | 'refresh'): Promise<void> {
      const sources = sourcesOf(get().selectedProfiles, get().selectedRegions);
      if (sources.length === 0) return;
      const seq = ++inventorySeq;
      const loadingViews = sources.map((s): SourceView => ({ ...s, state: 'loading', count: 0 }));
      if (mode === 'refresh' && get().inventoryStatus === 'ready') {
        set({
          refreshing: true,
          sources: get().sources.map((s) => (sources.some((x) => sameSource(x, s)) ? { ...s, state: 'loading' } : s)),
        });
      } else {
        set({
          inventoryStatus: 'loading',
          refreshing: false,
          instances: [],
          sources: loadingViews,
          inventoryError: undefined,
          fetchedAt: undefined,
        });
        // Show the last listing of these sources at once, then refresh it.
        const cached = await call('fleet.cached', { sources });
        if (seq !== inventorySeq) return;
        if (cached.ok && cached.value.instances.length > 0) {
          const views = cached.value.sources.map(toView);
          set({
            inventoryStatus: 'ready',
            refreshing: true,
            instances: cached.value.instances,
            sources: loadingViews.map((s) => ({ ...s, ...views.find((v) => sameSource(v, s)), state: 'loading' })),
            fetchedAt: latest(views),
          });
        }
      }
      const result = await call('fleet.list', { sources });
      if (seq !== inventorySeq) return;
      if (!result.ok) {
        if (get().inventoryStatus === 'ready') {
          // Keep what is on screen; every source shows the failure.
          const error = toErrorValue(result);
          set({ refreshing: false, sources: get().sources.map((s) => ({ ...s, state: 'error', error })) });
        } else {
          set({ inventoryStatus: 'failed', refreshing: false, instances: [], inventoryError: toErrorValue(result) });
        }
        return;
      }
      const { instances } = result.value;
      const views = result.value.sources.map(toView);
      const failed = views.filter((v) => v.state === 'error');
      const selectedId = get().selectedId;
      if (instances.length === 0 && failed.length === views.length && failed[0]?.error) {
        const first = failed[0];
        set({
          inventoryStatus: 'failed',
          refreshing: false,
          instances: [],
          sources: views,
          inventoryError: {
            ...first.error!,
            params: { profile: first.profile, region: first.region, ...first.error!.params },
          },
          selectedId: undefined,
        });
        return;
      }
      set({
        inventoryStatus: 'ready',
        refreshing: false,
        instances,
        sources: views,
        fetchedAt: latest(views) ?? new Date().toISOString(),
        inventoryError: undefined,
        selectedId: instances.some((i) => i.instanceId === selectedId) ? selectedId : undefined,
      });
      // Who each working profile is (no prompt: its session is cached by the listing).
      for (const profile of new Set(views.filter((v) => v.state === 'ok').map((v) => v.profile))) {
        if (!get().identities[profile]) void loadIdentity(profile);
      }
    }

    async function loadIdentity(profile: string): Promise<void> {
      set({ identities: { ...get().identities, [profile]: { status: 'loading' } } });
      const result = await call('profiles.identity', { profile });
      set({
        identities: {
          ...get().identities,
          [profile]: result.ok
            ? { status: 'ready', identity: result.value }
            : { status: 'failed', error: toErrorValue(result) },
        },
      });
    }

    async function loadProfiles(): Promise<void> {
      subscribe();
      set({ profilesStatus: 'loading', profilesError: undefined });
      const [info, result, prompts] = await Promise.all([
        call('app.info', {}),
        call('profiles.list', {}),
        call('auth.mfaPrompts', {}),
      ]);
      if (info.ok) set({ info: info.value });
      if (prompts.ok && prompts.value.prompts.length > 0) {
        const known = new Set(get().mfaPrompts.map((p) => p.id));
        set({ mfaPrompts: [...get().mfaPrompts, ...prompts.value.prompts.filter((p) => !known.has(p.id))] });
      }
      if (!result.ok) {
        set({ profilesStatus: 'failed', profilesError: toErrorValue(result) });
        return;
      }
      const { profiles, defaultProfile, defaultRegion } = result.value;
      const names = new Set(profiles.map((p) => p.name));
      const current = get().selectedProfiles.filter((p) => names.has(p));
      const stored = readSources(storage);
      const storedProfiles = stored?.profiles.filter((p) => names.has(p)) ?? [];
      let chosenProfiles: string[];
      let chosenRegions: readonly string[];
      if (current.length > 0 && get().selectedRegions.length > 0) {
        chosenProfiles = current;
        chosenRegions = get().selectedRegions;
      } else if (stored && storedProfiles.length > 0) {
        chosenProfiles = storedProfiles;
        chosenRegions = stored.regions;
      } else {
        const first =
          profiles.find((p) => p.name === defaultProfile) ?? profiles.find((p) => p.name === 'default') ?? profiles[0];
        chosenProfiles = first ? [first.name] : [];
        chosenRegions = [first?.region ?? defaultRegion ?? FALLBACK_REGION];
      }
      set({ profilesStatus: 'ready', profiles, regions: [...chosenRegions] });
      choose(chosenProfiles, chosenRegions);
      const primary = chosenProfiles[0];
      if (!primary) return;
      await Promise.all([loadRegions(primary), loadInstances('replace')]);
    }

    return {
      profilesStatus: 'loading',
      profiles: [],
      selectedProfiles: [],
      selectedRegions: [],
      regions: [],
      inventoryStatus: 'idle',
      refreshing: false,
      instances: [],
      sources: [],
      identities: {},
      refreshMinutes: readRefreshMinutes(storage),
      query: '',
      favourites: readFavourites(storage),
      recents: readRecents(storage),
      listFilter: 'all',
      groupBy: readGroupBy(storage),
      ...(readShowFacets(storage) !== undefined ? { showFacets: readShowFacets(storage) } : {}),
      mfaPrompts: [],
      theme: readTheme(storage),

      start: loadProfiles,

      async selectProfile(name) {
        const profile = get().profiles.find((p) => p.name === name);
        if (!profile) return;
        const { selectedProfiles, selectedRegions } = get();
        if (selectedProfiles.length === 1 && selectedProfiles[0] === name) return;
        const regions = selectedRegions.length > 0 ? selectedRegions : [profile.region ?? FALLBACK_REGION];
        choose([name], regions);
        set({ regionsError: undefined });
        await Promise.all([loadRegions(name), loadInstances('replace')]);
      },

      async selectRegion(region) {
        const { selectedRegions } = get();
        if (selectedRegions.length === 1 && selectedRegions[0] === region) return;
        choose(get().selectedProfiles, [region]);
        await loadInstances('replace');
      },

      async setSources(profiles, regions) {
        const known = new Set(get().profiles.map((p) => p.name));
        const p = [...new Set(profiles)].filter((x) => known.has(x));
        const r = [...new Set(regions)];
        if (p.length === 0 || r.length === 0) return;
        const before = get();
        if (p.join('\n') === before.selectedProfiles.join('\n') && r.join('\n') === before.selectedRegions.join('\n'))
          return;
        const primaryChanged = p[0] !== before.selectedProfiles[0];
        choose(p, r);
        await Promise.all([primaryChanged ? loadRegions(p[0]!) : Promise.resolve(), loadInstances('replace')]);
      },

      refresh: () => loadInstances('refresh'),

      async retry() {
        if (get().profilesStatus !== 'ready' || get().profiles.length === 0) {
          await loadProfiles();
          return;
        }
        const { profile } = get();
        if (get().regionsError && profile) void loadRegions(profile);
        await loadInstances(get().inventoryStatus === 'ready' ? 'refresh' : 'replace');
      },

      loadIdentity,

      setRefreshMinutes(minutes) {
        set({ refreshMinutes: minutes });
        writePref(storage, PREF_KEYS.refreshMinutes, minutes);
      },

      setQuery: (query) => set({ query }),
      select: (selectedId) => set({ selectedId }),

      toggleFavourite(instanceId) {
        const { favourites } = get();
        const next = favourites.includes(instanceId)
          ? favourites.filter((id) => id !== instanceId)
          : [...favourites, instanceId];
        set({ favourites: next });
        writePref(storage, PREF_KEYS.favourites, next);
      },

      noteRecent(instanceId) {
        const next = [instanceId, ...get().recents.filter((id) => id !== instanceId)].slice(0, MAX_RECENTS);
        set({ recents: next });
        writePref(storage, PREF_KEYS.recents, next);
      },

      setListFilter: (listFilter) => set({ listFilter }),

      setGroupBy(keys) {
        const next = [...new Set(keys)].slice(0, 4);
        set({ groupBy: next });
        writePref(storage, PREF_KEYS.groupBy, next);
      },

      setShowFacets(showFacets) {
        set({ showFacets });
        writePref(storage, PREF_KEYS.facets, showFacets);
      },

      async answerMfa(id, code) {
        const result = await call('auth.mfaAnswer', code === undefined ? { id } : { id, code });
        if (!result.ok) return toErrorValue(result);
        set({ mfaPrompts: get().mfaPrompts.filter((p) => p.id !== id) });
        return undefined;
      },

      async ssoSignIn(profile) {
        const seq = ++ssoSeq;
        set({ sso: { profile, status: 'starting' } });
        const result = await call('auth.ssoSignIn', { profile });
        if (seq !== ssoSeq) return;
        if (!result.ok) {
          set({ sso: { profile, status: 'failed', error: toErrorValue(result) } });
          return;
        }
        set({ sso: undefined, identities: { ...get().identities, [profile]: { status: 'loading' } } });
        void loadIdentity(profile);
        await loadInstances('refresh');
      },

      async ssoCancel() {
        const sso = get().sso;
        if (!sso) return;
        ssoSeq++;
        set({ sso: undefined });
        if (sso.status !== 'failed') await call('auth.ssoCancel', { profile: sso.profile });
      },

      dismissSso: () => set({ sso: undefined }),

      setTheme(theme) {
        set({ theme });
        try {
          storage?.setItem(THEME_STORAGE_KEY, theme);
        } catch {
          // Storage may be unavailable (private mode, quota); the choice still holds for this window.
        }
      },

      dispose() {
        for (const off of unsubscribe.splice(0)) off();
      },
    };
  });
}
