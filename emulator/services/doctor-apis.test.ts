/**
 * The EC2 network, IAM and SSM GetDocument operations the connect doctor uses, through the AWS SDK v3 against the
 * emulator's demo fleet; and per-caller authorization (the `limited` caller, an explicit deny).
 */
import {
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  GetInstanceProfileCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { GetDocumentCommand, SSMClient, StartSessionCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../server';
import { sessionsPlugin } from '../sessions/install';

let emulator: Emulator;
const clients: Array<{ destroy(): void }> = [];

beforeAll(async () => {
  emulator = await createEmulator({ plugins: [sessionsPlugin({ pacing: false })] });
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await emulator.close();
});

function creds(key: string) {
  return { accessKeyId: key, secretAccessKey: key };
}
function ec2(region = 'eu-north-1', key = 'test') {
  const c = new EC2Client({ region, endpoint: emulator.url, credentials: creds(key), maxAttempts: 1 });
  clients.push(c);
  return c;
}
function iam(key = 'test', region = 'us-east-1') {
  const c = new IAMClient({ region, endpoint: emulator.url, credentials: creds(key), maxAttempts: 1 });
  clients.push(c);
  return c;
}
function ssm(region = 'eu-north-1', key = 'test') {
  const c = new SSMClient({ region, endpoint: emulator.url, credentials: creds(key), maxAttempts: 1 });
  clients.push(c);
  return c;
}

async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('EC2 network operations', () => {
  it('lists the region’s VPCs: declared ones and healthy defaults for VPCs instances use', async () => {
    const out = await ec2().send(new DescribeVpcsCommand({}));
    const ids = out.Vpcs!.map((v) => v.VpcId);
    expect(ids).toEqual(expect.arrayContaining(['vpc-0e1a2b3c4d5e60001', 'vpc-0e1a2b3c4d5e60005']));
    expect(ids.every((id) => id!.startsWith('vpc-0e1a'))).toBe(true);
    const us = await ec2('us-east-1').send(new DescribeVpcsCommand({ VpcIds: ['vpc-0c1d2e3f4a5b60001'] }));
    expect(us.Vpcs).toHaveLength(1);
    expect(us.Vpcs![0]).toMatchObject({ CidrBlock: '10.0.0.0/16', State: 'available', IsDefault: false });
    const missing = await failure(ec2().send(new DescribeVpcsCommand({ VpcIds: ['vpc-0000000000000dead'] })));
    expect(missing).toMatchObject({ name: 'InvalidVpcID.NotFound', status: 400 });
  });

  it('reports DNS attributes per VPC and refuses unknown attributes', async () => {
    const hostnames = await ec2().send(
      new DescribeVpcAttributeCommand({ VpcId: 'vpc-0e1a2b3c4d5e60004', Attribute: 'enableDnsHostnames' }),
    );
    expect(hostnames.EnableDnsHostnames?.Value).toBe(true);
    expect(hostnames.EnableDnsSupport).toBeUndefined();
    const bad = await failure(
      ec2().send(new DescribeVpcAttributeCommand({ VpcId: 'vpc-0e1a2b3c4d5e60004', Attribute: 'nope' as never })),
    );
    expect(bad.name).toBe('InvalidParameterValue');
  });

  it('returns explicit subnet associations and the main table separately, with igw and NAT routes', async () => {
    const explicit = await ec2().send(
      new DescribeRouteTablesCommand({
        Filters: [{ Name: 'association.subnet-id', Values: ['subnet-0e1a2b3c4d5e60011'] }],
      }),
    );
    expect(explicit.RouteTables).toHaveLength(1);
    const routes = explicit.RouteTables![0]!.Routes!;
    expect(routes).toContainEqual(
      expect.objectContaining({ GatewayId: 'local', DestinationCidrBlock: '10.40.0.0/16' }),
    );
    expect(routes).toContainEqual(
      expect.objectContaining({
        GatewayId: 'igw-0e1a2b3c4d5e60001',
        DestinationCidrBlock: '0.0.0.0/0',
        State: 'active',
      }),
    );
    const nat = await ec2().send(
      new DescribeRouteTablesCommand({
        Filters: [{ Name: 'association.subnet-id', Values: ['subnet-0e1a2b3c4d5e60012'] }],
      }),
    );
    expect(nat.RouteTables![0]!.Routes).toContainEqual(
      expect.objectContaining({ NatGatewayId: 'nat-0e1a2b3c4d5e60001' }),
    );
    // A subnet without an explicit association has none: the VPC's main table applies.
    const us = await ec2('us-east-1').send(
      new DescribeRouteTablesCommand({
        Filters: [
          { Name: 'vpc-id', Values: ['vpc-0c1d2e3f4a5b60001'] },
          { Name: 'association.main', Values: ['true'] },
        ],
      }),
    );
    expect(us.RouteTables).toHaveLength(1);
    expect(us.RouteTables![0]!.Associations![0]).toMatchObject({ Main: true });
    const page = await failure(ec2().send(new DescribeRouteTablesCommand({ MaxResults: 101 })));
    expect(page.name).toBe('InvalidParameterValue');
  });

  it('describes interface endpoints with private DNS, subnets and security groups', async () => {
    const out = await ec2().send(
      new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-id', Values: ['vpc-0e1a2b3c4d5e60004'] }] }),
    );
    expect(out.VpcEndpoints!.map((e) => e.ServiceName).sort()).toEqual([
      'com.amazonaws.eu-north-1.ec2messages',
      'com.amazonaws.eu-north-1.ssm',
      'com.amazonaws.eu-north-1.ssmmessages',
    ]);
    expect(out.VpcEndpoints!.every((e) => e.PrivateDnsEnabled === false && e.VpcEndpointType === 'Interface')).toBe(
      true,
    );
    expect(out.VpcEndpoints![0]!.Groups).toEqual([{ GroupId: 'sg-0e1a2b3c4d5e60041', GroupName: 'ssm-endpoints' }]);
    expect(out.VpcEndpoints![0]!.SubnetIds).toEqual(['subnet-0e1a2b3c4d5e60041']);
  });

  it('describes security group rules (all-traffic rules have no ports) and subnets', async () => {
    const out = await ec2().send(
      new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0e1a2b3c4d5e60005', 'sg-0e1a2b3c4d5e60001'] }),
    );
    const locked = out.SecurityGroups!.find((g) => g.GroupId === 'sg-0e1a2b3c4d5e60005')!;
    expect(locked.IpPermissionsEgress!.map((r) => [r.IpProtocol, r.FromPort, r.ToPort])).toEqual([
      ['tcp', 80, 80],
      ['tcp', 22, 22],
    ]);
    const open = out.SecurityGroups!.find((g) => g.GroupId === 'sg-0e1a2b3c4d5e60001')!;
    expect(open.GroupName).toBe('default');
    expect(open.IpPermissionsEgress).toEqual([
      expect.objectContaining({ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }),
    ]);
    expect(open.IpPermissionsEgress![0]!.FromPort).toBeUndefined();
    const subnets = await ec2().send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-0e1a2b3c4d5e60021'] }));
    expect(subnets.Subnets![0]).toMatchObject({ VpcId: 'vpc-0e1a2b3c4d5e60002', CidrBlock: '10.41.1.0/24' });
    const gone = await failure(ec2().send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0000000000000dead'] })));
    expect(gone.name).toBe('InvalidGroup.NotFound');
  });

  it('lists instance profile associations only for instances that have a profile', async () => {
    const withProfile = await ec2().send(
      new DescribeIamInstanceProfileAssociationsCommand({
        Filters: [{ Name: 'instance-id', Values: ['i-0e1a2b3c4d5e60001'] }],
      }),
    );
    expect(withProfile.IamInstanceProfileAssociations).toHaveLength(1);
    expect(withProfile.IamInstanceProfileAssociations![0]).toMatchObject({
      InstanceId: 'i-0e1a2b3c4d5e60001',
      State: 'associated',
      IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/SSMLoggingInstanceProfile' },
    });
    const without = await ec2().send(
      new DescribeIamInstanceProfileAssociationsCommand({
        Filters: [{ Name: 'instance-id', Values: ['i-0e1a2b3c4d5e60003'] }],
      }),
    );
    expect(without.IamInstanceProfileAssociations).toEqual([]);
  });
});

describe('IAM', () => {
  it('returns an instance profile with its role, and the role’s attached policies', async () => {
    const profile = await iam().send(new GetInstanceProfileCommand({ InstanceProfileName: 'AppProfileWithoutSsm' }));
    expect(profile.InstanceProfile!.Roles!.map((r) => r.RoleName)).toEqual(['AppRoleWithoutSsm']);
    expect(profile.InstanceProfile!.Arn).toBe('arn:aws:iam::123456789012:instance-profile/AppProfileWithoutSsm');
    const attached = await iam().send(new ListAttachedRolePoliciesCommand({ RoleName: 'SSMInstanceRole' }));
    expect(attached.AttachedPolicies).toEqual([
      {
        PolicyName: 'AmazonSSMManagedInstanceCore',
        PolicyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
      },
    ]);
    const missing = await failure(iam().send(new GetInstanceProfileCommand({ InstanceProfileName: 'Nope' })));
    expect(missing).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
    expect(missing.message).toContain('Instance Profile Nope cannot be found');
  });

  it('refuses requests signed for another region (IAM is global, signed for us-east-1)', async () => {
    const wrong = await failure(
      iam('test', 'eu-north-1').send(new GetInstanceProfileCommand({ InstanceProfileName: 'x' })),
    );
    expect(wrong).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
  });

  it('simulates a role and a user: allowed, implicit and explicit deny per resource', async () => {
    const role = await iam().send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: 'arn:aws:iam::123456789012:role/AppRoleWithoutSsm',
        ActionNames: ['ssm:UpdateInstanceInformation', 's3:GetObject'],
        ResourceArns: ['arn:aws:s3:::porthole-demo-assets/logo.png'],
      }),
    );
    expect(role.EvaluationResults!.map((r) => [r.EvalActionName, r.EvalDecision])).toEqual([
      ['ssm:UpdateInstanceInformation', 'implicitDeny'],
      ['s3:GetObject', 'allowed'],
    ]);
    const user = await iam().send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: 'arn:aws:iam::123456789012:user/porthole-demo',
        ActionNames: ['ssm:StartSession'],
        ResourceArns: [
          'arn:aws:ec2:eu-central-1:123456789012:instance/i-0f1a2b3c4d5e60001',
          'arn:aws:ssm:eu-central-1:123456789012:document/SSM-SessionManagerRunShell',
        ],
      }),
    );
    expect(user.EvaluationResults!.map((r) => r.EvalDecision)).toEqual(['allowed', 'explicitDeny']);
    expect(user.EvaluationResults![1]!.MatchedStatements![0]!.SourcePolicyId).toBe('DemoAdministrator');
  });

  it('refuses SimulatePrincipalPolicy to a caller without iam:SimulatePrincipalPolicy (AccessDenied, 403)', async () => {
    const denied = await failure(
      iam('limited').send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: 'arn:aws:iam::123456789012:user/porthole-limited',
          ActionNames: ['ssm:StartSession'],
        }),
      ),
    );
    expect(denied).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(denied.message).toContain('porthole-limited is not authorized to perform: iam:SimulatePrincipalPolicy');
    // What the policy allows still works for that caller.
    const ok = await iam('limited').send(new GetInstanceProfileCommand({ InstanceProfileName: 'SSMInstanceProfile' }));
    expect(ok.InstanceProfile!.InstanceProfileName).toBe('SSMInstanceProfile');
  });
});

