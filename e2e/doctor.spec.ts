/**
 * Connect doctor, IAM policy helper and session audit end to end (issue 7): the renderer in headless Chromium,
 * through the web host, against the emulator's demo fleet (broken instances in eu-north-1).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, repoRoot, test } from './fixtures';

/** README screenshots (docs/screenshots), taken where the panels show real demo data. */
async function screenshot(page: Page, name: string) {
  const dir = join(repoRoot, 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, name), animations: 'disabled' });
}

function grid(page: Page) {
  return page.getByRole('grid', { name: 'Instances' });
}

function row(page: Page, name: RegExp) {
  return grid(page).getByRole('row', { name });
}

async function openApp(page: Page, url: string, region?: string) {
  await page.goto(url);
  await expect(row(page, /web-prod-1/)).toBeVisible();
  await expect.poll(() => page.evaluate('window.__portholeTerminals.restored()')).toBe(true);
  if (region) await page.getByLabel('Region').selectOption(region);
}

async function tabs(page: Page): Promise<Array<{ id: string; title: string; state: string }>> {
  return (await page.evaluate('window.__portholeTerminals.tabs()')) as Array<{
    id: string;
    title: string;
    state: string;
  }>;
}

test.describe('connect doctor', () => {
  test('diagnoses a broken instance from the list and names its cause with the fix', async ({ page, stack }) => {
    await openApp(page, stack.appUrl, 'eu-north-1');
    await row(page, /doctor-no-profile/).click();
    const details = page.getByRole('complementary', { name: 'Instance details' });
    await details.getByRole('button', { name: 'Diagnose' }).click();

    const dialog = page.getByRole('dialog', { name: /Connect doctor: doctor-no-profile/ });
    await expect(dialog.locator('.doctor__body')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
    const profileCheck = dialog.locator('[data-check="instance-profile"]');
    await expect(profileCheck).toHaveAttribute('data-status', 'fail');
    await expect(profileCheck.locator('.doctor-check__summary')).toContainText(/instance profile/i);
    // The fix: console path, an exact AWS CLI command with this instance's id, and a documentation link.
    await expect(profileCheck.locator('.doctor-fix__console')).not.toBeEmpty();
    await expect(profileCheck.locator('.doctor-fix__cli code')).toContainText('i-0e1a2b3c4d5e60003');
    await expect(profileCheck.getByRole('link')).toHaveAttribute('href', /^https:\/\/docs\.aws\.amazon\.com\//);
    await expect(dialog.getByText(/check\(s\) failed/)).toBeVisible();
    // The instance is running: that check passes.
    await expect(dialog.locator('[data-check="instance-state"]')).toHaveAttribute('data-status', 'pass');
    await screenshot(page, 'doctor.png');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toHaveCount(0);
  });

  test('offers Diagnose on a failed tab, with the instance already chosen', async ({ page, stack }) => {
    await openApp(page, stack.appUrl, 'eu-north-1');
    const before = (await tabs(page)).length;
    await row(page, /doctor-agent-stopped/).dblclick();
    await expect.poll(async () => (await tabs(page)).length).toBe(before + 1);
    const tab = (await tabs(page)).at(-1)!;
    await expect
      .poll(async () => (await tabs(page)).find((t) => t.id === tab.id)?.state, { timeout: 20_000 })
      .toBe('failed');
    const pane = page.locator(`.terminal-pane[data-tab-id="${tab.id}"]`);
    await pane.getByRole('button', { name: 'Diagnose' }).click();

    const dialog = page.getByRole('dialog', { name: /Connect doctor: doctor-agent-stopped/ });
    await expect(dialog.locator('.doctor__body')).toHaveAttribute('data-target', 'i-0e1a2b3c4d5e60008');
    await expect(dialog.locator('.doctor__body')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
    await expect(dialog.locator('[data-check="ssm-agent"]')).toHaveAttribute('data-status', 'fail');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.locator(`.terminal-pane[data-tab-id="${tab.id}"]`).getByRole('button', { name: 'Close tab' }).click();
  });
});

test('a tunnel that cannot start offers Diagnose with the instance already chosen', async ({ page, stack }) => {
  await openApp(page, stack.appUrl, 'eu-north-1');
  await row(page, /doctor-agent-stopped/).click();
  const details = page.getByRole('complementary', { name: 'Instance details' });
  await details.getByRole('button', { name: 'Forward a port' }).click();
  const forward = page.getByRole('dialog', { name: /Forward a port to doctor-agent-stopped/ });
  await forward.getByLabel('Remote port').fill('80');
  await forward.getByRole('button', { name: 'Start' }).click();
  const problem = forward.locator('.forward__error');
  await expect(problem).toHaveAttribute('data-code', 'TARGET_NOT_CONNECTED', { timeout: 20_000 });
  await problem.getByRole('button', { name: 'Diagnose' }).click();

  await expect(forward).toHaveCount(0);
  const dialog = page.getByRole('dialog', { name: /Connect doctor: doctor-agent-stopped/ });
  await expect(dialog.locator('.doctor__body')).toHaveAttribute('data-target', 'i-0e1a2b3c4d5e60008');
  await expect(dialog.locator('.doctor__body')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  await expect(dialog.locator('[data-check="ssm-agent"]')).toHaveAttribute('data-status', 'fail');
  await dialog.getByRole('button', { name: 'Close' }).click();
});

test('diagnoses any instance by id from Tools: a stopped one fails the instance-state check with its fix', async ({
  page,
  stack,
}) => {
  await openApp(page, stack.appUrl, 'eu-north-1');
  await page.getByRole('group', { name: 'Tools' }).getByRole('button', { name: 'Connect doctor' }).click();
  const ask = page.getByRole('dialog', { name: 'Diagnose an instance' });
  const field = ask.getByLabel(/Instance or managed node id \(profile demo, region eu-north-1\)/);
  await field.fill('not-an-id');
  await ask.getByRole('button', { name: 'Diagnose' }).click();
  await expect(ask.getByRole('alert')).toHaveText('Enter an instance id (i-…) or a managed node id (mi-…).');
  await field.fill('i-0e1a2b3c4d5e60009');
  await ask.getByRole('button', { name: 'Diagnose' }).click();

  const dialog = page.getByRole('dialog', { name: /Connect doctor: i-0e1a2b3c4d5e60009/ });
  await expect(dialog.locator('.doctor__body')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  await expect(dialog.locator('[data-check="instance-state"]')).toHaveAttribute('data-status', 'fail');
  await expect(dialog.locator('[data-check="instance-state"] .doctor-fix__cli code')).toContainText('start-instances');
  await dialog.getByRole('button', { name: 'Close' }).click();
});

test.describe('IAM policy helper', () => {
  test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

  test('generates an end-user policy for tagged instances, explains it and copies it', async ({ page, stack }) => {
    await openApp(page, stack.appUrl);
    await page.getByRole('group', { name: 'Tools' }).getByRole('button', { name: 'IAM policy helper' }).click();
    const dialog = page.getByRole('dialog', { name: 'IAM policy helper' });
    await dialog.getByLabel(/Tag conditions/).fill('環境=本番,ステージング');
    await dialog.getByLabel(/Port forwarding \(AWS-StartPortForwardingSession\)/).check();
    await dialog.getByRole('button', { name: 'Generate' }).click();

    const json = dialog.getByTestId('generated-policy');
    await expect(json).toContainText('ssm:resourceTag/環境');
    await expect(json).toContainText('AWS-StartPortForwardingSession');
    await expect(dialog.locator('.policy__explanation li').first()).toBeVisible();
    await expect(dialog.getByText('No problems found.')).toBeVisible();

    await screenshot(page, 'policy-helper.png');
    await dialog.getByRole('button', { name: 'Copy policy' }).click();
    await expect(dialog.getByText('Policy copied to the clipboard')).toBeVisible();
    const copied = (await page.evaluate('navigator.clipboard.readText()')) as string;
    const policy = JSON.parse(copied) as { Statement: Array<{ Action: string | string[] }> };
    expect(copied).toBe(await json.textContent());
    expect(policy.Statement.some((s) => [s.Action].flat().includes('ssm:StartSession'))).toBe(true);
  });

  test('lints a pasted policy and names the misspelled boolean', async ({ page, stack }) => {
    await openApp(page, stack.appUrl);
    await page.getByRole('group', { name: 'Tools' }).getByRole('button', { name: 'IAM policy helper' }).click();
    const dialog = page.getByRole('dialog', { name: 'IAM policy helper' });
    const pasted = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'ssm:StartSession',
          Resource: ['arn:aws:ec2:*:*:instance/*', 'arn:aws:ssm:*:*:document/SSM-SessionManagerRunShell'],
          Condition: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'ture' } },
        },
      ],
    };
    await dialog.getByLabel(/Paste a policy/).fill(JSON.stringify(pasted, null, 2));
    await dialog.getByRole('button', { name: 'Check', exact: true }).click();
    await expect(dialog.locator('.policy__lint [data-code="boolTypo"]')).toBeVisible();
  });
});

