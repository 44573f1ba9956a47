import { useId, useMemo, useState, type ReactNode } from 'react';
import type { ErrorValue } from '../../../../shared/errors';
import { MAX_POOL } from '../../../../shared/model/tunnel';
import { useT } from '../../app/i18n';
import { useApp } from '../../state/context';
import { useTerminals } from '../../state/sessionsContext';
import { isNonLoopback, type ForwardTarget } from '../../state/tunnels';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { useDiagnose } from '../doctor/tools';
import { errorText } from '../instances/errorText';
import { useTunnels, useTunnelsStore } from './context';

interface Draft {
  instanceId: string;
  remotePort: string;
  remoteHost: string;
  localPort: string;
  bindAddress: string;
  pool: string;
  name: string;
  save: boolean;
}

type Problem = 'instance' | 'remotePort' | 'remoteHost' | 'localPort' | 'pool';

/** Failures on this machine, which the connect doctor cannot explain. */
const LOCAL_PROBLEMS: ReadonlySet<string> = new Set(['PORT_IN_USE', 'INVALID_TUNNEL', 'BAD_PAYLOAD', 'DISCONNECTED']);

function parsePort(text: string, min: number): number | undefined {
  if (!/^\d{1,5}$/.test(text.trim())) return undefined;
  const n = Number(text.trim());
  return n >= min && n <= 65535 ? n : undefined;
}

