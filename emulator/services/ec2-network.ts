/**
 * EC2 Query operations for the network and instance-profile side of an instance (what the connect doctor reads):
 * DescribeVpcs, DescribeSubnets, DescribeRouteTables, DescribeVpcEndpoints, DescribeSecurityGroups,
 * DescribeVpcAttribute and DescribeIamInstanceProfileAssociations, in the 2016-11-15 XML shapes with EC2's ids,
 * filters, NotFound errors and MaxResults/NextToken rules.
 *
 * The model is the fleet's `network` section plus healthy defaults for every VPC and subnet an instance uses that
 * the section does not describe: DNS support and host names on, an internet gateway, a main route table sending
 * 0.0.0.0/0 to a NAT gateway (so instances with and without public IPs get out), a `default` security group (all outbound; inbound from itself). An instance's security group is its VPC's
 * default group `sg-<the VPC id's hex>` (as DescribeInstances reports it).
 */
import { createHash } from 'node:crypto';
import { AwsError, XML_NS } from '../aws/errors';
import type { OperationContext, QueryOperation } from '../aws/operation';
import { PageTokens, fingerprint } from '../aws/pagination';
import { xmlDocument, type XmlElement } from '../aws/xml';
import type { Fleet } from '../fleet/fleet';
import type { NetworkFile, SecurityGroupRule } from '../fleet/schema';
import { IamModel } from '../iam/model';
import { parseFilters, parseList, wildcardMatcher, type Ec2Filter } from './ec2';

export interface NetVpc {
  id: string;
  region: string;
  accountId: string;
  cidr: string;
  enableDnsSupport: boolean;
  enableDnsHostnames: boolean;
  internetGatewayId?: string;
  tags: Record<string, string>;
}
export interface NetSubnet {
  id: string;
  vpcId: string;
  region: string;
  accountId: string;
  cidr: string;
  availabilityZone: string;
  routeTableId?: string;
  tags: Record<string, string>;
}
export interface NetRoute {
  destination: string;
  target: string;
  state: 'active' | 'blackhole';
}
export interface NetRouteTable {
  id: string;
  vpcId: string;
  region: string;
  accountId: string;
  main: boolean;
  routes: NetRoute[];
  tags: Record<string, string>;
}
export interface NetEndpoint {
  id: string;
  vpcId: string;
  region: string;
  accountId: string;
  serviceName: string;
  type: 'Interface' | 'Gateway';
  privateDnsEnabled: boolean;
  securityGroupIds: string[];
  subnetIds: string[];
  state: string;
}
export interface NetSecurityGroup {
  id: string;
  vpcId: string;
  region: string;
  accountId: string;
  name: string;
  description: string;
  ingress: SecurityGroupRule[];
  egress: SecurityGroupRule[];
}

export interface NetworkModel {
  vpcs: NetVpc[];
  subnets: NetSubnet[];
  routeTables: NetRouteTable[];
  endpoints: NetEndpoint[];
  securityGroups: NetSecurityGroup[];
}

const ALL_OUTBOUND: SecurityGroupRule = { protocol: '-1', cidrs: ['0.0.0.0/0'], groupIds: [] };

function hex(id: string): string {
  return id.slice(id.indexOf('-') + 1);
}

function hash17(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 17);
}

/** The default security group id of a VPC, as DescribeInstances reports an instance's group. */
export function defaultSecurityGroupId(vpcId: string): string {
  return `sg-${vpcId.slice(4, 21)}`;
}

function cidrOf(ip: string, bits: 16 | 24): string {
  const o = ip.split('.');
  return bits === 16 ? `${o[0]}.${o[1]}.0.0/16` : `${o[0]}.${o[1]}.${o[2]}.0/24`;
}

const models = new WeakMap<Fleet, NetworkModel>();

