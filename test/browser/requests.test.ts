import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { expectNoViolations } from "./support/axe.ts";
import { SignInPage, textOf } from "./support/pages.ts";
import { browserSuite } from "./support/suite.ts";

const suite = browserSuite();

/** The resident's request form, page by page. */
class RequestForm {
  constructor(private readonly page: Page) {}

  async choose(label: RegExp, axe = true) {
    await this.page.goto("/requests/new");
    if (axe) await expectNoViolations(this.page, "choose a request type");
    await this.page.getByLabel(label).check();
    await this.continue();
  }

  async continue() {
    await Promise.all([
      this.page.waitForEvent("load"),
      this.page
        .getByRole("button", { name: /Continue|Send request|continue/ })
        .first()
        .click(),
    ]);
  }
}

suite.test(
  "a resident finds published answers as they type, asks anyway, and tracks the request",
  async ({ page }) => {
    const form = new RequestForm(page);
    await form.choose(/Ask for information the council holds/);
    await page.locator("h1").filter({ hasText: "What information do you want?" }).waitFor();
    await expectNoViolations(page, "request step");

    // Suggestions appear while typing (the demo log has pothole answers).
    await page
      .getByLabel("What information do you want?")
      .pressSequentially("How many potholes were repaired", { delay: 10 });
    const suggestions = page.locator('[data-qa="suggestions"] a');
    await suggestions.first().waitFor();
    assert.match(await textOf(page.locator('[data-qa="suggestions"]')), /Pothole/i);
    await expectNoViolations(page, "request step with suggestions");

    await page
      .getByLabel("What information do you want?")
      .fill("How many potholes were repaired on Moor Lane in 2026?");
    await form.continue();
    await page.locator("h1").filter({ hasText: "Your details" }).waitFor();
    await expectNoViolations(page, "details step");
    // A mistake is reported in the error summary and by the field.
    await page.getByLabel("Full name").fill("Chris Browser");
    await page.getByLabel("Email address").fill("not-an-email");
    await form.continue();
    await page.locator(".govuk-error-summary").waitFor();
    await expectNoViolations(page, "details step with errors");
    await page.getByLabel("Email address").fill("chris.browser@example.com");
    await form.continue();

    await page.locator("h1").filter({ hasText: "Check your answers" }).waitFor();
    await expectNoViolations(page, "check your answers");
    await Promise.all([
      page.waitForEvent("load"),
      page.getByRole("button", { name: "Send request" }).click(),
    ]);
    await page.locator(".govuk-panel").filter({ hasText: "Request sent" }).waitFor();
    const reference = await textOf(page.locator('[data-qa="reference"]'));
    assert.match(reference, /^FOI-\d{4}-\d{5}$/);
    await expectNoViolations(page, "confirmation");

    // Checking progress: the form never says whether a request exists.
    await page.goto("/requests/status");
    await expectNoViolations(page, "status form");
    await page.getByLabel("Reference number").fill(reference);
    await page.getByLabel("Email address").fill("chris.browser@example.com");
    await Promise.all([
      page.waitForEvent("load"),
      page.getByRole("button", { name: "Send me a link" }).click(),
    ]);
    await page.locator("h1").filter({ hasText: "Check your email" }).waitFor();
    await expectNoViolations(page, "status sent");

    await page.goto("/disclosure-log?q=pothole");
    await expectNoViolations(page, "disclosure log search");
    await page.locator('[data-qa="results"] a').first().click();
    await page.locator("h2").filter({ hasText: "Our response" }).waitFor();
    await expectNoViolations(page, "disclosure log entry");
  },
);

// The same journey with JavaScript turned off (published answers as a step of their own) is in
// requests-without-javascript.test.ts.

suite.test(
  "a caseworker opens an overdue case, reads how its deadline was worked out, and extends it",
  async ({ page, server }) => {
    await new SignInPage(page).signIn(server.admin.email, server.admin.password);
    await page.goto("/staff/requests?view=overdue");
    await expectNoViolations(page, "overdue cases");
    const first = page.locator('[data-qa="cases"] tbody a').first();
    await first.waitFor();
    await page.goto("/staff/requests");
    await expectNoViolations(page, "open cases");
    await page.locator('[data-qa="cases"] tbody a', { hasText: /FOI-/ }).first().click();
    await page.locator('[data-qa="explanation"]').waitFor();
    assert.match(await textOf(page.locator('[data-qa="explanation"]')), /Rule: FOIA s\.10\(1\)/);
    await expectNoViolations(page, "case page");
    const before = await textOf(page.locator('[data-qa="due-date"]'));
    await page.getByLabel("Something that changes the clock").selectOption("extension-applied");
    await Promise.all([
      page.waitForEvent("load"),
      page.getByRole("button", { name: "Record and recalculate" }).click(),
    ]);
    await page.locator(".govuk-notification-banner").filter({ hasText: "Clock updated" }).waitFor();
    const after = await textOf(page.locator('[data-qa="due-date"]'));
    assert.notEqual(after, before, "the extension moves the due date");
    assert.match(
      await textOf(page.locator('[data-qa="history"]')),
      /extension applied; due date moved/,
    );
    await expectNoViolations(page, "case page after extension");

    for (const path of [
      "/staff/requests/new",
      "/staff/requests/intake",
      "/staff/requests/reports",
      "/staff/requests/themes",
      "/staff/requests/templates",
      "/admin/bank-holidays",
    ]) {
      await page.goto(path);
      await expectNoViolations(page, path);
    }
  },
);
