/**
 * Deterministic large fleets for benchmarks and scale tests: the same (count, seed) always gives the same fleet.
 * Instances spread over four regions with realistic Name/Environment/Team/Role tags, a few Windows servers,
 * hybrid nodes, offline and unmanaged instances, and some Japanese tag values.
 *
 *   node --import tsx emulator/fleet/generate.ts 10000 [seed] > big-fleet.json
 */
import type { FleetFileInput, FleetInstanceSpec, OsFamily, SsmPingStatus } from './schema';

export interface GenerateOptions {
  count: number;
  seed?: number;
  regions?: string[];
  accountId?: string;
}

export const GENERATED_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1'];

/** mulberry32: a tiny, fast, well-distributed 32-bit PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ENVIRONMENTS = ['prod', 'prod', 'prod', 'staging', 'staging', 'dev'];
const TEAMS = ['platform', 'payments', 'search', 'data', 'identity', 'mobile', '決済', 'インフラ'];
const ROLES = ['web', 'api', 'worker', 'db', 'cache', 'bastion', 'batch', 'queue'];
const TYPES = ['t3.micro', 't3.small', 't3.medium', 'm6i.large', 'm6i.xlarge', 'c6g.large', 'r6i.large'];

export function generateFleet(options: GenerateOptions): FleetFileInput {
  const { count } = options;
  if (!Number.isInteger(count) || count < 0) throw new Error(`--generate needs a non-negative integer, got ${count}`);
  const random = prng(options.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const regions = options.regions ?? GENERATED_REGIONS;
  const instances: FleetInstanceSpec[] = [];
  const counters = new Map<string, number>();

  for (let index = 0; index < count; index++) {
    const region = regions[index % regions.length]!;
    const environment = pick(ENVIRONMENTS);
    const role = pick(ROLES);
    const team = pick(TEAMS);
    const roll = random();
    const hybrid = roll < 0.03;
    const unmanaged = !hybrid && roll < 0.07;
    const pingRoll = random();
    const pingStatus: SsmPingStatus = pingRoll < 0.05 ? 'ConnectionLost' : pingRoll < 0.07 ? 'Inactive' : 'Online';
    const osRoll = random();
    const platform: OsFamily =
      osRoll < 0.06
        ? 'windows-server'
        : osRoll < 0.3
          ? 'ubuntu'
          : osRoll < 0.35
            ? 'rhel'
            : osRoll < 0.38
              ? 'debian'
              : 'amazon-linux';
    const counterKey = `${role}-${environment}-${region}`;
    const n = (counters.get(counterKey) ?? 0) + 1;
    counters.set(counterKey, n);
    const name = `${role}-${environment}-${region
      .split('-')
      .map((p) => p[0])
      .join('')}${region.at(-1)}-${String(n).padStart(3, '0')}`;
    // The index is embedded in the id so ids are unique whatever the PRNG draws.
    const suffix = `${hex(9)}${index.toString(16).padStart(8, '0')}`;
    const second = (index >> 8) & 255;
    const third = index & 255;
    const tags: Record<string, string> = hybrid
      ? {
          Environment: environment,
          Team: team,
          Role: role,
          Location: pick(['tokyo-dc1', 'osaka-dc2', 'frankfurt-colo']),
        }
      : { Name: name, Environment: environment, Team: team, Role: role };
    if (random() < 0.1) tags['担当者'] = pick(['山田', '佐藤', '鈴木', 'Tanaka']);
    if (random() < 0.2) tags['CostCenter'] = `cc-${1000 + Math.floor(random() * 50)}`;
    const spec: Partial<FleetInstanceSpec> & Pick<FleetInstanceSpec, 'id' | 'region' | 'platform' | 'privateIp'> = {
      id: hybrid ? `mi-${suffix}` : `i-${suffix}`,
      region,
      name: hybrid ? `${role}-onprem-${String(n).padStart(3, '0')}` : undefined,
      tags,
      platform: hybrid && platform === 'windows-server' ? 'ubuntu' : platform,
      privateIp: `10.${10 + (index % 200)}.${second}.${third === 0 ? 1 : third}`,
      publicIp:
        !hybrid && (role === 'web' || role === 'bastion')
          ? `54.${second % 250}.${third}.${1 + (index % 250)}`
          : undefined,
      managed: !unmanaged,
      pingStatus,
      agentVersion: random() < 0.8 ? '3.3.1802.0' : pick(['3.2.2303.0', '3.3.987.0', '3.1.1732.0']),
      instanceType: pick(TYPES),
      state: !hybrid && pingStatus === 'Inactive' ? 'stopped' : 'running',
    };
    instances.push(Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) as FleetInstanceSpec);
  }
  return { accountId: options.accountId ?? '123456789012', instances };
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const count = Number(process.argv[2] ?? '100');
  const seed = Number(process.argv[3] ?? '1');
  process.stdout.write(`${JSON.stringify(generateFleet({ count, seed }), null, 2)}\n`);
}
