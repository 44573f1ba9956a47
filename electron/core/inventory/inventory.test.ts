import { describe, expect, it } from 'vitest';
import { PortholeError } from '../../../shared/errors';
import { InstanceSchema, type Instance } from '../../../shared/model/instance';
import { fakeClientFactory, paged } from './fake-clients';
import { InventoryService, compareInstances, matchesTagFilters } from './inventory';

const q = { profile: 'dev', region: 'ap-northeast-1' };

function ssmInfo(id: string, extra: Record<string, unknown> = {}) {
  return {
    InstanceId: id,
    PingStatus: 'Online',
    PlatformType: 'Linux',
    PlatformName: 'Amazon Linux',
    PlatformVersion: '2023',
    AgentVersion: '3.3.1142.0',
    ComputerName: `${id}.internal`,
    ResourceType: 'EC2Instance',
    LastPingDateTime: new Date('2025-01-02T03:04:05Z'),
    ...extra,
  };
}

function ec2Instance(id: string, name: string | undefined, extra: Record<string, unknown> = {}) {
  return {
    InstanceId: id,
    State: { Name: 'running' },
    InstanceType: 't3.micro',
    PrivateIpAddress: '10.0.0.1',
    VpcId: 'vpc-1',
    SubnetId: 'subnet-1',
    PlatformDetails: 'Linux/UNIX',
    Tags: [...(name ? [{ Key: 'Name', Value: name }] : []), { Key: 'Environment', Value: 'prod' }],
    ...extra,
  };
}

