/**
 * Terminal settings: font family and size, scrollback, copy on select and the multi-line paste warning.
 * Validated (each field has a range), remembered in localStorage (no secrets here), and applied live: the terminal
 * registry subscribes and updates every open terminal's options.
 *
 * Bad input never replaces a good value: `update` refuses the invalid fields (with a message key the panel shows)
 * and applies the rest; a stored value that no longer validates falls back to its default, field by field.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { MessageKey } from '../../../shared/i18n/catalog';
import type { PreferenceStorage } from './store';

export interface TerminalPreferences {
  readonly fontFamily: string;
  readonly fontSize: number;
  /** Lines kept above the screen. */
  readonly scrollback: number;
  readonly copyOnSelect: boolean;
  /** Ask before pasting text with line breaks (each one runs a command). */
  readonly pasteWarning: boolean;
}

export type TerminalPreferenceKey = keyof TerminalPreferences;

export const DEFAULT_TERMINAL_PREFERENCES: TerminalPreferences = {
  fontFamily:
    "'JetBrains Mono', 'Cascadia Mono', 'SF Mono', 'DejaVu Sans Mono', Menlo, Consolas, 'Noto Sans Mono CJK JP', monospace",
  fontSize: 13,
  scrollback: 10_000,
  copyOnSelect: false,
  pasteWarning: true,
};

/** Inclusive ranges of the numeric settings. */
export const TERMINAL_PREFERENCE_RANGES = {
  fontSize: { min: 8, max: 32 },
  /** xterm keeps every line in memory: 100 000 lines of 200 columns is already tens of MB per tab. */
  scrollback: { min: 0, max: 100_000 },
  fontFamilyLength: { max: 300 },
} as const;

/** Where the settings are remembered (one JSON object). */
export const TERMINAL_SETTINGS_KEY = 'porthole.terminal.settings';
/** Keys of an earlier version (font size and copy on select only), read once when there is no JSON yet. */
const LEGACY_FONT_SIZE_KEY = 'porthole.terminal.fontSize';
const LEGACY_COPY_ON_SELECT_KEY = 'porthole.terminal.copyOnSelect';

export interface SettingError {
  readonly key: MessageKey;
  readonly params?: Readonly<Record<string, string | number>>;
}

export type FieldErrors = Partial<Record<TerminalPreferenceKey, SettingError>>;

type Check<K extends TerminalPreferenceKey> =
  { ok: true; value: TerminalPreferences[K] } | { ok: false; error: SettingError };

function integerIn(value: unknown, range: { min: number; max: number }): Check<'fontSize'> {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < range.min || n > range.max) {
    return { ok: false, error: { key: 'settings.error.range', params: { min: range.min, max: range.max } } };
  }
  return { ok: true, value: n };
}

/** Checks one field; strings from form inputs are accepted for the numbers ("14"). */
export function checkPreference<K extends TerminalPreferenceKey>(key: K, value: unknown): Check<K> {
  switch (key) {
    case 'fontSize':
      return integerIn(value, TERMINAL_PREFERENCE_RANGES.fontSize) as Check<K>;
    case 'scrollback':
      return integerIn(value, TERMINAL_PREFERENCE_RANGES.scrollback) as Check<K>;
    case 'fontFamily': {
      if (typeof value !== 'string' || value.trim() === '') {
        return { ok: false, error: { key: 'settings.error.fontFamilyEmpty' } };
      }
      const max = TERMINAL_PREFERENCE_RANGES.fontFamilyLength.max;
      // CSS font-family list: names, quotes, commas, spaces. Control characters, ; { } < > would break out of it.
      if (value.length > max || [...value].some(unsafeInFontList)) {
        return { ok: false, error: { key: 'settings.error.fontFamilyInvalid', params: { max } } };
      }
      return { ok: true, value: value.trim() as TerminalPreferences[K] };
    }
    case 'copyOnSelect':
    case 'pasteWarning':
      return typeof value === 'boolean'
        ? { ok: true, value: value as TerminalPreferences[K] }
        : { ok: false, error: { key: 'settings.error.boolean' } };
  }
  return { ok: false, error: { key: 'settings.error.boolean' } };
}