describe('SSM GetDocument and StartSession authorization', () => {
  it('serves the regional preferences document with its inputs', async () => {
    const doc = await ssm().send(new GetDocumentCommand({ Name: 'SSM-SessionManagerRunShell' }));
    expect(doc.DocumentType).toBe('Session');
    const content = JSON.parse(doc.Content!) as { sessionType: string; inputs: Record<string, unknown> };
    expect(content.sessionType).toBe('Standard_Stream');
    expect(content.inputs).toMatchObject({
      s3BucketName: 'porthole-session-logs-123456789012',
      kmsKeyId: 'alias/porthole-session',
      idleSessionTimeout: '20',
      maxSessionDuration: '120',
      runAsEnabled: false,
    });
    // us-east-1 never saved preferences: the document does not exist there.
    const none = await failure(ssm('us-east-1').send(new GetDocumentCommand({ Name: 'SSM-SessionManagerRunShell' })));
    expect(none).toMatchObject({ name: 'InvalidDocument', status: 400 });
  });

  it('serves the AWS session documents’ content', async () => {
    const doc = await ssm().send(new GetDocumentCommand({ Name: 'AWS-StartPortForwardingSession' }));
    const content = JSON.parse(doc.Content!) as {
      sessionType: string;
      parameters: Record<string, { default?: string }>;
    };
    expect(content.sessionType).toBe('Port');
    expect(content.parameters['portNumber']!.default).toBe('80');
  });

  it('refuses StartSession with a document the caller is denied (AccessDeniedException names the document)', async () => {
    const denied = await failure(ssm('eu-central-1').send(new StartSessionCommand({ Target: 'i-0f1a2b3c4d5e60001' })));
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toContain('document/SSM-SessionManagerRunShell');
    expect(denied.message).toContain('explicit deny');
  });
});
