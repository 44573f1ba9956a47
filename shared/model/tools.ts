/**
 * Payloads of the connect doctor, the IAM policy helper and the session audit channels (issue 7).
 * Plain, serialisable shapes; every sentence in them is already in the requested locale.
 */
import { z } from 'zod';

const Name = z.string().min(1).max(256);
const Region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/);
export const LocaleSchema = z.enum(['en', 'ja']);

export const DoctorRequestSchema = z
  .object({
    profile: Name,
    region: Region,
    /** Instance id (`i-…`) or managed node id (`mi-…`). */
    target: z.string().regex(/^(i|mi)-[0-9a-f]{8,17}$/),
    document: z.string().min(1).max(128).optional(),
    locale: LocaleSchema.optional(),
  })
  .strict();

export const CheckStatusSchema = z.enum(['pass', 'fail', 'unknown', 'skipped']);
export const DoctorCheckSchema = z.object({
  id: z.string(),
  status: CheckStatusSchema,
  title: z.string(),
  summary: z.string(),
  details: z.array(z.string()).optional(),
  missingPermission: z.string().optional(),
  blockedBy: z.string().optional(),
  fix: z.object({ console: z.string(), cli: z.string(), docs: z.string() }).optional(),
});
export type DoctorCheck = z.output<typeof DoctorCheckSchema>;

export const DiagnosisSchema = z.object({
  target: z.string(),
  region: z.string(),
  document: z.string(),
  caller: z.string().optional(),
  checks: z.array(DoctorCheckSchema),
  ok: z.boolean(),
});
export type DiagnosisView = z.output<typeof DiagnosisSchema>;

export const PolicyDocumentChoiceSchema = z.enum(['shell', 'port', 'remote-host', 'ssh', 'interactive-command']);
export type PolicyDocumentChoice = z.output<typeof PolicyDocumentChoiceSchema>;

const OptionalText = z.string().max(2048).optional();

export const PolicyGenerateRequestSchema = z
  .object({
    kind: z.enum(['endUser', 'admin', 'instanceRole']),
    /** endUser: instance ids, or tag conditions (key -> values, wildcards allowed). */
    targets: z
      .union([
        z.object({ kind: z.literal('instances'), instanceIds: z.array(z.string().min(1).max(64)).min(1).max(200) }),
        z.object({
          kind: z.literal('tags'),
          tags: z.record(z.string().min(1).max(128), z.array(z.string().max(256)).min(1)),
        }),
      ])
      .optional(),
    documents: z.array(PolicyDocumentChoiceSchema).max(5).optional(),
    /** Names of the account's own Session documents. */
    customDocuments: z.array(z.string().min(1).max(128)).max(20).optional(),
    region: OptionalText,
    accountId: OptionalText,
    kmsKeyArn: OptionalText,
    s3BucketName: OptionalText,
    s3KeyPrefix: OptionalText,
    cloudWatchLogGroupName: OptionalText,
    locale: LocaleSchema.optional(),
  })
  .strict();
export type PolicyGenerateRequest = z.input<typeof PolicyGenerateRequestSchema>;

export const StatementExplanationSchema = z.object({
  index: z.number().int(),
  sid: z.string().optional(),
  effect: z.enum(['Allow', 'Deny']),
  sentence: z.string(),
  mechanics: z.string(),
  conditions: z.array(z.string()),
});
export type StatementExplanationView = z.output<typeof StatementExplanationSchema>;

export const LintFindingSchema = z.object({
  code: z.string(),
  severity: z.enum(['error', 'warning']),
  statement: z.number().int().optional(),
  message: z.string(),
});

export const PolicyGenerateResponseSchema = z.object({
  /** The policy JSON, pretty-printed (instance role: the inline policy, absent when the managed policy is enough). */
  policy: z.string().optional(),
  managedPolicyArns: z.array(z.string()),
  explanation: z.array(StatementExplanationSchema),
  findings: z.array(LintFindingSchema),
});

export const PolicyTextRequestSchema = z
  .object({ text: z.string().max(200_000), locale: LocaleSchema.optional() })
  .strict();

export const PolicyExplainResponseSchema = z.object({
  valid: z.boolean(),
  explanation: z.array(StatementExplanationSchema),
  error: z.string().optional(),
});

export const PolicyLintResponseSchema = z.object({ valid: z.boolean(), findings: z.array(LintFindingSchema) });

/** What the session preferences (SSM-SessionManagerRunShell) say about recording, before connecting. */
export const SessionAuditSchema = z.object({
  /** No preferences document was ever saved in this region (nothing is recorded). */
  configured: z.boolean(),
  s3BucketName: z.string().optional(),
  s3KeyPrefix: z.string().optional(),
  cloudWatchLogGroupName: z.string().optional(),
  kmsKeyId: z.string().optional(),
  /** Recorded server-side (S3 or CloudWatch). */
  recorded: z.boolean(),
  encrypted: z.boolean(),
  /** Set when the preferences could not be read (e.g. ssm:GetDocument denied). */
  error: z.string().optional(),
});
export type SessionAudit = z.output<typeof SessionAuditSchema>;

export const RecordingIdSchema = z.string().regex(/^[A-Za-z0-9._-]{1,200}\.cast$/);

export const RecordingInfoSchema = z.object({
  id: RecordingIdSchema,
  title: z.string(),
  instanceId: z.string(),
  profile: z.string().optional(),
  region: z.string().optional(),
  startedAt: z.string(),
  durationSeconds: z.number(),
  bytes: z.number().int(),
  /** search: a line of the recording's output that matched. */
  match: z.string().optional(),
});
export type RecordingInfo = z.output<typeof RecordingInfoSchema>;

export const RecordingEventSchema = z.tuple([z.number(), z.string(), z.string()]);

export const RecordingSchema = z.object({
  info: RecordingInfoSchema,
  width: z.number().int(),
  height: z.number().int(),
  events: z.array(RecordingEventSchema),
});

export const RecordingSettingsSchema = z.object({ enabled: z.boolean() }).strict();
