import { t, type Locale } from '../i18n/catalog';
import type { QueryError } from './syntax';

/** The sentence for a query error, in the user's language. */
export function describeQueryError(error: QueryError, locale: Locale = 'en'): string {
  return t(`query.error.${error.code}`, error.params, locale);
}
