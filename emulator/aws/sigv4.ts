/**
 * AWS Signature Version 4 verification (header-based), written from the public specification:
 * canonical request -> string to sign -> HMAC chain over the credential scope -> hex signature.
 * Works for the AWS SDK for JavaScript v3 and botocore (AWS CLI v2): both sign `host`, `x-amz-date` and
 * the payload hash, and double-encode the path for non-S3 services.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AuthFailureKind } from './errors';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** One identity the emulator accepts. Secrets never leave the emulator (not logged, not rendered in errors). */
export interface EmulatorCredential {
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, requests must carry it as `x-amz-security-token` (temporary credentials). */
  sessionToken?: string;
  accountId: string;
  /** Caller ARN returned by STS GetCallerIdentity. */
  arn: string;
  /** Unique id returned by STS GetCallerIdentity (`AIDA...` for an IAM user). */
  userId: string;
}

export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminator: string;
}

/** What the server hands to the verifier: the request exactly as received. */
export interface IncomingSignedRequest {
  method: string;
  /** Path and query as sent on the request line (still percent-encoded). */
  rawUrl: string;
  /** Node's `req.rawHeaders`: [name, value, name, value, ...]. */
  rawHeaders: readonly string[];
  body: Buffer;
}

export interface ParsedAuthorization {
  scope: CredentialScope;
  signedHeaders: string[];
  signature: string;
}

export type ParseResult =
  | { ok: true; auth: ParsedAuthorization }
  | { ok: false; kind: Extract<AuthFailureKind, 'missing' | 'incomplete'>; detail?: string; scope?: CredentialScope };

export type VerifyResult =
  | { ok: true; credential: EmulatorCredential; scope: CredentialScope }
  | { ok: false; kind: AuthFailureKind; detail?: string };

function header(rawHeaders: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === name) return rawHeaders[i + 1];
  }
  return undefined;
}

export function parseCredentialScope(credential: string): CredentialScope | undefined {
  const parts = credential.split('/');
  if (parts.length !== 5) return undefined;
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  return { accessKeyId, date, region, service, terminator };
}

/** Parses the `Authorization` header. Routing needs the scope even when the signature later fails. */
export function parseAuthorization(rawHeaders: readonly string[]): ParseResult {
  const value = header(rawHeaders, 'authorization');
  if (value === undefined || value.trim() === '') return { ok: false, kind: 'missing' };
  const space = value.indexOf(' ');
  const algorithm = space < 0 ? value : value.slice(0, space);
  if (algorithm !== SIGV4_ALGORITHM) {
    return { ok: false, kind: 'incomplete', detail: `Unsupported AWS 'algorithm': '${algorithm}'` };
  }
  const fields = new Map<string, string>();
  for (const part of value.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  const missing = [
    credential ? '' : "Authorization header requires 'Credential' parameter.",
    signedHeaders ? '' : "Authorization header requires 'SignedHeaders' parameter.",
    signature ? '' : "Authorization header requires 'Signature' parameter.",
  ].filter(Boolean);
  const scope = credential ? parseCredentialScope(credential) : undefined;
  if (missing.length > 0) return { ok: false, kind: 'incomplete', detail: missing.join(' '), scope };
  if (!scope) {
    return {
      ok: false,
      kind: 'incomplete',
      detail:
        "Credential should be scoped to a valid region, service and date: '<key>/<date>/<region>/<service>/aws4_request'.",
    };
  }
  const headers = signedHeaders!.split(';').map((h) => h.trim().toLowerCase());
  if (!headers.includes('host')) {
    return {
      ok: false,
      kind: 'incomplete',
      detail: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
      scope,
    };
  }
  return { ok: true, auth: { scope, signedHeaders: headers, signature: signature!.toLowerCase() } };
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is percent-encoded. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Non-S3 services: remove dot segments, then encode each (already encoded) segment again. */
export function canonicalUri(rawPath: string): string {
  const out: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '.') continue;
    if (segment === '..') {
      out.pop();
      continue;
    }
    out.push(segment);
  }
  let path = out.map(uriEncode).join('/');
  if (!path.startsWith('/')) path = `/${path}`;
  return path;
}

export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([uriEncode(safeDecode(key)), uriEncode(safeDecode(value))]);
  }
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

