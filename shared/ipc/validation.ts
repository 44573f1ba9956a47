/** The part of a logger the IPC layer needs (electron/core/base/logger.ts `Logger` fits it). */
export interface IpcLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

const MAX_ISSUES = 3;
const MAX_ISSUE_CHARS = 120;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A short readable summary of zod issues: `path: message` for the first few, each clipped, so a huge
 * or hostile payload is never echoed back.
 */
export function describeIssues(issues: readonly IssueLike[]): string {
  const parts = issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map((p) => clip(String(p), 40)).join('.') : '(root)';
    return `${path}: ${clip(issue.message, MAX_ISSUE_CHARS)}`;
  });
  if (issues.length > MAX_ISSUES) parts.push(`and ${issues.length - MAX_ISSUES} more`);
  return parts.join('; ');
}

/** Shows a channel name from untrusted input without letting it grow a log line or message. */
export function describeChannel(channel: unknown): string {
  if (typeof channel === 'string') return clip(channel.replace(/[^\x20-\x7e]/g, '?'), 80);
  return `(${channel === null ? 'null' : typeof channel})`;
}

const SECRET_LIKE = [
  /\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b/g, // AWS access key ids
  /[A-Za-z0-9+/=_-]{32,}/g, // long opaque strings: secret keys, session and data-channel tokens
];

/** Masks text that looks like a credential or token; for log lines about failures. */
export function scrubSecrets(text: string): string {
  return SECRET_LIKE.reduce((acc, re) => acc.replace(re, '[redacted]'), text);
}
