import { useMemo, useState } from 'react';
import type { SavedTunnel, TunnelGroup, TunnelInfo } from '../../../../shared/model/tunnel';
import { useT, type Translate } from '../../app/i18n';
import { useApp } from '../../state/context';
import { formatAddress, formatBytes, formatRate, groupIsOn, isLiveTunnel, runningOf } from '../../state/tunnels';
import { Button } from '../../ui/Button';
import { errorText } from '../instances/errorText';
import { useDiagnose } from '../doctor/tools';
import { useTunnels, useTunnelsStore } from './context';
import './tunnels.css';

/** An on/off switch (a button with role="switch"). */
export function Switch({
  on,
  label,
  busy,
  onToggle,
}: {
  on: boolean;
  label: string;
  busy?: boolean;
  onToggle(): void;
}) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={on}
      aria-label={label}
      title={label}
      aria-busy={busy || undefined}
      disabled={busy}
      className={`switch${on ? ' switch--on' : ''}${busy ? ' switch--busy' : ''}`}
      onClick={onToggle}
    >
      <span className="switch__thumb" aria-hidden="true" />
    </button>
  );
}

function useInstanceNames(): (target: string) => string {
  const instances = useApp((s) => s.instances);
  const names = useMemo(() => new Map(instances.map((i) => [i.instanceId, i.name ?? i.instanceId])), [instances]);
  return (target) => names.get(target) ?? target;
}

function destination(t: Translate, x: { remotePort: number; remoteHost?: string | undefined }, target: string): string {
  return x.remoteHost
    ? t('tunnels.remote.host', { host: x.remoteHost, port: x.remotePort, target })
    : t('tunnels.remote.instance', { port: x.remotePort, target });
}

function StateBadge({ state }: { state: TunnelInfo['state'] }) {
  const t = useT();
  return (
    <span className={`tunnel-state tunnel-state--${state}`} data-state={state}>
      <span className="tunnel-state__dot" aria-hidden="true" />
      {t(`tunnels.state.${state}`)}
    </span>
  );
}

function CopyAddress({ text }: { text: string }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="tunnel__address mono"
      title={copied ? t('tunnels.copied') : t('tunnels.copy')}
      onClick={() => {
        void navigator.clipboard
          ?.writeText(text)
          .then(() => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1200);
          })
          .catch(() => undefined);
      }}
    >
      {text}
    </button>
  );
}

function ActiveRow({ tunnel, nameOf }: { tunnel: TunnelInfo; nameOf(target: string): string }) {
  const t = useT();
  const store = useTunnelsStore();
  const busy = useTunnels((s) => s.busy[tunnel.id]) ?? false;
  const target = nameOf(tunnel.target);
  const title = tunnel.name ?? target;
  const address = formatAddress(tunnel.localAddress, tunnel.localPort);
  const live = isLiveTunnel(tunnel);
  const problem = tunnel.error ? errorText(t, tunnel.error) : undefined;
  const launch = tunnel.rdp?.launchError ? errorText(t, tunnel.rdp.launchError) : undefined;
  const diagnose = useDiagnose();
  return (
    <>
      <tr
        className={`tunnel tunnel--${tunnel.state}`}
        data-tunnel-id={tunnel.id}
        data-kind={tunnel.kind}
        data-state={tunnel.state}
        data-local-port={tunnel.localPort}
        data-bytes-in={tunnel.bytesIn}
        data-bytes-out={tunnel.bytesOut}
        data-connections={tunnel.totalConnections}
      >
        <td>
          <div className="tunnel__name">
            {tunnel.kind === 'rdp' && <span className="tunnel__kind">{t('tunnels.kind.rdp')}</span>}
            <span className="tunnel__title">{title}</span>
          </div>
          <div className="tunnel__meta">
            {tunnel.variant && t(`tunnels.variant.${tunnel.variant}`)}
            {tunnel.poolSize > 1 && ` · ${t('tunnels.pool', { members: tunnel.poolMembers, size: tunnel.poolSize })}`}
          </div>
        </td>
        <td>
          <CopyAddress text={address} />
          {tunnel.nonLoopback && <div className="tunnel__warn">{t('tunnels.nonLoopback')}</div>}
        </td>
        <td className="tunnel__dest">{destination(t, tunnel, target)}</td>
        <td>
          <StateBadge state={tunnel.state} />
        </td>
        <td className="num">
          <span data-testid="connections">
            {t('tunnels.connections', { open: tunnel.connections, total: tunnel.totalConnections })}
          </span>
          {tunnel.failedConnections > 0 && (
            <div className="tunnel__warn">{t('tunnels.connections.failed', { count: tunnel.failedConnections })}</div>
          )}
        </td>
        <td className="num mono" data-testid="traffic">
          {formatBytes(tunnel.bytesIn)} / {formatBytes(tunnel.bytesOut)}
        </td>
        <td className="num mono" data-testid="rate">
          {t('tunnels.rate', { in: formatRate(tunnel.rateIn), out: formatRate(tunnel.rateOut) })}
        </td>
        <td className="tunnel__actions">
          {live ? (
            <Button
              className="btn--small"
              disabled={busy}
              aria-label={t('tunnels.stopNamed', { name: title })}
              onClick={() => void store?.getState().stop(tunnel.id)}
            >
              {t('tunnels.stop')}
            </Button>
          ) : (
            <Button variant="ghost" className="btn--small" onClick={() => store?.getState().dismiss(tunnel.id)}>
              {t('tunnels.dismiss')}
            </Button>
          )}
        </td>
      </tr>
      {(problem || tunnel.rdp) && (
        <tr className="tunnel__note">
          <td colSpan={8}>
            {problem && (
              <p className="tunnel__error" role="alert">
                <strong>{problem.message}</strong> {problem.hint}{' '}
                {diagnose && (
                  <Button
                    className="btn--small"
                    onClick={() =>
                      diagnose({
                        profile: tunnel.profile,
                        region: tunnel.region,
                        target: tunnel.target,
                        name: target,
                        document: tunnel.remoteHost
                          ? 'AWS-StartPortForwardingSessionToRemoteHost'
                          : 'AWS-StartPortForwardingSession',
                      })
                    }
                  >
                    {t('diagnose.button')}
                  </Button>
                )}
              </p>
            )}
            {tunnel.rdp?.command && (
              <p className="tunnel__info mono" data-testid="rdp-command">
                {t('tunnels.rdp.command', { command: tunnel.rdp.command.join(' ') })}
              </p>
            )}
            {launch && (
              <p className="tunnel__error" role="alert">
                {t('tunnels.rdp.launchFailed', { message: launch.message, address })}
              </p>
            )}
          </td>
        </tr>
      )}
    </>
  );
}

