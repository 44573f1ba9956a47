import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { LocaleProvider } from '../../app/i18n';
import { StoreProvider } from '../../state/context';
import { createFakeBridge, sampleFleet } from '../../state/fake-bridge';
import { createSessionsStore, type Tab } from '../../state/sessions';
import { TerminalsProvider } from '../../state/sessionsContext';
import { createAppStore } from '../../state/store';
import { createTerminalSettingsStore } from '../../state/terminalSettings';
import type { TerminalRegistry } from '../../terminal/registry';
import { TabBar } from './TabBar';

afterEach(cleanup);

const base = { profile: 'demo', region: 'us-east-1', choice: { document: 'SSM-SessionManagerRunShell' } } as const;

function renderTabs(tabs: Tab[]) {
  const bridge = createFakeBridge({});
  const app = createAppStore({ bridge });
  app.setState({ instances: sampleFleet() });
  const store = createSessionsStore({ bridge, registry: {} as TerminalRegistry });
  store.setState({ tabs });
  const terminals = { store, registry: {} as TerminalRegistry, settings: createTerminalSettingsStore() };
  render(
    <LocaleProvider locale="en">
      <StoreProvider store={app}>
        <TerminalsProvider value={terminals}>
          <TabBar onShortcut={() => undefined} />
        </TerminalsProvider>
      </StoreProvider>
    </LocaleProvider>,
  );
}

describe('TabBar', () => {
  it('marks tabs on Windows instances with the Windows mark, from the tab or (restored tabs) the instance list', () => {
    const windows = sampleFleet().find((i) => i.platform === 'Windows')!;
    const linux = sampleFleet().find((i) => i.platform === 'Linux')!;
    renderTabs([
      {
        ...base,
        id: 'tab-1',
        instanceId: 'i-0fffffffffffffff1',
        title: 'win-ad-prod',
        platform: 'Windows',
        state: 'open',
      },
      // Restored after a reload: no platform on the tab; the listed instance says Windows.
      { ...base, id: 'tab-2', instanceId: windows.instanceId, title: 'ウィンドウズ', state: 'open' },
      { ...base, id: 'tab-3', instanceId: linux.instanceId, title: 'web', platform: 'Linux', state: 'open' },
    ]);
    for (const name of [/win-ad-prod/, /ウィンドウズ/]) {
      const tab = screen.getByRole('tab', { name });
      expect(within(tab).getByRole('img', { name: 'Windows' })).toBeTruthy();
      expect(tab.getAttribute('title')).toMatch(/· Windows instance ·/);
    }
    const web = screen.getByRole('tab', { name: /^web/ });
    expect(within(web).queryByRole('img', { name: 'Windows' })).toBeNull();
    expect(web.getAttribute('title')).not.toMatch(/Windows/);
  });

  it('lists the terminal settings entry with its shortcut in the menu', () => {
    renderTabs([]);
    fireEvent.click(screen.getByRole('button', { name: 'Terminal menu' }));
    const item = screen.getByRole('menuitem', { name: /Terminal settings…/ });
    expect(item.textContent).toContain('Ctrl+,');
  });
});
