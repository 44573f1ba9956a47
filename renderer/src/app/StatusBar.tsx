import { TunnelStatusItem } from '../features/tunnels/TunnelChrome';
import { useApp } from '../state/context';
import { useLocale, useT } from './i18n';

export function StatusBar() {
  const t = useT();
  const locale = useLocale();
  const fetchedAt = useApp((s) => s.fetchedAt);
  const info = useApp((s) => s.info);
  const profile = useApp((s) => s.profile);
  const region = useApp((s) => s.region);
  const regionsError = useApp((s) => s.regionsError);
  const when = fetchedAt ? new Date(fetchedAt) : undefined;
  return (
    <footer className="statusbar">
      {profile && region && (
        <span className="statusbar__item">
          {profile} · {region}
        </span>
      )}
      {when && !Number.isNaN(when.getTime()) && (
        <span className="statusbar__item">{t('footer.updated', { time: when.toLocaleTimeString(locale) })}</span>
      )}
      {regionsError && (
        <span className="statusbar__item statusbar__item--warn" title={regionsError.message}>
          {t('failure.regions')}
        </span>
      )}
      <TunnelStatusItem />
      <span className="statusbar__spacer" />
      {info && (
        <span className="statusbar__item">
          {t(info.host === 'web' ? 'footer.host.web' : 'footer.host.electron')} ·{' '}
          {t('footer.version', { version: info.version })}
        </span>
      )}
    </footer>
  );
}
