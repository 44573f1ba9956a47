import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pickLocale } from '../../shared/i18n/catalog';
import { App } from './app/App';
import { getBridge } from './ipc/bridge';
import { createAppStore } from './state/store';
import { createTunnelsStore } from './state/tunnels';
import { createTerminals } from './terminal/setup';
import './ui/theme.css';

function safeStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

const store = createAppStore({ bridge: getBridge(), storage: safeStorage() });
const terminals = createTerminals(getBridge(), safeStorage());
const tunnels = createTunnelsStore(getBridge());
void tunnels.getState().load();
const locale = pickLocale(navigator.language);
const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <App store={store} locale={locale} terminals={terminals} tunnels={tunnels} bridge={getBridge()} />
  </StrictMode>,
);
