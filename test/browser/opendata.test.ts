import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { expectNoViolations } from "./support/axe.ts";
import { SignInPage, textOf } from "./support/pages.ts";
import { browserSuite } from "./support/suite.ts";

const suite = browserSuite();

/** The public catalogue: search with facets, then a dataset's page. */
class DataSearchPage {
  constructor(private readonly page: Page) {}
  async open(query = "") {
    await this.page.goto(`/data${query}`);
  }
  async search(words: string) {
    await this.page.getByLabel("Search open data").fill(words);
    await this.page.getByRole("button", { name: "Search", exact: true }).click();
  }
  result(title: string) {
    return this.page.locator('[data-qa="results"]').getByRole("link", { name: title, exact: true });
  }
}

suite.test(
  "a resident finds a dataset, previews it, sees the chart and downloads it; axe clean",
  async ({ page }) => {
    const search = new DataSearchPage(page);
    await search.open();
    await expectNoViolations(page, "/data");
    await search.search("spending");
    await page.getByRole("checkbox", { name: /^CSV/ }).check();
    await page.getByRole("button", { name: "Apply filters" }).click();
    assert.match(await textOf(page.locator('[data-qa="result-count"]')), /\d+ dataset/);
    await search.result("Spending over £500").click();
    await page.getByRole("heading", { level: 1, name: "Spending over £500" }).waitFor();
    await expectNoViolations(page, "dataset page");
    assert.ok(
      (await page.locator('[data-qa="preview"] tbody tr').count()) >= 5,
      "a preview of the first rows",
    );
    assert.ok(await page.locator('[data-qa="chart"] svg').first().isVisible());
    const jsonLd = await page.locator('script[type="application/ld+json"]').textContent();
    assert.match(jsonLd ?? "", /"@type":"Dataset"/);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: /^CSV/ }).first().click(),
    ]);
    assert.match(download.suggestedFilename(), /\.csv$/);
    await page
      .getByRole("link", { name: /Explore all rows/ })
      .first()
      .click();
    await page.locator('[data-qa="preview"]').waitFor();
    await expectNoViolations(page, "resource page");
    await page.goto("/publication-scheme");
    await expectNoViolations(page, "/publication-scheme");
    assert.match(await textOf(page.locator("main")), /What we spend and how we spend it/);
  },
);

suite.test(
  "an officer uploads a file, sees the validation report, and publishes it; a blocked file waits for review",
  async ({ page, server }) => {
    await new SignInPage(page).signIn(server.admin.email, server.admin.password);
    await page.goto("/staff/open-data/new?template=invitations-to-tender");
    await expectNoViolations(page, "new dataset form");
    const slug = `tenders-${Date.now()}`;
    await page.getByLabel("Web address (optional)").fill(slug);
    await page.getByLabel("Publishing service").selectOption({ label: "Corporate Services" });
    await page.getByRole("button", { name: "Save dataset" }).click();
    await page.locator(".govuk-notification-banner").waitFor();
    await expectNoViolations(page, "staff dataset page");
    await page.getByLabel("Name", { exact: true }).fill("Tenders, April to June 2024");
    await page.getByLabel("Period covered (optional)").fill("2024-25-Q1");
    await page.getByRole("button", { name: "Add resource" }).click();
    await page.getByRole("heading", { level: 1, name: "Tenders, April to June 2024" }).waitFor();

    const bad = join(tmpdir(), `${slug}-bad.csv`);
    writeFileSync(
      bad,
      "Reference,Title,Description,StartDate,EndDate,ReviewDate,Department\nT1,Salt,Road salt,31/13/2024,,,Highways\n",
    );
    await page.getByLabel("File").setInputFiles(bad);
    await page.getByRole("button", { name: "Upload and check" }).click();
    await page.locator('[data-qa="summary"]').waitFor();
    assert.match(await textOf(page.locator('[data-qa="errors"]')), /StartDate is not a date/);
    await expectNoViolations(page, "validation report");

    await page.getByRole("link", { name: "Tenders, April to June 2024" }).click();
    const good = join(tmpdir(), `${slug}-good.csv`);
    writeFileSync(
      good,
      "Reference,Title,Description,StartDate,EndDate,ReviewDate,Department\nT1,Salt,Road salt,30/11/2024,31/03/2025,,Highways\n",
    );
    await page.getByLabel("File").setInputFiles(good);
    await page.getByLabel("What changed").fill("Start date corrected.");
    await page.getByRole("button", { name: "Upload and check" }).click();
    await page.getByText("may be published").waitFor();
    await page.getByRole("link", { name: "Go to the dataset to publish it" }).click();
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    assert.match(await textOf(page.locator(".govuk-notification-banner")), /Published/);
    const datasetPage = page.url();
    await page.goto(`/data/${slug}`);
    await page.getByRole("heading", { level: 1 }).waitFor();

    // Taking the published version back: a reason is required, then the page records who and why.
    await page.goto(datasetPage);
    await page.getByRole("link", { name: "Version 2 of Tenders, April to June 2024" }).click();
    await page.getByRole("heading", { level: 2, name: "Withdraw this version" }).waitFor();
    await expectNoViolations(page, "published version");
    await page.getByLabel("Why is it withdrawn?").fill("Oops");
    await page.getByRole("button", { name: "Withdraw this version" }).click();
    assert.match(await textOf(page.locator(".govuk-error-summary")), /at least 10 characters/);
    await expectNoViolations(page, "withdrawal with errors");
    await page
      .getByLabel("Why is it withdrawn?")
      .fill("The description names a private individual by mistake.");
    await page.getByRole("button", { name: "Withdraw this version" }).click();
    assert.match(
      await textOf(page.locator('[data-qa="withdrawal"]')),
      /Withdrawn on .+ by .+: “The description names a private individual by mistake\.”/,
    );
    await expectNoViolations(page, "withdrawn version");
    await page.getByRole("link", { name: "Tenders, April to June 2024" }).click();
    assert.match(await textOf(page.locator('[data-qa="versions"]')), /Withdrawn on/);
    await expectNoViolations(page, "resource page with a withdrawn version");

    // The demo's blocked file: the report shows the findings and the decision form.
    await page.goto("/staff/open-data");
    await page.getByRole("link", { name: /Spending over £500, April to June 2025: / }).click();
    assert.match(
      await textOf(page.locator('[data-qa="findings"]')),
      /Names of private individuals/,
    );
    await expectNoViolations(page, "personal-data review");
    await page.goto("/staff/open-data/transparency-code?year=2024");
    await expectNoViolations(page, "compliance");
  },
);