/** "Forward a port": remote port, optional remote host, local port, bind address (warned when not loopback). */
export function ForwardDialog() {
  const t = useT();
  const store = useTunnelsStore();
  const terminals = useTerminals();
  const forward = useTunnels((s) => s.forward);
  const instances = useApp((s) => s.instances);
  const fallbackProfile = useApp((s) => s.profile);
  const given = forward?.target;
  const [draft, setDraft] = useState<Draft>({
    instanceId: given?.instanceId ?? '',
    remotePort: '',
    remoteHost: '',
    localPort: '',
    bindAddress: '127.0.0.1',
    pool: '1',
    name: '',
    save: false,
  });
  const [problems, setProblems] = useState<Partial<Record<Problem, string>>>({});
  const [error, setError] = useState<ErrorValue | undefined>();
  const [busy, setBusy] = useState(false);
  const diagnose = useDiagnose();
  const ids = {
    instance: useId(),
    remotePort: useId(),
    remoteHost: useId(),
    localPort: useId(),
    bind: useId(),
    pool: useId(),
    name: useId(),
  };
  const choices = useMemo(() => instances.filter((i) => i.managed !== false).slice(0, 2000), [instances]);
  if (!store || !forward) return null;

  const target: ForwardTarget | undefined =
    given ??
    (() => {
      const i = instances.find((x) => x.instanceId === draft.instanceId);
      const profile = i?.profile ?? fallbackProfile;
      return i && profile
        ? { instanceId: i.instanceId, title: i.name ?? i.instanceId, profile, region: i.region }
        : undefined;
    })();

  const change = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft({ ...draft, [key]: value });
    setError(undefined);
  };
  const close = () => store.getState().closeForward();
  const warnBind = draft.bindAddress.trim() !== '' && isNonLoopback(draft.bindAddress);

  const submit = async () => {
    const found: Partial<Record<Problem, string>> = {};
    const remotePort = parsePort(draft.remotePort, 1);
    const localPort = draft.localPort.trim() === '' ? undefined : parsePort(draft.localPort, 1);
    const pool = Number(draft.pool);
    if (!target) found.instance = t('forward.invalid.instance');
    if (remotePort === undefined) found.remotePort = t('forward.invalid.port', { min: 1 });
    if (draft.localPort.trim() !== '' && localPort === undefined)
      found.localPort = t('forward.invalid.port', { min: 1 });
    if (draft.remoteHost.trim() !== '' && !/^[A-Za-z0-9._:-]{1,253}$/.test(draft.remoteHost.trim()))
      found.remoteHost = t('forward.invalid.host');
    if (!Number.isInteger(pool) || pool < 1 || pool > MAX_POOL) found.pool = t('forward.invalid.port', { min: 1 });
    setProblems(found);
    if (Object.keys(found).length > 0 || !target || remotePort === undefined) return;
    setBusy(true);
    const result = await store.getState().start(
      {
        profile: target.profile,
        region: target.region,
        target: target.instanceId,
        remotePort,
        ...(draft.remoteHost.trim() ? { remoteHost: draft.remoteHost.trim() } : {}),
        ...(localPort !== undefined ? { localPort } : {}),
        ...(draft.bindAddress.trim() && draft.bindAddress.trim() !== '127.0.0.1'
          ? { bindAddress: draft.bindAddress.trim() }
          : {}),
        ...(pool > 1 ? { pool } : {}),
        ...(draft.name.trim() ? { name: draft.name.trim() } : {}),
      },
      { save: draft.save, targetName: target.title },
    );
    setBusy(false);
    if (!result.ok) {
      setError(result);
      return;
    }
    close();
    terminals?.store.getState().show('tunnels');
  };

  const field = (
    id: string,
    label: string,
    help: string | undefined,
    problem: string | undefined,
    input: ReactNode,
    className?: string,
  ) => (
    <div className={['forward__field', className].filter(Boolean).join(' ')}>
      <label htmlFor={id}>{label}</label>
      {input}
      {problem ? (
        <span className="picker__problem" role="alert">
          {problem}
        </span>
      ) : (
        help && <span className="forward__help">{help}</span>
      )}
    </div>
  );

  const shown = error ? errorText(t, error) : undefined;
  return (
    <Dialog
      title={given ? t('forward.titleFor', { name: given.title }) : t('forward.title')}
      className="forward"
      onCancel={close}
      actions={
        <>
          <Button variant="ghost" onClick={close}>
            {t('forward.cancel')}
          </Button>
          <Button variant="primary" type="submit" form={`${ids.instance}-form`} disabled={busy}>
            {t('forward.start')}
          </Button>
        </>
      }
    >
      <form
        id={`${ids.instance}-form`}
        className="forward__form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {!given &&
          field(
            ids.instance,
            t('forward.instance'),
            undefined,
            problems.instance,
            <select
              id={ids.instance}
              className="picker__input"
              value={draft.instanceId}
              onChange={(e) => change('instanceId', e.target.value)}
            >
              <option value="">{t('forward.instance.choose')}</option>
              {choices.map((i) => (
                <option key={`${i.profile ?? ''}/${i.region}/${i.instanceId}`} value={i.instanceId}>
                  {(i.name ?? i.instanceId) + ' · ' + i.instanceId}
                </option>
              ))}
            </select>,
            'forward__field--wide',
          )}
        <div className="forward__row">
          {field(
            ids.remotePort,
            t('forward.remotePort'),
            t('forward.remotePort.help'),
            problems.remotePort,
            <input
              id={ids.remotePort}
              className="picker__input mono"
              inputMode="numeric"
              autoFocus
              placeholder="5432"
              value={draft.remotePort}
              aria-invalid={problems.remotePort ? true : undefined}
              onChange={(e) => change('remotePort', e.target.value)}
            />,
          )}
          {field(
            ids.localPort,
            t('forward.localPort'),
            t('forward.localPort.help'),
            problems.localPort,
            <input
              id={ids.localPort}
              className="picker__input mono"
              inputMode="numeric"
              placeholder="15432"
              value={draft.localPort}
              aria-invalid={problems.localPort ? true : undefined}
              onChange={(e) => change('localPort', e.target.value)}
            />,
          )}
        </div>
        {field(
          ids.remoteHost,
          t('forward.remoteHost'),
          t('forward.remoteHost.help'),
          problems.remoteHost,
          <input
            id={ids.remoteHost}
            className="picker__input mono"
            spellCheck={false}
            placeholder="db.cluster-abc.us-east-1.rds.amazonaws.com"
            value={draft.remoteHost}
            aria-invalid={problems.remoteHost ? true : undefined}
            onChange={(e) => change('remoteHost', e.target.value)}
          />,
          'forward__field--wide',
        )}
        <div className="forward__row">
          {field(
            ids.bind,
            t('forward.bind'),
            warnBind ? undefined : t('forward.bind.help'),
            undefined,
            <input
              id={ids.bind}
              className="picker__input mono"
              spellCheck={false}
              value={draft.bindAddress}
              onChange={(e) => change('bindAddress', e.target.value)}
            />,
          )}
          {field(
            ids.pool,
            t('forward.pool'),
            t('forward.pool.help'),
            problems.pool,
            <input
              id={ids.pool}
              className="picker__input mono"
              type="number"
              min={1}
              max={MAX_POOL}
              value={draft.pool}
              onChange={(e) => change('pool', e.target.value)}
            />,
          )}
        </div>
        {warnBind && (
          <p className="forward__warning" role="alert">
            {t('forward.bind.warning', { address: draft.bindAddress.trim() })}
          </p>
        )}
        {field(
          ids.name,
          t('forward.name'),
          undefined,
          undefined,
          <input
            id={ids.name}
            className="picker__input"
            maxLength={128}
            value={draft.name}
            onChange={(e) => change('name', e.target.value)}
          />,
          'forward__field--wide',
        )}
        <label className="picker__remember">
          <input type="checkbox" checked={draft.save} onChange={(e) => change('save', e.target.checked)} />
          <span>{t('forward.save')}</span>
        </label>
        {shown && (
          <div className="forward__error" role="alert" data-code={error?.code}>
            <strong>{shown.message}</strong>
            <span>{shown.hint}</span>
            {diagnose && target && error && !LOCAL_PROBLEMS.has(error.code) && (
              <Button
                className="btn--small"
                onClick={() => {
                  close();
                  diagnose({
                    profile: target.profile,
                    region: target.region,
                    target: target.instanceId,
                    name: target.title,
                    document: draft.remoteHost.trim()
                      ? 'AWS-StartPortForwardingSessionToRemoteHost'
                      : 'AWS-StartPortForwardingSession',
                  });
                }}
              >
                {t('diagnose.button')}
              </Button>
            )}
          </div>
        )}
      </form>
    </Dialog>
  );
}
