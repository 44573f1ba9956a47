/**
 * The emulator's AWS endpoint: one HTTP server on 127.0.0.1 serving SSM (JSON 1.1), EC2 (EC2 Query), STS (Query)
 * and, through extensions, KMS and the SSM data channel. Every API request is SigV4-verified against the configured
 * credentials; failures come back with the error code, body shape and HTTP status the real service uses.
 *
 * EXTENSION POINTS (for emulator/sessions and later features)
 *
 * (a) Extra JSON 1.1 operations, keyed by X-Amz-Target:
 *       emulator.registerJsonOperation('AmazonSSM.StartSession', (input, ctx) => ({ SessionId, TokenValue, StreamUrl }));
 *       emulator.registerJsonOperation('TrentService.GenerateDataKey', (input, ctx) => ({ ... }));
 *     The handler runs after SigV4 verification. `input` is the parsed JSON body; `ctx` is an OperationContext:
 *     { requestId, region, service, caller: { accessKeyId, accountId, arn, userId }, fleet, headers, now }.
 *     Return the response object (it is JSON-serialised; Dates are not converted: give epoch seconds as numbers),
 *     or a Promise of it. Throw `new AwsError(code, message, status?)` (aws/errors.ts) for an AWS error: it is
 *     rendered as `x-amzn-ErrorType` + `{"__type","message"}` with that status. Use `Violations` (aws/operation.ts)
 *     for ValidationException messages. Targets with the `AmazonSSM.` prefix are served on the `ssm` signing
 *     scope, `TrentService.` on `kms`. A registration returns a Disposable that removes it.
 *
 * (b) HTTP upgrades (websockets), keyed by path prefix:
 *       emulator.registerUpgrade('/v1/data-channel/', (req, socket, head) => wss.handleUpgrade(req, socket, head, ...));
 *     The longest matching prefix wins; unmatched upgrades get 404. No SigV4 here (the real data channel
 *     authenticates with the session token in its first message). Sockets handed to a handler are destroyed
 *     on close() if still open.
 *
 * (c) Plain HTTP routes for emulator-only endpoints (no SigV4), keyed by a path prefix that must start with `/_`:
 *       emulator.registerRoute('/_emulator/', (req, res) => { ... });
 *     Served before the AWS APIs; AWS paths can never be shadowed.
 *
 * All three are also available to plugins passed as `createEmulator({ plugins: [install] })`: `install(host)` is called
 * once the server listens (so `host.url` is known, e.g. to build a StreamUrl) and may return a Disposable that
 * close() disposes. The fleet model (`host.fleet`: ping status, platform, agent version, per-instance `spec.ports`,
 * `spec.faults`, `spec.kmsEncryption`, ...) is shared by all handlers; `fleet.setPingStatus()` changes what
 * DescribeInstanceInformation reports.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Duplex } from 'node:stream';
import { toDisposable, type Disposable } from '../electron/core/base/lifecycle';
import { AwsError, authError, newRequestId, renderError, type Protocol, type RenderedResponse } from './aws/errors';
import type { Caller, JsonOperation, OperationContext, QueryOperation } from './aws/operation';
import { PageTokens } from './aws/pagination';
import { parseAuthorization, verifySignature, type EmulatorCredential } from './aws/sigv4';
import { Fleet } from './fleet/fleet';
import { generateFleet } from './fleet/generate';
import type { FleetFileInput } from './fleet/schema';
import { createEc2Operations, unknownEc2Action } from './services/ec2';
import { createEc2NetworkOperations } from './services/ec2-network';
import { createIamOperations, IAM_NS, IAM_VERSION, unknownIamAction } from './services/iam';
import { getDocument } from './services/ssm-document';
import { authorize } from './iam/authorize';
import { IamModel } from './iam/model';
import { createSsmOperations } from './services/ssm';
import { createSsoService, type RestRequest, type SsoOptions, type SsoService } from './services/sso';
import {
  createStsOperations,
  expiredTokenError,
  unknownStsAction,
  type EmulatorRole,
  type IssuedCredential,
} from './services/sts';
import { Throttler, type ThrottleRule } from './services/throttle';

export type { Caller, JsonOperation, OperationContext, QueryOperation } from './aws/operation';
export { AwsError } from './aws/errors';
export type { EmulatorCredential } from './aws/sigv4';
export type { EmulatorRole } from './services/sts';
export type { SsoAccount, SsoOptions, SsoService } from './services/sso';
export type { ThrottleRule } from './services/throttle';
export { Fleet } from './fleet/fleet';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** A plain HTTP handler for emulator-only paths (e.g. `/_emulator/`); no SigV4. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** What extensions see: the fleet, the URL and the two registries. */
export interface EmulatorHost {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly fleet: Fleet;
  registerJsonOperation(target: string, operation: JsonOperation): Disposable;
  registerUpgrade(pathPrefix: string, handler: UpgradeHandler): Disposable;
  /** Plain HTTP routes by path prefix, served before the AWS APIs (emulator admin endpoints). */
  registerRoute(pathPrefix: string, handler: RouteHandler): Disposable;
}

