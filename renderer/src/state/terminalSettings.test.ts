import { afterEach, describe, expect, it } from 'vitest';
import { t } from '../../../shared/i18n/catalog';
import {
  changedPreferences,
  checkPreference,
  createTerminalSettingsStore,
  DEFAULT_TERMINAL_PREFERENCES,
  TERMINAL_SETTINGS_KEY,
} from './terminalSettings';

afterEach(() => window.localStorage.clear());

describe('terminal settings store', () => {
  it('starts from the defaults when nothing is stored', () => {
    const store = createTerminalSettingsStore(window.localStorage);
    expect(store.getState().preferences).toEqual(DEFAULT_TERMINAL_PREFERENCES);
    expect(store.getState().preferences.pasteWarning).toBe(true);
  });

  it('applies valid changes, remembers them, and a new window (store) reads them back', () => {
    const store = createTerminalSettingsStore(window.localStorage);
    const errors = store.getState().update({
      fontSize: '16',
      scrollback: 2500,
      fontFamily: "  'Noto Sans Mono CJK JP', monospace ",
      copyOnSelect: true,
      pasteWarning: false,
    });
    expect(errors).toEqual({});
    const expected = {
      fontSize: 16,
      scrollback: 2500,
      fontFamily: "'Noto Sans Mono CJK JP', monospace",
      copyOnSelect: true,
      pasteWarning: false,
    };
    expect(store.getState().preferences).toEqual(expected);
    expect(JSON.parse(window.localStorage.getItem(TERMINAL_SETTINGS_KEY)!)).toEqual(expected);
    expect(createTerminalSettingsStore(window.localStorage).getState().preferences).toEqual(expected);
  });

  it('refuses out-of-range or malformed values with a reason and keeps the last good value', () => {
    const store = createTerminalSettingsStore(window.localStorage);
    store.getState().update({ fontSize: 20, scrollback: 5000 });
    for (const [value, label] of [
      [7, 'below'],
      [33, 'above'],
      [14.5, 'fraction'],
      ['', 'empty'],
      ['abc', 'text'],
      [Number.NaN, 'NaN'],
    ] as const) {
      const errors = store.getState().update({ fontSize: value });
      expect(errors.fontSize, label).toEqual({ key: 'settings.error.range', params: { min: 8, max: 32 } });
    }
    expect(store.getState().update({ scrollback: -1 }).scrollback?.params).toEqual({ min: 0, max: 100_000 });
    expect(store.getState().update({ scrollback: 100_001 }).scrollback).toBeDefined();
    expect(store.getState().update({ fontFamily: '   ' }).fontFamily?.key).toBe('settings.error.fontFamilyEmpty');
    expect(store.getState().update({ fontFamily: 'mono; } body { color: red' }).fontFamily?.key).toBe(
      'settings.error.fontFamilyInvalid',
    );
    expect(store.getState().update({ fontFamily: 'x'.repeat(301) }).fontFamily?.key).toBe(
      'settings.error.fontFamilyInvalid',
    );
    expect(store.getState().update({ copyOnSelect: 'yes' }).copyOnSelect?.key).toBe('settings.error.boolean');
    expect(store.getState().preferences.fontSize).toBe(20);
    expect(store.getState().preferences.scrollback).toBe(5000);
    expect(store.getState().preferences.fontFamily).toBe(DEFAULT_TERMINAL_PREFERENCES.fontFamily);
    // The stored copy holds only good values.
    expect(JSON.parse(window.localStorage.getItem(TERMINAL_SETTINGS_KEY)!).fontSize).toBe(20);
  });

  it('applies the valid fields of a mixed change and reports only the bad one', () => {
    const store = createTerminalSettingsStore(window.localStorage);
    const errors = store.getState().update({ fontSize: 99, scrollback: 0 });
    expect(Object.keys(errors)).toEqual(['fontSize']);
    expect(store.getState().preferences.scrollback).toBe(0);
    expect(store.getState().preferences.fontSize).toBe(DEFAULT_TERMINAL_PREFERENCES.fontSize);
  });

  it('the error texts read well in English and Japanese', () => {
    const range = checkPreference('fontSize', 40);
    expect(range.ok).toBe(false);
    if (range.ok) return;
    expect(t(range.error.key, range.error.params)).toBe('Enter a whole number from 8 to 32.');
    expect(t(range.error.key, range.error.params, 'ja')).toBe('8 から 32 までの整数を入力してください。');
  });

  it('a stored value that no longer validates falls back to its default, field by field', () => {
    window.localStorage.setItem(
      TERMINAL_SETTINGS_KEY,
      JSON.stringify({ fontSize: 200, scrollback: 300, fontFamily: 42, copyOnSelect: true, unknown: 'x' }),
    );
    const p = createTerminalSettingsStore(window.localStorage).getState().preferences;
    expect(p).toEqual({ ...DEFAULT_TERMINAL_PREFERENCES, scrollback: 300, copyOnSelect: true });
    window.localStorage.setItem(TERMINAL_SETTINGS_KEY, '{not json');
    expect(createTerminalSettingsStore(window.localStorage).getState().preferences).toEqual(
      DEFAULT_TERMINAL_PREFERENCES,
    );
  });

  it('reads the font size and copy-on-select keys of the earlier version', () => {
    window.localStorage.setItem('porthole.terminal.fontSize', '18');
    window.localStorage.setItem('porthole.terminal.copyOnSelect', 'true');
    const p = createTerminalSettingsStore(window.localStorage).getState().preferences;
    expect(p.fontSize).toBe(18);
    expect(p.copyOnSelect).toBe(true);
  });

  it('works when storage throws (private mode, quota): settings still apply to this window', () => {
    const broken = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const store = createTerminalSettingsStore(broken);
    expect(store.getState().preferences).toEqual(DEFAULT_TERMINAL_PREFERENCES);
    expect(store.getState().update({ fontSize: 15 })).toEqual({});
    expect(store.getState().preferences.fontSize).toBe(15);
  });

  it('reset goes back to the defaults and remembers that', () => {
    const store = createTerminalSettingsStore(window.localStorage);
    store.getState().update({ fontSize: 24, pasteWarning: false });
    store.getState().reset();
    expect(store.getState().preferences).toEqual(DEFAULT_TERMINAL_PREFERENCES);
    expect(createTerminalSettingsStore(window.localStorage).getState().preferences).toEqual(
      DEFAULT_TERMINAL_PREFERENCES,
    );
  });

  it('notifies subscribers once per real change, with just the changed fields', () => {
    const store = createTerminalSettingsStore(window.localStorage);
    const seen: unknown[] = [];
    store.subscribe((s, prev) => seen.push(changedPreferences(prev.preferences, s.preferences)));
    store.getState().update({ scrollback: 1234 });
    store.getState().update({ scrollback: 1234 });
    store.getState().update({ fontSize: 'x' });
    store.getState().openPanel();
    expect(seen).toEqual([{ scrollback: 1234 }, undefined]);
    expect(store.getState().panelOpen).toBe(true);
    store.getState().closePanel();
    expect(store.getState().panelOpen).toBe(false);
  });
});
