import { describe, expect, it } from 'vitest';
import { PortholeError } from '../../../shared/errors';
import { redactSecrets, toPortholeError } from './errors';

const ctx = {
  profile: 'dev',
  region: 'eu-west-1',
  operation: 'ssm:DescribeInstanceInformation',
  endpoint: 'https://ssm.eu-west-1.amazonaws.com',
};

function sdkError(name: string, message = 'x', status = 400) {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

describe('toPortholeError', () => {
  it.each([
    ['UnrecognizedClientException', 'AWS_AUTH_FAILED'],
    ['InvalidSignatureException', 'AWS_AUTH_FAILED'],
    ['AuthFailure', 'AWS_AUTH_FAILED'],
    ['SignatureDoesNotMatch', 'AWS_AUTH_FAILED'],
    ['InvalidClientTokenId', 'AWS_AUTH_FAILED'],
    ['AccessDeniedException', 'AWS_ACCESS_DENIED'],
    ['AccessDenied', 'AWS_ACCESS_DENIED'],
    ['UnauthorizedOperation', 'AWS_ACCESS_DENIED'],
    ['ExpiredTokenException', 'CREDENTIALS_EXPIRED'],
    ['ExpiredToken', 'CREDENTIALS_EXPIRED'],
    ['ThrottlingException', 'AWS_THROTTLED'],
    ['RequestLimitExceeded', 'AWS_THROTTLED'],
    ['InternalServerError', 'AWS_SERVICE'],
    ['InvalidInstanceId', 'AWS_SERVICE'],
  ] as const)('maps %s to %s', (name, code) => {
    const e = toPortholeError(sdkError(name), ctx);
    expect(e).toBeInstanceOf(PortholeError);
    expect(e.code).toBe(code);
  });

  it('maps credential provider failures', () => {
    const missing = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    expect(toPortholeError(missing, ctx).code).toBe('CREDENTIALS_MISSING');
    const sso = Object.assign(
      new Error('The SSO session associated with this profile has expired or is otherwise invalid.'),
      {
        name: 'CredentialsProviderError',
      },
    );
    expect(toPortholeError(sso, ctx).code).toBe('CREDENTIALS_EXPIRED');
  });

  it('maps connection failures, including a dual-stack AggregateError and timeouts, to AWS_NETWORK with the endpoint', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const e = toPortholeError(refused, { ...ctx, endpoint: 'http://127.0.0.1:9' });
    expect(e.code).toBe('AWS_NETWORK');
    expect(e.message).toContain('http://127.0.0.1:9');
    const aggregate = new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], '');
    expect(toPortholeError(aggregate, ctx).code).toBe('AWS_NETWORK');
    expect(toPortholeError(Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }), ctx).code).toBe(
      'AWS_NETWORK',
    );
    expect(toPortholeError(Object.assign(new Error('timed out'), { name: 'TimeoutError' }), ctx).code).toBe(
      'AWS_NETWORK',
    );
  });

  it('keeps a PortholeError as it is and wraps non-errors', () => {
    const original = new PortholeError('TARGET_NOT_FOUND', 'no');
    expect(toPortholeError(original, ctx)).toBe(original);
    expect(toPortholeError('weird', ctx).code).toBe('AWS_SERVICE');
  });

  it('writes the catalog sentence with profile and operation', () => {
    const e = toPortholeError(sdkError('AccessDeniedException', 'User is not authorized'), ctx);
    expect(e.message).toBe(
      'Profile "dev" is not allowed to call ssm:DescribeInstanceInformation. Ask your administrator for that permission.',
    );
    expect(e.params).toMatchObject({
      profile: 'dev',
      operation: 'ssm:DescribeInstanceInformation',
      region: 'eu-west-1',
    });
    const service = toPortholeError(sdkError('InternalServerError', 'boom', 500), ctx);
    expect(service.message).toBe('AWS returned an error: InternalServerError: boom (HTTP 500)');
  });

  it('never lets a secret key, session token or key id reach a message or param', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETKEY';
    const token = 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDtoken+more/stuff=';
    const keyId = 'ASIAXXXXEXAMPLE12345';
    const env = { AWS_SECRET_ACCESS_KEY: secret, AWS_SESSION_TOKEN: token, AWS_ACCESS_KEY_ID: keyId };
    const leaky = [
      sdkError(
        'SignatureDoesNotMatch',
        `The request signature we calculated does not match. Credential=${keyId}/20250101/us-east-1/ssm/aws4_request, Signature=abcdef0123456789 secret ${secret} token ${token}`,
        403,
      ),
      sdkError('InternalServerError', `echo ${secret} ${token} ${keyId}`, 500),
      Object.assign(new Error(`cannot read ${secret}`), { name: 'CredentialsProviderError' }),
      Object.assign(new Error(`connect failed ${token}`), { code: 'ECONNREFUSED' }),
    ];
    for (const error of leaky) {
      for (const context of [
        { ...ctx, env },
        // Secrets from a profile file (not in env) are caught by shape.
        { ...ctx, env: {} },
        { ...ctx, env: {}, endpoint: `https://user:${secret}@proxy.example` },
      ]) {
        const e = toPortholeError(error, context);
        const produced = [e.message, ...Object.values(e.params ?? {}), JSON.stringify(e)].join('\n');
        expect(produced).not.toContain(secret);
        expect(produced).not.toContain(token);
        expect(produced).not.toContain(keyId);
        expect(produced).not.toContain('token+more');
      }
    }
  });

  it('scrubs short secrets it is told about', () => {
    expect(redactSecrets('key is hunter22 here', ['hunter22'])).toBe('key is [redacted] here');
  });
});
