/**
 * Terminal tabs: serializable metadata in a zustand store (the xterm objects live in the TerminalRegistry).
 * Opening a tab starts a session and attaches to its output; state events move the badge; a reload or a dropped
 * host connection re-attaches live sessions without losing output.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ErrorValue } from '../../../shared/errors';
import type { PortholeBridge } from '../../../shared/ipc/bridge';
import type { Platform } from '../../../shared/model/instance';
import type { InvokeChannel, InvokeRequest } from '../../../shared/ipc/contract';
import {
  BUILTIN_SHELL_DOCUMENTS,
  type RemoteSession,
  type SessionDocument,
  type SessionInfo,
  type SessionState,
} from '../../../shared/model/session';
import type { TerminalRegistry } from '../terminal/registry';
import { invokeSafely, toErrorValue } from './invoke';
import type { PreferenceStorage } from './store';

/** `connecting` also covers the StartSession call itself. */
export type TabState = SessionState;

export interface DocumentChoice {
  readonly document: string;
  readonly parameters?: Readonly<Record<string, readonly string[]>>;
}

export interface SessionTarget {
  readonly instanceId: string;
  readonly title: string;
  readonly profile: string;
  readonly region: string;
  /** The instance's platform when known (the tab shows a Windows mark for Windows instances). */
  readonly platform?: Platform;
}

export interface Tab extends SessionTarget {
  readonly id: string;
  readonly sessionId?: string;
  readonly awsSessionId?: string;
  readonly choice: DocumentChoice;
  readonly state: TabState;
  readonly reason?: string;
  readonly exitCode?: number;
  /** Why the session could not start (TARGET_NOT_CONNECTED, ...). */
  readonly error?: ErrorValue;
}

/** `instances` and `history` are the fixed views; anything else is a tab id. */
export type View = 'instances' | 'history' | string;

export interface HistoryData {
  readonly status: 'idle' | 'loading' | 'ready' | 'failed';
  readonly local: readonly SessionInfo[];
  readonly active: readonly RemoteSession[];
  readonly history: readonly RemoteSession[];
  readonly remoteError?: string;
  readonly error?: ErrorValue;
}

export interface SessionsData {
  readonly tabs: readonly Tab[];
  readonly view: View;
  /** A tab waiting for the user to confirm closing its live session. */
  readonly confirmClose?: string;
  /** Lines of a multi-line paste waiting for confirmation. */
  readonly confirmPaste?: { readonly lines: number; readonly preview: string };
  /** The document picker, open for this target. */
  readonly picker?: SessionTarget;
  readonly documents: readonly SessionDocument[];
  readonly historyData: HistoryData;
  readonly findOpen: boolean;
}

export interface SessionsActions {
  /** Re-attaches the sessions main still has (after a page reload). */
  restore(): Promise<void>;
  /** Opens a tab with the remembered document choice for the instance (or the default shell). */
  open(target: SessionTarget, choice?: DocumentChoice, options?: { remember?: boolean }): Promise<string>;
  reconnect(tabId: string): Promise<void>;
  /** Closes a tab; a live session asks first unless `confirmed`. */
  close(tabId: string, options?: { confirmed?: boolean }): Promise<void>;
  cancelClose(): void;
  show(view: View): void;
  next(step: 1 | -1): void;
  choiceFor(instanceId: string): DocumentChoice;
  openPicker(target: SessionTarget | undefined): void;
  loadDocuments(profile: string, region: string): Promise<void>;
  loadHistory(profile: string, region: string): Promise<void>;
  /** Re-attaches every live tab from where its terminal is (after the host connection came back). */
  resync(): Promise<void>;
  askPaste(text: string): Promise<boolean>;
  answerPaste(yes: boolean): void;
  setFindOpen(open: boolean): void;
}

export type SessionsState = SessionsData & SessionsActions;
export type SessionsStore = StoreApi<SessionsState>;

export interface SessionsStoreDeps {
  readonly bridge: PortholeBridge;
  readonly registry: TerminalRegistry;
  readonly storage?: PreferenceStorage;
}

const CHOICE_KEY = 'porthole.document.';
const DEFAULT_CHOICE: DocumentChoice = { document: BUILTIN_SHELL_DOCUMENTS.shell };

export function isLive(state: TabState): boolean {
  return state === 'connecting' || state === 'open' || state === 'reconnecting';
}

