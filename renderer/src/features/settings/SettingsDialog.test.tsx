import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PortholeBridge } from '../../../../shared/ipc/bridge';
import { LocaleProvider } from '../../app/i18n';
import type { SessionsStore } from '../../state/sessions';
import { TerminalsProvider } from '../../state/sessionsContext';
import { changedPreferences, createTerminalSettingsStore, TERMINAL_SETTINGS_KEY } from '../../state/terminalSettings';
import { TerminalRegistry } from '../../terminal/registry';
import { SettingsDialog } from './SettingsDialog';

// jsdom has no canvas; xterm probes one when it loads (and copes with none). Say "none" instead of jsdom's error.
vi.hoisted(() => {
  HTMLCanvasElement.prototype.getContext = (() => null) as unknown as HTMLCanvasElement['getContext'];
});

afterEach(() => {
  cleanup();
  window.localStorage.clear();
});

const sends: { channel: string; payload: unknown }[] = [];
const bridge = {
  invoke: async () => ({ ok: false, code: 'UNKNOWN_CHANNEL', message: 'none' }),
  send: (channel: string, payload: unknown) => sends.push({ channel, payload }),
  on: () => () => undefined,
} as unknown as PortholeBridge;

/** The settings store wired to a real registry (xterm terminals not opened: jsdom has no canvas) as the app does. */
function setup(locale: 'en' | 'ja' = 'en') {
  const settings = createTerminalSettingsStore(window.localStorage);
  settings.getState().openPanel();
  const asked: string[] = [];
  const registry = new TerminalRegistry({
    bridge,
    settings: { ...settings.getState().preferences, theme: 'light' },
    webgl: false,
    confirmPaste: async (text) => {
      asked.push(text);
      return false;
    },
  });
  settings.subscribe((s, prev) => {
    const changed = changedPreferences(prev.preferences, s.preferences);
    if (changed) registry.updateSettings(changed);
  });
  const tab = registry.create('tab-1');
  const terminals = { store: {} as SessionsStore, registry, settings };
  render(
    <LocaleProvider locale={locale}>
      <TerminalsProvider value={terminals}>
        <SettingsDialog />
      </TerminalsProvider>
    </LocaleProvider>,
  );
  return { settings, registry, tab, asked };
}

function paste(element: HTMLElement, text: string): Event {
  const event = new Event('paste', { bubbles: true, cancelable: true });
  Object.defineProperty(event, 'clipboardData', { value: { getData: () => text } });
  element.dispatchEvent(event);
  return event;
}

describe('SettingsDialog', () => {
  it('applies font size and scrollback to an open terminal as they are typed', () => {
    const { tab, registry } = setup();
    fireEvent.change(screen.getByLabelText('Font size (px)'), { target: { value: '18' } });
    fireEvent.change(screen.getByLabelText('Scrollback (lines)'), { target: { value: '2500' } });
    fireEvent.change(screen.getByLabelText('Font family'), { target: { value: "'Noto Sans Mono CJK JP', monospace" } });
    expect(tab.terminal.options.fontSize).toBe(18);
    expect(tab.terminal.options.scrollback).toBe(2500);
    expect(tab.terminal.options.fontFamily).toBe("'Noto Sans Mono CJK JP', monospace");
    // Terminals opened later start with the new settings too.
    expect(registry.create('tab-2').terminal.options.fontSize).toBe(18);
    expect(JSON.parse(window.localStorage.getItem(TERMINAL_SETTINGS_KEY)!).scrollback).toBe(2500);
    registry.disposeAll();
  });

  it('shows why an out-of-range value is refused and keeps the terminal as it was', () => {
    const { tab, registry } = setup();
    const size = screen.getByLabelText('Font size (px)');
    fireEvent.change(size, { target: { value: '99' } });
    expect(size.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toBe('Enter a whole number from 8 to 32.');
    expect(tab.terminal.options.fontSize).toBe(13);
    fireEvent.change(size, { target: { value: '12' } });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(tab.terminal.options.fontSize).toBe(12);
    registry.disposeAll();
  });

  it('turns the multi-line paste warning off and on', () => {
    const { tab, asked, registry } = setup();
    expect(paste(tab.element, 'ls\nrm -rf tmp\n').defaultPrevented).toBe(true);
    expect(asked).toHaveLength(1);
    fireEvent.click(screen.getByLabelText('Ask before pasting several lines'));
    // Off: the paste goes straight to xterm.
    expect(paste(tab.element, 'ls\nrm -rf tmp\n').defaultPrevented).toBe(false);
    expect(asked).toHaveLength(1);
    fireEvent.click(screen.getByLabelText('Ask before pasting several lines'));
    paste(tab.element, 'a\nb');
    expect(asked).toHaveLength(2);
    registry.disposeAll();
  });

  it('copy on select, reset to defaults, done', () => {
    const { settings, tab, registry } = setup();
    fireEvent.click(screen.getByLabelText('Copy on select'));
    expect(settings.getState().preferences.copyOnSelect).toBe(true);
    expect(registry.currentSettings.copyOnSelect).toBe(true);
    fireEvent.change(screen.getByLabelText('Font size (px)'), { target: { value: '20' } });
    fireEvent.click(screen.getByRole('button', { name: 'Reset to defaults' }));
    expect(tab.terminal.options.fontSize).toBe(13);
    expect((screen.getByLabelText('Font size (px)') as HTMLInputElement).value).toBe('13');
    expect(registry.currentSettings.copyOnSelect).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(settings.getState().panelOpen).toBe(false);
    registry.disposeAll();
  });

  it('speaks Japanese', () => {
    const { registry } = setup('ja');
    expect(screen.getByRole('heading', { name: 'ターミナルの設定' })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('スクロールバック (行数)'), { target: { value: '-5' } });
    expect(screen.getByRole('alert').textContent).toBe('0 から 100000 までの整数を入力してください。');
    registry.disposeAll();
  });
});
