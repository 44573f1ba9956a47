import type { ReactNode } from 'react';
import type { ErrorValue } from '../../../../shared/errors';
import type { MessageKey } from '../../../../shared/i18n/catalog';
import { useT } from '../../app/i18n';
import { Button } from '../../ui/Button';
import { AlertIcon, GlobeIcon, RefreshIcon, SearchIcon, ServerIcon } from '../../ui/icons';
import { errorText } from './errorText';

function Panel({
  icon,
  tone,
  children,
  role,
}: {
  icon: ReactNode;
  tone?: 'error';
  children: ReactNode;
  role?: string;
}) {
  return (
    <div className={['state', tone && `state--${tone}`].filter(Boolean).join(' ')} role={role}>
      <div className="state__icon" aria-hidden="true">
        {icon}
      </div>
      <div className="state__body">{children}</div>
    </div>
  );
}

/** Skeleton rows while the first answer is on its way; announced once as "Loading instances…". */
export function LoadingState({ label = 'instances.loading' }: { label?: MessageKey }) {
  const t = useT();
  return (
    <div className="skeleton" aria-busy="true">
      <p role="status" className="skeleton__label">
        <span className="spinner" aria-hidden="true" />
        {t(label)}
      </p>
      {Array.from({ length: 8 }, (_, i) => (
        <div className="skeleton__row" key={i} aria-hidden="true">
          {[55 + ((i * 17) % 35), 80, 60, 50 + ((i * 13) % 40), 70, 40 + ((i * 23) % 45)].map((width, col) => (
            <span className="skeleton__cell" key={col}>
              <span
                className={col === 2 ? 'skeleton__bar skeleton__bar--pill' : 'skeleton__bar'}
                style={{ width: `${width}%` }}
              />
            </span>
          ))}
        </div>
      ))}
    </div>
  );
}

export function EmptyState({
  profile,
  region,
  onChooseRegion,
}: {
  profile: string;
  region: string;
  onChooseRegion(): void;
}) {
  const t = useT();
  return (
    <Panel icon={<ServerIcon size={28} />}>
      <h2 className="state__title">{t('empty.title', { region })}</h2>
      <p className="state__text">{t('empty.body', { profile, region })}</p>
      <div className="state__actions">
        <Button icon={<GlobeIcon />} onClick={onChooseRegion}>
          {t('empty.chooseRegion')}
        </Button>
      </div>
    </Panel>
  );
}

export function NoMatchState({ query, onClear }: { query: string; onClear(): void }) {
  const t = useT();
  return (
    <Panel icon={<SearchIcon size={28} />}>
      <h2 className="state__title">{t('noMatch.title', { query })}</h2>
      <p className="state__text">{t('noMatch.body')}</p>
      <div className="state__actions">
        <Button onClick={onClear}>{t('search.clear')}</Button>
      </div>
    </Panel>
  );
}

export function NoProfilesState({ onRetry }: { onRetry(): void }) {
  const t = useT();
  return (
    <Panel icon={<ServerIcon size={28} />}>
      <h2 className="state__title">{t('noProfiles.title')}</h2>
      <p className="state__text">{t('noProfiles.body')}</p>
      <div className="state__actions">
        <Button variant="primary" icon={<RefreshIcon />} onClick={onRetry}>
          {t('action.retry')}
        </Button>
      </div>
    </Panel>
  );
}

/** The catalog sentence for the error code, what to do about it, and Retry. */
export function ErrorState({
  title,
  error,
  context,
  onRetry,
  action,
}: {
  title: MessageKey;
  error: ErrorValue;
  context: Readonly<Record<string, string>>;
  onRetry(): void;
  /** A way out besides Retry (e.g. Sign in for an SSO profile). */
  action?: ReactNode;
}) {
  const t = useT();
  const { message, hint } = errorText(t, error, context);
  return (
    <Panel icon={<AlertIcon size={28} />} tone="error" role="alert">
      <h2 className="state__title">{t(title)}</h2>
      <p className="state__text">{message}</p>
      <p className="state__hint">{hint}</p>
      <div className="state__actions">
        {action}
        <Button variant={action ? 'secondary' : 'primary'} icon={<RefreshIcon />} onClick={onRetry}>
          {t('action.retry')}
        </Button>
        <code className="state__code">{t('failure.code', { code: error.code })}</code>
      </div>
    </Panel>
  );
}
