import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, repoRoot, test } from './fixtures';

const screenshotsDir = join(repoRoot, 'docs', 'screenshots');

/** Reads a PNG's signature and IHDR size; fails unless it is a real, non-trivial image. */
function expectPng(path: string, minWidth: number, minHeight: number): void {
  const bytes = readFileSync(path);
  expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(bytes.subarray(12, 16).toString('ascii')).toBe('IHDR');
  expect(bytes.readUInt32BE(16)).toBeGreaterThanOrEqual(minWidth);
  expect(bytes.readUInt32BE(20)).toBeGreaterThanOrEqual(minHeight);
  // A blank or nearly blank page compresses to a few KB; the list with text, badges and chips does not.
  expect(bytes.length).toBeGreaterThan(30_000);
}

function instanceGrid(page: Page) {
  return page.getByRole('grid', { name: 'Instances' });
}

function row(page: Page, name: string | RegExp) {
  return instanceGrid(page).getByRole('row', { name });
}

/** Screenshots for the README are taken at a common laptop size. */
const SHOT = { width: 1440, height: 900 };

async function screenshot(page: Page, name: string) {
  mkdirSync(screenshotsDir, { recursive: true });
  const file = join(screenshotsDir, name);
  // (Browser-side code as a string: the e2e tsconfig has no DOM types.)
  await page.evaluate('document.activeElement?.blur()');
  await page.screenshot({ path: file, animations: 'disabled' });
  expectPng(file, SHOT.width, SHOT.height);
}

