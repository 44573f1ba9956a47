import { createContext, useCallback, useContext, type ReactNode } from 'react';
import { t as translate, type Locale, type MessageKey } from '../../../shared/i18n/catalog';

export type Translate = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;

const LocaleContext = createContext<Locale>('en');

export function LocaleProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  return <LocaleContext.Provider value={locale}>{children}</LocaleContext.Provider>;
}

export function useLocale(): Locale {
  return useContext(LocaleContext);
}

/** `t` bound to the current locale. Every visible string goes through it. */
export function useT(): Translate {
  const locale = useLocale();
  return useCallback((key, params) => translate(key, params, locale), [locale]);
}
