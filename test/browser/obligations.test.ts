import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { findViolations } from "./support/axe.ts";
import { Layout, SignInPage, textOf } from "./support/pages.ts";
import { browserSuite } from "./support/suite.ts";

const suite = browserSuite();

async function expectAxeClean(page: Page, path: string, report: Record<string, unknown>) {
  const response = await page.goto(path);
  const status = response?.status() ?? 0;
  if (status >= 400) report[path] = `HTTP ${status}`;
  else {
    const violations = await findViolations(page);
    if (violations.length) report[path] = violations;
  }
}

async function submit(page: Page, button: string) {
  await Promise.all([
    page.waitForEvent("load"),
    page.getByRole("button", { name: button }).click(),
  ]);
}

suite.test(
  "every obligations page is axe clean with the demo council's registers",
  async ({ page, server, t }) => {
    await new SignInPage(page).signIn(server.admin.email, server.admin.password);
    const nav = await textOf(new Layout(page).serviceNavigation);
    assert.match(nav, /Obligations/);
    const report: Record<string, unknown> = {};
    const paths = [
      "/obligations",
      "/obligations/retention",
      "/obligations/retention/rules/new",
      "/obligations/retention/import/schedule",
      "/obligations/retention/collections",
      "/obligations/retention/collections/new",
      "/obligations/retention/due",
      "/obligations/retention/holds",
      "/obligations/retention/certificates",
      "/obligations/retention/own-records",
      "/obligations/sharing",
      "/obligations/sharing/partners/new",
      "/obligations/sharing/agreements/new",
      "/obligations/processors",
      "/obligations/processors/new",
      "/obligations/training",
      "/obligations/training/courses/new",
      "/obligations/training/completions/new",
      "/obligations/training/import",
    ];
    for (const path of paths) await expectAxeClean(page, path, report);
    // Detail pages found from the lists.
    await page.goto("/obligations/sharing");
    const agreement = await page
      .locator('[data-qa="agreements"] tbody a')
      .first()
      .getAttribute("href");
    await page.goto("/obligations/processors");
    const processor = await page
      .locator('[data-qa="processors"] tbody a')
      .first()
      .getAttribute("href");
    await page.goto("/obligations/retention/collections");
    const collection = await page
      .locator('[data-qa="collections"] tbody a')
      .first()
      .getAttribute("href");
    for (const path of [agreement, processor, collection]) {
      assert.ok(path);
      await expectAxeClean(page, path, report);
    }
    t.diagnostic(`checked ${paths.length + 3} obligations pages`);
    assert.deepEqual(report, {});
  },
);

suite.test(
  "an owner's disposal: due list, a hold stops it, approval issues a certificate",
  async ({ page, server }) => {
    await new SignInPage(page).signIn(server.admin.email, server.admin.password);
    await page.goto("/obligations/retention/due");
    const due = page.locator('[data-qa="due"] tbody tr');
    assert.ok((await due.count()) >= 2, "the demo council has records due this month");
    const onHold = await textOf(page.locator('[data-qa="on-hold"]'));
    assert.match(onHold, /HOU-BOX-0142/, "the box under a litigation hold is listed apart");

    // Approve without confirming: the error summary, no 500.
    await page.getByRole("link", { name: "HOU-BOX-0141" }).click();
    await page.locator("h1").filter({ hasText: "HOU-BOX-0141" }).waitFor();
    await submit(page, "Approve and record the certificate");
    assert.match(await page.title(), /^Error: /);
    assert.deepEqual(await findViolations(page), []);
    await page
      .getByLabel("How they were disposed of (optional)")
      .fill("Confidential shredding on site");
    await page
      .getByRole("checkbox", { name: /I confirm these records have been destroyed/ })
      .check();
    await submit(page, "Approve and record the certificate");
    await page
      .locator("h1")
      .filter({ hasText: /COD-\d{4}-\d{5}/ })
      .waitFor();
    assert.match(
      await textOf(page.locator(".govuk-summary-list")),
      /HOU-BOX-0141.*destroyed.*Confidential shredding/,
    );
    assert.deepEqual(await findViolations(page), []);

    // Place a legal hold on another due box: it leaves the list for decisions.
    await page.goto("/obligations/retention/due");
    await page.getByRole("link", { name: "HOU-BOX-0150" }).click();
    await page.getByLabel("Reason for the hold").selectOption("ico-investigation");
    await page.getByLabel("Case or matter").fill("ICO case IC-98765");
    await submit(page, "Place hold");
    assert.match(await textOf(page.locator(".govuk-warning-text")), /ICO investigation/);
    await page.goto("/obligations/retention/due");
    assert.match(await textOf(page.locator('[data-qa="on-hold"]')), /HOU-BOX-0150/);
    assert.doesNotMatch(await textOf(page.locator('[data-qa="due"]')), /HOU-BOX-0150/);
  },
);

suite.test(
  "a retention schedule is imported from a spreadsheet after a preview, all or nothing",
  async ({ page, server }) => {
    await new SignInPage(page).signIn(server.admin.email, server.admin.password);
    const dir = await mkdtemp(join(tmpdir(), "steward-schedule-"));
    const bad = join(dir, "bad.csv");
    const good = join(dir, "good.csv");
    await writeFile(
      bad,
      "Code,Function,Record type,Retention period,Disposal action\nPLN-01,Planning,Applications,Closure + 15 years,Destroy\nPLN-02,Planning,Appeals,sometime,Destroy\n",
    );
    await writeFile(
      good,
      "Code,Function,Record type,Retention period,Disposal action,Authority\nPLN-01,Planning,Planning applications,Closure + 15 years,Destroy,Town and Country Planning Act 1990\nPLN-02,Planning,Enforcement files,Closure + 6 years,Review,LGA guidelines\n",
    );

    await page.goto("/obligations/retention/import/schedule");
    await page.getByLabel("Spreadsheet (.xlsx) or CSV file").setInputFiles(bad);
    await submit(page, "Check the file");
    assert.match(await textOf(page.locator(".govuk-error-summary")), /Row 3: period “sometime”/);
    assert.deepEqual(await findViolations(page), []);
    await page.goto("/obligations/retention?q=PLN");
    assert.match(await textOf(page.locator('[data-qa="schedule"]')), /No rules match/);

    await page.goto("/obligations/retention/import/schedule");
    await page.getByLabel("Spreadsheet (.xlsx) or CSV file").setInputFiles(good);
    await submit(page, "Check the file");
    assert.equal(await page.locator('[data-qa="preview"] tbody tr').count(), 2);
    assert.deepEqual(await findViolations(page), []);
    await submit(page, "Import 2 rows");
    assert.match(
      await textOf(page.locator(".govuk-notification-banner")),
      /Retention schedule imported/,
    );
    await page.goto("/obligations/retention?q=PLN");
    const schedule = await textOf(page.locator('[data-qa="schedule"]'));
    assert.match(schedule, /PLN-01.*Closure \+ 15 years.*Destroy/);
    assert.match(schedule, /PLN-02.*Closure \+ 6 years.*Review/);
  },
);
