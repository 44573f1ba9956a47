/**
 * The instance list: SSM managed nodes joined with their EC2 instances.
 *
 * Join strategy: SSM DescribeInstanceInformation (all pages, 50 per page: the API's maximum) and a full
 * EC2 DescribeInstances listing (all pages, 1000 per page) run at the same time, then join in memory by
 * instance id. Chunked `instance-id` lookups would have to wait for the SSM listing to finish and would
 * need one request per ~200 ids (10,000 nodes: 200 SSM pages then 50 EC2 calls), while the full listing
 * takes 10 EC2 pages that overlap the SSM paging entirely; it is also the only way to find the EC2
 * instances SSM does not manage, which the list shows as `NotManaged`.
 * Hybrid (`mi-`) nodes have no EC2 record; their tags come from SSM ListTagsForResource, a few calls in
 * flight at once, started as soon as the SSM page naming the node arrives. For big fleets the EC2 listing is
 * the long pole (the SDK parses ~1000 instances of XML per page), so SSM paging and tag calls hide behind it.
 */
import {
  DescribeRegionsCommand,
  paginateDescribeInstances,
  type Instance as Ec2Instance,
  type Reservation,
} from '@aws-sdk/client-ec2';
import {
  ListTagsForResourceCommand,
  paginateDescribeInstanceInformation,
  type InstanceInformation,
} from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Instance, PingStatus, Platform, Tag } from '../../../shared/model/instance';
import type { AwsClientFactory, AwsService } from '../aws/clients';
import { toPortholeError } from '../aws/errors';
import { silentLogger, type Logger } from '../base/logger';
import { TaskLimiter } from './concurrency';

export interface InventoryDeps {
  clients: AwsClientFactory;
  logger?: Logger;
  /** ListTagsForResource calls in flight at once for hybrid nodes; default 8. */
  tagConcurrency?: number;
}

export interface InventoryQuery {
  profile: string;
  region: string;
}

const SSM_PAGE_SIZE = 50;
const EC2_PAGE_SIZE = 1000;

interface Ec2Record {
  instance: Ec2Instance;
  ownerId?: string;
}

export class InventoryService {
  private readonly clients: AwsClientFactory;
  private readonly logger: Logger;
  private readonly tagConcurrency: number;

  constructor(deps: InventoryDeps) {
    this.clients = deps.clients;
    this.logger = deps.logger ?? silentLogger;
    this.tagConcurrency = deps.tagConcurrency ?? 8;
  }

  /** All managed nodes and EC2 instances of one profile and region, sorted by name then id. */
  async list(q: InventoryQuery): Promise<Instance[]> {
    const started = Date.now();
    // The caller identity is only needed for nodes EC2 does not describe; ask for it alongside and
    // treat a failure as "account unknown" (the listing itself still reports auth problems).
    const identity = this.call('sts', q, 'GetCallerIdentity', () =>
      this.clients.sts(q).send(new GetCallerIdentityCommand({})),
    ).then(
      (out) => out.Account,
      (error: unknown) => {
        this.logger.warn('GetCallerIdentity failed; account ids of hybrid nodes stay unknown', {
          code: (error as { code?: string }).code,
        });
        return undefined;
      },
    );
    // Hybrid nodes' tags are fetched as their SSM page arrives, overlapping the rest of the paging.
    const hybridTags = new Map<string, Tag[]>();
    const tagTasks = new TaskLimiter(this.tagConcurrency);
    const onPage = (page: readonly InstanceInformation[]) => {
      for (const info of page) {
        const id = info.InstanceId;
        if (id && isHybrid(info)) tagTasks.submit(async () => void hybridTags.set(id, await this.tagsOf(q, id)));
      }
    };
    const [infos, ec2] = await Promise.all([this.managedNodes(q, onPage), this.ec2Instances(q)]);
    const [, account] = await Promise.all([tagTasks.settled(), identity]);

    const out: Instance[] = [];
    const seen = new Set<string>();
    for (const info of infos) {
      const id = info.InstanceId;
      if (!id || seen.has(id)) continue;
      seen.add(id);
      out.push(fromManaged(info, ec2.records.get(id), hybridTags.get(id), q, account));
    }
    for (const [id, record] of ec2.records) {
      if (seen.has(id)) continue;
      const state = record.instance.State?.Name;
      if (state === 'terminated') continue; // gone for good; AWS shows them for about an hour
      seen.add(id);
      out.push(fromUnmanaged(record, q, account));
    }
    out.sort(compareInstances);
    this.logger.info('inventory listed', {
      profile: q.profile,
      region: q.region,
      managed: infos.length,
      ec2: ec2.records.size,
      ec2Available: ec2.available,
      ms: Date.now() - started,
    });
    return out;
  }

