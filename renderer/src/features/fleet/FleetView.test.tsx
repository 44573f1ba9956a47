import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Result } from '../../../../shared/errors';
import type { InvokeResponse } from '../../../../shared/ipc/contract';
import { App } from '../../app/App';
import { createFakeBridge, demoHandlers, fleetAnswer, sampleFleet, type FakeBridge } from '../../state/fake-bridge';
import { PREF_KEYS } from '../../state/prefs';
import { createAppStore, type AppStore } from '../../state/store';

const stores: AppStore[] = [];
afterEach(() => {
  cleanup();
  for (const s of stores.splice(0)) s.getState().dispose();
  delete document.documentElement.dataset.theme;
});

function mapStorage(entries: Record<string, string> = {}) {
  const map = new Map<string, string>(Object.entries(entries));
  return { map, getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
}

function renderApp(bridge: FakeBridge, storage = mapStorage()) {
  const store = createAppStore({ bridge, storage });
  stores.push(store);
  render(<App store={store} locale="en" />);
  return { store, storage };
}

const tokyo = () =>
  sampleFleet('ap-northeast-1')
    .slice(0, 1)
    .map((i) => ({ ...i, instanceId: 'i-0tokyo000000000001', name: 'tokyo-1' }));

function withProfiles(bridge: FakeBridge) {
  bridge.handlers['profiles.list'] = () => ({
    ok: true,
    value: {
      profiles: [
        { name: 'demo', region: 'us-east-1', kind: 'static' },
        { name: 'sso-dev', region: 'us-east-1', kind: 'sso' },
      ],
      defaultProfile: 'demo',
    },
  });
  return bridge;
}

describe('fleet browser', () => {
  it('lists every chosen profile x region, remembers the choice, and a failing source offers Sign in', async () => {
    const bridge = withProfiles(
      createFakeBridge(demoHandlers({ 'us-east-1': sampleFleet(), 'ap-northeast-1': tokyo() })),
    );
    bridge.handlers['fleet.list'] = ({ sources }) => ({
      ok: true,
      value: fleetAnswer({ 'us-east-1': sampleFleet(), 'ap-northeast-1': tokyo() }, sources, (s) =>
        s.profile === 'sso-dev'
          ? {
              code: 'SSO_SIGN_IN_REQUIRED',
              message: 'sign in',
              params: { profile: 'sso-dev', action: 'ssoSignIn' },
            }
          : undefined,
      ),
    });
    const { store, storage } = renderApp(bridge);
    await screen.findByRole('grid', { name: 'Instances' });

    fireEvent.click(screen.getByRole('button', { name: /^Sources/ }));
    const panel = screen.getByRole('dialog', { name: 'Choose profiles and regions' });
    fireEvent.click(within(panel).getByRole('checkbox', { name: /sso-dev/ }));
    await waitFor(() => expect(within(panel).getByRole('checkbox', { name: 'ap-northeast-1' })).toBeTruthy());
    fireEvent.click(within(panel).getByRole('checkbox', { name: 'ap-northeast-1' }));
    fireEvent.click(within(panel).getByRole('button', { name: 'Show these' }));

    await waitFor(() => expect(screen.getByText('5 instances')).toBeTruthy());
    expect(bridge.callsTo('fleet.list').at(-1)).toEqual({
      sources: [
        { profile: 'demo', region: 'us-east-1' },
        { profile: 'demo', region: 'ap-northeast-1' },
        { profile: 'sso-dev', region: 'us-east-1' },
        { profile: 'sso-dev', region: 'ap-northeast-1' },
      ],
    });
    // Account and region columns appear with several sources.
    const table = screen.getByRole('grid', { name: 'Instances' });
    expect(within(table).getByRole('columnheader', { name: 'Region' })).toBeTruthy();
    expect(within(within(table).getByRole('row', { name: /tokyo-1/ })).getByText('ap-northeast-1')).toBeTruthy();
    // Both SSO sources failed on their own lines; the rest shows.
    const banner = screen.getByRole('alert');
    expect(within(banner).getByText(/2 sources could not be listed/)).toBeTruthy();
    expect(within(banner).getAllByRole('button', { name: 'Sign in' })).toHaveLength(2);
    expect(JSON.parse(storage.map.get(PREF_KEYS.sources)!)).toEqual({
      profiles: ['demo', 'sso-dev'],
      regions: ['us-east-1', 'ap-northeast-1'],
    });

    // Sign in: the code and link from auth.ssoCode, then the list again.
    let finish!: (r: Result<InvokeResponse<'auth.ssoSignIn'>>) => void;
    bridge.handlers['auth.ssoSignIn'] = () => new Promise((resolve) => (finish = resolve));
    bridge.handlers['profiles.identity'] = ({ profile }) => ({
      ok: true,
      value: {
        profile,
        accountId: '333333333333',
        arn: 'arn:aws:sts::333333333333:assumed-role/ReadOnly/me',
        userId: 'u',
      },
    });
    fireEvent.click(within(banner).getAllByRole('button', { name: 'Sign in' })[0]!);
    const dialog = await screen.findByRole('dialog', { name: 'Sign in to AWS IAM Identity Center' });
    act(() =>
      bridge.emit('auth.ssoCode', {
        profile: 'sso-dev',
        userCode: 'ABCD-EFGH',
        verificationUri: 'http://127.0.0.1:1/device',
        verificationUriComplete: 'http://127.0.0.1:1/device?user_code=ABCD-EFGH',
        expiresAt: '2030-01-01T00:00:00.000Z',
      }),
    );
    expect(within(dialog).getByText('ABCD-EFGH')).toBeTruthy();
    expect(within(dialog).getByRole('link', { name: 'Open the sign-in page' }).getAttribute('href')).toBe(
      'http://127.0.0.1:1/device?user_code=ABCD-EFGH',
    );
    const listsBefore = bridge.callsTo('fleet.list').length;
    bridge.handlers['fleet.list'] = ({ sources }) => ({
      ok: true,
      value: fleetAnswer({ 'us-east-1': sampleFleet(), 'ap-northeast-1': tokyo() }, sources),
    });
    await act(async () =>
      finish({ ok: true, value: { profile: 'sso-dev', startUrl: 'https://x', expiresAt: '2030-01-01T00:00:00Z' } }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(screen.getByText('10 instances')).toBeTruthy());
    expect(bridge.callsTo('fleet.list').length).toBe(listsBefore + 1);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(store.getState().identities['sso-dev']?.identity?.accountId).toBe('333333333333');
  });

  it('shows the cached list at once, then the refreshed one', async () => {
    const bridge = createFakeBridge(demoHandlers({ 'us-east-1': sampleFleet() }));
    bridge.handlers['fleet.cached'] = ({ sources }) => ({
      ok: true,
      value: {
        instances: sampleFleet().slice(0, 1),
        sources: sources.map((s) => ({ ...s, state: 'cached' as const, count: 1, fetchedAt: '2026-01-01T00:00:00Z' })),
      },
    });
    let answer!: () => void;
    const real = bridge.handlers['fleet.list']!;
    bridge.handlers['fleet.list'] = (req) => new Promise((resolve) => (answer = () => resolve(real(req))));
    renderApp(bridge);
    expect(await screen.findByText('1 instance')).toBeTruthy();
    expect(screen.getByText(/Showing the list from/)).toBeTruthy();
    await act(async () => answer());
    await waitFor(() => expect(screen.getByText('4 instances')).toBeTruthy());
  });

  it('asks for an MFA code, checks it, answers, and Cancel answers without a code', async () => {
    const bridge = createFakeBridge(demoHandlers({ 'us-east-1': sampleFleet() }));
    const answers: unknown[] = [];
    bridge.handlers['auth.mfaAnswer'] = (req) => {
      answers.push(req);
      return { ok: true, value: { accepted: true } };
    };
    renderApp(bridge);
    await screen.findByRole('grid', { name: 'Instances' });
    act(() => bridge.emit('auth.mfaPrompt', { id: 'p1', profile: 'prod', serial: 'arn:aws:iam::111111111111:mfa/me' }));
    let dialog = await screen.findByRole('dialog', { name: 'MFA code needed' });
    expect(within(dialog).getByText(/arn:aws:iam::111111111111:mfa\/me/)).toBeTruthy();
    fireEvent.change(within(dialog).getByLabelText('Code'), { target: { value: '12a' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Continue' }));
    expect(await within(dialog).findByText('Enter the 6 digits of the code.')).toBeTruthy();
    expect(answers).toEqual([]);
    // Full-width digits from an IME count.
    fireEvent.change(within(dialog).getByLabelText('Code'), { target: { value: '１２３４５６' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Continue' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(answers).toEqual([{ id: 'p1', code: '123456' }]);

    act(() => bridge.emit('auth.mfaPrompt', { id: 'p2', profile: 'prod', serial: 'arn:aws:iam::111111111111:mfa/me' }));
    dialog = await screen.findByRole('dialog', { name: 'MFA code needed' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(answers.at(-1)).toEqual({ id: 'p2' });
  });

  it('stars favourites (kept in storage) and filters by them and by recents', async () => {
    const storage = mapStorage({ [PREF_KEYS.recents]: JSON.stringify(['i-0a1b2c3d4e5f60003']) });
    renderApp(createFakeBridge(demoHandlers({ 'us-east-1': sampleFleet() })), storage);
    const table = await screen.findByRole('grid', { name: 'Instances' });
    fireEvent.click(within(table).getByRole('button', { name: 'Add web-prod-1 to favourites' }));
    expect(JSON.parse(storage.map.get(PREF_KEYS.favourites)!)).toEqual(['i-0a1b2c3d4e5f60001']);
    fireEvent.click(screen.getByRole('radio', { name: 'Favourites' }));
    await waitFor(() => expect(screen.getByText('1 of 4 shown')).toBeTruthy());
    expect(within(table).getByRole('row', { name: /web-prod-1/ })).toBeTruthy();
    fireEvent.click(screen.getByRole('radio', { name: 'Recent' }));
    await waitFor(() => expect(within(screen.getByRole('grid')).getByRole('row', { name: /ad-dc-1/ })).toBeTruthy());
    expect(screen.getByText('1 of 4 shown')).toBeTruthy();
  });

  it('completes the query box from the tag index with the keyboard', async () => {
    renderApp(createFakeBridge(demoHandlers({ 'us-east-1': sampleFleet() })));
    await screen.findByRole('grid', { name: 'Instances' });
    const box = screen.getByRole('searchbox', { name: 'Search instances' }) as HTMLInputElement;
    box.focus();
    fireEvent.change(box, { target: { value: 'tag:チ', selectionStart: 5 } });
    const list = await screen.findByRole('listbox', { name: 'Suggestions' });
    expect(within(list).getByRole('option', { name: /チーム/ })).toBeTruthy();
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(box.value).toBe('tag:チーム=');
    fireEvent.keyDown(box, { key: 'Tab' });
    expect(box.value).toBe('tag:チーム=決済 ');
    await waitFor(() => expect(screen.getByText('1 of 4 shown')).toBeTruthy());
  });
});
