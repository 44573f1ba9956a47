import type { InvokeRequest, InvokeResponse } from '../../../shared/ipc/contract';
import type { Handlers } from '../../../shared/ipc/dispatch';
import type { Instance } from '../../../shared/model/instance';
import { toPortholeError, type AwsErrorContext } from '../aws/errors';
import type { AwsService } from '../aws/clients';
import type { SessionManager } from '../sessions/sessionManager';
import { PortholeError } from '../../../shared/errors';
import { t } from '../../../shared/i18n/catalog';
import type { ProfileIdentity } from '../aws/credentials';
import type { MfaRequest } from '../aws/mfaBroker';
import type { SsoDeviceCode, SsoSignInResult } from '../aws/ssoSignIn';
import type { FleetResult, FleetSource } from '../inventory/fleet';
import type { SavedTunnelStore } from '../settings/savedTunnels';
import type { AppTunnels } from './tunnels';
import type { AppSsh } from './ssh';
import type { Diagnosis, DiagnoseRequest } from '../doctor/types';
import type { Locale } from '../../../shared/i18n/catalog';
import type { SessionAudit } from '../../../shared/model/tools';
import type { RecordingStore } from '../audit/recordings';
import { explainPolicyText, generatePolicy, lintPolicyText } from './tools';

/** What the handlers need from the inventory (InventoryService provides it). */
export interface InventoryPort {
  list(query: { profile: string; region: string }): Promise<readonly Instance[]>;
  listRegions(query: { profile: string }): Promise<readonly string[]>;
}

export interface AppInfo {
  readonly version: string;
  readonly host: 'electron' | 'web';
  readonly endpointUrl?: string;
}

export interface HandlerDeps {
  readonly inventory: InventoryPort;
  /** The user's profiles from ~/.aws/config and ~/.aws/credentials (names and kinds only, never keys). */
  readonly listProfiles: () => Promise<InvokeResponse<'profiles.list'>>;
  readonly appInfo: AppInfo;
  /** Where calls to a service go, for error messages; optional. */
  readonly endpointFor?: (service: AwsService, region: string) => string;
  readonly now?: () => Date;
  /** Terminal sessions (session.* and terminal.* channels); without it those channels answer SESSION_FAILED. */
  readonly sessions?: SessionPort;
  /** Several profiles x regions (fleet.* channels). */
  readonly fleet?: FleetPort;
  /** Identity, SSO sign-in, MFA answers (profiles.identity, auth.* channels). */
  readonly auth?: AuthPort;
  /** Delivers auth.ssoCode to the renderer that asked for the sign-in. */
  readonly emitSsoCode?: (code: SsoDeviceCode, clientId: string | undefined) => void;
  /** Port forwards and RDP (tunnel.* and rdp.* channels). */
  readonly tunnels?: TunnelPort;
  /** Saved tunnels and groups (tunnel.saved.* channels). */
  readonly savedTunnels?: SavedTunnelPort;
  /** The ssh config block and ssh in a terminal (ssh.* channels). */
  readonly ssh?: SshPort;
  /** Connect doctor (doctor.diagnose). */
  readonly diagnose?: (request: DiagnoseRequest, locale: Locale) => Promise<Diagnosis>;
  /** Session preferences lookup (audit.preferences). */
  readonly sessionAudit?: (query: { profile: string; region: string }) => Promise<SessionAudit>;
  /** Local recordings (audit.list/read/search/settings). */
  readonly recordings?: RecordingPort;
}

/** What the recording channels need (RecordingStore provides it). */
export type RecordingPort = Pick<RecordingStore, 'list' | 'read' | 'search' | 'settings' | 'setSettings'>;

/** What the tunnel channels need (AppTunnels provides it). */
export type TunnelPort = Pick<AppTunnels, 'start' | 'stop' | 'list' | 'toggleGroup' | 'startRdp' | 'rdpPassword'>;

