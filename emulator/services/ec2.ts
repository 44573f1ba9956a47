/**
 * EC2 Query API (`Action=...&Version=2016-11-15`, XML responses in the 2016-11-15 namespace):
 * DescribeInstances and DescribeRegions with EC2's filter, wildcard and pagination rules, and GetPasswordData.
 */
import { constants, publicEncrypt } from 'node:crypto';
import { AwsError, XML_NS } from '../aws/errors';
import type { QueryOperation } from '../aws/operation';
import { PageTokens, fingerprint } from '../aws/pagination';
import { RawXml, xmlChildren, xmlDocument, type XmlElement } from '../aws/xml';
import type { FleetInstance } from '../fleet/fleet';
import type { Ec2State } from '../fleet/schema';

export const EC2_MIN_MAX_RESULTS = 5;
export const EC2_MAX_MAX_RESULTS = 1000;

const STATE_CODES: Record<Ec2State, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

/** Regions enabled by default in a commercial account (DescribeRegions without AllRegions). */
const DEFAULT_REGIONS = [
  'ap-south-1',
  'eu-north-1',
  'eu-west-3',
  'eu-west-2',
  'eu-west-1',
  'ap-northeast-3',
  'ap-northeast-2',
  'ap-northeast-1',
  'ca-central-1',
  'sa-east-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'eu-central-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];
const OPT_IN_REGIONS = [
  'af-south-1',
  'ap-east-1',
  'ap-south-2',
  'ap-southeast-3',
  'eu-south-1',
  'me-south-1',
  'me-central-1',
];

export interface Ec2Filter {
  name: string;
  values: string[];
}

/** `Filter.N.Name` / `Filter.N.Value.M` -> filters, in index order. */
export function parseFilters(params: URLSearchParams): Ec2Filter[] {
  const byIndex = new Map<number, { name?: string; values: Map<number, string> }>();
  for (const [key, value] of params) {
    const m = /^Filter\.(\d+)\.(Name|Value\.(\d+))$/.exec(key);
    if (!m) continue;
    const index = Number(m[1]);
    let entry = byIndex.get(index);
    if (!entry) byIndex.set(index, (entry = { values: new Map() }));
    if (m[2] === 'Name') entry.name = value;
    else entry.values.set(Number(m[3]), value);
  }
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, e]) => {
      if (e.name === undefined) throw new AwsError('InvalidParameterValue', 'The filter name must be specified.');
      return { name: e.name, values: [...e.values.entries()].sort(([a], [b]) => a - b).map(([, v]) => v) };
    });
}

/** `Prefix.1`, `Prefix.2`, ... in index order. */
export function parseList(params: URLSearchParams, prefix: string): string[] {
  const items: Array<[number, string]> = [];
  const pattern = new RegExp(`^${prefix}\\.(\\d+)$`);
  for (const [key, value] of params) {
    const m = pattern.exec(key);
    if (m) items.push([Number(m[1]), value]);
  }
  return items.sort(([a], [b]) => a - b).map(([, v]) => v);
}

