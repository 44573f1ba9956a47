/**
 * Session Manager preferences as the fleet file gives them (`instances[].sessionPreferences`,
 * `instances[].kmsEncryption`, `instances[].faults`), validated here because the sessions side owns their shape.
 */
import { z } from 'zod';
import { FaultPlanSchema, type FaultPlan } from '../agent/faults';
import type { FleetInstance } from '../fleet/fleet';

export const SessionPreferencesSchema = z
  .object({
    /** Minutes without client input before the session ends (AWS: 1–60, default 20). Fractions allowed for tests. */
    idleSessionTimeout: z.number().positive().max(60).optional(),
    /** Maximum session length in minutes (AWS: 1–1440; unset = no limit). Fractions allowed for tests. */
    maxSessionDuration: z.number().positive().max(1440).optional(),
    /** Commands typed into the shell at the start of a Standard_Stream session, per platform. */
    shellProfile: z.object({ linux: z.string().optional(), windows: z.string().optional() }).optional(),
    /** KMS key (id, ARN, alias) that turns on session encryption for shells and commands. */
    kmsKeyId: z.string().min(1).optional(),
    runAsEnabled: z.boolean().optional(),
    runAsDefaultUser: z.string().optional(),
    /** Emulator only: pacing of agent output (1 ms per 1024-byte message, 1 s before the first read). */
    pacing: z.boolean().optional(),
    /** Emulator only: the shell binary for Standard_Stream sessions (default `sh`, as the Linux agent). */
    shell: z.string().min(1).optional(),
  })
  .strict();

export type SessionPreferences = z.infer<typeof SessionPreferencesSchema>;

/** Default key alias used when an instance just says `kmsEncryption: true`. */
export const DEFAULT_SESSION_KMS_ALIAS = 'alias/porthole-session';

export interface InstanceSessionSettings {
  preferences: SessionPreferences;
  /** The KMS key reference when encryption is on. */
  kmsKeyId?: string;
  faults?: FaultPlan;
}

/** Reads and validates the sessions-side fields of a fleet instance; throws with a path on bad input. */
export function instanceSessionSettings(instance: FleetInstance): InstanceSessionSettings {
  const spec = instance.spec;
  const parsed = SessionPreferencesSchema.safeParse(spec.sessionPreferences ?? {});
  if (!parsed.success) {
    throw new Error(`fleet: instances[${instance.id}].sessionPreferences: ${z.prettifyError(parsed.error)}`);
  }
  const preferences = parsed.data;
  let kmsKeyId = preferences.kmsKeyId;
  const kms = spec.kmsEncryption;
  if (kms === true) kmsKeyId ??= DEFAULT_SESSION_KMS_ALIAS;
  else if (kms && typeof kms === 'object') kmsKeyId = kms.keyId;
  else if (kms === false) kmsKeyId = undefined;
  let faults: FaultPlan | undefined;
  if (spec.faults !== undefined) {
    const f = FaultPlanSchema.safeParse(spec.faults);
    if (!f.success) throw new Error(`fleet: instances[${instance.id}].faults: ${z.prettifyError(f.error)}`);
    faults = f.data;
  }
  return { preferences, ...(kmsKeyId ? { kmsKeyId } : {}), ...(faults ? { faults } : {}) };
}
