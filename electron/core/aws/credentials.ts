/**
 * Credentials per profile, for every profile kind, through the SDK v3 providers (`fromIni` for named profiles:
 * static keys, role_arn with source_profile or credential_source, mfa_serial, sso_session and legacy SSO,
 * credential_process; the Node chain with environment keys for the implicit default profile).
 *
 * What this adds to the SDK:
 * - One resolved session per profile, shared by every client (each SDK client memoises on its own: an MFA
 *   profile listed over 4 regions x 2 services would otherwise ask for 8 codes). Concurrent calls wait for
 *   one resolution; the session is kept until 5 minutes before it expires.
 * - MFA codes come from an injected `MfaPrompt` (the app routes it to a dialog over IPC; the CLI to the terminal).
 * - Errors of SSO profiles name the fix: SSO_SIGN_IN_REQUIRED (never signed in) or CREDENTIALS_EXPIRED
 *   (token expired or revoked), both with `params.action = 'ssoSignIn'` so the UI offers "Sign in again".
 * Secrets stay here: nothing returned by `identity()` or put in an error carries key material.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { fromIni, fromNodeProviderChain, fromSSO } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { PortholeError } from '../../../shared/errors';
import { t } from '../../../shared/i18n/catalog';
import { silentLogger, type Logger } from '../base/logger';
import type { AwsClientFactory } from './clients';
import { resolveEndpointUrl } from './clients';
import { redactSecrets, toPortholeError } from './errors';

/** Asks the user for the current code of an MFA device; rejects when the user cancels. */
export type MfaPrompt = (request: { readonly profile: string; readonly serial: string }) => Promise<string>;

export interface ProfileIdentity {
  readonly profile: string;
  readonly accountId: string;
  readonly arn: string;
  readonly userId: string;
  /** When the credentials in use expire (temporary credentials only), ISO time. */
  readonly expiresAt?: string;
}

export interface CredentialServiceDeps {
  readonly env?: NodeJS.ProcessEnv;
  /** Sends STS (assume role) and SSO calls of the providers here (the emulator). */
  readonly endpointUrl?: string;
  readonly logger?: Logger;
  readonly mfaPrompt?: MfaPrompt;
  readonly now?: () => Date;
  /** Replaces the SDK providers (tests). */
  readonly baseProvider?: (profile: string) => AwsCredentialIdentityProvider;
}

/** Sessions are renewed this long before they expire (the SDK's own margin). */
const EXPIRY_MARGIN_MS = 5 * 60 * 1000;

interface ProfileState {
  readonly base: AwsCredentialIdentityProvider;
  session?: AwsCredentialIdentity;
  pending?: Promise<AwsCredentialIdentity>;
  readonly provider: AwsCredentialIdentityProvider;
}

export class CredentialService {
  private readonly env: NodeJS.ProcessEnv;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly profiles = new Map<string, ProfileState>();

  constructor(private readonly deps: CredentialServiceDeps = {}) {
    this.env = deps.env ?? process.env;
    this.logger = deps.logger ?? silentLogger;
    this.now = deps.now ?? (() => new Date());
  }

  /** The provider for a profile: stable per profile, so clients built with it see refreshed sessions. */
  providerFor(profile: string): AwsCredentialIdentityProvider {
    let state = this.profiles.get(profile);
    if (!state) {
      const base = this.deps.baseProvider?.(profile) ?? this.sdkProvider(profile);
      const created: ProfileState = { base, provider: () => this.resolve(profile, created) };
      state = created;
      this.profiles.set(profile, state);
    }
    return state.provider;
  }

  /** Forgets resolved sessions (all, or one profile's) so the next call resolves again (after an SSO sign-in). */
  invalidate(profile?: string): void {
    if (profile === undefined) {
      for (const state of this.profiles.values()) state.session = undefined;
      return;
    }
    const state = this.profiles.get(profile);
    if (state) state.session = undefined;
  }

