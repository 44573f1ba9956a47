import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { err, type ErrorValue } from '../../shared/errors';
import { t } from '../../shared/i18n/catalog';
import type { Contract } from '../../shared/ipc/contract';
import { createDispatcher, type Handlers } from '../../shared/ipc/dispatch';
import type { EventHub } from '../../shared/ipc/events';
import { describeIssues } from '../../shared/ipc/validation';
import {
  ClientFrameSchema,
  MAX_FRAME_BYTES,
  WIRE_PATH,
  WIRE_TOKEN_PARAM,
  salvageId,
  type ServerFrame,
} from '../../shared/ipc/wire';
import { contentSecurityPolicy, SECURITY_HEADERS } from '../core/app/csp';
import { lookupStatic } from '../core/app/static-files';
import { silentLogger, type Logger } from '../core/base/logger';

/** What the web host needs from the app's composition (createAppServices provides it). */
export interface HostServices {
  readonly handlers: Handlers;
  readonly events: EventHub<Contract>;
}

export interface WebHostOptions {
  /** TCP port; 0 or absent lets the OS choose. */
  readonly port?: number;
  /** Only loopback: the host opens shells, so it is never reachable from the network. */
  readonly host?: '127.0.0.1';
  /** The built renderer (`out/renderer`). */
  readonly staticDir: string;
  readonly services: HostServices;
  readonly logger?: Logger;
  /** Largest websocket message accepted; default MAX_FRAME_BYTES. */
  readonly maxPayload?: number;
  /** Per-launch token; random when absent (tests may fix it). */
  readonly token?: string;
}

export interface WebHost {
  /** The address to open, token included: `http://127.0.0.1:<port>/?token=<token>`. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  /** Number of open websocket clients. */
  readonly clientCount: number;
  close(): Promise<void>;
}

/** Websocket output a slow client may leave unread before it is cut off. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time token check (hashing first makes the lengths equal). */
function tokenMatches(expected: string, given: string | null): boolean {
  if (given === null) return false;
  return timingSafeEqual(digest(expected), digest(given));
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
};

/** Refuses a websocket upgrade with a plain HTTP answer; no websocket is ever opened. */
function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n` +
      'Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

/**
 * Serves the built renderer and the IPC contract over a websocket at `/ipc`, on 127.0.0.1 only.
 * Every websocket needs the per-launch token and our own Origin; payloads go through the same
 * dispatcher (channel, payload and response validation) as Electron's IPC.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const bindHost = options.host ?? '127.0.0.1';
  if (bindHost !== '127.0.0.1') throw new Error('The web host binds 127.0.0.1 only.');
  const logger = options.logger ?? silentLogger;
  const token = options.token ?? randomBytes(32).toString('base64url');
  let allowedOrigins: readonly string[] = [];
  let allowedHosts: readonly string[] = [];
  let csp = contentSecurityPolicy();

  const dispatcher = createDispatcher(options.services.handlers, {
    // The websocket was admitted only with our Origin; each request is checked again.
    isTrustedSender: (sender) => allowedOrigins.includes(sender.url),
    logger,
    events: options.services.events,
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? MAX_FRAME_BYTES });
  const clients = new Set<WebSocket>();
  let nextClient = 0;

  const server = createServer((req, res) => {
    serveStatic(req, res).catch((e: unknown) => {
      logger.error('web host: static request failed', { error: e instanceof Error ? e.message : String(e) });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Internal error\n');
    });
  });
  server.on('clientError', (_e, socket) => socket.destroy());

  async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const plain = (status: number, text: string, extra: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS, ...extra });
      res.end(`${text}\n`);
    };
    if (!allowedHosts.includes(req.headers.host ?? '')) return plain(403, 'Forbidden: unexpected Host header');
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === WIRE_PATH)
      return plain(426, 'Upgrade Required: this is the websocket endpoint', { Upgrade: 'websocket' });
    const found = await lookupStatic(options.staticDir, path);
    if (found.kind === 'refused') return plain(403, 'Forbidden');
    if (found.kind === 'missing') return plain(404, 'Not Found');
    const isHtml = found.contentType.startsWith('text/html');
    res.writeHead(200, {
      'Content-Type': found.contentType,
      'Content-Length': String(found.size),
      'Content-Security-Policy': csp,
      ...SECURITY_HEADERS,
      'Cache-Control': isHtml ? 'no-store' : 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(found.path);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== WIRE_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    const origin = req.headers.origin;
    if (origin === undefined || !allowedOrigins.includes(origin) || !allowedHosts.includes(req.headers.host ?? '')) {
      logger.warn('web host: websocket from a foreign origin refused', { origin: String(origin).slice(0, 100) });
      return refuseUpgrade(socket, 403, 'Forbidden: foreign origin');
    }
    if (!tokenMatches(token, url.searchParams.get(WIRE_TOKEN_PARAM))) {
      logger.warn('web host: websocket with a missing or wrong token refused');
      return refuseUpgrade(socket, 401, 'Unauthorized: missing or wrong token');
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, origin));
  });

  function onConnection(ws: WebSocket, origin: string): void {
    const clientId = `web-${++nextClient}`;
    const sender = { url: origin, clientId };
    clients.add(ws);
    const unsubscribe = dispatcher.events.subscribe((channel, payload) => send({ t: 'event', channel, payload }), {
      clientId,
    });

    function send(frame: ServerFrame): void {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        logger.warn('web host: client is not reading; disconnecting it', { clientId });
        ws.close(1013, 'client too slow');
        return;
      }
      ws.send(JSON.stringify(frame));
    }

    function badFrame(detail: string, id?: string | number): void {
      const params = { channel: '(websocket frame)', detail };
      const error = err('BAD_PAYLOAD', t('error.BAD_PAYLOAD', params), params) as { ok: false } & ErrorValue;
      send(id === undefined ? { t: 'error', error } : { t: 'error', id, error });
    }

    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return badFrame('binary frames are not accepted; send JSON text');
      let parsedJson: unknown;
      try {
        parsedJson = JSON.parse(rawToString(data));
      } catch {
        return badFrame('the frame is not valid JSON');
      }
      const frame = ClientFrameSchema.safeParse(parsedJson);
      if (!frame.success) return badFrame(describeIssues(frame.error.issues), salvageId(parsedJson));
      const f = frame.data;
      if (f.t === 'invoke') {
        void dispatcher
          .dispatch(f.channel, f.payload, sender)
          .then((result) => send({ t: 'result', id: f.id, result }));
      } else {
        void dispatcher.dispatchSend(f.channel, f.payload, sender).then((result) => {
          if (!result.ok) send({ t: 'error', error: result });
        });
      }
    });
    ws.on('error', (e) => logger.warn('web host: websocket error', { clientId, error: e.message }));
    ws.on('close', () => {
      clients.delete(ws);
      unsubscribe();
    });
  }

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  allowedOrigins = [origin, `http://localhost:${port}`];
  allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  csp = contentSecurityPolicy({ connectSrc: [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`] });
  logger.info('web host listening', { origin });

  let closing: Promise<void> | undefined;
  return {
    url: `${origin}/?${WIRE_TOKEN_PARAM}=${token}`,
    origin,
    port,
    token,
    get clientCount() {
      return clients.size;
    },
    close() {
      closing ??= new Promise<void>((resolveClose) => {
        for (const ws of clients) ws.terminate();
        clients.clear();
        wss.close();
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
