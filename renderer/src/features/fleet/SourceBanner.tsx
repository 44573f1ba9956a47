import { useT } from '../../app/i18n';
import { useApp } from '../../state/context';
import type { SourceView } from '../../state/store';
import { AlertIcon } from '../../ui/icons';
import { errorText } from '../instances/errorText';

/** The error offers an SSO sign-in (token missing or expired). */
export function offersSignIn(error: SourceView['error']): boolean {
  return error?.params?.action === 'ssoSignIn' || error?.code === 'SSO_SIGN_IN_REQUIRED';
}

/**
 * Sources that could not be listed, each on its own line with its readable error and what to do (Sign in for
 * SSO, otherwise Retry); the rows of every other source still show below.
 */
export function SourceBanner() {
  const t = useT();
  const sources = useApp((s) => s.sources);
  const status = useApp((s) => s.inventoryStatus);
  const refresh = useApp((s) => s.refresh);
  const ssoSignIn = useApp((s) => s.ssoSignIn);
  const failed = sources.filter((s) => s.state === 'error' && s.error);
  if (status !== 'ready' || failed.length === 0) return null;
  return (
    <section className="source-banner" role="alert">
      <AlertIcon size={16} className="source-banner__icon" />
      <div className="source-banner__body">
        {failed.length > 1 && (
          <p className="source-banner__title">{t('fleet.source.failedMany', { count: failed.length })}</p>
        )}
        <ul className="source-banner__list">
          {failed.map((s) => {
            const { message } = errorText(t, s.error!, { profile: s.profile, region: s.region });
            return (
              <li key={`${s.profile}|${s.region}`} className="source-banner__item">
                <span>{t('fleet.source.failed', { profile: s.profile, region: s.region, message })}</span>
                {offersSignIn(s.error) ? (
                  <button
                    type="button"
                    className="btn btn--primary btn--small"
                    onClick={() => void ssoSignIn(s.profile)}
                  >
                    {t('fleet.source.signIn')}
                  </button>
                ) : (
                  <button type="button" className="btn btn--secondary btn--small" onClick={() => void refresh()}>
                    {t('fleet.source.retry')}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      </div>
    </section>
  );
}
