/**
 * The one place SDK v3 clients are made. Everything that talks to AWS gets its clients from an
 * injected AwsClientFactory, so tests and the emulator can stand in for AWS.
 *
 * Endpoint rule (the same as the SDK's and the AWS CLI's):
 *   explicit `endpointUrl` > AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL > `endpoint_url` in the profile > AWS.
 * The SDK itself honours the environment variables, but only from `process.env`; we apply the rule to
 * the injected `env` ourselves so the factory behaves the same whatever env it is given, and so we know
 * which endpoint a failed call went to. `endpoint_url` in the config file is left to the SDK.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { Disposable } from '../base/lifecycle';
import { silentLogger, type Logger } from '../base/logger';

export type AwsService = 'ssm' | 'ec2' | 'sts' | 'kms' | 'iam';

export interface ClientQuery {
  readonly profile: string;
  readonly region: string;
}

export interface AwsClientFactory extends Disposable {
  ssm(q: ClientQuery): SSMClient;
  ec2(q: ClientQuery): EC2Client;
  sts(q: ClientQuery): STSClient;
  kms(q: ClientQuery): KMSClient;
  /** IAM is global: the client signs for the partition's IAM region (us-east-1 for `aws`), whatever `q.region` is. */
  iam(q: ClientQuery): IAMClient;
  /** The endpoint calls to `service` in `region` go to, for messages (`https://ssm.eu-west-1.amazonaws.com`). */
  endpointFor(service: AwsService, region: string): string;
}

export interface AwsClientFactoryOptions {
  /** Sends every service to this endpoint (the emulator, a VPC endpoint). Wins over AWS_ENDPOINT_URL*. */
  endpointUrl?: string;
  /** Environment to read AWS_* settings from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Credential source per profile; defaults to the SDK's Node provider chain. */
  credentialsFor?: (profile: string) => AwsCredentialIdentityProvider;
  /** Attempts per call including the first (SDK retry strategy); default 3. */
  maxAttempts?: number;
  /** SDK retry mode; default 'standard' (exponential backoff with jitter and a retry quota). */
  retryMode?: 'standard' | 'adaptive';
  /** TCP connect timeout in ms; default 5000. */
  connectionTimeoutMs?: number;
  /** Socket idle timeout per request in ms; default 30000. */
  requestTimeoutMs?: number;
}

const SERVICE_ENV_SUFFIX: Record<AwsService | SsoService, string> = {
  ssm: 'SSM',
  ec2: 'EC2',
  sts: 'STS',
  kms: 'KMS',
  iam: 'IAM',
  sso: 'SSO',
  'sso-oidc': 'SSO_OIDC',
};

/** IAM Identity Center endpoints the credential providers and the sign-in call (no clients of their own here). */
export type SsoService = 'sso' | 'sso-oidc';

/** Applies the endpoint rule to an environment; undefined means "the SDK decides" (config file or AWS). */
export function resolveEndpointUrl(
  service: AwsService | SsoService,
  options: { endpointUrl?: string; env?: NodeJS.ProcessEnv },
): string | undefined {
  if (options.endpointUrl) return options.endpointUrl;
  const env = options.env ?? process.env;
  if (isTrue(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)) return undefined;
  return nonEmpty(env[`AWS_ENDPOINT_URL_${SERVICE_ENV_SUFFIX[service]}`]) ?? nonEmpty(env.AWS_ENDPOINT_URL);
}

/**
 * Default credentials for a profile, with the SDK's providers.
 * - The implicit `default` profile (AWS_PROFILE unset) is the SDK's whole Node chain, as for the AWS CLI
 *   without `--profile`: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY of `env` first, then the `default` profile,
 *   web identity, then container or instance metadata.
 * - Any named profile is read from the config files only (`fromIni`: static keys, assume-role, SSO,
 *   credential_process, web identity): a typo in a profile name fails at once instead of falling through
 *   to the instance metadata service.
 */
