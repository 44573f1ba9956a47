/**
 * The renderer's side of the IPC contract. In Electron the preload exposes `window.porthole`; in a
 * browser (the web host) the same `PortholeBridge` runs over a websocket to `/ipc`.
 */
import { err, type ErrorValue, type Result } from '../../../shared/errors';
import { t } from '../../../shared/i18n/catalog';
import type { PortholeBridge } from '../../../shared/ipc/bridge';
import type { EventChannel } from '../../../shared/ipc/contract';
import { ServerFrameSchema, WIRE_PATH, WIRE_TOKEN_PARAM, type ClientFrame } from '../../../shared/ipc/wire';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a plain browser. Typed from the contract. */
    porthole?: PortholeBridge;
  }
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface WebSocketBridge extends PortholeBridge {
  readonly state: ConnectionState;
  /** Called on every state change; returns an unsubscribe function. */
  onDidChangeState(listener: (state: ConnectionState) => void): () => void;
  /** Closes the socket for good; pending and queued invokes fail. */
  dispose(): void;
}

export interface WebSocketBridgeOptions {
  /** `ws(s)://host/ipc?token=...` */
  readonly url: string;
  readonly createSocket?: (url: string) => WebSocket;
  /** First reconnect delay; doubles up to `maxReconnectDelayMs`. */
  readonly reconnectDelayMs?: number;
  readonly maxReconnectDelayMs?: number;
  /** Frames kept while the socket is not open; older ones beyond this fail (invokes) or are dropped (sends). */
  readonly maxQueuedFrames?: number;
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
  readonly onDidReportError?: (error: ErrorValue) => void;
  /** Shown in the error of failed invokes when the cause is known up front (no token). */
  readonly unavailableReason?: string;
}

type Pending = (result: Result<never>) => void;

function connectionLost(reason?: string): Result<never> {
  const detail = reason ?? 'it did not answer this request; Porthole is reconnecting, try again in a moment';
  return err('DISCONNECTED', t('error.DISCONNECTED', { detail }), { detail });
}

/** Why invokes fail when the page was opened without its token. */
export const MISSING_TOKEN_REASON =
  'this page was opened without its access token; open the full URL printed by `npm run serve` or `npm run demo`';

function bridgeClosed(): Result<never> {
  const detail = 'this page closed its connection; reload the page';
  return err('DISCONNECTED', t('error.DISCONNECTED', { detail }), { detail });
}