  /** Region names the profile can use (EC2 DescribeRegions), sorted. */
  async listRegions(q: { profile: string; region?: string }): Promise<string[]> {
    const query = { profile: q.profile, region: q.region ?? 'us-east-1' };
    const out = await this.call('ec2', query, 'DescribeRegions', () =>
      this.clients.ec2(query).send(new DescribeRegionsCommand({})),
    );
    return (out.Regions ?? [])
      .map((r) => r.RegionName)
      .filter((n): n is string => !!n)
      .sort();
  }

  private async managedNodes(
    q: InventoryQuery,
    onPage: (page: readonly InstanceInformation[]) => void,
  ): Promise<InstanceInformation[]> {
    return this.call('ssm', q, 'DescribeInstanceInformation', async () => {
      const all: InstanceInformation[] = [];
      const pages = paginateDescribeInstanceInformation(
        { client: this.clients.ssm(q), pageSize: SSM_PAGE_SIZE, stopOnSameToken: true },
        { MaxResults: SSM_PAGE_SIZE },
      );
      for await (const page of pages) {
        const list = page.InstanceInformationList ?? [];
        all.push(...list);
        onPage(list);
      }
      return all;
    });
  }

  /**
   * Every EC2 instance of the region. Without ec2:DescribeInstances permission the list still works from
   * SSM data alone (no Name tags, no NotManaged rows); other EC2 failures fail the listing.
   */
  private async ec2Instances(q: InventoryQuery): Promise<{ records: Map<string, Ec2Record>; available: boolean }> {
    const records = new Map<string, Ec2Record>();
    try {
      await this.call('ec2', q, 'DescribeInstances', async () => {
        const pages = paginateDescribeInstances(
          { client: this.clients.ec2(q), pageSize: EC2_PAGE_SIZE, stopOnSameToken: true },
          { MaxResults: EC2_PAGE_SIZE },
        );
        for await (const page of pages) addReservations(records, page.Reservations ?? []);
      });
      return { records, available: true };
    } catch (error) {
      if ((error as { code?: string }).code === 'AWS_ACCESS_DENIED') {
        this.logger.warn('ec2:DescribeInstances denied; listing managed nodes without EC2 details', {
          profile: q.profile,
          region: q.region,
        });
        return { records: new Map(), available: false };
      }
      throw error;
    }
  }

  private async tagsOf(q: InventoryQuery, id: string): Promise<Tag[]> {
    const out = await this.call('ssm', q, 'ListTagsForResource', () =>
      this.clients.ssm(q).send(new ListTagsForResourceCommand({ ResourceType: 'ManagedInstance', ResourceId: id })),
    );
    return toTags(out.TagList);
  }

  /** Runs one AWS operation, turning whatever it throws into a PortholeError. */
  private async call<T>(service: AwsService, q: InventoryQuery, operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toPortholeError(error, {
        profile: q.profile,
        region: q.region,
        operation: `${service}:${operation}`,
        endpoint: this.clients.endpointFor(service, q.region),
      });
    }
  }
}

function addReservations(records: Map<string, Ec2Record>, reservations: readonly Reservation[]): void {
  for (const reservation of reservations) {
    for (const instance of reservation.Instances ?? []) {
      if (!instance.InstanceId) continue;
      records.set(instance.InstanceId, reservation.OwnerId ? { instance, ownerId: reservation.OwnerId } : { instance });
    }
  }
}

