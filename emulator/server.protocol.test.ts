/** Wire-level behaviour the SDKs do not exercise on their own: unsigned requests, unknown operations, bad bodies. */
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeInstanceInformationCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from './server';

let emulator: Emulator;
const GOOD = { accessKeyId: 'test', secretAccessKey: 'test' };

beforeAll(async () => {
  emulator = await createEmulator({
    credentials: [
      { accessKeyId: 'test', secretAccessKey: 'test' },
      { accessKeyId: 'ASIATEMPORARY', secretAccessKey: 'temp-secret', sessionToken: 'the-session-token' },
    ],
  });
});

afterAll(async () => {
  await emulator.close();
});

interface RawRequest {
  service: string;
  headers: Record<string, string>;
  body: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}

async function send(req: RawRequest, sign = true) {
  const url = new URL(emulator.url);
  let headers: Record<string, string> = { host: url.host, ...req.headers };
  if (sign) {
    const signer = new SignatureV4({
      service: req.service,
      region: 'us-east-1',
      credentials: {
        accessKeyId: req.accessKeyId ?? 'test',
        secretAccessKey: req.secretAccessKey ?? 'test',
        sessionToken: req.sessionToken,
      },
      sha256: Sha256,
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers,
      body: req.body,
    });
    headers = signed.headers;
  }
  const { host: _host, ...sendable } = headers;
  const res = await fetch(emulator.url, { method: 'POST', headers: sendable, body: req.body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const ssmRequest = (target: string, body = '{}') => ({
  service: 'ssm',
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
  body,
});
const queryRequest = (service: string, body: string) => ({
  service,
  headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  body,
});

describe('unsigned requests', () => {
  it('SSM: 400 MissingAuthenticationTokenException', async () => {
    const res = await send(ssmRequest('AmazonSSM.DescribeInstanceInformation'), false);
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(JSON.parse(res.text)).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });

  it('EC2: 401 MissingAuthenticationToken in the EC2 error document', async () => {
    const res = await send(queryRequest('ec2', 'Action=DescribeInstances&Version=2016-11-15'), false);
    expect(res.status).toBe(401);
    expect(res.text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Response><Errors><Error><Code>MissingAuthenticationToken<\/Code><Message>[^<]+<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/,
    );
  });

  it('STS: 403 MissingAuthenticationToken in the Query error document', async () => {
    const res = await send(queryRequest('sts', 'Action=GetCallerIdentity&Version=2011-06-15'), false);
    expect(res.status).toBe(403);
    expect(res.text).toContain('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
    expect(res.text).toContain('<Type>Sender</Type>');
    expect(res.text).toContain('<Code>MissingAuthenticationToken</Code>');
  });
});

describe('unknown operations and malformed bodies', () => {
  it('SSM: UnknownOperationException for an unknown target, SerializationException for bad JSON', async () => {
    const unknown = await send(ssmRequest('AmazonSSM.LaunchRockets'));
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.text).__type).toBe('UnknownOperationException');
    const badJson = await send(ssmRequest('AmazonSSM.DescribeInstanceInformation', '{"MaxResults":'));
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.text).__type).toBe('SerializationException');
    const wrongType = await send(ssmRequest('AmazonSSM.DescribeInstanceInformation', '{"MaxResults":"ten"}'));
    expect(JSON.parse(wrongType.text).__type).toBe('SerializationException');
  });

  it('SSM: a KMS target signed for ssm is not served', async () => {
    const res = await send(ssmRequest('TrentService.Decrypt'));
    expect(JSON.parse(res.text).__type).toBe('UnknownOperationException');
  });

  it('EC2 and STS: InvalidAction', async () => {
    const ec2 = await send(queryRequest('ec2', 'Action=TerminateEverything&Version=2016-11-15'));
    expect(ec2.status).toBe(400);
    expect(ec2.text).toContain('<Code>InvalidAction</Code>');
    const sts = await send(queryRequest('sts', 'Action=AssumeNothing&Version=2011-06-15'));
    expect(sts.status).toBe(400);
    expect(sts.text).toContain('<Code>InvalidAction</Code>');
    expect(sts.text).toContain('Could not find operation AssumeNothing for version 2011-06-15');
  });

  it('EC2: DryRun answers DryRunOperation (412)', async () => {
    const res = await send(queryRequest('ec2', 'Action=DescribeInstances&Version=2016-11-15&DryRun=true'));
    expect(res.status).toBe(412);
    expect(res.text).toContain('<Code>DryRunOperation</Code>');
  });
});

describe('temporary credentials', () => {
  it('accept the matching session token and refuse a missing or different one', async () => {
    const temp = { accessKeyId: 'ASIATEMPORARY', secretAccessKey: 'temp-secret' };
    const good = await send({
      ...ssmRequest('AmazonSSM.DescribeInstanceInformation'),
      ...temp,
      sessionToken: 'the-session-token',
    });
    expect(good.status).toBe(200);
    expect(JSON.parse(good.text).InstanceInformationList).toHaveLength(10);
    for (const sessionToken of [undefined, 'another-token']) {
      const bad = await send({ ...ssmRequest('AmazonSSM.DescribeInstanceInformation'), ...temp, sessionToken });
      expect(bad.status).toBe(400);
      expect(JSON.parse(bad.text).__type).toBe('UnrecognizedClientException');
    }
  });
});

describe('XML responses', () => {
  it('EC2 responses use the 2016-11-15 namespace', async () => {
    const res = await send(
      queryRequest('ec2', 'Action=DescribeRegions&Version=2016-11-15&RegionName.1=ap-northeast-1'),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/xml;charset=UTF-8');
    expect(res.text).toContain('<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">');
    expect(res.text).toContain('<regionInfo><item><regionName>ap-northeast-1</regionName>');
  });
});

describe('tag text that looks like markup', () => {
  it('round-trips through the EC2 XML and the SSM JSON unchanged', async () => {
    const value = '<b>"R&D" & \'ops\'</b>\r\n改行';
    const fleet = {
      instances: [
        {
          id: 'i-0123456789abcdef0',
          region: 'us-east-1',
          platform: 'ubuntu' as const,
          privateIp: '10.0.0.1',
          tags: { Name: value, '<key>&': 'x' },
        },
      ],
    };
    const local = await createEmulator({ fleet });
    const ec2 = new EC2Client({ endpoint: local.url, region: 'us-east-1', credentials: GOOD, maxAttempts: 1 });
    const ssm = new SSMClient({ endpoint: local.url, region: 'us-east-1', credentials: GOOD, maxAttempts: 1 });
    try {
      const out = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: [value] }] }));
      const tags = out.Reservations?.[0]?.Instances?.[0]?.Tags;
      expect(tags).toContainEqual({ Key: 'Name', Value: value });
      expect(tags).toContainEqual({ Key: '<key>&', Value: 'x' });
      const info = await ssm.send(
        new DescribeInstanceInformationCommand({ Filters: [{ Key: 'tag:Name', Values: [value] }] }),
      );
      expect(info.InstanceInformationList?.map((i) => i.InstanceId)).toEqual(['i-0123456789abcdef0']);
    } finally {
      ec2.destroy();
      ssm.destroy();
      await local.close();
    }
  });
});
