/**
 * SigV4 verification checked against the AWS SDK's own signer (@smithy/signature-v4) on generated requests:
 * whatever the SDK signs must verify, and any change to what was signed must not.
 */
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  parseAuthorization,
  verifySignature,
  type EmulatorCredential,
  type IncomingSignedRequest,
} from './sigv4';

const CREDENTIAL: EmulatorCredential = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  accountId: '123456789012',
  arn: 'arn:aws:iam::123456789012:user/example',
  userId: 'AIDAEXAMPLE',
};

interface RequestSpec {
  service: string;
  region: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

/** Signs like the SDK does, then turns the result into what our server sees on the wire. */
async function signed(
  spec: RequestSpec,
  at: Date,
  secret = CREDENTIAL.secretAccessKey,
): Promise<IncomingSignedRequest> {
  const signer = new SignatureV4({
    service: spec.service,
    region: spec.region,
    credentials: { accessKeyId: CREDENTIAL.accessKeyId, secretAccessKey: secret },
    sha256: Sha256,
  });
  const request = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4566,
      path: spec.path,
      query: spec.query,
      headers: { host: '127.0.0.1:4566', ...spec.headers },
      body: spec.body,
    },
    { signingDate: at },
  );
  const encode = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const qs = Object.entries(spec.query)
    .map(([k, v]) => `${encode(k)}=${encode(v)}`)
    .join('&');
  return {
    method: 'POST',
    rawUrl: `${spec.path}${qs ? `?${qs}` : ''}`,
    rawHeaders: Object.entries(request.headers).flat(),
    body: Buffer.from(spec.body, 'utf8'),
  };
}

function verify(req: IncomingSignedRequest, now: Date) {
  const parsed = parseAuthorization(req.rawHeaders);
  if (!parsed.ok) return { ok: false as const, kind: parsed.kind };
  return verifySignature(req, parsed.auth, {
    lookup: (id) => (id === CREDENTIAL.accessKeyId ? CREDENTIAL : undefined),
    now,
    maxSkewMs: 15 * 60_000,
  });
}

const text = fc.string({
  unit: fc.constantFrom('a', 'Z', '0', ' ', '/', '+', '=', '&', '%', '~', '日', '本', '-', '_', '.'),
  maxLength: 12,
});
const spec: fc.Arbitrary<RequestSpec> = fc.record({
  service: fc.constantFrom('ssm', 'ec2', 'sts', 'kms'),
  region: fc.constantFrom('us-east-1', 'ap-northeast-1', 'eu-west-1'),
  path: fc.constantFrom('/', '/v1/thing', '/a%20b/c'),
  query: fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9._-]{0,8}$/), text, { maxKeys: 4 }),
  headers: fc.record({
    'content-type': fc.constantFrom('application/x-amz-json-1.1', 'application/x-www-form-urlencoded; charset=utf-8'),
    'x-amz-target': fc.constantFrom('AmazonSSM.DescribeInstanceInformation', 'TrentService.Decrypt'),
    'x-custom': text.map((s) => `  ${s}   spaced  `),
  }),
  body: text,
});

describe('SigV4 verification', () => {
  const now = new Date('2026-01-15T10:00:00Z');

  it('accepts every request the SDK signer signs', async () => {
    await fc.assert(
      fc.asyncProperty(spec, async (s) => {
        const result = verify(await signed(s, now), now);
        expect(result).toMatchObject({ ok: true, scope: { service: s.service, region: s.region } });
      }),
      { numRuns: 150 },
    );
  });

  it('rejects a changed body, query, signed header or secret', async () => {
    await fc.assert(
      fc.asyncProperty(spec, fc.constantFrom('body', 'query', 'header', 'secret'), async (s, change) => {
        const req = await signed(s, now, change === 'secret' ? 'another-secret' : undefined);
        const tampered: IncomingSignedRequest = {
          ...req,
          body: change === 'body' ? Buffer.concat([req.body, Buffer.from('x')]) : req.body,
          rawUrl: change === 'query' ? `${req.rawUrl}${req.rawUrl.includes('?') ? '&' : '?'}Extra=1` : req.rawUrl,
          rawHeaders:
            change === 'header'
              ? req.rawHeaders.map((v, i) =>
                  i > 0 && req.rawHeaders[i - 1] === 'x-amz-target' ? 'AmazonSSM.StartSession' : v,
                )
              : req.rawHeaders,
        };
        const result = verify(tampered, now);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.kind).toBe('bad-signature');
      }),
      { numRuns: 100 },
    );
  });

  it('rejects an unknown access key before looking at the signature', async () => {
    const req = await signed(
      { service: 'ssm', region: 'us-east-1', path: '/', query: {}, headers: {}, body: '{}' },
      now,
    );
    const result = verifySignature(req, (parseAuthorization(req.rawHeaders) as { ok: true; auth: never }).auth, {
      lookup: () => undefined,
      now,
      maxSkewMs: 900_000,
    });
    expect(result).toEqual({ ok: false, kind: 'unknown-key' });
  });

  it('allows 15 minutes of clock skew either way and no more', async () => {
    const req = await signed(
      { service: 'ssm', region: 'us-east-1', path: '/', query: {}, headers: {}, body: '{}' },
      now,
    );
    expect(verify(req, new Date(now.getTime() + 14 * 60_000)).ok).toBe(true);
    expect(verify(req, new Date(now.getTime() - 14 * 60_000)).ok).toBe(true);
    const late = verify(req, new Date(now.getTime() + 16 * 60_000));
    expect(late).toMatchObject({ ok: false, kind: 'expired' });
    if (!late.ok)
      expect(late.detail).toBe(
        'Signature expired: 20260115T100000Z is now earlier than 20260115T100100Z (20260115T101600Z - 15 min.)',
      );
    expect(verify(req, new Date(now.getTime() - 16 * 60_000))).toMatchObject({ ok: false, kind: 'expired' });
  });

  it('reports a missing or malformed Authorization header as such', () => {
    expect(parseAuthorization(['Host', 'x'])).toEqual({ ok: false, kind: 'missing' });
    expect(parseAuthorization(['Authorization', 'AWS3-HTTPS AWSAccessKeyId=x'])).toMatchObject({
      ok: false,
      kind: 'incomplete',
    });
    expect(
      parseAuthorization([
        'Authorization',
        'AWS4-HMAC-SHA256 Credential=AK/20260115/us-east-1/ssm/aws4_request, Signature=ab',
      ]),
    ).toMatchObject({ ok: false, kind: 'incomplete', scope: { service: 'ssm' } });
  });

  it('canonicalises the query string by encoded key, then value', () => {
    // Byte order of the encoded text: '%' (0x25) sorts before '1' (0x31).
    expect(canonicalQuery('b=2&a=%E6%97%A5&a=1&c')).toBe('a=%E6%97%A5&a=1&b=2&c=');
    expect(canonicalQuery('b=x&a=2&a=10')).toBe('a=10&a=2&b=x');
    expect(canonicalQuery('x=a%20b&y=~-_.')).toBe('x=a%20b&y=~-_.');
  });
});
