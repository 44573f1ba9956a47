/**
 * SSO sign-in inside the app: the OAuth device authorization flow of IAM Identity Center
 * (@aws-sdk/client-sso-oidc RegisterClient -> StartDeviceAuthorization -> CreateToken polling), opening the
 * verification page through the injected `Launcher`, then writing the token where the AWS CLI and the SDKs read it:
 *   ~/.aws/sso/cache/<sha1 hex>.json, the SHA-1 of the sso-session NAME for `sso_session` profiles, or of the
 *   start URL for legacy profiles (sso_start_url in the profile), with `startUrl`, `region`, `accessToken`,
 *   `expiresAt` (ISO 8601 UTC) and, for sso-session, `clientId`, `clientSecret`, `registrationExpiresAt` and
 *   `refreshToken` (so the SDKs and the CLI can refresh it). The file is written owner-only (0600, folder 0700).
 * Nothing here logs or returns the token; the UI gets the user code and the verification URL only.
 */
import { createHash } from 'node:crypto';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from '@aws-sdk/client-sso-oidc';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { PortholeError } from '../../../shared/errors';
import { t } from '../../../shared/i18n/catalog';
import type { Launcher } from '../base/launcher';
import { silentLogger, type Logger } from '../base/logger';
import { resolveEndpointUrl } from './clients';
import { toPortholeError } from './errors';

export interface SsoSettings {
  readonly startUrl: string;
  readonly region: string;
  /** Set for `sso_session` profiles (token file keyed by this name; refreshable token). */
  readonly sessionName?: string;
  readonly scopes: readonly string[];
}

/** What the UI shows while the user approves in the browser. */
export interface SsoDeviceCode {
  readonly profile: string;
  readonly userCode: string;
  readonly verificationUri: string;
  readonly verificationUriComplete: string;
  readonly expiresAt: string;
}

export interface SsoSignInResult {
  readonly profile: string;
  readonly startUrl: string;
  /** When the new token expires (ISO). */
  readonly expiresAt: string;
  /** The token file written (the path, never its content). */
  readonly cacheFile: string;
}

export interface SsoSignInDeps {
  readonly env?: NodeJS.ProcessEnv;
  readonly endpointUrl?: string;
  /** Opens the verification page (the app's Launcher; only links are needed here). */
  readonly launcher: Pick<Launcher, 'openExternal'>;
  readonly logger?: Logger;
  readonly now?: () => Date;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** The token file name the AWS CLI and SDKs use: SHA-1 (hex) of the sso-session name, or of the start URL. */
export function ssoCacheKey(settings: Pick<SsoSettings, 'startUrl' | 'sessionName'>): string {
  return createHash('sha1')
    .update(settings.sessionName ?? settings.startUrl, 'utf8')
    .digest('hex');
}

export function ssoCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.HOME?.trim() || env.USERPROFILE?.trim() || homedir();
  return join(home, '.aws', 'sso', 'cache');
}

