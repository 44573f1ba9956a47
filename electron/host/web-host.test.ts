import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { PortholeError } from '../../shared/errors';
import { contract } from '../../shared/ipc/contract';
import type { Handlers } from '../../shared/ipc/dispatch';
import { createEventHub } from '../../shared/ipc/events';
import { startWebHost, type WebHost } from './web-host';
import { unusedHandlers } from '../../shared/ipc/test/unusedHandlers';

let root: string;
let staticDir: string;
let host: WebHost;
const sockets: WebSocket[] = [];

const handlers: Handlers = {
  invoke: {
    ...unusedHandlers().invoke,
    'app.info': () => ({ version: '9.9.9', host: 'web' }),
    'profiles.list': () => ({ profiles: [{ name: '開発', kind: 'static' }], defaultProfile: '開発' }),
    'regions.list': ({ profile }) => {
      if (profile === 'broken') throw new PortholeError('CREDENTIALS_MISSING', 'no credentials', { profile });
      return { regions: ['us-east-1', 'ap-northeast-1'] };
    },
    'inventory.list': () => ({ instances: [], fetchedAt: '2024-01-01T00:00:00.000Z' }),
  },
  send: unusedHandlers().send,
};

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'porthole-webhost-'));
  staticDir = join(root, 'renderer');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Porthole ポートホール</title>');
  await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log("hi")');
  await writeFile(join(staticDir, 'assets', 'app.css'), 'body{}');
  await writeFile(join(root, 'secret.txt'), 'TOP SECRET');
  host = await startWebHost({
    staticDir,
    services: { handlers, events: createEventHub(contract) },
    maxPayload: 64 * 1024,
  });
});

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await host.close();
  await rm(root, { recursive: true, force: true });
});

function wsUrl(token?: string): string {
  return `ws://127.0.0.1:${host.port}/ipc${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;
}

/** Opens a websocket; resolves with the socket, or with the HTTP status the upgrade was refused with. */
function connect(token: string | undefined, origin: string | null = host.origin) {
  const ws = new WebSocket(wsUrl(token), origin === null ? {} : { origin });
  sockets.push(ws);
  const messages: unknown[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data))));
  return new Promise<{ ws: WebSocket; status?: number; messages: unknown[] }>((resolve, reject) => {
    ws.once('open', () => resolve({ ws, messages }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ ws, status: res.statusCode, messages });
      res.resume();
    });
    // Stays attached: terminating a refused socket in afterEach reports an error too.
    ws.on('error', (e) => reject(e));
  });
}

function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
}

async function roundTrip(ws: WebSocket, frame: unknown | string): Promise<Record<string, unknown>> {
  const reply = nextMessage(ws);
  ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  return reply;
}

function get(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('web host websocket', () => {
  it('prints a loopback URL with a long random token, different per launch', async () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const other = await startWebHost({ staticDir, services: { handlers, events: createEventHub(contract) } });
    try {
      expect(other.token).not.toBe(host.token);
    } finally {
      await other.close();
    }
  });

  it('refuses a websocket without a token (401), before any message', async () => {
    const { status } = await connect(undefined);
    expect(status).toBe(401);
    expect(host.clientCount).toBe(0);
  });

  it('refuses a websocket with a wrong token (401), even one differing in the last character', async () => {
    expect((await connect('wrong')).status).toBe(401);
    const almost = host.token.slice(0, -1) + (host.token.endsWith('A') ? 'B' : 'A');
    expect((await connect(almost)).status).toBe(401);
    expect(host.clientCount).toBe(0);
  });

  it('refuses a foreign Origin (403) even with the right token, and a missing Origin', async () => {
    const evil = await connect(host.token, 'http://evil.example');
    expect(evil.status).toBe(403);
    expect(evil.messages).toEqual([]);
    expect((await connect(host.token, `http://127.0.0.1:${host.port + 1}`)).status).toBe(403);
    expect((await connect(host.token, null)).status).toBe(403);
    expect(host.clientCount).toBe(0);
  });

  it('answers invokes with the right token and origin (127.0.0.1 or localhost)', async () => {
    const { ws, status } = await connect(host.token);
    expect(status).toBeUndefined();
    const reply = await roundTrip(ws, { t: 'invoke', id: 1, channel: 'profiles.list', payload: {} });
    expect(reply).toEqual({
      t: 'result',
      id: 1,
      result: { ok: true, value: { profiles: [{ name: '開発', kind: 'static' }], defaultProfile: '開発' } },
    });
    const local = await connect(host.token, `http://localhost:${host.port}`);
    expect(local.status).toBeUndefined();
    expect(await roundTrip(local.ws, { t: 'invoke', id: 'a', channel: 'app.info', payload: {} })).toMatchObject({
      id: 'a',
      result: { ok: true, value: { version: '9.9.9' } },
    });
  });

  it('returns contract errors as values: unknown channel, bad payload, handler error', async () => {
    const { ws } = await connect(host.token);
    expect(await roundTrip(ws, { t: 'invoke', id: 2, channel: 'fs.read', payload: {} })).toMatchObject({
      t: 'result',
      id: 2,
      result: { ok: false, code: 'UNKNOWN_CHANNEL' },
    });
    expect(await roundTrip(ws, { t: 'invoke', id: 3, channel: 'regions.list', payload: { profile: 7 } })).toMatchObject(
      { id: 3, result: { ok: false, code: 'BAD_PAYLOAD' } },
    );
    expect(
      await roundTrip(ws, { t: 'invoke', id: 4, channel: 'regions.list', payload: { profile: 'broken' } }),
    ).toMatchObject({ id: 4, result: { ok: false, code: 'CREDENTIALS_MISSING', params: { profile: 'broken' } } });
  });

  it('answers malformed frames with an error and keeps the connection (and other clients) working', async () => {
    const { ws } = await connect(host.token);
    const other = await connect(host.token);
    const notJson = await roundTrip(ws, '{not json');
    expect(notJson).toMatchObject({ t: 'error', error: { ok: false, code: 'BAD_PAYLOAD' } });
    expect(await roundTrip(ws, { t: 'invoke', id: 5, payload: {} })).toMatchObject({
      t: 'error',
      id: 5,
      error: { code: 'BAD_PAYLOAD' },
    });
    expect(await roundTrip(ws, { t: 'launch-missiles' })).toMatchObject({ t: 'error' });
    expect(await roundTrip(ws, '42')).toMatchObject({ t: 'error' });
    const binaryReply = nextMessage(ws);
    ws.send(Buffer.from([1, 2, 3]));
    expect(await binaryReply).toMatchObject({ t: 'error', error: { code: 'BAD_PAYLOAD' } });
    // A send on an unknown channel is dropped and reported.
    expect(await roundTrip(ws, { t: 'send', channel: 'nope', payload: {} })).toMatchObject({
      t: 'error',
      error: { code: 'UNKNOWN_CHANNEL' },
    });
    expect(await roundTrip(ws, { t: 'invoke', id: 6, channel: 'app.info', payload: {} })).toMatchObject({
      id: 6,
      result: { ok: true },
    });
    expect(await roundTrip(other.ws, { t: 'invoke', id: 1, channel: 'app.info', payload: {} })).toMatchObject({
      result: { ok: true },
    });
  });

  it('closes only the client that sends an oversized message', async () => {
    const big = await connect(host.token);
    const other = await connect(host.token);
    const closed = new Promise<number>((resolve) => big.ws.once('close', (code) => resolve(code)));
    big.ws.send(JSON.stringify({ t: 'invoke', id: 1, channel: 'app.info', payload: { x: 'y'.repeat(100 * 1024) } }));
    expect(await closed).toBe(1009);
    expect(await roundTrip(other.ws, { t: 'invoke', id: 1, channel: 'app.info', payload: {} })).toMatchObject({
      result: { ok: true },
    });
  });

  it('close() disconnects clients and frees the port', async () => {
    const { ws } = await connect(host.token);
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    await host.close();
    await closed;
    await expect(get('/')).rejects.toThrow();
  });

  it('refuses to bind anything but 127.0.0.1', async () => {
    await expect(
      startWebHost({ staticDir, services: { handlers, events: createEventHub(contract) }, host: '0.0.0.0' as never }),
    ).rejects.toThrow(/127\.0\.0\.1/);
  });
});

