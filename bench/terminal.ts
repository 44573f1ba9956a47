/**
 * Terminal benchmark (issue 4): the real renderer in headless Chromium, through the web host, against the emulator
 * (each its own process), with the agent's output pacing on (as a real agent) and off.
 *
 *   clickToPrompt  double-click on an instance row until the shell prompt is in the xterm buffer (ms, each run);
 *                  the emulator's agent waits `agentFirstReadMs` before its first read when pacing is on, so the
 *                  app's own share is clickToPrompt - agentFirstReadMs
 *   renderer       `head -c N /dev/zero | base64 -w 100` in a tab: MB/s of output written into xterm and
 *                  acknowledged (flow control on), from Enter until the marker after it is in the buffer
 *   channel        the same command through the core client alone (no renderer): the data channel's own rate
 *   echoDuringFlood  a key typed while the output streams: time until its echo is in the buffer
 *
 *   npm run bench -- terminal [--runs 5] [--mib 8] [--paced-mib 1] [--only on|off] [--renderer webgl|dom]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Page } from '@playwright/test';
import { createAwsClientFactory } from '../electron/core/aws/clients';
import { SessionStarter } from '../electron/core/ssm/sessionStarter';
import { Utf8StreamDecoder } from '../electron/core/ssm/utf8';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MiB = 1024 * 1024;
const INSTANCE = { name: 'web-prod-1', id: 'i-0a1b2c3d4e5f60001' };
const AGENT_FIRST_READ_MS = 1000;

export const TARGETS = { clickToPromptAppMs: 500 } as const;

interface Started {
  child: ChildProcess;
  match: RegExpMatchArray;
}

function start(args: string[], ready: RegExp, env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start: ${out.slice(-2000)}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = out.match(ready);
      if (m) {
        clearTimeout(timer);
        resolve({ child, match: m });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} exited (${code}): ${out.slice(-2000)}`));
    });
  });
}

async function stop(p: Started | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null) return;
  p.child.removeAllListeners('exit');
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  const t = setTimeout(() => p.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(t);
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  return { ...env, ...extra };
}

export async function run(argv: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string', default: '5' },
      mib: { type: 'string', default: '8' },
      'paced-mib': { type: 'string', default: '1' },
      only: { type: 'string' },
      renderer: { type: 'string', default: 'webgl' },
    },
    strict: true,
  });
  const runs = Number(values.runs);
  const modes = values.only === 'on' ? [true] : values.only === 'off' ? [false] : [true, false];
  const results: Record<string, unknown> = {};
  for (const pacing of modes) {
    results[pacing ? 'pacingOn' : 'pacingOff'] = await measure(
      pacing,
      runs,
      Number(pacing ? values['paced-mib'] : values.mib),
      values.renderer === 'dom' ? 'dom' : 'webgl',
    );
  }
  return {
    benchmark: 'terminal',
    machine: { cpus: availableParallelism(), load1: round(loadavg()[0] ?? 0, 2) },
    targets: TARGETS,
    ...results,
  };
}

async function measure(pacing: boolean, runs: number, mib: number, xterm: 'webgl' | 'dom') {
  const dir = mkdtempSync(join(tmpdir(), 'porthole-bench-term-'));
  const config = join(dir, 'config');
  const credentials = join(dir, 'credentials');
  writeFileSync(config, '[profile demo]\nregion = us-east-1\n');
  writeFileSync(credentials, '[demo]\naws_access_key_id = test\naws_secret_access_key = test\n');
  let emulator: Started | undefined;
  let host: Started | undefined;
  const browser = await chromium.launch({
    executablePath: process.env.PORTHOLE_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--no-first-run'],
  });
  try {
    emulator = await start(
      ['emulator/main.ts', '--port', '0', ...(pacing ? [] : ['--no-pacing'])],
      /listening on (http:\/\/127\.0\.0\.1:\d+)/,
      cleanEnv({}),
    );
    const emulatorUrl = emulator.match[1]!;
    host = await start(
      ['electron/host/serve.ts', '--port', '0', '--endpoint-url', emulatorUrl],
      /listening on (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/,
      cleanEnv({ AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials }),
    );
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(host.match[1]!);
    if (xterm === 'dom') {
      await page.evaluate(`localStorage.setItem('porthole.terminal.renderer', 'dom')`);
      await page.reload();
    }
    await page
      .getByRole('grid', { name: 'Instances' })
      .getByRole('row', { name: /web-prod-1/ })
      .waitFor();
    await until(page, 'window.__portholeTerminals.restored()');

    const clickToPrompt: number[] = [];
    for (let i = 0; i < runs; i++) {
      clickToPrompt.push(await timeClickToPrompt(page));
      await closeActiveTab(page);
    }

    const tabId = await openTab(page);
    const rendererRate = await rendererThroughput(page, tabId, mib);
    const echo = await echoDuringFlood(page, tabId, pacing ? 1 : 4);
    const channelRate = await channelThroughput(emulatorUrl, mib);
    const sorted = [...clickToPrompt].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const renderer = (await page.evaluate(
      `window.__portholeTerminals.tabs().find((t) => t.id === ${JSON.stringify(tabId)})?.renderer`,
    )) as string;
    return {
      clickToPromptMs: { runs: clickToPrompt.map((n) => round(n, 0)), median: round(median, 0) },
      agentFirstReadMs: pacing ? AGENT_FIRST_READ_MS : 0,
      appShareMedianMs: round(median - (pacing ? AGENT_FIRST_READ_MS : 0), 0),
      xtermRenderer: renderer,
      renderer: rendererRate,
      channel: channelRate,
      rendererVsChannel: round(rendererRate.mbPerSecond / channelRate.mbPerSecond, 2),
      echoDuringFloodMs: echo,
    };
  } finally {
    await browser.close();
    await Promise.all([stop(host), stop(emulator)]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Double-click in the page and poll every animation frame until the new tab's last line is a prompt. */