export function canonicalHeaders(rawHeaders: readonly string[], signedHeaders: readonly string[]): string {
  const values = new Map<string, string[]>();
  for (const name of signedHeaders) values.set(name, []);
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const list = values.get(rawHeaders[i]!.toLowerCase());
    if (list) list.push(rawHeaders[i + 1]!.trim().replace(/\s+/g, ' '));
  }
  return signedHeaders.map((name) => `${name}:${(values.get(name) ?? []).join(',')}\n`).join('');
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function canonicalRequest(
  req: IncomingSignedRequest,
  signedHeaders: readonly string[],
  payloadHash: string,
): string {
  const q = req.rawUrl.indexOf('?');
  const rawPath = q < 0 ? req.rawUrl : req.rawUrl.slice(0, q);
  const rawQuery = q < 0 ? '' : req.rawUrl.slice(q + 1);
  return [
    req.method.toUpperCase(),
    canonicalUri(rawPath || '/'),
    canonicalQuery(rawQuery),
    canonicalHeaders(req.rawHeaders, signedHeaders),
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secretAccessKey}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

export function stringToSign(amzDate: string, scope: CredentialScope, canonical: string): string {
  const scopeText = `${scope.date}/${scope.region}/${scope.service}/${scope.terminator}`;
  return `${SIGV4_ALGORITHM}\n${amzDate}\n${scopeText}\n${sha256Hex(canonical)}`;
}

export function computeSignature(secretAccessKey: string, scope: CredentialScope, toSign: string): string {
  return createHmac('sha256', signingKey(secretAccessKey, scope.date, scope.region, scope.service))
    .update(toSign)
    .digest('hex');
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export interface VerifyOptions {
  lookup(accessKeyId: string): EmulatorCredential | undefined;
  now: Date;
  /** Allowed distance between the request time and `now` (AWS allows 15 minutes). */
  maxSkewMs: number;
}

/** Verifies a parsed Authorization header against the request. Checks run in the order AWS reports them. */
export function verifySignature(
  req: IncomingSignedRequest,
  auth: ParsedAuthorization,
  opts: VerifyOptions,
): VerifyResult {
  const { scope } = auth;
  const credential = opts.lookup(scope.accessKeyId);
  if (!credential) return { ok: false, kind: 'unknown-key' };
  if (credential.sessionToken !== undefined) {
    if (header(req.rawHeaders, 'x-amz-security-token') !== credential.sessionToken)
      return { ok: false, kind: 'bad-token' };
  }
  if (scope.terminator !== 'aws4_request') {
    return {
      ok: false,
      kind: 'bad-signature',
      detail: `Credential should be scoped with a valid terminator: 'aws4_request', not '${scope.terminator}'.`,
    };
  }
  const amzDateHeader = header(req.rawHeaders, 'x-amz-date');
  let amzDate: string;
  let when: Date | undefined;
  if (amzDateHeader !== undefined) {
    amzDate = amzDateHeader.trim();
    when = parseAmzDate(amzDate);
  } else {
    const httpDate = header(req.rawHeaders, 'date');
    if (httpDate === undefined) {
      return {
        ok: false,
        kind: 'incomplete',
        detail: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      };
    }
    const ms = Date.parse(httpDate);
    when = Number.isNaN(ms) ? undefined : new Date(ms);
    amzDate = when ? formatAmzDate(when) : httpDate;
  }
  if (!when) {
    return { ok: false, kind: 'incomplete', detail: `Date must be in ISO-8601 'basic format'. Got '${amzDate}'.` };
  }
  if (amzDate.slice(0, 8) !== scope.date) {
    return {
      ok: false,
      kind: 'bad-signature',
      detail:
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ` +
        `'${scope.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    };
  }
  const skew = when.getTime() - opts.now.getTime();
  const minutes = Math.round(opts.maxSkewMs / 60_000);
  if (skew < -opts.maxSkewMs) {
    const limit = formatAmzDate(new Date(opts.now.getTime() - opts.maxSkewMs));
    return {
      ok: false,
      kind: 'expired',
      detail: `Signature expired: ${amzDate} is now earlier than ${limit} (${formatAmzDate(opts.now)} - ${minutes} min.)`,
    };
  }
  if (skew > opts.maxSkewMs) {
    const limit = formatAmzDate(new Date(opts.now.getTime() + opts.maxSkewMs));
    return {
      ok: false,
      kind: 'expired',
      detail: `Signature not yet current: ${amzDate} is still later than ${limit} (${formatAmzDate(opts.now)} + ${minutes} min.)`,
    };
  }
  const bodyHash = sha256Hex(req.body);
  const claimed = header(req.rawHeaders, 'x-amz-content-sha256');
  if (claimed !== undefined && claimed.trim().toLowerCase() !== bodyHash) {
    return {
      ok: false,
      kind: 'bad-signature',
      detail: 'The provided x-amz-content-sha256 header does not match what was computed.',
    };
  }
  const canonical = canonicalRequest(req, auth.signedHeaders, bodyHash);
  const expected = computeSignature(credential.secretAccessKey, scope, stringToSign(amzDate, scope, canonical));
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(auth.signature, 'utf8');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, kind: 'bad-signature' };
  return { ok: true, credential, scope };
}
