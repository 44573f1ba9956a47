/**
 * Benchmarks: `npm run bench -- <name> [options]`, each printing one JSON document of figures on stdout.
 * Add a benchmark by adding a module with `run(args)` and one line to BENCHMARKS.
 */
type Benchmark = { summary: string; load: () => Promise<{ run(args: string[]): Promise<unknown> }> };

const BENCHMARKS: Record<string, Benchmark> = {
  terminal: {
    summary:
      'the app in headless Chromium via the web host: click-to-prompt ms, renderer MB/s with flow control vs the data channel, echo during a flood',
    load: () => import('./terminal'),
  },
  fleet: {
    summary:
      'list a generated 10,000-instance fleet over 4 regions (FleetService) vs /usr/bin/aws per region; main memory; query filter times',
    load: () => import('./fleet'),
  },
  inventory: {
    summary: 'list a generated 10,000-instance fleet: core InventoryService vs /usr/bin/aws (ssm + ec2)',
    load: () => import('./inventory'),
  },
  shell: {
    summary:
      'shell sessions (emulator pacing off and on): keystroke echo p50/p99, output MB/s, 1 MiB paste, CPU/MiB, memory/session',
    load: () => import('./shell'),
  },
  tunnel: {
    summary:
      'port forwarding (fake agent, emulator pacing off and on): MB/s one stream each way and 8 streams, with and without the session pool, set-up ms, CPU/MiB',
    load: () => import('./tunnel'),
  },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const bench = name ? BENCHMARKS[name] : undefined;
  if (!bench) {
    const list = Object.entries(BENCHMARKS)
      .map(([n, b]) => `  ${n.padEnd(12)} ${b.summary}`)
      .join('\n');
    process.stderr.write(
      `${name ? `unknown benchmark "${name}"\n` : ''}usage: npm run bench -- <name> [options]\n${list}\n`,
    );
    return 2;
  }
  const figures = await (await bench.load()).run(rest);
  process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
  return 0;
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
