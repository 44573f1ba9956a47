import { z } from 'zod';

/** Limits on what the renderer may send for a terminal (validated at the IPC boundary). */
export const TERMINAL_LIMITS = {
  /** Characters in one `terminal.input` message; a larger paste is sent as several. */
  maxInputChars: 64 * 1024,
  maxCols: 1000,
  maxRows: 500,
  /** Characters acknowledged by one `terminal.ack`. */
  maxAckChars: 64 * 1024 * 1024,
  /** Output kept per session for a renderer that re-attaches (page reload). */
  replayChars: 256 * 1024,
} as const;

export const SessionStateSchema = z.enum(['connecting', 'open', 'reconnecting', 'closed', 'failed']);
export type SessionState = z.infer<typeof SessionStateSchema>;

/** Our own id for a terminal session (not the AWS session id). */
const LocalId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
const Profile = z.string().min(1).max(256);
const Region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/);
/** An instance id or managed node id, as StartSession's Target (1 to 400 characters). */
const Target = z.string().min(1).max(400);
const DocumentName = z
  .string()
  .regex(/^[a-zA-Z0-9_\-.:/]{3,128}$/, 'a document name is 3 to 128 letters, digits and _ - . : /');

export const SessionParametersSchema = z.record(
  z.string().min(1).max(128),
  z.array(z.string().max(4096)).min(1).max(10),
);

export const SessionStartRequestSchema = z
  .object({
    profile: Profile,
    region: Region,
    target: Target,
    document: DocumentName.optional(),
    parameters: SessionParametersSchema.optional(),
    /** The tab title (the Name tag); kept for re-attach. */
    title: z.string().max(256).optional(),
    cols: z.number().int().min(1).max(TERMINAL_LIMITS.maxCols).default(80),
    rows: z.number().int().min(1).max(TERMINAL_LIMITS.maxRows).default(24),
  })
  .strict();

/** One terminal session as the renderer sees it: identities and names, never tokens. */
export const SessionInfoSchema = z.object({
  id: z.string(),
  /** The AWS session id (shown in history, used by the emulator's admin endpoint in tests). */
  awsSessionId: z.string(),
  profile: z.string(),
  region: z.string(),
  target: z.string(),
  title: z.string().optional(),
  document: z.string(),
  parameters: SessionParametersSchema.optional(),
  state: SessionStateSchema,
  reason: z.string().optional(),
  exitCode: z.number().int().optional(),
  encrypted: z.boolean(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

/** A session from DescribeSessions (Active or History). */
export const RemoteSessionSchema = z.object({
  sessionId: z.string(),
  target: z.string(),
  status: z.string(),
  owner: z.string().optional(),
  document: z.string().optional(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  reason: z.string().optional(),
});
export type RemoteSession = z.infer<typeof RemoteSessionSchema>;

export const SessionDocumentSchema = z.object({
  name: z.string(),
  /** `Amazon`, `Self` or an account id, as ListDocuments reports it. */
  owner: z.string().optional(),
});
export type SessionDocument = z.infer<typeof SessionDocumentSchema>;

export const TerminalInputSchema = z
  .object({ id: LocalId, data: z.string().min(1).max(TERMINAL_LIMITS.maxInputChars) })
  .strict();
export const TerminalResizeSchema = z
  .object({
    id: LocalId,
    cols: z.number().int().min(1).max(TERMINAL_LIMITS.maxCols),
    rows: z.number().int().min(1).max(TERMINAL_LIMITS.maxRows),
  })
  .strict();
export const TerminalAckSchema = z
  .object({ id: LocalId, chars: z.number().int().min(1).max(TERMINAL_LIMITS.maxAckChars) })
  .strict();

export const TerminalOutputSchema = z.object({ id: z.string(), data: z.string() });
export const SessionStateEventSchema = z.object({
  id: z.string(),
  state: SessionStateSchema,
  reason: z.string().optional(),
  exitCode: z.number().int().optional(),
});
export type SessionStateEvent = z.infer<typeof SessionStateEventSchema>;

export const SessionIdRequestSchema = z.object({ id: LocalId }).strict();
export const SessionAttachRequestSchema = z
  .object({
    id: LocalId,
    /** Output position (characters since the start) the renderer already has; replay starts there when kept. */
    since: z.number().int().min(0).optional(),
  })
  .strict();
export const ProfileRegionSchema = z.object({ profile: Profile, region: Region }).strict();

/** The documents offered in the picker before (or without) ListDocuments. */
export const BUILTIN_SHELL_DOCUMENTS = {
  shell: 'SSM-SessionManagerRunShell',
  interactiveCommand: 'AWS-StartInteractiveCommand',
} as const;
