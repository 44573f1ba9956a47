import { useEffect, type ReactNode } from 'react';
import type { RemoteSession, SessionInfo } from '../../../../shared/model/session';
import { useLocale, useT } from '../../app/i18n';
import { useApp } from '../../state/context';
import { useSessions, useTerminals } from '../../state/sessionsContext';
import { Button } from '../../ui/Button';
import { RefreshIcon } from '../../ui/icons';
import { Spinner } from '../../ui/Spinner';
import { errorText } from '../instances/errorText';
import { stateLabel } from './TabBar';

function when(value: string | undefined, locale: string): string {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toLocaleString(locale);
}

/** This app's sessions, then DescribeSessions Active and History for the selected profile and region. */
export function HistoryView({ active }: { active: boolean }) {
  const t = useT();
  const locale = useLocale();
  const terminals = useTerminals();
  const profile = useApp((s) => s.profile);
  const region = useApp((s) => s.region);
  const data = useSessions((s) => s.historyData);
  const instances = useApp((s) => s.instances);
  const nameOf = (target: string) => instances.find((i) => i.instanceId === target)?.name;

  useEffect(() => {
    if (active && profile && region) void terminals?.store.getState().loadHistory(profile, region);
  }, [active, profile, region, terminals]);

  if (!terminals || !data || !active) return null;
  const reload = () => profile && region && void terminals.store.getState().loadHistory(profile, region);
  const where = { profile: profile ?? '', region: region ?? '' };

  return (
    <section className="history" aria-label={t('history.title')}>
      <header className="history__header">
        <h2>{t('history.title')}</h2>
        <span className="muted mono">
          {profile} / {region}
        </span>
        <span className="header__spacer" />
        {data.status === 'loading' && <Spinner />}
        <Button icon={<RefreshIcon size={14} />} onClick={reload} disabled={data.status === 'loading'}>
          {t('history.refresh')}
        </Button>
      </header>
      {data.status === 'failed' && data.error && (
        <p className="history__error" role="alert">
          {errorText(t, data.error, where).message}
        </p>
      )}
      <h3 className="history__section">{t('history.local')}</h3>
      <LocalTable sessions={data.local} nameOf={nameOf} locale={locale} />
      {data.remoteError && (
        <p className="history__error" role="alert">
          {t('history.remoteError', { detail: data.remoteError })}
        </p>
      )}
      <h3 className="history__section">{t('history.active', where)}</h3>
      <RemoteTable sessions={data.active} nameOf={nameOf} locale={locale} />
      <h3 className="history__section">{t('history.ended', where)}</h3>
      <RemoteTable sessions={data.history} nameOf={nameOf} locale={locale} />
    </section>
  );
}

/** One row of a history table, whichever list it comes from. */
interface HistoryRow {
  key: string;
  label: string;
  target: string;
  document: string;
  state: ReactNode;
  startedAt: string | undefined;
  endedAt: string | undefined;
  /** Only for the DescribeSessions tables (they show an owner column). */
  owner?: string;
  sessionId: string | undefined;
}

function HistoryTable({
  rows,
  withOwner,
  locale,
}: {
  rows: readonly HistoryRow[];
  withOwner: boolean;
  locale: string;
}) {
  const t = useT();
  if (rows.length === 0) return <p className="muted history__empty">{t('history.empty')}</p>;
  return (
    <table className="history__table">
      <thead>
        <tr>
          <th>{t('history.column.target')}</th>
          <th>{t('history.column.document')}</th>
          <th>{t('history.column.state')}</th>
          <th>{t('history.column.started')}</th>
          <th>{t('history.column.ended')}</th>
          {withOwner && <th>{t('history.column.owner')}</th>}
          <th>{t('history.column.sessionId')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <td>
              {r.label} <span className="muted mono">{r.target}</span>
            </td>
            <td className="mono">{r.document}</td>
            <td>{r.state}</td>
            <td>{when(r.startedAt, locale)}</td>
            <td>{when(r.endedAt, locale)}</td>
            {withOwner && <td className="mono muted">{r.owner}</td>}
            <td className="mono muted">{r.sessionId}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function LocalTable({
  sessions,
  nameOf,
  locale,
}: {
  sessions: readonly SessionInfo[];
  nameOf(target: string): string | undefined;
  locale: string;
}) {
  const t = useT();
  const rows = sessions.map((s): HistoryRow => ({
    key: s.id,
    label: s.title ?? nameOf(s.target) ?? s.target,
    target: s.target,
    document: s.document,
    state: (
      <>
        <span className={`state-pill state-pill--${s.state}`}>{stateLabel(t, s.state, s.exitCode)}</span>
        {s.reason && <span className="muted"> {s.reason}</span>}
      </>
    ),
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    sessionId: s.awsSessionId,
  }));
  return <HistoryTable rows={rows} withOwner={false} locale={locale} />;
}

function RemoteTable({
  sessions,
  nameOf,
  locale,
}: {
  sessions: readonly RemoteSession[];
  nameOf(target: string): string | undefined;
  locale: string;
}) {
  const rows = sessions.map((s): HistoryRow => ({
    key: s.sessionId,
    label: nameOf(s.target) ?? s.target,
    target: s.target,
    document: s.document ?? '—',
    state: s.status,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    owner: s.owner?.split('/').pop() ?? '—',
    sessionId: s.sessionId,
  }));
  return <HistoryTable rows={rows} withOwner={true} locale={locale} />;
}