function readChoice(storage: PreferenceStorage | undefined, instanceId: string): DocumentChoice | undefined {
  try {
    const raw = storage?.getItem(CHOICE_KEY + instanceId);
    if (!raw) return undefined;
    const parsed = JSON.parse(raw) as { document?: unknown; parameters?: unknown };
    if (typeof parsed.document !== 'string') return undefined;
    const parameters =
      parsed.parameters && typeof parsed.parameters === 'object'
        ? (parsed.parameters as Record<string, string[]>)
        : undefined;
    return parameters ? { document: parsed.document, parameters } : { document: parsed.document };
  } catch {
    return undefined;
  }
}

let tabSeq = 0;

export function createSessionsStore({ bridge, registry, storage }: SessionsStoreDeps): SessionsStore {
  const call = <C extends InvokeChannel>(channel: C, request: InvokeRequest<C>) =>
    invokeSafely(bridge, channel, request);

  let pasteResolver: ((yes: boolean) => void) | undefined;

  const store = createStore<SessionsState>()((set, get) => {
    function patch(tabId: string, change: Partial<Tab>): void {
      set({ tabs: get().tabs.map((t) => (t.id === tabId ? { ...t, ...change } : t)) });
    }

    function tabOfSession(sessionId: string): Tab | undefined {
      return get().tabs.find((t) => t.sessionId === sessionId);
    }

    /** Starts a session for a tab whose terminal exists, and binds it. */
    async function startFor(tabId: string): Promise<void> {
      const tab = get().tabs.find((t) => t.id === tabId);
      if (!tab) return;
      const size = registry.fit(tabId) ?? { cols: 80, rows: 24 };
      const result = await call('session.start', {
        profile: tab.profile,
        region: tab.region,
        target: tab.instanceId,
        title: tab.title,
        ...(tab.choice.document !== BUILTIN_SHELL_DOCUMENTS.shell ? { document: tab.choice.document } : {}),
        ...(tab.choice.parameters
          ? { parameters: Object.fromEntries(Object.entries(tab.choice.parameters).map(([k, v]) => [k, [...v]])) }
          : {}),
        cols: size.cols,
        rows: size.rows,
      });
      if (!get().tabs.some((t) => t.id === tabId)) {
        // The tab was closed while the session started: end it.
        if (result.ok) void call('session.close', { id: result.value.id });
        return;
      }
      if (!result.ok) {
        patch(tabId, { state: 'failed', error: toErrorValue(result), reason: undefined, sessionId: undefined });
        return;
      }
      await attach(tabId, result.value.id);
    }

    async function attach(tabId: string, sessionId: string, since?: number): Promise<void> {
      const attached = await call('session.attach', { id: sessionId, ...(since !== undefined ? { since } : {}) });
      if (!attached.ok) {
        patch(tabId, { state: 'failed', error: toErrorValue(attached) });
        return;
      }
      const { session, replay, offset } = attached.value;
      const handle = registry.get(tabId);
      if (handle?.sessionId === sessionId && since !== undefined) {
        // Same session, connection came back: append what was missed.
        if (offset > handle.received) registry.notice(tabId, '…');
        registry.bind(tabId, sessionId, replay, offset);
      } else {
        registry.bind(tabId, sessionId, replay, offset);
      }
      patch(tabId, {
        sessionId,
        awsSessionId: session.awsSessionId,
        state: session.state,
        reason: session.reason,
        exitCode: session.exitCode,
        error: undefined,
      });
      // The pane may have been fitted before the session existed: make sure the session has the size.
      const size = registry.fit(tabId);
      if (size) bridge.send('terminal.resize', { id: sessionId, ...size });
    }

    function neighbour(tabId: string): View {
      const tabs = get().tabs;
      const i = tabs.findIndex((t) => t.id === tabId);
      return tabs[i + 1]?.id ?? tabs[i - 1]?.id ?? 'instances';
    }

    return {
      tabs: [],
      view: 'instances',
      documents: Object.values(BUILTIN_SHELL_DOCUMENTS).map((name) => ({ name, owner: 'Amazon' })),
      historyData: { status: 'idle', local: [], active: [], history: [] },
      findOpen: false,

      async restore() {
        const listed = await call('session.list', {});
        if (!listed.ok) return;
        for (const s of listed.value.sessions) {
          if (tabOfSession(s.id)) continue;
          const id = `tab-${++tabSeq}`;
          const tab: Tab = {
            id,
            instanceId: s.target,
            title: s.title ?? s.target,
            profile: s.profile,
            region: s.region,
            choice: s.parameters ? { document: s.document, parameters: s.parameters } : { document: s.document },
            state: s.state,
            sessionId: s.id,
            awsSessionId: s.awsSessionId,
          };
          registry.create(id);
          set({ tabs: [...get().tabs, tab] });
          await attach(id, s.id);
        }
      },

      async open(target, choice, options) {
        const chosen = choice ?? readChoice(storage, target.instanceId) ?? DEFAULT_CHOICE;
        if (choice && options?.remember) {
          try {
            storage?.setItem(CHOICE_KEY + target.instanceId, JSON.stringify(choice));
          } catch {
            // Not remembered when storage is unavailable; the session still opens.
          }
        }
        const id = `tab-${++tabSeq}`;
        registry.create(id);
        set({
          tabs: [...get().tabs, { ...target, id, choice: chosen, state: 'connecting' }],
          view: id,
          picker: undefined,
        });
        await startFor(id);
        return id;
      },

      async reconnect(tabId) {
        const tab = get().tabs.find((t) => t.id === tabId);
        if (!tab || isLive(tab.state)) return;
        registry.notice(tabId, '—');
        patch(tabId, { state: 'connecting', error: undefined, reason: undefined, exitCode: undefined });
        await startFor(tabId);
      },

      async close(tabId, options) {
        const tab = get().tabs.find((t) => t.id === tabId);
        if (!tab) return;
        if (isLive(tab.state) && tab.sessionId && !options?.confirmed) {
          set({ confirmClose: tabId });
          return;
        }
        const view = get().view === tabId ? neighbour(tabId) : get().view;
        set({ tabs: get().tabs.filter((t) => t.id !== tabId), view, confirmClose: undefined });
        registry.dispose(tabId);
        if (tab.sessionId && isLive(tab.state)) await call('session.close', { id: tab.sessionId });
      },

      cancelClose: () => set({ confirmClose: undefined }),

      show(view) {
        set({ view, findOpen: false });
      },

      next(step) {
        const views: View[] = ['instances', ...get().tabs.map((t) => t.id)];
        const i = views.indexOf(get().view);
        const nextView = views[(Math.max(i, 0) + step + views.length) % views.length];
        if (nextView) set({ view: nextView, findOpen: false });
      },

      choiceFor: (instanceId) => readChoice(storage, instanceId) ?? DEFAULT_CHOICE,

      openPicker: (picker) => set({ picker }),

      async loadDocuments(profile, region) {
        const result = await call('session.documents', { profile, region });
        if (result.ok) set({ documents: result.value.documents });
      },

      async loadHistory(profile, region) {
        set({ historyData: { ...get().historyData, status: 'loading' } });
        const result = await call('session.history', { profile, region });
        if (!result.ok) {
          set({ historyData: { ...get().historyData, status: 'failed', error: toErrorValue(result) } });
          return;
        }
        const { local, active, history, remoteError } = result.value;
        set({
          historyData: { status: 'ready', local, active, history, ...(remoteError ? { remoteError } : {}) },
        });
      },

      async resync() {
        await Promise.all(
          get()
            .tabs.filter((t) => t.sessionId && isLive(t.state))
            .map((t) => attach(t.id, t.sessionId!, registry.get(t.id)?.received)),
        );
      },

      askPaste(text) {
        pasteResolver?.(false);
        const lines = text.split(/\r\n|\r|\n/);
        set({ confirmPaste: { lines: lines.length, preview: lines.slice(0, 6).join('\n').slice(0, 600) } });
        return new Promise<boolean>((resolve) => {
          pasteResolver = resolve;
        });
      },

      answerPaste(yes) {
        const resolve = pasteResolver;
        pasteResolver = undefined;
        set({ confirmPaste: undefined });
        resolve?.(yes);
      },

      setFindOpen: (findOpen) => set({ findOpen }),
    };
  });

  bridge.on('session.state', (event) => {
    const tab = tabOfSessionIn(store.getState().tabs, event.id);
    if (!tab) return;
    store.setState({
      tabs: store.getState().tabs.map((t) =>
        t.id === tab.id
          ? {
              ...t,
              state: event.state,
              reason: event.reason,
              exitCode: event.exitCode,
            }
          : t,
      ),
    });
  });

  return store;
}

function tabOfSessionIn(tabs: readonly Tab[], sessionId: string): Tab | undefined {
  return tabs.find((t) => t.sessionId === sessionId);
}

/** How many live tabs each instance has (the instance list shows it). */
export function openCounts(tabs: readonly Tab[]): ReadonlyMap<string, number> {
  const counts = new Map<string, number>();
  for (const t of tabs) if (isLive(t.state)) counts.set(t.instanceId, (counts.get(t.instanceId) ?? 0) + 1);
  return counts;
}
