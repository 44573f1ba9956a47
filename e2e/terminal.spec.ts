/**
 * Shell tabs end to end: the renderer in headless Chromium, through the web host, against the emulator's real PTY
 * shells. Terminal text is read from the xterm buffer (`term.buffer.active`, via the page's test hook), not pixels.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeSessionsCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Page } from '@playwright/test';
import { expect, repoRoot, test } from './fixtures';

const screenshotsDir = join(repoRoot, 'docs', 'screenshots');

interface TabInfo {
  id: string;
  title: string;
  state: string;
  sessionId?: string;
  awsSessionId?: string;
  renderer?: string;
}

function grid(page: Page) {
  return page.getByRole('grid', { name: 'Instances' });
}

async function openApp(page: Page, url: string) {
  await page.goto(url);
  await expect(grid(page).getByRole('row', { name: /web-prod-1/ })).toBeVisible();
  // Sessions left open by earlier tests come back as tabs (re-attach) before anything else.
  await expect.poll(() => page.evaluate('window.__portholeTerminals.restored()')).toBe(true);
}

async function tabs(page: Page): Promise<TabInfo[]> {
  return (await page.evaluate('window.__portholeTerminals.tabs()')) as TabInfo[];
}

async function lines(page: Page, tabId: string): Promise<string[]> {
  return (await page.evaluate(`window.__portholeTerminals.lines(${JSON.stringify(tabId)})`)) as string[];
}

async function text(page: Page, tabId: string): Promise<string> {
  return (await lines(page, tabId)).join('\n');
}

/** Double-clicks an instance row and waits for its tab to be open with a prompt. */
async function connect(page: Page, name: string): Promise<TabInfo> {
  const before = (await tabs(page)).length;
  await grid(page)
    .getByRole('row', { name: new RegExp(name) })
    .dblclick();
  await expect.poll(async () => (await tabs(page)).length).toBe(before + 1);
  const tab = (await tabs(page)).at(-1)!;
  expect(tab.title).toBe(name);
  await expect
    .poll(async () => (await tabs(page)).find((t) => t.id === tab.id)?.state, { timeout: 20_000 })
    .toBe('open');
  // The shell's prompt (sh: "$ ").
  await expect.poll(() => text(page, tab.id), { timeout: 20_000 }).toMatch(/[$#] ?$/m);
  return (await tabs(page)).find((t) => t.id === tab.id)!;
}

/** Types into the focused terminal; `\n` presses Enter. */
async function type(page: Page, textToType: string) {
  await page.keyboard.type(textToType.replace(/\n/g, ''), { delay: 0 });
  if (textToType.endsWith('\n')) await page.keyboard.press('Enter');
}

async function focusTerminal(page: Page, tabId: string) {
  await page.locator(`.terminal-pane[data-tab-id="${tabId}"] .xterm`).click();
}

function ssm(emulatorUrl: string) {
  return new SSMClient({
    region: 'us-east-1',
    endpoint: emulatorUrl,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

function expectPng(path: string): void {
  const bytes = readFileSync(path);
  expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(bytes.readUInt32BE(16)).toBeGreaterThanOrEqual(1200);
  expect(bytes.length).toBeGreaterThan(30_000);
}

test.describe('shell tabs', () => {
  // First, while no other test's sessions are open.
  test('screenshots of a shell tab in light and dark themes', async ({ page, stack }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await openApp(page, stack.appUrl);
    await connect(page, 'web-prod-1');
    await page.getByRole('tab', { name: 'Instances' }).click();
    const tab = await connect(page, 'api-prod-1');
    await type(page, 'uname -sm; echo "6×7 = $((6*7)) · 日本語 OK"\n');
    await expect.poll(() => lines(page, tab.id)).toContain('6×7 = 42 · 日本語 OK');
    await type(page, 'ls -l --color=always /usr | head -9\n');
    await expect.poll(() => text(page, tab.id)).toMatch(/total \d+[\s\S]*local/);
    await type(
      page,
      'df -h / | tail -1; printf "\\033[32mok\\033[0m \\033[33mwarn\\033[0m \\033[31merror\\033[0m\\n"\n',
    );
    await expect.poll(() => lines(page, tab.id)).toContain('ok warn error');
    mkdirSync(screenshotsDir, { recursive: true });
    for (const theme of ['light', 'dark'] as const) {
      // The header's toggle sets the theme explicitly; the terminal colours follow it.
      const toggle = page.getByRole('button', { name: 'Dark theme' });
      if ((await page.locator('html').getAttribute('data-theme')) !== theme) await toggle.click();
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      await page.waitForTimeout(150);
      await page.locator('.terminal-pane:not([hidden]) .xterm').click();
      const file = join(screenshotsDir, `shell-${theme}.png`);
      await page.screenshot({ path: file, animations: 'disabled' });
      expectPng(file);
    }
    // Close both with the keyboard (Ctrl+Shift+W asks first), so later tests start with no sessions.
    for (let i = 0; i < 2; i++) {
      await page.keyboard.press('Control+Shift+W');
      await page
        .getByRole('dialog', { name: 'Close this session?' })
        .getByRole('button', { name: 'Close session' })
        .click();
    }
    await expect.poll(async () => (await tabs(page)).length).toBe(0);
  });

  test('opens two tabs on two instances and runs a command in each', async ({ page, stack }) => {
    await openApp(page, stack.appUrl);
    const first = await connect(page, 'web-prod-1');
    await type(page, 'echo $((6*7))\n');
    await expect.poll(() => lines(page, first.id)).toContain('42');

    await page.getByRole('tab', { name: 'Instances' }).click();
    const second = await connect(page, 'api-prod-1');
    await type(page, 'echo 日本語-$((2+3))\n');
    await expect.poll(() => lines(page, second.id)).toContain('日本語-5');
    expect(await lines(page, first.id)).not.toContain('日本語-5');

    // Both tabs are listed with their titles; the instance list marks the instances with open sessions.
    await expect(page.getByRole('tab', { name: /web-prod-1/ })).toBeVisible();
    await expect(page.getByRole('tab', { name: /api-prod-1/ })).toBeVisible();
    await page.getByRole('tab', { name: 'Instances' }).click();
    await expect(
      grid(page)
        .getByRole('row', { name: /web-prod-1/ })
        .getByLabel('1 open session'),
    ).toBeVisible();
    await expect(
      grid(page)
        .getByRole('row', { name: /db-prod-primary/ })
        .getByLabel(/open session/),
    ).toHaveCount(0);
  });

  test('the terminal size follows the window', async ({ page, stack }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await openApp(page, stack.appUrl);
    const tab = await connect(page, 'web-prod-2');
    const size = async () =>
      (await page.evaluate(`window.__portholeTerminals.size(${JSON.stringify(tab.id)})`)) as {
        cols: number;
        rows: number;
      };
    const before = await size();
    await type(page, 'stty size\n');
    await expect.poll(() => lines(page, tab.id)).toContain(`${before.rows} ${before.cols}`);

    await page.setViewportSize({ width: 960, height: 620 });
    await expect.poll(async () => (await size()).cols).toBeLessThan(before.cols);
    const after = await size();
    expect(after.rows).toBeLessThan(before.rows);
    await type(page, 'clear; stty size\n');
    await expect.poll(() => lines(page, tab.id)).toContain(`${after.rows} ${after.cols}`);
  });

  test('a flood of output arrives whole and typing still echoes during it', async ({ page, stack }) => {
    test.setTimeout(120_000);
    await openApp(page, stack.appUrl);
    const tab = await connect(page, 'bastion-prod');
    await type(page, 'seq 1 300000\n');
    // Wait until the flood is under way, then type: the keystrokes must echo while it scrolls.
    await expect.poll(() => text(page, tab.id)).toMatch(/^\d{4,}$/m);
    await type(page, 'echo typed-$((3+4))\n');
    await expect
      .poll(async () => (await lines(page, tab.id)).some((l) => /typed-7$/.test(l)), {
        timeout: 90_000,
        intervals: [250],
      })
      .toBe(true);
    const all = await lines(page, tab.id);
    const last = all.lastIndexOf('300000');
    expect(last).toBeGreaterThan(0);
    // The lines before the end are the sequence, in order, nothing missing.
    expect(all.slice(last - 5, last + 1)).toEqual(['299995', '299996', '299997', '299998', '299999', '300000']);
    // The shell ran the typed line once the flood was over (its echo came during the flood, so only the answer is here).
    expect(all.findIndex((l) => /typed-7$/.test(l))).toBeGreaterThan(last);
  });

  test('closing a live tab asks first, then the service reports the session terminated', async ({ page, stack }) => {
    await openApp(page, stack.appUrl);
    const tab = await connect(page, 'api-staging-1');
    await page.getByRole('button', { name: 'Close api-staging-1' }).click();
    const dialog = page.getByRole('dialog', { name: 'Close this session?' });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Close session' }).click();
    await expect(page.getByRole('tab', { name: /api-staging-1/ })).toHaveCount(0);
    const client = ssm(stack.emulatorUrl);
    try {
      await expect
        .poll(async () => {
          const out = await client.send(new DescribeSessionsCommand({ State: 'History' }));
          return out.Sessions?.find((s) => s.SessionId === tab.awsSessionId)?.Status;
        })
        .toBe('Terminated');
    } finally {
      client.destroy();
    }
  });

  test('a dropped data channel shows reconnecting, then continues with no output lost', async ({ page, stack }) => {
    await openApp(page, stack.appUrl);
    const tab = await connect(page, 'build-dev-1');
    const response = await fetch(`${stack.emulatorUrl}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: tab.awsSessionId, faults: { dropAfterMessages: 40, dropTimes: 1 } }),
    });
    expect(response.status).toBe(200);
    await type(page, 'seq 1 4000; echo seq-$((1+1))-done\n');
    await expect.poll(() => lines(page, tab.id), { timeout: 45_000 }).toContain('seq-2-done');
    const states = (await page.evaluate(`window.__portholeTerminals.states(${JSON.stringify(tab.id)})`)) as string[];
    expect(states).toContain('reconnecting');
    expect(states.at(-1)).toBe('open');
    const numbers = (await lines(page, tab.id)).filter((l) => /^\d+$/.test(l)).map(Number);
    expect(numbers).toEqual(Array.from({ length: 4000 }, (_, i) => i + 1));
  });

  test('an offline instance shows TargetNotConnected as a readable message', async ({ page, stack }) => {
    await openApp(page, stack.appUrl);
    await grid(page)
      .getByRole('row', { name: /worker-staging-1/ })
      .dblclick();
    const alert = page.locator('.terminal-pane:not([hidden])').getByRole('alert');
    await expect(alert).toContainText('Could not open a session on worker-staging-1.');
    await expect(alert).toContainText('i-0a1b2c3d4e5f60008');
    await expect(alert).toContainText('TARGET_NOT_CONNECTED');
    await expect(alert.getByRole('button', { name: 'Reconnect' })).toBeVisible();
    await expect(page.getByRole('tab', { name: /worker-staging-1/ })).toContainText('Failed');
  });

  test('a page reload re-attaches the open sessions with their output', async ({ page, stack }) => {
    await openApp(page, stack.appUrl);
    const tab = await connect(page, 'db-prod-primary');
    await type(page, 'echo before-$((20+1))\n');
    await expect.poll(() => lines(page, tab.id)).toContain('before-21');
    await page.reload();
    await expect(page.getByRole('tab', { name: /db-prod-primary/ })).toBeVisible();
    await page.getByRole('tab', { name: /db-prod-primary/ }).click();
    const restored = (await tabs(page)).find((t) => t.sessionId === tab.sessionId)!;
    expect(restored.state).toBe('open');
    await expect.poll(() => lines(page, restored.id)).toContain('before-21');
    await focusTerminal(page, restored.id);
    await type(page, 'echo after-$((20+2))\n');
    await expect.poll(() => lines(page, restored.id)).toContain('after-22');
  });

  test('an interactive command from the document picker, remembered for the instance', async ({ page, stack }) => {
    await openApp(page, stack.appUrl);
    const before = (await tabs(page)).length;
    await grid(page)
      .getByRole('row', { name: /web-prod-1/ })
      .click();
    await page.getByRole('button', { name: 'Connect with…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Open a session on web-prod-1' });
    await dialog.getByLabel(/Interactive command/).check();
    await dialog.getByRole('textbox', { name: 'Command' }).fill('sh -c "echo picked-$((5*5)); exec sh"');
    await dialog.getByRole('button', { name: 'Open session' }).click();
    await expect.poll(async () => (await tabs(page)).at(-1)?.state, { timeout: 20_000 }).toBe('open');
    const tab = (await tabs(page)).at(-1)!;
    await expect.poll(() => lines(page, tab.id), { timeout: 20_000 }).toContain('picked-25');
    // Remembered: the next plain connect to this instance uses the same document.
    await page.getByRole('tab', { name: 'Instances' }).click();
    await grid(page)
      .getByRole('row', { name: /web-prod-1/ })
      .dblclick();
    await expect.poll(async () => (await tabs(page)).length).toBe(before + 2);
    const again = (await tabs(page)).at(-1)!;
    await expect.poll(() => lines(page, again.id), { timeout: 20_000 }).toContain('picked-25');
  });

  test('terminal settings apply to an open terminal at once and are remembered', async ({ page, stack }) => {
    await openApp(page, stack.appUrl);
    const tab = await connect(page, 'api-prod-1');
    const options = async () =>
      (await page.evaluate(`window.__portholeTerminals.options(${JSON.stringify(tab.id)})`)) as {
        fontSize: number;
        scrollback: number;
        fontFamily: string;
      };
    const size = async () =>
      (await page.evaluate(`window.__portholeTerminals.size(${JSON.stringify(tab.id)})`)) as {
        cols: number;
        rows: number;
      };
    expect(await options()).toMatchObject({ fontSize: 13, scrollback: 10_000 });
    const before = await size();

    // The keyboard shortcut, typed while the terminal has the focus (xterm leaves it to the app).
    await page.keyboard.press('Control+Comma');
    const dialog = page.getByRole('dialog', { name: 'Terminal settings' });
    await expect(dialog).toBeVisible();
    await dialog.getByLabel('Font size (px)').fill('20');
    await dialog.getByLabel('Scrollback (lines)').fill('200');
    await expect.poll(options).toMatchObject({ fontSize: 20, scrollback: 200 });
    // Bigger cells: fewer of them fit, and the session is told the new size.
    await expect.poll(async () => (await size()).cols).toBeLessThan(before.cols);
    // Out of range: refused with the reason, the terminal keeps the last good size.
    await dialog.getByLabel('Font size (px)').fill('99');
    await expect(dialog.getByRole('alert')).toHaveText('Enter a whole number from 8 to 32.');
    expect((await options()).fontSize).toBe(20);
    await dialog.getByLabel('Font size (px)').fill('20');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(dialog).toHaveCount(0);

    const after = await size();
    await focusTerminal(page, tab.id);
    await type(page, 'clear; stty size\n');
    await expect.poll(() => lines(page, tab.id)).toContain(`${after.rows} ${after.cols}`);
    // Scrollback 200: after 1000 lines only the last ~200 (plus the screen) are kept.
    await type(page, 'seq 1 1000; echo scroll-$((4*5))\n');
    await expect.poll(() => lines(page, tab.id)).toContain('scroll-20');
    const kept = await lines(page, tab.id);
    expect(kept.length).toBeLessThanOrEqual(200 + after.rows);
    expect(kept).toContain('1000');
    expect(kept).not.toContain('500');

    // The menu has the entry too; the settings survive a reload (localStorage) and apply to the restored tab.
    await page.getByRole('button', { name: 'Terminal menu' }).click();
    await page.getByRole('menuitem', { name: /Terminal settings/ }).click();
    await expect(dialog).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await page.reload();
    await expect.poll(() => page.evaluate('window.__portholeTerminals.restored()')).toBe(true);
    const restored = (await tabs(page)).find((t) => t.sessionId === tab.sessionId)!;
    await page.locator(`.tab--session[data-tab-id="${restored.id}"] [role="tab"]`).click();
    expect(await page.evaluate(`window.__portholeTerminals.options(${JSON.stringify(restored.id)})`)).toMatchObject({
      fontSize: 20,
      scrollback: 200,
    });
  });

  test('a Windows instance opens with its shell profile and a PowerShell prompt, marked Windows', async ({
    page,
    stack,
  }) => {
    await openApp(page, stack.appUrl);
    await expect(
      grid(page)
        .getByRole('row', { name: /win-ad-prod/ })
        .getByRole('img', { name: 'Windows' }),
    ).toBeVisible();
    await grid(page)
      .getByRole('row', { name: /win-ad-prod/ })
      .dblclick();
    await expect.poll(async () => (await tabs(page)).at(-1)?.title).toBe('win-ad-prod');
    const tab = (await tabs(page)).at(-1)!;
    await expect.poll(async () => (await tabs(page)).find((t) => t.id === tab.id)?.state).toBe('open');
    const prompt = 'PS C:\\Windows\\system32> ';
    await expect.poll(async () => (await lines(page, tab.id)).filter(Boolean).at(-1), { timeout: 20_000 }).toBe(prompt);
    // The Windows shell profile from the session preferences ran before the first prompt the user sees.
    expect((await lines(page, tab.id)).filter(Boolean).slice(0, 3)).toEqual([
      `${prompt}echo 'Windows shell profile ran: win-ad-prod'`,
      'Windows shell profile ran: win-ad-prod',
      prompt,
    ]);
    await type(page, 'echo "ウィンドウズ-$((6*7))"\n');
    await expect.poll(() => lines(page, tab.id)).toContain('ウィンドウズ-42');
    const all = (await lines(page, tab.id)).filter(Boolean);
    expect(all.at(-1)).toBe(prompt);
    expect(all.at(-3)).toBe(`${prompt}echo "ウィンドウズ-$((6*7))"`);
    // The tab shows the Windows mark; a Linux tab does not.
    const windowsTab = page.getByRole('tab', { name: /win-ad-prod/ });
    await expect(windowsTab.getByRole('img', { name: 'Windows' })).toBeVisible();
    await expect(page.locator(`.tab--session[data-tab-id="${tab.id}"]`)).toHaveAttribute('data-platform', 'Windows');
    await expect(windowsTab).toHaveAttribute('title', /Windows instance/);
    const linux = (await tabs(page)).find((t) => t.title === 'api-prod-1');
    if (linux) {
      await expect(page.getByRole('tab', { name: /api-prod-1/ }).getByRole('img', { name: 'Windows' })).toHaveCount(0);
    }
  });

  test('a dropped connection to the web host re-attaches the tab with no output lost', async ({ page, stack }) => {
    // Track the page's websockets so the test can close the one to the web host; `hold` makes reconnects fail for a
    // while (the host refuses a wrong token), so output keeps coming while the page is away.
    // (A script string: the e2e code is typechecked without the DOM library.)
    await page.addInitScript(`
      const Native = window.WebSocket;
      window.__sockets = [];
      window.__hold = false;
      window.WebSocket = class extends Native {
        constructor(url, protocols) {
          super(window.__hold ? String(url).replace(/token=[^&]*/, 'token=held') : url, protocols);
          window.__sockets.push(this);
        }
      };
    `);
    await openApp(page, stack.appUrl);
    const tab = await connect(page, 'bastion-prod');
    await type(page, 'for i in $(seq 1 60); do echo tick-$i; sleep 0.05; done; echo ticks-$((6*10))-done\n');
    await expect.poll(() => lines(page, tab.id)).toContain('tick-5');
    const socketsBefore = (await page.evaluate('window.__sockets.length')) as number;
    const tickCount = async () => (await lines(page, tab.id)).filter((l) => /^tick-\d+$/.test(l)).length;
    await page.evaluate('window.__hold = true; window.__sockets.at(-1).close()');
    const atDrop = await tickCount();
    // Away for a second: the shell keeps printing into the session (main keeps it), none of it reaches the page.
    await page.waitForTimeout(1_000);
    expect(await tickCount()).toBe(atDrop);
    expect(atDrop).toBeLessThan(40);
    await page.evaluate('window.__hold = false');
    await expect
      .poll(() => page.evaluate('window.__sockets.at(-1).readyState === 1 && window.__sockets.length'), {
        timeout: 20_000,
      })
      .toBeGreaterThan(socketsBefore);
    await expect.poll(() => lines(page, tab.id), { timeout: 20_000 }).toContain('ticks-60-done');
    const ticks = (await lines(page, tab.id)).filter((l) => /^tick-\d+$/.test(l));
    expect(ticks).toEqual(Array.from({ length: 60 }, (_, i) => `tick-${i + 1}`));
    expect((await tabs(page)).find((t) => t.id === tab.id)?.state).toBe('open');
    // Input goes to the same session over the new connection.
    await focusTerminal(page, tab.id);
    await type(page, 'echo after-drop-$((2*21))\n');
    await expect.poll(() => lines(page, tab.id)).toContain('after-drop-42');
  });
});
