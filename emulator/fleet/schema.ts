import { z } from 'zod';

/**
 * The fleet file: what the emulator serves. One JSON document, validated with this schema.
 * Later issues extend instances through the optional fields marked "later" (ports, faults, KMS, preferences).
 */

export const INSTANCE_ID_PATTERN = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;
export const MANAGED_INSTANCE_ID_PATTERN = /^mi-[0-9a-f]{17}$/;

export const OsFamilySchema = z.enum(['amazon-linux', 'ubuntu', 'rhel', 'debian', 'windows-server', 'macos']);
export type OsFamily = z.infer<typeof OsFamilySchema>;

export const SsmPingStatusSchema = z.enum(['Online', 'ConnectionLost', 'Inactive']);
export type SsmPingStatus = z.infer<typeof SsmPingStatusSchema>;

export const Ec2StateSchema = z.enum(['pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped']);
export type Ec2State = z.infer<typeof Ec2StateSchema>;

const ipv4 = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}$/, 'must be an IPv4 address');
const region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be a region name such as us-east-1');
const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit account id');

/** Tag key -> value. Keys and values may be any Unicode text (Japanese included). */
const TagsSchema = z.record(z.string().min(1).max(128), z.string().max(256));

export const FleetInstanceSpecSchema = z
  .object({
    /** `i-` + 8 or 17 hex digits for EC2 instances, `mi-` + 17 hex digits for hybrid (on-premises) nodes. */
    id: z.string().refine((v) => INSTANCE_ID_PATTERN.test(v) || MANAGED_INSTANCE_ID_PATTERN.test(v), {
      message: 'must be i-<8 or 17 hex digits> or mi-<17 hex digits>',
    }),
    region,
    /** Defaults to the fleet's account. */
    accountId: accountId.optional(),
    /** EC2: the Name tag (added to `tags` when missing). Hybrid: the node name SSM reports. */
    name: z.string().optional(),
    /** EC2 tags for `i-` instances; SSM tags (ListTagsForResource) for `mi-` nodes. */
    tags: TagsSchema.default({}),
    platform: OsFamilySchema,
    /** OS name as SSM reports it (e.g. `Microsoft Windows Server 2019 Datacenter`); a per-family default otherwise. */
    platformName: z.string().optional(),
    /** OS version as SSM reports it (e.g. `2023`, `22.04`, `10.0.20348`); a per-family default otherwise. */
    platformVersion: z.string().optional(),
    /** Host name SSM reports as ComputerName; derived from the private IP when omitted. */
    computerName: z.string().optional(),
    privateIp: ipv4,
    publicIp: ipv4.optional(),

    /** Whether SSM manages the node (an EC2 instance without the agent/role has `managed: false`). */
    managed: z.boolean().default(true),
    pingStatus: SsmPingStatusSchema.default('Online'),
    agentVersion: z.string().default('3.3.1802.0'),
    /** ISO time of the last agent ping; "a moment ago" for Online nodes, a day ago otherwise, when omitted. */
    lastPingAt: z.string().datetime().optional(),
    associationStatus: z.enum(['Success', 'Pending', 'Failed']).optional(),
    /** Hybrid nodes: the service role of the activation. */
    iamRole: z.string().optional(),
    activationId: z.string().optional(),
    registrationDate: z.string().datetime().optional(),

    /** EC2 only. */
    instanceType: z.string().default('t3.micro'),
    state: Ec2StateSchema.default('running'),
    vpcId: z
      .string()
      .regex(/^vpc-[0-9a-f]+$/)
      .optional(),
    subnetId: z
      .string()
      .regex(/^subnet-[0-9a-f]+$/)
      .optional(),
    availabilityZone: z.string().optional(),
    imageId: z
      .string()
      .regex(/^ami-[0-9a-f]+$/)
      .optional(),
    launchTime: z.string().datetime().optional(),
    keyName: z.string().optional(),
    architecture: z.enum(['x86_64', 'arm64']).default('x86_64'),
    iamInstanceProfile: z.string().optional(),

    /** Remote port -> local port port sessions connect to on this machine (e.g. {"3389": 13389}); see emulator/agent/destination.ts. */
    ports: z.record(z.string().regex(/^\d{1,5}$/), z.number().int().min(1).max(65535)).optional(),
    /** Fault injection for this instance's sessions (drop, delay, reorder, ...): FaultPlanSchema in emulator/agent/faults.ts. */
    faults: z.record(z.string(), z.unknown()).optional(),
    /** Whether sessions to this instance use KMS encryption (`true`: alias/porthole-session), see emulator/sessions/preferences.ts. */
    kmsEncryption: z.union([z.boolean(), z.object({ keyId: z.string() })]).optional(),
    /** Session Manager preferences (shell profile, idle/max timeouts, kmsKeyId, pacing): SessionPreferencesSchema in emulator/sessions/preferences.ts. */
    sessionPreferences: z.record(z.string(), z.unknown()).optional(),
    /** Public key (PEM: SPKI or PKCS#1) of the key pair `keyName`, which EC2 GetPasswordData encrypts the password with. */
    keyPairPublicKey: z.string().optional(),
    /** Windows: the Administrator password the instance set at first boot (GetPasswordData returns it encrypted). */
    windowsPassword: z.string().min(1).optional(),
  })
  .superRefine((spec, ctx) => {
    const hybrid = spec.id.startsWith('mi-');
    if (hybrid && !spec.managed) {
      ctx.addIssue({
        code: 'custom',
        path: ['managed'],
        message: 'a hybrid (mi-) node exists only in SSM: it must be managed',
      });
    }
    if (hybrid && spec.publicIp) {
      ctx.addIssue({ code: 'custom', path: ['publicIp'], message: 'hybrid (mi-) nodes have no EC2 public IP' });
    }
    if (spec.windowsPassword !== undefined && (spec.keyPairPublicKey === undefined || spec.keyName === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['windowsPassword'],
        message: 'a Windows password needs the key pair it is encrypted with: set keyName and keyPairPublicKey',
      });
    }
  });