  /** Who the profile is (STS GetCallerIdentity) and when its credentials expire. No secrets. */
  async identity(profile: string, clients: AwsClientFactory, region = 'us-east-1'): Promise<ProfileIdentity> {
    const credentials = await this.providerFor(profile)();
    try {
      const out = await clients.sts({ profile, region }).send(new GetCallerIdentityCommand({}));
      return {
        profile,
        accountId: out.Account ?? '',
        arn: out.Arn ?? '',
        userId: out.UserId ?? '',
        ...(credentials.expiration ? { expiresAt: credentials.expiration.toISOString() } : {}),
      };
    } catch (error) {
      throw toPortholeError(error, {
        profile,
        region,
        operation: 'sts:GetCallerIdentity',
        endpoint: clients.endpointFor('sts', region),
        secrets: secretsOf(credentials),
        env: this.env,
      });
    }
  }

  private async resolve(profile: string, state: ProfileState): Promise<AwsCredentialIdentity> {
    const session = state.session;
    if (session && (!session.expiration || session.expiration.getTime() - EXPIRY_MARGIN_MS > this.now().getTime())) {
      return session;
    }
    state.pending ??= (async () => {
      try {
        const fresh = await state.base();
        state.session = fresh;
        this.logger.debug('credentials resolved', {
          profile,
          ...(fresh.expiration ? { expiresAt: fresh.expiration.toISOString() } : {}),
        });
        return fresh;
      } catch (error) {
        throw await this.explain(profile, error);
      } finally {
        state.pending = undefined;
      }
    })();
    return state.pending;
  }

  private sdkProvider(profile: string): AwsCredentialIdentityProvider {
    const env = this.env;
    const implicitDefault = profile === 'default' && !nonEmpty(env.AWS_PROFILE);
    const fromEnvironment = implicitDefault ? staticFromEnv(env) : undefined;
    if (fromEnvironment) return async () => fromEnvironment;
    const logger = this.logger;
    const mfaPrompt = this.deps.mfaPrompt;
    const stsEndpoint = resolveEndpointUrl('sts', { endpointUrl: this.deps.endpointUrl, env });
    const ssoEndpoint = resolveEndpointUrl('sso', { endpointUrl: this.deps.endpointUrl, env });
    const init = {
      profile,
      filepath: nonEmpty(env.AWS_SHARED_CREDENTIALS_FILE),
      configFilepath: nonEmpty(env.AWS_CONFIG_FILE),
      ignoreCache: true,
      mfaCodeProvider: async (serial: string) => {
        if (!mfaPrompt) {
          const detail = t('aws.credentials.mfaUnavailable', { serial });
          throw new PortholeError('CREDENTIALS_MISSING', t('error.CREDENTIALS_MISSING', { profile }), {
            profile,
            detail,
          });
        }
        const code = (await mfaPrompt({ profile, serial })).trim();
        if (!/^\d{6}$/.test(code)) {
          const detail = t('aws.credentials.mfaFormat');
          throw new PortholeError('PROFILE_INVALID', t('error.PROFILE_INVALID', { profile, detail }), {
            profile,
            detail,
          });
        }
        return code;
      },
      // STS (assume role) and the SSO portal go where this app's STS/SSO calls go (the emulator in the demo).
      ...(stsEndpoint || ssoEndpoint ? { clientConfig: { endpoint: stsEndpoint ?? ssoEndpoint } } : {}),
      logger: {
        debug: (...args: unknown[]) => logger.debug(redactSecrets(args.map(String).join(' '))),
        info: (...args: unknown[]) => logger.debug(redactSecrets(args.map(String).join(' '))),
        warn: (...args: unknown[]) => logger.warn(redactSecrets(args.map(String).join(' '))),
        error: (...args: unknown[]) => logger.warn(redactSecrets(args.map(String).join(' '))),
      },
    };
    if (implicitDefault) return fromNodeProviderChain(init);
    // SSO profiles: the portal has its own endpoint variable (AWS_ENDPOINT_URL_SSO).
    const ssoInit =
      ssoEndpoint && ssoEndpoint !== stsEndpoint ? { ...init, clientConfig: { endpoint: ssoEndpoint } } : init;
    let chosen: AwsCredentialIdentityProvider | undefined;
    return async () => {
      // SSO profiles go straight to fromSSO: fromIni's SSO branch does not pass the config file paths on, so it
      // would read ~/.aws/config instead of AWS_CONFIG_FILE of the injected environment.
      chosen ??= (await this.ownSsoSection(profile)) ? fromSSO(ssoInit) : fromIni(init);
      return chosen();
    };
  }