async function timeClickToPrompt(page: Page): Promise<number> {
  await page.getByRole('tab', { name: 'Instances' }).click();
  const row = page.getByRole('grid', { name: 'Instances' }).getByRole('row', { name: /web-prod-1/ });
  await row.waitFor();
  return (await page.evaluate(`(async () => {
    const hook = window.__portholeTerminals;
    const before = hook.tabs().length;
    const row = [...document.querySelectorAll('.grid__row[data-index]')].find((r) => r.textContent.includes('web-prod-1'));
    const t0 = performance.now();
    row.dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
    for (;;) {
      await new Promise((r) => requestAnimationFrame(r));
      const tabs = hook.tabs();
      const tab = tabs.length > before ? tabs[tabs.length - 1] : undefined;
      if (tab && tab.state === 'failed') throw new Error('session failed');
      if (tab && /[$#] ?$/.test(hook.tail(tab.id, 1)[0] ?? '')) return performance.now() - t0;
      if (performance.now() - t0 > 20000) throw new Error('no prompt within 20 s');
    }
  })()`)) as number;
}

async function closeActiveTab(page: Page): Promise<void> {
  await page.keyboard.press('Control+Shift+W');
  const dialog = page.getByRole('dialog', { name: 'Close this session?' });
  await dialog.getByRole('button', { name: 'Close session' }).click();
  await dialog.waitFor({ state: 'detached' });
}

async function openTab(page: Page): Promise<string> {
  await timeClickToPrompt(page);
  return (await page.evaluate('window.__portholeTerminals.tabs().at(-1).id')) as string;
}

