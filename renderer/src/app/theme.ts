import { useEffect, useSyncExternalStore } from 'react';
import type { ThemePreference } from '../state/store';

export type Theme = 'light' | 'dark';

const QUERY = '(prefers-color-scheme: dark)';

function subscribe(onChange: () => void): () => void {
  const media = typeof window.matchMedia === 'function' ? window.matchMedia(QUERY) : undefined;
  media?.addEventListener('change', onChange);
  return () => media?.removeEventListener('change', onChange);
}

function systemTheme(): Theme {
  return typeof window.matchMedia === 'function' && window.matchMedia(QUERY).matches ? 'dark' : 'light';
}

/** The theme in effect: the user's explicit choice, else the system's. Applied to <html data-theme>. */
export function useAppliedTheme(preference: ThemePreference): Theme {
  const system = useSyncExternalStore(subscribe, systemTheme, () => 'light' as Theme);
  const theme = preference === 'system' ? system : preference;
  useEffect(() => {
    const root = document.documentElement;
    root.dataset.theme = theme;
    root.style.colorScheme = theme;
  }, [theme]);
  return theme;
}