  private async ownSsoSection(profile: string): Promise<boolean> {
    try {
      const { configFile } = await this.configFiles();
      const section = configFile[profile] ?? {};
      return Boolean(section.sso_session || section.sso_start_url);
    } catch {
      return false;
    }
  }

  private configFiles() {
    return loadSharedConfigFiles({
      filepath: nonEmpty(this.env.AWS_SHARED_CREDENTIALS_FILE),
      configFilepath: nonEmpty(this.env.AWS_CONFIG_FILE),
      ignoreCache: true,
    });
  }

  /** Whether a profile (or the profile its role starts from) signs in with SSO. */
  async isSso(profile: string): Promise<boolean> {
    return (await this.ssoStartOf(profile)) !== undefined;
  }

  private async ssoStartOf(profile: string): Promise<string | undefined> {
    try {
      const { configFile, credentialsFile } = await this.configFiles();
      const seen = new Set<string>();
      let name: string | undefined = profile;
      while (name && !seen.has(name)) {
        seen.add(name);
        const section: Record<string, string | undefined> = { ...configFile[name], ...credentialsFile[name] };
        if (section.sso_session) return configFile[`sso-session.${section.sso_session}`]?.sso_start_url ?? '';
        if (section.sso_start_url) return section.sso_start_url;
        name = section.source_profile;
      }
    } catch {
      // unreadable files are reported by the provider itself
    }
    return undefined;
  }

  /** Turns a provider failure into an error the user can act on. */
  private async explain(profile: string, error: unknown): Promise<PortholeError> {
    if (error instanceof PortholeError) return error;
    const name = (error as { name?: unknown }).name;
    const message = String((error as { message?: unknown }).message ?? '');
    const startUrl = await this.ssoStartOf(profile);
    const providerError = name === 'CredentialsProviderError' || name === 'TokenProviderError';
    if (startUrl !== undefined && (providerError || name === 'UnauthorizedException')) {
      const params = { profile, action: 'ssoSignIn', ...(startUrl ? { startUrl } : {}) };
      // Expired locally, or refused by the portal (revoked or expired server-side): sign in again.
      if (
        /expired/i.test(message) ||
        name === 'UnauthorizedException' ||
        /Session token not found or invalid/.test(message)
      ) {
        return new PortholeError('CREDENTIALS_EXPIRED', t('error.CREDENTIALS_EXPIRED', params), params, {
          cause: error,
        });
      }
      // No token yet (never signed in on this machine, or the cache was cleared).
      if (/sso login|To refresh this SSO session/i.test(message)) {
        return new PortholeError('SSO_SIGN_IN_REQUIRED', t('error.SSO_SIGN_IN_REQUIRED', params), params, {
          cause: error,
        });
      }
    }
    return toPortholeError(error, { profile, operation: 'credentials', env: this.env });
  }
}

function secretsOf(c: AwsCredentialIdentity): string[] {
  return [c.accessKeyId, c.secretAccessKey, c.sessionToken].filter((s): s is string => typeof s === 'string');
}

function staticFromEnv(env: NodeJS.ProcessEnv): AwsCredentialIdentity | undefined {
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  const expiration = nonEmpty(env.AWS_CREDENTIAL_EXPIRATION);
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiration ? { expiration: new Date(expiration) } : {}),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