function SavedRow({
  saved,
  tunnels,
  nameOf,
  selected,
  onSelect,
}: {
  saved: SavedTunnel;
  tunnels: readonly TunnelInfo[];
  nameOf(target: string): string;
  selected: boolean;
  onSelect(on: boolean): void;
}) {
  const t = useT();
  const store = useTunnelsStore();
  const busy = useTunnels((s) => s.busy[saved.id]) ?? false;
  const error = useTunnels((s) => s.errors[saved.id]);
  const running = runningOf(tunnels, saved.id);
  const target = saved.targetName ?? nameOf(saved.target);
  const title = saved.name ?? `${target}:${saved.remotePort}`;
  const shown = error ? errorText(t, error) : undefined;
  return (
    <li className="saved" data-saved-id={saved.id} data-running={running ? 'true' : 'false'}>
      <input
        type="checkbox"
        className="saved__select"
        aria-label={t('tunnels.group.select', { name: title })}
        checked={selected}
        onChange={(e) => onSelect(e.target.checked)}
      />
      <Switch
        on={running !== undefined}
        busy={busy}
        label={t('tunnels.toggle', { name: title })}
        onToggle={() => void store?.getState().toggleSaved(saved.id)}
      />
      <div className="saved__body">
        <div className="saved__title">{title}</div>
        <div className="saved__meta">
          {destination(t, saved, target)}
          {' · '}
          <span className="mono">
            {running
              ? formatAddress(running.localAddress, running.localPort)
              : formatAddress(saved.bindAddress ?? '127.0.0.1', saved.localPort ?? 0).replace(/:0$/, ':*')}
          </span>
          {' · '}
          {saved.profile} · {saved.region}
        </div>
        {shown && (
          <p className="tunnel__error" role="alert" data-code={error?.code}>
            <strong>{shown.message}</strong> {shown.hint}
          </p>
        )}
      </div>
      <Button
        variant="ghost"
        className="btn--small"
        aria-label={t('tunnels.remove', { name: title })}
        title={t('tunnels.remove', { name: title })}
        onClick={() => void store?.getState().removeSaved(saved.id)}
      >
        ✕
      </Button>
    </li>
  );
}

function GroupRow({
  group,
  saved,
  tunnels,
}: {
  group: TunnelGroup;
  saved: readonly SavedTunnel[];
  tunnels: readonly TunnelInfo[];
}) {
  const t = useT();
  const store = useTunnelsStore();
  const busy = useTunnels((s) => s.busy[group.id]) ?? false;
  const error = useTunnels((s) => s.errors[group.id]);
  const on = groupIsOn(group, tunnels);
  const names = group.tunnelIds
    .map((id) => saved.find((s) => s.id === id))
    .filter((s): s is SavedTunnel => s !== undefined)
    .map((s) => s.name ?? `${s.targetName ?? s.target}:${s.remotePort}`);
  const shown = error ? errorText(t, error) : undefined;
  return (
    <li className="saved saved--group" data-group-id={group.id} data-on={on ? 'true' : 'false'}>
      <Switch
        on={on}
        busy={busy}
        label={t('tunnels.group.toggle', { name: group.name })}
        onToggle={() => void store?.getState().toggleGroup(group.id)}
      />
      <div className="saved__body">
        <div className="saved__title">{group.name}</div>
        <div className="saved__meta">
          {t('tunnels.group.members', { count: names.length, names: names.join(', ') })}
        </div>
        {shown && (
          <p className="tunnel__error" role="alert">
            <strong>{shown.message}</strong> {shown.hint}
          </p>
        )}
      </div>
      <Button
        variant="ghost"
        className="btn--small"
        aria-label={t('tunnels.group.remove', { name: group.name })}
        title={t('tunnels.group.remove', { name: group.name })}
        onClick={() => void store?.getState().removeGroup(group.id)}
      >
        ✕
      </Button>
    </li>
  );
}

