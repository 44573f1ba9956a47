import { useT } from '../../app/i18n';
import { useSessions, useTerminals } from '../../state/sessionsContext';
import { liveTunnelCount } from '../../state/tunnels';
import { useTunnels } from './context';
import { ForwardDialog } from './ForwardDialog';
import './tunnels.css';

/** The tunnels' dialogs, open over any view. */
export function TunnelDialogs() {
  const forward = useTunnels((s) => s.forward);
  if (!forward) return null;
  return <ForwardDialog key={forward.target?.instanceId ?? 'any'} />;
}

export function TunnelGlyph({ size = 14 }: { size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d="M3 12h5M16 12h5" />
      <rect x="8" y="8" width="8" height="8" rx="2" />
      <path d="m18.5 9.5 2.5 2.5-2.5 2.5M5.5 9.5 3 12l2.5 2.5" />
    </svg>
  );
}

/** The fixed "Tunnels" tab beside Instances and History, with the number of live tunnels. */
export function TunnelsTab() {
  const t = useT();
  const terminals = useTerminals();
  const view = useSessions((s) => s.view);
  const count = useTunnels((s) => liveTunnelCount(s.tunnels));
  if (!terminals || count === undefined) return null;
  return (
    <button
      type="button"
      role="tab"
      className="tab tab--fixed"
      aria-selected={view === 'tunnels'}
      onClick={() => terminals.store.getState().show('tunnels')}
    >
      <TunnelGlyph />
      <span className="tab__title">{t('tunnels.tab')}</span>
      {count > 0 && <span className="tab__count">{count}</span>}
    </button>
  );
}

/** The status bar's count of live tunnels; shows the tunnels panel when clicked. */
export function TunnelStatusItem() {
  const t = useT();
  const terminals = useTerminals();
  const count = useTunnels((s) => liveTunnelCount(s.tunnels));
  if (count === undefined) return null;
  const text = count === 1 ? t('tunnels.status.count.one') : t('tunnels.status.count.other', { count });
  return (
    <button
      type="button"
      className={`statusbar__item statusbar__tunnels${count > 0 ? ' statusbar__tunnels--live' : ''}`}
      title={t('tunnels.status.title')}
      data-testid="tunnel-count"
      data-count={count}
      onClick={() => terminals?.store.getState().show('tunnels')}
    >
      <TunnelGlyph size={12} />
      {text}
    </button>
  );
}
