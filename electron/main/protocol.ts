import { readFile } from 'node:fs/promises';
import type { Protocol } from 'electron';
import { contentSecurityPolicy, SECURITY_HEADERS } from '../core/app/csp';
import { lookupStatic } from '../core/app/static-files';
import { APP_HOST, APP_SCHEME } from './trust';

/** Must run before `app` is ready: makes `porthole://` a standard, secure origin (like https). */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
} as const;

/**
 * Serves the built renderer (`out/renderer`) at `porthole://app/`, every response with the strict CSP.
 * Paths leaving the folder are refused; unknown app routes get index.html.
 */
export function handleAppProtocol(protocol: Protocol, rendererDir: string): void {
  const csp = contentSecurityPolicy();
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const headers = { 'Content-Security-Policy': csp, ...SECURITY_HEADERS };
    const text = (status: number, body: string) =>
      new Response(body, { status, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' } });
    if (url.host !== APP_HOST) return text(404, 'Not Found');
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'Method Not Allowed');
    const found = await lookupStatic(rendererDir, url.pathname);
    if (found.kind === 'refused') return text(403, 'Forbidden');
    if (found.kind === 'missing') return text(404, 'Not Found');
    const body = await readFile(found.path);
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: { ...headers, 'Content-Type': found.contentType, 'Cache-Control': 'no-cache' },
    });
  });
}
