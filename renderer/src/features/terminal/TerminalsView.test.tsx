import { act, cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocaleProvider } from '../../app/i18n';
import { StoreProvider } from '../../state/context';
import { createFakeBridge, sampleFleet } from '../../state/fake-bridge';
import { createSessionsStore, type SessionTarget } from '../../state/sessions';
import { TerminalsProvider } from '../../state/sessionsContext';
import { createAppStore } from '../../state/store';
import { createTerminalSettingsStore } from '../../state/terminalSettings';
import type { TerminalRegistry } from '../../terminal/registry';
import type { ShortcutId } from './shortcuts';
import { useShortcuts } from './TerminalsView';

afterEach(cleanup);

describe('useShortcuts newTab', () => {
  it('opens the selected instance with its own profile and region, not the header source', () => {
    const bridge = createFakeBridge({});
    const app = createAppStore({ bridge });
    // A row listed from another source than the header's profile/region (several sources shown).
    const other = {
      ...sampleFleet()[0]!,
      instanceId: 'i-0osaka00000000001',
      name: '大阪-web',
      profile: 'sso-dev',
      region: 'ap-northeast-3',
    };
    app.setState({
      instances: [...sampleFleet(), other],
      selectedId: other.instanceId,
      profile: 'demo',
      region: 'us-east-1',
    });
    const store = createSessionsStore({ bridge, registry: {} as TerminalRegistry });
    const open = vi.fn<(target: SessionTarget) => Promise<void>>(() => Promise.resolve());
    store.setState({ open } as never);
    const terminals = { store, registry: {} as TerminalRegistry, settings: createTerminalSettingsStore() };
    let run: ((id: ShortcutId) => void) | undefined;
    function Probe() {
      run = useShortcuts();
      return null;
    }
    render(
      <LocaleProvider locale="en">
        <StoreProvider store={app}>
          <TerminalsProvider value={terminals}>
            <Probe />
          </TerminalsProvider>
        </StoreProvider>
      </LocaleProvider>,
    );
    act(() => run?.('newTab'));
    expect(open).toHaveBeenCalledTimes(1);
    expect(open.mock.calls[0]?.[0]).toMatchObject({
      instanceId: 'i-0osaka00000000001',
      title: '大阪-web',
      profile: 'sso-dev',
      region: 'ap-northeast-3',
    });
  });
});
