import { stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  | { readonly kind: 'file'; readonly path: string; readonly contentType: string; readonly size: number }
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'missing' };

/**
 * Maps a URL path to a file inside `root` (the built renderer). Refuses anything that would leave the
 * root (`..`, encoded separators, NUL, absolute paths), hidden files, and non-files. Paths without an
 * extension fall back to `index.html` (the single-page app routes); missing assets are `missing`.
 */
export async function lookupStatic(root: string, urlPath: string): Promise<StaticLookup> {
  const base = resolve(root);
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]!.split('#')[0]!);
  } catch {
    return { kind: 'refused', reason: 'bad percent-encoding' };
  }
  if (decoded.includes('\0')) return { kind: 'refused', reason: 'NUL in path' };
  if (!decoded.startsWith('/')) return { kind: 'refused', reason: 'not an absolute path' };
  const segments = decoded.split(/[/\\]/).filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.' || s.startsWith('.') || /^[a-zA-Z]:$/.test(s))) {
    return { kind: 'refused', reason: 'path leaves the renderer folder' };
  }
  const candidate = segments.length === 0 ? resolve(base, 'index.html') : resolve(base, ...segments);
  if (candidate !== base && !candidate.startsWith(base + sep)) {
    return { kind: 'refused', reason: 'path leaves the renderer folder' };
  }
  const file = await fileInfo(candidate);
  if (file) return { kind: 'file', path: candidate, contentType: contentTypeOf(candidate), size: file.size };
  if (extname(candidate) === '') {
    const index = resolve(base, 'index.html');
    const indexInfo = await fileInfo(index);
    if (indexInfo) return { kind: 'file', path: index, contentType: contentTypeOf(index), size: indexInfo.size };
  }
  return { kind: 'missing' };
}

async function fileInfo(path: string): Promise<{ size: number } | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? { size: s.size } : undefined;
  } catch {
    return undefined;
  }
}