/** The SSO settings of a profile (its sso-session section, or its legacy sso_* keys). */
export async function ssoSettingsOf(profile: string, env: NodeJS.ProcessEnv = process.env): Promise<SsoSettings> {
  const { configFile } = await loadSharedConfigFiles({
    configFilepath: env.AWS_CONFIG_FILE?.trim() || undefined,
    filepath: env.AWS_SHARED_CREDENTIALS_FILE?.trim() || undefined,
    ignoreCache: true,
  });
  const section = configFile[profile] ?? {};
  const notSso = () => {
    const detail = t('aws.sso.notSso');
    return new PortholeError('PROFILE_INVALID', t('error.PROFILE_INVALID', { profile, detail }), { profile, detail });
  };
  if (section.sso_session) {
    const session = configFile[`sso-session.${section.sso_session}`];
    if (!session?.sso_start_url || !session.sso_region) throw notSso();
    const scopes = (session.sso_registration_scopes ?? 'sso:account:access')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    return { startUrl: session.sso_start_url, region: session.sso_region, sessionName: section.sso_session, scopes };
  }
  if (section.sso_start_url && section.sso_region) {
    return { startUrl: section.sso_start_url, region: section.sso_region, scopes: [] };
  }
  throw notSso();
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Runs the device flow for `profile`: calls `onCode` with the code to show, opens the browser, waits for the
 * approval, writes the token file. Rejects with a PortholeError (SSO_SIGN_IN_REQUIRED with a reason) when the
 * user denies, the code expires or `signal` aborts.
 */
export async function ssoSignIn(
  profile: string,
  deps: SsoSignInDeps,
  options: { onCode?: (code: SsoDeviceCode) => void; signal?: AbortSignal } = {},
): Promise<SsoSignInResult> {
  const env = deps.env ?? process.env;
  const logger = deps.logger ?? silentLogger;
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? defaultSleep;
  const settings = await ssoSettingsOf(profile, env);
  const endpoint = resolveEndpointUrl('sso-oidc', { endpointUrl: deps.endpointUrl, env });
  const client = new SSOOIDCClient({ region: settings.region, ...(endpoint ? { endpoint } : {}), maxAttempts: 3 });
  const fail = (key: 'aws.sso.denied' | 'aws.sso.timedOut' | 'aws.sso.cancelled') => {
    const detail = t(key);
    const params = { profile, action: 'ssoSignIn', detail };
    return new PortholeError('SSO_SIGN_IN_REQUIRED', t('error.SSO_SIGN_IN_REQUIRED', params), params);
  };
  try {
    const registration = await client.send(
      new RegisterClientCommand({
        clientName: `porthole-${settings.sessionName ?? Math.floor(now().getTime() / 1000)}`,
        clientType: 'public',
        ...(settings.scopes.length > 0 ? { scopes: [...settings.scopes] } : {}),
      }),
    );
    const device = await client.send(
      new StartDeviceAuthorizationCommand({
        clientId: registration.clientId,
        clientSecret: registration.clientSecret,
        startUrl: settings.startUrl,
      }),
    );
    const deadline = now().getTime() + (device.expiresIn ?? 600) * 1000;
    const code: SsoDeviceCode = {
      profile,
      userCode: device.userCode ?? '',
      verificationUri: device.verificationUri ?? '',
      verificationUriComplete: device.verificationUriComplete ?? device.verificationUri ?? '',
      expiresAt: new Date(deadline).toISOString(),
    };
    options.onCode?.(code);
    logger.info('sso sign-in started', { profile, startUrl: settings.startUrl });
    await deps.launcher.openExternal(code.verificationUriComplete);

    let interval = Math.max(1, device.interval ?? 5) * 1000;
    for (;;) {
      if (options.signal?.aborted) throw fail('aws.sso.cancelled');
      if (now().getTime() >= deadline) throw fail('aws.sso.timedOut');
      try {
        const token = await client.send(
          new CreateTokenCommand({
            clientId: registration.clientId,
            clientSecret: registration.clientSecret,
            grantType: DEVICE_GRANT,
            deviceCode: device.deviceCode,
          }),
          options.signal ? { abortSignal: options.signal } : {},
        );
        const expiresAt = new Date(now().getTime() + (token.expiresIn ?? 3600) * 1000);
        const cacheFile = await writeToken(env, settings, {
          startUrl: settings.startUrl,
          region: settings.region,
          accessToken: token.accessToken ?? '',
          expiresAt: isoSeconds(expiresAt),
          ...(settings.sessionName
            ? {
                clientId: registration.clientId,
                clientSecret: registration.clientSecret,
                registrationExpiresAt: isoSeconds(new Date((registration.clientSecretExpiresAt ?? 0) * 1000)),
                ...(token.refreshToken ? { refreshToken: token.refreshToken } : {}),
              }
            : {}),
        });
        logger.info('sso sign-in complete', { profile, expiresAt: expiresAt.toISOString() });
        return { profile, startUrl: settings.startUrl, expiresAt: expiresAt.toISOString(), cacheFile };
      } catch (error) {
        const name = (error as { name?: string }).name;
        if (name === 'AuthorizationPendingException') {
          await sleep(interval, options.signal).catch(() => undefined);
          continue;
        }
        if (name === 'SlowDownException') {
          interval += 5000;
          await sleep(interval, options.signal).catch(() => undefined);
          continue;
        }
        if (name === 'AccessDeniedException') throw fail('aws.sso.denied');
        if (name === 'ExpiredTokenException') throw fail('aws.sso.timedOut');
        if (options.signal?.aborted) throw fail('aws.sso.cancelled');
        throw error;
      }
    }
  } catch (error) {
    if (error instanceof PortholeError) throw error;
    throw toPortholeError(error, {
      profile,
      operation: 'sso-oidc:CreateToken',
      env,
      endpoint: endpoint ?? `https://oidc.${settings.region}.amazonaws.com`,
    });
  } finally {
    client.destroy();
  }
}

async function writeToken(
  env: NodeJS.ProcessEnv,
  settings: SsoSettings,
  token: Record<string, unknown>,
): Promise<string> {
  const dir = ssoCacheDir(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${ssoCacheKey(settings)}.json`);
  // Write then rename so a reader (the CLI, another Porthole) never sees half a file.
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(token), { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, file);
  return file;
}
