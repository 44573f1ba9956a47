/**
 * Fleet benchmark: a generated 10,000-instance fleet over 4 regions, served by the emulator in its own process.
 *   core     FleetService listing the 4 regions at once (each region: SSM + EC2 + STS in parallel), new clients
 *            per run as at app start; time to the complete merged list, client CPU, main-process memory.
 *   aws_cli  /usr/bin/aws doing the same by hand: per region `ssm describe-instance-information` and
 *            `ec2 describe-instances` (JSON output, default paging), once region after region and once with the
 *            4 regions in parallel (as a shell script with `&` would).
 *   query    main-process figures of the shared query language over the 10,000 rows (TagIndex build, compile +
 *            filter per query); the renderer's per-keystroke latency in Chromium is measured separately.
 *
 *   npm run bench -- fleet [--count 10000] [--runs 3] [--cli-runs 1] [--seed 1] [--no-cli] [--aws /usr/bin/aws]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createAwsClientFactory } from '../electron/core/aws/clients';
import { CredentialService } from '../electron/core/aws/credentials';
import { FleetService } from '../electron/core/inventory/fleet';
import { InventoryService } from '../electron/core/inventory/inventory';
import { GENERATED_REGIONS } from '../emulator/fleet/generate';
import { compileQuery, parseQuery, TagIndex } from '../shared/query/index';
import type { Instance } from '../shared/model/instance';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export async function run(argv: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args: argv,
    options: {
      count: { type: 'string', default: '10000' },
      runs: { type: 'string', default: '3' },
      'cli-runs': { type: 'string', default: '1' },
      seed: { type: 'string', default: '1' },
      'no-cli': { type: 'boolean', default: false },
      aws: { type: 'string', default: '/usr/bin/aws' },
    },
    strict: true,
  });
  const count = Number(values.count);
  const runs = Number(values.runs);
  const cliRuns = values['no-cli'] ? 0 : Number(values['cli-runs']);
  const dir = mkdtempSync(join(tmpdir(), 'porthole-bench-fleet-'));
  const emulator = await startEmulator(count, Number(values.seed));
  const sources = GENERATED_REGIONS.map((region) => ({ profile: 'default', region }));
  const env = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  try {
    await coreOnce(emulator.url, sources, env); // warm-up (JIT, SDK modules loaded, emulator caches)
    gc();
    const baseline = process.memoryUsage();
    const core: { ms: number; cpuMs: number; count: number; failed: number }[] = [];
    let kept: Instance[] = [];
    const cli: { sequentialMs: number; parallelMs: number; listed: number }[] = [];
    for (let i = 0; i < Math.max(runs, cliRuns); i++) {
      if (i < runs) {
        const r = await coreOnce(emulator.url, sources, env);
        core.push(r);
        kept = r.instances;
      }
      if (i < cliRuns) cli.push(await awsCliOnce(values.aws, emulator.url, dir));
    }
    gc();
    const withList = process.memoryUsage();

    // The query language over the listed rows, in this process.
    const indexStarted = performance.now();
    const index = TagIndex.of(kept);
    const indexMs = performance.now() - indexStarted;
    const queries = [
      'web',
      'tag:Environment=prod',
      'tag:Environment=prod -platform:windows',
      'name:api-* ping:online region:eu-*',
      'tag:Team=決済 -tag:担当者',
      'ip:10.20.0.0/16',
    ];
    const queryFigures = queries.map((q) => {
      const times: number[] = [];
      let matched = 0;
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        const predicate = compileQuery(parseQuery(q));
        matched = kept.filter(predicate).length;
        times.push(performance.now() - started);
      }
      return { query: q, matched, median_ms: median(times), max_ms: round(Math.max(...times)) };
    });

    const coreMedian = median(core.map((r) => r.ms));
    const result: Record<string, unknown> = {
      benchmark: 'fleet',
      fleet: { instances: count, regions: GENERATED_REGIONS, seed: Number(values.seed) },
      machine: { cpus: availableParallelism(), loadavg_1m: round(loadavg()[0] ?? 0) },
      core: {
        listed: core[0]?.count,
        failed_sources: core[0]?.failed,
        median_ms: coreMedian,
        runs_ms: core.map((r) => round(r.ms)),
        median_client_cpu_ms: median(core.map((r) => r.cpuMs)),
        note: 'FleetService.list over 4 regions at once, new client factory + credentials per run (as at app start)',
      },
      main_memory: {
        baseline_rss_mib: mib(baseline.rss),
        rss_with_list_mib: mib(withList.rss),
        heap_used_baseline_mib: mib(baseline.heapUsed),
        heap_used_with_list_mib: mib(withList.heapUsed),
        heap_for_list_mib: mib(withList.heapUsed - baseline.heapUsed),
        peak_rss_mib: mib(process.resourceUsage().maxRSS * 1024),
        note: `after GC, holding the last merged list (${kept.length} rows); baseline after a warm-up listing was dropped; peak RSS of the whole run (SDK parsing included)`,
      },
      query: {
        tag_index_build_ms: round(indexMs),
        tag_keys: index.keys().length,
        per_query: queryFigures,
        note: 'parse + compile + filter of the whole list, median of 20, this process (not Chromium)',
      },
    };
    if (cli.length > 0) {
      const seq = median(cli.map((c) => c.sequentialMs));
      const par = median(cli.map((c) => c.parallelMs));
      result.aws_cli = {
        binary: values.aws,
        listed: cli[0]?.listed,
        sequential_median_ms: seq,
        parallel_median_ms: par,
        runs: cli.map((c) => ({ sequential_ms: round(c.sequentialMs), parallel_ms: round(c.parallelMs) })),
        note: 'per region: ssm describe-instance-information + ec2 describe-instances (--output json); regions one after another, then 4 at once',
      };
      result.speedup_core_vs_cli_sequential = round(seq / coreMedian);
      result.speedup_core_vs_cli_parallel = round(par / coreMedian);
    }
    return result;
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function coreOnce(url: string, sources: { profile: string; region: string }[], env: NodeJS.ProcessEnv) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const credentials = new CredentialService({ env, endpointUrl: url });
  const clients = createAwsClientFactory({
    endpointUrl: url,
    env,
    credentialsFor: (p) => credentials.providerFor(p),
  });
  const fleet = new FleetService({ inventory: new InventoryService({ clients }) });
  try {
    const result = await fleet.list(sources);
    const used = process.cpuUsage(cpu);
    return {
      ms: performance.now() - started,
      cpuMs: (used.user + used.system) / 1000,
      count: result.instances.length,
      failed: result.sources.filter((s) => s.state === 'error').length,
      instances: result.instances,
    };
  } finally {
    fleet.dispose();
    clients.dispose();
  }
}

async function awsCliOnce(aws: string, url: string, dir: string) {
  const config = join(dir, 'aws-config');
  writeFileSync(config, '');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_PAGER: '',
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: config,
  };
  const region = async (r: string) => {
    const common = ['--endpoint-url', url, '--region', r, '--output', 'json'];
    const ssm = JSON.parse(await capture(aws, ['ssm', 'describe-instance-information', ...common], env)) as {
      InstanceInformationList?: { InstanceId?: string }[];
    };
    const ec2 = JSON.parse(await capture(aws, ['ec2', 'describe-instances', ...common], env)) as {
      Reservations?: { Instances?: { InstanceId?: string }[] }[];
    };
    const ids = new Set<string>();
    for (const n of ssm.InstanceInformationList ?? []) if (n.InstanceId) ids.add(n.InstanceId);
    for (const r2 of ec2.Reservations ?? [])
      for (const i of r2.Instances ?? []) if (i.InstanceId) ids.add(i.InstanceId);
    return ids.size;
  };
  let started = performance.now();
  let listed = 0;
  for (const r of GENERATED_REGIONS) listed += await region(r);
  const sequentialMs = performance.now() - started;
  started = performance.now();
  await Promise.all(GENERATED_REGIONS.map(region));
  const parallelMs = performance.now() - started;
  return { sequentialMs, parallelMs, listed };
}

function capture(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(Buffer.concat(out).toString('utf8'))
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${err}`)),
    );
  });
}

async function startEmulator(count: number, seed: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'emulator/main.ts', '--port', '0', '--generate', String(count), '--seed', String(seed)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${err}`)), 60_000);
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited (${code}): ${err}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { url, stop };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const m = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return round(m);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function mib(bytes: number): number {
  return round(bytes / 1024 / 1024);
}
