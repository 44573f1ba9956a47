import { z } from 'zod';
import {
  FleetListRequestSchema,
  FleetListResponseSchema,
  MfaAnswerRequestSchema,
  MfaPromptSchema,
  ProfileIdentitySchema,
  SourceStatusSchema,
  SsoCodeEventSchema,
} from '../model/fleet';
import { InstanceSchema, ProfileSchema } from '../model/instance';
import {
  ProfileRegionSchema,
  RemoteSessionSchema,
  SessionAttachRequestSchema,
  SessionDocumentSchema,
  SessionIdRequestSchema,
  SessionInfoSchema,
  SessionStartRequestSchema,
  SessionStateEventSchema,
  TerminalAckSchema,
  TerminalInputSchema,
  TerminalOutputSchema,
  TerminalResizeSchema,
} from '../model/session';
import {
  GroupToggleResponseSchema,
  RdpPasswordRequestSchema,
  RdpPasswordResponseSchema,
  RdpStartRequestSchema,
  SaveGroupRequestSchema,
  SaveTunnelRequestSchema,
  SavedTunnelSchema,
  SavedTunnelsSchema,
  SshConfigResponseSchema,
  SshOpenResponseSchema,
  SshRequestSchema,
  TunnelGroupSchema,
  TunnelIdSchema,
  TunnelInfoSchema,
  TunnelStartRequestSchema,
} from '../model/tunnel';
import {
  DiagnosisSchema,
  DoctorRequestSchema,
  PolicyExplainResponseSchema,
  PolicyGenerateRequestSchema,
  PolicyGenerateResponseSchema,
  PolicyLintResponseSchema,
  PolicyTextRequestSchema,
  RecordingIdSchema,
  RecordingInfoSchema,
  RecordingSchema,
  RecordingSettingsSchema,
  SessionAuditSchema,
} from '../model/tools';

/**
 * The one IPC contract. Every channel name and payload shape is written here and nowhere else.
 * - invoke: request/response (renderer -> main), answered with a Result value.
 * - send: fire-and-forget hot path (renderer -> main).
 * - events: main -> renderer.
 */
