import { z } from 'zod';

export const TagSchema = z.object({ key: z.string(), value: z.string() });
export type Tag = z.infer<typeof TagSchema>;

export const PlatformSchema = z.enum(['Linux', 'Windows', 'MacOS', 'Unknown']);
export type Platform = z.infer<typeof PlatformSchema>;

/** SSM ping status, plus `NotManaged` for EC2 instances SSM does not know. */
export const PingStatusSchema = z.enum(['Online', 'ConnectionLost', 'Inactive', 'NotManaged']);
export type PingStatus = z.infer<typeof PingStatusSchema>;

/** One row of the instance list: an SSM managed node joined with its EC2 instance (when it has one). */
export const InstanceSchema = z.object({
  instanceId: z.string(),
  name: z.string().optional(),
  platform: PlatformSchema,
  platformName: z.string().optional(),
  platformVersion: z.string().optional(),
  pingStatus: PingStatusSchema,
  lastPingAt: z.string().optional(),
  agentVersion: z.string().optional(),
  computerName: z.string().optional(),
  privateIp: z.string().optional(),
  publicIp: z.string().optional(),
  state: z.string().optional(),
  instanceType: z.string().optional(),
  vpcId: z.string().optional(),
  subnetId: z.string().optional(),
  accountId: z.string().optional(),
  region: z.string(),
  profile: z.string().optional(),
  managed: z.boolean(),
  hybrid: z.boolean(),
  tags: z.array(TagSchema),
});
export type Instance = z.infer<typeof InstanceSchema>;

export const ProfileSchema = z.object({
  name: z.string(),
  region: z.string().optional(),
  /** What kind of credentials the profile uses (no secret material). */
  kind: z.enum(['static', 'assume-role', 'sso', 'process', 'environment', 'unknown']),
});
export type Profile = z.infer<typeof ProfileSchema>;
