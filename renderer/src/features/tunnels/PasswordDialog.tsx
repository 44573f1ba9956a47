import { useId, useState } from 'react';
import type { ErrorValue } from '../../../../shared/errors';
import { useT } from '../../app/i18n';
import type { ForwardTarget } from '../../state/tunnels';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { errorText } from '../instances/errorText';
import { useTunnelsStore } from './context';

/** Key files are small; anything bigger is not a PEM key pair. */
const MAX_KEY_BYTES = 64 * 1024;

/**
 * The Windows administrator password: the user picks the key pair file, its text goes to main once to decrypt EC2's
 * password data, and the answer lives in this dialog's state only (gone when it closes).
 */
export function PasswordDialog({ target, onClose }: { target: ForwardTarget; onClose(): void }) {
  const t = useT();
  const store = useTunnelsStore();
  const fileId = useId();
  const [file, setFile] = useState<File | undefined>();
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<{ username: string; password?: string } | undefined>();
  const [error, setError] = useState<ErrorValue | undefined>();
  if (!store) return null;

  const decrypt = async () => {
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setAnswer(undefined);
    if (file.size > MAX_KEY_BYTES) {
      const detail = 'the file is too large to be a key pair file';
      setError({ code: 'KEY_PAIR_INVALID', message: detail, params: { detail } });
      setBusy(false);
      return;
    }
    const keyPem = await file.text();
    const result = await store.getState().password(target, keyPem);
    setBusy(false);
    if (result.ok) setAnswer(result.value);
    else setError(result);
  };

  const shown = error ? errorText(t, error) : undefined;
  return (
    <Dialog
      title={t('rdp.password.title', { name: target.title })}
      className="forward"
      onCancel={onClose}
      actions={
        <>
          <Button variant="ghost" onClick={onClose}>
            {t('rdp.password.close')}
          </Button>
          <Button variant="primary" disabled={!file || busy} onClick={() => void decrypt()}>
            {t('rdp.password.decrypt')}
          </Button>
        </>
      }
    >
      <p className="forward__intro">{t('rdp.password.explain')}</p>
      <div className="forward__field">
        <label htmlFor={fileId}>{t('rdp.password.file')}</label>
        <input
          id={fileId}
          type="file"
          accept=".pem,.key,.txt"
          className="forward__file"
          onChange={(e) => {
            setFile(e.target.files?.[0]);
            setAnswer(undefined);
            setError(undefined);
          }}
        />
      </div>
      {answer && answer.password === undefined && <p className="forward__warning">{t('rdp.password.notReady')}</p>}
      {answer?.password !== undefined && (
        <dl className="password">
          <dt>{t('rdp.password.user')}</dt>
          <dd className="mono">{answer.username}</dd>
          <dt>{t('rdp.password.value')}</dt>
          <dd className="password__value">
            <code data-testid="rdp-password">{answer.password}</code>
            <Button
              variant="ghost"
              className="btn--small"
              onClick={() => void navigator.clipboard?.writeText(answer.password ?? '').catch(() => undefined)}
            >
              {t('rdp.password.copy')}
            </Button>
          </dd>
        </dl>
      )}
      {shown && (
        <div className="forward__error" role="alert" data-code={error?.code}>
          <strong>{shown.message}</strong>
          <span>{shown.hint}</span>
        </div>
      )}
    </Dialog>
  );
}