/** What the ssh channels need (AppSsh provides it). */
export type SshPort = Pick<AppSsh, 'config' | 'open'>;

/** What the saved-tunnel channels need (SavedTunnelStore provides it). */
export type SavedTunnelPort = Pick<SavedTunnelStore, 'list' | 'save' | 'remove' | 'saveGroup' | 'removeGroup'>;

/** What the fleet channels need (FleetService provides it). */
export interface FleetPort {
  list(sources: readonly FleetSource[]): Promise<FleetResult>;
  cached(sources: readonly FleetSource[]): Promise<FleetResult | undefined>;
}

/** What the auth channels need (AuthService provides it). */
export interface AuthPort {
  identity(profile: string): Promise<ProfileIdentity>;
  ssoSignIn(profile: string, onCode: (code: SsoDeviceCode) => void): Promise<SsoSignInResult>;
  cancelSignIn(profile: string): boolean;
  mfaAnswer(id: string, code: string | undefined): boolean;
  mfaPrompts(): readonly MfaRequest[];
}

/** What the session channels need (SessionManager provides it). */
export type SessionPort = Pick<
  SessionManager,
  'start' | 'attach' | 'close' | 'list' | 'history' | 'documents' | 'input' | 'resize' | 'acknowledge'
>;

/** The contract's handler map, independent of the host (Electron main or the web host). */
export function createHandlers(deps: HandlerDeps): Handlers {
  const now = deps.now ?? (() => new Date());

  async function aws<T>(context: AwsErrorContext, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw toPortholeError(e, context);
    }
  }

  const endpoint = (service: AwsService, region: string) => deps.endpointFor?.(service, region);

  function sessions(): SessionPort {
    if (deps.sessions) return deps.sessions;
    const detail = 'this host runs no terminal sessions';
    throw new PortholeError('SESSION_FAILED', t('error.SESSION_FAILED', { detail }), { detail });
  }

  function unavailable(what: 'fleet' | 'auth' | 'tunnel' | 'saved tunnel' | 'doctor' | 'recording' | 'ssh'): never {
    const detail = `this host has no ${what} service`;
    throw new PortholeError('INTERNAL', t('error.INTERNAL', { detail }), { detail });
  }
  const fleet = (): FleetPort => deps.fleet ?? unavailable('fleet');
  const auth = (): AuthPort => deps.auth ?? unavailable('auth');
  const tunnels = (): TunnelPort => deps.tunnels ?? unavailable('tunnel');
  const saved = (): SavedTunnelPort => deps.savedTunnels ?? unavailable('saved tunnel');
  const recordings = (): RecordingPort => deps.recordings ?? unavailable('recording');
  const ssh = (): SshPort => deps.ssh ?? unavailable('ssh');

  return {
    invoke: {
      'app.info': () => ({
        version: deps.appInfo.version,
        host: deps.appInfo.host,
        ...(deps.appInfo.endpointUrl ? { endpointUrl: deps.appInfo.endpointUrl } : {}),
      }),
      'profiles.list': () => aws({ profile: '(all)', operation: 'ListProfiles' }, () => deps.listProfiles()),
      'regions.list': async ({ profile }: InvokeRequest<'regions.list'>) => {
        const regions = await aws(
          { profile, operation: 'DescribeRegions', endpoint: endpoint('ec2', 'us-east-1') },
          () => deps.inventory.listRegions({ profile }),
        );
        return { regions: [...regions] };
      },
      'inventory.list': async ({ profile, region }) => {
        const instances = await aws(
          { profile, region, operation: 'DescribeInstanceInformation', endpoint: endpoint('ssm', region) },
          () => deps.inventory.list({ profile, region }),
        );
        return { instances: [...instances], fetchedAt: now().toISOString() };
      },
      'session.start': (request) => sessions().start(request),
      'session.attach': ({ id, since }, { sender }) => sessions().attach(id, sender.clientId, since),
      'session.close': ({ id }) => sessions().close(id),
      'session.list': () => ({ sessions: sessions().list() }),
      'session.history': ({ profile, region }) => sessions().history(profile, region),
      'session.documents': async ({ profile, region }) => ({
        documents: await sessions().documents(profile, region),
      }),
      'fleet.list': async ({ sources }) => fleet().list(sources),
      'fleet.cached': async ({ sources }) => (await fleet().cached(sources)) ?? { instances: [], sources: [] },
      'profiles.identity': ({ profile }) => auth().identity(profile),
      'auth.ssoSignIn': async ({ profile }, { sender }) => {
        const result = await auth().ssoSignIn(profile, (code) => deps.emitSsoCode?.(code, sender.clientId));
        return { profile: result.profile, startUrl: result.startUrl, expiresAt: result.expiresAt };
      },
      'auth.ssoCancel': ({ profile }) => ({ cancelled: auth().cancelSignIn(profile) }),
      'auth.mfaAnswer': ({ id, code }) => ({ accepted: auth().mfaAnswer(id, code) }),
      'auth.mfaPrompts': () => ({ prompts: [...auth().mfaPrompts()] }),
      'tunnel.start': (request) => tunnels().start(request),
      'tunnel.stop': async ({ id }) => ({ stopped: await tunnels().stop(id) }),
      'tunnel.list': () => ({ tunnels: tunnels().list() }),
      'tunnel.saved.list': () => saved().list(),
      'tunnel.saved.save': async ({ tunnel }) => ({ tunnel: await saved().save(tunnel) }),
      'tunnel.saved.remove': async ({ id }) => ({ removed: await saved().remove(id) }),
      'tunnel.saved.saveGroup': async ({ group }) => ({ group: await saved().saveGroup(group) }),
      'tunnel.saved.removeGroup': async ({ id }) => ({ removed: await saved().removeGroup(id) }),
      'tunnel.saved.toggleGroup': ({ id, on }) => tunnels().toggleGroup(id, on),
      'rdp.start': (request) => tunnels().startRdp(request),
      'ssh.config': (request) => {
        const block = ssh().config(request);
        return { text: block.text, aliases: [...block.aliases], user: block.user, proxyCommand: block.proxyCommand };
      },
      'ssh.open': (request) => ssh().open(request),
      'rdp.password': async ({ profile, region, target, keyPem }) =>
        aws({ profile, region, operation: 'GetPasswordData', endpoint: endpoint('ec2', region) }, () =>
          tunnels().rdpPassword({ profile, region, target, keyPem }),
        ),
      'doctor.diagnose': async ({ profile, region, target, document, locale }) => {
        const diagnose = deps.diagnose ?? unavailable('doctor');
        return aws({ profile, region, operation: 'Diagnose', endpoint: endpoint('ec2', region) }, () =>
          diagnose({ profile, region, target, ...(document ? { document } : {}) }, locale ?? 'en'),
        );
      },
      'policy.generate': (request) => generatePolicy(request),
      'policy.explain': (request) => explainPolicyText(request),
      'policy.lint': (request) => lintPolicyText(request),
      'audit.preferences': async ({ profile, region }) => {
        const lookup = deps.sessionAudit ?? unavailable('doctor');
        return lookup({ profile, region });
      },
      'audit.list': async () => ({ recordings: await recordings().list() }),
      'audit.read': ({ id }) => recordings().read(id),
      'audit.search': async ({ query }) => ({ recordings: await recordings().search(query) }),
      'audit.settings': () => recordings().settings(),
      'audit.setSettings': ({ enabled }) => recordings().setSettings({ enabled }),
    },
    send: {
      'terminal.input': ({ id, data }) => sessions().input(id, data),
      'terminal.resize': ({ id, cols, rows }) => sessions().resize(id, cols, rows),
      'terminal.ack': ({ id, chars }) => sessions().acknowledge(id, chars),
    },
  };
}