/** Fleet `network` section + healthy defaults for what instances use and the section leaves out. */
export function networkModel(fleet: Fleet): NetworkModel {
  let model = models.get(fleet);
  if (model) return model;
  const file: NetworkFile = fleet.source.network ?? {
    vpcs: [],
    subnets: [],
    routeTables: [],
    vpcEndpoints: [],
    securityGroups: [],
  };
  const account = fleet.accountId;
  const vpcs: NetVpc[] = file.vpcs.map((v) => ({ ...v, accountId: account }));
  const vpcById = new Map(vpcs.map((v) => [v.id, v]));
  const region = (vpcId: string) => vpcById.get(vpcId)?.region ?? 'us-east-1';
  const subnets: NetSubnet[] = file.subnets.map((s) => ({
    ...s,
    region: region(s.vpcId),
    accountId: account,
    availabilityZone: s.availabilityZone ?? `${region(s.vpcId)}a`,
  }));
  const routeTables: NetRouteTable[] = file.routeTables.map((r) => ({
    ...r,
    region: region(r.vpcId),
    accountId: account,
  }));
  const endpoints: NetEndpoint[] = file.vpcEndpoints.map((e) => ({
    id: e.id,
    vpcId: e.vpcId,
    region: region(e.vpcId),
    accountId: account,
    serviceName: e.service.includes('.') ? e.service : `com.amazonaws.${region(e.vpcId)}.${e.service}`,
    type: e.type,
    privateDnsEnabled: e.type === 'Interface' && e.privateDnsEnabled,
    securityGroupIds: e.securityGroupIds,
    subnetIds: e.subnetIds,
    state: e.state,
  }));
  const securityGroups: NetSecurityGroup[] = file.securityGroups.map((g) => ({
    ...g,
    region: region(g.vpcId),
    accountId: account,
  }));
  const subnetIds = new Set(subnets.map((s) => s.id));
  for (const instance of fleet.instances) {
    const ec2 = instance.ec2;
    if (!ec2) continue;
    if (!vpcById.has(ec2.vpcId)) {
      const h = hex(ec2.vpcId);
      const vpc: NetVpc = {
        id: ec2.vpcId,
        region: instance.region,
        accountId: instance.accountId,
        cidr: cidrOf(instance.privateIp, 16),
        enableDnsSupport: true,
        enableDnsHostnames: true,
        internetGatewayId: `igw-${hash17(`igw:${h}`)}`,
        tags: {},
      };
      vpcs.push(vpc);
      vpcById.set(vpc.id, vpc);
      routeTables.push({
        id: `rtb-${hash17(`rtb:${h}`)}`,
        vpcId: vpc.id,
        region: vpc.region,
        accountId: vpc.accountId,
        main: true,
        routes: [{ destination: '0.0.0.0/0', target: `nat-${hash17(`nat:${h}`)}`, state: 'active' }],
        tags: {},
      });
    }
    if (!subnetIds.has(ec2.subnetId)) {
      subnetIds.add(ec2.subnetId);
      subnets.push({
        id: ec2.subnetId,
        vpcId: ec2.vpcId,
        region: instance.region,
        accountId: instance.accountId,
        cidr: cidrOf(instance.privateIp, 24),
        availabilityZone: ec2.availabilityZone,
        tags: {},
      });
    }
  }
  for (const vpc of vpcs) {
    const sg = defaultSecurityGroupId(vpc.id);
    if (!securityGroups.some((g) => g.id === sg)) {
      securityGroups.push({
        id: sg,
        vpcId: vpc.id,
        region: vpc.region,
        accountId: vpc.accountId,
        name: 'default',
        description: 'default VPC security group',
        ingress: [{ protocol: '-1', cidrs: [], groupIds: [sg] }],
        egress: [ALL_OUTBOUND],
      });
    }
  }
  model = { vpcs, subnets, routeTables, endpoints, securityGroups };
  models.set(fleet, model);
  return model;
}

// ---- request helpers ----

