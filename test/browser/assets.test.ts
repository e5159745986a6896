import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { expectNoViolations } from "./support/axe.ts";
import { Layout, SignInPage, textOf } from "./support/pages.ts";
import { browserSuite } from "./support/suite.ts";

const suite = browserSuite();

/** Goes to a page, waits for it, and checks it with axe-core. */
async function visit(page: Page, path: string, heading: RegExp) {
  const response = await page.goto(path);
  assert.ok(response && response.status() < 400, `${path}: HTTP ${response?.status()}`);
  await new Layout(page).heading.filter({ hasText: heading }).waitFor();
  await expectNoViolations(page, path);
}

async function submit(page: Page, name: string | RegExp) {
  await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name }).click()]);
}

suite.test(
  "the register, an asset and the record of processing are readable and accessible",
  async ({ page, server }) => {
    await new SignInPage(page).signIn(server.admin.email, server.admin.password);
    const nav = await textOf(new Layout(page).serviceNavigation);
    for (const item of ["Assets", "Processing", "Data flows"]) assert.match(nav, new RegExp(item));

    await visit(page, "/assets", /Information asset register/);
    const rows = page.locator('[data-qa="asset-table"] tbody tr');
    assert.ok((await rows.count()) >= 12, "the demo register lists the strategy's systems");
    assert.match(await textOf(page.locator('[data-qa="asset-table"]')), /Mosaic/);

    // Filters work without JavaScript: a GET form.
    await page.getByLabel("Special category data").selectOption("yes");
    await page
      .getByLabel("Search by name, reference, description, system or supplier")
      .fill("Mosaic");
    await submit(page, "Apply filters");
    assert.match(await textOf(page.locator("caption")), /^1 asset/);
    await expectNoViolations(page, "filtered register");

    await page.getByRole("link", { name: /Mosaic/ }).click();
    await new Layout(page).heading.filter({ hasText: /Mosaic/ }).waitFor();
    const detail = await textOf(page.locator("main"));
    assert.match(detail, /Safeguarding referrals to the police/);
    assert.match(detail, /Children's social care casework/);
    assert.match(detail, /Case notes shared with the wrong agency/);
    await expectNoViolations(page, "asset page");

    await visit(page, "/assets/new", /Add an information asset/);
    await submit(page, "Add asset");
    assert.match(await page.title(), /^Error: /);
    await expectNoViolations(page, "asset form with errors");

    await visit(page, "/processing", /Record of processing activities/);
    await page.getByRole("link", { name: /Adult social care assessments/ }).click();
    await new Layout(page).heading.filter({ hasText: /Adult social care/ }).waitFor();
    await expectNoViolations(page, "processing activity");
    await visit(page, "/assets/reviews", /Asset reviews/);
  },
);

suite.test(
  "an owner's annual review is recorded with what was corrected",
  async ({ page, server }) => {
    await new SignInPage(page).signIn(server.admin.email, server.admin.password);
    await visit(page, "/assets?overdue=yes", /Information asset register/);
    await page.getByRole("link", { name: /Caretrak/ }).click();
    await new Layout(page).heading.filter({ hasText: /Caretrak/ }).waitFor();
    assert.match(await textOf(page.locator("main")), /Review overdue/);
    await page
      .getByRole("button", { name: /review/i })
      .first()
      .click();
    await new Layout(page).heading.filter({ hasText: /Check IA-0003/ }).waitFor();
    await expectNoViolations(page, "review form");

    await page.getByLabel("Retention rule (optional)").fill("3 years after the last visit");
    await page.getByLabel("Notes (optional)").fill("Retention agreed with the records manager");
    await submit(page, "Confirm review");
    assert.match(await textOf(page.locator(".govuk-notification-banner")), /Review recorded/);
    const main = await textOf(page.locator("main"));
    assert.match(main, /corrected \(Retention rule\)/);
    assert.match(main, /3 years after the last visit/);
    assert.doesNotMatch(main, /Review overdue/);
    await expectNoViolations(page, "asset after review");
  },
);

suite.test(
  "the map of data flows draws without JavaScript, filters, and has a table beside it",
  async ({ page, server }) => {
    await new SignInPage(page).signIn(server.admin.email, server.admin.password);
    await visit(page, "/flows/map", /Map of data flows/);
    const svg = page.locator('[data-qa="flow-map"] svg[role="img"]');
    assert.equal(await svg.count(), 1);
    assert.match((await svg.locator("title").textContent()) ?? "", /Map of \d+ data flows/);
    const all = await page.locator('[data-qa="map-table"] tbody tr').count();
    assert.ok(all >= 20, `the demo has flows to draw (${all})`);
    assert.match(await textOf(page.locator('[data-qa="flow-map"]')), /Essex Police/);

    await page.getByLabel("Service area").selectOption({ label: "Adult Social Care" });
    await page.getByLabel("With a partner organisation").selectOption("yes");
    await submit(page, "Apply filters");
    await new Layout(page).heading.filter({ hasText: "Adult Social Care" }).waitFor();
    const table = await textOf(page.locator('[data-qa="map-table"]'));
    assert.match(table, /Visit rosters to home care agencies/);
    assert.doesNotMatch(table, /Safeguarding referrals/);
    assert.match(table, /No sharing agreement or contract/);
    await expectNoViolations(page, "filtered map");

    // The same page works with scripts off: it is plain HTML and SVG.
    const noScript = await page
      .context()
      .browser()
      ?.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false });
    assert.ok(noScript);
    try {
      const p = await noScript.newPage();
      await new SignInPage(p).signIn(server.admin.email, server.admin.password);
      await p.goto("/flows/map?international=yes");
      assert.equal((await p.locator('[data-qa="flow-map"] svg path').count()) > 0, true);
      assert.match(
        await textOf(p.locator('[data-qa="map-table"]')),
        /Feedback comments for analysis/,
      );
    } finally {
      await noScript.close();
    }

    await visit(page, "/flows/at-risk", /Transfers at risk/);
    assert.match(
      await textOf(page.locator('[data-qa="at-risk-table"]')),
      /Leaves the UK without a safeguard/,
    );
  },
);