export type EmulatorPlugin = (host: EmulatorHost) => void | Disposable | Promise<void | Disposable>;

export interface CredentialInput {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Defaults to the fleet's account. */
  accountId?: string;
  arn?: string;
  userId?: string;
}

export interface EmulatorOptions {
  /** 0 (default) lets the OS pick a free port. The server always binds 127.0.0.1. */
  port?: number;
  /** A Fleet, a fleet document, or a path to a fleet JSON file. Defaults to the demo fleet. */
  fleet?: Fleet | FleetFileInput | string;
  /** Serve a generated fleet of this many instances instead (deterministic for a given seed). */
  generate?: number;
  seed?: number;
  /** Accepted identities. Default: access key `test`, secret `test`. */
  credentials?: CredentialInput[];
  /** Allowed clock skew of signed requests (AWS: 15 minutes). */
  maxSkewMs?: number;
  /** Clock used for signature expiry (tests can move it). */
  now?: () => Date;
  plugins?: EmulatorPlugin[];
  /** Called once per API request (no secrets: service, operation, status, caller's key id). */
  onRequest?: (entry: RequestLogEntry) => void;
  /** Roles STS AssumeRole can assume (with their MFA demand); see services/sts.ts. */
  roles?: EmulatorRole[];
  /** IAM Identity Center: SSO OIDC device sign-in and the SSO portal; see services/sso.ts. */
  sso?: SsoOptions;
  /** Throttling injection rules (also settable at runtime: POST /_emulator/throttle); see services/throttle.ts. */
  throttle?: ThrottleRule[];
}

export interface RequestLogEntry {
  requestId: string;
  service: string;
  operation: string;
  status: number;
  errorCode?: string;
  accessKeyId?: string;
  ms: number;
}

export interface Emulator extends EmulatorHost {
  readonly server: Server;
  /** Throttling injection (rules, refused count). */
  readonly throttler: Throttler;
  /** The SSO side, when `sso` was given (approve device authorizations, expire tokens). */
  readonly sso?: SsoService;
  close(): Promise<void>;
}

export const DEFAULT_FLEET_PATH = fileURLToPath(new URL('./fleets/demo.json', import.meta.url));
export const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000;
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** X-Amz-Target prefix -> the SigV4 service name that endpoint signs with. */
const TARGET_SERVICES: Record<string, string> = { AmazonSSM: 'ssm', TrentService: 'kms' };
const SERVICE_PROTOCOLS: Record<string, Protocol> = {
  ssm: 'json',
  kms: 'json',
  ec2: 'ec2',
  sts: 'query',
  iam: 'query',
};

async function resolveFleet(options: EmulatorOptions): Promise<Fleet> {
  if (options.generate !== undefined)
    return Fleet.fromInput(generateFleet({ count: options.generate, seed: options.seed }));
  const source = options.fleet;
  if (source instanceof Fleet) return source;
  if (typeof source === 'string') return Fleet.load(source);
  if (source !== undefined) return Fleet.fromInput(source);
  return Fleet.load(DEFAULT_FLEET_PATH);
}

function toCredential(input: CredentialInput, fleet: Fleet): EmulatorCredential {
  const accountId = input.accountId ?? fleet.accountId;
  const userName = input.accessKeyId === 'test' ? 'porthole-demo' : `user-${input.accessKeyId.slice(-6).toLowerCase()}`;
  return {
    accessKeyId: input.accessKeyId,
    secretAccessKey: input.secretAccessKey,
    sessionToken: input.sessionToken,
    accountId,
    arn: input.arn ?? `arn:aws:iam::${accountId}:user/${userName}`,
    userId: input.userId ?? `AIDA${uniqueIdSuffix(input.accessKeyId)}`,
  };
}