/** A `PortholeBridge` over the web host's websocket, reconnecting with backoff when it drops. */
export function createWebSocketBridge(options: WebSocketBridgeOptions): WebSocketBridge {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url));
  const baseDelay = options.reconnectDelayMs ?? 250;
  const maxDelay = options.maxReconnectDelayMs ?? 5_000;
  const maxQueued = options.maxQueuedFrames ?? 1_000;
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const report =
    options.onDidReportError ?? ((error: ErrorValue) => console.warn(`porthole: ${error.code}: ${error.message}`));

  const pending = new Map<number, Pending>();
  const queue: { frame: ClientFrame; id?: number }[] = [];
  const listeners = new Map<string, Set<(payload: never) => void>>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  let nextId = 1;
  let state: ConnectionState = 'connecting';
  let socket: WebSocket | undefined;
  let attempt = 0;
  let timer: unknown;

  function setState(next: ConnectionState): void {
    if (state === next) return;
    state = next;
    for (const listener of [...stateListeners]) listener(next);
  }

  function connect(): void {
    const ws = createSocket(options.url);
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      attempt = 0;
      setState('open');
      for (const { frame } of queue.splice(0)) ws.send(JSON.stringify(frame));
    };
    ws.onmessage = (event: MessageEvent) => {
      if (socket === ws) onFrame(event.data);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = undefined;
      // Requests already sent may or may not have run: fail them, the caller decides whether to retry.
      // Queued ones fail too (and are never sent later), so nothing runs after its caller saw a failure.
      for (const resolve of [...pending.values()]) resolve(connectionLost(options.unavailableReason));
      pending.clear();
      queue.length = 0;
      if (state === 'closed') return;
      setState('reconnecting');
      const delay = Math.min(maxDelay, baseDelay * 2 ** Math.min(attempt, 10));
      attempt += 1;
      timer = setTimer(() => {
        timer = undefined;
        if (state !== 'closed') connect();
      }, delay);
    };
    ws.onerror = () => {
      // Always followed by onclose.
    };
  }

  function onFrame(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = ServerFrameSchema.safeParse(json);
    if (!parsed.success) return;
    const frame = parsed.data;
    if (frame.t === 'event') {
      for (const listener of [...(listeners.get(frame.channel) ?? [])]) listener(frame.payload as never);
      return;
    }
    const id = frame.id;
    const result = frame.t === 'result' ? frame.result : frame.error;
    if (typeof id === 'number' && pending.has(id)) {
      const resolve = pending.get(id)!;
      pending.delete(id);
      resolve(result as Result<never>);
    } else if (frame.t === 'error') {
      report(frame.error);
    }
  }

  function enqueueOrSend(frame: ClientFrame, id?: number): void {
    if (state === 'open' && socket) {
      socket.send(JSON.stringify(frame));
      return;
    }
    queue.push(id === undefined ? { frame } : { frame, id });
    while (queue.length > maxQueued) {
      const dropped = queue.shift()!;
      if (dropped.id !== undefined) {
        pending.get(dropped.id)?.(connectionLost(options.unavailableReason));
        pending.delete(dropped.id);
      }
    }
  }

  connect();

  return {
    get state() {
      return state;
    },
    invoke(channel, request) {
      if (state === 'closed') return Promise.resolve(bridgeClosed());
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve as Pending);
        enqueueOrSend({ t: 'invoke', id, channel, payload: request }, id);
      });
    },
    send(channel, payload) {
      if (state === 'closed') return;
      enqueueOrSend({ t: 'send', channel, payload });
    },
    on<C extends EventChannel>(channel: C, listener: (payload: never) => void) {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    onDidChangeState(listener) {
      stateListeners.add(listener);
      return () => {
        stateListeners.delete(listener);
      };
    },
    dispose() {
      if (state === 'closed') return;
      setState('closed');
      if (timer !== undefined) clearTimer(timer);
      timer = undefined;
      const ws = socket;
      socket = undefined;
      ws?.close();
      for (const resolve of [...pending.values()]) resolve(bridgeClosed());
      pending.clear();
      queue.length = 0;
      listeners.clear();
      stateListeners.clear();
    },
  } as WebSocketBridge;
}

export const TOKEN_STORAGE_KEY = 'porthole.webHostToken';

/**
 * Takes the web host token from the page URL (`?token=`), removes it from the address bar (so it is
 * not bookmarked, shared or shown) and keeps it in sessionStorage so a reload still connects.
 */
export function takeToken(win: Pick<Window, 'location' | 'history' | 'sessionStorage'>): string | undefined {
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get(WIRE_TOKEN_PARAM);
  let storage: Storage | undefined;
  try {
    storage = win.sessionStorage;
  } catch {
    storage = undefined;
  }
  if (fromUrl) {
    try {
      storage?.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      // Storage may be disabled; the token still works for this page load.
    }
    url.searchParams.delete(WIRE_TOKEN_PARAM);
    win.history.replaceState(win.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  try {
    return storage?.getItem(TOKEN_STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** The websocket URL of the web host serving this page. */
export function webSocketUrl(location: Pick<Location, 'protocol' | 'host'>, token: string | undefined): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = token ? `?${WIRE_TOKEN_PARAM}=${encodeURIComponent(token)}` : '';
  return `${scheme}//${location.host}${WIRE_PATH}${query}`;
}

let bridge: PortholeBridge | undefined;

/** The bridge of this page: the preload's in Electron, otherwise a websocket to the web host. */
export function getBridge(): PortholeBridge {
  if (bridge) return bridge;
  if (window.porthole) {
    bridge = window.porthole;
  } else {
    const token = takeToken(window);
    bridge = createWebSocketBridge({
      url: webSocketUrl(window.location, token),
      ...(token ? {} : { unavailableReason: MISSING_TOKEN_REASON }),
    });
  }
  return bridge;
}
