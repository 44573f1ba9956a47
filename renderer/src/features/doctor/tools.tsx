/**
 * The issue-7 tools (connect doctor, IAM policy helper, recordings) share one small store: which panel is open and
 * for what target. The bridge comes from the app; without a provider (tests of other features) the entry points
 * (Diagnose buttons, Tools menu) simply do not show.
 */
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { PortholeBridge } from '../../../../shared/ipc/bridge';

export interface DoctorTarget {
  readonly profile: string;
  readonly region: string;
  readonly target: string;
  /** Shown in the title (the Name tag, or the id). */
  readonly name: string;
  readonly document?: string;
}

export type ToolPanel =
  | { kind: 'doctor'; target: DoctorTarget }
  /** Asks for an instance id to diagnose. */
  | { kind: 'doctor-target' }
  | { kind: 'policy' }
  | { kind: 'recordings' };

export interface ToolsState {
  readonly panel?: ToolPanel;
  open(panel: ToolPanel): void;
  close(): void;
}

export type ToolsStore = StoreApi<ToolsState>;

export function createToolsStore(): ToolsStore {
  return createStore<ToolsState>()((set) => ({
    open: (panel) => set({ panel }),
    close: () => set({ panel: undefined }),
  }));
}

interface ToolsContextValue {
  readonly bridge: PortholeBridge;
  readonly store: ToolsStore;
}

const ToolsContext = createContext<ToolsContextValue | null>(null);

export function ToolsProvider({
  bridge,
  store,
  children,
}: {
  bridge: PortholeBridge;
  store?: ToolsStore;
  children: ReactNode;
}) {
  const value = useMemo(() => ({ bridge, store: store ?? createToolsStore() }), [bridge, store]);
  return <ToolsContext.Provider value={value}>{children}</ToolsContext.Provider>;
}

/** The bridge and tools store, or undefined outside a ToolsProvider. */
export function useTools(): ToolsContextValue | undefined {
  return useContext(ToolsContext) ?? undefined;
}

const noStore = createToolsStore();

/** The open tool panel (undefined outside a provider). */
export function useToolPanel(): ToolPanel | undefined {
  const tools = useTools();
  const panel = useStore(tools?.store ?? noStore, (s) => s.panel);
  return tools ? panel : undefined;
}

/** Opens the connect doctor for a target; undefined outside a ToolsProvider. */
export function useDiagnose(): ((target: DoctorTarget) => void) | undefined {
  const tools = useTools();
  if (!tools) return undefined;
  return (target) => tools.store.getState().open({ kind: 'doctor', target });
}

/** Copies text to the clipboard; resolves false when the browser refuses. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
