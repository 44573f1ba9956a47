/**
 * The fleet browser against the emulator with several accounts: tag facets, grouping, the query language,
 * favourites across a reload, an assume-role profile that needs an MFA code, and SSO sign-in.
 */
import type { Page } from '@playwright/test';
import { expect, FLEET_MFA, test } from './fixtures';

function grid(page: Page) {
  return page.getByRole('grid', { name: 'Instances' });
}

function row(page: Page, name: string | RegExp) {
  return grid(page).getByRole('row', { name });
}

function search(page: Page) {
  return page.getByRole('searchbox', { name: 'Search instances' });
}

function count(page: Page) {
  return page.getByRole('status').filter({ hasText: /instances$|shown$/ });
}

async function openApp(page: Page, url: string) {
  await page.goto(url);
  await expect(row(page, /web-prod-1/)).toBeVisible();
  await expect(count(page)).toHaveText('11 instances');
}

function facet(page: Page, key: string) {
  return page.getByRole('navigation', { name: 'Tags' }).getByRole('group', { name: key });
}

/** Chooses profiles in the sources popover (regions stay as they are). */
async function chooseProfiles(page: Page, profiles: string[]) {
  await page.getByRole('button', { name: /^Sources/ }).click();
  const panel = page.getByRole('dialog', { name: 'Choose profiles and regions' });
  for (const name of ['demo', 'wrong-keys', 'prod-mfa', 'sso']) {
    const box = panel.getByRole('checkbox', { name: new RegExp(`^${name}\\b`) });
    if ((await box.isChecked()) !== profiles.includes(name)) await box.click();
  }
  await panel.getByRole('button', { name: 'Show these' }).click();
  await expect(panel).toHaveCount(0);
}

