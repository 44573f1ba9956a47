import { describe, expect, it } from 'vitest';
import {
  admitsHttpsFrom,
  allowsHttpsToEndpoints,
  allowsHttpsToInternet,
  cidrContainsCidr,
  cidrContainsIp,
  defaultRoute,
} from './network';

describe('doctor network reasoning', () => {
  it('does CIDR arithmetic', () => {
    expect(cidrContainsIp('10.41.0.0/16', '10.41.1.10')).toBe(true);
    expect(cidrContainsIp('10.41.0.0/16', '10.42.1.10')).toBe(false);
    expect(cidrContainsIp('0.0.0.0/0', '192.168.1.1')).toBe(true);
    expect(cidrContainsCidr('10.0.0.0/8', '10.41.0.0/16')).toBe(true);
    expect(cidrContainsCidr('10.41.1.0/24', '10.41.0.0/16')).toBe(false);
    expect(cidrContainsIp('not-a-cidr', '10.0.0.1')).toBe(false);
  });

  it('finds the active default route and ignores blackholes', () => {
    expect(
      defaultRoute({
        Routes: [
          { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' },
          { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'blackhole' },
          { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1', State: 'active' },
        ],
      }),
    ).toEqual({ kind: 'nat', gateway: 'nat-1' });
    expect(defaultRoute({ Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' }] })).toBeUndefined();
  });

  it('reads security group rules for 443: all traffic, port ranges, CIDRs and group references', () => {
    const allOut = [
      { GroupId: 'sg-a', IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] },
    ];
    const webOnly = [
      {
        GroupId: 'sg-b',
        IpPermissionsEgress: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      },
    ];
    const range = [
      {
        GroupId: 'sg-c',
        IpPermissionsEgress: [
          { IpProtocol: 'tcp', FromPort: 1024, ToPort: 65535, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
      },
    ];
    const toEndpointGroup = [
      {
        GroupId: 'sg-d',
        IpPermissionsEgress: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: 'sg-ep' }] },
        ],
      },
    ];
    expect(allowsHttpsToInternet(allOut)).toBe(true);
    expect(allowsHttpsToInternet(webOnly)).toBe(false);
    expect(allowsHttpsToInternet(range)).toBe(false);
    expect(allowsHttpsToInternet(toEndpointGroup)).toBe(false);
    expect(allowsHttpsToEndpoints(toEndpointGroup, '10.0.0.0/16', ['sg-ep'])).toBe(true);
    expect(allowsHttpsToEndpoints(webOnly, '10.0.0.0/16', ['sg-ep'])).toBe(false);
    const endpointGroup = [
      {
        GroupId: 'sg-ep',
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16' }] }],
      },
    ];
    expect(admitsHttpsFrom(endpointGroup, '10.0.3.4', [])).toBe(true);
    expect(admitsHttpsFrom(endpointGroup, '10.9.3.4', [])).toBe(false);
    const bySource = [
      {
        GroupId: 'sg-ep',
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: 'sg-i' }] }],
      },
    ];
    expect(admitsHttpsFrom(bySource, '10.9.3.4', ['sg-i'])).toBe(true);
  });
});
