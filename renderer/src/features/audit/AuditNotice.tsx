import { useEffect, useState } from 'react';
import type { SessionAudit } from '../../../../shared/model/tools';
import { useT } from '../../app/i18n';
import { useTools } from '../doctor/tools';
import { errorText } from '../instances/errorText';
import '../doctor/tools.css';

/**
 * Before connecting: whether Session Manager records the session server-side (S3 / CloudWatch, from the region's
 * session preferences) and whether it is KMS-encrypted.
 */
export function AuditNotice({ profile, region }: { profile: string; region: string }) {
  const t = useT();
  const tools = useTools();
  const [audit, setAudit] = useState<SessionAudit | { failed: string } | undefined>();
  const [local, setLocal] = useState(false);
  useEffect(() => {
    if (!tools) return;
    let current = true;
    setAudit(undefined);
    void tools.bridge.invoke('audit.preferences', { profile, region }).then((r) => {
      if (current) setAudit(r.ok ? r.value : { failed: errorText(t, r, { profile, region }).message });
    });
    // A host without local recordings answers with an error: then nothing is recorded here.
    void tools.bridge.invoke('audit.settings', {}).then((r) => {
      if (current) setLocal(r.ok && r.value.enabled);
    });
    return () => {
      current = false;
    };
  }, [tools, profile, region, t]);
  if (!tools) return null;
  if (!audit) {
    return (
      <p className="audit-notice" role="status" data-audit="loading">
        {t('audit.notice.loading')}
      </p>
    );
  }
  if ('failed' in audit || audit.error) {
    const message = 'failed' in audit ? audit.failed : (audit.error ?? '');
    return (
      <p className="audit-notice" role="status" data-audit="unknown">
        {t('audit.notice.unknown', { message })}
        {local && <> {t('audit.notice.local')}</>}
      </p>
    );
  }
  const where = [
    audit.s3BucketName ? t('audit.notice.s3', { bucket: `${audit.s3BucketName}/${audit.s3KeyPrefix ?? ''}` }) : '',
    audit.cloudWatchLogGroupName ? t('audit.notice.cloudWatch', { group: audit.cloudWatchLogGroupName }) : '',
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <p
      className={audit.recorded ? 'audit-notice audit-notice--recorded' : 'audit-notice'}
      role="status"
      data-audit={audit.recorded ? 'recorded' : 'not-recorded'}
      data-encrypted={audit.encrypted}
      data-local={local}
    >
      {audit.recorded ? t('audit.notice.recorded', { where }) : t('audit.notice.notRecorded', { region })}{' '}
      {audit.encrypted ? t('audit.notice.encrypted', { key: audit.kmsKeyId ?? '' }) : t('audit.notice.notEncrypted')}
      {local && <> {t('audit.notice.local')}</>}
    </p>
  );
}
