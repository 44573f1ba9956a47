import { useCallback, useEffect, useState } from 'react';
import type { ErrorValue } from '../../../../shared/errors';
import type { DiagnosisView, DoctorCheck } from '../../../../shared/model/tools';
import { useLocale, useT } from '../../app/i18n';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Spinner } from '../../ui/Spinner';
import { errorText } from '../instances/errorText';
import { copyText, useTools, type DoctorTarget } from './tools';
import './tools.css';

type State =
  { status: 'loading' } | { status: 'ready'; diagnosis: DiagnosisView } | { status: 'failed'; error: ErrorValue };

const MARK: Record<DoctorCheck['status'], string> = { pass: '✓', fail: '✕', unknown: '?', skipped: '–' };

/** The connect doctor: runs every check for one instance and shows the checklist with each failure's fix. */
export function DoctorPanel({ target }: { target: DoctorTarget }) {
  const t = useT();
  const locale = useLocale();
  const tools = useTools();
  const [state, setState] = useState<State>({ status: 'loading' });
  const [run, setRun] = useState(0);

  useEffect(() => {
    if (!tools) return;
    let current = true;
    setState({ status: 'loading' });
    void tools.bridge
      .invoke('doctor.diagnose', {
        profile: target.profile,
        region: target.region,
        target: target.target,
        ...(target.document ? { document: target.document } : {}),
        locale,
      })
      .then(
        (result) => {
          if (!current) return;
          setState(result.ok ? { status: 'ready', diagnosis: result.value } : { status: 'failed', error: result });
        },
        (e: unknown) => {
          if (current) setState({ status: 'failed', error: { code: 'INTERNAL', message: String(e) } });
        },
      );
    return () => {
      current = false;
    };
  }, [tools, target, locale, run]);

  const close = useCallback(() => tools?.store.getState().close(), [tools]);
  if (!tools) return null;
  const failed = state.status === 'ready' ? state.diagnosis.checks.filter((c) => c.status === 'fail').length : 0;

  return (
    <Dialog
      title={t('diagnose.title', { name: target.name })}
      className="doctor"
      onCancel={close}
      actions={
        <>
          <Button onClick={() => setRun((n) => n + 1)} disabled={state.status === 'loading'}>
            {t('diagnose.rerun')}
          </Button>
          <Button variant="primary" onClick={close}>
            {t('diagnose.close')}
          </Button>
        </>
      }
    >
      <div className="doctor__body" data-status={state.status} data-target={target.target}>
        {state.status === 'loading' && (
          <p className="doctor__running" role="status">
            <Spinner /> {t('diagnose.running', { target: target.target, region: target.region })}
          </p>
        )}
        {state.status === 'failed' && (
          <p className="doctor__error" role="alert">
            {t('diagnose.failed', {
              message: errorText(t, state.error, { profile: target.profile, region: target.region }).message,
            })}
          </p>
        )}
        {state.status === 'ready' && (
          <>
            <p
              className={failed === 0 ? 'doctor__verdict doctor__verdict--ok' : 'doctor__verdict doctor__verdict--fail'}
            >
              {failed === 0 ? t('diagnose.ok') : t('diagnose.problems', { count: failed })}
            </p>
            <p className="doctor__meta muted">
              {t('diagnose.document', { document: state.diagnosis.document })}
              {state.diagnosis.caller && <> · {t('diagnose.caller', { arn: state.diagnosis.caller })}</>}
            </p>
            <ol className="doctor__checks" aria-label={t('diagnose.title', { name: target.name })}>
              {state.diagnosis.checks.map((check) => (
                <CheckItem key={check.id} check={check} all={state.diagnosis.checks} />
              ))}
            </ol>
          </>
        )}
      </div>
    </Dialog>
  );
}

function CheckItem({ check, all }: { check: DoctorCheck; all: readonly DoctorCheck[] }) {
  const t = useT();
  // A skipped check's summary already names the failed check that explains it (blockedBy); link the two.
  const blocker = check.blockedBy ? all.find((c) => c.id === check.blockedBy) : undefined;
  return (
    <li
      className={`doctor-check doctor-check--${check.status}`}
      data-check={check.id}
      data-status={check.status}
      data-blocked-by={blocker?.id}
    >
      <span className="doctor-check__mark" aria-hidden="true">
        {MARK[check.status]}
      </span>
      <div className="doctor-check__main">
        <div className="doctor-check__head">
          <span className="doctor-check__title">{check.title}</span>
          <span className={`doctor-check__status doctor-check__status--${check.status}`}>
            {t(`doctor.status.${check.status}`)}
          </span>
        </div>
        <p className="doctor-check__summary">{check.summary}</p>
        {check.details && check.details.length > 0 && (
          <ul className="doctor-check__details">
            {check.details.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        )}
        {check.missingPermission && (
          <p className="doctor-check__note">
            {t('diagnose.missingPermission', { permission: check.missingPermission })}
          </p>
        )}
        {check.fix && (check.status === 'fail' || check.status === 'unknown') && <Fix fix={check.fix} />}
      </div>
    </li>
  );
}

function Fix({ fix }: { fix: NonNullable<DoctorCheck['fix']> }) {
  const t = useT();
  const [copied, setCopied] = useState<'yes' | 'no' | undefined>();
  return (
    <dl className="doctor-fix">
      <dt>{t('diagnose.fix.console')}</dt>
      <dd className="doctor-fix__console">{fix.console}</dd>
      <dt>{t('diagnose.fix.cli')}</dt>
      <dd className="doctor-fix__cli">
        <code>{fix.cli}</code>
        <Button variant="ghost" onClick={() => void copyText(fix.cli).then((ok) => setCopied(ok ? 'yes' : 'no'))}>
          {copied === 'yes' ? t('diagnose.copied') : t('diagnose.copy')}
        </Button>
        {copied === 'no' && <span className="doctor-fix__copy-failed">{t('diagnose.copyFailed')}</span>}
      </dd>
      <dt>{t('diagnose.fix.docs')}</dt>
      <dd>
        <a href={fix.docs} target="_blank" rel="noreferrer noopener">
          {fix.docs}
        </a>
      </dd>
    </dl>
  );
}