/** Control characters and `; { } < > \` have no place in a CSS font-family list and could break out of it. */
function unsafeInFontList(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f || ';{}<>\\'.includes(ch);
}

const KEYS = Object.keys(DEFAULT_TERMINAL_PREFERENCES) as TerminalPreferenceKey[];

export interface TerminalSettingsData {
  readonly preferences: TerminalPreferences;
  /** The settings panel is showing. */
  readonly panelOpen: boolean;
}

export interface TerminalSettingsActions {
  /** Applies the valid fields of `patch` (and remembers them); returns the refused ones with their reasons. */
  update(patch: Partial<Record<TerminalPreferenceKey, unknown>>): FieldErrors;
  /** Back to the defaults (and forgets the stored ones). */
  reset(): void;
  openPanel(): void;
  closePanel(): void;
}

export type TerminalSettingsState = TerminalSettingsData & TerminalSettingsActions;
export type TerminalSettingsStore = StoreApi<TerminalSettingsState>;

function readStored(storage: PreferenceStorage | undefined): TerminalPreferences {
  const result: Record<string, unknown> = { ...DEFAULT_TERMINAL_PREFERENCES };
  let stored: Record<string, unknown> = {};
  try {
    const raw = storage?.getItem(TERMINAL_SETTINGS_KEY);
    if (raw) {
      const parsed: unknown = JSON.parse(raw);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) stored = parsed as Record<string, unknown>;
    } else {
      const size = storage?.getItem(LEGACY_FONT_SIZE_KEY);
      const copy = storage?.getItem(LEGACY_COPY_ON_SELECT_KEY);
      if (size != null) stored.fontSize = size;
      if (copy != null) stored.copyOnSelect = copy === 'true';
    }
  } catch {
    stored = {};
  }
  for (const key of KEYS) {
    if (!(key in stored)) continue;
    const checked = checkPreference(key, stored[key]);
    if (checked.ok) result[key] = checked.value;
  }
  return result as unknown as TerminalPreferences;
}

/** The fields that differ between two settings (what the open terminals must be told); undefined when none. */
export function changedPreferences(
  before: TerminalPreferences,
  after: TerminalPreferences,
): Partial<TerminalPreferences> | undefined {
  if (before === after) return undefined;
  const changed: Record<string, unknown> = {};
  for (const key of KEYS) if (before[key] !== after[key]) changed[key] = after[key];
  return Object.keys(changed).length > 0 ? (changed as Partial<TerminalPreferences>) : undefined;
}

export function createTerminalSettingsStore(storage?: PreferenceStorage): TerminalSettingsStore {
  const save = (preferences: TerminalPreferences) => {
    try {
      storage?.setItem(TERMINAL_SETTINGS_KEY, JSON.stringify(preferences));
    } catch {
      // Storage full or disabled: the settings still apply to this window.
    }
  };
  return createStore<TerminalSettingsState>()((set, get) => ({
    preferences: readStored(storage),
    panelOpen: false,

    update(patch) {
      const errors: FieldErrors = {};
      const next: Record<string, unknown> = { ...get().preferences };
      let changed = false;
      for (const key of KEYS) {
        if (!(key in patch)) continue;
        const checked = checkPreference(key, patch[key]);
        if (!checked.ok) {
          errors[key] = checked.error;
        } else if (next[key] !== checked.value) {
          next[key] = checked.value;
          changed = true;
        }
      }
      if (changed) {
        const preferences = next as unknown as TerminalPreferences;
        set({ preferences });
        save(preferences);
      }
      return errors;
    },

    reset() {
      set({ preferences: DEFAULT_TERMINAL_PREFERENCES });
      save(DEFAULT_TERMINAL_PREFERENCES);
    },

    openPanel: () => set({ panelOpen: true }),
    closePanel: () => set({ panelOpen: false }),
  }));
}