function dryRun(params: URLSearchParams): void {
  if (params.get('DryRun') === 'true')
    throw new AwsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
}

function tagSet(tags: Record<string, string>): XmlElement[] | undefined {
  const entries = Object.entries(tags);
  return entries.length > 0 ? entries.map(([key, value]) => ({ key, value })) : undefined;
}

function tagsOf(item: object): Record<string, string> {
  return (item as { tags?: Record<string, string> }).tags ?? {};
}

type FieldReader<T> = (item: T) => string | string[] | undefined;

function applyFilters<T extends object>(items: T[], filters: Ec2Filter[], fields: Record<string, FieldReader<T>>): T[] {
  const predicates = filters.map((f) => {
    const match = wildcardMatcher(f.values);
    if (f.name.startsWith('tag:') && f.name.length > 4) {
      const key = f.name.slice(4);
      return (i: T) => {
        const tags = tagsOf(i);
        return Object.hasOwn(tags, key) && match(tags[key]);
      };
    }
    if (f.name === 'tag-key') return (i: T) => Object.keys(tagsOf(i)).some((k) => match(k));
    const read = fields[f.name];
    if (!read) throw new AwsError('InvalidParameterValue', `The filter '${f.name}' is invalid`);
    return (i: T) => {
      const v = read(i);
      return Array.isArray(v) ? v.some((x) => match(x)) : match(v);
    };
  });
  return items.filter((i) => predicates.every((p) => p(i)));
}

function byIds<T extends { id: string }>(items: T[], ids: string[], notFound: (id: string) => AwsError): T[] {
  if (ids.length === 0) return items;
  for (const id of ids) if (!items.some((i) => i.id === id)) throw notFound(id);
  return items.filter((i) => ids.includes(i.id));
}

function paginate<T>(
  items: T[],
  params: URLSearchParams,
  tokens: PageTokens,
  fp: string,
  limits: { min: number; max: number; idsGiven: boolean; clamp?: boolean },
): { page: T[]; nextToken?: string } {
  const text = params.get('MaxResults');
  let max: number | undefined;
  if (text !== null) {
    if (limits.idsGiven)
      throw new AwsError(
        'InvalidParameterCombination',
        'The parameter ids cannot be used with the parameter maxResults',
      );
    max = Number(text);
    if (limits.clamp && Number.isInteger(max) && max > limits.max) max = limits.max;
    if (!Number.isInteger(max) || max < limits.min || max > limits.max)
      throw new AwsError(
        'InvalidParameterValue',
        `Value ( ${text} ) for parameter maxResults is invalid. Expecting a value between ${limits.min} and ${limits.max}.`,
      );
  }
  let start = 0;
  const token = params.get('NextToken');
  if (token !== null && token !== '') {
    const position = tokens.decode(token, fp);
    if (position === undefined || position > items.length)
      throw new AwsError('InvalidPaginationToken', 'Invalid pagination token');
    start = position;
  }
  if (max === undefined) return { page: items.slice(start) };
  const end = start + max;
  return { page: items.slice(start, end), ...(end < items.length ? { nextToken: tokens.encode(end, fp) } : {}) };
}

function scoped<T extends { region: string; accountId: string }>(items: T[], ctx: OperationContext): T[] {
  return items.filter((i) => i.region === ctx.region && i.accountId === ctx.caller.accountId);
}

function ruleXml(rule: SecurityGroupRule, ownerId: string): XmlElement {
  const ports = rule.protocol === '-1' ? {} : { fromPort: rule.fromPort ?? -1, toPort: rule.toPort ?? -1 };
  return {
    ipProtocol: rule.protocol,
    ...ports,
    groups: rule.groupIds.map((groupId) => ({ userId: ownerId, groupId })),
    ipRanges: rule.cidrs.filter((c) => !c.includes(':')).map((cidrIp) => ({ cidrIp })),
    ipv6Ranges: rule.cidrs.filter((c) => c.includes(':')).map((cidrIpv6) => ({ cidrIpv6 })),
    prefixListIds: [],
  };
}

