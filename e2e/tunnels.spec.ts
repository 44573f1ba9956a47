/**
 * Tunnels in the browser, through the web host against the emulator: forward a port from the tunnels panel to an HTTP
 * server this test runs on loopback (the emulated Linux instance's ports are this machine's loopback ports), fetch
 * through it, watch the counters move, stop it; RDP on the demo's Windows instance with the host's recording launcher
 * (--test-launcher-log), the administrator password from the demo key pair; saved tunnels in a group; the screenshot.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { E2E_RDP_COMMAND, expect, repoRoot, test } from './fixtures';

const SHOT = { width: 1440, height: 900 };

let server: http.Server;
let httpPort = 0;
let otherServer: http.Server;
let otherPort = 0;

function startServer(text: string): Promise<{ server: http.Server; port: number }> {
  const s = http.createServer((req, res) => {
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    if (req.url === '/stream') {
      // A slow download (8 KiB every 100 ms) that runs until the client goes away.
      const timer = setInterval(() => res.write('y'.repeat(8192)), 100);
      res.on('close', () => clearInterval(timer));
      return;
    }
    res.end(`${text} ${req.url}\n` + 'x'.repeat(4096));
  });
  return new Promise((resolve) =>
    s.listen(0, '127.0.0.1', () => resolve({ server: s, port: (s.address() as AddressInfo).port })),
  );
}

test.beforeAll(async () => {
  ({ server, port: httpPort } = await startServer('こんにちは from the instance'));
  ({ server: otherServer, port: otherPort } = await startServer('metrics'));
});

test.afterAll(async () => {
  await Promise.all([server, otherServer].map((s) => new Promise<void>((r) => s.close(() => r()))));
});

/** GET through a local port with a fresh connection (closed after the answer). */
function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve(text));
      })
      .on('error', reject);
  });
}

async function openApp(page: Page, url: string) {
  await page.goto(url);
  await expect(page.getByRole('grid', { name: 'Instances' })).toBeVisible();
}

async function selectInstance(page: Page, name: string): Promise<Locator> {
  await page.getByRole('tab', { name: 'Instances' }).click();
  await page
    .getByRole('grid', { name: 'Instances' })
    .getByRole('row', { name: new RegExp(name) })
    .click();
  const details = page.getByRole('complementary', { name: 'Instance details' });
  await expect(details.getByRole('heading', { name })).toBeVisible();
  return details;
}

async function forward(
  page: Page,
  instance: string,
  fields: { remotePort: number; name?: string; save?: boolean; bind?: string },
): Promise<void> {
  const details = await selectInstance(page, instance);
  await details.getByRole('button', { name: 'Forward a port' }).click();
  const dialog = page.getByRole('dialog', { name: `Forward a port to ${instance}` });
  await dialog.getByLabel('Remote port').fill(String(fields.remotePort));
  if (fields.bind) await dialog.getByLabel('Bind address').fill(fields.bind);
  if (fields.name) await dialog.getByLabel('Name (optional)').fill(fields.name);
  if (fields.save) await dialog.getByLabel('Save this tunnel').check();
  await dialog.getByRole('button', { name: 'Start' }).click();
  await expect(dialog).toHaveCount(0);
}

function activeRow(page: Page, name: string): Locator {
  return page.locator('tr.tunnel').filter({ hasText: name });
}

async function localPortOf(row: Locator): Promise<number> {
  await expect(row).toHaveAttribute('data-state', 'open');
  return Number(await row.getAttribute('data-local-port'));
}