suite.test(
  "a spreadsheet register is imported: mapping, preview with unknown owners, all at once",
  async ({ page, server }) => {
    const id = randomBytes(3).toString("hex");
    const csv = [
      "Asset name,Information Asset Owner,Protective marking,Contains personal data (Y/N),Retention period,Service area",
      `Parking permits ${id},fiona.grant@northmoor.example.gov.uk,OFFICIAL,Y,2 years,Highways and Transport`,
      `Allotment waiting list ${id},Pat Newcomer,OFFICIAL,Y,Until allocated,`,
      `Tree preservation orders ${id},,OFFICIAL,N,Permanent,Planning and Regeneration`,
    ].join("\n");
    await new SignInPage(page).signIn(server.admin.email, server.admin.password);
    await visit(page, "/assets/import", /Import an asset register/);

    // A bad file first: a clear message, nothing changed.
    await page
      .getByLabel(/Spreadsheet/)
      .setInputFiles({ name: "notes.csv", mimeType: "text/csv", buffer: Buffer.from("") });
    await submit(page, "Upload and continue");
    assert.match(await textOf(page.locator(".govuk-error-summary")), /empty/);
    await expectNoViolations(page, "upload error");

    await page
      .getByLabel(/Spreadsheet/)
      .setInputFiles({ name: "iar.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await submit(page, "Upload and continue");
    await new Layout(page).heading.filter({ hasText: "Match the columns" }).waitFor();
    assert.equal(
      await page.getByLabel("Field for Information Asset Owner").inputValue(),
      "ownerId",
    );
    assert.equal(
      await page.getByLabel("Field for Contains personal data (Y/N)").inputValue(),
      "holdsPersonalData",
    );
    await expectNoViolations(page, "mapping");
    await submit(page, "Continue to the preview");

    await new Layout(page).heading.filter({ hasText: "Check the import" }).waitFor();
    assert.match(await textOf(page.locator('[data-qa="unknown-owners"]')), /Pat Newcomer/);
    await expectNoViolations(page, "preview");
    await submit(page, "Import 3 assets");

    assert.match(await textOf(page.locator(".govuk-notification-banner")), /3 assets imported/);
    await page.getByLabel("Search by name, reference, description, system or supplier").fill(id);
    await submit(page, "Apply filters");
    assert.match(await textOf(page.locator("caption")), /^3 assets/);
    await page.getByRole("link", { name: `Allotment waiting list ${id}` }).click();
    await new Layout(page).heading.filter({ hasText: "Allotment" }).waitFor();
    const main = await textOf(page.locator("main"));
    assert.match(main, /Pat Newcomer \(named in an imported sheet; no account yet\)/);
    assert.match(main, /3 assets imported from iar\.csv/);
    await expectNoViolations(page, "imported asset");
  },
);
