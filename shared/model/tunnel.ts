/**
 * Tunnels as the renderer sees them (port forwards and RDP), saved tunnels and named groups. Shapes of the tunnel.*
 * and rdp.* channels; no tokens, no keys, no passwords (the Windows password is an answer, never stored).
 */
import { z } from 'zod';
import { ERROR_CODES } from '../errors';

const ErrorCodeSchema = z.enum(ERROR_CODES);

const Profile = z.string().min(1).max(256);
const Region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/);
const Target = z.string().min(1).max(400);
const Port = z.number().int().min(1).max(65535);
/** 0 (or absent) picks a free local port. */
const LocalPort = z.number().int().min(0).max(65535);
const Host = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._:-]{1,253}$/, 'a host name or IP address (letters, digits and . _ : -)');
const BindAddress = z.string().trim().min(1).max(64);
const Name = z.string().trim().min(1).max(128);
/** Our own ids (tunnels, saved tunnels, groups). */
export const TunnelIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
export const MAX_POOL = 16;

export const TunnelStateSchema = z.enum(['starting', 'open', 'reconnecting', 'stopping', 'stopped', 'failed']);
export type TunnelState = z.infer<typeof TunnelStateSchema>;

/** What a port forward is: the target and ports (shared by tunnel.start and saved tunnels). */
export const TunnelSpecSchema = z
  .object({
    profile: Profile,
    region: Region,
    target: Target,
    remotePort: Port,
    /** Forward to this host as the instance reaches it (AWS-StartPortForwardingSessionToRemoteHost). */
    remoteHost: Host.optional(),
    localPort: LocalPort.optional(),
    /** Default 127.0.0.1; other addresses are allowed and flagged. */
    bindAddress: BindAddress.optional(),
    /** Port sessions to spread connections over (session pool); default 1. */
    pool: z.number().int().min(1).max(MAX_POOL).optional(),
    name: Name.optional(),
  })
  .strict();
export type TunnelSpecInput = z.input<typeof TunnelSpecSchema>;

export const TunnelStartRequestSchema = TunnelSpecSchema.extend({
  /** The saved tunnel this one runs (the panel shows its toggle on). */
  savedId: TunnelIdSchema.optional(),
}).strict();
export type TunnelStartRequest = z.infer<typeof TunnelStartRequestSchema>;

export const TunnelKindSchema = z.enum(['forward', 'rdp']);
export type TunnelKind = z.infer<typeof TunnelKindSchema>;

/** One live (or just ended) tunnel with its counters. */
export const TunnelInfoSchema = z.object({
  id: z.string(),
  kind: TunnelKindSchema,
  savedId: z.string().optional(),
  profile: z.string(),
  region: z.string(),
  target: z.string(),
  name: z.string().optional(),
  remotePort: z.number().int(),
  remoteHost: z.string().optional(),
  state: TunnelStateSchema,
  localAddress: z.string(),
  localPort: z.number().int(),
  /** Bound to an address other machines can reach. */
  nonLoopback: z.boolean(),
  /** How the agent forwards: many connections per session (mux), one at a time (basic), or a plain stream (SSH). */
  variant: z.enum(['mux', 'basic', 'stream']).optional(),
  poolSize: z.number().int(),
  poolMembers: z.number().int(),
  connections: z.number().int(),
  totalConnections: z.number().int(),
  failedConnections: z.number().int(),
  bytesIn: z.number(),
  bytesOut: z.number(),
  rateIn: z.number(),
  rateOut: z.number(),
  /** RDP tunnels: the client command as started (for display), or why it could not start. */
  rdp: z
    .object({
      command: z.array(z.string()).optional(),
      launchError: z.object({ code: ErrorCodeSchema, message: z.string() }).optional(),
    })
    .optional(),
  error: z.object({ code: ErrorCodeSchema, message: z.string() }).optional(),
});
export type TunnelInfo = z.infer<typeof TunnelInfoSchema>;

export const SavedTunnelSchema = TunnelSpecSchema.extend({
  id: TunnelIdSchema,
  /** Shown when the instance is not in the list (its Name tag when saved). */
  targetName: z.string().max(256).optional(),
}).strict();
export type SavedTunnel = z.infer<typeof SavedTunnelSchema>;

export const TunnelGroupSchema = z
  .object({
    id: TunnelIdSchema,
    name: Name,
    tunnelIds: z.array(TunnelIdSchema).max(200),
  })
  .strict();
export type TunnelGroup = z.infer<typeof TunnelGroupSchema>;

export const SavedTunnelsSchema = z.object({
  tunnels: z.array(SavedTunnelSchema),
  groups: z.array(TunnelGroupSchema),
});
export type SavedTunnels = z.infer<typeof SavedTunnelsSchema>;

/** Save a tunnel: a new one without id, or replace the one with this id. */
export const SaveTunnelRequestSchema = z
  .object({ tunnel: SavedTunnelSchema.extend({ id: TunnelIdSchema.optional() }).strict() })
  .strict();
export const SaveGroupRequestSchema = z
  .object({ group: TunnelGroupSchema.extend({ id: TunnelIdSchema.optional() }).strict() })
  .strict();

/** Result of toggling a group: tunnels started (or stopped), and those that failed with their error. */
export const GroupToggleResponseSchema = z.object({
  started: z.array(TunnelInfoSchema),
  stopped: z.number().int(),
  failures: z.array(z.object({ savedId: z.string(), code: ErrorCodeSchema, message: z.string() })),
});

export const RdpStartRequestSchema = z
  .object({
    profile: Profile,
    region: Region,
    target: Target,
    localPort: LocalPort.optional(),
    /** The instance's Name tag (the .rdp file and the panel are named after it). */
    name: Name.optional(),
    username: z.string().trim().min(1).max(256).optional(),
  })
  .strict();

/** The private key text of the instance's key pair (read from a file the user picked); used once, never kept. */
export const RdpPasswordRequestSchema = z
  .object({
    profile: Profile,
    region: Region,
    target: Target,
    keyPem: z
      .string()
      .min(1)
      .max(64 * 1024),
  })
  .strict();

export const RdpPasswordResponseSchema = z.object({
  /** Undefined while EC2 has no password yet (a few minutes after launch, or launched without a key pair). */
  password: z.string().optional(),
  username: z.string(),
});

/** SSH over Session Manager for one instance (ssh.config, ssh.open). Main writes the command; nothing here runs. */
export const SshRequestSchema = z
  .object({
    profile: Profile,
    region: Region,
    target: Target,
    /** The instance's Name tag (the first Host alias is made from it). */
    name: z.string().max(256).optional(),
    /** Default ec2-user. */
    user: z.string().trim().max(64).optional(),
  })
  .strict();

export const SshConfigResponseSchema = z.object({
  /** The ~/.ssh/config block, ready to copy. */
  text: z.string(),
  aliases: z.array(z.string()),
  user: z.string(),
  proxyCommand: z.string(),
});

export const SshOpenResponseSchema = z.object({
  /** The terminal program started and its arguments. */
  command: z.string(),
  args: z.array(z.string()),
  /** The ssh command the terminal runs. */
  ssh: z.array(z.string()),
});