export type FleetInstanceSpec = z.infer<typeof FleetInstanceSpecSchema>;

/** Doctor (issue 7): a security group rule. Protocol `-1` means all traffic (no ports). */
export const SecurityGroupRuleSchema = z.object({
  protocol: z.enum(['-1', 'tcp', 'udp', 'icmp']).default('-1'),
  fromPort: z.number().int().min(-1).max(65535).optional(),
  toPort: z.number().int().min(-1).max(65535).optional(),
  cidrs: z.array(z.string()).default([]),
  groupIds: z.array(z.string()).default([]),
});
export type SecurityGroupRule = z.infer<typeof SecurityGroupRuleSchema>;

/**
 * Doctor (issue 7): the VPC side of the fleet. VPCs (and subnets) that instances use but this section does not
 * describe are served as healthy defaults: DNS support and host names on, a main route table with 0.0.0.0/0 to a
 * NAT gateway, a default security group allowing all outbound traffic. See emulator/services/ec2-network.ts.
 */
export const NetworkFileSchema = z.object({
  vpcs: z
    .array(
      z.object({
        id: z.string().regex(/^vpc-[0-9a-f]+$/),
        region,
        cidr: z.string(),
        enableDnsSupport: z.boolean().default(true),
        enableDnsHostnames: z.boolean().default(true),
        /** The internet gateway attached to the VPC, if any. */
        internetGatewayId: z
          .string()
          .regex(/^igw-[0-9a-f]+$/)
          .optional(),
        tags: TagsSchema.default({}),
      }),
    )
    .default([]),
  subnets: z
    .array(
      z.object({
        id: z.string().regex(/^subnet-[0-9a-f]+$/),
        vpcId: z.string(),
        cidr: z.string(),
        availabilityZone: z.string().optional(),
        /** Explicit route table association; the VPC's main route table otherwise. */
        routeTableId: z.string().optional(),
        tags: TagsSchema.default({}),
      }),
    )
    .default([]),
  routeTables: z
    .array(
      z.object({
        id: z.string().regex(/^rtb-[0-9a-f]+$/),
        vpcId: z.string(),
        main: z.boolean().default(false),
        /** Besides the implicit `local` route: destination CIDR -> igw-/nat-/pcx-/vgw-/tgw- target. */
        routes: z
          .array(
            z.object({
              destination: z.string(),
              target: z.string().regex(/^(igw|nat|pcx|vgw|tgw|eni)-[0-9a-f]+$/),
              state: z.enum(['active', 'blackhole']).default('active'),
            }),
          )
          .default([]),
        tags: TagsSchema.default({}),
      }),
    )
    .default([]),
  vpcEndpoints: z
    .array(
      z.object({
        id: z.string().regex(/^vpce-[0-9a-f]+$/),
        vpcId: z.string(),
        /** Short name (`ssm`, `ssmmessages`, `ec2messages`, `kms`, `logs`, `s3`) or a full service name. */
        service: z.string(),
        type: z.enum(['Interface', 'Gateway']).default('Interface'),
        privateDnsEnabled: z.boolean().default(true),
        securityGroupIds: z.array(z.string()).default([]),
        subnetIds: z.array(z.string()).default([]),
        state: z.enum(['available', 'pending', 'deleting', 'failed', 'rejected']).default('available'),
      }),
    )
    .default([]),
  securityGroups: z
    .array(
      z.object({
        id: z.string().regex(/^sg-[0-9a-f]+$/),
        vpcId: z.string(),
        name: z.string(),
        description: z.string().default(''),
        ingress: z.array(SecurityGroupRuleSchema).default([]),
        egress: z.array(SecurityGroupRuleSchema).default([]),
      }),
    )
    .default([]),
});
export type NetworkFile = z.infer<typeof NetworkFileSchema>;

