import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { TunnelsState, TunnelsStore } from '../../state/tunnels';

const TunnelsContext = createContext<TunnelsStore | null>(null);

export function TunnelsProvider({ value, children }: { value: TunnelsStore | undefined; children: ReactNode }) {
  return <TunnelsContext.Provider value={value ?? null}>{children}</TunnelsContext.Provider>;
}

/** The tunnels store, when this app has one (renderer tests of other views run without). */
export function useTunnelsStore(): TunnelsStore | null {
  return useContext(TunnelsContext);
}

/** Reads a slice of the tunnels state; undefined without a tunnels store. */
export function useTunnels<T>(selector: (state: TunnelsState) => T): T | undefined {
  const store = useContext(TunnelsContext);
  // Hooks run the same on every render: a constant empty store stands in when there is none.
  return useStore<StoreApi<TunnelsState | undefined>, T | undefined>(store ?? noTunnels, (s) =>
    s === undefined ? undefined : selector(s),
  );
}

const noTunnels = createStore<TunnelsState | undefined>()(() => undefined);
