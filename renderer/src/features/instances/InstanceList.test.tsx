import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Result } from '../../../../shared/errors';
import type { Locale } from '../../../../shared/i18n/catalog';
import type { InvokeResponse } from '../../../../shared/ipc/contract';
import { App } from '../../app/App';
import { createFakeBridge, demoHandlers, fleetAnswer, sampleFleet, type FakeBridge } from '../../state/fake-bridge';
import { createAppStore, THEME_STORAGE_KEY } from '../../state/store';

afterEach(() => {
  cleanup();
  delete document.documentElement.dataset.theme;
});

function mapStorage() {
  const map = new Map<string, string>();
  return { map, getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
}

function renderApp(bridge: FakeBridge, { locale = 'en' as Locale, storage = mapStorage() } = {}) {
  const store = createAppStore({ bridge, storage });
  render(<App store={store} locale={locale} />);
  return { store, storage };
}

const tokyoFleet = () =>
  sampleFleet('ap-northeast-1')
    .slice(0, 2)
    .map((i, n) => ({ ...i, instanceId: `i-0tokyo00000000${n}`, name: `tokyo-${n + 1}` }));

async function grid() {
  return screen.findByRole('grid', { name: 'Instances' });
}

function rowNames(table: HTMLElement): string[] {
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getAllByRole('gridcell')[0]!.textContent ?? '');
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('instance list', () => {
  it('lists the instances the bridge returns, with status, platform, IP and tags', async () => {
    const bridge = createFakeBridge(demoHandlers({ 'us-east-1': sampleFleet() }));
    renderApp(bridge);
    const table = await grid();
    expect(rowNames(table)).toEqual(['web-prod-1', 'ウェブサーバー東京', 'ad-dc-1', 'batch-runner']);
    expect(screen.getByText('4 instances')).toBeTruthy();

    const windows = within(table).getByRole('row', { name: /ad-dc-1/ });
    expect(within(windows).getByText('Connection lost')).toBeTruthy();
    expect(within(windows).getByRole('img', { name: 'Windows' })).toBeTruthy();
    expect(within(windows).getByText('10.0.3.31')).toBeTruthy();
    expect(within(windows).getByText('domain-controller')).toBeTruthy();

    const unmanaged = within(table).getByRole('row', { name: /batch-runner/ });
    expect(within(unmanaged).getByText('Not managed')).toBeTruthy();
    expect(within(table).getByRole('row', { name: /ウェブサーバー東京/ }).textContent).toContain('決済');

    // The profile's own region was used (cache first, then the listing), and the pickers show the choices.
    expect(bridge.callsTo('fleet.cached')).toEqual([{ sources: [{ profile: 'demo', region: 'us-east-1' }] }]);
    expect(bridge.callsTo('fleet.list')).toEqual([{ sources: [{ profile: 'demo', region: 'us-east-1' }] }]);
    expect((screen.getByLabelText('Profile') as HTMLSelectElement).value).toBe('demo');
    expect((screen.getByLabelText('Region') as HTMLSelectElement).value).toBe('us-east-1');
    expect(screen.getByText('Endpoint 127.0.0.1:4566')).toBeTruthy();
  });

  it('filters by the query box, in English and Japanese, and says how many are shown', async () => {
    renderApp(createFakeBridge(demoHandlers({ 'us-east-1': sampleFleet() })));
    const table = await grid();
    const search = screen.getByRole('searchbox', { name: 'Search instances' });

    fireEvent.change(search, { target: { value: 'tag:Environment=PROD' } });
    await waitFor(() => expect(rowNames(table)).toEqual(['web-prod-1', 'ad-dc-1']));
    expect(screen.getByText('2 of 4 shown')).toBeTruthy();

    fireEvent.change(search, { target: { value: '東京' } });
    await waitFor(() => expect(rowNames(table)).toEqual(['ウェブサーバー東京']));
    expect(screen.getByText('1 of 4 shown')).toBeTruthy();

    fireEvent.change(search, { target: { value: 'tag:チーム=決済' } });
    await waitFor(() => expect(rowNames(table)).toEqual(['ウェブサーバー東京']));

    // Negation; and a bad term is explained while the rest still filters.
    fireEvent.change(search, { target: { value: '-tag:Environment=prod,dev' } });
    await waitFor(() => expect(rowNames(table)).toEqual(['ウェブサーバー東京']));
    fireEvent.change(search, { target: { value: 'ping:offline platform:windows' } });
    await waitFor(() => expect(rowNames(table)).toEqual(['ad-dc-1']));
    expect(search.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/"offline" is not a ping value/)).toBeTruthy();

    fireEvent.change(search, { target: { value: 'no-such-host' } });
    expect(await screen.findByText('No instances match “no-such-host”')).toBeTruthy();
    // The last rows stay mounted under the message but out of reach: no grid for assistive tech, no focus.
    expect(screen.queryByRole('grid')).toBeNull();
    expect(table.closest('[inert]')).not.toBeNull();
    // A match again shows the same grid, its rows updated in place.
    fireEvent.change(search, { target: { value: 'web-prod' } });
    await waitFor(() => expect(rowNames(table)).toEqual(['web-prod-1']));
    expect(await grid()).toBe(table);
    expect(table.closest('[inert]')).toBeNull();
    fireEvent.change(search, { target: { value: 'no-such-host' } });
    expect(await screen.findByText('No instances match “no-such-host”')).toBeTruthy();
    // Both the box's own clear button and the empty state's offer to clear the search.
    const clearButtons = screen.getAllByRole('button', { name: 'Clear search' });
    expect(clearButtons).toHaveLength(2);
    fireEvent.click(clearButtons[1]!);
    expect(rowNames(await grid())).toHaveLength(4);
    expect(screen.getByText('4 instances')).toBeTruthy();
  });

  it('shows the catalog message and hint for an error code, and Retry asks again', async () => {
    const bridge = createFakeBridge(demoHandlers({ 'us-east-1': sampleFleet() }));
    const working = bridge.handlers['fleet.list']!;
    bridge.handlers['fleet.list'] = ({ sources }) => ({
      ok: true,
      value: fleetAnswer({}, sources, () => ({
        code: 'AWS_AUTH_FAILED',
        message: 'The security token included in the request is invalid.',
        params: { profile: 'demo' },
      })),
    });
    renderApp(bridge);

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Could not load instances')).toBeTruthy();
    expect(
      within(alert).getByText(
        'AWS refused the credentials of profile "demo". Check the access key and secret, or sign in again.',
      ),
    ).toBeTruthy();
    expect(within(alert).getByText(/Choose another profile, or fix the keys/)).toBeTruthy();
    expect(within(alert).getByText('Error code AWS_AUTH_FAILED')).toBeTruthy();
    expect(bridge.callsTo('fleet.list')).toHaveLength(1);

    bridge.handlers['fleet.list'] = working;
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(rowNames(await grid())).toHaveLength(4);
    expect(bridge.callsTo('fleet.list')).toHaveLength(2);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('falls back to the host’s English text for a code the catalog does not know, and survives a broken bridge', async () => {
    const bridge = createFakeBridge(demoHandlers({}));
    bridge.handlers['fleet.list'] = () =>
      ({ ok: false, code: 'SOMETHING_NEW', message: 'A brand-new failure.' }) as unknown as Result<
        InvokeResponse<'fleet.list'>
      >;
    renderApp(bridge);
    expect(await screen.findByText('A brand-new failure.')).toBeTruthy();

    bridge.handlers['fleet.list'] = () => Promise.reject(new Error('socket closed'));
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Something went wrong inside Porthole: socket closed')).toBeTruthy();
  });

  it('says when a region has no instances and suggests another region', async () => {
    renderApp(createFakeBridge(demoHandlers({ 'us-east-1': [], 'ap-northeast-1': tokyoFleet() })));
    expect(await screen.findByRole('heading', { name: 'No instances in us-east-1' })).toBeTruthy();
    expect(screen.getByText(/Try another region or profile/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Choose another region' }));
    expect(document.activeElement).toBe(screen.getByLabelText('Region'));
    expect(screen.queryByRole('grid')).toBeNull();
  });

  it('switching region loads that region, and a late answer for the old region is dropped', async () => {
    const bridge = createFakeBridge(demoHandlers({ 'us-east-1': sampleFleet(), 'ap-northeast-1': tokyoFleet() }));
    const slow = deferred<Result<InvokeResponse<'fleet.list'>>>();
    const normal = bridge.handlers['fleet.list']!;
    renderApp(bridge);
    await grid();
    await waitFor(() => expect(screen.getByRole('option', { name: 'ap-northeast-1' })).toBeTruthy());

    // us-east-1 answers slowly on refresh; the user moves to Tokyo meanwhile.
    bridge.handlers['fleet.list'] = (req) => (req.sources[0]?.region === 'us-east-1' ? slow.promise : normal(req));
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    fireEvent.change(screen.getByLabelText('Region'), { target: { value: 'ap-northeast-1' } });
    await waitFor(async () => expect(rowNames(await grid())).toEqual(['tokyo-1', 'tokyo-2']));

    await act(async () => slow.resolve(await normal({ sources: [{ profile: 'demo', region: 'us-east-1' }] })));
    expect(rowNames(await grid())).toEqual(['tokyo-1', 'tokyo-2']);
    expect(screen.getByText('2 instances')).toBeTruthy();
  });

  it('moves the selection with the keyboard and shows the selected instance’s details', async () => {
    renderApp(createFakeBridge(demoHandlers({ 'us-east-1': sampleFleet() })));
    const table = await grid();
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows[0]!.tabIndex).toBe(0);
    expect(rows[1]!.tabIndex).toBe(-1);

    rows[0]!.focus();
    fireEvent.keyDown(rows[0]!, { key: 'ArrowDown' });
    await waitFor(() => expect(within(table).getAllByRole('row')[2]!.getAttribute('aria-selected')).toBe('true'));
    expect(document.activeElement?.textContent).toContain('ウェブサーバー東京');
    const details = screen.getByRole('complementary', { name: 'Instance details' });
    expect(within(details).getByRole('heading', { name: 'ウェブサーバー東京' })).toBeTruthy();
    expect(within(details).getByText('Ubuntu 22.04')).toBeTruthy();

    fireEvent.keyDown(document.activeElement!, { key: 'End' });
    await waitFor(() => expect(document.activeElement?.textContent).toContain('batch-runner'));
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('complementary', { name: 'Instance details' })).toBeNull());
  });

  it('renders in Japanese when the locale is ja', async () => {
    const bridge = createFakeBridge(demoHandlers({ 'us-east-1': sampleFleet() }));
    renderApp(bridge, { locale: 'ja' });
    const table = await screen.findByRole('grid', { name: 'インスタンス' });
    expect(within(table).getByRole('columnheader', { name: '状態' })).toBeTruthy();
    expect(within(table).getByText('接続切断')).toBeTruthy();
    expect(screen.getByText('4 台のインスタンス')).toBeTruthy();

    bridge.handlers['fleet.list'] = ({ sources }) => ({
      ok: true,
      value: fleetAnswer({}, sources, () => ({
        code: 'AWS_NETWORK',
        message: 'connect ECONNREFUSED',
        params: { endpoint: 'http://127.0.0.1:1' },
      })),
    });
    fireEvent.click(screen.getByRole('button', { name: '更新' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText(/http:\/\/127\.0\.0\.1:1 の AWS に接続できませんでした/)).toBeTruthy();
    expect(within(alert).getByRole('button', { name: '再試行' })).toBeTruthy();
  });

  it('toggles the theme and remembers the choice', async () => {
    const { storage } = renderApp(createFakeBridge(demoHandlers({ 'us-east-1': sampleFleet() })));
    await grid();
    const toggle = screen.getByRole('button', { name: 'Dark theme' });
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    expect(document.documentElement.dataset.theme).toBe('light');
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(storage.map.get(THEME_STORAGE_KEY)).toBe('dark');
    cleanup();

    // A new window starts dark.
    renderApp(createFakeBridge(demoHandlers({ 'us-east-1': sampleFleet() })), { storage });
    expect(screen.getByRole('button', { name: 'Dark theme' }).getAttribute('aria-pressed')).toBe('true');
    expect(document.documentElement.dataset.theme).toBe('dark');
  });

  it('explains what to do when there are no AWS profiles, or they cannot be read', async () => {
    const bridge = createFakeBridge({
      ...demoHandlers({}),
      'profiles.list': () => ({ ok: true, value: { profiles: [] } }),
    });
    renderApp(bridge);
    expect(await screen.findByRole('heading', { name: 'No AWS profiles found' })).toBeTruthy();
    expect(bridge.callsTo('fleet.list')).toHaveLength(0);

    bridge.handlers['profiles.list'] = () => ({
      ok: false,
      code: 'PROFILE_INVALID',
      message: 'bad ini',
      params: { profile: 'broken', detail: 'line 3 is not key = value' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Could not read AWS profiles')).toBeTruthy();
    expect(within(alert).getByText('Profile "broken" is not usable: line 3 is not key = value')).toBeTruthy();
  });
});
