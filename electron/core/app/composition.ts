import { contract, type Contract } from '../../../shared/ipc/contract';
import type { Handlers } from '../../../shared/ipc/dispatch';
import { createEventHub, type EventHub } from '../../../shared/ipc/events';
import { createAwsClientFactory, type AwsClientFactory } from '../aws/clients';
import { listProfiles } from '../aws/profiles';
import type { Disposable } from '../base/lifecycle';
import type { Logger } from '../base/logger';
import { InventoryService } from '../inventory/inventory';
import { SessionManager } from '../sessions/sessionManager';
import { TerminalSessions } from '../sessions/terminalSessions';
import { SessionStarter, type SessionStarterDeps } from '../ssm/sessionStarter';
import { createHandlers } from './handlers';

export interface AppServicesOptions {
  /** Sends every AWS call here (the emulator in the demo); otherwise AWS_ENDPOINT_URL* or AWS. */
  readonly endpointUrl?: string;
  /** Where AWS_* settings (profiles files, endpoints) come from. */
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  /** Which host runs the renderer; shown by `app.info`. Default 'web'. */
  readonly host?: 'electron' | 'web';
  /** The app version shown by `app.info`. */
  readonly version?: string;
  /** Data-channel and session overrides (tests, benchmarks). */
  readonly sessionStarter?: Pick<SessionStarterDeps, 'channelOptions' | 'sessionOptions'>;
}

export interface AppServices extends Disposable {
  readonly handlers: Handlers;
  readonly events: EventHub<Contract>;
  readonly clients: AwsClientFactory;
  readonly inventory: InventoryService;
  readonly sessions: SessionManager;
  readonly logger: Logger;
  /** Terminates every open session (TerminateSession), for a clean quit; dispose() only drops them. */
  closeSessions(): Promise<void>;
}

/**
 * The one composition of the app's services, used by the Electron main process and the web host:
 * AWS client factory -> inventory -> the contract's handler map, plus the event hub.
 */
export function createAppServices(options: AppServicesOptions): AppServices {
  const { env, logger } = options;
  const endpointUrl = options.endpointUrl?.trim() || undefined;
  const clients = createAwsClientFactory({ env, logger, ...(endpointUrl ? { endpointUrl } : {}) });
  const inventory = new InventoryService({ clients, logger });
  const events = createEventHub(contract, logger);
  const starter = new SessionStarter({ clients, logger, ...options.sessionStarter });
  const terminals = new TerminalSessions({ start: (request) => starter.start(request), logger });
  const sessions = new SessionManager({ terminals, events, ssm: (q) => clients.ssm(q), logger });
  const handlers = createHandlers({
    inventory,
    sessions,
    listProfiles: () => listProfiles({ env }),
    appInfo: {
      version: options.version ?? '0.0.0',
      host: options.host ?? 'web',
      ...(endpointUrl ? { endpointUrl } : {}),
    },
    endpointFor: (service, region) => clients.endpointFor(service, region),
  });
  return {
    handlers,
    events,
    clients,
    inventory,
    sessions,
    logger,
    closeSessions: () => sessions.closeAll(),
    dispose() {
      sessions.dispose();
      terminals.dispose();
      clients.dispose();
    },
  };
}
