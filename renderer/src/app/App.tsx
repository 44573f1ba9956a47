import { useEffect, useRef } from 'react';
import type { Locale } from '../../../shared/i18n/catalog';
import { InstancesView } from '../features/instances/InstancesView';
import { StoreProvider, useApp } from '../state/context';
import type { AppStore } from '../state/store';
import { Header } from './Header';
import { LocaleProvider } from './i18n';
import { StatusBar } from './StatusBar';
import { useAppliedTheme } from './theme';

function Shell() {
  const start = useApp((s) => s.start);
  const theme = useAppliedTheme(useApp((s) => s.theme));
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void start();
  }, [start]);

  // Ctrl/Cmd+F and "/" focus the search box, as in most desktop list views.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = e.target instanceof HTMLElement && /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName);
      if (((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') || (e.key === '/' && !typing)) {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="app">
      <Header theme={theme} />
      <main className="main">
        <InstancesView searchRef={searchRef} />
      </main>
      <StatusBar />
    </div>
  );
}

export function App({ store, locale }: { store: AppStore; locale: Locale }) {
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  return (
    <LocaleProvider locale={locale}>
      <StoreProvider store={store}>
        <Shell />
      </StoreProvider>
    </LocaleProvider>
  );
}
