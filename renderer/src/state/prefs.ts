/**
 * Preferences the instance browser keeps between launches (Web Storage): the chosen sources, favourites,
 * recents, grouping and the refresh interval. Every read validates what it finds, so a hand-edited or older
 * value never breaks start-up; every write tolerates a storage that refuses (private mode, quota).
 */

/** The part of Web Storage the stores use (so tests can pass a Map-backed one). */
export interface PreferenceStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const PREF_KEYS = {
  sources: 'porthole.fleet.sources',
  favourites: 'porthole.fleet.favourites',
  recents: 'porthole.fleet.recents',
  groupBy: 'porthole.fleet.groupBy',
  refreshMinutes: 'porthole.fleet.refreshMinutes',
  facets: 'porthole.fleet.facets',
} as const;

/** At most this many recents are kept (most recent first). */
export const MAX_RECENTS = 20;
/** Choices of the refresh interval, in minutes (0 = off). */
export const REFRESH_CHOICES = [0, 1, 5, 15, 30] as const;

export interface SourceChoice {
  readonly profiles: readonly string[];
  readonly regions: readonly string[];
}

function readJson(storage: PreferenceStorage | undefined, key: string): unknown {
  try {
    const text = storage?.getItem(key);
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

export function writePref(storage: PreferenceStorage | undefined, key: string, value: unknown): void {
  try {
    storage?.setItem(key, JSON.stringify(value));
  } catch {
    // The choice still holds for this window.
  }
}

function stringList(value: unknown, max: number): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const item of value) {
    if (typeof item === 'string' && item.length > 0 && item.length <= 256 && !out.includes(item)) out.push(item);
    if (out.length >= max) break;
  }
  return out;
}

export function readSources(storage: PreferenceStorage | undefined): SourceChoice | undefined {
  const value = readJson(storage, PREF_KEYS.sources);
  if (!value || typeof value !== 'object') return undefined;
  const { profiles, regions } = value as { profiles?: unknown; regions?: unknown };
  const p = stringList(profiles, 100);
  const r = stringList(regions, 40).filter((x) => /^[a-z]{2}(-[a-z]+)+-\d+$/.test(x));
  return p.length > 0 && r.length > 0 ? { profiles: p, regions: r } : undefined;
}

export function readFavourites(storage: PreferenceStorage | undefined): string[] {
  return stringList(readJson(storage, PREF_KEYS.favourites), 5000);
}

export function readRecents(storage: PreferenceStorage | undefined): string[] {
  return stringList(readJson(storage, PREF_KEYS.recents), MAX_RECENTS);
}

export function readGroupBy(storage: PreferenceStorage | undefined): string[] {
  return stringList(readJson(storage, PREF_KEYS.groupBy), 4);
}

export function readRefreshMinutes(storage: PreferenceStorage | undefined): number {
  const value = readJson(storage, PREF_KEYS.refreshMinutes);
  return typeof value === 'number' && (REFRESH_CHOICES as readonly number[]).includes(value) ? value : 0;
}

/** Whether the tag sidebar is shown; undefined: never chosen (the view decides by the window's width). */
export function readShowFacets(storage: PreferenceStorage | undefined): boolean | undefined {
  const value = readJson(storage, PREF_KEYS.facets);
  return typeof value === 'boolean' ? value : undefined;
}