export const contract = {
  invoke: {
    'app.info': {
      request: z.object({}).strict(),
      response: z.object({
        version: z.string(),
        host: z.enum(['electron', 'web']),
        /** The AWS endpoint override in use (the emulator in the demo), if any. */
        endpointUrl: z.string().optional(),
      }),
    },
    'profiles.list': {
      request: z.object({}).strict(),
      response: z.object({
        profiles: z.array(ProfileSchema),
        defaultProfile: z.string().optional(),
        defaultRegion: z.string().optional(),
      }),
    },
    'regions.list': {
      request: z.object({ profile: z.string().min(1).max(256) }).strict(),
      response: z.object({ regions: z.array(z.string()) }),
    },
    'inventory.list': {
      request: z
        .object({
          profile: z.string().min(1).max(256),
          region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/),
        })
        .strict(),
      response: z.object({ instances: z.array(InstanceSchema), fetchedAt: z.string() }),
    },
    /** Starts a terminal session (StartSession + data channel); the renderer then attaches to get its output. */
    'session.start': { request: SessionStartRequestSchema, response: SessionInfoSchema },
    /** Makes this renderer the session's output receiver; returns the recent output to replay (page reload). */
    'session.attach': {
      request: SessionAttachRequestSchema,
      /** `offset`: the output position where `replay` starts. */
      response: z.object({ session: SessionInfoSchema, replay: z.string(), offset: z.number().int().min(0) }),
    },
    /** Ends a session (TerminateSession). */
    'session.close': { request: SessionIdRequestSchema, response: SessionInfoSchema },
    /** Live sessions of this app, for re-attaching after a reload. */
    'session.list': { request: z.object({}).strict(), response: z.object({ sessions: z.array(SessionInfoSchema) }) },
    /** This app's sessions (live and ended) plus DescribeSessions Active and History for a profile and region. */
    'session.history': {
      request: ProfileRegionSchema,
      response: z.object({
        local: z.array(SessionInfoSchema),
        active: z.array(RemoteSessionSchema),
        history: z.array(RemoteSessionSchema),
        /** Set when DescribeSessions failed; the local list is still given. */
        remoteError: z.string().optional(),
      }),
    },
    /** Session documents the account has (ListDocuments, document type Session). */
    'session.documents': {
      request: ProfileRegionSchema,
      response: z.object({ documents: z.array(SessionDocumentSchema) }),
    },
    /** Lists several profiles x regions at once; a failing source has its own error status, the rest shows. */
    'fleet.list': { request: FleetListRequestSchema, response: FleetListResponseSchema },
    /** The last listing of these sources from the disk cache (start-up), empty when nothing is cached. */
    'fleet.cached': { request: FleetListRequestSchema, response: FleetListResponseSchema },
    /** Account, ARN and credential expiry of a profile (STS GetCallerIdentity); never keys. */
    'profiles.identity': {
      request: z.object({ profile: z.string().min(1).max(256) }).strict(),
      response: ProfileIdentitySchema,
    },
    /** SSO device sign-in: opens the browser, emits auth.ssoCode, resolves once approved and the token is cached. */
    'auth.ssoSignIn': {
      request: z.object({ profile: z.string().min(1).max(256) }).strict(),
      response: z.object({ profile: z.string(), startUrl: z.string(), expiresAt: z.string() }),
    },
    /** Stops a running SSO sign-in of a profile. */
    'auth.ssoCancel': {
      request: z.object({ profile: z.string().min(1).max(256) }).strict(),
      response: z.object({ cancelled: z.boolean() }),
    },
    /** Answers (or, without a code, cancels) an auth.mfaPrompt. */
    'auth.mfaAnswer': { request: MfaAnswerRequestSchema, response: z.object({ accepted: z.boolean() }) },
    /** MFA prompts still open (a reloaded renderer shows them again). */
    'auth.mfaPrompts': { request: z.object({}).strict(), response: z.object({ prompts: z.array(MfaPromptSchema) }) },
    /** Starts a port forward: binds the local port, then opens the port session(s). PORT_IN_USE, INVALID_TUNNEL, ... */
    'tunnel.start': { request: TunnelStartRequestSchema, response: TunnelInfoSchema },
    /** Stops a tunnel: closes its listener and connections, terminates its session(s). */
    'tunnel.stop': {
      request: z.object({ id: TunnelIdSchema }).strict(),
      response: z.object({ stopped: z.boolean() }),
    },
    /** This app's tunnels (after a reload). */
    'tunnel.list': { request: z.object({}).strict(), response: z.object({ tunnels: z.array(TunnelInfoSchema) }) },
    /** Saved tunnels and named groups (persisted in the app's data folder; no secrets). */
    'tunnel.saved.list': { request: z.object({}).strict(), response: SavedTunnelsSchema },
    'tunnel.saved.save': { request: SaveTunnelRequestSchema, response: z.object({ tunnel: SavedTunnelSchema }) },
    /** Removes a saved tunnel (and it from every group). */
    'tunnel.saved.remove': {
      request: z.object({ id: TunnelIdSchema }).strict(),
      response: z.object({ removed: z.boolean() }),
    },
    'tunnel.saved.saveGroup': { request: SaveGroupRequestSchema, response: z.object({ group: TunnelGroupSchema }) },
    'tunnel.saved.removeGroup': {
      request: z.object({ id: TunnelIdSchema }).strict(),
      response: z.object({ removed: z.boolean() }),
    },
    /** Starts every tunnel of a group that is not running (on), or stops every running one (off). */
    'tunnel.saved.toggleGroup': {
      request: z.object({ id: TunnelIdSchema, on: z.boolean() }).strict(),
      response: GroupToggleResponseSchema,
    },
    /** A tunnel to 3389 on a free local port, then the platform's RDP client through the Launcher. */
    'rdp.start': { request: RdpStartRequestSchema, response: TunnelInfoSchema },
    /** The Windows administrator password (EC2 GetPasswordData) decrypted in main with the given key; never stored. */
    'rdp.password': { request: RdpPasswordRequestSchema, response: RdpPasswordResponseSchema },
    /** A ~/.ssh/config block whose ProxyCommand runs `porthole ssh-proxy` (main knows how the CLI is started). */
    'ssh.config': { request: SshRequestSchema, response: SshConfigResponseSchema },
    /** Starts `ssh` to the instance in the system terminal (ProxyCommand inline) through the Launcher. */
    'ssh.open': { request: SshRequestSchema, response: SshOpenResponseSchema },
    /** Connect doctor: every check for one instance or managed node (read-only AWS calls). */
    'doctor.diagnose': { request: DoctorRequestSchema, response: DiagnosisSchema },
    /** IAM policy helper: an end-user, administrator or instance-role policy, explained and linted. */
    'policy.generate': { request: PolicyGenerateRequestSchema, response: PolicyGenerateResponseSchema },
    /** Explains a pasted policy statement by statement. */
    'policy.explain': { request: PolicyTextRequestSchema, response: PolicyExplainResponseSchema },
    /** Lints a pasted policy for the usual Session Manager mistakes. */
    'policy.lint': { request: PolicyTextRequestSchema, response: PolicyLintResponseSchema },
    /** Whether sessions in this region are recorded server-side (session preferences via GetDocument) and KMS-encrypted. */
    'audit.preferences': {
      request: z
        .object({ profile: z.string().min(1).max(256), region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/) })
        .strict(),
      response: SessionAuditSchema,
    },
    /** Local recordings (asciicast v2 files in the data folder), newest first. */
    'audit.list': { request: z.object({}).strict(), response: z.object({ recordings: z.array(RecordingInfoSchema) }) },
    /** One recording's header and events, for replay. */
    'audit.read': { request: z.object({ id: RecordingIdSchema }).strict(), response: RecordingSchema },
    /** Recordings whose instance, name or output text contains the query. */
    'audit.search': {
      request: z.object({ query: z.string().max(256) }).strict(),
      response: z.object({ recordings: z.array(RecordingInfoSchema) }),
    },
    /** Whether new shell tabs are recorded locally. */
    'audit.settings': { request: z.object({}).strict(), response: RecordingSettingsSchema },
    'audit.setSettings': { request: RecordingSettingsSchema, response: RecordingSettingsSchema },
  },
  send: {
    'terminal.input': TerminalInputSchema,
    'terminal.resize': TerminalResizeSchema,
    /** The renderer has written this many characters of output (flow control). */
    'terminal.ack': TerminalAckSchema,
  },
  events: {
    /** Batched output of one session (whole characters). */
    'terminal.output': TerminalOutputSchema,
    'session.state': SessionStateEventSchema,
    /** One source of a fleet.list finished (progress while the rest loads). */
    'fleet.source': SourceStatusSchema,
    /** A profile needs an MFA code: show a dialog, answer with auth.mfaAnswer. */
    'auth.mfaPrompt': MfaPromptSchema,
    /** An SSO sign-in waits for approval: show the code and the verification link. */
    'auth.ssoCode': SsoCodeEventSchema,
    /** A tunnel started, changed state, or ended (state stopped / failed). */
    'tunnel.state': TunnelInfoSchema,
    /** Every second while tunnels exist: all of them with their counters and rates. */
    'tunnel.stats': z.object({ tunnels: z.array(TunnelInfoSchema) }),
  },
} as const;

export type Contract = typeof contract;
export type InvokeChannel = keyof Contract['invoke'];
export type SendChannel = keyof Contract['send'];
export type EventChannel = keyof Contract['events'];

export type InvokeRequest<C extends InvokeChannel> = z.input<Contract['invoke'][C]['request']>;
export type InvokeResponse<C extends InvokeChannel> = z.output<Contract['invoke'][C]['response']>;