function fromManaged(
  info: InstanceInformation,
  ec2: Ec2Record | undefined,
  hybridTags: Tag[] | undefined,
  q: InventoryQuery,
  account: string | undefined,
): Instance {
  const id = info.InstanceId as string;
  const tags = ec2 ? toTags(ec2.instance.Tags) : (hybridTags ?? []);
  const e = ec2?.instance;
  const hybrid = isHybrid(info);
  return compact({
    instanceId: id,
    name: tagValue(tags, 'Name') ?? nonEmpty(info.Name),
    platform: platformOf(info.PlatformType, e),
    platformName: nonEmpty(info.PlatformName) ?? nonEmpty(e?.PlatformDetails),
    platformVersion: nonEmpty(info.PlatformVersion),
    pingStatus: pingOf(info.PingStatus),
    lastPingAt: isoDate(info.LastPingDateTime),
    agentVersion: nonEmpty(info.AgentVersion),
    computerName: nonEmpty(info.ComputerName),
    privateIp: nonEmpty(e?.PrivateIpAddress) ?? nonEmpty(info.IPAddress),
    publicIp: nonEmpty(e?.PublicIpAddress),
    state: nonEmpty(e?.State?.Name),
    instanceType: nonEmpty(e?.InstanceType),
    vpcId: nonEmpty(e?.VpcId),
    subnetId: nonEmpty(e?.SubnetId),
    accountId: ec2?.ownerId ?? account,
    region: q.region,
    profile: q.profile,
    managed: true,
    hybrid,
    tags,
  });
}

function fromUnmanaged(record: Ec2Record, q: InventoryQuery, account: string | undefined): Instance {
  const e = record.instance;
  const tags = toTags(e.Tags);
  return compact({
    instanceId: e.InstanceId as string,
    name: tagValue(tags, 'Name'),
    platform: platformOf(undefined, e),
    platformName: nonEmpty(e.PlatformDetails),
    pingStatus: 'NotManaged',
    privateIp: nonEmpty(e.PrivateIpAddress),
    publicIp: nonEmpty(e.PublicIpAddress),
    state: nonEmpty(e.State?.Name),
    instanceType: nonEmpty(e.InstanceType),
    vpcId: nonEmpty(e.VpcId),
    subnetId: nonEmpty(e.SubnetId),
    accountId: record.ownerId ?? account,
    region: q.region,
    profile: q.profile,
    managed: false,
    hybrid: false,
    tags,
  });
}

function isHybrid(info: InstanceInformation): boolean {
  return info.ResourceType === 'ManagedInstance' || (info.InstanceId ?? '').startsWith('mi-');
}

function platformOf(ssmPlatform: string | undefined, e: Ec2Instance | undefined): Platform {
  if (ssmPlatform === 'Linux' || ssmPlatform === 'Windows' || ssmPlatform === 'MacOS') return ssmPlatform;
  if (!e) return 'Unknown';
  if ((e.Platform ?? '').toLowerCase() === 'windows' || /windows/i.test(e.PlatformDetails ?? '')) return 'Windows';
  if (/mac/i.test(e.InstanceType ?? '')) return 'MacOS';
  if (e.PlatformDetails) return 'Linux';
  return 'Unknown';
}

function pingOf(status: string | undefined): PingStatus {
  return status === 'Online' || status === 'ConnectionLost' || status === 'Inactive' ? status : 'Inactive';
}

function toTags(list: readonly { Key?: string; Value?: string }[] | undefined): Tag[] {
  return (list ?? []).filter((t) => t.Key !== undefined).map((t) => ({ key: t.Key as string, value: t.Value ?? '' }));
}

function tagValue(tags: readonly Tag[], key: string): string | undefined {
  return nonEmpty(tags.find((t) => t.key === key)?.value);
}

function isoDate(value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Drops undefined optional fields so objects match the schema exactly (and JSON stays small). */
function compact(instance: { [K in keyof Instance]: Instance[K] | undefined }): Instance {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(instance)) if (v !== undefined) out[k] = v;
  return out as Instance;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** By name (natural order: web-2 before web-10; unnamed last), then by id. */
export function compareInstances(a: Instance, b: Instance): number {
  if (a.name !== undefined && b.name === undefined) return -1;
  if (a.name === undefined && b.name !== undefined) return 1;
  const byName = a.name !== undefined && b.name !== undefined ? collator.compare(a.name, b.name) : 0;
  return byName !== 0 ? byName : a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0;
}

/** True when the instance has every tag of `filters` (a filter without value only needs the key). */
export function matchesTagFilters(instance: Instance, filters: readonly { key: string; value?: string }[]): boolean {
  return filters.every((f) =>
    instance.tags.some((t) => t.key === f.key && (f.value === undefined || t.value === f.value)),
  );
}