describe('InventoryService.list', () => {
  it('joins SSM nodes with EC2 data, adds unmanaged EC2 instances and hybrid node tags', async () => {
    const infos = [
      ssmInfo('i-0aaa', { PingStatus: 'ConnectionLost' }),
      ssmInfo('i-0bbb', { PlatformType: 'Windows', PlatformName: 'Microsoft Windows Server 2022 Datacenter' }),
      ssmInfo('mi-0ccc', { ResourceType: 'ManagedInstance', IPAddress: '192.168.1.5', Name: 'onprem-box' }),
    ];
    const clients = fakeClientFactory({
      DescribeInstanceInformation: (input) => paged(infos, input, 'InstanceInformationList', 50),
      DescribeInstances: () => ({
        Reservations: [
          {
            OwnerId: '111122223333',
            Instances: [
              ec2Instance('i-0aaa', 'web-10', { PublicIpAddress: '3.3.3.3' }),
              ec2Instance('i-0bbb', 'ad-server', { Platform: 'windows', PlatformDetails: 'Windows' }),
            ],
          },
          {
            OwnerId: '111122223333',
            Instances: [
              ec2Instance('i-0ddd', 'batch-2', {
                Tags: [
                  { Key: 'Name', Value: 'batch-2' },
                  { Key: 'チーム', Value: '基盤' },
                ],
              }),
              ec2Instance('i-0eee', 'old', { State: { Name: 'terminated' } }),
            ],
          },
        ],
      }),
      ListTagsForResource: (input) => {
        expect(input).toEqual({ ResourceType: 'ManagedInstance', ResourceId: 'mi-0ccc' });
        return {
          TagList: [
            { Key: 'Name', Value: '倉庫サーバー' },
            { Key: 'Site', Value: 'Osaka' },
          ],
        };
      },
      GetCallerIdentity: () => ({ Account: '999988887777', Arn: 'arn:aws:iam::999988887777:user/x', UserId: 'x' }),
    });
    const list = await new InventoryService({ clients }).list(q);

    for (const instance of list) expect(InstanceSchema.parse(instance)).toEqual(instance);
    expect(list.map((i) => [i.name, i.instanceId])).toEqual([
      ['ad-server', 'i-0bbb'],
      ['batch-2', 'i-0ddd'],
      ['web-10', 'i-0aaa'],
      ['倉庫サーバー', 'mi-0ccc'],
    ]);
    const [ad, batch, web, hybrid] = list as [Instance, Instance, Instance, Instance];
    expect(web).toMatchObject({
      pingStatus: 'ConnectionLost',
      platform: 'Linux',
      platformName: 'Amazon Linux',
      privateIp: '10.0.0.1',
      publicIp: '3.3.3.3',
      state: 'running',
      instanceType: 't3.micro',
      vpcId: 'vpc-1',
      subnetId: 'subnet-1',
      accountId: '111122223333',
      agentVersion: '3.3.1142.0',
      lastPingAt: '2025-01-02T03:04:05.000Z',
      managed: true,
      hybrid: false,
      region: 'ap-northeast-1',
      profile: 'dev',
    });
    expect(web.tags).toEqual([
      { key: 'Name', value: 'web-10' },
      { key: 'Environment', value: 'prod' },
    ]);
    expect(ad.platform).toBe('Windows');
    expect(batch).toMatchObject({ pingStatus: 'NotManaged', managed: false, hybrid: false, platform: 'Linux' });
    expect(batch.tags).toContainEqual({ key: 'チーム', value: '基盤' });
    expect(hybrid).toMatchObject({
      managed: true,
      hybrid: true,
      privateIp: '192.168.1.5',
      accountId: '999988887777',
      tags: [
        { key: 'Name', value: '倉庫サーバー' },
        { key: 'Site', value: 'Osaka' },
      ],
    });
    expect(hybrid.state).toBeUndefined();
  });

  it('reads every page of both listings with the maximum page sizes', async () => {
    const infos = Array.from({ length: 123 }, (_, n) => ssmInfo(`i-${String(n).padStart(5, '0')}`));
    const ec2 = Array.from({ length: 2500 }, (_, n) => ec2Instance(`i-${String(n).padStart(5, '0')}`, `host-${n}`));
    const clients = fakeClientFactory({
      DescribeInstanceInformation: (input) => paged(infos, input, 'InstanceInformationList', 50),
      DescribeInstances: (input) => {
        const page = paged(ec2, input, 'Instances', 1000) as { Instances: unknown[]; NextToken?: string };
        return { Reservations: [{ OwnerId: '1', Instances: page.Instances }], NextToken: page.NextToken };
      },
      GetCallerIdentity: () => ({ Account: '1' }),
    });
    const list = await new InventoryService({ clients }).list(q);
    expect(list).toHaveLength(2500);
    expect(list.filter((i) => i.managed)).toHaveLength(123);
    const ssmCalls = clients.calls.filter((c) => c.command === 'DescribeInstanceInformation');
    const ec2Calls = clients.calls.filter((c) => c.command === 'DescribeInstances');
    expect(ssmCalls).toHaveLength(3);
    expect(ssmCalls.every((c) => c.input.MaxResults === 50)).toBe(true);
    expect(ec2Calls).toHaveLength(3);
    expect(ec2Calls.every((c) => c.input.MaxResults === 1000)).toBe(true);
    // Natural order: host-2 before host-10.
    expect(list.findIndex((i) => i.name === 'host-2')).toBeLessThan(list.findIndex((i) => i.name === 'host-10'));
  });

  it('fetches hybrid tags with bounded concurrency', async () => {
    const infos = Array.from({ length: 40 }, (_, n) => ssmInfo(`mi-${n}`, { ResourceType: 'ManagedInstance' }));
    let inFlight = 0;
    let peak = 0;
    const clients = fakeClientFactory({
      DescribeInstanceInformation: (input) => paged(infos, input, 'InstanceInformationList', 50),
      DescribeInstances: () => ({ Reservations: [] }),
      GetCallerIdentity: () => ({ Account: '1' }),
      ListTagsForResource: async (input) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        return { TagList: [{ Key: 'Name', Value: `n-${String(input.ResourceId)}` }] };
      },
    });
    const list = await new InventoryService({ clients, tagConcurrency: 4 }).list(q);
    expect(list).toHaveLength(40);
    expect(list.every((i) => i.name === `n-${i.instanceId}`)).toBe(true);
    expect(peak).toBe(4);
  });

  it('fails the listing when a hybrid node tag call fails', async () => {
    const clients = fakeClientFactory({
      DescribeInstanceInformation: (input) =>
        paged([ssmInfo('mi-1', { ResourceType: 'ManagedInstance' })], input, 'InstanceInformationList', 50),
      DescribeInstances: () => ({ Reservations: [] }),
      GetCallerIdentity: () => ({ Account: '1' }),
      ListTagsForResource: () => {
        throw Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' });
      },
    });
    await expect(new InventoryService({ clients }).list(q)).rejects.toMatchObject({
      code: 'AWS_ACCESS_DENIED',
      params: { operation: 'ssm:ListTagsForResource' },
    });
  });

  it('maps an auth failure to AWS_AUTH_FAILED naming the operation', async () => {
    const denied = () => {
      throw Object.assign(new Error('The security token included in the request is invalid.'), {
        name: 'UnrecognizedClientException',
        $metadata: { httpStatusCode: 400 },
      });
    };
    const clients = fakeClientFactory({
      DescribeInstanceInformation: denied,
      DescribeInstances: () => ({ Reservations: [] }),
      GetCallerIdentity: denied,
    });
    const error = await new InventoryService({ clients }).list(q).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortholeError);
    expect(error).toMatchObject({
      code: 'AWS_AUTH_FAILED',
      params: { profile: 'dev', operation: 'ssm:DescribeInstanceInformation' },
    });
    expect((error as Error).message).toContain('"dev"');
  });

  it('still lists managed nodes when ec2:DescribeInstances is denied', async () => {
    const clients = fakeClientFactory({
      DescribeInstanceInformation: (input) => paged([ssmInfo('i-1')], input, 'InstanceInformationList', 50),
      DescribeInstances: () => {
        throw Object.assign(new Error('You are not authorized to perform this operation.'), {
          name: 'UnauthorizedOperation',
        });
      },
      GetCallerIdentity: () => ({ Account: '42' }),
    });
    const list = await new InventoryService({ clients }).list(q);
    expect(list).toEqual([expect.objectContaining({ instanceId: 'i-1', managed: true, accountId: '42', tags: [] })]);
    expect(clients.calls.some((c) => c.command === 'ListTagsForResource')).toBe(false);
  });

  it('keeps listing when GetCallerIdentity fails (account unknown)', async () => {
    const clients = fakeClientFactory({
      DescribeInstanceInformation: (input) =>
        paged([ssmInfo('mi-1', { ResourceType: 'ManagedInstance' })], input, 'InstanceInformationList', 50),
      DescribeInstances: () => ({ Reservations: [] }),
      ListTagsForResource: () => ({ TagList: [] }),
      GetCallerIdentity: () => {
        throw Object.assign(new Error('denied'), { name: 'AccessDenied' });
      },
    });
    const [node] = await new InventoryService({ clients }).list(q);
    expect(node).toMatchObject({ instanceId: 'mi-1', hybrid: true });
    expect(node?.accountId).toBeUndefined();
  });
});

