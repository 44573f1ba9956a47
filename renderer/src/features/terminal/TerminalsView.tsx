import './terminal.css';
import { useCallback, useEffect } from 'react';
import type { Instance } from '../../../../shared/model/instance';
import { useT } from '../../app/i18n';
import type { Theme } from '../../app/theme';
import { useApp } from '../../state/context';
import type { SessionTarget } from '../../state/sessions';
import { useSessions, useTerminalSettings, useTerminals } from '../../state/sessionsContext';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { DEFAULT_TERMINAL_PREFERENCES, TERMINAL_PREFERENCE_RANGES } from '../../state/terminalSettings';
import { SettingsDialog } from '../settings/SettingsDialog';
import { DocumentPicker } from './DocumentPicker';
import { HistoryView } from './HistoryView';
import { matchShortcut, tabNumber, type ShortcutId } from './shortcuts';
import { TerminalPane } from './TerminalPane';

/** What a connect needs from an instance row: the Name tag is the tab title. */
export function targetOf(instance: Instance, profile: string, region: string): SessionTarget {
  return {
    instanceId: instance.instanceId,
    title: instance.name ?? instance.instanceId,
    profile,
    region,
    platform: instance.platform,
  };
}

/** Runs a shortcut (from the keyboard or the menu). */
export function useShortcuts(): (id: ShortcutId) => void {
  const terminals = useTerminals();
  const selectedId = useApp((s) => s.selectedId);
  const instances = useApp((s) => s.instances);
  const profile = useApp((s) => s.profile);
  const region = useApp((s) => s.region);
  return useCallback(
    (id: ShortcutId) => {
      if (!terminals) return;
      const { store, registry, settings } = terminals;
      const state = store.getState();
      const tab = state.tabs.find((x) => x.id === state.view);
      const handle = tab ? registry.get(tab.id) : undefined;
      const size = settings.getState().preferences.fontSize;
      const setSize = (n: number) => {
        const range = TERMINAL_PREFERENCE_RANGES.fontSize;
        settings.getState().update({ fontSize: Math.min(range.max, Math.max(range.min, n)) });
      };
      switch (id) {
        case 'newTab': {
          if (tab) {
            void state.open(tab, tab.choice);
          } else {
            const instance = instances.find((i) => i.instanceId === selectedId);
            if (instance && profile && region)
              void state.open(targetOf(instance, instance.profile ?? profile, instance.region));
          }
          return;
        }
        case 'closeTab':
          if (tab) void state.close(tab.id);
          return;
        case 'nextTab':
          state.next(1);
          return;
        case 'previousTab':
          state.next(-1);
          return;
        case 'find':
          if (tab) state.setFindOpen(true);
          return;
        case 'zoomIn':
          setSize(size + 1);
          return;
        case 'zoomOut':
          setSize(size - 1);
          return;
        case 'zoomReset':
          setSize(DEFAULT_TERMINAL_PREFERENCES.fontSize);
          return;
        case 'copy': {
          const text = handle?.terminal.getSelection();
          if (text) void navigator.clipboard?.writeText(text).catch(() => undefined);
          return;
        }
        case 'paste':
          // The browser's own paste (the key is left to it) reaches the terminal with the multi-line check.
          handle?.terminal.focus();
          return;
        case 'instances':
          state.show('instances');
          return;
        case 'settings':
          settings.getState().openPanel();
          return;
      }
    },
    [terminals, selectedId, instances, profile, region],
  );
}

/** The session tabs' panes, the history, the dialogs, keyboard shortcuts and the terminal theme. */
export function TerminalsView({ theme }: { theme: Theme }) {
  const t = useT();
  const terminals = useTerminals();
  const tabs = useSessions((s) => s.tabs) ?? [];
  const view = useSessions((s) => s.view);
  const findOpen = useSessions((s) => s.findOpen) ?? false;
  const confirmClose = useSessions((s) => s.confirmClose);
  const confirmPaste = useSessions((s) => s.confirmPaste);
  const picker = useSessions((s) => s.picker);
  const settingsOpen = useTerminalSettings((s) => s.panelOpen) ?? false;
  const run = useShortcuts();

  useEffect(() => {
    terminals?.registry.updateSettings({ theme });
  }, [terminals, theme]);

  useEffect(() => {
    if (!terminals) return;
    const onKey = (event: KeyboardEvent) => {
      const shortcut = matchShortcut(event);
      const n = tabNumber(event);
      if (shortcut && !shortcut.native) {
        event.preventDefault();
        event.stopPropagation();
        run(shortcut.id);
      } else if (n !== undefined) {
        const tab = terminals.store.getState().tabs[n - 1];
        if (tab) {
          event.preventDefault();
          terminals.store.getState().show(tab.id);
        }
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [terminals, run]);

  if (!terminals) return null;
  const closing = tabs.find((x) => x.id === confirmClose);
  const store = terminals.store;

  return (
    <>
      {tabs.map((tab) => (
        <TerminalPane key={tab.id} tab={tab} active={view === tab.id} findOpen={findOpen} />
      ))}
      <HistoryView active={view === 'history'} />
      {closing && (
        <Dialog
          title={t('confirmClose.title')}
          onCancel={() => store.getState().cancelClose()}
          actions={
            <>
              <Button variant="ghost" onClick={() => store.getState().cancelClose()}>
                {t('dialog.cancel')}
              </Button>
              <Button
                variant="primary"
                className="btn--danger"
                autoFocus
                onClick={() => void store.getState().close(closing.id, { confirmed: true })}
              >
                {t('confirmClose.confirm')}
              </Button>
            </>
          }
        >
          <p>{t('confirmClose.body', { name: closing.title })}</p>
        </Dialog>
      )}
      {confirmPaste && (
        <Dialog
          title={t('paste.title', { count: confirmPaste.lines })}
          onCancel={() => store.getState().answerPaste(false)}
          actions={
            <>
              <Button variant="ghost" onClick={() => store.getState().answerPaste(false)}>
                {t('dialog.cancel')}
              </Button>
              <Button variant="primary" autoFocus onClick={() => store.getState().answerPaste(true)}>
                {t('paste.confirm')}
              </Button>
            </>
          }
        >
          <p>{t('paste.body')}</p>
          <pre className="paste-preview">{confirmPaste.preview}</pre>
        </Dialog>
      )}
      {picker && <DocumentPicker target={picker} />}
      {settingsOpen && <SettingsDialog />}
    </>
  );
}
