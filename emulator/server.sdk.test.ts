/** The emulator through the real AWS SDK v3 clients: the same requests, signatures and error parsing as the app. */
import {
  DescribeInstancesCommand,
  DescribeRegionsCommand,
  EC2Client,
  paginateDescribeInstances,
  type Instance as Ec2Instance,
} from '@aws-sdk/client-ec2';
import { KMSClient, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import {
  DescribeInstanceInformationCommand,
  ListTagsForResourceCommand,
  SSMClient,
  paginateDescribeInstanceInformation,
  type DescribeInstanceInformationCommandInput,
  type InstanceInformation,
} from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { AwsError, createEmulator, type Emulator } from './server';

const GOOD = { accessKeyId: 'test', secretAccessKey: 'test' };

let emulator: Emulator;
const clients: Array<{ destroy(): void }> = [];

function track<T extends { destroy(): void }>(client: T): T {
  clients.push(client);
  return client;
}
const ssm = (region = 'us-east-1', credentials = GOOD) =>
  track(new SSMClient({ endpoint: emulator.url, region, credentials, maxAttempts: 1 }));
const ec2 = (region = 'us-east-1', credentials = GOOD) =>
  track(new EC2Client({ endpoint: emulator.url, region, credentials, maxAttempts: 1 }));
const sts = (credentials = GOOD) =>
  track(new STSClient({ endpoint: emulator.url, region: 'us-east-1', credentials, maxAttempts: 1 }));

/** The error an SDK call rejects with (fails the test if it resolves). */
async function failure(
  promise: Promise<unknown>,
): Promise<Error & { name: string; $metadata: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (e) {
    return e as Error & { name: string; $metadata: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

async function allSsm(client: SSMClient, input: DescribeInstanceInformationCommandInput, pageSize?: number) {
  const pages: InstanceInformation[][] = [];
  for await (const page of paginateDescribeInstanceInformation({ client, pageSize }, input)) {
    pages.push(page.InstanceInformationList ?? []);
  }
  return pages;
}

const ids = (list: Array<{ InstanceId?: string }>) => list.map((i) => i.InstanceId).sort();

const US_MANAGED = [
  'i-0a1b2c3d4e5f60001',
  'i-0a1b2c3d4e5f60002',
  'i-0a1b2c3d4e5f60003',
  'i-0a1b2c3d4e5f60004',
  'i-0a1b2c3d4e5f60005',
  'i-0a1b2c3d4e5f60006',
  'i-0a1b2c3d4e5f60007',
  'i-0a1b2c3d4e5f60008',
  'i-0a1b2c3d4e5f6000a',
  'mi-0a1b2c3d4e5f6000b',
];
const US_PROD_EC2 = US_MANAGED.slice(0, 6);

beforeAll(async () => {
  emulator = await createEmulator();
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await emulator.close();
});

describe('SSM DescribeInstanceInformation', () => {
  it('defaults to 10 results per page and lists every managed node of the region once across pages', async () => {
    const first = await ssm().send(new DescribeInstanceInformationCommand({}));
    expect(first.InstanceInformationList).toHaveLength(10);

    for (const pageSize of [5, 7, 50]) {
      const pages = await allSsm(ssm(), {}, pageSize);
      for (const page of pages) expect(page.length).toBeLessThanOrEqual(pageSize);
      const listed = pages.flat().map((i) => i.InstanceId!);
      expect(new Set(listed).size).toBe(listed.length);
      expect(listed.sort()).toEqual(US_MANAGED);
    }
  });

  it('pages a generated 2,000-node fleet: 10 per page by default, at most 50, every node exactly once', async () => {
    const big = await createEmulator({ generate: 2000, seed: 7 });
    try {
      const client = track(
        new SSMClient({ endpoint: big.url, region: 'eu-west-1', credentials: GOOD, maxAttempts: 1 }),
      );
      const first = await client.send(new DescribeInstanceInformationCommand({}));
      expect(first.InstanceInformationList).toHaveLength(10);
      expect(first.NextToken).toBeTruthy();
      const expected = big.fleet.ssmNodes('123456789012', 'eu-west-1').map((i) => i.id);
      expect(expected.length).toBeGreaterThan(400);
      const pages = await allSsm(client, {}, 50);
      expect(pages.slice(0, -1).every((p) => p.length === 50)).toBe(true);
      const listed = pages.flat().map((i) => i.InstanceId!);
      expect(listed).toEqual(expected);
    } finally {
      await big.close();
    }
  });

  it('reports the fields of the real API for EC2 and hybrid nodes, and never the unmanaged instance', async () => {
    const list = (await allSsm(ssm(), {})).flat();
    expect(list.find((i) => i.InstanceId === 'i-0a1b2c3d4e5f60009')).toBeUndefined();
    const web = list.find((i) => i.InstanceId === 'i-0a1b2c3d4e5f60001')!;
    expect(web).toMatchObject({
      PingStatus: 'Online',
      PlatformType: 'Linux',
      PlatformName: 'Amazon Linux',
      PlatformVersion: '2023',
      ResourceType: 'EC2Instance',
      IPAddress: '10.0.1.11',
      AgentVersion: '3.3.1802.0',
      IsLatestVersion: true,
      SourceType: 'AWS::EC2::Instance',
    });
    expect(web.LastPingDateTime).toBeInstanceOf(Date);
    const hybrid = list.find((i) => i.InstanceId === 'mi-0a1b2c3d4e5f6000b')!;
    expect(hybrid).toMatchObject({
      ResourceType: 'ManagedInstance',
      Name: 'onprem-gateway-01',
      IamRole: 'SSMServiceRole',
    });
    const old = list.find((i) => i.InstanceId === 'i-0a1b2c3d4e5f6000a')!;
    expect(old.IsLatestVersion).toBe(false);
    const windows = list.find((i) => i.InstanceId === 'i-0a1b2c3d4e5f60006')!;
    expect(windows.PlatformType).toBe('Windows');
  });

  it('serves each region its own nodes', async () => {
    const tokyo = (await allSsm(ssm('ap-northeast-1'), {})).flat();
    expect(ids(tokyo)).toEqual([
      'i-0b1c2d3e4f5a60001',
      'i-0b1c2d3e4f5a60002',
      'i-0b1c2d3e4f5a60003',
      'i-0b1c2d3e4f5a60004',
    ]);
    expect((await allSsm(ssm('eu-west-1'), {})).flat()).toEqual([]);
  });

  it('applies Filters: PingStatus, PlatformTypes, ResourceType, InstanceIds, tag:<key> and tag-key', async () => {
    const run = async (Filters: Array<{ Key: string; Values: string[] }>, region = 'us-east-1') =>
      ids((await allSsm(ssm(region), { Filters })).flat());
    expect(await run([{ Key: 'PingStatus', Values: ['ConnectionLost'] }])).toEqual(['i-0a1b2c3d4e5f60008']);
    expect(await run([{ Key: 'PlatformTypes', Values: ['Windows'] }])).toEqual(['i-0a1b2c3d4e5f60006']);
    expect(await run([{ Key: 'ResourceType', Values: ['ManagedInstance'] }])).toEqual(['mi-0a1b2c3d4e5f6000b']);
    expect(await run([{ Key: 'InstanceIds', Values: ['i-0a1b2c3d4e5f60003', 'i-0a1b2c3d4e5f60009'] }])).toEqual([
      'i-0a1b2c3d4e5f60003',
    ]);
    expect(await run([{ Key: 'tag:Environment', Values: ['prod'] }])).toEqual([...US_PROD_EC2, 'mi-0a1b2c3d4e5f6000b']);
    expect(await run([{ Key: 'tag:Team', Values: ['決済チーム'] }], 'ap-northeast-1')).toEqual(['i-0b1c2d3e4f5a60001']);
    expect(await run([{ Key: 'tag-key', Values: ['担当者'] }], 'ap-northeast-1')).toEqual(['i-0b1c2d3e4f5a60001']);
    expect(
      await run([
        { Key: 'tag:Environment', Values: ['prod', 'staging'] },
        { Key: 'tag:Team', Values: ['payments'] },
      ]),
    ).toEqual(['i-0a1b2c3d4e5f60003', 'i-0a1b2c3d4e5f60004', 'i-0a1b2c3d4e5f60007']);
  });

  it('applies the legacy InstanceInformationFilterList and pages filtered results exactly once', async () => {
    const pages = await allSsm(
      ssm(),
      { InstanceInformationFilterList: [{ key: 'PingStatus', valueSet: ['Online'] }] },
      5,
    );
    expect(pages.map((p) => p.length)).toEqual([5, 4]);
    expect(ids(pages.flat())).toEqual(US_MANAGED.filter((id) => id !== 'i-0a1b2c3d4e5f60008'));
  });

  it('refuses MaxResults outside 5..50 with ValidationException (HTTP 400)', async () => {
    for (const [MaxResults, words] of [
      [51, 'less than or equal to 50'],
      [4, 'greater than or equal to 5'],
    ] as const) {
      const error = await failure(ssm().send(new DescribeInstanceInformationCommand({ MaxResults })));
      expect(error.name).toBe('ValidationException');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).toContain(`Value '${MaxResults}' at 'maxResults' failed to satisfy constraint`);
      expect(error.message).toContain(words);
    }
  });

  it('refuses a forged or foreign NextToken, bad filter keys and values', async () => {
    const first = await ssm().send(new DescribeInstanceInformationCommand({ MaxResults: 5 }));
    expect(first.NextToken).toBeTruthy();
    const forged = await failure(
      ssm().send(
        new DescribeInstanceInformationCommand({ MaxResults: 5, NextToken: `${first.NextToken!.slice(0, -2)}xx` }),
      ),
    );
    expect(forged.name).toBe('InvalidNextToken');
    const otherFilters = await failure(
      ssm().send(
        new DescribeInstanceInformationCommand({
          NextToken: first.NextToken,
          Filters: [{ Key: 'PingStatus', Values: ['Online'] }],
        }),
      ),
    );
    expect(otherFilters.name).toBe('InvalidNextToken');
    const badKey = await failure(
      ssm().send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'Colour', Values: ['red'] }] })),
    );
    expect(badKey.name).toBe('InvalidFilterKey');
    const twoTypes = await failure(
      ssm().send(
        new DescribeInstanceInformationCommand({
          Filters: [{ Key: 'ResourceType', Values: ['EC2Instance', 'ManagedInstance'] }],
        }),
      ),
    );
    expect(twoTypes.name).toBe('InvalidInstanceInformationFilterValue');
    expect(twoTypes.message).toBe('ResourceType filter may contain only one value.');
    const badId = await failure(
      ssm().send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: ['web-1'] }] })),
    );
    expect(badId.name).toBe('InvalidInstanceId');
  });

  it('refuses a wrong secret (InvalidSignatureException) and an unknown key (UnrecognizedClientException), both 400', async () => {
    const wrongSecret = await failure(
      ssm('us-east-1', { accessKeyId: 'test', secretAccessKey: 'nope' }).send(
        new DescribeInstanceInformationCommand({}),
      ),
    );
    expect(wrongSecret.name).toBe('InvalidSignatureException');
    expect(wrongSecret.$metadata.httpStatusCode).toBe(400);
    expect(wrongSecret.message).toContain(
      'The request signature we calculated does not match the signature you provided',
    );
    expect(wrongSecret.message).not.toContain('nope');

    const unknownKey = await failure(
      ssm('us-east-1', { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'test' }).send(
        new DescribeInstanceInformationCommand({}),
      ),
    );
    expect(unknownKey.name).toBe('UnrecognizedClientException');
    expect(unknownKey.$metadata.httpStatusCode).toBe(400);
    expect(unknownKey.message).toBe('The security token included in the request is invalid.');
  });
});

