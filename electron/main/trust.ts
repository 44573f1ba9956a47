/** The renderer is served from this privileged custom scheme (never file://), so it can carry headers. */
export const APP_SCHEME = 'porthole';
export const APP_HOST = 'app';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

export interface AppUrlPolicy {
  /** The page the window loads. */
  readonly entryUrl: string;
  /** Whether a URL belongs to our renderer (IPC sender check, navigation). */
  isAppUrl(url: string): boolean;
}

/**
 * Which URLs are ours: `porthole://app/...`, and in development only the renderer dev server's origin
 * (a loopback http URL given by PORTHOLE_RENDERER_URL).
 */
export function createAppUrlPolicy(options: { devServerUrl?: string } = {}): AppUrlPolicy {
  const dev = options.devServerUrl ? parseLoopbackHttp(options.devServerUrl) : undefined;
  return {
    entryUrl: dev ? dev.href : APP_ENTRY_URL,
    isAppUrl(url) {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        return false;
      }
      if (u.username || u.password) return false;
      if (u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST) return true;
      return dev !== undefined && u.protocol === dev.protocol && u.host === dev.host;
    },
  };
}

function parseLoopbackHttp(value: string): URL | undefined {
  try {
    const u = new URL(value);
    const loopback = u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
    return u.protocol === 'http:' && loopback ? u : undefined;
  } catch {
    return undefined;
  }
}

/** Links the user may open in the system browser (never file:, javascript:, custom schemes). */
export function isExternalWebUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** `--endpoint-url URL` / `--endpoint-url=URL` from the Electron command line (Chromium switches ignored). */
export function parseMainArgs(argv: readonly string[]): { endpointUrl?: string } {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--endpoint-url' && argv[i + 1] !== undefined) return { endpointUrl: argv[i + 1]! };
    if (arg.startsWith('--endpoint-url=')) return { endpointUrl: arg.slice('--endpoint-url='.length) };
  }
  return {};
}
