import type { ErrorValue } from '../../../../shared/errors';
import { hasMessage } from '../../../../shared/i18n/catalog';
import type { Translate } from '../../app/i18n';

export interface ErrorText {
  readonly message: string;
  readonly hint: string;
}

/**
 * The catalog sentence for an error code (in the user's language), with its actionable hint. Codes the catalog
 * does not know (a newer host) fall back to the English message the host sent.
 */
export function errorText(t: Translate, error: ErrorValue, context: Readonly<Record<string, string>> = {}): ErrorText {
  const params = { ...context, ...error.params };
  const messageKey = `error.${error.code}`;
  const hintKey = `hint.${error.code}`;
  const localized = hasMessage(messageKey) ? t(messageKey, params) : undefined;
  // A placeholder left unfilled means the host sent fewer details than the catalog expects: its own text is better.
  const message = localized !== undefined && !/\{\w+\}/.test(localized) ? localized : error.message;
  const hint = hasMessage(hintKey) ? t(hintKey, params) : t('hint.generic');
  return {
    message,
    hint: /\{\w+\}/.test(hint) ? t('hint.generic') : hint,
  };
}