const PolicyDocumentInput = z.record(z.string(), z.unknown());

/**
 * Doctor (issue 7): IAM as the emulator serves it (GetInstanceProfile, ListAttachedRolePolicies,
 * SimulatePrincipalPolicy) and enforces it: a caller whose user or role is listed here is authorized by its
 * policies (emulator/iam/authorize.ts); callers not listed are unrestricted, as before.
 * Attached policies are ARNs of customer managed policies here or AWS managed policies (emulator/iam/managed.ts).
 */
export const IamFileSchema = z.object({
  managedPolicies: z
    .array(z.object({ name: z.string(), description: z.string().optional(), document: PolicyDocumentInput }))
    .default([]),
  roles: z
    .array(
      z.object({
        name: z.string().regex(/^[\w+=,.@-]{1,64}$/),
        attachedPolicies: z.array(z.string()).default([]),
        inlinePolicies: z.record(z.string(), PolicyDocumentInput).default({}),
      }),
    )
    .default([]),
  instanceProfiles: z
    .array(z.object({ name: z.string().regex(/^[\w+=,.@-]{1,128}$/), roles: z.array(z.string()).max(1).default([]) }))
    .default([]),
  users: z
    .array(
      z.object({
        name: z.string().regex(/^[\w+=,.@-]{1,64}$/),
        /** Extra credentials the emulator accepts, acting as this user. */
        accessKeys: z
          .array(z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }))
          .default([]),
        attachedPolicies: z.array(z.string()).default([]),
        inlinePolicies: z.record(z.string(), PolicyDocumentInput).default({}),
      }),
    )
    .default([]),
});
export type IamFile = z.infer<typeof IamFileSchema>;

/**
 * Doctor (issue 7): Session Manager preferences per region, served as the `SSM-SessionManagerRunShell` document's
 * inputs (GetDocument). A region without an entry has no preferences document (AWS creates it on first save).
 */
export const RegionPreferencesSchema = z.object({
  s3BucketName: z.string().default(''),
  s3KeyPrefix: z.string().default(''),
  s3EncryptionEnabled: z.boolean().default(true),
  cloudWatchLogGroupName: z.string().default(''),
  cloudWatchEncryptionEnabled: z.boolean().default(true),
  cloudWatchStreamingEnabled: z.boolean().default(true),
  kmsKeyId: z.string().default(''),
  runAsEnabled: z.boolean().default(false),
  runAsDefaultUser: z.string().default(''),
  idleSessionTimeout: z.string().default('20'),
  maxSessionDuration: z.string().default(''),
  shellProfile: z
    .object({ windows: z.string().default(''), linux: z.string().default('') })
    .default({ windows: '', linux: '' }),
});
export type RegionPreferences = z.infer<typeof RegionPreferencesSchema>;

export const FleetFileSchema = z
  .object({
    /** Account the instances belong to unless an instance says otherwise. */
    accountId: accountId.default('123456789012'),
    /** The newest SSM Agent version (drives IsLatestVersion). */
    latestAgentVersion: z.string().default('3.3.1802.0'),
    /**
     * Remote hosts port sessions may reach (AWS-StartPortForwardingSessionToRemoteHost): host name, or `host:port`,
     * -> `address[:port]`, e.g. {"db.internal": "127.0.0.1:15432"}. Looked up before DNS; see emulator/agent/destination.ts.
     */
    hosts: z
      .record(
        z.string().regex(/^[A-Za-z0-9._\-:[\]]{1,260}$/, 'must be a host name or host:port'),
        z.string().regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._\-:]+)(:\d{1,5})?$/, 'must be address[:port]'),
      )
      .optional(),
    /** Doctor (issue 7): VPCs, subnets, route tables, VPC endpoints, security groups. */
    network: NetworkFileSchema.optional(),
    /** Doctor (issue 7): instance profiles, roles, policies, users (callers' permissions). */
    iam: IamFileSchema.optional(),
    /** Doctor (issue 7): region -> Session Manager preferences (the SSM-SessionManagerRunShell document). */
    sessionManagerPreferences: z.record(region, RegionPreferencesSchema).optional(),
    instances: z.array(FleetInstanceSpecSchema),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.instances.forEach((instance, index) => {
      if (seen.has(instance.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['instances', index, 'id'],
          message: `duplicate instance id ${instance.id}`,
        });
      }
      seen.add(instance.id);
    });
  });

export type FleetFile = z.infer<typeof FleetFileSchema>;
export type FleetFileInput = z.input<typeof FleetFileSchema>;
