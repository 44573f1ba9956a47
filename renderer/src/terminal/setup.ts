/**
 * Creates the app's terminals: the xterm registry (outside React state) and the tab store, wired together, plus a
 * read-only window hook that tests and benchmarks use to read terminal buffers (text, never pixels).
 */
import type { PortholeBridge } from '../../../shared/ipc/bridge';
import { matchShortcut, tabNumber } from '../features/terminal/shortcuts';
import { createSessionsStore } from '../state/sessions';
import type { Terminals } from '../state/sessionsContext';
import type { PreferenceStorage } from '../state/store';
import { changedPreferences, createTerminalSettingsStore } from '../state/terminalSettings';
import { TerminalRegistry } from './registry';

export interface TerminalTestHook {
  /** Tabs in order, with their state and session ids. */
  tabs(): { id: string; title: string; state: string; sessionId?: string; awsSessionId?: string; renderer?: string }[];
  /** The lines of a tab's active buffer (`term.buffer.active`), trailing blanks trimmed. */
  lines(tabId: string): string[];
  /** The terminal's size in cells. */
  size(tabId: string): { cols: number; rows: number } | undefined;
  /** Characters of session output the tab's terminal has received (benchmarks measure throughput with it). */
  received(tabId: string): number;
  /** The last `count` lines of the buffer (cheaper than `lines` for polling). */
  tail(tabId: string, count: number): string[];
  /** True once the sessions main still had (a reload) are back as tabs. */
  restored(): boolean;
  /** Every state a tab went through, in order (brief ones like `reconnecting` included). */
  states(tabId: string): string[];
  /** The options xterm uses now (`term.options`): settings changes must reach open terminals. */
  options(tabId: string): { fontSize: number; fontFamily: string; scrollback: number } | undefined;
}

declare global {
  interface Window {
    __portholeTerminals?: TerminalTestHook;
  }
}

export const RENDERER_KEY = 'porthole.terminal.renderer';

function readSetting(storage: PreferenceStorage | undefined, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

export function createTerminals(bridge: PortholeBridge, storage: PreferenceStorage | undefined): Terminals {
  const settings = createTerminalSettingsStore(storage);
  // The registry asks the store to confirm a multi-line paste; the store is created right after.
  let confirm: (text: string) => Promise<boolean> = async () => true;
  const registry = new TerminalRegistry({
    bridge,
    settings: { ...settings.getState().preferences, theme: 'light' },
    confirmPaste: (text) => confirm(text),
    isAppShortcut: (event) => isAppKey(event),
    // `dom` turns the WebGL renderer off (a GPU that draws badly; comparisons in benchmarks).
    webgl: readSetting(storage, RENDERER_KEY) !== 'dom',
  });
  const store = createSessionsStore({ bridge, registry, ...(storage ? { storage } : {}) });
  // Settings apply live: every change reaches the open terminals (and the ones opened later).
  settings.subscribe((state, previous) => {
    const changed = changedPreferences(previous.preferences, state.preferences);
    if (changed) registry.updateSettings(changed);
  });
  confirm = (text) => store.getState().askPaste(text);

  // A dropped host connection comes back as a new client: re-attach every live tab from where it was.
  const withState = bridge as PortholeBridge & { onDidChangeState?(listener: (state: string) => void): () => void };
  let wasDown = false;
  withState.onDidChangeState?.((state) => {
    if (state === 'reconnecting') wasDown = true;
    if (state === 'open' && wasDown) {
      wasDown = false;
      void store.getState().resync();
    }
  });

  const stateLog = new Map<string, string[]>();
  store.subscribe((state) => {
    for (const tab of state.tabs) {
      const log = stateLog.get(tab.id) ?? [];
      if (log.at(-1) !== tab.state) log.push(tab.state);
      stateLog.set(tab.id, log);
    }
  });

  // Sessions that outlived the page (reload) come back as tabs.
  let restored = false;
  void store
    .getState()
    .restore()
    .finally(() => {
      restored = true;
    });

  window.__portholeTerminals = {
    restored: () => restored,
    received: (tabId) => registry.get(tabId)?.received ?? 0,
    tail: (tabId, count) => registry.tail(tabId, count),
    states: (tabId) => [...(stateLog.get(tabId) ?? [])],
    tabs: () =>
      store.getState().tabs.map((t) => ({
        id: t.id,
        title: t.title,
        state: t.state,
        ...(t.sessionId ? { sessionId: t.sessionId } : {}),
        ...(t.awsSessionId ? { awsSessionId: t.awsSessionId } : {}),
        ...(registry.get(t.id) ? { renderer: registry.get(t.id)!.renderer } : {}),
      })),
    lines: (tabId) => registry.lines(tabId),
    options: (tabId) => {
      const o = registry.get(tabId)?.terminal.options;
      return o
        ? { fontSize: o.fontSize ?? 0, fontFamily: o.fontFamily ?? '', scrollback: o.scrollback ?? 0 }
        : undefined;
    },
    size: (tabId) => {
      const term = registry.get(tabId)?.terminal;
      return term ? { cols: term.cols, rows: term.rows } : undefined;
    },
  };
  return { store, registry, settings };
}

function isAppKey(event: KeyboardEvent): boolean {
  return matchShortcut(event) !== undefined || tabNumber(event) !== undefined;
}
