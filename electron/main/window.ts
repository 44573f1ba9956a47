import { BrowserWindow, shell, type WebContents } from 'electron';
import type { Logger } from '../core/base/logger';
import { isExternalWebUrl, type AppUrlPolicy } from './trust';

export interface MainWindowOptions {
  readonly preloadPath: string;
  readonly policy: AppUrlPolicy;
  readonly logger: Logger;
}

/** The Porthole window: sandboxed, context-isolated, no Node in the page, our URL only. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Porthole',
    backgroundColor: '#1b1f24',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(options.policy.entryUrl);
  return win;
}

/**
 * Applied to every web contents the app creates: no navigation away from our renderer, no new windows
 * (http(s) links open in the system browser), no <webview>.
 */
export function hardenWebContents(contents: WebContents, policy: AppUrlPolicy, logger: Logger): void {
  const guard = (event: { preventDefault(): void }, url: string) => {
    if (policy.isAppUrl(url)) return;
    event.preventDefault();
    logger.warn('navigation away from the app blocked', { url: url.slice(0, 200) });
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame || !policy.isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalWebUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}