describe('SSM ListTagsForResource', () => {
  it('returns the SSM tags of a hybrid node and refuses EC2 instance ids', async () => {
    const tags = await ssm().send(
      new ListTagsForResourceCommand({ ResourceType: 'ManagedInstance', ResourceId: 'mi-0a1b2c3d4e5f6000b' }),
    );
    expect(tags.TagList).toContainEqual({ Key: 'Location', Value: 'tokyo-dc1' });
    expect(tags.TagList).toContainEqual({ Key: 'Environment', Value: 'prod' });
    const ec2Id = await failure(
      ssm().send(
        new ListTagsForResourceCommand({ ResourceType: 'ManagedInstance', ResourceId: 'i-0a1b2c3d4e5f60001' }),
      ),
    );
    expect(ec2Id.name).toBe('InvalidResourceId');
    expect(ec2Id.$metadata.httpStatusCode).toBe(400);
  });
});

describe('EC2 DescribeInstances', () => {
  const instancesOf = (reservations: Array<{ Instances?: Ec2Instance[] }> | undefined) =>
    (reservations ?? []).flatMap((r) => r.Instances ?? []);

  it('lists every EC2 instance of the region (unmanaged included, hybrid nodes excluded)', async () => {
    const out = await ec2().send(new DescribeInstancesCommand({}));
    const list = instancesOf(out.Reservations);
    expect(ids(list)).toEqual([...US_MANAGED.slice(0, 8), 'i-0a1b2c3d4e5f60009', 'i-0a1b2c3d4e5f6000a'].sort());
    expect(out.NextToken).toBeUndefined();
    const web = list.find((i) => i.InstanceId === 'i-0a1b2c3d4e5f60001')!;
    expect(web).toMatchObject({
      InstanceType: 't3.medium',
      State: { Code: 16, Name: 'running' },
      PrivateIpAddress: '10.0.1.11',
      PublicIpAddress: '54.210.14.21',
      VpcId: 'vpc-0c1d2e3f4a5b60001',
      SubnetId: 'subnet-0a1b2c3d4e5f60011',
      Placement: { AvailabilityZone: 'us-east-1a' },
      PlatformDetails: 'Linux/UNIX',
    });
    expect(web.Platform).toBeUndefined();
    expect(web.LaunchTime).toBeInstanceOf(Date);
    expect(web.Tags).toContainEqual({ Key: 'Name', Value: 'web-prod-1' });
    const windows = list.find((i) => i.InstanceId === 'i-0a1b2c3d4e5f60006')!;
    expect(windows).toMatchObject({ Platform: 'windows', PlatformDetails: 'Windows' });
  });

  it('filters by tag, tag-key, instance-id, state, platform and wildcards', async () => {
    const run = async (Filters: Array<{ Name: string; Values: string[] }>, region = 'us-east-1') =>
      ids(instancesOf((await ec2(region).send(new DescribeInstancesCommand({ Filters }))).Reservations));
    expect(await run([{ Name: 'tag:Environment', Values: ['prod'] }])).toEqual(US_PROD_EC2);
    expect(await run([{ Name: 'platform', Values: ['windows'] }])).toEqual(['i-0a1b2c3d4e5f60006']);
    expect(await run([{ Name: 'tag:Name', Values: ['web-*'] }])).toEqual([
      'i-0a1b2c3d4e5f60001',
      'i-0a1b2c3d4e5f60002',
    ]);
    expect(await run([{ Name: 'instance-id', Values: ['i-0a1b2c3d4e5f60004'] }])).toEqual(['i-0a1b2c3d4e5f60004']);
    expect(await run([{ Name: 'instance-state-name', Values: ['stopped'] }], 'ap-northeast-1')).toEqual([
      'i-0b1c2d3e4f5a60004',
    ]);
    expect(await run([{ Name: 'tag-key', Values: ['担当者'] }], 'ap-northeast-1')).toEqual(['i-0b1c2d3e4f5a60001']);
    expect(await run([{ Name: 'tag:Name', Values: ['ウェブ*'] }], 'ap-northeast-1')).toEqual(['i-0b1c2d3e4f5a60001']);
    const bad = await failure(
      ec2().send(new DescribeInstancesCommand({ Filters: [{ Name: 'colour', Values: ['x'] }] })),
    );
    expect(bad.name).toBe('InvalidParameterValue');
  });

  it('round-trips Japanese tag keys and values', async () => {
    const out = await ec2('ap-northeast-1').send(
      new DescribeInstancesCommand({ InstanceIds: ['i-0b1c2d3e4f5a60001'] }),
    );
    const tags = instancesOf(out.Reservations)[0]!.Tags;
    expect(tags).toContainEqual({ Key: 'Name', Value: 'ウェブサーバー' });
    expect(tags).toContainEqual({ Key: 'Team', Value: '決済チーム' });
    expect(tags).toContainEqual({ Key: '担当者', Value: '山田 太郎' });
  });

  it('paginates with MaxResults 5..1000 and covers the region exactly once', async () => {
    const pages: string[][] = [];
    for await (const page of paginateDescribeInstances({ client: ec2(), pageSize: 5 }, {})) {
      pages.push(instancesOf(page.Reservations).map((i) => i.InstanceId!));
    }
    expect(pages.map((p) => p.length)).toEqual([5, 5]);
    expect(pages.flat().sort()).toEqual(
      [...US_MANAGED.slice(0, 8), 'i-0a1b2c3d4e5f60009', 'i-0a1b2c3d4e5f6000a'].sort(),
    );
    for (const MaxResults of [4, 1001]) {
      const error = await failure(ec2().send(new DescribeInstancesCommand({ MaxResults })));
      expect(error.name).toBe('InvalidParameterValue');
      expect(error.$metadata.httpStatusCode).toBe(400);
    }
    const combined = await failure(
      ec2().send(new DescribeInstancesCommand({ MaxResults: 5, InstanceIds: ['i-0a1b2c3d4e5f60001'] })),
    );
    expect(combined.name).toBe('InvalidParameterCombination');
    const badToken = await failure(ec2().send(new DescribeInstancesCommand({ MaxResults: 5, NextToken: 'bogus' })));
    expect(badToken.name).toBe('InvalidPaginationToken');
  });

  it('reports malformed and unknown instance ids like EC2', async () => {
    const malformed = await failure(ec2().send(new DescribeInstancesCommand({ InstanceIds: ['web-prod-1'] })));
    expect(malformed.name).toBe('InvalidInstanceID.Malformed');
    const missing = await failure(ec2().send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })));
    expect(missing.name).toBe('InvalidInstanceID.NotFound');
    expect(missing.message).toBe("The instance ID 'i-0123456789abcdef0' does not exist");
    // An instance of another region is not found here either.
    const elsewhere = await failure(ec2().send(new DescribeInstancesCommand({ InstanceIds: ['i-0b1c2d3e4f5a60001'] })));
    expect(elsewhere.name).toBe('InvalidInstanceID.NotFound');
  });

  it('refuses a wrong secret and an unknown key with AuthFailure (HTTP 401)', async () => {
    for (const credentials of [
      { accessKeyId: 'test', secretAccessKey: 'wrong' },
      { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'test' },
    ]) {
      const error = await failure(ec2('us-east-1', credentials).send(new DescribeInstancesCommand({})));
      expect(error.name).toBe('AuthFailure');
      expect(error.$metadata.httpStatusCode).toBe(401);
      expect(error.message).toBe('AWS was not able to validate the provided access credentials');
    }
  });
});

