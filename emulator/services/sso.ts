/**
 * IAM Identity Center for the emulator: SSO OIDC (device authorization) and the SSO portal (role credentials).
 * Both are REST-JSON services without SigV4, as in AWS:
 *   SSO OIDC   POST /client/register, POST /device_authorization, POST /token (JSON bodies, camelCase members;
 *              errors carry `error` / `error_description`, e.g. 400 AuthorizationPendingException until approved)
 *   SSO portal GET /federation/credentials?role_name&account_id, GET /assignment/accounts?next_token&max_result,
 *              GET /assignment/roles?account_id&next_token&max_result, POST /logout; the access token travels in
 *              the `x-amz-sso_bearer_token` header (401 UnauthorizedException when missing, unknown or expired).
 * The user's approval in the browser is simulated by the admin routes:
 *   GET  /_emulator/sso/device?user_code=XXXX-XXXX   (the verificationUriComplete: "open it" to approve)
 *   POST /_emulator/sso/approve  {"userCode"?: string} (approve one, or every pending authorization)
 *   POST /_emulator/sso/deny     {"userCode"?: string}
 *   POST /_emulator/sso/expire   expires every access token issued so far (tests of "sign in again")
 * Role credentials come from `issue` so the SigV4 verifier accepts them in the account they belong to.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RenderedResponse } from '../aws/errors';
import { newTemporaryKeys, type IssuedCredential } from './sts';

export interface SsoAccount {
  accountId: string;
  accountName: string;
  emailAddress?: string;
  /** Permission sets (role names) the user has in the account. */
  roles: string[];
}

export interface SsoOptions {
  /** The AWS access portal URL; device authorizations for another start URL are refused. Any URL when omitted. */
  startUrl?: string;
  accounts: SsoAccount[];
  /** The signed-in user's name (appears in the role session ARN). */
  userName?: string;
  /** Approve every device authorization at once (demo mode). */
  autoApprove?: boolean;
  /** Access token lifetime in seconds (AWS: the session duration, default 8 hours). */
  tokenLifetimeSeconds?: number;
  /** Role credential lifetime in seconds (AWS: the permission set's session duration, default 1 hour). */
  roleCredentialSeconds?: number;
}

export interface RestRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type RestOperation = (req: RestRequest) => RenderedResponse;

export interface SsoService {
  /** `METHOD /path` -> operation, for the server's REST router. */
  readonly routes: ReadonlyMap<string, RestOperation>;
  /** Handler for `/_emulator/sso/`. */
  readonly admin: (req: IncomingMessage, res: ServerResponse) => void;
  /** Approves a pending authorization by user code (or all); returns how many were approved. */
  approve(userCode?: string): number;
  /** Expires every access token issued so far. */
  expireTokens(): void;
}

interface Client {
  secret: string;
  expiresAt: number;
  scopes: string[];
}
interface DeviceAuth {
  clientId: string;
  userCode: string;
  startUrl: string;
  expiresAt: number;
  state: 'pending' | 'approved' | 'denied' | 'used';
}
interface AccessToken {
  expiresAt: number;
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export function createSsoService(
  options: SsoOptions,
  deps: { url: string; now: () => Date; issue: (c: IssuedCredential) => void },
): SsoService {
  const clients = new Map<string, Client>();
  const devices = new Map<string, DeviceAuth>();
  const tokens = new Map<string, AccessToken>();
  const refreshTokens = new Map<string, { clientId: string }>();
  const userName = options.userName ?? 'porthole-user';
  const tokenLifetime = options.tokenLifetimeSeconds ?? 8 * 3600;
  const roleSeconds = options.roleCredentialSeconds ?? 3600;
  const nowMs = () => deps.now().getTime();

  const json = (status: number, body: unknown, errorType?: string): RenderedResponse => ({
    status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-requestid': randomUUID(),
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    },
    body: JSON.stringify(body),
  });
  const oidcError = (status: number, type: string, error: string, description: string) =>
    json(status, { error, error_description: description }, type);
  const portalError = (status: number, type: string, message: string) => json(status, { message }, type);