test.describe('fleet browser', () => {
  test('a facet click filters the list and writes the term into the query', async ({ page, fleetStack }) => {
    await openApp(page, fleetStack.appUrl);
    // At this window width the sidebar starts hidden; the toggle shows it (and is remembered).
    const toggle = page.getByRole('button', { name: 'Tags', exact: true });
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    // Name is no facet: every value differs.
    await expect(facet(page, 'Name')).toHaveCount(0);
    await facet(page, 'Environment')
      .getByRole('button', { name: /^staging/ })
      .click();
    await expect(search(page)).toHaveValue('tag:Environment=staging');
    await expect(count(page)).toHaveText('2 of 11 shown');
    await expect(row(page, /api-staging-1/)).toBeVisible();
    await expect(row(page, /web-prod-1/)).toHaveCount(0);

    // A second value of the same key widens (any of them); another key narrows (all of them).
    await facet(page, 'Environment').getByRole('button', { name: /^dev/ }).click();
    await expect(search(page)).toHaveValue('tag:Environment=staging,dev');
    await expect(count(page)).toHaveText('4 of 11 shown');
    await facet(page, 'Team').getByRole('button', { name: /^data/ }).click();
    await expect(search(page)).toHaveValue('tag:Environment=staging,dev tag:Team=data');
    await expect(count(page)).toHaveText('2 of 11 shown');
    await expect(row(page, /worker-staging-1/)).toBeVisible();
    await expect(row(page, /legacy-batch/)).toBeVisible();
    await expect(facet(page, 'Team').getByRole('button', { name: /^data/ })).toHaveAttribute('aria-pressed', 'true');

    // Clicking again takes the value out.
    await facet(page, 'Environment')
      .getByRole('button', { name: /^staging/ })
      .click();
    await expect(search(page)).toHaveValue('tag:Environment=dev tag:Team=data');
    await expect(count(page)).toHaveText('1 of 11 shown');
  });

  test('groups by Environment, then Role, with counts per node', async ({ page, fleetStack }) => {
    await openApp(page, fleetStack.appUrl);
    await page.getByLabel('Group by').selectOption('Environment');
    await page.getByLabel('Group by').selectOption('Role');

    const prod = row(page, /^Environment: prod/);
    await expect(prod).toContainText('7');
    await expect(row(page, /^Environment: dev/)).toContainText('2');
    await expect(prod).toHaveAttribute('aria-expanded', 'true');
    // The list renders the rows in view: the end of the tree is reached by scrolling, as a user does.
    const scroller = page.locator('.grid-scroll');
    await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect(row(page, /^Environment: staging/)).toContainText('2');
    // Role nodes under each environment (level 2): prod has two web servers.
    const prodWeb = grid(page).locator('[role="row"][aria-level="2"]', { hasText: 'Role: web' }).first();
    await expect(prodWeb).toContainText('2');
    await expect(row(page, /web-prod-2/)).toBeVisible();

    // Collapsing prod hides its instances; the others stay.
    await scroller.evaluate((el) => el.scrollTo(0, 0));
    await prod.click();
    await expect(prod).toHaveAttribute('aria-expanded', 'false');
    await expect(row(page, /web-prod-2/)).toHaveCount(0);
    await expect(row(page, /api-staging-1/)).toBeVisible();
    // The keyboard opens it again.
    await prod.focus();
    await page.keyboard.press('ArrowRight');
    await expect(prod).toHaveAttribute('aria-expanded', 'true');
    await expect(row(page, /win-ad-prod/)).toBeVisible();

    // The grouping is remembered; removing a level ungroups it.
    await page.reload();
    await page.goto(fleetStack.appUrl);
    await expect(row(page, /^Environment: prod/)).toBeVisible();
    await page.getByRole('button', { name: 'Stop grouping by Environment' }).click();
    await page.getByRole('button', { name: 'Stop grouping by Role' }).click();
    await expect(row(page, /^Environment:/)).toHaveCount(0);
  });

  test('the query language: negation, completion with the keyboard, and errors explained', async ({
    page,
    fleetStack,
  }) => {
    await openApp(page, fleetStack.appUrl);
    // "/" focuses the query box.
    await row(page, /web-prod-1/).click();
    await page.keyboard.press('/');
    await expect(search(page)).toBeFocused();

    await search(page).fill('tag:Environment=prod -tag:Role=web');
    await expect(count(page)).toHaveText('5 of 11 shown');
    await expect(row(page, /web-prod-1/)).toHaveCount(0);
    await expect(row(page, /api-prod-1/)).toBeVisible();

    // Completion: a tag key, then one of its values, chosen with the arrows and Enter.
    await search(page).fill('');
    await search(page).pressSequentially('tag:Ro');
    const list = page.getByRole('listbox', { name: 'Suggestions' });
    await expect(list.getByRole('option', { name: /^Role/ })).toBeVisible();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(search(page)).toHaveValue('tag:Role=');
    await expect(list.getByRole('option', { name: /^bastion/ })).toBeVisible();
    await search(page).pressSequentially('bas');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(search(page)).toHaveValue('tag:Role=bastion ');
    await expect(count(page)).toHaveText('1 of 11 shown');
    // Enter without a suggestion moves into the list; arrows and Enter there keep working.
    await page.keyboard.press('Enter');
    await expect(row(page, /bastion-prod/)).toBeFocused();

    // A mistake is underlined and explained; the rest of the query still filters.
    await search(page).fill('ping:offline tag:Team=payments');
    await expect(search(page)).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText('"offline" is not a ping value.')).toBeVisible();
    await expect(count(page)).toHaveText('3 of 11 shown');
  });

  test('a favourite survives a reload, and the Favourites filter shows only them', async ({ page, fleetStack }) => {
    await openApp(page, fleetStack.appUrl);
    const star = row(page, /db-prod-primary/).getByRole('button', { name: 'Add db-prod-primary to favourites' });
    await star.click();
    await expect(
      row(page, /db-prod-primary/).getByRole('button', { name: 'Remove db-prod-primary from favourites' }),
    ).toHaveAttribute('aria-pressed', 'true');

    await page.goto(fleetStack.appUrl);
    await expect(row(page, /web-prod-1/)).toBeVisible();
    await expect(
      row(page, /db-prod-primary/).getByRole('button', { name: 'Remove db-prod-primary from favourites' }),
    ).toHaveAttribute('aria-pressed', 'true');
    await page.getByRole('radio', { name: 'Favourites' }).click();
    await expect(count(page)).toHaveText('1 of 11 shown');
    await expect(row(page, /db-prod-primary/)).toBeVisible();
    await expect(row(page, /web-prod-1/)).toHaveCount(0);
  });

  test('an assume-role profile asks for the MFA code; Cancel fails only that source', async ({ page, fleetStack }) => {
    await openApp(page, fleetStack.appUrl);
    await chooseProfiles(page, ['demo', 'prod-mfa']);

    let dialog = page.getByRole('dialog', { name: 'MFA code needed' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('prod-mfa');
    await expect(dialog).toContainText(FLEET_MFA.serial);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
    // The demo rows show; prod-mfa has its own failure line with Retry.
    const banner = page.getByRole('alert');
    await expect(banner).toContainText('prod-mfa · us-east-1');
    await expect(row(page, /web-prod-1/)).toBeVisible();
    await expect(row(page, /mfa-prod-web-1/)).toHaveCount(0);

    await banner.getByRole('button', { name: 'Retry' }).click();
    dialog = page.getByRole('dialog', { name: 'MFA code needed' });
    await expect(dialog).toBeVisible();
    await dialog.getByLabel('Code').fill('12ab');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await expect(dialog).toContainText('Enter the 6 digits of the code.');
    await dialog.getByLabel('Code').fill(FLEET_MFA.code);
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await expect(dialog).toHaveCount(0);

    await expect(row(page, /mfa-prod-web-1/)).toBeVisible();
    await expect(row(page, /mfa-prod-web-1/)).toContainText('222222222222');
    await expect(row(page, /web-prod-1/).first()).toContainText('123456789012');
    await expect(count(page)).toHaveText('13 instances');
    await expect(page.getByRole('alert')).toHaveCount(0);

    // The profile picker says who prod-mfa is now.
    await page.getByRole('button', { name: /^Sources/ }).click();
    const panel = page.getByRole('dialog', { name: 'Choose profiles and regions' });
    await expect(panel).toContainText('Account 222222222222');
    await expect(panel).toContainText('arn:aws:sts::222222222222:assumed-role/Admin');
  });

  test('an SSO profile offers Sign in; approving the code lists its instances', async ({
    page,
    fleetStack,
    request,
  }) => {
    await openApp(page, fleetStack.appUrl);
    await chooseProfiles(page, ['demo', 'sso']);
    const banner = page.getByRole('alert');
    await expect(banner).toContainText('sso · us-east-1');
    await expect(row(page, /web-prod-1/)).toBeVisible();

    await banner.getByRole('button', { name: 'Sign in' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sign in to AWS IAM Identity Center' });
    await expect(dialog.getByRole('link', { name: 'Open the sign-in page' })).toBeVisible();
    const userCode = (await dialog.getByLabel('Code').textContent())?.trim() ?? '';
    expect(userCode).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const approved = await request.post(`${fleetStack.emulatorUrl}/_emulator/sso/approve`, {
      data: { userCode },
    });
    expect(approved.ok()).toBe(true);

    await expect(dialog).toHaveCount(0, { timeout: 30_000 });
    await expect(row(page, /sso-staging-app-1/)).toBeVisible({ timeout: 30_000 });
    await expect(row(page, /sso-staging-app-1/)).toContainText('333333333333');
    await expect(page.getByRole('alert')).toHaveCount(0);
  });
});
