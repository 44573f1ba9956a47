/**
 * What the connect doctor reports: plain, serialisable values (they cross IPC as they are).
 * Every sentence is already in the requested locale; `id`s and statuses are stable for code and tests.
 */

/** The checks, in the order they are reported. */
export const CHECK_IDS = [
  'instance-state',
  'instance-profile',
  'role-permissions',
  'network-route',
  'vpc-dns',
  'security-groups',
  'ssm-agent',
  'agent-version',
  'user-start-session',
  'user-terminate-session',
  'user-kms',
  'session-preferences',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/**
 * pass; fail (a cause, with its fix); unknown (could not check, e.g. a permission to look was missing:
 * `missingPermission`); skipped (not checked because another failed check already explains it: `blockedBy`,
 * or it does not apply, e.g. EC2 checks on a hybrid node).
 */
export type CheckStatus = 'pass' | 'fail' | 'unknown' | 'skipped';

export interface CheckFix {
  /** Where to click, e.g. "EC2 console › Instances › i-… › Actions › Security › Modify IAM role". */
  console: string;
  /** An exact AWS CLI command (values filled in). */
  cli: string;
  /** AWS documentation page. */
  docs: string;
}

export interface Check {
  id: CheckId;
  status: CheckStatus;
  /** Short name of the check. */
  title: string;
  /** One sentence: what was found (pass) or the cause (fail), or why it could not be checked. */
  summary: string;
  /** Extra facts (e.g. the preferences), one sentence each. */
  details?: string[];
  /** unknown: the IAM action the caller lacked to check this (e.g. `iam:SimulatePrincipalPolicy`). */
  missingPermission?: string;
  /** skipped: the failed check that explains this one. */
  blockedBy?: CheckId;
  /** fail (and unknown for a missing permission): how to fix it. */
  fix?: CheckFix;
}

export interface DiagnoseRequest {
  profile: string;
  region: string;
  /** Instance id (`i-…`) or managed node id (`mi-…`). */
  target: string;
  /** Session document the user means to use (default SSM-SessionManagerRunShell). */
  document?: string;
}

export interface Diagnosis {
  target: string;
  region: string;
  document: string;
  /** The caller's ARN (GetCallerIdentity), when known. */
  caller?: string;
  checks: Check[];
  /** No check failed. */
  ok: boolean;
}