export function createEc2NetworkOperations(tokens: PageTokens): Record<string, QueryOperation> {
  const describeVpcs: QueryOperation = (params, ctx) => {
    const ids = parseList(params, 'VpcId');
    const filters = parseFilters(params);
    dryRun(params);
    const all = scoped(networkModel(ctx.fleet).vpcs, ctx);
    const selected = applyFilters(
      byIds(all, ids, (id) => new AwsError('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`)),
      filters,
      {
        'vpc-id': (v) => v.id,
        cidr: (v) => v.cidr,
        'cidr-block-association.cidr-block': (v) => v.cidr,
        state: () => 'available',
        'is-default': () => 'false',
        'owner-id': (v) => v.accountId,
      },
    );
    const fp = fingerprint('ec2:dv', ctx.caller.accountId, ctx.region, ids, filters);
    const { page, nextToken } = paginate(selected, params, tokens, fp, { min: 5, max: 1000, idsGiven: ids.length > 0 });
    return xmlDocument('DescribeVpcsResponse', XML_NS.ec2, {
      requestId: ctx.requestId,
      vpcSet: page.map((v) => ({
        vpcId: v.id,
        ownerId: v.accountId,
        state: 'available',
        cidrBlock: v.cidr,
        cidrBlockAssociationSet: [
          {
            cidrBlock: v.cidr,
            associationId: `vpc-cidr-assoc-${hash17(v.id)}`,
            cidrBlockState: { state: 'associated' },
          },
        ],
        dhcpOptionsId: `dopt-${hash17(`dopt:${v.region}`)}`,
        tagSet: tagSet(v.tags),
        instanceTenancy: 'default',
        isDefault: false,
      })),
      nextToken,
    });
  };

  const describeSubnets: QueryOperation = (params, ctx) => {
    const ids = parseList(params, 'SubnetId');
    const filters = parseFilters(params);
    dryRun(params);
    const all = scoped(networkModel(ctx.fleet).subnets, ctx);
    const selected = applyFilters(
      byIds(all, ids, (id) => new AwsError('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`)),
      filters,
      {
        'subnet-id': (s) => s.id,
        'vpc-id': (s) => s.vpcId,
        'availability-zone': (s) => s.availabilityZone,
        'cidr-block': (s) => s.cidr,
        state: () => 'available',
        'owner-id': (s) => s.accountId,
      },
    );
    const fp = fingerprint('ec2:ds', ctx.caller.accountId, ctx.region, ids, filters);
    const { page, nextToken } = paginate(selected, params, tokens, fp, { min: 5, max: 1000, idsGiven: ids.length > 0 });
    return xmlDocument('DescribeSubnetsResponse', XML_NS.ec2, {
      requestId: ctx.requestId,
      subnetSet: page.map((s) => ({
        subnetId: s.id,
        subnetArn: `arn:aws:ec2:${s.region}:${s.accountId}:subnet/${s.id}`,
        state: 'available',
        ownerId: s.accountId,
        vpcId: s.vpcId,
        cidrBlock: s.cidr,
        ipv6CidrBlockAssociationSet: [],
        availableIpAddressCount: s.cidr.endsWith('/24') ? 251 : 4091,
        availabilityZone: s.availabilityZone,
        availabilityZoneId: `${s.region.split('-')[0]}${s.region.split('-')[1]?.[0] ?? ''}${s.region.split('-')[2]}-az${'abcdef'.indexOf(s.availabilityZone.slice(-1)) + 1}`,
        defaultForAz: false,
        mapPublicIpOnLaunch: false,
        tagSet: tagSet(s.tags),
      })),
      nextToken,
    });
  };

  const describeRouteTables: QueryOperation = (params, ctx) => {
    const ids = parseList(params, 'RouteTableId');
    const filters = parseFilters(params);
    dryRun(params);
    const model = networkModel(ctx.fleet);
    const all = scoped(model.routeTables, ctx);
    const subnetsOf = (rt: NetRouteTable) =>
      // Only explicit associations are listed (subnets on the main table implicitly are not), as in EC2.
      model.subnets.filter((s) => s.vpcId === rt.vpcId && s.routeTableId === rt.id).map((s) => s.id);
    const selected = applyFilters(
      byIds(all, ids, (id) => new AwsError('InvalidRouteTableID.NotFound', `The routeTable ID '${id}' does not exist`)),
      filters,
      {
        'route-table-id': (r) => r.id,
        'vpc-id': (r) => r.vpcId,
        'association.subnet-id': (r) => subnetsOf(r),
        'association.main': (r) => String(r.main),
        'association.route-table-id': (r) => r.id,
        'owner-id': (r) => r.accountId,
        'route.gateway-id': (r) => r.routes.filter((x) => x.target.startsWith('igw-')).map((x) => x.target),
        'route.nat-gateway-id': (r) => r.routes.filter((x) => x.target.startsWith('nat-')).map((x) => x.target),
      },
    );
    const fp = fingerprint('ec2:drt', ctx.caller.accountId, ctx.region, ids, filters);
    const { page, nextToken } = paginate(selected, params, tokens, fp, { min: 5, max: 100, idsGiven: ids.length > 0 });
    return xmlDocument('DescribeRouteTablesResponse', XML_NS.ec2, {
      requestId: ctx.requestId,
      routeTableSet: page.map((r) => {
        const vpc = model.vpcs.find((v) => v.id === r.vpcId);
        const associations: XmlElement[] = [];
        if (r.main)
          associations.push({
            main: true,
            routeTableAssociationId: `rtbassoc-${hash17(`${r.id}:main`)}`,
            routeTableId: r.id,
            associationState: { state: 'associated' },
          });
        for (const subnetId of subnetsOf(r)) {
          associations.push({
            main: false,
            routeTableAssociationId: `rtbassoc-${hash17(`${r.id}:${subnetId}`)}`,
            routeTableId: r.id,
            subnetId,
            associationState: { state: 'associated' },
          });
        }
        return {
          routeTableId: r.id,
          vpcId: r.vpcId,
          ownerId: r.accountId,
          routeSet: [
            {
              destinationCidrBlock: vpc?.cidr ?? '10.0.0.0/16',
              gatewayId: 'local',
              state: 'active',
              origin: 'CreateRouteTable',
            },
            ...r.routes.map((route) => ({
              destinationCidrBlock: route.destination,
              ...(route.target.startsWith('nat-')
                ? { natGatewayId: route.target }
                : route.target.startsWith('pcx-')
                  ? { vpcPeeringConnectionId: route.target }
                  : route.target.startsWith('tgw-')
                    ? { transitGatewayId: route.target }
                    : route.target.startsWith('eni-')
                      ? { networkInterfaceId: route.target }
                      : { gatewayId: route.target }),
              state: route.state,
              origin: 'CreateRoute',
            })),
          ],
          associationSet: associations,
          propagatingVgwSet: [],
          tagSet: tagSet(r.tags),
        };
      }),
      nextToken,
    });
  };

  const describeVpcEndpoints: QueryOperation = (params, ctx) => {
    const ids = parseList(params, 'VpcEndpointId');
    const filters = parseFilters(params);
    dryRun(params);
    const model = networkModel(ctx.fleet);
    const all = scoped(model.endpoints, ctx);
    const selected = applyFilters(
      byIds(
        all,
        ids,
        (id) => new AwsError('InvalidVpcEndpointId.NotFound', `The Vpc Endpoint Id '${id}' does not exist`),
      ),
      filters,
      {
        'vpc-endpoint-id': (e) => e.id,
        'vpc-id': (e) => e.vpcId,
        'service-name': (e) => e.serviceName,
        'vpc-endpoint-state': (e) => e.state,
        'vpc-endpoint-type': (e) => e.type,
      },
    );
    const fp = fingerprint('ec2:dvpce', ctx.caller.accountId, ctx.region, ids, filters);
    const { page, nextToken } = paginate(selected, params, tokens, fp, {
      min: 1,
      max: 1000,
      idsGiven: false,
      clamp: true,
    });
    return xmlDocument('DescribeVpcEndpointsResponse', XML_NS.ec2, {
      requestId: ctx.requestId,
      vpcEndpointSet: page.map((e) => ({
        vpcEndpointId: e.id,
        vpcEndpointType: e.type,
        vpcId: e.vpcId,
        serviceName: e.serviceName,
        state: e.state,
        policyDocument: JSON.stringify({
          Statement: [{ Action: '*', Effect: 'Allow', Principal: '*', Resource: '*' }],
        }),
        routeTableIdSet: [],
        subnetIdSet: e.subnetIds,
        groupSet: e.securityGroupIds.map((groupId) => ({
          groupId,
          groupName: model.securityGroups.find((g) => g.id === groupId)?.name ?? groupId,
        })),
        ipAddressType: 'ipv4',
        dnsOptions: { dnsRecordIpType: 'ipv4' },
        privateDnsEnabled: e.privateDnsEnabled,
        requesterManaged: false,
        networkInterfaceIdSet: e.subnetIds.map((s) => `eni-${hash17(`${e.id}:${s}`)}`),
        dnsEntrySet: [
          {
            dnsName: `${e.id}-${hash17(e.id).slice(0, 8)}.${e.serviceName.split('.').pop()}.${e.region}.vpce.amazonaws.com`,
            hostedZoneId: 'Z7HUB22UULQXV',
          },
          ...(e.privateDnsEnabled
            ? [
                {
                  dnsName: `${e.serviceName.split('.').pop()}.${e.region}.amazonaws.com`,
                  hostedZoneId: 'ZONEIDPENDING',
                },
              ]
            : []),
        ],
        creationTimestamp: '2024-02-01T10:00:00.000Z',
        ownerId: e.accountId,
      })),
      nextToken,
    });
  };

  const describeSecurityGroups: QueryOperation = (params, ctx) => {
    const ids = parseList(params, 'GroupId');
    const names = parseList(params, 'GroupName');
    const filters = parseFilters(params);
    dryRun(params);
    const all = scoped(networkModel(ctx.fleet).securityGroups, ctx);
    let chosen = byIds(
      all,
      ids,
      (id) => new AwsError('InvalidGroup.NotFound', `The security group '${id}' does not exist`),
    );
    if (names.length > 0) {
      for (const n of names) {
        if (!chosen.some((g) => g.name === n))
          throw new AwsError('InvalidGroup.NotFound', `The security group '${n}' does not exist in default VPC 'none'`);
      }
      chosen = chosen.filter((g) => names.includes(g.name));
    }
    const selected = applyFilters(chosen, filters, {
      'group-id': (g) => g.id,
      'group-name': (g) => g.name,
      'vpc-id': (g) => g.vpcId,
      'owner-id': (g) => g.accountId,
      description: (g) => g.description,
    });
    const fp = fingerprint('ec2:dsg', ctx.caller.accountId, ctx.region, ids, names, filters);
    const { page, nextToken } = paginate(selected, params, tokens, fp, {
      min: 5,
      max: 1000,
      idsGiven: ids.length > 0 || names.length > 0,
    });
    return xmlDocument('DescribeSecurityGroupsResponse', XML_NS.ec2, {
      requestId: ctx.requestId,
      securityGroupInfo: page.map((g) => ({
        ownerId: g.accountId,
        groupId: g.id,
        groupName: g.name,
        groupDescription: g.description,
        vpcId: g.vpcId,
        ipPermissions: g.ingress.map((r) => ruleXml(r, g.accountId)),
        ipPermissionsEgress: g.egress.map((r) => ruleXml(r, g.accountId)),
        securityGroupArn: `arn:aws:ec2:${g.region}:${g.accountId}:security-group/${g.id}`,
      })),
      nextToken,
    });
  };

  const describeVpcAttribute: QueryOperation = (params, ctx) => {
    const vpcId = params.get('VpcId');
    if (!vpcId) throw new AwsError('MissingParameter', 'The request must contain the parameter vpcId');
    const attribute = params.get('Attribute');
    if (!attribute) throw new AwsError('MissingParameter', 'The request must contain the parameter attribute');
    if (!['enableDnsSupport', 'enableDnsHostnames', 'enableNetworkAddressUsageMetrics'].includes(attribute))
      throw new AwsError(
        'InvalidParameterValue',
        `Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`,
      );
    dryRun(params);
    const vpc = scoped(networkModel(ctx.fleet).vpcs, ctx).find((v) => v.id === vpcId);
    if (!vpc) throw new AwsError('InvalidVpcID.NotFound', `The vpc ID '${vpcId}' does not exist`);
    const value =
      attribute === 'enableDnsSupport'
        ? vpc.enableDnsSupport
        : attribute === 'enableDnsHostnames'
          ? vpc.enableDnsHostnames
          : false;
    return xmlDocument('DescribeVpcAttributeResponse', XML_NS.ec2, {
      requestId: ctx.requestId,
      vpcId,
      [attribute]: { value },
    });
  };

  const describeIamInstanceProfileAssociations: QueryOperation = (params, ctx) => {
    const ids = parseList(params, 'AssociationId');
    const filters = parseFilters(params);
    dryRun(params);
    const iam = IamModel.of(ctx.fleet);
    const associations = ctx.fleet
      .ec2Instances(ctx.caller.accountId, ctx.region)
      .filter((i) => i.ec2?.iamInstanceProfile && i.ec2.state !== 'terminated')
      .map((i) => {
        const name = i.ec2!.iamInstanceProfile!;
        const profile = iam.instanceProfile(name);
        return {
          id: `iip-assoc-${hash17(`${i.id}:${name}`)}`,
          instanceId: i.id,
          arn: profile?.arn ?? `arn:aws:iam::${i.accountId}:instance-profile/${name}`,
          profileId: profile?.id ?? `AIPA${hash17(name).toUpperCase()}`,
        };
      });
    const selected = applyFilters(
      byIds(
        associations,
        ids,
        (id) => new AwsError('InvalidAssociationID.NotFound', `An association with ID '${id}' does not exist`),
      ),
      filters,
      { 'instance-id': (a) => a.instanceId, state: () => 'associated' },
    );
    const fp = fingerprint('ec2:diipa', ctx.caller.accountId, ctx.region, ids, filters);
    const { page, nextToken } = paginate(selected, params, tokens, fp, { min: 5, max: 1000, idsGiven: ids.length > 0 });
    return xmlDocument('DescribeIamInstanceProfileAssociationsResponse', XML_NS.ec2, {
      requestId: ctx.requestId,
      iamInstanceProfileAssociationSet: page.map((a) => ({
        associationId: a.id,
        instanceId: a.instanceId,
        iamInstanceProfile: { arn: a.arn, id: a.profileId },
        state: 'associated',
      })),
      nextToken,
    });
  };

  return {
    DescribeVpcs: describeVpcs,
    DescribeSubnets: describeSubnets,
    DescribeRouteTables: describeRouteTables,
    DescribeVpcEndpoints: describeVpcEndpoints,
    DescribeSecurityGroups: describeSecurityGroups,
    DescribeVpcAttribute: describeVpcAttribute,
    DescribeIamInstanceProfileAssociations: describeIamInstanceProfileAssociations,
  };
}
