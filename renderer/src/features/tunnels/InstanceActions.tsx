import { useState } from 'react';
import type { Instance } from '../../../../shared/model/instance';
import { useT } from '../../app/i18n';
import { useApp } from '../../state/context';
import { useTerminals } from '../../state/sessionsContext';
import type { ForwardTarget } from '../../state/tunnels';
import { Button } from '../../ui/Button';
import { errorText } from '../instances/errorText';
import { useTunnels, useTunnelsStore } from './context';
import { PasswordDialog } from './PasswordDialog';
import { SshDialog, defaultSshUser } from './SshDialog';

/** "Forward a port" for any instance; "SSH…" for Linux ones; "Connect with RDP" and the administrator password for Windows ones. */
export function InstanceTunnelActions({ instance }: { instance: Instance }) {
  const t = useT();
  const store = useTunnelsStore();
  const terminals = useTerminals();
  const fallbackProfile = useApp((s) => s.profile);
  const rdpKey = `rdp:${instance.instanceId}`;
  const rdpBusy = useTunnels((s) => s.busy[rdpKey]) ?? false;
  const rdpError = useTunnels((s) => s.errors[rdpKey]);
  const [passwordOpen, setPasswordOpen] = useState(false);
  const [sshOpen, setSshOpen] = useState(false);
  const profile = instance.profile ?? fallbackProfile;
  if (!store || !profile) return null;
  const target: ForwardTarget = {
    instanceId: instance.instanceId,
    title: instance.name ?? instance.instanceId,
    profile,
    region: instance.region,
  };
  const windows = instance.platform === 'Windows';
  const shown = rdpError ? errorText(t, rdpError) : undefined;
  return (
    <>
      <Button onClick={() => store.getState().openForward(target)}>{t('forward.button')}</Button>
      {instance.platform === 'Linux' && <Button onClick={() => setSshOpen(true)}>{t('ssh.button')}</Button>}
      {windows && (
        <>
          <Button
            disabled={rdpBusy}
            onClick={() =>
              void store
                .getState()
                .startRdp(target)
                .then((r) => {
                  if (r.ok) terminals?.store.getState().show('tunnels');
                })
            }
          >
            {rdpBusy ? t('rdp.starting') : t('rdp.button')}
          </Button>
          <Button onClick={() => setPasswordOpen(true)}>{t('rdp.password.button')}</Button>
        </>
      )}
      {shown && (
        <p className="tunnel__error details__problem" role="alert" data-code={rdpError?.code}>
          <strong>{shown.message}</strong> {shown.hint}
        </p>
      )}
      {passwordOpen && <PasswordDialog target={target} onClose={() => setPasswordOpen(false)} />}
      {sshOpen && (
        <SshDialog
          target={{ ...target, ...(instance.name ? { name: instance.name } : {}) }}
          initialUser={defaultSshUser(instance.platformName)}
          onClose={() => setSshOpen(false)}
        />
      )}
    </>
  );
}