/** EC2 filter values accept `*` (any run) and `?` (one character) wildcards; `\` escapes them. */
export function wildcardMatcher(values: string[]): (candidate: string | undefined) => boolean {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const value of values) {
    if (!/[*?]/.test(value)) {
      exact.add(value.replace(/\\(.)/g, '$1'));
      continue;
    }
    let source = '';
    for (let i = 0; i < value.length; i++) {
      const c = value[i]!;
      if (c === '\\' && i + 1 < value.length) source += value[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      else if (c === '*') source += '[\\s\\S]*';
      else if (c === '?') source += '[\\s\\S]';
      else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    patterns.push(new RegExp(`^${source}$`, 'u'));
  }
  return (candidate) => candidate !== undefined && (exact.has(candidate) || patterns.some((p) => p.test(candidate)));
}

type Predicate = (instance: FleetInstance) => boolean;

function instanceFilter(filter: Ec2Filter): Predicate {
  const match = wildcardMatcher(filter.values);
  const ec2 =
    (f: (i: FleetInstance) => string | undefined): Predicate =>
    (i) =>
      match(f(i));
  switch (filter.name) {
    case 'instance-id':
      return ec2((i) => i.id);
    case 'instance-state-name':
      return ec2((i) => i.ec2?.state);
    case 'instance-state-code':
      return ec2((i) => (i.ec2 ? String(STATE_CODES[i.ec2.state]) : undefined));
    case 'platform':
      return ec2((i) => i.ec2?.platform);
    case 'platform-details':
      return ec2((i) => i.ec2?.platformDetails);
    case 'instance-type':
      return ec2((i) => i.ec2?.instanceType);
    case 'vpc-id':
      return ec2((i) => i.ec2?.vpcId);
    case 'subnet-id':
      return ec2((i) => i.ec2?.subnetId);
    case 'availability-zone':
      return ec2((i) => i.ec2?.availabilityZone);
    case 'image-id':
      return ec2((i) => i.ec2?.imageId);
    case 'architecture':
      return ec2((i) => i.ec2?.architecture);
    case 'reservation-id':
      return ec2((i) => i.ec2?.reservationId);
    case 'key-name':
      return ec2((i) => i.ec2?.keyName);
    case 'owner-id':
      return ec2((i) => i.accountId);
    case 'private-ip-address':
    case 'network-interface.addresses.private-ip-address':
      return ec2((i) => i.privateIp);
    case 'ip-address':
      return ec2((i) => i.publicIp);
    case 'private-dns-name':
      return ec2((i) => i.ec2?.privateDnsName);
    case 'dns-name':
      return ec2((i) => i.ec2?.publicDnsName);
    case 'tag-key':
      return (i) => i.tags.some((t) => match(t.key));
    case 'tag-value':
      return (i) => i.tags.some((t) => match(t.value));
    default:
      if (filter.name.startsWith('tag:') && filter.name.length > 4) {
        const key = filter.name.slice(4);
        return (i) => i.tags.some((t) => t.key === key && match(t.value));
      }
      throw new AwsError('InvalidParameterValue', `The filter '${filter.name}' is invalid`);
  }
}

function instanceXml(i: FleetInstance): XmlElement {
  const e = i.ec2!;
  const running = e.state === 'running';
  return {
    instanceId: i.id,
    imageId: e.imageId,
    instanceState: { code: STATE_CODES[e.state], name: e.state },
    privateDnsName: e.privateDnsName,
    dnsName: running ? (e.publicDnsName ?? '') : '',
    reason: e.state === 'stopped' ? 'User initiated' : '',
    keyName: e.keyName,
    amiLaunchIndex: 0,
    productCodes: [],
    instanceType: e.instanceType,
    launchTime: e.launchTime.toISOString(),
    placement: { availabilityZone: e.availabilityZone, groupName: '', tenancy: 'default' },
    platform: e.platform,
    monitoring: { state: 'disabled' },
    subnetId: e.subnetId,
    vpcId: e.vpcId,
    privateIpAddress: i.privateIp,
    ipAddress: running ? i.publicIp : undefined,
    sourceDestCheck: true,
    groupSet: [{ groupId: `sg-${e.vpcId.slice(4, 21)}`, groupName: 'default' }],
    architecture: e.architecture,
    rootDeviceType: 'ebs',
    rootDeviceName: e.platform === 'windows' ? '/dev/sda1' : '/dev/xvda',
    blockDeviceMapping: [],
    virtualizationType: 'hvm',
    clientToken: '',
    tagSet: i.tags.length > 0 ? i.tags.map((t) => ({ key: t.key, value: t.value })) : undefined,
    hypervisor: 'xen',
    networkInterfaceSet: [],
    iamInstanceProfile: e.iamInstanceProfile
      ? {
          arn: `arn:aws:iam::${i.accountId}:instance-profile/${e.iamInstanceProfile}`,
          id: `AIPA${i.id.slice(2, 19).toUpperCase()}`,
        }
      : undefined,
    ebsOptimized: false,
    enaSupport: true,
    cpuOptions: { coreCount: 1, threadsPerCore: 2 },
    metadataOptions: { state: 'applied', httpTokens: 'required', httpPutResponseHopLimit: 2, httpEndpoint: 'enabled' },
    platformDetails: e.platformDetails,
    usageOperation: e.platform === 'windows' ? 'RunInstances:0002' : 'RunInstances',
    usageOperationUpdateTime: e.launchTime.toISOString(),
    privateDnsNameOptions: {
      hostnameType: 'ip-name',
      enableResourceNameDnsARecord: false,
      enableResourceNameDnsAAAARecord: false,
    },
    currentInstanceBootMode: 'legacy-bios',
  };
}

/** EC2 attributes of an instance do not change while the emulator runs: serialise each reservation once. */
const reservationCache = new WeakMap<FleetInstance, RawXml>();

function reservationXml(instance: FleetInstance): RawXml {
  let cached = reservationCache.get(instance);
  if (!cached) {
    const element: XmlElement = {
      reservationId: instance.ec2!.reservationId,
      ownerId: instance.accountId,
      groupSet: [],
      instancesSet: [instanceXml(instance)],
    };
    cached = new RawXml(xmlChildren(element).join(''));
    reservationCache.set(instance, cached);
  }
  return cached;
}

function dryRun(params: URLSearchParams): void {
  if (params.get('DryRun') === 'true') {
    throw new AwsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
  }
}

export function createEc2Operations(tokens: PageTokens): Record<string, QueryOperation> {
  const describeInstances: QueryOperation = (params, ctx) => {
    const ids = parseList(params, 'InstanceId');
    const filters = parseFilters(params);
    const maxText = params.get('MaxResults');
    let max: number | undefined;
    if (maxText !== null) {
      if (ids.length > 0) {
        throw new AwsError(
          'InvalidParameterCombination',
          'The parameter instancesSet cannot be used with the parameter maxResults',
        );
      }
      max = Number(maxText);
      if (!Number.isInteger(max) || max < EC2_MIN_MAX_RESULTS || max > EC2_MAX_MAX_RESULTS) {
        throw new AwsError(
          'InvalidParameterValue',
          `Value ( ${maxText} ) for parameter maxResults is invalid. Expecting a value between ${EC2_MIN_MAX_RESULTS} and ${EC2_MAX_MAX_RESULTS}.`,
        );
      }
    }
    const malformed = ids.filter((id) => !/^i-[0-9a-f]{8}([0-9a-f]{9})?$/.test(id));
    if (malformed.length > 0) throw new AwsError('InvalidInstanceID.Malformed', `Invalid id: "${malformed[0]}"`);
    const predicates = filters.map(instanceFilter);
    dryRun(params);

    const instances = ctx.fleet.ec2Instances(ctx.caller.accountId, ctx.region);
    if (ids.length > 0) {
      const missing = ids.filter((id) => {
        const found = ctx.fleet.get(id);
        return !found || found.hybrid || found.accountId !== ctx.caller.accountId || found.region !== ctx.region;
      });
      if (missing.length === 1) {
        throw new AwsError('InvalidInstanceID.NotFound', `The instance ID '${missing[0]}' does not exist`);
      }
      if (missing.length > 1) {
        throw new AwsError('InvalidInstanceID.NotFound', `The instance IDs '${missing.join(', ')}' do not exist`);
      }
      const wanted = new Set(ids);
      predicates.push((i) => wanted.has(i.id));
    }

    const fp = fingerprint('ec2:di', ctx.caller.accountId, ctx.region, ids, filters);
    let start = 0;
    const token = params.get('NextToken');
    if (token !== null && token !== '') {
      const position = tokens.decode(token, fp);
      if (position === undefined || position > instances.length) {
        throw new AwsError('InvalidPaginationToken', `Invalid pagination token`);
      }
      start = position;
    }
    const reservations: RawXml[] = [];
    let next: number | undefined;
    for (let index = start; index < instances.length; index++) {
      const instance = instances[index]!;
      if (!predicates.every((p) => p(instance))) continue;
      if (max !== undefined && reservations.length === max) {
        next = index;
        break;
      }
      reservations.push(reservationXml(instance));
    }
    return xmlDocument('DescribeInstancesResponse', XML_NS.ec2, {
      requestId: ctx.requestId,
      reservationSet: reservations,
      nextToken: next !== undefined ? tokens.encode(next, fp) : undefined,
    });
  };

  const describeRegions: QueryOperation = (params, ctx) => {
    const all = params.get('AllRegions') === 'true';
    const names = parseList(params, 'RegionName');
    const filters = parseFilters(params);
    const fleetRegions = ctx.fleet.regions();
    const known = [...new Set([...DEFAULT_REGIONS, ...fleetRegions])];
    const regions = [
      ...known.map((name) => ({ name, optIn: 'opt-in-not-required' })),
      ...OPT_IN_REGIONS.filter((n) => !known.includes(n)).map((name) => ({ name, optIn: 'not-opted-in' })),
    ];
    for (const name of names) {
      if (!regions.some((r) => r.name === name)) throw new AwsError('InvalidParameterValue', `Invalid region: ${name}`);
    }
    const predicates = filters.map((f) => {
      const match = wildcardMatcher(f.values);
      switch (f.name) {
        case 'region-name':
          return (r: { name: string; optIn: string }) => match(r.name);
        case 'endpoint':
          return (r: { name: string; optIn: string }) => match(`ec2.${r.name}.amazonaws.com`);
        case 'opt-in-status':
          return (r: { name: string; optIn: string }) => match(r.optIn);
        default:
          throw new AwsError('InvalidParameterValue', `The filter '${f.name}' is invalid`);
      }
    });
    dryRun(params);
    const selected = regions.filter(
      (r) =>
        (all || names.length > 0 || r.optIn !== 'not-opted-in') &&
        (names.length === 0 || names.includes(r.name)) &&
        predicates.every((p) => p(r)),
    );
    return xmlDocument('DescribeRegionsResponse', XML_NS.ec2, {
      requestId: ctx.requestId,
      regionInfo: selected.map((r) => ({
        regionName: r.name,
        regionEndpoint: `ec2.${r.name}.amazonaws.com`,
        optInStatus: r.optIn,
      })),
    });
  };

  /**
   * The Windows administrator password, encrypted with the instance's key pair (RSA, PKCS#1 v1.5 padding) and
   * base64-encoded, as EC2Launch leaves it. Empty when there is none (not Windows, no key pair, not set yet).
   * Encrypted once per instance, so repeated calls return the same data as EC2 does.
   */
  const getPasswordData: QueryOperation = (params, ctx) => {
    const id = params.get('InstanceId');
    if (id === null || id === '')
      throw new AwsError('MissingParameter', 'The request must contain the parameter InstanceId');
    if (!/^i-[0-9a-f]{8}([0-9a-f]{9})?$/.test(id))
      throw new AwsError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
    const instance = ctx.fleet.get(id);
    if (!instance?.ec2 || instance.accountId !== ctx.caller.accountId || instance.region !== ctx.region) {
      throw new AwsError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    }
    dryRun(params);
    const data = passwordData(instance);
    return xmlDocument('GetPasswordDataResponse', XML_NS.ec2, {
      requestId: ctx.requestId,
      instanceId: id,
      timestamp: new Date(instance.ec2.launchTime.getTime() + (data ? 4 * 60_000 : 0)).toISOString(),
      passwordData: data,
    });
  };

  return { DescribeInstances: describeInstances, DescribeRegions: describeRegions, GetPasswordData: getPasswordData };
}

const passwordCache = new WeakMap<FleetInstance, string>();

function passwordData(instance: FleetInstance): string {
  const { windowsPassword, keyPairPublicKey } = instance.spec;
  if (instance.ec2?.platform !== 'windows' || !windowsPassword || !keyPairPublicKey || !instance.ec2.keyName) return '';
  let cached = passwordCache.get(instance);
  if (cached === undefined) {
    cached = publicEncrypt(
      { key: keyPairPublicKey, padding: constants.RSA_PKCS1_PADDING },
      Buffer.from(windowsPassword, 'utf8'),
    ).toString('base64');
    passwordCache.set(instance, cached);
  }
  return cached;
}

/** Used by the STS/EC2 dispatch to refuse an unknown Action the way EC2 does. */
export function unknownEc2Action(action: string): AwsError {
  return new AwsError('InvalidAction', `The action ${action} is not valid for this web service.`);
}