async function typeLine(page: Page, tabId: string, line: string): Promise<void> {
  await page.locator(`.terminal-pane[data-tab-id="${tabId}"] .xterm`).click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

async function rendererThroughput(page: Page, tabId: string, mib: number) {
  await typeLine(page, tabId, 'clear');
  await page.waitForTimeout(300);
  const before = (await page.evaluate(`window.__portholeTerminals.received(${JSON.stringify(tabId)})`)) as number;
  const t0 = Date.now();
  await typeLine(page, tabId, `head -c ${mib * MiB} /dev/zero | base64 -w 100; echo done-$((40+2))`);
  await until(
    page,
    `window.__portholeTerminals.tail(${JSON.stringify(tabId)}, 3).some((l) => l === 'done-42')`,
    300_000,
  );
  const seconds = (Date.now() - t0) / 1000;
  const chars =
    ((await page.evaluate(`window.__portholeTerminals.received(${JSON.stringify(tabId)})`)) as number) - before;
  return { bytes: chars, seconds: round(seconds, 2), mbPerSecond: round(chars / MiB / seconds, 2) };
}

/** Starts a flood, types one key during it, and times until the echo of that key is in the buffer. */
async function echoDuringFlood(page: Page, tabId: string, mib: number) {
  await typeLine(page, tabId, `clear; head -c ${mib * MiB} /dev/zero | base64 -w 100; echo flood-over`);
  await until(page, `window.__portholeTerminals.tail(${JSON.stringify(tabId)}, 2).some((l) => /^A{100}$/.test(l))`);
  const ms = (await page.evaluate(`(async () => {
    const hook = window.__portholeTerminals;
    const id = ${JSON.stringify(tabId)};
    const textarea = document.querySelector('.terminal-pane[data-tab-id="' + id + '"] textarea');
    const t0 = performance.now();
    let seen = hook.received(id);
    textarea.dispatchEvent(new InputEvent('input', { data: 'Z', inputType: 'insertText', bubbles: true }));
    for (;;) {
      await new Promise((r) => requestAnimationFrame(r));
      // Every line that arrived since the last look (lines are 101 characters; twice that, and some, for slack):
      // a fixed window let a fast flood scroll the echo past between two looks.
      const now = hook.received(id);
      const lines = 2 * Math.ceil((now - seen) / 101) + 200;
      seen = now;
      if (hook.tail(id, lines).some((l) => l.includes('Z'))) return performance.now() - t0;
      if (performance.now() - t0 > 30000) return -1;
    }
  })()`)) as number;
  await until(
    page,
    `window.__portholeTerminals.tail(${JSON.stringify(tabId)}, 3).some((l) => l.endsWith('flood-over'))`,
    300_000,
  );
  await page.keyboard.press('Control+u');
  return ms < 0 ? 'no echo within 30 s' : round(ms, 1);
}

/** The same output through the core client alone: what the data channel delivers without a renderer. */
async function channelThroughput(endpointUrl: string, mib: number) {
  const clients = createAwsClientFactory({
    endpointUrl,
    env: {},
    credentialsFor: () => async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }),
  });
  const starter = new SessionStarter({ clients });
  const session = await starter.start({
    profile: 'demo',
    region: 'us-east-1',
    target: INSTANCE.id,
    initialSize: { cols: 120, rows: 40 },
  });
  const decoder = new Utf8StreamDecoder();
  let text = '';
  let bytes = 0;
  let counting = false;
  session.onDidOutput((b) => {
    if (counting) bytes += b.length;
    text = (text + decoder.write(b)).slice(-200);
  });
  try {
    await session.write('stty -echo\r');
    await new Promise((r) => setTimeout(r, 1500));
    counting = true;
    const t0 = Date.now();
    await session.write(`head -c ${mib * MiB} /dev/zero | base64 -w 100; echo done-$((40+2))\r`);
    while (!/done-42/.test(text)) {
      if (Date.now() - t0 > 300_000) throw new Error('channel benchmark timed out');
      await new Promise((r) => setTimeout(r, 5));
    }
    const seconds = (Date.now() - t0) / 1000;
    return { bytes, seconds: round(seconds, 2), mbPerSecond: round(bytes / MiB / seconds, 2) };
  } finally {
    await session.terminate().catch(() => undefined);
    session.dispose();
    clients.dispose();
  }
}

/** Polls an expression in the page (waitForFunction evaluates strings, which the page's CSP forbids). */
async function until(page: Page, expression: string, timeoutMs = 60_000, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
