/**
 * The xterm.js terminals of the open tabs, kept outside React state (architecture: "Terminal data path"): each
 * tab's Terminal, its addons and its element live here; the store holds only serializable tab metadata.
 *
 * Output is written with a callback and acknowledged to main once xterm has processed it (flow control), input is
 * sent in chunks the contract accepts, and the size follows the pane (fit addon -> terminal.resize).
 */
import { Terminal, type ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import '@xterm/xterm/css/xterm.css';
import type { PortholeBridge } from '../../../shared/ipc/bridge';
import { TERMINAL_LIMITS } from '../../../shared/model/session';
import {
  DEFAULT_TERMINAL_PREFERENCES,
  TERMINAL_PREFERENCE_RANGES,
  type TerminalPreferences,
} from '../state/terminalSettings';

export type TerminalTheme = 'light' | 'dark';

/** The user's terminal preferences (settings store) plus the theme, which follows the app. */
export interface TerminalSettings extends TerminalPreferences {
  theme: TerminalTheme;
}

export const DEFAULT_TERMINAL_SETTINGS: TerminalSettings = { ...DEFAULT_TERMINAL_PREFERENCES, theme: 'light' };

export const FONT_SIZE_RANGE = TERMINAL_PREFERENCE_RANGES.fontSize;

/** Colours that match the app's light and dark themes (theme.css). */
export const TERMINAL_THEMES: Record<TerminalTheme, ITheme> = {
  light: {
    background: '#ffffff',
    foreground: '#1b1f24',
    cursor: '#2563eb',
    cursorAccent: '#ffffff',
    selectionBackground: 'rgba(37, 99, 235, 0.22)',
    black: '#1b1f24',
    red: '#c0262d',
    green: '#15803d',
    yellow: '#a16207',
    blue: '#2563eb',
    magenta: '#9333ea',
    cyan: '#0e7490',
    white: '#6b7280',
    brightBlack: '#4b5563',
    brightRed: '#dc2626',
    brightGreen: '#16a34a',
    brightYellow: '#ca8a04',
    brightBlue: '#3b82f6',
    brightMagenta: '#a855f7',
    brightCyan: '#0891b2',
    brightWhite: '#9ca3af',
  },
  dark: {
    background: '#15171b',
    foreground: '#e6e8eb',
    cursor: '#7aa2ff',
    cursorAccent: '#15171b',
    selectionBackground: 'rgba(122, 162, 255, 0.3)',
    black: '#2c3139',
    red: '#f87171',
    green: '#4ade80',
    yellow: '#fbbf24',
    blue: '#7aa2ff',
    magenta: '#c084fc',
    cyan: '#22d3ee',
    white: '#d1d5db',
    brightBlack: '#6b7280',
    brightRed: '#fca5a5',
    brightGreen: '#86efac',
    brightYellow: '#fde68a',
    brightBlue: '#a5c0ff',
    brightMagenta: '#d8b4fe',
    brightCyan: '#67e8f9',
    brightWhite: '#f9fafb',
  },
};

export interface TerminalHandle {
  readonly tabId: string;
  readonly terminal: Terminal;
  readonly search: SearchAddon;
  readonly fit: FitAddon;
  /** The element xterm renders into; moved into the tab's pane when it is shown. */
  readonly element: HTMLDivElement;
  /** The session the tab shows now (a reconnect gives a tab a new session). */
  sessionId: string | undefined;
  /** Characters of the session's output this terminal has received (for re-attach without loss). */
  received: number;
  renderer: 'webgl' | 'dom';
}

export interface TerminalRegistryOptions {
  readonly bridge: PortholeBridge;
  readonly settings: TerminalSettings;
  /** A multi-line paste waits for the user's answer; resolve true to paste. */
  confirmPaste?(text: string): Promise<boolean>;
  /** Keys the app handles itself (shortcuts): xterm ignores them. */
  isAppShortcut?(event: KeyboardEvent): boolean;
  /** Try the WebGL renderer (default true); falls back to the DOM renderer when it cannot start. */
  webgl?: boolean;
  /** Opens a link (web-links addon). */
  openLink?(url: string): void;
}

/** Splits text into pieces of at most `max` UTF-16 units without cutting a surrogate pair. */
export function chunkText(text: string, max: number): string[] {
  const chunks: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(text.length, i + max);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    chunks.push(text.slice(i, end));
    i = end;
  }
  return chunks;
}

