import { useEffect, useId, useRef, useState } from 'react';
import type { ErrorValue } from '../../../../shared/errors';
import type { InvokeResponse } from '../../../../shared/ipc/contract';
import { useT } from '../../app/i18n';
import type { SshTarget } from '../../state/tunnels';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { errorText } from '../instances/errorText';
import { useTunnelsStore } from './context';

/** The usual login of an image, from its platform name (the user can change it): ec2-user unless it says otherwise. */
export function defaultSshUser(platformName: string | undefined): string {
  const name = (platformName ?? '').toLowerCase();
  if (name.includes('ubuntu')) return 'ubuntu';
  if (name.includes('debian')) return 'admin';
  return 'ec2-user';
}

/**
 * SSH to an instance over Session Manager: the ~/.ssh/config block main writes (its ProxyCommand runs this
 * installation's `porthole ssh-proxy`), a Copy button, and "Open in terminal" (main starts ssh in the system terminal).
 * The user name is the only thing edited here; main validates and quotes everything.
 */
export function SshDialog({
  target,
  initialUser,
  onClose,
}: {
  target: SshTarget;
  initialUser: string;
  onClose(): void;
}) {
  const t = useT();
  const store = useTunnelsStore();
  const userId = useId();
  const configId = useId();
  const [user, setUser] = useState(initialUser);
  const [block, setBlock] = useState<InvokeResponse<'ssh.config'> | undefined>();
  const [error, setError] = useState<ErrorValue | undefined>();
  const [note, setNote] = useState<{ kind: 'copied' | 'copyFailed' } | { kind: 'opened'; command: string }>();
  const [opening, setOpening] = useState(false);
  const request = useRef(0);

  useEffect(() => {
    if (!store) return;
    const mine = ++request.current;
    void store
      .getState()
      .sshConfig({ ...target, user })
      .then((result) => {
        if (mine !== request.current) return; // an older answer for a user name since changed
        if (result.ok) {
          setBlock(result.value);
          setError(undefined);
        } else {
          setBlock(undefined);
          setError(result);
        }
      });
  }, [store, target, user]);

  if (!store) return null;

  const copy = async () => {
    if (!block) return;
    try {
      await navigator.clipboard.writeText(block.text);
      setNote({ kind: 'copied' });
    } catch {
      setNote({ kind: 'copyFailed' });
    }
  };

  const open = async () => {
    setOpening(true);
    setNote(undefined);
    const result = await store.getState().sshOpen({ ...target, user });
    setOpening(false);
    if (result.ok) {
      setError(undefined);
      setNote({ kind: 'opened', command: result.value.ssh.join(' ') });
    } else setError(result);
  };

  const shown = error ? errorText(t, error) : undefined;
  return (
    <Dialog
      title={t('ssh.title', { name: target.title })}
      className="forward ssh"
      onCancel={onClose}
      actions={
        <>
          <Button variant="ghost" onClick={onClose}>
            {t('ssh.close')}
          </Button>
          <Button disabled={!block} onClick={() => void copy()}>
            {t('ssh.copy')}
          </Button>
          <Button variant="primary" disabled={!block || opening} onClick={() => void open()}>
            {opening ? t('ssh.opening') : t('ssh.open')}
          </Button>
        </>
      }
    >
      <p className="forward__intro">{t('ssh.explain', { alias: block?.aliases[0] ?? target.instanceId })}</p>
      <div className="forward__field">
        <label htmlFor={userId}>{t('ssh.user')}</label>
        <input
          id={userId}
          className="mono"
          value={user}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => {
            setUser(e.target.value);
            setNote(undefined);
          }}
        />
        <span className="forward__help">{t('ssh.user.help')}</span>
      </div>
      <div className="forward__field">
        <span id={configId}>{t('ssh.config')}</span>
        <pre className="ssh__config mono" aria-labelledby={configId} data-testid="ssh-config" tabIndex={0}>
          {block ? block.text : t('ssh.loading')}
        </pre>
      </div>
      {note && (
        <p className="ssh__note" role="status" data-testid="ssh-note">
          {note.kind === 'opened' ? t('ssh.opened', { command: note.command }) : t(`ssh.${note.kind}`)}
        </p>
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
