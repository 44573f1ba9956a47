import { join } from 'node:path';
import { contract, type Contract } from '../../../shared/ipc/contract';
import type { Handlers } from '../../../shared/ipc/dispatch';
import { createEventHub, type EventHub } from '../../../shared/ipc/events';
import { createAwsClientFactory, type AwsClientFactory } from '../aws/clients';
import { AuthService } from '../aws/auth';
import { CredentialService } from '../aws/credentials';
import { MfaPromptBroker } from '../aws/mfaBroker';
import { listProfiles, regionForProfile } from '../aws/profiles';
import type { Launcher } from '../base/launcher';
import type { Disposable } from '../base/lifecycle';
import type { Logger } from '../base/logger';
import { JsonFileCacheStore } from '../inventory/cacheFile';
import { FleetService } from '../inventory/fleet';
import { InventoryService } from '../inventory/inventory';
import { SessionManager } from '../sessions/sessionManager';
import { TerminalSessions } from '../sessions/terminalSessions';
import { SessionStarter, type SessionStarterDeps } from '../ssm/sessionStarter';
import { createHandlers } from './handlers';
import { AppTunnels } from './tunnels';
import { AppSsh, defaultCliInvocation } from './ssh';
import { SAVED_TUNNELS_FILE, SavedTunnelStore } from '../settings/savedTunnels';
import { portSessionOpener } from '../ssm/portSessionStarter';
import { TunnelManager } from '../tunnels/tunnelManager';
import { Doctor } from '../doctor';
import { RecordingStore, SessionRecorder, sessionAudit } from '../audit';

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
  /** The app's data folder: the fleet list is cached there (fleet-cache.json). No disk cache without it. */
  readonly dataDir?: string;
  /**
   * Opens the SSO verification page in the user's browser (without it the UI shows the link, auth.ssoCode) and starts
   * the RDP client; without it RDP tunnels start and say that no client could be launched.
   */
  readonly launcher?: Launcher;
  /** Tunnel stats interval (tests). Default 1000 ms. */
  readonly tunnelStatsIntervalMs?: number;
  /** How ssh's ProxyCommand starts the porthole CLI. Default: this checkout's bin/porthole.mjs via node, else `porthole`. */
  readonly cliInvocation?: readonly string[];
}

export interface AppServices extends Disposable {
  readonly handlers: Handlers;
  readonly events: EventHub<Contract>;
  readonly clients: AwsClientFactory;
  readonly inventory: InventoryService;
  readonly fleet: FleetService;
  readonly credentials: CredentialService;
  readonly auth: AuthService;
  readonly sessions: SessionManager;
  readonly tunnels: AppTunnels;
  readonly savedTunnels: SavedTunnelStore;
  readonly logger: Logger;
  /** Terminates every open session and stops every tunnel (TerminateSession), for a clean quit; dispose() only drops them. */
  closeSessions(): Promise<void>;
}

/**
 * The one composition of the app's services, used by the Electron main process and the web host:
 * AWS client factory -> inventory -> the contract's handler map, plus the event hub.
 */
