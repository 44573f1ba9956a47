import { z } from 'zod';
import { ERROR_CODES } from '../errors';
import { InstanceSchema } from './instance';

/** Limits checked at the IPC boundary. */
export const FLEET_LIMITS = { maxSources: 400 } as const;

const Profile = z.string().min(1).max(256);
const Region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/);

/** One profile + region the fleet lists. */
export const FleetSourceSchema = z.object({ profile: Profile, region: Region }).strict();
export type FleetSource = z.infer<typeof FleetSourceSchema>;

/** How one source fared: its rows show (ok / cached) or it failed on its own (error) while the rest shows. */
export const SourceStatusSchema = z.object({
  profile: z.string(),
  region: z.string(),
  /** ok: listed now; cached: from the disk cache, not refreshed yet; error: the listing failed. */
  state: z.enum(['ok', 'cached', 'error']),
  count: z.number().int().min(0),
  /** When this source's rows were listed (ISO). */
  fetchedAt: z.string().optional(),
  ms: z.number().optional(),
  accountId: z.string().optional(),
  /** The failure, as an error value; `params.action === 'ssoSignIn'` means "offer Sign in". */
  error: z
    .object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      params: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});
export type SourceStatus = z.infer<typeof SourceStatusSchema>;

export const FleetListRequestSchema = z
  .object({ sources: z.array(FleetSourceSchema).min(1).max(FLEET_LIMITS.maxSources) })
  .strict();

export const FleetListResponseSchema = z.object({
  instances: z.array(InstanceSchema),
  sources: z.array(SourceStatusSchema),
});

/** Who a profile is (no key material). */
export const ProfileIdentitySchema = z.object({
  profile: z.string(),
  accountId: z.string(),
  arn: z.string(),
  userId: z.string(),
  /** When the credentials in use expire (temporary credentials), ISO. */
  expiresAt: z.string().optional(),
});
export type ProfileIdentity = z.infer<typeof ProfileIdentitySchema>;

/** Shown while the user approves an SSO sign-in in the browser. */
export const SsoCodeEventSchema = z.object({
  profile: z.string(),
  userCode: z.string(),
  verificationUri: z.string(),
  verificationUriComplete: z.string(),
  expiresAt: z.string(),
});

export const MfaPromptSchema = z.object({ id: z.string(), profile: z.string(), serial: z.string() });
export type MfaPromptEvent = z.infer<typeof MfaPromptSchema>;

export const MfaAnswerRequestSchema = z
  .object({
    id: z.string().min(1).max(64),
    /** The 6-digit code; omitted to cancel the prompt. */
    code: z
      .string()
      .regex(/^\d{6}$/, 'an MFA code is 6 digits')
      .optional(),
  })
  .strict();
