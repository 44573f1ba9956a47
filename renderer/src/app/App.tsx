import { useEffect, useRef } from 'react';
import type { Locale } from '../../../shared/i18n/catalog';
import type { PortholeBridge } from '../../../shared/ipc/bridge';
import { AuthDialogs } from '../features/auth/AuthDialogs';
import { ToolsHost } from '../features/doctor/ToolsHost';
import { ToolsProvider } from '../features/doctor/tools';
import { InstancesView } from '../features/instances/InstancesView';
import { TabBar } from '../features/terminal/TabBar';
import { TunnelsProvider } from '../features/tunnels/context';
import { TunnelDialogs } from '../features/tunnels/TunnelChrome';
import { TunnelsView } from '../features/tunnels/TunnelsView';
import { TerminalsView, useShortcuts } from '../features/terminal/TerminalsView';
import { StoreProvider, useApp } from '../state/context';
import { TerminalsProvider, useSessions, type Terminals } from '../state/sessionsContext';
import type { AppStore } from '../state/store';
import type { TunnelsStore } from '../state/tunnels';
import { Header } from './Header';
import { LocaleProvider } from './i18n';
import { StatusBar } from './StatusBar';
import { useAppliedTheme } from './theme';

function Shell() {
  const start = useApp((s) => s.start);
  const theme = useAppliedTheme(useApp((s) => s.theme));
  const searchRef = useRef<HTMLInputElement>(null);
  const view = useSessions((s) => s.view) ?? 'instances';
  const runShortcut = useShortcuts();

  useEffect(() => {
    void start();
  }, [start]);

  // Ctrl/Cmd+F and "/" focus the search box, as in most desktop list views.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (view !== 'instances') return;
      const typing = e.target instanceof HTMLElement && /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName);
      if (((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') || (e.key === '/' && !typing)) {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [view]);

  return (
    <div className="app">
      <Header theme={theme} />
      <TabBar onShortcut={runShortcut} />
      <main className="main">
        {view === 'instances' && <InstancesView searchRef={searchRef} />}
        {view === 'tunnels' && <TunnelsView />}
        <TerminalsView theme={theme} />
      </main>
      <StatusBar />
      <AuthDialogs />
      <TunnelDialogs />
      <ToolsHost />
    </div>
  );
}

export function App({
  store,
  locale,
  terminals,
  tunnels,
  bridge,
}: {
  store: AppStore;
  locale: Locale;
  terminals?: Terminals;
  /** Port forwards and RDP (the tunnels panel); absent in tests of other views. */
  tunnels?: TunnelsStore;
  /** For the connect doctor, policy helper and recordings; without it they are not offered. */
  bridge?: PortholeBridge;
}) {
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const shell = (
    <TerminalsProvider value={terminals}>
      <TunnelsProvider value={tunnels}>
        <Shell />
      </TunnelsProvider>
    </TerminalsProvider>
  );
  return (
    <LocaleProvider locale={locale}>
      <StoreProvider store={store}>
        {bridge ? <ToolsProvider bridge={bridge}>{shell}</ToolsProvider> : shell}
      </StoreProvider>
    </LocaleProvider>
  );
}
