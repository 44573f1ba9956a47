import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { InvokeRequest } from '../../../../shared/ipc/contract';
import { LocaleProvider } from '../../app/i18n';
import { createFakeBridge } from '../../state/fake-bridge';
import { createTunnelsStore } from '../../state/tunnels';
import { TunnelsProvider } from './context';
import { SshDialog, defaultSshUser } from './SshDialog';

afterEach(cleanup);

const ID = 'i-0b1c2d3e4f5a60001';

function setup(locale: 'en' | 'ja', openFails = false) {
  const bridge = createFakeBridge({
    'ssh.config': async (r: InvokeRequest<'ssh.config'>) => ({
      ok: true,
      value: {
        text: `Host ${r.target}\n    User ${r.user ?? 'ec2-user'}\n`,
        aliases: [r.target],
        user: r.user ?? 'ec2-user',
        proxyCommand: 'porthole ssh-proxy %h %p',
      },
    }),
    'ssh.open': async () =>
      openFails
        ? {
            ok: false,
            code: 'SSH_FAILED',
            message: 'SSH cannot be set up: x-terminal-emulator did not start (ENOENT)',
            params: { detail: 'x-terminal-emulator did not start (ENOENT)' },
          }
        : { ok: true, value: { command: 'konsole', args: ['-e', 'ssh', ID], ssh: ['ssh', ID] } },
  });
  const store = createTunnelsStore(bridge);
  render(
    <LocaleProvider locale={locale}>
      <TunnelsProvider value={store}>
        <SshDialog
          target={{
            instanceId: ID,
            title: 'ウェブサーバー',
            name: 'ウェブサーバー',
            profile: '開発',
            region: 'ap-northeast-1',
          }}
          initialUser="ubuntu"
          onClose={() => undefined}
        />
      </TunnelsProvider>
    </LocaleProvider>,
  );
  return bridge;
}

describe('SSH dialog', () => {
  it('asks main for the block of this instance (Name tag, profile, user) and follows a changed user name', async () => {
    const bridge = setup('ja');
    expect(screen.getByRole('heading', { name: 'ウェブサーバー に SSH' })).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('ssh-config').textContent).toContain('User ubuntu'));
    fireEvent.change(screen.getByLabelText('ユーザー名'), { target: { value: 'ec2-user' } });
    await waitFor(() => expect(screen.getByTestId('ssh-config').textContent).toContain('User ec2-user'));
    expect(bridge.callsTo('ssh.config').at(-1)).toEqual({
      profile: '開発',
      region: 'ap-northeast-1',
      target: ID,
      name: 'ウェブサーバー',
      user: 'ec2-user',
    });
  });

  it('shows what the terminal runs, or why it could not start, in the UI language', async () => {
    setup('en');
    const open = await screen.findByRole('button', { name: 'Open in terminal' });
    await waitFor(() => expect((open as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(open);
    expect((await screen.findByTestId('ssh-note')).textContent).toBe(`Started in the terminal: ssh ${ID}`);
    cleanup();

    setup('ja', true);
    const failing = await screen.findByRole('button', { name: 'ターミナルで開く' });
    await waitFor(() => expect((failing as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(failing);
    expect((await screen.findByRole('alert')).textContent).toContain(
      'SSH を設定できません: x-terminal-emulator did not start (ENOENT)',
    );
  });

  it('guesses the usual login from the platform name', () => {
    expect(defaultSshUser('Ubuntu')).toBe('ubuntu');
    expect(defaultSshUser('Debian GNU/Linux')).toBe('admin');
    expect(defaultSshUser('Amazon Linux')).toBe('ec2-user');
    expect(defaultSshUser(undefined)).toBe('ec2-user');
  });
});