describe('EC2 DescribeRegions', () => {
  it('lists the default regions with their endpoints', async () => {
    const out = await ec2().send(new DescribeRegionsCommand({}));
    const names = (out.Regions ?? []).map((r) => r.RegionName);
    expect(names).toContain('us-east-1');
    expect(names).toContain('ap-northeast-1');
    expect(out.Regions).toContainEqual({
      RegionName: 'ap-northeast-1',
      Endpoint: 'ec2.ap-northeast-1.amazonaws.com',
      OptInStatus: 'opt-in-not-required',
    });
    const some = await ec2().send(new DescribeRegionsCommand({ RegionNames: ['us-east-1'] }));
    expect(some.Regions?.map((r) => r.RegionName)).toEqual(['us-east-1']);
  });
});

describe('STS GetCallerIdentity', () => {
  it('returns the caller of the credentials', async () => {
    const out = await sts().send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe('123456789012');
    expect(out.Arn).toBe('arn:aws:iam::123456789012:user/porthole-demo');
    expect(out.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
  });

  it('refuses a wrong secret (SignatureDoesNotMatch) and an unknown key (InvalidClientTokenId), both 403', async () => {
    const wrong = await failure(
      sts({ accessKeyId: 'test', secretAccessKey: 'wrong' }).send(new GetCallerIdentityCommand({})),
    );
    expect(wrong.name).toBe('SignatureDoesNotMatch');
    expect(wrong.$metadata.httpStatusCode).toBe(403);
    const unknown = await failure(
      sts({ accessKeyId: 'AKIDNOPE', secretAccessKey: 'test' }).send(new GetCallerIdentityCommand({})),
    );
    expect(unknown.name).toBe('InvalidClientTokenId');
    expect(unknown.$metadata.httpStatusCode).toBe(403);
  });
});

describe('clock skew', () => {
  it('refuses requests signed 20 minutes off, and the SDK recovers by following the Date header', async () => {
    const skewed = await createEmulator({ now: () => new Date(Date.now() + 20 * 60_000) });
    try {
      const strict = track(
        new SSMClient({ endpoint: skewed.url, region: 'us-east-1', credentials: GOOD, maxAttempts: 1 }),
      );
      const error = await failure(strict.send(new DescribeInstanceInformationCommand({})));
      expect(error.name).toBe('InvalidSignatureException');
      expect(error.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
      const retrying = track(
        new SSMClient({ endpoint: skewed.url, region: 'us-east-1', credentials: GOOD, maxAttempts: 3 }),
      );
      const out = await retrying.send(new DescribeInstanceInformationCommand({}));
      expect(out.InstanceInformationList).toHaveLength(10);
    } finally {
      await skewed.close();
    }
  });
});

describe('extension points', () => {
  it('serves registered JSON operations with the same auth and error plumbing (KMS through the SDK)', async () => {
    const seen: string[] = [];
    const registration = emulator.registerJsonOperation('TrentService.GenerateDataKey', (input, ctx) => {
      seen.push(`${ctx.service}/${ctx.region}/${ctx.caller.accountId}`);
      if (input.KeyId === 'alias/missing') throw new AwsError('NotFoundException', 'Alias alias/missing is not found.');
      return {
        KeyId: `arn:aws:kms:${ctx.region}:${ctx.caller.accountId}:key/demo`,
        Plaintext: Buffer.alloc(32, 1).toString('base64'),
        CiphertextBlob: Buffer.alloc(64, 2).toString('base64'),
      };
    });
    const kms = track(
      new KMSClient({ endpoint: emulator.url, region: 'ap-northeast-1', credentials: GOOD, maxAttempts: 1 }),
    );
    try {
      const out = await kms.send(new GenerateDataKeyCommand({ KeyId: 'alias/demo', NumberOfBytes: 32 }));
      expect(out.Plaintext).toEqual(new Uint8Array(32).fill(1));
      expect(seen).toEqual(['kms/ap-northeast-1/123456789012']);
      const notFound = await failure(
        kms.send(new GenerateDataKeyCommand({ KeyId: 'alias/missing', NumberOfBytes: 32 })),
      );
      expect(notFound.name).toBe('NotFoundException');
      expect(notFound.$metadata.httpStatusCode).toBe(400);
      const badKms = track(
        new KMSClient({
          endpoint: emulator.url,
          region: 'us-east-1',
          credentials: { accessKeyId: 'test', secretAccessKey: 'x' },
          maxAttempts: 1,
        }),
      );
      const unsigned = await failure(
        badKms.send(new GenerateDataKeyCommand({ KeyId: 'alias/demo', NumberOfBytes: 32 })),
      );
      expect(unsigned.name).toBe('InvalidSignatureException');
      expect(seen).toHaveLength(2);
    } finally {
      registration.dispose();
    }
    const gone = await failure(kms.send(new GenerateDataKeyCommand({ KeyId: 'alias/demo', NumberOfBytes: 32 })));
    expect(gone.name).toBe('UnknownOperationException');
  });

  it('hands websocket upgrades on a registered path to the handler and refuses other paths', async () => {
    const wss = new WebSocketServer({ noServer: true });
    const paths: string[] = [];
    wss.on('connection', (socket, req) => {
      paths.push(req.url ?? '');
      socket.on('message', (data) => socket.send(`echo:${String(data)}`));
    });
    const registration = emulator.registerUpgrade('/v1/data-channel/', (req, socket, head) =>
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)),
    );
    try {
      const client = new WebSocket(
        `${emulator.url.replace('http', 'ws')}/v1/data-channel/session-1?role=publish_subscribe`,
      );
      const reply = await new Promise<string>((resolve, reject) => {
        client.once('open', () => client.send('ハロー'));
        client.once('message', (data) => resolve(String(data)));
        client.once('error', reject);
      });
      expect(reply).toBe('echo:ハロー');
      expect(paths).toEqual(['/v1/data-channel/session-1?role=publish_subscribe']);
      client.close();
      await new Promise((resolve) => client.once('close', resolve));

      const refused = new WebSocket(`${emulator.url.replace('http', 'ws')}/v1/elsewhere`);
      const status = await new Promise<number | undefined>((resolve) => {
        refused.once('unexpected-response', (_req, res) => {
          resolve(res.statusCode);
          refused.terminate();
        });
        refused.once('error', () => resolve(undefined));
      });
      expect(status).toBe(404);
    } finally {
      registration.dispose();
      for (const c of wss.clients) c.terminate();
      wss.close();
    }
  });
});
