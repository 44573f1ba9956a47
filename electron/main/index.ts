/**
 * Electron main process: the composition root of the desktop app. It only wires things together:
 * the app services (the same as the web host's), the custom protocol serving the renderer, the window,
 * and the IPC registration. All logic lives in electron/core.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, ipcMain, protocol, session, shell } from 'electron';
import { createDispatcher } from '../../shared/ipc/dispatch';
import { createAppServices } from '../core/app/composition';
import { contentSecurityPolicy } from '../core/app/csp';
import { DisposableStore } from '../core/base/lifecycle';
import { streamLogger } from '../core/base/logger';
import { forwardEvents, registerIpc } from './ipc';
import { electronLauncher } from './launcher';
import { APP_SCHEME_PRIVILEGES, handleAppProtocol } from './protocol';
import { closeSessionsOnQuit } from './quit';
import { createAppUrlPolicy, parseMainArgs } from './trust';
import { createMainWindow, hardenWebContents } from './window';

const here = dirname(fileURLToPath(import.meta.url)); // out/main
const rendererDir = join(here, '..', 'renderer');
const preloadPath = join(here, '..', 'preload', 'index.cjs');

const logger = streamLogger((line) => process.stderr.write(`${line}\n`));
const policy = createAppUrlPolicy(
  !app.isPackaged && process.env.PORTHOLE_RENDERER_URL ? { devServerUrl: process.env.PORTHOLE_RENDERER_URL } : {},
);

app.enableSandbox();
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  const disposables = new DisposableStore();
  const { endpointUrl } = parseMainArgs(process.argv);

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, policy, logger));

  void app.whenReady().then(() => {
    const ses = session.defaultSession;
    // Porthole needs no camera, microphone, notifications, geolocation...; only clipboard writes (copy).
    ses.setPermissionRequestHandler((_wc, permission, callback) =>
      callback(permission === 'clipboard-sanitized-write'),
    );
    ses.setPermissionCheckHandler((_wc, permission) => permission === 'clipboard-sanitized-write');
    // The custom protocol sets the CSP itself; this covers the dev server.
    const csp = contentSecurityPolicy();
    ses.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
    });
    handleAppProtocol(protocol, rendererDir);

    const services = disposables.add(
      createAppServices({
        env: process.env,
        logger,
        host: 'electron',
        version: app.getVersion(),
        // The fleet cache lives with the app's other per-user data.
        dataDir: app.getPath('userData'),
        // SSO sign-in opens the verification page in the user's browser (http/https only); RDP starts the client.
        launcher: electronLauncher(shell),
        ...(endpointUrl ? { endpointUrl } : {}),
      }),
    );
    const dispatcher = createDispatcher(services.handlers, {
      isTrustedSender: (sender) => policy.isAppUrl(sender.url),
      logger,
      events: services.events,
    });
    disposables.add(registerIpc(ipcMain, dispatcher));
    // Open shells end on the service (TerminateSession) when the app quits, instead of lingering until they time out.
    closeSessionsOnQuit(app, {
      closeSessions: () => services.closeSessions(),
      onDidFail: (reason) => logger.warn('quit: sessions not closed cleanly', { reason }),
    });

    const openWindow = () => {
      const win = createMainWindow({ preloadPath, policy, logger });
      forwardEvents(dispatcher, win.webContents);
      return win;
    };
    let win = openWindow();
    app.on('second-instance', () => {
      if (win.isDestroyed()) win = openWindow();
      if (win.isMinimized()) win.restore();
      win.focus();
    });
    app.on('activate', () => {
      if (win.isDestroyed()) win = openWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => disposables.dispose());
}