/** Rows whose tag chips ("+N" included) are cut off at the end of the tags column (as `name: tag`). */
async function chipOverlaps(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const out = [];
    for (const row of document.querySelectorAll('.grid__row[data-index]')) {
      const cell = row.querySelector('.cell-tags');
      if (!cell) continue;
      const name = row.querySelector('.name')?.textContent ?? '?';
      const right = cell.getBoundingClientRect().right - parseFloat(getComputedStyle(cell).paddingRight);
      let previous = -Infinity;
      for (const chip of cell.querySelectorAll('.chip')) {
        const box = chip.getBoundingClientRect();
        const label = name + ': ' + chip.textContent;
        if (box.right > right + 0.5) out.push(label + ' cut');
        if (box.left < previous - 0.5) out.push(label + ' covered');
        previous = box.right;
      }
    }
    return out;
  })()`)) as string[];
}

async function openApp(page: Page, url: string) {
  await page.goto(url);
  await expect(instanceGrid(page)).toBeVisible();
}

test.describe('instance list', () => {
  test('shows the demo fleet with status, platform, IP and tags', async ({ page, stack }) => {
    await openApp(page, stack.appUrl);
    await expect(page.getByLabel('Profile')).toHaveValue('demo');
    await expect(page.getByLabel('Region')).toHaveValue('us-east-1');
    await expect(page.getByRole('status').filter({ hasText: /^\d+ instances$/ })).toHaveText('11 instances');
    await expect(instanceGrid(page).getByRole('row')).toHaveCount(12); // header + 11

    for (const name of ['web-prod-1', 'api-prod-1', 'db-prod-primary', 'win-ad-prod', 'onprem-gateway-01']) {
      await expect(row(page, new RegExp(name))).toBeVisible();
    }
    // The offline node, the unmanaged EC2 instance, the Windows server and the hybrid node.
    await expect(row(page, /worker-staging-1/).getByText('Connection lost')).toBeVisible();
    await expect(row(page, /legacy-batch/).getByText('Not managed')).toBeVisible();
    await expect(row(page, /win-ad-prod/).getByRole('img', { name: 'Windows' })).toBeVisible();
    await expect(row(page, /web-prod-1/).getByRole('img', { name: 'Linux' })).toBeVisible();
    await expect(row(page, /onprem-gateway-01/).getByText('Hybrid')).toBeVisible();
    await expect(row(page, /web-prod-1/).getByText('storefront')).toBeVisible();
    await expect(row(page, /web-prod-1/).getByText(/^10\.\d+\.\d+\.\d+$/)).toBeVisible();
    await expect.poll(() => chipOverlaps(page)).toEqual([]); // at 1280 px: more rows need "+N"
    await expect(page.getByText(`Endpoint ${new URL(stack.emulatorUrl).host}`)).toBeVisible();

    // Keyboard: focus the first row, move down, the details follow the selection.
    await row(page, /web-prod-1/).click();
    await page.keyboard.press('ArrowDown');
    await expect(row(page, /web-prod-2/)).toHaveAttribute('aria-selected', 'true');
    await expect(row(page, /web-prod-2/)).toBeFocused();
    const details = page.getByRole('complementary', { name: 'Instance details' });
    await expect(details.getByRole('heading', { name: 'web-prod-2' })).toBeVisible();
    await expect(details.getByText('i-0a1b2c3d4e5f60002')).toBeVisible();

    // The README shot: the whole list, nothing selected.
    await page.keyboard.press('Escape');
    await expect(details).toHaveCount(0);
    await page.setViewportSize(SHOT);
    // Tag chips: each one shown is whole (not cut by the cell) and the "+N" chip does not cover one.
    await expect.poll(() => chipOverlaps(page)).toEqual([]);
    await screenshot(page, 'instance-list.png');
  });

  test('switching region shows that region’s instances, Japanese names included', async ({ page, stack }) => {
    await openApp(page, stack.appUrl);
    await expect(row(page, /web-prod-1/)).toBeVisible();
    await page.getByLabel('Region').selectOption('ap-northeast-1');

    await expect(row(page, /ウェブサーバー/)).toBeVisible();
    await expect(row(page, /分析基盤-dev/)).toBeVisible();
    await expect(row(page, /ウェブサーバー/).getByText('決済チーム')).toBeVisible();
    await expect(row(page, /win-rdp-staging/).getByText('Inactive')).toBeVisible();
    await expect(row(page, /web-prod-1/)).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: /instances$/ })).toHaveText('4 instances');
  });

  test('the query box filters the list and says how many are shown', async ({ page, stack }) => {
    await openApp(page, stack.appUrl);
    const search = page.getByRole('searchbox', { name: 'Search instances' });

    await search.fill('tag:Team=PAYMENTS');
    await expect(page.getByText('3 of 11 shown')).toBeVisible();
    await expect(instanceGrid(page).getByRole('row')).toHaveCount(4);
    await expect(row(page, /api-prod-1/)).toBeVisible();
    await expect(row(page, /web-prod-1/)).toHaveCount(0);

    await search.fill('tag:Role=bastion');
    await expect(page.getByText('1 of 11 shown')).toBeVisible();
    await expect(row(page, /bastion-prod/)).toBeVisible();

    await search.fill('platform:windows');
    await expect(row(page, /win-ad-prod/)).toBeVisible();
    await expect(page.getByText('1 of 11 shown')).toBeVisible();

    await search.fill('nothing-matches-this');
    await expect(page.getByRole('heading', { name: 'No instances match “nothing-matches-this”' })).toBeVisible();
    await search.press('Escape');
    await expect(page.getByText('11 instances')).toBeVisible();

    // Japanese: tag values and names in Tokyo.
    await page.getByLabel('Region').selectOption('ap-northeast-1');
    await expect(row(page, /ウェブサーバー/)).toBeVisible();
    await search.fill('tag:Team=決済*');
    await expect(page.getByText('1 of 4 shown')).toBeVisible();
    await expect(row(page, /ウェブサーバー/)).toBeVisible();
    await search.fill('tag:担当者="山田 *"');
    await expect(page.getByText('1 of 4 shown')).toBeVisible();
    await search.fill('分析');
    await expect(row(page, /分析基盤-dev/)).toBeVisible();
    await expect(row(page, /ウェブサーバー/)).toHaveCount(0);
  });

  test('the theme follows the system until the user picks one', async ({ page, stack }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await openApp(page, stack.appUrl);
    const html = page.locator('html');
    await expect(html).toHaveAttribute('data-theme', 'dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect(html).toHaveAttribute('data-theme', 'light');
    await expect(page.getByRole('button', { name: 'Dark theme' })).toHaveAttribute('aria-pressed', 'false');
  });

  test('the dark theme toggle applies and is remembered', async ({ page, stack }) => {
    await openApp(page, stack.appUrl);
    const html = page.locator('html');
    await expect(html).toHaveAttribute('data-theme', 'light');
    const toggle = page.getByRole('button', { name: 'Dark theme' });
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    const lightBg = await page.evaluate('getComputedStyle(document.body).backgroundColor');

    await toggle.click();
    await expect(html).toHaveAttribute('data-theme', 'dark');
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    const darkBg = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(darkBg).not.toBe(lightBg);

    // Reload: the choice persists (the token was consumed, so reopen the printed URL).
    await openApp(page, stack.appUrl);
    await expect(html).toHaveAttribute('data-theme', 'dark');
    await expect(row(page, /worker-staging-1/).getByText('Connection lost')).toBeVisible();
    await row(page, /web-prod-2/).click();
    await expect(page.getByRole('complementary', { name: 'Instance details' })).toBeVisible();

    await page.setViewportSize(SHOT);
    await screenshot(page, 'instance-list-dark.png');
  });

  test('a profile the emulator refuses shows a readable error with Retry', async ({ page, stack }) => {
    await openApp(page, stack.appUrl);
    await page.getByLabel('Profile').selectOption('wrong-keys');

    const alert = page.getByRole('alert');
    await expect(alert).toBeVisible();
    await expect(alert.getByRole('heading', { name: 'Could not load instances' })).toBeVisible();
    await expect(alert).toContainText('AWS refused the credentials of profile "wrong-keys"');
    await expect(alert.getByText(/Choose another profile/)).toBeVisible();
    await expect(alert).not.toContainText('not-the-right-secret');

    await alert.getByRole('button', { name: 'Retry' }).click();
    await expect(page.getByRole('alert')).toBeVisible();

    await page.getByLabel('Profile').selectOption('demo');
    await expect(row(page, /web-prod-1/)).toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);
  });
});

test.describe('in Japanese', () => {
  test.use({ locale: 'ja-JP' });

  test('follows the browser language', async ({ page, stack }) => {
    await page.goto(stack.appUrl);
    const grid = page.getByRole('grid', { name: 'インスタンス' });
    await expect(grid).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
    await expect(grid.getByRole('columnheader', { name: '状態' })).toBeVisible();
    await expect(page.getByText('11 台のインスタンス')).toBeVisible();
    await expect(grid.getByRole('row', { name: /worker-staging-1/ }).getByText('接続切断')).toBeVisible();

    await page.getByLabel('リージョン').selectOption('ap-northeast-1');
    await page.getByRole('searchbox', { name: 'インスタンスを検索' }).fill('ウェブ');
    await expect(page.getByText('4 台中 1 台を表示')).toBeVisible();
    await expect(grid.getByRole('row', { name: /ウェブサーバー/ })).toBeVisible();
  });
});
