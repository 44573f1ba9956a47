/**
 * Inventory benchmark: time to list a generated fleet (10,000 instances in one region by default) through
 * the core InventoryService, vs the AWS CLI v2 doing the two listings it would take by hand
 * (`ssm describe-instance-information` then `ec2 describe-instances`, sequentially, JSON output).
 * Both talk to the same emulator, run as its own process so neither side shares an event loop with it.
 *
 *   npm run bench -- inventory [--count 10000] [--runs 5] [--seed 1] [--no-cli] [--aws /usr/bin/aws]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateFleet } from '../emulator/fleet/generate';
import { createAwsClientFactory } from '../electron/core/aws/clients';
import { InventoryService } from '../electron/core/inventory/inventory';
import { awsCliEnv, capture, median, round, startEmulator } from './support';

const REGION = 'us-east-1';

export async function run(argv: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args: argv,
    options: {
      count: { type: 'string', default: '10000' },
      runs: { type: 'string', default: '5' },
      seed: { type: 'string', default: '1' },
      'no-cli': { type: 'boolean', default: false },
      aws: { type: 'string', default: '/usr/bin/aws' },
    },
    strict: true,
  });
  const count = Number(values.count);
  const runs = Number(values.runs);
  const dir = mkdtempSync(join(tmpdir(), 'porthole-bench-'));
  const fleetFile = join(dir, 'fleet.json');
  writeFileSync(fleetFile, JSON.stringify(generateFleet({ count, seed: Number(values.seed), regions: [REGION] })));
  const emulator = await startEmulator(['--fleet', fleetFile]);
  try {
    // One unmeasured pass warms the emulator (JIT, caches) so the first measured side is not penalised.
    await coreOnce(emulator.url, undefined);
    // Runs interleave (core, core warm, CLI, core, ...) so a busy machine slows every side alike.
    const cold: number[] = [];
    const coldCpu: number[] = [];
    const warm: number[] = [];
    const cliRuns: { ms: number; ssmMs: number; ec2Ms: number; nodes: number; ec2: number }[] = [];
    const cliEnv = awsCliEnv(dir);
    let listed = 0;
    let managed = 0;
    const shared = createAwsClientFactory({ endpointUrl: emulator.url, env: {}, credentialsFor: testCredentials });
    try {
      await coreOnce(emulator.url, shared);
      for (let i = 0; i < runs; i++) {
        const r = await coreOnce(emulator.url, undefined);
        cold.push(r.ms);
        coldCpu.push(r.cpuMs);
        listed = r.count;
        managed = r.managed;
        warm.push((await coreOnce(emulator.url, shared)).ms);
        if (!values['no-cli']) cliRuns.push(await awsCliOnce(values.aws, emulator.url, cliEnv));
      }
    } finally {
      shared.dispose();
    }

    const result: Record<string, unknown> = {
      benchmark: 'inventory',
      fleet: { instances: count, region: REGION, seed: Number(values.seed) },
      runs,
      machine: { cpus: availableParallelism(), loadavg_1m: round(loadavg()[0] ?? 0) },
      core: {
        listed,
        managed,
        median_ms: median(cold),
        runs_ms: cold.map(round),
        median_client_cpu_ms: median(coldCpu),
        note: 'InventoryService.list with a new client factory per run (new connections, as a CLI call)',
      },
      core_warm_clients: {
        median_ms: median(warm),
        runs_ms: warm.map(round),
        note: 'same, reusing one client factory (the app refreshing its list)',
      },
    };

    if (!values['no-cli']) {
      const cliMedian = median(cliRuns.map((r) => r.ms));
      result.aws_cli = {
        binary: values.aws,
        median_ms: cliMedian,
        ssm_median_ms: median(cliRuns.map((r) => r.ssmMs)),
        ec2_median_ms: median(cliRuns.map((r) => r.ec2Ms)),
        runs_ms: cliRuns.map((r) => round(r.ms)),
        managed_nodes: cliRuns[0]?.nodes,
        ec2_instances: cliRuns[0]?.ec2,
        note: 'aws ssm describe-instance-information + aws ec2 describe-instances, sequential, --output json, default paging',
      };
      result.speedup_core_vs_cli = round(cliMedian / median(cold));
    }
    return result;
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function testCredentials() {
  return async () => ({ accessKeyId: 'test', secretAccessKey: 'test' });
}

async function coreOnce(
  url: string,
  shared: ReturnType<typeof createAwsClientFactory> | undefined,
): Promise<{ ms: number; cpuMs: number; count: number; managed: number }> {
  const clients = shared ?? createAwsClientFactory({ endpointUrl: url, env: {}, credentialsFor: testCredentials });
  try {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const list = await new InventoryService({ clients }).list({ profile: 'bench', region: REGION });
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    return {
      ms,
      cpuMs: (used.user + used.system) / 1000,
      count: list.length,
      managed: list.filter((i) => i.managed).length,
    };
  } finally {
    if (!shared) clients.dispose();
  }
}

async function awsCliOnce(
  aws: string,
  url: string,
  env: NodeJS.ProcessEnv,
): Promise<{ ms: number; ssmMs: number; ec2Ms: number; nodes: number; ec2: number }> {
  const common = ['--endpoint-url', url, '--region', REGION, '--output', 'json'];
  const started = performance.now();
  const ssm = await capture(aws, ['ssm', 'describe-instance-information', ...common], env);
  const afterSsm = performance.now();
  const ec2 = await capture(aws, ['ec2', 'describe-instances', ...common], env);
  const ended = performance.now();
  const nodes = (JSON.parse(ssm) as { InstanceInformationList?: unknown[] }).InstanceInformationList?.length ?? 0;
  const reservations = (JSON.parse(ec2) as { Reservations?: { Instances?: unknown[] }[] }).Reservations ?? [];
  return {
    ms: ended - started,
    ssmMs: afterSsm - started,
    ec2Ms: ended - afterSsm,
    nodes,
    ec2: reservations.reduce((n, r) => n + (r.Instances?.length ?? 0), 0),
  };
}
