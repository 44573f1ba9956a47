import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Emitter } from '../../electron/core/base/lifecycle';
import {
  FleetFileSchema,
  type Ec2State,
  type FleetFile,
  type FleetFileInput,
  type FleetInstanceSpec,
  type OsFamily,
  type SsmPingStatus,
} from './schema';

export type SsmPlatformType = 'Linux' | 'Windows' | 'MacOS';

export interface FleetTag {
  key: string;
  value: string;
}

/** The EC2 side of an instance (absent for hybrid `mi-` nodes). */
export interface Ec2Details {
  reservationId: string;
  instanceType: string;
  state: Ec2State;
  vpcId: string;
  subnetId: string;
  availabilityZone: string;
  imageId: string;
  launchTime: Date;
  keyName?: string;
  architecture: 'x86_64' | 'arm64';
  iamInstanceProfile?: string;
  privateDnsName: string;
  publicDnsName?: string;
  /** `windows` for Windows instances, otherwise absent (as in EC2). */
  platform?: 'windows';
  platformDetails: string;
}

/** One node as the emulator serves it: the fleet file's entry with every derived field filled in. */
export interface FleetInstance {
  readonly id: string;
  readonly region: string;
  readonly accountId: string;
  readonly hybrid: boolean;
  readonly name?: string;
  readonly tags: readonly FleetTag[];
  readonly os: OsFamily;
  readonly platformType: SsmPlatformType;
  readonly platformName: string;
  readonly platformVersion: string;
  readonly computerName: string;
  readonly privateIp: string;
  readonly publicIp?: string;
  readonly managed: boolean;
  pingStatus: SsmPingStatus;
  lastPingAt: Date;
  agentVersion: string;
  readonly associationStatus?: 'Success' | 'Pending' | 'Failed';
  readonly iamRole?: string;
  readonly activationId?: string;
  readonly registrationDate?: Date;
  readonly ec2?: Ec2Details;
  /** The validated fleet-file entry, for fields later features read (ports, faults, kmsEncryption, sessionPreferences). */
  readonly spec: FleetInstanceSpec;
}

export interface FleetChange {
  instance: FleetInstance;
  field: 'pingStatus' | 'agentVersion';
}

const OS_DEFAULTS: Record<OsFamily, { type: SsmPlatformType; name: string; version: string; details: string }> = {
  'amazon-linux': { type: 'Linux', name: 'Amazon Linux', version: '2023', details: 'Linux/UNIX' },
  ubuntu: { type: 'Linux', name: 'Ubuntu', version: '22.04', details: 'Linux/UNIX' },
  rhel: { type: 'Linux', name: 'Red Hat Enterprise Linux', version: '9.3', details: 'Red Hat Enterprise Linux' },
  debian: { type: 'Linux', name: 'Debian GNU/Linux', version: '12', details: 'Linux/UNIX' },
  'windows-server': {
    type: 'Windows',
    name: 'Microsoft Windows Server 2022 Datacenter',
    version: '10.0.20348',
    details: 'Windows',
  },
  macos: { type: 'MacOS', name: 'macOS', version: '14.4', details: 'Linux/UNIX' },
};

