import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DiagnosisView } from '../../../../shared/model/tools';
import { LocaleProvider } from '../../app/i18n';
import { createFakeBridge } from '../../state/fake-bridge';
import { ToolsHost } from './ToolsHost';
import { createToolsStore, ToolsProvider } from './tools';

// jsdom has no canvas; xterm (the replay view, loaded with the tools) probes one when it loads. Say "none".
vi.hoisted(() => {
  HTMLCanvasElement.prototype.getContext = (() => null) as unknown as HTMLCanvasElement['getContext'];
});

afterEach(cleanup);

const diagnosis: DiagnosisView = {
  target: 'i-0e1a2b3c4d5e60004',
  region: 'eu-north-1',
  document: 'SSM-SessionManagerRunShell',
  caller: 'arn:aws:iam::123456789012:user/limited',
  ok: false,
  checks: [
    { id: 'instance-state', status: 'pass', title: 'Instance state', summary: 'The instance is running.' },
    {
      id: 'role-permissions',
      status: 'unknown',
      title: 'Role permissions',
      summary: 'Could not simulate the role.',
      missingPermission: 'iam:SimulatePrincipalPolicy',
    },
    {
      id: 'ssm-agent',
      status: 'fail',
      title: 'SSM agent',
      summary: 'SSM has not heard from the agent since 2024-01-01.',
      fix: {
        console: 'Systems Manager › Fleet Manager',
        cli: 'aws ssm describe-instance-information --filters Key=InstanceIds,Values=i-0e1a2b3c4d5e60004',
        docs: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/troubleshooting-managed-nodes.html',
      },
    },
    { id: 'agent-version', status: 'skipped', title: 'Agent version', summary: 'Not checked.', blockedBy: 'ssm-agent' },
  ],
};

function setup(locale: 'en' | 'ja' = 'en') {
  const bridge = createFakeBridge({ 'doctor.diagnose': async () => ({ ok: true, value: diagnosis }) });
  const store = createToolsStore();
  store.getState().open({
    kind: 'doctor',
    target: { profile: 'demo', region: 'eu-north-1', target: diagnosis.target, name: '役割なし' },
  });
  render(
    <LocaleProvider locale={locale}>
      <ToolsProvider bridge={bridge} store={store}>
        <ToolsHost />
      </ToolsProvider>
    </LocaleProvider>,
  );
  return { bridge, store };
}

describe('connect doctor panel', () => {
  it('asks main for the chosen target in the UI language and shows each check with its status', async () => {
    const { bridge } = setup('ja');
    expect(await screen.findByText('SSM has not heard from the agent since 2024-01-01.')).toBeTruthy();
    expect(bridge.callsTo('doctor.diagnose')).toEqual([
      { profile: 'demo', region: 'eu-north-1', target: 'i-0e1a2b3c4d5e60004', locale: 'ja' },
    ]);
    expect(screen.getByText('1 件の確認が失敗しました。', { exact: false })).toBeTruthy();
    const items = document.querySelectorAll('[data-check]');
    expect([...items].map((i) => `${i.getAttribute('data-check')}:${i.getAttribute('data-status')}`)).toEqual([
      'instance-state:pass',
      'role-permissions:unknown',
      'ssm-agent:fail',
      'agent-version:skipped',
    ]);
  });

  it('gives a failure its fix, a could-not-check its missing permission, a skipped check the check that explains it', async () => {
    setup();
    await screen.findByText('SSM agent');
    const failed = document.querySelector('[data-check="ssm-agent"]') as HTMLElement;
    expect(within(failed).getByText(/aws ssm describe-instance-information/)).toBeTruthy();
    expect(within(failed).getByText('Systems Manager › Fleet Manager')).toBeTruthy();
    expect(within(failed).getByRole('link').getAttribute('href')).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    const unknown = document.querySelector('[data-check="role-permissions"]') as HTMLElement;
    expect(within(unknown).getByText('Missing permission to check: iam:SimulatePrincipalPolicy')).toBeTruthy();
    const passed = document.querySelector('[data-check="instance-state"]') as HTMLElement;
    expect(within(passed).queryByRole('link')).toBeNull();
    const skipped = document.querySelector('[data-check="agent-version"]') as HTMLElement;
    expect(within(skipped).getByText('Not checked.')).toBeTruthy();
    expect(skipped.getAttribute('data-blocked-by')).toBe('ssm-agent');
  });

  it('shows why the checks could not run', async () => {
    const bridge = createFakeBridge({
      'doctor.diagnose': async () => ({ ok: false, code: 'AWS_AUTH_FAILED', message: 'The credentials were refused.' }),
    });
    const store = createToolsStore();
    store.getState().open({ kind: 'doctor', target: { profile: 'p', region: 'eu-north-1', target: 'i-1', name: 'x' } });
    render(
      <LocaleProvider locale="en">
        <ToolsProvider bridge={bridge} store={store}>
          <ToolsHost />
        </ToolsProvider>
      </LocaleProvider>,
    );
    // The sentence comes from the catalog by the error's code, in the user's language.
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The checks could not run: AWS refused the credentials of profile "p". Check the access key and secret, or sign in again.',
    );
  });
});