export function defaultCredentialsFor(
  profile: string,
  options: { env?: NodeJS.ProcessEnv; endpointUrl?: string; logger?: Logger } = {},
): AwsCredentialIdentityProvider {
  const env = options.env ?? process.env;
  const logger = options.logger ?? silentLogger;
  const implicitDefault = profile === 'default' && !nonEmpty(env.AWS_PROFILE);
  const fromEnvironment = implicitDefault ? staticFromEnv(env) : undefined;
  if (fromEnvironment) return async () => fromEnvironment;
  const stsEndpoint = resolveEndpointUrl('sts', { endpointUrl: options.endpointUrl, env });
  const init = {
    profile,
    filepath: nonEmpty(env.AWS_SHARED_CREDENTIALS_FILE),
    configFilepath: nonEmpty(env.AWS_CONFIG_FILE),
    ignoreCache: true,
    // assume-role profiles call STS: send that call where STS calls go.
    ...(stsEndpoint ? { clientConfig: { endpoint: stsEndpoint } } : {}),
    // Route the SDK's own notes to our logger (the SDK does not log credentials).
    logger: {
      debug: (...args: unknown[]) => logger.debug(args.map(String).join(' ')),
      info: (...args: unknown[]) => logger.debug(args.map(String).join(' ')),
      warn: (...args: unknown[]) => logger.warn(args.map(String).join(' ')),
      error: (...args: unknown[]) => logger.warn(args.map(String).join(' ')),
    },
  };
  return implicitDefault ? fromNodeProviderChain(init) : fromIni(init);
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

type AnyClient = SSMClient | EC2Client | STSClient | KMSClient | IAMClient;

export function createAwsClientFactory(options: AwsClientFactoryOptions = {}): AwsClientFactory {
  const env = options.env ?? process.env;
  const logger = options.logger ?? silentLogger;
  const clients = new Map<string, AnyClient>();
  const credentials = new Map<string, AwsCredentialIdentityProvider>();
  let disposed = false;

  const credentialsOf = (profile: string): AwsCredentialIdentityProvider => {
    let provider = credentials.get(profile);
    if (!provider) {
      provider = options.credentialsFor
        ? options.credentialsFor(profile)
        : defaultCredentialsFor(profile, { env, endpointUrl: options.endpointUrl, logger });
      credentials.set(profile, provider);
    }
    return provider;
  };

  const configFor = (service: AwsService, q: ClientQuery) => {
    const endpoint = resolveEndpointUrl(service, { endpointUrl: options.endpointUrl, env });
    return {
      region: q.region,
      credentials: credentialsOf(q.profile),
      ...(endpoint ? { endpoint } : {}),
      maxAttempts: options.maxAttempts ?? 3,
      retryMode: options.retryMode ?? 'standard',
      requestHandler: {
        connectionTimeout: options.connectionTimeoutMs ?? 5_000,
        requestTimeout: options.requestTimeoutMs ?? 30_000,
      },
    };
  };

  function get<C extends AnyClient>(
    service: AwsService,
    q: ClientQuery,
    make: (config: ReturnType<typeof configFor>) => C,
  ): C {
    if (disposed) throw new Error('AwsClientFactory is disposed');
    const key = `${service}\u0000${q.profile}\u0000${q.region}`;
    let client = clients.get(key) as C | undefined;
    if (!client) {
      client = make(configFor(service, q));
      clients.set(key, client);
      logger.debug('aws client created', { service, profile: q.profile, region: q.region });
    }
    return client;
  }

  return {
    ssm: (q) => get('ssm', q, (c) => new SSMClient(c)),
    ec2: (q) => get('ec2', q, (c) => new EC2Client(c)),
    sts: (q) => get('sts', q, (c) => new STSClient(c)),
    kms: (q) => get('kms', q, (c) => new KMSClient(c)),
    iam: (q) => get('iam', { profile: q.profile, region: iamRegion(q.region) }, (c) => new IAMClient(c)),
    endpointFor(service, region) {
      const url = resolveEndpointUrl(service, { endpointUrl: options.endpointUrl, env });
      if (!url && service === 'iam')
        return region.startsWith('cn-') ? 'https://iam.cn-north-1.amazonaws.com.cn' : 'https://iam.amazonaws.com';
      return url ?? `https://${service}.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const client of clients.values()) client.destroy();
      clients.clear();
      credentials.clear();
    },
  };
}

/** The region IAM requests are signed for in a region's partition. */
export function iamRegion(region: string): string {
  if (region.startsWith('cn-')) return 'cn-north-1';
  if (region.startsWith('us-gov-')) return 'us-gov-west-1';
  return 'us-east-1';
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && value.trim().toLowerCase() === 'true';
}