test.describe('tunnels', () => {
  test('forward a port from the panel, fetch through it, see the counters move, stop it', async ({
    page,
    tunnelStack,
  }) => {
    await openApp(page, tunnelStack.appUrl);
    await expect(page.getByTestId('tunnel-count')).toHaveText('0 tunnels');

    await forward(page, 'web-prod-1', { remotePort: httpPort, name: 'ウェブ API' });
    // The panel opens with the new tunnel.
    await expect(page.getByRole('region', { name: 'Tunnels' })).toBeVisible();
    const row = activeRow(page, 'ウェブ API');
    const port = await localPortOf(row);
    expect(port).toBeGreaterThan(0);
    await expect(row.getByRole('button', { name: `127.0.0.1:${port}` })).toBeVisible();
    await expect(row).toContainText(`port ${httpPort} on web-prod-1`);
    await expect(page.getByTestId('tunnel-count')).toHaveText('1 tunnel');

    const answers = [];
    for (let i = 1; i <= 3; i++) answers.push(await get(port, `/page-${i}`));
    expect(answers[0]).toContain('こんにちは from the instance /page-1');
    expect(answers[2]).toContain('/page-3');

    // Counters arrive with the next tunnel.stats events.
    await expect(row).toHaveAttribute('data-connections', '3');
    await expect.poll(async () => Number(await row.getAttribute('data-bytes-in'))).toBeGreaterThanOrEqual(3 * 4096);
    expect(Number(await row.getAttribute('data-bytes-out'))).toBeGreaterThan(0);
    await expect(row.getByTestId('connections')).toHaveText('0 open · 3 total');
    await expect(row.getByTestId('traffic')).toContainText('KiB');

    await row.getByRole('button', { name: 'Stop ウェブ API' }).click();
    await expect(row).toHaveCount(0);
    await expect(page.getByTestId('tunnel-count')).toHaveText('0 tunnels');
    await expect(get(port, '/after-stop')).rejects.toThrow(/ECONNREFUSED/);
  });

  test('a busy local port is a clear error in the dialog; the bind address warns when not loopback', async ({
    page,
    tunnelStack,
  }) => {
    await openApp(page, tunnelStack.appUrl);
    const details = await selectInstance(page, 'web-prod-2');
    await details.getByRole('button', { name: 'Forward a port' }).click();
    const dialog = page.getByRole('dialog', { name: 'Forward a port to web-prod-2' });
    await dialog.getByLabel('Remote port').fill(String(httpPort));
    await dialog.getByLabel('Bind address').fill('0.0.0.0');
    await expect(dialog.getByRole('alert')).toContainText('0.0.0.0 is reachable from other machines');
    await dialog.getByLabel('Bind address').fill('127.0.0.1');
    await expect(dialog.getByRole('alert')).toHaveCount(0);
    // The test's own HTTP server holds this port.
    await dialog.getByLabel('Local port (optional)').fill(String(otherPort));
    await dialog.getByRole('button', { name: 'Start' }).click();
    const error = dialog.locator('[data-code="PORT_IN_USE"]');
    await expect(error).toContainText(`Local port ${otherPort} is already in use`);
    await dialog.getByLabel('Remote port').fill('99999');
    await dialog.getByRole('button', { name: 'Start' }).click();
    await expect(dialog.getByText('Enter a whole number from 1 to 65535.')).toBeVisible();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByTestId('tunnel-count')).toHaveText('0 tunnels');
  });

  test('Connect with RDP on the Windows instance starts the client through the launcher; the password decrypts', async ({
    page,
    tunnelStack,
  }) => {
    await openApp(page, tunnelStack.appUrl);
    const details = await selectInstance(page, 'win-ad-prod');
    await details.getByRole('button', { name: 'Connect with RDP' }).click();
    const row = page.locator('tr.tunnel[data-kind="rdp"]').filter({ hasText: 'win-ad-prod' });
    const port = await localPortOf(row);
    await expect(row).toContainText('port 3389 on win-ad-prod');
    const expected = E2E_RDP_COMMAND.replace('{host}', '127.0.0.1')
      .replace('{port}', String(port))
      .replace('{username}', 'Administrator');
    await expect(page.getByTestId('rdp-command')).toHaveText(`Started: ${expected}`);

    // The recording launcher got exactly that command (no shell, words as arguments).
    await expect.poll(() => existsSync(tunnelStack.launcherLog)).toBe(true);
    const launches = readFileSync(tunnelStack.launcherLog, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; command?: string; args?: string[] });
    expect(launches).toEqual([
      {
        kind: 'spawn',
        command: 'xfreerdp',
        args: [`/v:127.0.0.1:${port}`, '/u:Administrator', '/cert:tofu'],
      },
    ]);

    // The administrator password, decrypted with the demo key pair file.
    const again = await selectInstance(page, 'win-ad-prod');
    await again.getByRole('button', { name: 'Administrator password' }).click();
    const dialog = page.getByRole('dialog', { name: 'Administrator password for win-ad-prod' });
    await dialog
      .getByLabel('Key pair file')
      .setInputFiles(join(repoRoot, 'emulator', 'fleets', 'demo-windows-key.pem'));
    await dialog.getByRole('button', { name: 'Show password' }).click();
    await expect(dialog.getByTestId('rdp-password')).toHaveText('Demo-パスワード-2024!');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toHaveCount(0);

    await page.getByRole('tab', { name: /Tunnels/ }).click();
    await row.getByRole('button', { name: 'Stop win-ad-prod' }).click();
    await expect(row).toHaveCount(0);
  });

  test('saved tunnels toggle, a named group starts and stops them together, and they persist (screenshot)', async ({
    page,
    tunnelStack,
  }) => {
    await page.setViewportSize(SHOT);
    await openApp(page, tunnelStack.appUrl);
    await forward(page, 'web-prod-1', { remotePort: httpPort, name: '本番 API', save: true });
    await forward(page, 'api-prod-1', { remotePort: otherPort, name: 'Metrics', save: true });
    const saved = page.getByRole('list', { name: 'Saved tunnels' });
    await expect(saved.getByRole('listitem')).toHaveCount(2);
    await expect(saved.getByRole('switch', { name: 'Run 本番 API' })).toHaveAttribute('aria-checked', 'true');

    // Stop one with its toggle, then make a group of both.
    await saved.getByRole('switch', { name: 'Run Metrics' }).click();
    await expect(saved.getByRole('switch', { name: 'Run Metrics' })).toHaveAttribute('aria-checked', 'false');
    await expect(page.getByTestId('tunnel-count')).toHaveText('1 tunnel');
    await saved.getByRole('checkbox', { name: 'Select 本番 API for a group' }).check();
    await saved.getByRole('checkbox', { name: 'Select Metrics for a group' }).check();
    await page.getByRole('textbox', { name: 'Group name' }).fill('朝の作業');
    await page.getByRole('button', { name: 'Make a group of 2 selected' }).click();
    const groups = page.getByRole('list', { name: 'Groups' });
    const groupSwitch = groups.getByRole('switch', { name: 'Run group 朝の作業' });
    await expect(groupSwitch).toHaveAttribute('aria-checked', 'false');

    // On: both run.
    await groupSwitch.click();
    await expect(groupSwitch).toHaveAttribute('aria-checked', 'true');
    await expect(page.getByTestId('tunnel-count')).toHaveText('2 tunnels');
    const apiPort = await localPortOf(activeRow(page, '本番 API'));
    const metricsPort = await localPortOf(activeRow(page, 'Metrics'));
    for (let i = 0; i < 4; i++) await get(apiPort, `/shot-${i}`);
    await get(metricsPort, '/scrape');
    // An RDP tunnel beside them.
    await (await selectInstance(page, 'win-ad-prod')).getByRole('button', { name: 'Connect with RDP' }).click();
    await expect(page.getByTestId('tunnel-count')).toHaveText('3 tunnels');

    // A reload keeps the saved tunnels, the group and the running tunnels.
    await page.reload();
    await page.getByRole('tab', { name: /Tunnels/ }).click();
    await expect(groups.getByRole('switch', { name: 'Run group 朝の作業' })).toHaveAttribute('aria-checked', 'true');
    await expect(activeRow(page, '本番 API')).toHaveAttribute('data-connections', '4');
    await expect(activeRow(page, 'Metrics')).toHaveAttribute('data-connections', '1');

    // A download in progress while the screenshot is taken: one open connection, a rate.
    const download = http.get({ host: '127.0.0.1', port: apiPort, path: '/stream', agent: false });
    download.on('error', () => undefined);
    try {
      await expect(activeRow(page, '本番 API').getByTestId('connections')).toHaveText('1 open · 5 total');
      const api = activeRow(page, '本番 API');
      const before = Number(await api.getAttribute('data-bytes-in'));
      await expect
        .poll(async () => Number(await api.getAttribute('data-bytes-in')))
        .toBeGreaterThan(before + 64 * 1024);
      await expect(api.getByTestId('rate')).not.toContainText('↓ 0 B/s');
      mkdirSync(join(repoRoot, 'docs', 'screenshots'), { recursive: true });
      const file = join(repoRoot, 'docs', 'screenshots', 'tunnels.png');
      await page.evaluate('document.activeElement?.blur()');
      await page.screenshot({ path: file, animations: 'disabled' });
      expect(readFileSync(file).length).toBeGreaterThan(30_000);
    } finally {
      download.destroy();
    }

    // Off: both stop.
    await groups.getByRole('switch', { name: 'Run group 朝の作業' }).click();
    await expect(groups.getByRole('switch', { name: 'Run group 朝の作業' })).toHaveAttribute('aria-checked', 'false');
    await expect(page.getByTestId('tunnel-count')).toHaveText('1 tunnel');
    const rdp = page.locator('tr.tunnel[data-kind="rdp"]');
    await rdp.getByRole('button', { name: 'Stop win-ad-prod' }).click();
    await expect(page.getByTestId('tunnel-count')).toHaveText('0 tunnels');
    await expect(page.locator('tr.tunnel')).toHaveCount(0);
  });

  test.describe('SSH', () => {
    test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

    test('SSH… on a Linux instance with a Japanese name: the config block copies, Open in terminal starts ssh through the launcher', async ({
      page,
      tunnelStack,
    }) => {
      const id = 'i-0b1c2d3e4f5a60001';
      await openApp(page, tunnelStack.appUrl);
      await page.getByLabel('Region').selectOption('ap-northeast-1');
      const details = await selectInstance(page, 'ウェブサーバー');
      await details.getByRole('button', { name: 'SSH…' }).click();
      const dialog = page.getByRole('dialog', { name: 'SSH to ウェブサーバー' });
      const proxy = [
        'node',
        join(repoRoot, 'bin', 'porthole.mjs'),
        'ssh-proxy %h %p --profile demo --region ap-northeast-1 --endpoint-url',
        tunnelStack.emulatorUrl,
      ].join(' ');
      const block = (user: string) =>
        [
          `# ウェブサーバー (${id}, demo, ap-northeast-1) via Porthole`,
          // Nothing of the name is ASCII: the instance id is the alias.
          `Host ${id}`,
          `    HostName ${id}`,
          `    User ${user}`,
          `    ProxyCommand ${proxy}`,
          '',
        ].join('\n');
      const config = dialog.getByTestId('ssh-config');
      await expect(config).toHaveText(block('ec2-user'), { useInnerText: true });

      // A new user name rewrites the block; a bad one is refused with a sentence, nothing to copy.
      await dialog.getByLabel('User name').fill('bad user');
      await expect(dialog.getByRole('alert')).toContainText('is not a user name ssh accepts');
      await expect(dialog.getByRole('button', { name: 'Copy' })).toBeDisabled();
      await dialog.getByLabel('User name').fill('ssm-user');
      await expect(config).toHaveText(block('ssm-user'), { useInnerText: true });
      await expect(dialog.getByRole('alert')).toHaveCount(0);

      await dialog.getByRole('button', { name: 'Copy' }).click();
      await expect(dialog.getByTestId('ssh-note')).toHaveText('Copied to the clipboard.');
      expect(await page.evaluate('navigator.clipboard.readText()')).toBe(block('ssm-user'));

      await dialog.getByRole('button', { name: 'Open in terminal' }).click();
      const ssh = ['ssh', '-o', `ProxyCommand=${proxy}`, '-l', 'ssm-user', id];
      await expect(dialog.getByTestId('ssh-note')).toHaveText(`Started in the terminal: ${ssh.join(' ')}`);
      // The recording launcher got a terminal program whose arguments end with exactly that ssh argv (no shell).
      const launches = readFileSync(tunnelStack.launcherLog, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { kind: string; command?: string; args?: string[] });
      const last = launches.at(-1)!;
      expect(last.kind).toBe('spawn');
      expect(['x-terminal-emulator', 'gnome-terminal', 'konsole']).toContain(last.command);
      expect(last.args).toEqual([last.command === 'gnome-terminal' ? '--' : '-e', ...ssh]);

      await dialog.getByRole('button', { name: 'Close' }).click();
      await expect(dialog).toHaveCount(0);
    });
  });
});