/** 17 characters of [A-Z2-7] derived from the key id, like the tail of an IAM unique id. */
function uniqueIdSuffix(seed: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = createHash('sha256').update(seed).digest();
  return Array.from(bytes.subarray(0, 17), (b) => alphabet[b & 31]).join('');
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new AwsError('RequestEntityTooLarge', 'Request body too large', 413));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, rendered: RenderedResponse, date: Date): void {
  const body = Buffer.from(rendered.body, 'utf8');
  // The Date header carries the emulator's clock: SDKs use it to correct their skew after a "Signature expired".
  res.writeHead(rendered.status, {
    ...rendered.headers,
    date: date.toUTCString(),
    'content-length': String(body.length),
  });
  res.end(body);
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const fleet = await resolveFleet(options);
  const ownsFleet = !(options.fleet instanceof Fleet) || options.generate !== undefined;
  const credentials = new Map<string, EmulatorCredential>();
  for (const input of options.credentials ?? [{ accessKeyId: 'test', secretAccessKey: 'test' }]) {
    credentials.set(input.accessKeyId, toCredential(input, fleet));
  }
  // IAM users of the fleet with access keys (e.g. the demo's `limited` caller) are accepted as those users.
  for (const user of IamModel.of(fleet).allUsers()) {
    for (const key of user.accessKeys) {
      if (!credentials.has(key.accessKeyId))
        credentials.set(key.accessKeyId, toCredential({ ...key, arn: user.arn, userId: user.id }, fleet));
    }
  }
  const now = options.now ?? (() => new Date());
  const maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const tokens = new PageTokens();
  // Temporary credentials issued by AssumeRole and the SSO portal, accepted until they expire.
  const issued = new Map<string, IssuedCredential>();
  const issue = (credential: IssuedCredential) => {
    const nowMs = now().getTime();
    for (const [id, c] of issued) if (c.expiration.getTime() + 3_600_000 < nowMs) issued.delete(id);
    issued.set(credential.accessKeyId, credential);
  };
  const throttler = new Throttler(options.throttle ?? []);
  const restRoutes = new Map<string, (req: RestRequest) => RenderedResponse>();

  const jsonOperations = new Map<string, JsonOperation>(Object.entries(createSsmOperations(tokens)));
  jsonOperations.set('AmazonSSM.GetDocument', getDocument);
  const queryOperations: Record<string, Map<string, QueryOperation>> = {
    ec2: new Map(Object.entries({ ...createEc2Operations(tokens), ...createEc2NetworkOperations(tokens) })),
    iam: new Map(Object.entries(createIamOperations(tokens))),
    sts: new Map(Object.entries(createStsOperations({ roles: options.roles ?? [], issue }))),
  };
  const upgrades = new Map<string, UpgradeHandler>();
  const routes = new Map<string, RouteHandler>();
  const upgradedSockets = new Set<Duplex>();
  const pluginDisposables: Disposable[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const requestId = newRequestId();
    const target = firstHeader(req.headers['x-amz-target']);
    const parsed = parseAuthorization(req.rawHeaders);
    const scope = parsed.ok ? parsed.auth.scope : parsed.scope;
    const contentType = firstHeader(req.headers['content-type']) ?? '';
    // Route by the signing scope's service, like AWS routes by endpoint host; guess from the request when unsigned.
    let service =
      scope?.service ??
      (target ? (TARGET_SERVICES[target.split('.')[0] ?? ''] ?? 'ssm') : contentType.includes('form') ? 'ec2' : 'ssm');
    let protocol: Protocol = SERVICE_PROTOCOLS[service] ?? (target ? 'json' : 'query');
    let operation = target?.split('.').slice(1).join('.') ?? '';
    let accessKeyId: string | undefined;

    const finish = (rendered: RenderedResponse, errorCode?: string) => {
      send(res, rendered, now());
      options.onRequest?.({
        requestId,
        service,
        operation,
        status: rendered.status,
        errorCode,
        accessKeyId,
        ms: performance.now() - started,
      });
    };
    const fail = (error: AwsError) =>
      finish(renderError(protocol, error, requestId, service === 'iam' ? IAM_NS : undefined), error.code);

    try {
      const body = await readBody(req);
      let params: URLSearchParams | undefined;
      if (protocol !== 'json') {
        const q = (req.url ?? '').indexOf('?');
        params =
          req.method === 'GET'
            ? new URLSearchParams(q < 0 ? '' : (req.url ?? '').slice(q + 1))
            : new URLSearchParams(body.toString('utf8'));
        operation = params.get('Action') ?? '';
        // Unsigned Query requests carry no scope: tell STS from EC2 by the API version.
        if (!scope && params.get('Version') === '2011-06-15') {
          service = 'sts';
          protocol = 'query';
        }
        if (!scope && params.get('Version') === IAM_VERSION) {
          service = 'iam';
          protocol = 'query';
        }
      }
      if (!parsed.ok) return fail(authError(protocol, parsed.kind, parsed.detail));
      accessKeyId = parsed.auth.scope.accessKeyId;
      if (!SERVICE_PROTOCOLS[service]) {
        return fail(
          authError(
            protocol,
            'bad-signature',
            `Credential should be scoped to correct service: '${service}' is not served here.`,
          ),
        );
      }
      const temporary = issued.get(accessKeyId);
      if (temporary && temporary.expiration.getTime() <= now().getTime()) return fail(expiredTokenError(protocol));
      const verified = verifySignature(
        { method: req.method ?? 'GET', rawUrl: req.url ?? '/', rawHeaders: req.rawHeaders, body },
        parsed.auth,
        { lookup: (id) => credentials.get(id) ?? issued.get(id), now: now(), maxSkewMs },
      );
      if (!verified.ok) return fail(authError(protocol, verified.kind, verified.detail));
      const throttled = throttler.check(service, verified.scope.region, operation, verified.credential.accountId);
      if (throttled) return fail(throttled);
      const caller: Caller = {
        accessKeyId: verified.credential.accessKeyId,
        accountId: verified.credential.accountId,
        arn: verified.credential.arn,
        userId: verified.credential.userId,
      };
      const ctx: OperationContext = {
        requestId,
        region: verified.scope.region,
        service,
        caller,
        fleet,
        headers: req.headers,
        now: now(),
      };

      if (protocol === 'json') {
        if (req.method !== 'POST') throw new AwsError('UnknownOperationException', 'Only POST is supported.', 400);
        const prefix = target?.split('.')[0] ?? '';
        const handler = target ? jsonOperations.get(target) : undefined;
        if (!target || !handler || (TARGET_SERVICES[prefix] !== undefined && TARGET_SERVICES[prefix] !== service)) {
          throw new AwsError('UnknownOperationException', `Unknown operation ${target ?? '(no X-Amz-Target)'}`);
        }
        let input: unknown;
        try {
          input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
        } catch {
          throw new AwsError(
            'SerializationException',
            'Unexpected character found in the request body: not valid JSON.',
          );
        }
        if (typeof input !== 'object' || input === null || Array.isArray(input)) {
          throw new AwsError('SerializationException', 'Start of list found where not expected');
        }
        const refused = authorize({ protocol, service, operation, input: input as Record<string, unknown> }, ctx);
        if (refused) throw refused;
        const output = await handler(input as Record<string, unknown>, ctx);
        return finish({
          status: 200,
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
          body: JSON.stringify(output ?? {}),
        });
      }

      const ops = queryOperations[service]!;
      const handler = ops.get(operation);
      if (!handler) {
        throw service === 'sts'
          ? unknownStsAction(operation, params!.get('Version'))
          : service === 'iam'
            ? unknownIamAction(operation)
            : unknownEc2Action(operation);
      }
      const refused = authorize({ protocol, service, operation, params: params! }, ctx);
      if (refused) throw refused;
      const xml = handler(params!, ctx);
      return finish({
        status: 200,
        headers: {
          'content-type': service === 'ec2' ? 'text/xml;charset=UTF-8' : 'text/xml',
          'x-amzn-requestid': requestId,
        },
        body: xml,
      });
    } catch (e) {
      if (e instanceof AwsError) return fail(e);
      console.error(`emulator: ${service}.${operation} failed:`, e);
      const internal =
        protocol === 'json'
          ? new AwsError('InternalServerError', 'An internal error occurred.', 500)
          : new AwsError('InternalError', 'An internal error has occurred', 500);
      return fail(internal);
    }
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const rest = restRoutes.get(`${req.method ?? 'GET'} ${path}`);
    if (rest) {
      serveRest(req, res, path, rest);
      return;
    }
    for (const [prefix, route] of routes) {
      if (path.startsWith(prefix)) {
        try {
          route(req, res);
        } catch (e) {
          console.error('emulator: route handler failed', e);
          if (!res.headersSent) res.writeHead(500);
          res.end();
        }
        return;
      }
    }
    handle(req, res).catch((e: unknown) => {
      console.error('emulator: unhandled error', e);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 5_000;

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    let best: string | undefined;
    for (const prefix of upgrades.keys()) {
      if (path.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = prefix;
    }
    if (best === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    upgradedSockets.add(socket);
    socket.once('close', () => upgradedSockets.delete(socket));
    try {
      upgrades.get(best)!(req, socket, head);
    } catch (e) {
      console.error('emulator: upgrade handler failed', e);
      socket.destroy();
    }
  });

  // REST-JSON services without SigV4 (SSO OIDC, SSO portal), routed by method and path as AWS routes by host.
  const serveRest = (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    operation: (req: RestRequest) => RenderedResponse,
  ) => {
    readBody(req).then(
      (body) => {
        const q = (req.url ?? '').indexOf('?');
        const query = new URLSearchParams(q < 0 ? '' : (req.url ?? '').slice(q + 1));
        send(res, operation({ method: req.method ?? 'GET', path, query, headers: req.headers, body }), now());
      },
      () => {
        if (!res.headersSent) res.writeHead(413);
        res.end();
      },
    );
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  const host: EmulatorHost = {
    url,
    port,
    fleet,
    registerJsonOperation(target, op) {
      if (!/^[A-Za-z0-9_]+\.[A-Za-z0-9_]+$/.test(target)) throw new Error(`invalid X-Amz-Target ${target}`);
      if (jsonOperations.has(target)) throw new Error(`operation ${target} is already registered`);
      jsonOperations.set(target, op);
      return toDisposable(() => {
        if (jsonOperations.get(target) === op) jsonOperations.delete(target);
      });
    },
    registerUpgrade(pathPrefix, handler) {
      if (!pathPrefix.startsWith('/')) throw new Error(`upgrade path prefix must start with '/': ${pathPrefix}`);
      if (upgrades.has(pathPrefix)) throw new Error(`upgrade path ${pathPrefix} is already registered`);
      upgrades.set(pathPrefix, handler);
      return toDisposable(() => {
        if (upgrades.get(pathPrefix) === handler) upgrades.delete(pathPrefix);
      });
    },
    registerRoute(pathPrefix, handler) {
      if (!pathPrefix.startsWith('/_'))
        throw new Error(`route prefixes must start with '/_' (AWS paths are not routes): ${pathPrefix}`);
      if (routes.has(pathPrefix)) throw new Error(`route ${pathPrefix} is already registered`);
      routes.set(pathPrefix, handler);
      return toDisposable(() => {
        if (routes.get(pathPrefix) === handler) routes.delete(pathPrefix);
      });
    },
  };

  host.registerRoute('/_emulator/throttle', throttler.admin);
  let sso: SsoService | undefined;
  if (options.sso) {
    sso = createSsoService(options.sso, { url, now, issue });
    for (const [key, op] of sso.routes) restRoutes.set(key, op);
    host.registerRoute('/_emulator/sso/', sso.admin);
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      for (const d of pluginDisposables.splice(0).reverse()) {
        try {
          d.dispose();
        } catch (e) {
          console.error('emulator: plugin dispose failed', e);
        }
      }
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of upgradedSockets) socket.destroy();
      upgradedSockets.clear();
      await closed;
      if (ownsFleet) fleet.dispose();
    })();
    return closing;
  };

  try {
    for (const plugin of options.plugins ?? []) {
      const disposable = await plugin(host);
      if (disposable) pluginDisposables.push(disposable);
    }
  } catch (e) {
    await close();
    throw e;
  }

  return { ...host, server, close, throttler, ...(sso ? { sso } : {}) };
}
