import type { PingStatus } from '../../../../shared/model/instance';
import { useT } from '../../app/i18n';

const tone: Record<PingStatus, string> = {
  Online: 'online',
  ConnectionLost: 'lost',
  Inactive: 'inactive',
  NotManaged: 'unmanaged',
};

/** The SSM ping status as a coloured badge; the colour is never the only cue (the text says it). */
export function StatusBadge({ status }: { status: PingStatus }) {
  const t = useT();
  return (
    <span className={`badge badge--${tone[status]}`} data-status={status}>
      <span className="badge__dot" aria-hidden="true" />
      {t(`status.${status}`)}
    </span>
  );
}
