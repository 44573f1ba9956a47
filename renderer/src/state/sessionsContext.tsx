import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { TerminalRegistry } from '../terminal/registry';
import type { SessionsState, SessionsStore } from './sessions';
import type { TerminalSettingsState, TerminalSettingsStore } from './terminalSettings';

export interface Terminals {
  readonly store: SessionsStore;
  readonly registry: TerminalRegistry;
  /** Font, size, scrollback, copy on select, paste warning (applied live to the registry's terminals). */
  readonly settings: TerminalSettingsStore;
}

const TerminalsContext = createContext<Terminals | null>(null);

export function TerminalsProvider({ value, children }: { value: Terminals | undefined; children: ReactNode }) {
  return <TerminalsContext.Provider value={value ?? null}>{children}</TerminalsContext.Provider>;
}

/** The terminal tabs, when this app has them (renderer tests of the instance list run without). */
export function useTerminals(): Terminals | null {
  return useContext(TerminalsContext);
}

/** Reads a slice of the tab state; undefined when the app runs without terminals. */
export function useSessions<T>(selector: (state: SessionsState) => T): T | undefined {
  const terminals = useContext(TerminalsContext);
  // Hooks run the same on every render: a constant empty store stands in when there are no terminals.
  return useStore<StoreApi<SessionsState | undefined>, T | undefined>(terminals?.store ?? noTerminals, (s) =>
    s === undefined ? undefined : selector(s),
  );
}

/** A store with no state, so the hook can be called the same way without terminals. */
const noTerminals = createStore<SessionsState | undefined>()(() => undefined);

/** Reads a slice of the terminal settings; undefined when the app runs without terminals. */
export function useTerminalSettings<T>(selector: (state: TerminalSettingsState) => T): T | undefined {
  const terminals = useContext(TerminalsContext);
  return useStore<StoreApi<TerminalSettingsState | undefined>, T | undefined>(terminals?.settings ?? noSettings, (s) =>
    s === undefined ? undefined : selector(s),
  );
}

const noSettings = createStore<TerminalSettingsState | undefined>()(() => undefined);