describe('InventoryService.listRegions', () => {
  it('returns the sorted region names from DescribeRegions', async () => {
    const clients = fakeClientFactory({
      DescribeRegions: () => ({ Regions: [{ RegionName: 'us-east-1' }, { RegionName: 'ap-northeast-1' }, {}] }),
    });
    expect(await new InventoryService({ clients }).listRegions({ profile: 'dev' })).toEqual([
      'ap-northeast-1',
      'us-east-1',
    ]);
    expect(clients.calls[0]).toMatchObject({ region: 'us-east-1', profile: 'dev' });
  });
});

describe('matchesTagFilters', () => {
  const instance = {
    instanceId: 'i-1',
    platform: 'Linux',
    pingStatus: 'Online',
    region: 'x',
    managed: true,
    hybrid: false,
    tags: [
      { key: 'Environment', value: 'prod' },
      { key: 'チーム', value: '基盤' },
    ],
  } satisfies Instance;

  it('needs every filter to match; a filter without value needs only the key', () => {
    expect(matchesTagFilters(instance, [])).toBe(true);
    expect(matchesTagFilters(instance, [{ key: 'Environment', value: 'prod' }])).toBe(true);
    expect(matchesTagFilters(instance, [{ key: 'Environment', value: 'dev' }])).toBe(false);
    expect(matchesTagFilters(instance, [{ key: 'チーム' }])).toBe(true);
    expect(
      matchesTagFilters(instance, [
        { key: 'チーム', value: '基盤' },
        { key: 'Environment', value: 'prod' },
      ]),
    ).toBe(true);
    expect(matchesTagFilters(instance, [{ key: 'チーム', value: '基盤' }, { key: 'Role' }])).toBe(false);
    expect(matchesTagFilters(instance, [{ key: 'environment', value: 'prod' }])).toBe(false);
  });
});

describe('compareInstances', () => {
  it('puts named instances first in natural order, then unnamed by id', () => {
    const mk = (instanceId: string, name?: string): Instance => ({
      instanceId,
      ...(name ? { name } : {}),
      platform: 'Linux',
      pingStatus: 'Online',
      region: 'x',
      managed: true,
      hybrid: false,
      tags: [],
    });
    const sorted = [mk('i-3'), mk('i-2', 'web-10'), mk('i-1'), mk('i-4', 'web-9'), mk('i-0', 'Web-9')].sort(
      compareInstances,
    );
    expect(sorted.map((i) => i.instanceId)).toEqual(['i-0', 'i-4', 'i-2', 'i-1', 'i-3']);
  });
});
