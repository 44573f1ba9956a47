import { useState } from 'react';
import { useT } from '../../app/i18n';
import { useApp } from '../../state/context';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { useTools } from './tools';

const TARGET = /^(i|mi)-[0-9a-f]{8,17}$/;

/** Diagnose any instance or managed node by id, in the chosen profile and region (also ones SSM does not list). */
export function DiagnoseTargetDialog() {
  const t = useT();
  const tools = useTools();
  const profile = useApp((s) => s.profile);
  const region = useApp((s) => s.region);
  const [target, setTarget] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  if (!tools) return null;
  const close = () => tools.store.getState().close();
  const submit = () => {
    const id = target.trim();
    if (!TARGET.test(id)) return setProblem(t('diagnose.byId.invalid'));
    if (!profile || !region) return setProblem(t('diagnose.byId.noProfile'));
    tools.store.getState().open({ kind: 'doctor', target: { profile, region, target: id, name: id } });
  };
  return (
    <Dialog
      title={t('diagnose.byId.title')}
      className="doctor-target"
      onCancel={close}
      actions={
        <>
          <Button variant="ghost" onClick={close}>
            {t('diagnose.close')}
          </Button>
          <Button variant="primary" onClick={submit}>
            {t('diagnose.button')}
          </Button>
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label className="doctor-target__field">
          <span>{t('diagnose.byId.label', { profile: profile ?? '—', region: region ?? '—' })}</span>
          <input
            className="picker__input mono"
            value={target}
            autoFocus
            placeholder="i-0123456789abcdef0"
            aria-invalid={problem ? true : undefined}
            onChange={(e) => {
              setTarget(e.target.value);
              setProblem(undefined);
            }}
          />
        </label>
        {problem && (
          <p className="policy__error" role="alert">
            {problem}
          </p>
        )}
      </form>
    </Dialog>
  );
}