/** The personal-data review form on a blocked version's check report. */
class ReviewForm {
  constructor(private readonly page: Page) {}
  /** The "Redact this cell" box beside the first example of a column, and the row it stands for. */
  async firstCellBox(column: string) {
    const box = this.page.locator(`input[name="cells"][value$=":${column}"]`).first();
    const row = Number((await box.getAttribute("value"))?.split(":")[0]);
    return { row, box: this.page.getByLabel(`Redact this cell (${column}, row ${row})`) };
  }
  rows() {
    return this.page.getByRole("group", { name: "If you redact: rows of a column" });
  }
  async record(reason: string) {
    await this.page.getByLabel("Redact them: make a new version without them").check();
    await this.page.getByLabel("Why").fill(reason);
    await this.page.getByRole("button", { name: "Record the decision" }).click();
  }
}

suite.test(
  "a reviewer without JavaScript redacts one cell ticked in the report; a bad row list is refused first",
  async ({ page, server }) => {
    await new SignInPage(page).signIn(server.admin.email, server.admin.password);
    await page.goto("/staff/open-data");
    await page.getByRole("link", { name: /Spending over £500, April to June 2025: / }).click();
    const review = new ReviewForm(page);
    const { row, box } = await review.firstCellBox("BeneficiaryName");
    assert.ok(row >= 2);

    await review.rows().getByLabel("Column").selectOption("BeneficiaryName");
    await review
      .rows()
      .getByLabel("Rows to redact")
      .fill(`${row + 2}-${row}`);
    await review.record("A foster carer is a private individual: redact the name only.");
    const summary = page.locator(".govuk-error-summary");
    assert.match(await textOf(summary), new RegExp(`The range ${row + 2}-${row} runs backwards`));
    await expectNoViolations(page, "review form with errors", { scriptsOff: true });

    await review.rows().getByLabel("Column").selectOption("");
    await review.rows().getByLabel("Rows to redact").fill("");
    await box.check();
    await review.record("A foster carer is a private individual: redact the name only.");
    await page.getByRole("heading", { level: 1, name: /Version 2/ }).waitFor();
    assert.match(
      await textOf(page.locator("main")),
      new RegExp(`replaced 1 cell in BeneficiaryName \\(rows ${row}\\)`),
    );
    await expectNoViolations(page, "redacted version", { scriptsOff: true });
  },
  { javaScriptEnabled: false },
);

suite.test("CKAN clients get CKAN's envelope", async ({ page }) => {
  const res = await page.request.get("/api/3/action/package_search?q=spending&rows=1");
  const body = (await res.json()) as { success: boolean; result: { count: number }; help: string };
  assert.equal(body.success, true);
  assert.ok(body.result.count >= 1);
});
