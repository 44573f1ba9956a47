/** Stable error codes that cross the IPC boundary. Each has a catalog entry `error.<code>`. */
export const ERROR_CODES = [
  'UNKNOWN_CHANNEL',
  'BAD_PAYLOAD',
  'FORBIDDEN_SENDER',
  'INTERNAL',
  'AWS_AUTH_FAILED',
  'AWS_ACCESS_DENIED',
  'AWS_NETWORK',
  'AWS_THROTTLED',
  'AWS_SERVICE',
  'CREDENTIALS_MISSING',
  'CREDENTIALS_EXPIRED',
  'PROFILE_INVALID',
  'REGION_INVALID',
  'TARGET_NOT_CONNECTED',
  'TARGET_NOT_FOUND',
  'INVALID_DOCUMENT',
  'SESSION_FAILED',
  'PORT_IN_USE',
  'INVALID_TUNNEL',
  'DISCONNECTED',
  'SSO_SIGN_IN_REQUIRED',
  'KEY_PAIR_INVALID',
  'INVALID_POLICY_REQUEST',
  'RECORDING_NOT_FOUND',
  'SSH_FAILED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error as a value: what crosses every boundary. `message` is English; the UI localises by `code`. */
export interface ErrorValue {
  readonly code: ErrorCode;
  readonly message: string;
  /** Values substituted into the catalog text (never secrets). */
  readonly params?: Readonly<Record<string, string>>;
}

export type Result<T> = { readonly ok: true; readonly value: T } | ({ readonly ok: false } & ErrorValue);

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function err(code: ErrorCode, message: string, params?: Record<string, string>): Result<never> {
  return params ? { ok: false, code, message, params } : { ok: false, code, message };
}

/** A thrown error that carries a stable code; services throw it, the dispatcher turns it into a value. */
export class PortholeError extends Error {
  readonly code: ErrorCode;
  readonly params?: Readonly<Record<string, string>>;
  constructor(code: ErrorCode, message: string, params?: Record<string, string>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PortholeError';
    this.code = code;
    if (params) this.params = params;
  }
}