/** The tunnels panel: live tunnels with their counters, saved tunnels and groups with toggles. */
export function TunnelsView() {
  const t = useT();
  const store = useTunnelsStore();
  const tunnels = useTunnels((s) => s.tunnels) ?? [];
  const saved = useTunnels((s) => s.saved) ?? [];
  const groups = useTunnels((s) => s.groups) ?? [];
  const status = useTunnels((s) => s.status);
  const loadError = useTunnels((s) => s.loadError);
  const nameOf = useInstanceNames();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [groupName, setGroupName] = useState('');
  const [groupError, setGroupError] = useState<string | undefined>();
  if (!store) return null;
  const chosen = saved.filter((s) => selected.has(s.id)).map((s) => s.id);

  const makeGroup = async () => {
    const result = await store.getState().saveGroup(groupName.trim(), chosen);
    if (!result.ok) {
      setGroupError(errorText(t, result).message);
      return;
    }
    setGroupError(undefined);
    setGroupName('');
    setSelected(new Set());
  };

  return (
    <section className="tunnels" aria-label={t('tunnels.title')}>
      <header className="tunnels__header">
        <div>
          <h2 className="tunnels__title">{t('tunnels.title')}</h2>
          <p className="tunnels__subtitle">{t('tunnels.subtitle')}</p>
        </div>
        <Button variant="primary" onClick={() => store.getState().openForward()}>
          {t('tunnels.new')}
        </Button>
      </header>
      {status === 'failed' && loadError && (
        <div className="tunnel__error tunnels__banner" role="alert">
          {t('tunnels.loadFailed', { message: errorText(t, loadError).message })}{' '}
          <Button className="btn--small" onClick={() => void store.getState().load()}>
            {t('tunnels.retry')}
          </Button>
        </div>
      )}

      <h3 className="tunnels__section">
        {t('tunnels.active')} <span className="tunnels__count">{tunnels.filter(isLiveTunnel).length}</span>
      </h3>
      {tunnels.length === 0 ? (
        <p className="tunnels__empty">{t('tunnels.active.none')}</p>
      ) : (
        <div className="tunnels__table-wrap">
          <table className="tunnels__table">
            <thead>
              <tr>
                <th>{t('tunnels.col.tunnel')}</th>
                <th>{t('tunnels.col.local')}</th>
                <th>{t('tunnels.col.remote')}</th>
                <th>{t('tunnels.col.state')}</th>
                <th className="num">{t('tunnels.col.connections')}</th>
                <th className="num">{t('tunnels.col.traffic')}</th>
                <th className="num">{t('tunnels.col.rate')}</th>
                <th>
                  <span className="visually-hidden">{t('tunnels.col.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tunnels.map((tunnel) => (
                <ActiveRow key={tunnel.id} tunnel={tunnel} nameOf={nameOf} />
              ))}
            </tbody>
          </table>
        </div>
      )}

      <div className="tunnels__columns">
        <div>
          <h3 className="tunnels__section">{t('tunnels.saved')}</h3>
          {saved.length === 0 ? (
            <p className="tunnels__empty">{t('tunnels.saved.none')}</p>
          ) : (
            <ul className="saved-list" aria-label={t('tunnels.saved')}>
              {saved.map((s) => (
                <SavedRow
                  key={s.id}
                  saved={s}
                  tunnels={tunnels}
                  nameOf={nameOf}
                  selected={selected.has(s.id)}
                  onSelect={(on) => {
                    const next = new Set(selected);
                    if (on) next.add(s.id);
                    else next.delete(s.id);
                    setSelected(next);
                  }}
                />
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3 className="tunnels__section">{t('tunnels.groups')}</h3>
          {groups.length === 0 ? (
            <p className="tunnels__empty">{t('tunnels.groups.none')}</p>
          ) : (
            <ul className="saved-list" aria-label={t('tunnels.groups')}>
              {groups.map((g) => (
                <GroupRow key={g.id} group={g} saved={saved} tunnels={tunnels} />
              ))}
            </ul>
          )}
          {saved.length > 0 && (
            <form
              className="group-form"
              onSubmit={(e) => {
                e.preventDefault();
                void makeGroup();
              }}
            >
              <input
                className="picker__input"
                aria-label={t('tunnels.group.name')}
                placeholder={t('tunnels.group.placeholder')}
                maxLength={128}
                value={groupName}
                onChange={(e) => setGroupName(e.target.value)}
              />
              <Button type="submit" disabled={chosen.length === 0 || groupName.trim() === ''}>
                {t('tunnels.group.create', { count: chosen.length })}
              </Button>
              {groupError && (
                <span className="picker__problem" role="alert">
                  {groupError}
                </span>
              )}
            </form>
          )}
        </div>
      </div>
    </section>
  );
}
