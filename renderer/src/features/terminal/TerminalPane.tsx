import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useT } from '../../app/i18n';
import { isLive, type Tab } from '../../state/sessions';
import { useTerminals } from '../../state/sessionsContext';
import { Button, IconButton } from '../../ui/Button';
import { AlertIcon, CloseIcon, RefreshIcon, SearchIcon } from '../../ui/icons';
import { Spinner } from '../../ui/Spinner';
import { errorText } from '../instances/errorText';
import { useDiagnose } from '../doctor/tools';

/** One tab's terminal: the xterm element from the registry, the state banner, and the find bar. */
export function TerminalPane({ tab, active, findOpen }: { tab: Tab; active: boolean; findOpen: boolean }) {
  const terminals = useTerminals();
  const paneRef = useRef<HTMLDivElement>(null);
  const registry = terminals?.registry;

  // Mount (or move) the terminal into this pane, and refit whenever it is shown.
  useLayoutEffect(() => {
    if (!registry || !paneRef.current || !active) return;
    registry.mount(tab.id, paneRef.current);
    registry.get(tab.id)?.terminal.focus();
  }, [registry, tab.id, active]);

  // The size follows the pane (window resize, panels): fit, which sends terminal.resize when it changes.
  useEffect(() => {
    const pane = paneRef.current;
    if (!registry || !pane || typeof ResizeObserver !== 'function') return;
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => registry.fit(tab.id));
    });
    observer.observe(pane);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
    };
  }, [registry, tab.id]);

  return (
    <section
      className="terminal-pane"
      hidden={!active}
      aria-label={tab.title}
      data-tab-id={tab.id}
      data-session-id={tab.sessionId}
      data-state={tab.state}
    >
      <StateBanner tab={tab} />
      {active && findOpen && <FindBar tabId={tab.id} />}
      <div className="terminal-pane__screen" ref={paneRef} />
    </section>
  );
}

function StateBanner({ tab }: { tab: Tab }) {
  const t = useT();
  const terminals = useTerminals();
  const store = terminals?.store;
  const diagnose = useDiagnose();
  if (tab.state === 'open') return null;
  const context = { profile: tab.profile, region: tab.region, target: tab.instanceId };
  let tone: 'info' | 'warn' | 'error' | 'muted' = 'info';
  let text: string;
  let hint: string | undefined;
  if (tab.state === 'connecting') {
    text = t('session.banner.connecting', { name: tab.title });
  } else if (tab.state === 'reconnecting') {
    tone = 'warn';
    text = t('session.banner.reconnecting');
  } else if (tab.state === 'failed' && tab.error) {
    tone = 'error';
    const e = errorText(t, tab.error, context);
    text = `${t('session.banner.startFailed', { name: tab.title })} ${e.message}`;
    hint = e.hint;
  } else if (tab.state === 'failed') {
    tone = 'error';
    text = t('session.banner.failed', { reason: tab.reason ?? '' });
  } else {
    tone = 'muted';
    text =
      tab.exitCode !== undefined
        ? t('session.banner.closedExit', { code: tab.exitCode })
        : tab.reason
          ? `${t('session.banner.closed')} ${tab.reason}`
          : t('session.banner.closed');
  }
  return (
    <div className={`session-banner session-banner--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {isLive(tab.state) ? <Spinner /> : tone === 'error' ? <AlertIcon size={16} /> : null}
      <div className="session-banner__text">
        <span className="session-banner__message">{text}</span>
        {hint && <span className="session-banner__hint">{hint}</span>}
        {tab.error && <span className="session-banner__code">{tab.error.code}</span>}
      </div>
      {!isLive(tab.state) && store && (
        <div className="session-banner__actions">
          <Button
            variant="primary"
            icon={<RefreshIcon size={14} />}
            onClick={() => void store.getState().reconnect(tab.id)}
          >
            {t('session.reconnect')}
          </Button>
          {tab.state === 'failed' && diagnose && (
            <Button
              onClick={() =>
                diagnose({
                  profile: tab.profile,
                  region: tab.region,
                  target: tab.instanceId,
                  name: tab.title,
                  document: tab.choice.document,
                })
              }
            >
              {t('diagnose.button')}
            </Button>
          )}
          <Button variant="ghost" onClick={() => void store.getState().close(tab.id)}>
            {t('session.closeTab')}
          </Button>
        </div>
      )}
    </div>
  );
}

function FindBar({ tabId }: { tabId: string }) {
  const t = useT();
  const terminals = useTerminals();
  const [query, setQuery] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, []);
  if (!terminals) return null;
  const handle = terminals.registry.get(tabId);
  const close = () => {
    handle?.search.clearDecorations();
    terminals.store.getState().setFindOpen(false);
    handle?.terminal.focus();
  };
  const find = (backwards: boolean) => {
    if (!handle || !query) return;
    if (backwards) handle.search.findPrevious(query);
    else handle.search.findNext(query);
  };
  return (
    <div className="findbar" role="search">
      <SearchIcon size={14} className="findbar__icon" />
      <input
        ref={inputRef}
        className="findbar__input"
        type="search"
        aria-label={t('find.placeholder')}
        placeholder={t('find.placeholder')}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          if (e.target.value) handle?.search.findNext(e.target.value, { incremental: true });
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            find(e.shiftKey);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            close();
          }
        }}
      />
      <IconButton label={t('find.previous')} icon={<span aria-hidden="true">↑</span>} onClick={() => find(true)} />
      <IconButton label={t('find.next')} icon={<span aria-hidden="true">↓</span>} onClick={() => find(false)} />
      <IconButton label={t('find.close')} icon={<CloseIcon size={14} />} onClick={close} />
    </div>
  );
}