test.describe('session audit', () => {
  test('says before connecting whether AWS records the session and encrypts it', async ({ page, stack }) => {
    await openApp(page, stack.appUrl, 'eu-north-1');
    await row(page, /doctor-healthy$|doctor-healthy\b(?!-)/)
      .first()
      .click();
    const details = page.getByRole('complementary', { name: 'Instance details' });
    const notice = details.locator('.audit-notice');
    await expect(notice).toHaveAttribute('data-audit', 'recorded');
    await expect(notice).toContainText('porthole-session-logs-123456789012');
    await expect(notice).toContainText('alias/porthole-session');

    await page.getByLabel('Region').selectOption('us-east-1');
    await row(page, /web-prod-1/).click();
    await expect(details.locator('.audit-notice')).toHaveAttribute('data-audit', 'not-recorded');
    await expect(details.locator('.audit-notice')).toContainText('not KMS-encrypted');
  });

  test('records a shell tab locally and replays it, Japanese text included', async ({ page, stack }) => {
    await openApp(page, stack.appUrl);
    const tools = page.getByRole('group', { name: 'Tools' });
    await tools.getByRole('button', { name: 'Recordings' }).click();
    let dialog = page.getByRole('dialog', { name: 'Session recordings' });
    const toggle = dialog.getByLabel(/Record each shell tab/);
    await expect(toggle).toBeEnabled();
    // A controlled checkbox: it shows checked once main has saved the setting.
    await toggle.click();
    await expect(toggle).toBeChecked();
    await dialog.getByRole('button', { name: 'Close' }).click();

    try {
      // Before connecting, the notice says the tab will also be recorded here.
      await row(page, /web-prod-1/).click();
      const notice = page.getByRole('complementary', { name: 'Instance details' }).locator('.audit-notice');
      await expect(notice).toHaveAttribute('data-local', 'true');
      await expect(notice).toContainText('Porthole also records this tab on this computer');
      const before = (await tabs(page)).length;
      await row(page, /web-prod-1/).dblclick();
      await expect.poll(async () => (await tabs(page)).length).toBe(before + 1);
      const tab = (await tabs(page)).at(-1)!;
      await expect
        .poll(async () => (await tabs(page)).find((t) => t.id === tab.id)?.state, { timeout: 20_000 })
        .toBe('open');
      const lines = () =>
        page.evaluate(`window.__portholeTerminals.lines(${JSON.stringify(tab.id)})`) as Promise<string[]>;
      await expect.poll(async () => (await lines()).join('\n'), { timeout: 20_000 }).toMatch(/[$#] ?$/m);
      await page.locator(`.terminal-pane[data-tab-id="${tab.id}"] .xterm`).click();
      await page.keyboard.type('echo 録画テスト-$((6*7))', { delay: 0 });
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await lines()).join('\n'), { timeout: 20_000 }).toContain('録画テスト-42');
      await page.keyboard.type('exit', { delay: 0 });
      await page.keyboard.press('Enter');
      await expect
        .poll(async () => (await tabs(page)).find((t) => t.id === tab.id)?.state, { timeout: 20_000 })
        .toBe('closed');

      await tools.getByRole('button', { name: 'Recordings' }).click();
      dialog = page.getByRole('dialog', { name: 'Session recordings' });
      await dialog.getByRole('searchbox', { name: 'Search by instance, name or text' }).fill('録画テスト-42');
      const item = dialog.locator('.recordings__item').filter({ hasText: 'web-prod-1' });
      await expect(item).toHaveCount(1);
      await expect(item.locator('.recordings__match')).toContainText('録画テスト-42');
      await item.getByRole('button', { name: 'Replay' }).click();

      await expect(dialog.getByRole('region', { name: 'Replay' })).toBeVisible();
      await expect
        .poll(async () => ((await page.evaluate('window.__portholeReplay?.lines() ?? []')) as string[]).join('\n'), {
          timeout: 20_000,
        })
        .toContain('録画テスト-42');
      await expect(dialog.getByText('End of recording')).toBeVisible({ timeout: 20_000 });
      await screenshot(page, 'replay.png');
      await dialog.getByRole('button', { name: 'From the start' }).click();
      await dialog.getByRole('button', { name: 'Back to the list' }).click();
      await expect(dialog.locator('.recordings__item').first()).toBeVisible();
    } finally {
      // Other specs share this stack: leave recording off.
      await page.evaluate('window.__portholeReplay = undefined');
      if (!(await page.getByRole('dialog', { name: 'Session recordings' }).isVisible())) {
        await tools.getByRole('button', { name: 'Recordings' }).click();
      }
      const off = page.getByRole('dialog', { name: 'Session recordings' }).getByLabel(/Record each shell tab/);
      await expect(off).toBeEnabled();
      if (await off.isChecked()) await off.click();
      await expect(off).not.toBeChecked();
    }
  });
});

test.describe('connect doctor in Japanese', () => {
  test.use({ locale: 'ja-JP' });

  test('the checklist comes back in the UI language', async ({ page, stack }) => {
    await page.goto(stack.appUrl);
    const list = page.getByRole('grid', { name: 'インスタンス' });
    await expect(list.getByRole('row', { name: /web-prod-1/ })).toBeVisible();
    await page.locator('#region-select').selectOption('eu-north-1');
    await list.getByRole('row', { name: /doctor-role-without-core/ }).click();
    await page.getByRole('button', { name: '診断', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: /接続診断: doctor-role-without-core/ });
    await expect(dialog.locator('.doctor__body')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
    const role = dialog.locator('[data-check="role-permissions"]');
    await expect(role).toHaveAttribute('data-status', 'fail');
    await expect(role.locator('.doctor-check__summary')).toHaveText(/[\u3040-\u30ff]/);
    await expect(dialog.getByText(/件の確認が失敗しました/)).toBeVisible();
    await dialog.getByRole('button', { name: '閉じる' }).click();
  });
});
