import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { expectNoViolations } from "./support/axe.ts";
import { Layout, NewUserPage, SignInPage, textOf } from "./support/pages.ts";
import { browserSuite } from "./support/suite.ts";

const suite = browserSuite();

async function submit(page: Page, name: string | RegExp) {
  await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name }).click()]);
}

async function visit(page: Page, path: string, heading: RegExp) {
  const response = await page.goto(path);
  assert.ok(response && response.status() < 400, `${path}: HTTP ${response?.status()}`);
  await new Layout(page).heading.filter({ hasText: heading }).waitFor();
  await expectNoViolations(page, path);
}

/** The administrator adds an account; returns its email and password. */
async function addUser(page: Page, name: string, roles: string[]) {
  const id = randomBytes(3).toString("hex");
  const user = {
    displayName: `${name} ${id}`,
    email: `${name.toLowerCase().replace(/\W+/g, ".")}.${id}@northmoor.example.gov.uk`,
    password: `correct-horse-${id}-battery`,
    roles,
  };
  const form = new NewUserPage(page);
  await form.open();
  await form.fill(user);
  await form.submit();
  await form.heading.filter({ hasText: user.displayName }).waitFor();
  return user;
}

async function as(browser: Browser | null, baseURL: string, email: string, password: string) {
  assert.ok(browser);
  const page = await browser.newPage({ baseURL });
  await new SignInPage(page).signIn(email, password);
  return page;
}

suite.test(
  "a member of staff reports a breach from any page in a minute; the IG team sees the clock and triages it",
  async ({ page, context, server }) => {
    await new SignInPage(page).signIn(server.admin.email, server.admin.password);
    const staff = await addUser(page, "Sam Staff", []);
    const officer = await addUser(page, "Ivy Officer", ["Information governance officer"]);

    const sp = await as(context.browser(), server.baseUrl, staff.email, staff.password);
    try {
      // From the dashboard (or any page): the link in the signed-in bar.
      const started = Date.now();
      await sp.locator('[data-qa="report-breach-link"]').click();
      await new Layout(sp).heading.filter({ hasText: "Report a data breach" }).waitFor();
      await expectNoViolations(sp, "report form");
      await submit(sp, "Send report");
      assert.match(await sp.title(), /^Error: /);
      await expectNoViolations(sp, "report form with errors");
      await sp.getByLabel("What happened?").fill("Left my work laptop on the 18:05 train");
      await sp
        .getByLabel("What information was involved?")
        .fill("Council tax spreadsheets, about 1,200 residents");
      await submit(sp, "Send report");
      await new Layout(sp).heading.filter({ hasText: "Breach report received" }).waitFor();
      const panel = await textOf(sp.locator(".govuk-panel"));
      const reference = /BR-\d{4}/.exec(panel)?.[0];
      assert.ok(reference, "the receipt shows a reference");
      await expectNoViolations(sp, "receipt");
      assert.ok(Date.now() - started < 60_000, "reporting takes well under a minute");
      // The reporter cannot open the team's list.
      const denied = await sp.goto("/breaches");
      assert.equal(denied?.status(), 403);

      const ig = await as(context.browser(), server.baseUrl, officer.email, officer.password);
      try {
        await visit(ig, "/breaches", /Personal data breaches/);
        const row = ig.locator('[data-qa="breach-list"] tbody tr').filter({ hasText: reference });
        assert.match(await textOf(row), /7[12] hours left/);
        await row.getByRole("link", { name: reference }).click();
        await new Layout(ig).heading.waitFor();
        assert.match(await textOf(ig.locator("#clock")), /ICO must be told by/);
        await expectNoViolations(ig, "case");

        await ig.getByRole("link", { name: "Assess the breach" }).click();
        await new Layout(ig).heading.filter({ hasText: "Assess the breach" }).waitFor();
        await expectNoViolations(ig, "assessment form");
        await ig.getByLabel("Short title").fill("Laptop lost on train");
        await ig.getByLabel("Economic and financial data").check();
        await ig.getByLabel("Residents and service users").check();
        await ig.getByLabel("Number of people affected (approximately)").fill("1200");
        await ig
          .getByRole("group", { name: /How likely is it/ })
          .getByLabel("Likely", { exact: true })
          .check();
        await ig
          .getByRole("group", { name: /How severe/ })
          .getByLabel("Significant")
          .check();
        await ig
          .getByRole("group", { name: /encrypted/ })
          .getByLabel("No", { exact: true })
          .check();
        await submit(ig, "Save assessment");
        assert.match(
          await textOf(ig.locator('[data-qa="recommendation"]')),
          /tell the people affected/,
        );
        assert.match(
          await textOf(ig.locator('[data-qa="reasons"]')),
          /Probable likelihood × significant severity/,
        );
        await submit(ig, "Record decision");
        assert.match(await textOf(ig.locator("#decision ~ dl").first()), /Ivy Officer/);
        await expectNoViolations(ig, "case after decision");

        await ig.getByRole("link", { name: "ICO report" }).click();
        await new Layout(ig).heading.filter({ hasText: "ICO breach report" }).waitFor();
        assert.match(
          await ig.getByLabel("The whole report as text, to copy").inputValue(),
          /Economic and financial data/,
        );
        await expectNoViolations(ig, "ICO report");

        await visit(ig, "/breaches/trends", /Breach trends/);
        await visit(ig, "/breaches?state=closed", /Personal data breaches/);
      } finally {
        await ig.close();
      }
    } finally {
      await sp.close();
    }
  },
);

