import type { ReactNode } from 'react';
import type { Instance } from '../../../../shared/model/instance';
import { useLocale, useT } from '../../app/i18n';
import { IconButton } from '../../ui/Button';
import { InstanceTunnelActions } from '../tunnels/InstanceActions';
import { CloseIcon } from '../../ui/icons';
import { PlatformIcon } from './PlatformIcon';
import { StatusBadge } from './StatusBadge';
import { TagChip, visibleTags } from './TagChips';

function Field({ label, children, mono }: { label: string; children: ReactNode; mono?: boolean }) {
  return (
    <>
      <dt>{label}</dt>
      <dd className={mono ? 'mono' : undefined}>{children}</dd>
    </>
  );
}

/** Everything known about the selected instance. */
export function InstanceDetails({
  instance,
  onClose,
  actions,
}: {
  instance: Instance;
  onClose(): void;
  /** Buttons under the title (Connect, Connect with…). */
  actions?: ReactNode;
}) {
  const t = useT();
  const locale = useLocale();
  const lastPing = instance.lastPingAt ? new Date(instance.lastPingAt) : undefined;
  const tags = visibleTags(instance.tags);
  const platform = [instance.platformName ?? t(`platform.${instance.platform}`), instance.platformVersion]
    .filter(Boolean)
    .join(' ');
  return (
    <aside className="details" aria-label={t('details.label')}>
      <header className="details__header">
        <PlatformIcon platform={instance.platform} size={20} />
        <div className="details__title">
          <h2>{instance.name ?? t('instances.unnamed')}</h2>
          <span className="mono muted">{instance.instanceId}</span>
        </div>
        <IconButton label={t('details.close')} icon={<CloseIcon />} onClick={onClose} />
      </header>
      <div className="details__actions">
        {actions}
        <InstanceTunnelActions instance={instance} />
      </div>
      <dl className="details__fields">
        <Field label={t('details.status')}>
          <StatusBadge status={instance.pingStatus} />
        </Field>
        <Field label={t('details.platform')}>{platform}</Field>
        {instance.privateIp && (
          <Field label={t('details.privateIp')} mono>
            {instance.privateIp}
          </Field>
        )}
        {instance.publicIp && (
          <Field label={t('details.publicIp')} mono>
            {instance.publicIp}
          </Field>
        )}
        {instance.instanceType && (
          <Field label={t('details.instanceType')} mono>
            {instance.instanceType}
          </Field>
        )}
        {instance.state && <Field label={t('details.state')}>{instance.state}</Field>}
        {instance.agentVersion && (
          <Field label={t('details.agentVersion')} mono>
            {instance.agentVersion}
          </Field>
        )}
        {lastPing && !Number.isNaN(lastPing.getTime()) && (
          <Field label={t('details.lastPing')}>
            <time dateTime={instance.lastPingAt}>{lastPing.toLocaleString(locale)}</time>
          </Field>
        )}
        {instance.computerName && <Field label={t('details.computerName')}>{instance.computerName}</Field>}
        {instance.vpcId && (
          <Field label={t('details.vpc')} mono>
            {instance.vpcId}
          </Field>
        )}
        {instance.subnetId && (
          <Field label={t('details.subnet')} mono>
            {instance.subnetId}
          </Field>
        )}
        {instance.accountId && (
          <Field label={t('details.account')} mono>
            {instance.accountId}
          </Field>
        )}
      </dl>
      <h3 className="details__section">{t('details.tags')}</h3>
      {tags.length === 0 ? (
        <p className="muted">{t('tags.none')}</p>
      ) : (
        <ul className="details__tags">
          {tags.map((tag) => (
            <li key={tag.key}>
              <TagChip tag={tag} />
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
