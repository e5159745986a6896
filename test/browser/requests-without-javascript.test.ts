import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import { expectNoViolations, findViolations } from "./support/axe.ts";
import { SignInPage, textOf } from "./support/pages.ts";
import type { RunningServer } from "./support/server.ts";
import { browserSuite } from "./support/suite.ts";

// A resident whose browser runs no JavaScript (turned off, blocked, or failed to load) must still be
// able to ask for information and follow the request. Every wait has a limit, so a page that never
// arrives fails the test with a screenshot instead of hanging it.

const suite = browserSuite();
const STEP_MS = 15_000;

/** The public request form with JavaScript off: every step is a full page load. */
class NoScriptRequest {
  constructor(private readonly page: Page) {}

  /** Axe in a page whose own scripts never run (see AxeOptions.scriptsOff). */
  async checkAccessibility(label: string) {
    await expectNoViolations(this.page, label, { scriptsOff: true, timeoutMs: 60_000 });
  }

  async heading(text: string | RegExp) {
    await this.page.locator("h1").filter({ hasText: text }).waitFor({ timeout: STEP_MS });
  }

  async open(path: string) {
    await this.page.goto(path, { waitUntil: "load", timeout: 30_000 });
  }

  /** Presses a form's button and waits for the page the server sends back. */
  async press(button: string | RegExp) {
    await Promise.all([
      this.page.waitForEvent("load", { timeout: 30_000 }),
      this.page.getByRole("button", { name: button }).click({ timeout: STEP_MS }),
    ]);
  }
}

/** The newest status link sent for `reference`, as an administrator reads it in the mail outbox. */
async function linkFromOutbox(
  residentContext: BrowserContext,
  server: RunningServer,
  reference: string,
): Promise<URL> {
  const browser = residentContext.browser();
  assert.ok(browser);
  const admin = await browser.newContext({ baseURL: server.baseUrl });
  admin.setDefaultTimeout(STEP_MS);
  try {
    const page = await admin.newPage();
    await new SignInPage(page).signIn(server.admin.email, server.admin.password);
    await page.goto("/admin/outbox", { timeout: 30_000 });
    const text = await textOf(page.locator("table").filter({ hasText: "progress link" }));
    const links = [
      ...text.matchAll(
        new RegExp(`https?://\\S+/requests/status/${reference}\\?token=[\\w-]+`, "g"),
      ),
    ];
    assert.ok(links.length > 0, `a progress link for ${reference} is in the outbox`);
    // The outbox lists the newest first.
    return new URL(links[0][0]);
  } finally {
    await admin.close();
  }
}

suite.test(
  "a resident asks for information and checks its progress with JavaScript turned off",
  async ({ page, context, server }) => {
    const form = new NoScriptRequest(page);
    await form.open("/requests/new");
    // Scripts really are off: GOV.UK Frontend never marked the page as supported.
    assert.equal(
      await page.evaluate(() => document.body.classList.contains("govuk-frontend-supported")),
      false,
      "no script ran",
    );
    await form.checkAccessibility("choose a request type");
    await form.press("Continue");
    await page.locator(".govuk-error-summary").waitFor({ timeout: STEP_MS });
    await form.checkAccessibility("choose a request type, nothing chosen");
    await page.getByLabel(/Ask for information the council holds/).check();
    await form.press("Continue");

    await form.heading("What information do you want?");
    await form.checkAccessibility("request step");
    await page
      .getByLabel("What information do you want?")
      .fill("How many potholes did the council repair in 2026, by ward?");
    await form.press("Continue");

    // Without scripts there are no suggestions as you type: published answers are a page of their own.
    await form.heading("We may already have published an answer");
    assert.match(await textOf(page.locator('[data-qa="existing-answers"]')), /Potholes repaired/);
    await form.checkAccessibility("published answers");
    await form.press(/None of these answer my question/);

    await form.heading("Your details");
    await form.checkAccessibility("details step");
    await page.getByLabel("Full name").fill("Nadia Noscript");
    await page.getByLabel("Email address").fill("not-an-email");
    await form.press("Continue");
    await page.locator(".govuk-error-summary").waitFor({ timeout: STEP_MS });
    assert.equal(await page.getByLabel("Full name").inputValue(), "Nadia Noscript", "input kept");
    await form.checkAccessibility("details step with errors");
    await page.getByLabel("Email address").fill("nadia.noscript@example.com");
    await form.press("Continue");

    await form.heading("Check your answers");
    assert.match(await textOf(page.locator("main")), /repair in 2026, by ward/);
    await form.checkAccessibility("check your answers");
    await form.press("Send request");

    await page.locator(".govuk-panel").filter({ hasText: "Request sent" }).waitFor({
      timeout: STEP_MS,
    });
    const reference = await textOf(page.locator('[data-qa="reference"]'));
    assert.match(reference, /^FOI-\d{4}-\d{5}$/);
    await form.checkAccessibility("confirmation");
    // The confirmation is the private status page; its address is the link in the email.
    const statusLink = new URL(page.url());
    statusLink.searchParams.delete("new");

    await form.open(statusLink.pathname + statusLink.search);
    await form.heading(`Your request ${reference}`);
    assert.match(await textOf(page.locator('[data-qa="status"]')), /\w/);
    await form.checkAccessibility("request status");

    // Lost the email: ask for a fresh link by reference and email. The answer is the same whether
    // or not they match, and the old link stops working.
    await form.open("/requests/status");
    await form.checkAccessibility("status form");
    await form.press("Send me a link");
    await page.locator(".govuk-error-summary").waitFor({ timeout: STEP_MS });
    await form.checkAccessibility("status form with errors");
    await page.getByLabel("Reference number").fill(reference);
    await page.getByLabel("Email address").fill("nadia.noscript@example.com");
    await form.press("Send me a link");
    await form.heading("Check your email");
    await form.checkAccessibility("status link sent");
    await form.open(statusLink.pathname + statusLink.search);
    await form.heading("This link does not work");
    await form.checkAccessibility("old status link");

    // The new link arrives by email: this server has no mail server, so it waits in the outbox.
    const freshLink = await linkFromOutbox(context, server, reference);
    await form.open(freshLink.pathname + freshLink.search);
    await form.heading(`Your request ${reference}`);

    // The checks above are not empty: axe without scripts still finds a real problem.
    await page.evaluate(() =>
      document.querySelector("main")?.append(document.createElement("img")),
    );
    const found = await findViolations(page, { scriptsOff: true, timeoutMs: 60_000 });
    assert.ok(
      found.some((v) => v.rule === "image-alt"),
      "an image without alternative text is reported",
    );
  },
  { javaScriptEnabled: false },
);