function digest(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

function dnsSuffix(region: string): string {
  return region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
}

function toInstance(spec: FleetInstanceSpec, file: FleetFile, loadedAt: Date): FleetInstance {
  const h = digest(spec.id);
  const hybrid = spec.id.startsWith('mi-');
  const os = OS_DEFAULTS[spec.platform];
  const tags: FleetTag[] = Object.entries(spec.tags).map(([key, value]) => ({ key, value }));
  if (!hybrid && spec.name !== undefined && !Object.hasOwn(spec.tags, 'Name')) {
    tags.unshift({ key: 'Name', value: spec.name });
  }
  const privateDnsName = `ip-${spec.privateIp.replace(/\./g, '-')}.${dnsSuffix(spec.region)}`;
  const windows = spec.platform === 'windows-server';
  const computerName =
    spec.computerName ??
    (windows
      ? `EC2AMAZ-${h.slice(0, 7).toUpperCase()}`
      : hybrid
        ? (spec.name ?? `node-${spec.id.slice(-6)}`)
        : privateDnsName);
  const pingOffsetMs =
    spec.pingStatus === 'Online'
      ? (parseInt(h.slice(0, 4), 16) % 120) * 1000
      : spec.pingStatus === 'ConnectionLost'
        ? 86_400_000
        : 35 * 86_400_000;
  const ec2: Ec2Details | undefined = hybrid
    ? undefined
    : {
        reservationId: `r-${h.slice(4, 21)}`,
        instanceType: spec.instanceType,
        state: spec.state,
        vpcId: spec.vpcId ?? `vpc-${h.slice(21, 38)}`,
        subnetId: spec.subnetId ?? `subnet-${h.slice(38, 55)}`,
        availabilityZone: spec.availabilityZone ?? `${spec.region}${'abc'[parseInt(h.slice(55, 57), 16) % 3]}`,
        imageId: spec.imageId ?? `ami-${h.slice(40, 57)}`,
        launchTime: spec.launchTime
          ? new Date(spec.launchTime)
          : new Date(Date.UTC(2024, 0, 1) + (parseInt(h.slice(57, 63), 16) % (400 * 86_400)) * 1000),
        keyName: spec.keyName,
        architecture: spec.architecture,
        iamInstanceProfile: spec.iamInstanceProfile,
        privateDnsName,
        publicDnsName: spec.publicIp
          ? `ec2-${spec.publicIp.replace(/\./g, '-')}.${spec.region === 'us-east-1' ? 'compute-1' : `${spec.region}.compute`}.amazonaws.com`
          : undefined,
        platform: windows ? 'windows' : undefined,
        platformDetails: os.details,
      };
  return {
    id: spec.id,
    region: spec.region,
    accountId: spec.accountId ?? file.accountId,
    hybrid,
    name: spec.name ?? spec.tags['Name'],
    tags,
    os: spec.platform,
    platformType: os.type,
    platformName: spec.platformName ?? os.name,
    platformVersion: spec.platformVersion ?? os.version,
    computerName,
    privateIp: spec.privateIp,
    publicIp: spec.publicIp,
    managed: spec.managed,
    pingStatus: spec.pingStatus,
    lastPingAt: spec.lastPingAt ? new Date(spec.lastPingAt) : new Date(loadedAt.getTime() - pingOffsetMs),
    agentVersion: spec.agentVersion,
    associationStatus: spec.associationStatus,
    iamRole: spec.iamRole ?? (hybrid ? 'SSMServiceRole' : undefined),
    activationId:
      spec.activationId ??
      (hybrid
        ? `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
        : undefined),
    registrationDate: spec.registrationDate
      ? new Date(spec.registrationDate)
      : hybrid
        ? new Date(Date.UTC(2024, 5, 1) + (parseInt(h.slice(32, 38), 16) % (200 * 86_400)) * 1000)
        : undefined,
    ec2,
    spec,
  };
}

/**
 * The fleet the emulator serves, indexed for the APIs: by id, and per account+region in file order for
 * SSM (managed nodes, hybrid included) and EC2 (instances only). Pagination resumes at a position in these lists.
 */
export class Fleet {
  readonly accountId: string;
  readonly latestAgentVersion: string;
  /** Remote host map for port sessions (fleet file `hosts`). */
  readonly hosts: Readonly<Record<string, string>>;
  readonly instances: readonly FleetInstance[];
  /** The validated fleet file (network, IAM and preference sections are read by the doctor's services). */
  readonly source: FleetFile;
  private readonly byId = new Map<string, FleetInstance>();
  private readonly ssmIndex = new Map<string, FleetInstance[]>();
  private readonly ec2Index = new Map<string, FleetInstance[]>();
  private readonly changes = new Emitter<FleetChange>();
  /** Fires when a node's ping status or agent version changes (e.g. the agent side connects or drops). */
  readonly onDidChange = this.changes.event;

  constructor(file: FleetFile, loadedAt: Date = new Date()) {
    this.accountId = file.accountId;
    this.latestAgentVersion = file.latestAgentVersion;
    this.hosts = file.hosts ?? {};
    this.source = file;
    this.instances = file.instances.map((spec) => toInstance(spec, file, loadedAt));
    for (const instance of this.instances) {
      this.byId.set(instance.id, instance);
      const key = `${instance.accountId}/${instance.region}`;
      if (instance.managed) push(this.ssmIndex, key, instance);
      if (!instance.hybrid) push(this.ec2Index, key, instance);
    }
  }

  /** Parses and validates a fleet document (throws a readable error listing every problem). */
  static fromJson(input: unknown, loadedAt?: Date): Fleet {
    const parsed = FleetFileSchema.safeParse(input);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
      throw new Error(`invalid fleet file:\n${problems}`);
    }
    return new Fleet(parsed.data, loadedAt);
  }

  static fromInput(input: FleetFileInput, loadedAt?: Date): Fleet {
    return Fleet.fromJson(input, loadedAt);
  }

  static async load(path: string): Promise<Fleet> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw new Error(`cannot read fleet file ${path}: ${(e as Error).message}`, { cause: e });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new Error(`fleet file ${path} is not valid JSON: ${(e as Error).message}`, { cause: e });
    }
    try {
      return Fleet.fromJson(json);
    } catch (e) {
      throw new Error(`${path}: ${(e as Error).message}`, { cause: e });
    }
  }

  get(id: string): FleetInstance | undefined {
    return this.byId.get(id);
  }

  /** SSM managed nodes (EC2 and hybrid) of an account in a region, in fleet order. */
  ssmNodes(accountId: string, region: string): readonly FleetInstance[] {
    return this.ssmIndex.get(`${accountId}/${region}`) ?? [];
  }

  /** EC2 instances (managed or not, never hybrid) of an account in a region, in fleet order. */
  ec2Instances(accountId: string, region: string): readonly FleetInstance[] {
    return this.ec2Index.get(`${accountId}/${region}`) ?? [];
  }

  regions(): string[] {
    return [...new Set(this.instances.map((i) => i.region))].sort();
  }

  isLatestAgent(instance: FleetInstance): boolean {
    return instance.agentVersion === this.latestAgentVersion;
  }

  setPingStatus(id: string, status: SsmPingStatus, at: Date = new Date()): void {
    const instance = this.requireManaged(id);
    instance.pingStatus = status;
    instance.lastPingAt = at;
    this.changes.fire({ instance, field: 'pingStatus' });
  }

  setAgentVersion(id: string, version: string): void {
    const instance = this.requireManaged(id);
    instance.agentVersion = version;
    this.changes.fire({ instance, field: 'agentVersion' });
  }

  dispose(): void {
    this.changes.dispose();
  }

  private requireManaged(id: string): FleetInstance {
    const instance = this.byId.get(id);
    if (!instance || !instance.managed) throw new Error(`no managed node ${id} in the fleet`);
    return instance;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