export function createAppServices(options: AppServicesOptions): AppServices {
  const { env, logger } = options;
  const endpointUrl = options.endpointUrl?.trim() || undefined;
  const events = createEventHub(contract, logger);
  // MFA codes are asked for in the renderer: an auth.mfaPrompt event, answered on auth.mfaAnswer.
  const mfa = new MfaPromptBroker((request) => events.emit('auth.mfaPrompt', request));
  const credentials = new CredentialService({
    env,
    logger,
    mfaPrompt: mfa.prompt,
    ...(endpointUrl ? { endpointUrl } : {}),
  });
  const clients = createAwsClientFactory({
    env,
    logger,
    ...(endpointUrl ? { endpointUrl } : {}),
    credentialsFor: (profile) => credentials.providerFor(profile),
  });
  const inventory = new InventoryService({ clients, logger });
  const fleet = new FleetService({
    inventory,
    logger,
    ...(options.dataDir ? { cache: new JsonFileCacheStore(join(options.dataDir, 'fleet-cache.json')) } : {}),
  });
  const fleetProgress = fleet.onDidListSource(({ status }) => events.emit('fleet.source', status));
  const launcher: Launcher = options.launcher ?? {
    openExternal: async () => logger.info('sso sign-in: no launcher on this host; the UI shows the link'),
    openFile: async () => {
      throw new Error('this host opens no files');
    },
    spawn: async () => {
      throw new Error('this host starts no programs');
    },
  };
  const auth = new AuthService({
    credentials,
    clients,
    mfa,
    env,
    logger,
    launcher,
    regionOf: (profile) => regionForProfile(profile, { env }),
    ...(endpointUrl ? { endpointUrl } : {}),
  });
  const starter = new SessionStarter({ clients, logger, ...options.sessionStarter });
  const terminals = new TerminalSessions({ start: (request) => starter.start(request), logger });
  // Local recordings live in the data folder; without one (tests), nothing is recorded.
  const recordings = options.dataDir ? new RecordingStore({ dataDir: options.dataDir, logger }) : undefined;
  const sessions = new SessionManager({
    terminals,
    events,
    ssm: (q) => clients.ssm(q),
    logger,
    ...(recordings ? { tap: new SessionRecorder(recordings, logger) } : {}),
  });
  const savedTunnels = new SavedTunnelStore({
    logger,
    ...(options.dataDir ? { file: join(options.dataDir, SAVED_TUNNELS_FILE) } : {}),
  });
  const tunnels = new AppTunnels({
    manager: new TunnelManager({
      openPortSession: portSessionOpener(starter),
      logger,
      ...(options.tunnelStatsIntervalMs ? { statsIntervalMs: options.tunnelStatsIntervalMs } : {}),
    }),
    saved: savedTunnels,
    launcher,
    ec2: (q) => clients.ec2(q),
    rdpPlatform: {
      platform: process.platform,
      ...(env.PORTHOLE_RDP_COMMAND?.trim() ? { template: env.PORTHOLE_RDP_COMMAND.trim() } : {}),
    },
    logger,
  });
  const ssh = new AppSsh({
    launcher,
    cli: options.cliInvocation ?? defaultCliInvocation(),
    platform: process.platform,
    logger,
    ...(endpointUrl ? { endpointUrl } : {}),
  });
  const tunnelEvents = [
    tunnels.onDidChange((info) => events.emit('tunnel.state', info)),
    tunnels.onDidUpdateStats((list) => events.emit('tunnel.stats', { tunnels: list })),
  ];
  const handlers = createHandlers({
    inventory,
    sessions,
    listProfiles: () => listProfiles({ env }),
    fleet,
    auth,
    emitSsoCode: (code, clientId) => events.emit('auth.ssoCode', code, clientId),
    appInfo: {
      version: options.version ?? '0.0.0',
      host: options.host ?? 'web',
      ...(endpointUrl ? { endpointUrl } : {}),
    },
    endpointFor: (service, region) => clients.endpointFor(service, region),
    tunnels,
    savedTunnels,
    ssh,
    diagnose: (request, locale) => new Doctor({ clients, logger, locale }).diagnose(request),
    sessionAudit: (query) => sessionAudit(clients, query),
    ...(recordings ? { recordings } : {}),
  });
  return {
    handlers,
    events,
    clients,
    inventory,
    fleet,
    credentials,
    auth,
    sessions,
    tunnels,
    savedTunnels,
    logger,
    closeSessions: async () => {
      await Promise.all([sessions.closeAll(), tunnels.stopAll()]);
    },
    dispose() {
      for (const d of tunnelEvents) d.dispose();
      tunnels.dispose();
      sessions.dispose();
      void recordings?.dispose();
      terminals.dispose();
      fleetProgress.dispose();
      fleet.dispose();
      auth.dispose();
      clients.dispose();
    },
  };
}
