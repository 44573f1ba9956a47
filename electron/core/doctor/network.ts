/**
 * Pure network reasoning of the connect doctor: CIDR arithmetic, the subnet's way out, and which security group
 * rules let HTTPS through. Inputs are SDK shapes (EC2 DescribeRouteTables, DescribeSecurityGroups, ...).
 */
import type { IpPermission, RouteTable, SecurityGroup, VpcEndpoint } from '@aws-sdk/client-ec2';

export const SSM_ENDPOINT_SERVICES = ['ssm', 'ssmmessages', 'ec2messages'] as const;
export type SsmEndpointService = (typeof SSM_ENDPOINT_SERVICES)[number];

function ipToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!/^\d{1,3}$/.test(p) || v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

function parseCidr(cidr: string): { base: number; bits: number } | undefined {
  const [ip, bitsText] = cidr.split('/');
  const base = ipToInt(ip ?? '');
  const bits = Number(bitsText ?? '32');
  if (base === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return undefined;
  return { base, bits };
}

function mask(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

export function cidrContainsIp(cidr: string, ip: string): boolean {
  const c = parseCidr(cidr);
  const i = ipToInt(ip);
  if (!c || i === undefined) return false;
  return (c.base & mask(c.bits)) >>> 0 === (i & mask(c.bits)) >>> 0;
}

/** Whether `outer` contains all of `inner`. */
export function cidrContainsCidr(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  if (!o || !i || o.bits > i.bits) return false;
  return (o.base & mask(o.bits)) >>> 0 === (i.base & mask(o.bits)) >>> 0;
}

export type DefaultRoute =
  { kind: 'igw'; gateway: string } | { kind: 'nat'; gateway: string } | { kind: 'other'; gateway: string } | undefined;

/** The active 0.0.0.0/0 route of a route table. */
export function defaultRoute(table: RouteTable | undefined): DefaultRoute {
  for (const r of table?.Routes ?? []) {
    if (r.DestinationCidrBlock !== '0.0.0.0/0' || r.State === 'blackhole') continue;
    if (r.GatewayId?.startsWith('igw-')) return { kind: 'igw', gateway: r.GatewayId };
    if (r.NatGatewayId) return { kind: 'nat', gateway: r.NatGatewayId };
    const other = r.TransitGatewayId ?? r.NetworkInterfaceId ?? r.VpcPeeringConnectionId ?? r.GatewayId;
    if (other) return { kind: 'other', gateway: other };
  }
  return undefined;
}

/** The available interface endpoint of the VPC for a Systems Manager service, if any. */
export function endpointFor(
  endpoints: readonly VpcEndpoint[],
  region: string,
  service: SsmEndpointService,
): VpcEndpoint | undefined {
  const name = `com.amazonaws.${region}.${service}`;
  return endpoints.find(
    (e) =>
      e.ServiceName === name &&
      (e.VpcEndpointType ?? 'Interface') === 'Interface' &&
      e.State?.toLowerCase() === 'available',
  );
}

function coversHttps(rule: IpPermission): boolean {
  if (rule.IpProtocol === '-1' || rule.IpProtocol === 'all') return true;
  if (rule.IpProtocol !== 'tcp' && rule.IpProtocol !== '6') return false;
  const from = rule.FromPort ?? 0;
  const to = rule.ToPort ?? 65535;
  return from <= 443 && 443 <= to;
}

/** Outbound HTTPS to the internet (0.0.0.0/0) from any of the groups. */
export function allowsHttpsToInternet(groups: readonly SecurityGroup[]): boolean {
  return groups.some((g) =>
    (g.IpPermissionsEgress ?? []).some(
      (r) => coversHttps(r) && (r.IpRanges ?? []).some((range) => range.CidrIp === '0.0.0.0/0'),
    ),
  );
}

/** Outbound HTTPS to the VPC's endpoints: to a CIDR covering the VPC, or to one of the endpoint groups. */
export function allowsHttpsToEndpoints(
  groups: readonly SecurityGroup[],
  vpcCidr: string | undefined,
  endpointGroupIds: readonly string[],
): boolean {
  return groups.some((g) =>
    (g.IpPermissionsEgress ?? []).some(
      (r) =>
        coversHttps(r) &&
        ((r.IpRanges ?? []).some(
          (range) =>
            range.CidrIp === '0.0.0.0/0' || (vpcCidr !== undefined && cidrContainsCidr(range.CidrIp ?? '', vpcCidr)),
        ) ||
          (r.UserIdGroupPairs ?? []).some((p) => p.GroupId !== undefined && endpointGroupIds.includes(p.GroupId))),
    ),
  );
}

/** Inbound HTTPS from the instance (its private IP or one of its groups) into any of the endpoint's groups. */
export function admitsHttpsFrom(
  groups: readonly SecurityGroup[],
  instanceIp: string | undefined,
  instanceGroupIds: readonly string[],
): boolean {
  return groups.some((g) =>
    (g.IpPermissions ?? []).some(
      (r) =>
        coversHttps(r) &&
        ((r.IpRanges ?? []).some(
          (range) => instanceIp !== undefined && cidrContainsIp(range.CidrIp ?? '', instanceIp),
        ) ||
          (r.UserIdGroupPairs ?? []).some((p) => p.GroupId !== undefined && instanceGroupIds.includes(p.GroupId))),
    ),
  );
}