suite.test(
  "a project manager screens a project and starts its DPIA; the pages are accessible",
  async ({ page, server }) => {
    await new SignInPage(page).signIn(server.admin.email, server.admin.password);
    await visit(page, "/dpia", /Data protection impact assessments/);
    assert.match(
      await textOf(page.locator('[data-qa="dpia-list"]')),
      /Linking council tax and housing benefit records/,
    );
    await page.getByRole("button", { name: "Screen a project" }).click();
    await new Layout(page).heading.filter({ hasText: "Screen a project" }).waitFor();
    await expectNoViolations(page, "screening form");
    await page.getByLabel("Project or change").fill("Early help matching");
    await page.getByLabel("What it will do").fill("Match school attendance with housing records");
    await page
      .getByRole("group", { name: /information about people/ })
      .getByLabel("Yes")
      .check();
    await page.getByLabel(/Combining, comparing or matching personal data/).check();
    await page.getByLabel("Data about vulnerable people").check();
    await submit(page, "Record the screening");
    assert.match(await textOf(page.locator('[data-qa="screening-result"]')), /DPIA required/);
    assert.match(await textOf(page.locator('[data-qa="screening-reasons"]')), /data matching/);
    await expectNoViolations(page, "screening result");
    await submit(page, "Start the full DPIA");
    await page.getByRole("link", { name: "Identify the need for a DPIA" }).click();
    await new Layout(page).heading.waitFor();
    await expectNoViolations(page, "step 1");
    await page.locator("#need").fill("To offer early help to families sooner");
    await submit(page, "Save and return");
    await page.getByRole("link", { name: "Identify and assess risks" }).click();
    await new Layout(page).heading.filter({ hasText: "Risks and measures" }).waitFor();
    await page.getByLabel("The risk to people").fill("A wrong match leads to an unwelcome visit");
    await page.getByLabel("Type of risk").selectOption({ index: 1 });
    await page.getByRole("group", { name: "Likelihood of harm" }).getByLabel("Possible").check();
    await page.getByRole("group", { name: "Severity of harm" }).getByLabel("Severe").check();
    await submit(page, "Add risk");
    assert.match(await textOf(page.locator('[data-qa="risks"]')), /High/);
    await expectNoViolations(page, "risks and matrix");
    const dpiaPath = new URL(page.url()).pathname.replace(/\/risks$/, "");
    await page.getByRole("link", { name: /A wrong match leads/ }).click();
    await new Layout(page).heading.filter({ hasText: "Risk and measures" }).waitFor();
    await expectNoViolations(page, "risk and measures");
    await visit(page, `${dpiaPath}/dpo-advice`, /DPO advice/);
    await visit(page, `${dpiaPath}/sign-off`, /Sign off the DPIA/);
    assert.match(await textOf(page.locator("main")), /cannot be signed off yet/);
    await visit(page, `${dpiaPath}/links`, /Assets and processing covered/);
    await visit(page, `${dpiaPath}/screening`, /Screen Early help matching again/);
    await visit(page, "/dpia/template", /DPIA questions and risk types/);
    await visit(page, "/dpia/gaps", /Personal data without a DPIA/);
    // The signed-off demo DPIA as a document.
    await page.goto("/dpia");
    await page
      .getByRole("link", { name: "Linking council tax and housing benefit records" })
      .click();
    await new Layout(page).heading.waitFor();
    await expectNoViolations(page, "signed-off DPIA");
    await page.getByRole("link", { name: "Version 1", exact: true }).click();
    await new Layout(page).heading.filter({ hasText: /Version 1/ }).waitFor();
    await expectNoViolations(page, "version 1 and its changes");
    await page.goBack();
    await page.getByRole("link", { name: /as a document/ }).click();
    await new Layout(page).heading
      .filter({ hasText: /Data protection impact assessment/ })
      .waitFor();
    await expectNoViolations(page, "DPIA document");
  },
);
