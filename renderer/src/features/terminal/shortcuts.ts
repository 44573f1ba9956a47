import type { MessageKey } from '../../../../shared/i18n/catalog';

export type ShortcutId =
  | 'newTab'
  | 'closeTab'
  | 'nextTab'
  | 'previousTab'
  | 'find'
  | 'zoomIn'
  | 'zoomOut'
  | 'zoomReset'
  | 'copy'
  | 'paste'
  | 'instances'
  | 'settings';

export interface Shortcut {
  readonly id: ShortcutId;
  readonly label: MessageKey;
  /** As shown in the menu. */
  readonly keys: string;
  /** Left to the browser (it fires the paste event); xterm must still ignore the key. */
  readonly native?: boolean;
  matches(event: KeyboardEvent): boolean;
}

const mod = (e: KeyboardEvent) => e.ctrlKey || e.metaKey;
const key = (e: KeyboardEvent) => e.key.toLowerCase();

/**
 * App shortcuts. Ctrl+Shift combinations leave plain Ctrl keys to the shell (Ctrl+C, Ctrl+W, Ctrl+R ...).
 * On macOS Cmd works wherever Ctrl is written.
 */
export const SHORTCUTS: readonly Shortcut[] = [
  {
    id: 'newTab',
    label: 'shortcut.newTab',
    keys: 'Ctrl+Shift+T',
    matches: (e) => mod(e) && e.shiftKey && key(e) === 't',
  },
  {
    id: 'closeTab',
    label: 'shortcut.closeTab',
    keys: 'Ctrl+Shift+W',
    matches: (e) => mod(e) && e.shiftKey && key(e) === 'w',
  },
  {
    id: 'nextTab',
    label: 'shortcut.nextTab',
    keys: 'Ctrl+Tab · Ctrl+Shift+]',
    matches: (e) =>
      (mod(e) && !e.shiftKey && e.key === 'Tab') ||
      (mod(e) && e.shiftKey && (e.key === '}' || e.key === ']' || e.code === 'BracketRight')) ||
      (mod(e) && e.key === 'PageDown'),
  },
  {
    id: 'previousTab',
    label: 'shortcut.previousTab',
    keys: 'Ctrl+Shift+Tab · Ctrl+Shift+[',
    matches: (e) =>
      (mod(e) && e.shiftKey && e.key === 'Tab') ||
      (mod(e) && e.shiftKey && (e.key === '{' || e.key === '[' || e.code === 'BracketLeft')) ||
      (mod(e) && e.key === 'PageUp'),
  },
  {
    id: 'find',
    label: 'shortcut.find',
    keys: 'Ctrl+Shift+F',
    matches: (e) => mod(e) && e.shiftKey && key(e) === 'f',
  },
  {
    id: 'zoomIn',
    label: 'shortcut.zoomIn',
    keys: 'Ctrl+=',
    matches: (e) => mod(e) && (e.key === '=' || e.key === '+'),
  },
  {
    id: 'zoomOut',
    label: 'shortcut.zoomOut',
    keys: 'Ctrl+-',
    matches: (e) => mod(e) && (e.key === '-' || e.key === '_'),
  },
  {
    id: 'zoomReset',
    label: 'shortcut.zoomReset',
    keys: 'Ctrl+0',
    matches: (e) => mod(e) && !e.shiftKey && e.key === '0',
  },
  {
    id: 'copy',
    label: 'shortcut.copy',
    keys: 'Ctrl+Shift+C',
    matches: (e) => mod(e) && e.shiftKey && key(e) === 'c',
  },
  {
    id: 'paste',
    label: 'shortcut.paste',
    keys: 'Ctrl+Shift+V',
    native: true,
    matches: (e) => mod(e) && e.shiftKey && key(e) === 'v',
  },
  {
    id: 'instances',
    label: 'shortcut.instances',
    keys: 'Alt+0',
    matches: (e) => e.altKey && !mod(e) && (e.key === '0' || e.code === 'Digit0'),
  },
  {
    id: 'settings',
    label: 'shortcut.settings',
    keys: 'Ctrl+,',
    matches: (e) => mod(e) && !e.shiftKey && !e.altKey && (e.key === ',' || e.code === 'Comma'),
  },
];

export function matchShortcut(event: KeyboardEvent): Shortcut | undefined {
  if (event.type !== 'keydown') return undefined;
  return SHORTCUTS.find((s) => s.matches(event));
}

/** Alt+1..9 selects the n-th tab. */
export function tabNumber(event: KeyboardEvent): number | undefined {
  if (event.type !== 'keydown' || !event.altKey || event.ctrlKey || event.metaKey) return undefined;
  const m = /^Digit([1-9])$/.exec(event.code);
  return m ? Number(m[1]) : undefined;
}
