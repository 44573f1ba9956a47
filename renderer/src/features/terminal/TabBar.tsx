import { useEffect, useRef, useState } from 'react';
import { useT, type Translate } from '../../app/i18n';
import { useApp } from '../../state/context';
import { useSessions, useTerminalSettings, useTerminals } from '../../state/sessionsContext';
import type { Tab, TabState } from '../../state/sessions';
import { CloseIcon, ServerIcon } from '../../ui/icons';
import { PlatformIcon } from '../instances/PlatformIcon';
import { TunnelsTab } from '../tunnels/TunnelChrome';
import { TERMINAL_PREFERENCE_RANGES } from '../../state/terminalSettings';
import { SHORTCUTS, type ShortcutId } from './shortcuts';

export function stateLabel(t: Translate, state: TabState, exitCode?: number): string {
  if (state === 'closed' && exitCode !== undefined) return t('session.state.closedExit', { code: exitCode });
  return t(`session.state.${state}`);
}

function TerminalGlyph() {
  return (
    <svg
      width="14"
      height="14"
      viewBox="0 0 24 24"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
    >
      <rect x="3" y="4.5" width="18" height="15" rx="2.5" />
      <path d="m7.5 10 3 2.5-3 2.5M12.5 15.5h4" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

function HistoryGlyph() {
  return (
    <svg
      width="14"
      height="14"
      viewBox="0 0 24 24"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
    >
      <path d="M3.5 12a8.5 8.5 0 1 0 2.6-6.1L3.5 8.5" strokeLinecap="round" strokeLinejoin="round" />
      <path d="M3.5 4v4.5H8M12 7.5V12l3 2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/** The strip above the main area: the instance list, the history, then one tab per session, and the menu. */
export function TabBar({ onShortcut }: { onShortcut(id: ShortcutId): void }) {
  const t = useT();
  const tabs = useSessions((s) => s.tabs) ?? [];
  const view = useSessions((s) => s.view) ?? 'instances';
  const terminals = useTerminals();
  if (!terminals) return null;
  const { store } = terminals;
  const select = (v: string) => store.getState().show(v);

  return (
    <nav className="tabbar" aria-label={t('tabs.label')}>
      <div className="tabbar__tabs" role="tablist" aria-label={t('tabs.label')}>
        <button
          type="button"
          role="tab"
          className="tab tab--fixed"
          aria-selected={view === 'instances'}
          onClick={() => select('instances')}
        >
          <ServerIcon size={14} />
          <span className="tab__title">{t('tabs.instances')}</span>
        </button>
        <button
          type="button"
          role="tab"
          className="tab tab--fixed"
          aria-selected={view === 'history'}
          onClick={() => select('history')}
        >
          <HistoryGlyph />
          <span className="tab__title">{t('tabs.history')}</span>
        </button>
        <TunnelsTab />
        {tabs.length > 0 && <span className="tabbar__divider" aria-hidden="true" />}
        {tabs.map((tab) => (
          <SessionTab key={tab.id} tab={tab} selected={view === tab.id} onSelect={() => select(tab.id)} />
        ))}
      </div>
      <ShortcutMenu onShortcut={onShortcut} />
    </nav>
  );
}

function SessionTab({ tab, selected, onSelect }: { tab: Tab; selected: boolean; onSelect(): void }) {
  const t = useT();
  const terminals = useTerminals();
  const label = stateLabel(t, tab.state, tab.exitCode);
  // A tab restored after a reload knows no platform: the instance list may.
  const listed = useApp((s) => s.instances.find((i) => i.instanceId === tab.instanceId)?.platform);
  const platform = tab.platform ?? listed;
  const windows = platform === 'Windows';
  const kind = windows ? ` · ${t('tabs.platform', { platform: t('platform.Windows') })}` : '';
  return (
    <div
      className={`tab tab--session tab--${tab.state}`}
      data-state={tab.state}
      data-tab-id={tab.id}
      data-platform={platform}
    >
      <button
        type="button"
        role="tab"
        className="tab__main"
        aria-selected={selected}
        title={`${tab.title} (${tab.instanceId})${kind} · ${label}`}
        onClick={onSelect}
        onAuxClick={(e) => {
          if (e.button === 1) void terminals?.store.getState().close(tab.id);
        }}
      >
        <span className={`tab__dot tab__dot--${tab.state}`} aria-hidden="true" />
        {windows ? <PlatformIcon platform="Windows" size={14} /> : <TerminalGlyph />}
        <span className="tab__title">{tab.title}</span>
        <span className="tab__state">{label}</span>
      </button>
      <button
        type="button"
        className="tab__close"
        aria-label={t('tabs.close', { name: tab.title })}
        title={t('tabs.close', { name: tab.title })}
        onClick={() => void terminals?.store.getState().close(tab.id)}
      >
        <CloseIcon size={12} />
      </button>
    </div>
  );
}

function ShortcutMenu({ onShortcut }: { onShortcut(id: ShortcutId): void }) {
  const t = useT();
  const terminals = useTerminals();
  const [open, setOpen] = useState(false);
  const copyOnSelect = useTerminalSettings((s) => s.preferences.copyOnSelect) ?? false;
  const fontSize = useTerminalSettings((s) => s.preferences.fontSize);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [open]);
  if (!terminals) return null;
  const range = TERMINAL_PREFERENCE_RANGES.fontSize;
  return (
    <div className="menu" ref={ref}>
      <button
        type="button"
        className="btn btn--ghost btn--icon"
        aria-label={t('tabs.menu')}
        title={t('tabs.menu')}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
          <circle cx="5" cy="12" r="1.8" />
          <circle cx="12" cy="12" r="1.8" />
          <circle cx="19" cy="12" r="1.8" />
        </svg>
      </button>
      {open && (
        <div className="menu__popup" role="menu" aria-label={t('tabs.menu')}>
          {SHORTCUTS.map((s) => (
            <button
              key={s.id}
              type="button"
              role="menuitem"
              className="menu__item"
              onClick={() => {
                setOpen(false);
                onShortcut(s.id);
              }}
            >
              <span>{t(s.label)}</span>
              <kbd>{s.keys}</kbd>
            </button>
          ))}
          <div className="menu__separator" role="separator" />
          <button
            type="button"
            role="menuitemcheckbox"
            aria-checked={copyOnSelect}
            className="menu__item"
            onClick={() => terminals.settings.getState().update({ copyOnSelect: !copyOnSelect })}
          >
            <span>{t('settings.copyOnSelect')}</span>
            <span className="menu__check" aria-hidden="true">
              {copyOnSelect ? '✓' : ''}
            </span>
          </button>
          <div className="menu__note">
            {t('settings.fontSize', { size: fontSize ?? '' })}{' '}
            <span className="muted">
              ({range.min}–{range.max})
            </span>
          </div>
        </div>
      )}
    </div>
  );
}
