/**
 * Installs Session Manager into the emulator: the SSM session operations, KMS GenerateDataKey, the data-channel
 * websocket endpoint and the admin endpoints.
 *
 * Admin endpoints (plain HTTP on the emulator's port, no SigV4; the emulator listens on 127.0.0.1 only):
 *   POST /_emulator/faults   {"sessionId": "...", "faults": {...}} or {"instanceId": "i-...", "faults": {...}}
 *                            `faults: null` clears. 200 {"applied": [sessionIds]}; 400 bad input; 404 unknown id.
 *   GET  /_emulator/sessions every session with status, channel statistics and fault counters (no tokens).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { DisposableStore, toDisposable, type Disposable } from '../../electron/core/base/lifecycle';
import { FaultPlanSchema } from '../agent/faults';
import type { EmulatorHost, EmulatorPlugin } from '../server';
import { listDocuments } from './listDocuments';
import { SessionService, type SessionServiceOptions } from './service';

export type SessionsOptions = Omit<SessionServiceOptions, 'fleet' | 'baseUrl'>;

const FaultRequestSchema = z
  .object({
    sessionId: z.string().min(1).optional(),
    instanceId: z.string().min(1).optional(),
    faults: FaultPlanSchema.nullable(),
  })
  .strict()
  .refine((r) => (r.sessionId === undefined) !== (r.instanceId === undefined), {
    message: 'give exactly one of sessionId or instanceId',
  });

/** Wires a SessionService into a running emulator host; dispose to remove everything. */
export function installSessions(host: EmulatorHost, options: SessionsOptions = {}): SessionService & Disposable {
  const service = new SessionService({ ...options, fleet: host.fleet, baseUrl: host.url });
  const store = new DisposableStore();
  store.add(toDisposable(() => service.dispose()));
  store.add(host.registerJsonOperation('AmazonSSM.StartSession', (input, ctx) => service.startSession(input, ctx)));
  store.add(host.registerJsonOperation('AmazonSSM.ResumeSession', (input, ctx) => service.resumeSession(input, ctx)));
  store.add(
    host.registerJsonOperation('AmazonSSM.TerminateSession', (input, ctx) => service.terminateSession(input, ctx)),
  );
  store.add(
    host.registerJsonOperation('AmazonSSM.DescribeSessions', (input, ctx) => service.describeSessions(input, ctx)),
  );
  store.add(host.registerJsonOperation('AmazonSSM.ListDocuments', (input) => listDocuments(input)));
  store.add(
    host.registerJsonOperation('TrentService.GenerateDataKey', (input, ctx) => service.generateDataKey(input, ctx)),
  );
  store.add(host.registerUpgrade('/v1/data-channel/', (req, socket, head) => service.handleUpgrade(req, socket, head)));
  store.add(host.registerRoute('/_emulator/', (req, res) => handleAdmin(service, req, res)));
  const originalDispose = service.dispose.bind(service);
  return Object.assign(service, {
    dispose: () => {
      store.dispose();
      originalDispose();
    },
  });
}

/** An emulator plugin; `onService` receives the service (tests use it to inspect sessions). */
export function sessionsPlugin(
  options: SessionsOptions = {},
  onService?: (service: SessionService) => void,
): EmulatorPlugin {
  return (host) => {
    const service = installSessions(host, options);
    onService?.(service);
    return service;
  };
}

function handleAdmin(service: SessionService, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '').split('?')[0];
  const reply = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  };
  if (path === '/_emulator/sessions' && req.method === 'GET') {
    reply(200, { sessions: service.snapshot() });
    return;
  }
  if (path === '/_emulator/faults' && req.method === 'POST') {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 64 * 1024) {
        reply(413, { error: 'request body too large' });
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        reply(400, { error: 'the body must be JSON: {"sessionId"|"instanceId": "...", "faults": {...}|null}' });
        return;
      }
      const parsed = FaultRequestSchema.safeParse(body);
      if (!parsed.success) {
        reply(400, { error: z.prettifyError(parsed.error) });
        return;
      }
      const { sessionId, instanceId, faults } = parsed.data;
      try {
        const applied = service.setFaults(
          { ...(sessionId !== undefined ? { sessionId } : {}), ...(instanceId !== undefined ? { instanceId } : {}) },
          faults,
        );
        reply(200, { applied });
      } catch (e) {
        reply(404, { error: e instanceof Error ? e.message : String(e) });
      }
    });
    return;
  }
  reply(404, { error: `no emulator endpoint ${req.method ?? ''} ${path ?? ''}` });
}
