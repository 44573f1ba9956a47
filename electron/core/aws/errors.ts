/**
 * SDK error -> PortholeError with a stable code and a message from the catalog.
 * Nothing secret leaves here: the SDK's own text is scrubbed of key ids, secret keys, session tokens,
 * signatures and URL credentials before it goes into a message or a param.
 */
import { PortholeError, type ErrorCode } from '../../../shared/errors';
import { t } from '../../../shared/i18n/catalog';

export interface AwsErrorContext {
  readonly profile: string;
  readonly region?: string;
  readonly operation?: string;
  readonly endpoint?: string;
  /** Extra values to scrub (e.g. the resolved credentials), on top of the AWS_* variables of `env`. */
  readonly secrets?: readonly string[];
  /** Environment whose AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN are scrubbed; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

const AUTH_FAILED = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'AuthFailure',
  'SignatureDoesNotMatch',
  'InvalidClientTokenId',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'InvalidAccessKeyId',
]);
const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
]);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const NETWORK_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'NetworkingError']);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  errors?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** Maps anything thrown by an SDK call (or a credential provider) to a PortholeError. */
export function toPortholeError(error: unknown, context: AwsErrorContext): PortholeError {
  if (error instanceof PortholeError) return error;
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorShape;
  const name = typeof e.name === 'string' ? e.name : '';
  const rawMessage = typeof e.message === 'string' ? e.message : '';
  const code = classify(e, name, rawMessage);
  const scrub = scrubberFor(context);
  const params: Record<string, string> = {
    profile: context.profile,
    operation: context.operation ?? 'AWS',
    endpoint: scrub(context.endpoint ?? (context.region ? `AWS (${context.region})` : 'AWS')),
    detail: scrub(describe(name, rawMessage, e)),
  };
  if (context.region) params.region = context.region;
  return new PortholeError(code, t(`error.${code}`, params), params);
}

function classify(e: ErrorShape, name: string, message: string): ErrorCode {
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError') {
    return /expired|refresh/i.test(message) ? 'CREDENTIALS_EXPIRED' : 'CREDENTIALS_MISSING';
  }
  if (EXPIRED.has(name) || /^ExpiredToken/.test(name)) return 'CREDENTIALS_EXPIRED';
  if (AUTH_FAILED.has(name)) return 'AWS_AUTH_FAILED';
  if (ACCESS_DENIED.has(name) || /^AccessDenied/.test(name)) return 'AWS_ACCESS_DENIED';
  if (THROTTLED.has(name)) return 'AWS_THROTTLED';
  if (isNetwork(e, name)) return 'AWS_NETWORK';
  if (name === 'InvalidRegion' || /invalid region/i.test(message)) return 'REGION_INVALID';
  return 'AWS_SERVICE';
}

function isNetwork(e: ErrorShape, name: string, depth = 0): boolean {
  if (depth > 3) return false;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  if (NETWORK_NAMES.has(name)) return true;
  // Node reports a failed dual-stack connect as an AggregateError of per-address errors.
  if (Array.isArray(e.errors) && e.errors.some((x) => isObject(x) && isNetwork(x as ErrorShape, nameOf(x), depth + 1)))
    return true;
  if (isObject(e.cause)) return isNetwork(e.cause as ErrorShape, nameOf(e.cause), depth + 1);
  return false;
}

function describe(name: string, message: string, e: ErrorShape): string {
  const status = e.$metadata?.httpStatusCode;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const head = name && name !== 'Error' ? name : (code ?? 'Error');
  const text = message && message !== head ? `${head}: ${message}` : head;
  return status ? `${text} (HTTP ${status})` : text;
}

const SECRET_PATTERNS: readonly RegExp[] = [
  // Access key ids (long-term AKIA, temporary ASIA, and the other documented prefixes).
  /\b(?:AKIA|ASIA|AIDA|AROA|AIPA|ANPA|ANVA|AGPA|APKA|ABIA|ACCA)[A-Z0-9]{12,}\b/g,
  // SigV4 parts that can echo in SignatureDoesNotMatch texts.
  /(Credential=)[^,\s]+/gi,
  /(Signature=)[0-9a-f]+/gi,
  /(X-Amz-Security-Token[=:]\s*)[^\s&,]+/gi,
  // Secret keys (40 chars) and session tokens (hundreds): long base64-ish runs.
  /[A-Za-z0-9/+=]{32,}/g,
  // user:password@ in URLs.
  /(\/\/)[^/\s@]+@/g,
];

/** Returns a function that removes secrets from text. */
export function scrubberFor(context: Pick<AwsErrorContext, 'secrets' | 'env'>): (text: string) => string {
  const env = context.env ?? process.env;
  const known = [
    env.AWS_SECRET_ACCESS_KEY,
    env.AWS_SESSION_TOKEN,
    env.AWS_SECURITY_TOKEN,
    env.AWS_ACCESS_KEY_ID,
    ...(context.secrets ?? []),
  ].filter((s): s is string => typeof s === 'string' && s.length >= 4);
  return (text) => redactSecrets(text, known);
}

export function redactSecrets(text: string, known: readonly string[] = []): string {
  let out = text;
  // Longest first so a token containing a shorter secret is removed whole.
  for (const secret of [...known].sort((a, b) => b.length - a.length)) out = out.split(secret).join('[redacted]');
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (_match, prefix: unknown) => `${typeof prefix === 'string' ? prefix : ''}[redacted]`);
  }
  return out;
}

function isObject(x: unknown): x is object {
  return typeof x === 'object' && x !== null;
}

function nameOf(x: unknown): string {
  const n = (x as { name?: unknown }).name;
  return typeof n === 'string' ? n : '';
}