describe('web host static files', () => {
  it('serves index.html with the CSP and security headers', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('ポートホール');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${host.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('serves assets with their content types', async () => {
    const js = await get('/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['content-security-policy']).toBeDefined();
    expect((await get('/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('falls back to index.html for app routes, 404 for missing assets', async () => {
    const route = await get('/instances/i-0abc?token=x');
    expect(route.status).toBe(200);
    expect(route.body).toContain('<title>Porthole');
    expect((await get('/assets/missing.js')).status).toBe(404);
  });

  it('refuses path traversal in every spelling', async () => {
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/%252e%252e/secret.txt',
      '/.%00./secret.txt',
      '/%ZZ',
    ]) {
      const res = await get(path);
      expect(res.body, path).not.toContain('TOP SECRET');
      expect([400, 403, 404], path).toContain(res.status);
    }
  });

  it('refuses requests with a foreign Host header (DNS rebinding) and non-GET methods', async () => {
    const res = await get('/', { Host: `evil.example:${host.port}` });
    expect(res.status).toBe(403);
    expect(res.body).not.toContain('Porthole');
    const post = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: '/', method: 'POST' }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('x');
    });
    expect(post).toBe(405);
  });

  it('logs refusals without the token', async () => {
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const h = await startWebHost({ staticDir, services: { handlers, events: createEventHub(contract) }, logger });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${h.port}/ipc?token=${h.token}x`, { origin: h.origin });
      ws.on('error', () => {});
      sockets.push(ws);
      await new Promise((resolve) => ws.once('unexpected-response', resolve));
      expect(logger.warn).toHaveBeenCalled();
      const all = JSON.stringify([logger.info.mock.calls, logger.warn.mock.calls, logger.error.mock.calls]);
      expect(all).not.toContain(h.token);
    } finally {
      await h.close();
    }
  });
});