export class TerminalRegistry {
  private readonly handles = new Map<string, TerminalHandle>();
  private readonly bySession = new Map<string, TerminalHandle>();
  private settings: TerminalSettings;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: TerminalRegistryOptions) {
    this.settings = { ...options.settings };
    this.unsubscribe = options.bridge.on('terminal.output', ({ id, data }) => this.write(id, data, true));
  }

  get(tabId: string): TerminalHandle | undefined {
    return this.handles.get(tabId);
  }

  bySessionId(sessionId: string): TerminalHandle | undefined {
    return this.bySession.get(sessionId);
  }

  all(): TerminalHandle[] {
    return [...this.handles.values()];
  }

  /** Creates the terminal of a tab (not yet bound to a session). */
  create(tabId: string): TerminalHandle {
    const existing = this.handles.get(tabId);
    if (existing) return existing;
    const s = this.settings;
    const terminal = new Terminal({
      allowProposedApi: true,
      fontSize: s.fontSize,
      fontFamily: s.fontFamily,
      scrollback: s.scrollback,
      theme: TERMINAL_THEMES[s.theme],
      cursorBlink: true,
      convertEol: false,
      macOptionIsMeta: true,
      rightClickSelectsWord: true,
    });
    const fit = new FitAddon();
    const search = new SearchAddon();
    terminal.loadAddon(fit);
    terminal.loadAddon(search);
    terminal.loadAddon(new Unicode11Addon());
    terminal.unicode.activeVersion = '11';
    terminal.loadAddon(
      new WebLinksAddon((_event, uri) => {
        if (this.options.openLink) this.options.openLink(uri);
        else window.open(uri, '_blank', 'noopener,noreferrer');
      }),
    );
    const element = document.createElement('div');
    element.className = 'terminal-host';
    const handle: TerminalHandle = {
      tabId,
      terminal,
      search,
      fit,
      element,
      sessionId: undefined,
      received: 0,
      renderer: 'dom',
    };
    terminal.attachCustomKeyEventHandler((event) => !(this.options.isAppShortcut?.(event) ?? false));
    terminal.onData((data) => this.input(handle, data));
    terminal.onResize(({ cols, rows }) => {
      if (handle.sessionId) this.options.bridge.send('terminal.resize', { id: handle.sessionId, cols, rows });
    });
    terminal.onSelectionChange(() => {
      if (!this.settings.copyOnSelect) return;
      const text = terminal.getSelection();
      if (text) void navigator.clipboard?.writeText(text).catch(() => undefined);
    });
    // A multi-line paste asks first (a stray newline runs a command). Capture phase: before xterm's own handler.
    element.addEventListener(
      'paste',
      (event) => {
        const text = event.clipboardData?.getData('text/plain') ?? '';
        if (!this.settings.pasteWarning || !this.options.confirmPaste) return;
        if (!/\r|\n/.test(text.replace(/\r?\n$/, ''))) return;
        event.preventDefault();
        event.stopPropagation();
        void this.options.confirmPaste(text).then((yes) => {
          if (yes) terminal.paste(text);
          terminal.focus();
        });
      },
      true,
    );
    this.handles.set(tabId, handle);
    return handle;
  }

  /** Puts the terminal into its pane (first time: opens it there) and fits it. */
  mount(tabId: string, pane: HTMLElement): void {
    const handle = this.handles.get(tabId);
    if (!handle) return;
    if (handle.element.parentElement !== pane) pane.appendChild(handle.element);
    if (!handle.terminal.element) {
      handle.terminal.open(handle.element);
      this.tryWebgl(handle);
    }
    this.fit(tabId);
  }

  /** Fits the terminal to its pane; the new size goes to the session (terminal.onResize). */
  fit(tabId: string): { cols: number; rows: number } | undefined {
    const handle = this.handles.get(tabId);
    if (!handle || !handle.terminal.element || handle.element.clientWidth === 0) return undefined;
    try {
      handle.fit.fit();
    } catch {
      return undefined;
    }
    return { cols: handle.terminal.cols, rows: handle.terminal.rows };
  }

  /** Binds a tab's terminal to a session; `replay` is output the session already produced (not acknowledged). */
  bind(tabId: string, sessionId: string, replay = '', offset = 0): void {
    const handle = this.handles.get(tabId);
    if (!handle) return;
    if (handle.sessionId) this.bySession.delete(handle.sessionId);
    handle.sessionId = sessionId;
    handle.received = offset;
    this.bySession.set(sessionId, handle);
    if (replay) this.write(sessionId, replay, false);
  }

  /** Text the user will see: a notice line in the terminal (not session output). */
  notice(tabId: string, text: string): void {
    this.handles.get(tabId)?.terminal.write(`\r\n\x1b[2m${text}\x1b[0m\r\n`);
  }

  dispose(tabId: string): void {
    const handle = this.handles.get(tabId);
    if (!handle) return;
    this.handles.delete(tabId);
    if (handle.sessionId) this.bySession.delete(handle.sessionId);
    handle.terminal.dispose();
    handle.element.remove();
  }

  disposeAll(): void {
    for (const id of [...this.handles.keys()]) this.dispose(id);
    this.unsubscribe();
  }

  updateSettings(patch: Partial<TerminalSettings>): void {
    this.settings = { ...this.settings, ...patch };
    for (const handle of this.handles.values()) {
      const o = handle.terminal.options;
      if (patch.theme) o.theme = TERMINAL_THEMES[patch.theme];
      if (patch.fontSize !== undefined && o.fontSize !== patch.fontSize) o.fontSize = patch.fontSize;
      if (patch.fontFamily !== undefined && o.fontFamily !== patch.fontFamily) o.fontFamily = patch.fontFamily;
      if (patch.scrollback !== undefined && o.scrollback !== patch.scrollback) o.scrollback = patch.scrollback;
      // A new cell size changes how many rows and columns fit: refit, which tells the session (terminal.resize).
      if (patch.fontSize !== undefined || patch.fontFamily !== undefined) this.fit(handle.tabId);
    }
  }

  get currentSettings(): TerminalSettings {
    return this.settings;
  }

  /** The visible text of a tab's buffer, one string per line (tests and the e2e hook read this). */
  lines(tabId: string): string[] {
    const handle = this.handles.get(tabId);
    if (!handle) return [];
    const buffer = handle.terminal.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < buffer.length; i++) out.push(buffer.getLine(i)?.translateToString(true) ?? '');
    return out;
  }

  /** The last `count` lines of a tab's buffer, trailing blank lines dropped. */
  tail(tabId: string, count: number): string[] {
    const handle = this.handles.get(tabId);
    if (!handle) return [];
    const buffer = handle.terminal.buffer.active;
    let end = buffer.length;
    while (end > 0 && (buffer.getLine(end - 1)?.translateToString(true) ?? '') === '') end -= 1;
    const out: string[] = [];
    for (let i = Math.max(0, end - count); i < end; i++) out.push(buffer.getLine(i)?.translateToString(true) ?? '');
    return out;
  }

  private write(sessionId: string, data: string, acknowledge: boolean): void {
    const handle = this.bySession.get(sessionId);
    if (!handle) return;
    handle.received += data.length;
    handle.terminal.write(data, () => {
      // Acknowledged once xterm has parsed it: main stops reading from the data channel when we fall behind.
      if (acknowledge && handle.sessionId === sessionId)
        this.options.bridge.send('terminal.ack', { id: sessionId, chars: data.length });
    });
  }

  private input(handle: TerminalHandle, data: string): void {
    if (!handle.sessionId) return;
    for (const chunk of chunkText(data, TERMINAL_LIMITS.maxInputChars)) {
      this.options.bridge.send('terminal.input', { id: handle.sessionId, data: chunk });
    }
  }

  private tryWebgl(handle: TerminalHandle): void {
    if (this.options.webgl === false) return;
    // Loaded lazily: a missing WebGL context (headless, old GPU) keeps the DOM renderer.
    void import('@xterm/addon-webgl')
      .then(({ WebglAddon }) => {
        if (!this.handles.has(handle.tabId)) return;
        if (!hasHardwareWebgl()) return;
        const addon = new WebglAddon();
        addon.onContextLoss(() => {
          addon.dispose();
          handle.renderer = 'dom';
        });
        handle.terminal.loadAddon(addon);
        handle.renderer = 'webgl';
      })
      .catch(() => {
        handle.renderer = 'dom';
      });
  }
}

/**
 * WebGL2 drawn by the GPU. A software rasterizer (SwiftShader, llvmpipe: headless browsers, VMs without a GPU) is
 * slower than the DOM renderer, so it counts as none.
 */
function hasHardwareWebgl(): boolean {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return false;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return !/swiftshader|llvmpipe|softpipe|software/i.test(name);
  } catch {
    return false;
  }
}