  function parseBody(req: RestRequest): Record<string, unknown> | undefined {
    try {
      const value: unknown = req.body.length === 0 ? {} : JSON.parse(req.body.toString('utf8'));
      return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

  function checkClient(input: Record<string, unknown>): RenderedResponse | Client {
    const client = clients.get(str(input.clientId) ?? '');
    if (!client || client.secret !== str(input.clientSecret))
      return oidcError(401, 'InvalidClientException', 'invalid_client', 'Invalid client provided');
    if (client.expiresAt <= nowMs())
      return oidcError(401, 'InvalidClientException', 'invalid_client', 'Client registration has expired');
    return client;
  }

  const registerClient: RestOperation = (req) => {
    const input = parseBody(req);
    const clientName = str(input?.clientName);
    const clientType = str(input?.clientType);
    if (!input || !clientName || !clientType)
      return oidcError(400, 'InvalidRequestException', 'invalid_request', 'clientName and clientType are required');
    if (clientType !== 'public')
      return oidcError(400, 'InvalidClientMetadataException', 'invalid_client_metadata', 'Invalid client type');
    const clientId = randomBytes(16).toString('base64url');
    const secret = randomBytes(48).toString('base64url');
    const issuedAt = Math.floor(nowMs() / 1000);
    const expiresAt = issuedAt + 90 * 86_400;
    const scopes = Array.isArray(input.scopes) ? input.scopes.filter((s): s is string => typeof s === 'string') : [];
    clients.set(clientId, { secret, expiresAt: expiresAt * 1000, scopes });
    return json(200, { clientId, clientSecret: secret, clientIdIssuedAt: issuedAt, clientSecretExpiresAt: expiresAt });
  };

  const startDeviceAuthorization: RestOperation = (req) => {
    const input = parseBody(req);
    if (!input) return oidcError(400, 'InvalidRequestException', 'invalid_request', 'Invalid request body');
    const client = checkClient(input);
    if ('status' in client) return client;
    const startUrl = str(input.startUrl) ?? '';
    if (!/^https?:\/\//.test(startUrl) || (options.startUrl !== undefined && startUrl !== options.startUrl))
      return oidcError(400, 'InvalidRequestException', 'invalid_request', 'Invalid start URL');
    const deviceCode = randomBytes(32).toString('base64url');
    const letters = 'BCDFGHJKLMNPQRSTVWXZ';
    const code = Array.from(randomBytes(8), (b) => letters[b % letters.length]).join('');
    const userCode = `${code.slice(0, 4)}-${code.slice(4)}`;
    const expiresIn = 600;
    devices.set(deviceCode, {
      clientId: str(input.clientId)!,
      userCode,
      startUrl,
      expiresAt: nowMs() + expiresIn * 1000,
      state: options.autoApprove ? 'approved' : 'pending',
    });
    const verificationUri = `${deps.url}/_emulator/sso/device`;
    return json(200, {
      deviceCode,
      userCode,
      verificationUri,
      verificationUriComplete: `${verificationUri}?user_code=${userCode}`,
      expiresIn,
      interval: 1,
    });
  };

  function issueToken(clientId: string): RenderedResponse {
    const accessToken = `aoa${randomBytes(96).toString('base64url')}`;
    tokens.set(accessToken, { expiresAt: nowMs() + tokenLifetime * 1000 });
    const client = clients.get(clientId);
    // AWS returns a refresh token only to clients registered with the sso:account:access scope (sso-session).
    let refreshToken: string | undefined;
    if (client && client.scopes.length > 0) {
      refreshToken = `aor${randomBytes(96).toString('base64url')}`;
      refreshTokens.set(refreshToken, { clientId });
    }
    return json(200, {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: tokenLifetime,
      ...(refreshToken ? { refreshToken } : {}),
    });
  }

  const createToken: RestOperation = (req) => {
    const input = parseBody(req);
    if (!input) return oidcError(400, 'InvalidRequestException', 'invalid_request', 'Invalid request body');
    const client = checkClient(input);
    if ('status' in client) return client;
    const clientId = str(input.clientId)!;
    const grantType = str(input.grantType);
    if (grantType === 'refresh_token') {
      const refresh = refreshTokens.get(str(input.refreshToken) ?? '');
      if (!refresh || refresh.clientId !== clientId)
        return oidcError(400, 'InvalidGrantException', 'invalid_grant', 'Invalid refresh token provided');
      refreshTokens.delete(str(input.refreshToken)!);
      return issueToken(clientId);
    }
    if (grantType !== DEVICE_GRANT)
      return oidcError(400, 'UnsupportedGrantTypeException', 'unsupported_grant_type', 'Unsupported grant type');
    const device = devices.get(str(input.deviceCode) ?? '');
    if (!device || device.clientId !== clientId || device.state === 'used')
      return oidcError(400, 'InvalidGrantException', 'invalid_grant', 'Invalid grant provided');
    if (device.expiresAt <= nowMs())
      return oidcError(400, 'ExpiredTokenException', 'expired_token', 'Device code has expired');
    if (device.state === 'denied')
      return oidcError(400, 'AccessDeniedException', 'access_denied', 'The user denied the authorization');
    if (device.state === 'pending')
      return oidcError(400, 'AuthorizationPendingException', 'authorization_pending', 'Authorization is pending');
    device.state = 'used';
    return issueToken(clientId);
  };

  function bearer(req: RestRequest): RenderedResponse | undefined {
    const header = req.headers['x-amz-sso_bearer_token'];
    const token = tokens.get(Array.isArray(header) ? (header[0] ?? '') : (header ?? ''));
    if (!token || token.expiresAt <= nowMs())
      return portalError(401, 'UnauthorizedException', 'Session token not found or invalid');
    return undefined;
  }

  function page<T>(req: RestRequest, items: readonly T[], key: string): RenderedResponse {
    const maxText = req.query.get('max_result');
    const max = maxText === null ? 20 : Number(maxText);
    if (!Number.isInteger(max) || max < 1 || max > 100)
      return portalError(400, 'InvalidRequestException', 'Invalid max_result');
    const next = req.query.get('next_token');
    const start = next === null ? 0 : Number.parseInt(Buffer.from(next, 'base64url').toString('utf8'), 10);
    if (!Number.isInteger(start) || start < 0 || start > items.length)
      return portalError(400, 'InvalidRequestException', 'Invalid next token');
    const slice = items.slice(start, start + max);
    const nextToken =
      start + max < items.length ? Buffer.from(String(start + max), 'utf8').toString('base64url') : undefined;
    return json(200, { [key]: slice, ...(nextToken ? { nextToken } : {}) });
  }

  const listAccounts: RestOperation = (req) =>
    bearer(req) ??
    page(
      req,
      options.accounts.map((a) => ({
        accountId: a.accountId,
        accountName: a.accountName,
        emailAddress: a.emailAddress ?? `aws+${a.accountId}@example.com`,
      })),
      'accountList',
    );

  const listAccountRoles: RestOperation = (req) => {
    const denied = bearer(req);
    if (denied) return denied;
    const accountId = req.query.get('account_id');
    if (!accountId) return portalError(400, 'InvalidRequestException', 'account_id is required');
    const account = options.accounts.find((a) => a.accountId === accountId);
    return page(
      req,
      (account?.roles ?? []).map((roleName) => ({ roleName, accountId })),
      'roleList',
    );
  };

  const getRoleCredentials: RestOperation = (req) => {
    const denied = bearer(req);
    if (denied) return denied;
    const roleName = req.query.get('role_name');
    const accountId = req.query.get('account_id');
    if (!roleName || !accountId)
      return portalError(400, 'InvalidRequestException', 'role_name and account_id are required');
    const account = options.accounts.find((a) => a.accountId === accountId);
    if (!account || !account.roles.includes(roleName)) return portalError(403, 'ForbiddenException', 'No access');
    const suffix = randomBytes(8).toString('hex');
    const issued: IssuedCredential = {
      ...newTemporaryKeys(),
      accountId,
      arn: `arn:aws:sts::${accountId}:assumed-role/AWSReservedSSO_${roleName}_${suffix}/${userName}`,
      userId: `AROA${suffix.toUpperCase()}ABCDE:${userName}`,
      expiration: new Date(Math.floor(nowMs() / 1000) * 1000 + roleSeconds * 1000),
    };
    deps.issue(issued);
    return json(200, {
      roleCredentials: {
        accessKeyId: issued.accessKeyId,
        secretAccessKey: issued.secretAccessKey,
        sessionToken: issued.sessionToken,
        expiration: issued.expiration.getTime(),
      },
    });
  };

  const logout: RestOperation = (req) => {
    const header = req.headers['x-amz-sso_bearer_token'];
    const token = Array.isArray(header) ? header[0] : header;
    if (token) tokens.delete(token);
    return json(200, {});
  };

  function setState(userCode: string | undefined, state: 'approved' | 'denied'): number {
    let n = 0;
    for (const device of devices.values()) {
      if (device.state !== 'pending' || (userCode !== undefined && device.userCode !== userCode)) continue;
      device.state = state;
      n++;
    }
    return n;
  }

  const admin = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && url.pathname === '/_emulator/sso/device') {
      const userCode = url.searchParams.get('user_code') ?? undefined;
      return reply(userCode && setState(userCode, 'approved') > 0 ? 200 : 404, { approved: userCode ?? null });
    }
    if (req.method !== 'POST') return reply(405, { error: 'use POST' });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let input: { userCode?: unknown };
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        input = text ? (JSON.parse(text) as { userCode?: unknown }) : {};
      } catch {
        return reply(400, { error: 'body must be JSON' });
      }
      const userCode = typeof input.userCode === 'string' ? input.userCode : undefined;
      switch (url.pathname) {
        case '/_emulator/sso/approve':
          return reply(200, { approved: setState(userCode, 'approved') });
        case '/_emulator/sso/deny':
          return reply(200, { denied: setState(userCode, 'denied') });
        case '/_emulator/sso/expire':
          expireTokens();
          return reply(200, { expired: tokens.size });
        default:
          return reply(404, { error: 'unknown route' });
      }
    });
  };

  function expireTokens(): void {
    for (const token of tokens.values()) token.expiresAt = 0;
  }

  return {
    routes: new Map<string, RestOperation>([
      ['POST /client/register', registerClient],
      ['POST /device_authorization', startDeviceAuthorization],
      ['POST /token', createToken],
      ['GET /federation/credentials', getRoleCredentials],
      ['GET /assignment/accounts', listAccounts],
      ['GET /assignment/roles', listAccountRoles],
      ['POST /logout', logout],
    ]),
    admin,
    approve: (userCode) => setState(userCode, 'approved'),
    expireTokens,
  };
}
