import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeInstanceInformationCommand } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAwsClientFactory, defaultCredentialsFor, resolveEndpointUrl, type AwsClientFactory } from './clients';

describe('resolveEndpointUrl', () => {
  it('prefers the explicit endpoint, then the per-service variable, then AWS_ENDPOINT_URL', () => {
    const env = { AWS_ENDPOINT_URL: 'http://all:1', AWS_ENDPOINT_URL_SSM: 'http://ssm:2' };
    expect(resolveEndpointUrl('ssm', { endpointUrl: 'http://explicit:3', env })).toBe('http://explicit:3');
    expect(resolveEndpointUrl('ssm', { env })).toBe('http://ssm:2');
    expect(resolveEndpointUrl('ec2', { env })).toBe('http://all:1');
    expect(resolveEndpointUrl('ec2', { env: { ...env, AWS_ENDPOINT_URL_EC2: 'http://ec2:4' } })).toBe('http://ec2:4');
    expect(resolveEndpointUrl('sts', { env: {} })).toBeUndefined();
    expect(resolveEndpointUrl('ssm', { env: { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' } })).toBeUndefined();
  });
});

describe('createAwsClientFactory', () => {
  let server: Server;
  let url: string;
  let requests: IncomingMessage[];
  let factory: AwsClientFactory | undefined;

  beforeEach(async () => {
    requests = [];
    server = createServer((req, res) => {
      requests.push(req);
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'UnrecognizedClientException', message: 'no' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    factory?.dispose();
    factory = undefined;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const creds = () => async () => ({ accessKeyId: 'AKIDTEST', secretAccessKey: 'test' });

  it('sends SSM calls to AWS_ENDPOINT_URL_SSM from the given env, signed for the region', async () => {
    factory = createAwsClientFactory({ env: { AWS_ENDPOINT_URL_SSM: url }, credentialsFor: creds, maxAttempts: 1 });
    await expect(
      factory.ssm({ profile: 'p', region: 'eu-west-3' }).send(new DescribeInstanceInformationCommand({})),
    ).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers['x-amz-target']).toBe('AmazonSSM.DescribeInstanceInformation');
    expect(String(requests[0]?.headers.authorization)).toMatch(
      /Credential=AKIDTEST\/\d{8}\/eu-west-3\/ssm\/aws4_request/,
    );
    expect(factory.endpointFor('ssm', 'eu-west-3')).toBe(url);
    expect(factory.endpointFor('ec2', 'eu-west-3')).toBe('https://ec2.eu-west-3.amazonaws.com');
  });

  it('lets the explicit endpoint win over the environment', async () => {
    factory = createAwsClientFactory({
      endpointUrl: url,
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' },
      credentialsFor: creds,
      maxAttempts: 1,
    });
    await expect(
      factory.sts({ profile: 'p', region: 'us-east-1' }).send(new GetCallerIdentityCommand({})),
    ).rejects.toBeTruthy();
    expect(requests).toHaveLength(1);
  });

  it('caches clients per service, profile and region, and destroys them on dispose', () => {
    factory = createAwsClientFactory({ endpointUrl: url, credentialsFor: creds });
    const a = factory.ssm({ profile: 'p', region: 'us-east-1' });
    expect(factory.ssm({ profile: 'p', region: 'us-east-1' })).toBe(a);
    expect(factory.ssm({ profile: 'q', region: 'us-east-1' })).not.toBe(a);
    expect(factory.ssm({ profile: 'p', region: 'us-west-2' })).not.toBe(a);
    let destroyed = 0;
    const original = a.destroy.bind(a);
    a.destroy = () => {
      destroyed++;
      original();
    };
    factory.dispose();
    expect(destroyed).toBe(1);
    expect(() => factory?.ssm({ profile: 'p', region: 'us-east-1' })).toThrow(/disposed/);
  });

  it('shares one credential provider between the services of a profile', () => {
    let made = 0;
    factory = createAwsClientFactory({
      endpointUrl: url,
      credentialsFor: () => {
        made++;
        return async () => ({ accessKeyId: 'a', secretAccessKey: 'b' });
      },
    });
    factory.ssm({ profile: 'p', region: 'us-east-1' });
    factory.ec2({ profile: 'p', region: 'us-east-1' });
    factory.kms({ profile: 'p', region: 'eu-west-1' });
    factory.sts({ profile: 'other', region: 'eu-west-1' });
    expect(made).toBe(2);
  });
});

describe('defaultCredentialsFor', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'porthole-creds-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a named profile from AWS_SHARED_CREDENTIALS_FILE of the given env', async () => {
    const credentials = join(dir, 'credentials');
    writeFileSync(credentials, '[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = devsecret\n');
    const env = {
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const identity = await defaultCredentialsFor('dev', { env })();
    expect(identity).toMatchObject({ accessKeyId: 'AKIDDEV', secretAccessKey: 'devsecret' });
  });

  it('uses environment keys for the implicit default profile, and the file when AWS_PROFILE names one', async () => {
    const credentials = join(dir, 'credentials');
    writeFileSync(credentials, '[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = filesecret\n');
    const base = { AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: join(dir, 'config') };
    const fromEnv = await defaultCredentialsFor('default', {
      env: { ...base, AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'envsecret', AWS_SESSION_TOKEN: 'tok' },
    })();
    expect(fromEnv).toEqual({ accessKeyId: 'AKIDENV', secretAccessKey: 'envsecret', sessionToken: 'tok' });
    const fromFile = await defaultCredentialsFor('default', { env: { ...base } })();
    expect(fromFile).toMatchObject({ accessKeyId: 'AKIDFILE' });
  });

  it('fails at once for a named profile missing from the files, without asking instance metadata', async () => {
    let metadataRequests = 0;
    const imds = createServer((_req, res) => {
      metadataRequests++;
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => imds.listen(0, '127.0.0.1', resolve));
    vi.stubEnv('AWS_EC2_METADATA_SERVICE_ENDPOINT', `http://127.0.0.1:${(imds.address() as AddressInfo).port}`);
    try {
      const env = { AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'), AWS_CONFIG_FILE: join(dir, 'none') };
      await expect(defaultCredentialsFor('typo', { env })()).rejects.toMatchObject({
        name: 'CredentialsProviderError',
      });
      expect(metadataRequests).toBe(0);
    } finally {
      vi.unstubAllEnvs();
      imds.closeAllConnections();
      await new Promise((resolve) => imds.close(resolve));
    }
  });
});
