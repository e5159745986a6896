import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { findViolations, type Violation } from "./support/axe.ts";
import { Layout, NewUserPage, SignInPage, UsersPage } from "./support/pages.ts";
import { browserSuite } from "./support/suite.ts";

const suite = browserSuite();

const PUBLIC_PAGES = [
  "/",
  "/accessibility",
  "/privacy",
  "/cookies",
  "/feedback",
  "/sign-in",
  "/signed-out",
  "/api/v1/docs",
];
const STAFF_PAGES = [
  "/staff",
  "/account",
  "/account/tokens/new",
  "/account/password",
  "/admin/users/new",
];

/** The GOV.UK-style frame every page should have: council name (no crown), navigation, banner, footer. */
async function layoutProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  const council =
    (await page.locator(".govuk-header .steward-header__council").textContent()) ?? "";
  if (!council.trim()) problems.push("no council name in the header");
  if (await page.locator(".govuk-header svg, .govuk-logo, .govuk-footer__crown").count())
    problems.push("a crown: it is for GOV.UK only, not councils");
  if (!(await page.locator(".govuk-service-navigation").count()))
    problems.push("no service navigation");
  if (!(await page.locator(".govuk-phase-banner").count())) problems.push("no phase banner");
  if (!(await page.locator("footer .govuk-footer").count())) problems.push("no footer");
  if ((await page.locator("h1").count()) !== 1) problems.push("not exactly one h1");
  return problems;
}

/**
 * Visits each path (and any further navigation and footer links found on the way), running
 * axe-core and the layout checks. Returns every problem keyed by path, so one run shows them all.
 */
async function checkPages(
  page: Page,
  paths: string[],
): Promise<{ report: Record<string, unknown>; visited: string[] }> {
  const report: Record<string, unknown> = {};
  const queue = [...paths];
  const seen = new Set<string>();
  while (queue.length) {
    const path = queue.shift() as string;
    if (seen.has(path)) continue;
    seen.add(path);
    const response = await page.goto(path);
    const status = response?.status() ?? 0;
    if (status >= 400) {
      report[path] = `HTTP ${status}`;
      continue;
    }
    const violations: Violation[] = await findViolations(page);
    const layout = await layoutProblems(page);
    if (violations.length || layout.length) report[path] = { violations, layout };
    for (const link of await new Layout(page).navigationPaths())
      if (!seen.has(link)) queue.push(link);
  }
  return { report, visited: [...seen] };
}

suite.test("signed-out pages have no WCAG 2.2 AA violations", async ({ page, t }) => {
  const { report, visited } = await checkPages(page, PUBLIC_PAGES);
  t.diagnostic(`signed out, checked ${visited.length} pages: ${visited.join(" ")}`);
  assert.deepEqual(report, {});
});

suite.test("signed-in pages have no WCAG 2.2 AA violations", async ({ page, server, t }) => {
  await new SignInPage(page).signIn(server.admin.email, server.admin.password);
  const users = new UsersPage(page);
  await users.open();
  const userLink = await page.locator("tbody a.govuk-link").first().getAttribute("href");
  assert.ok(userLink, "the users list should link to a user's page");

  const { report, visited } = await checkPages(page, [...STAFF_PAGES, userLink]);
  t.diagnostic(`signed in, checked ${visited.length} pages: ${visited.join(" ")}`);
  assert.ok(visited.includes("/admin/audit"), "the navigation should lead to the audit trail");
  assert.deepEqual(report, {});
});

suite.test("the not-found page has no WCAG 2.2 AA violations", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  assert.equal(response?.status(), 404);
  assert.deepEqual(await findViolations(page), []);
});

suite.test(
  "a form's error summary is accessible, focused and visible",
  async ({ page, server }) => {
    await new SignInPage(page).signIn(server.admin.email, server.admin.password);
    const form = new NewUserPage(page);
    await form.open();
    await form.submit();

    assert.match(await page.title(), /^Error: /);
    await form.errorSummary.waitFor({ state: "visible" });
    await page.waitForFunction(() =>
      document.activeElement?.classList.contains("govuk-error-summary"),
    );
    const box = await form.errorSummary.boundingBox();
    assert.ok(box && box.y < 900, "the error summary should be in view");
    const links = await form.errorSummary.locator("a").allInnerTexts();
    assert.ok(
      links.some((text) => /full name/i.test(text)),
      `error links: ${links.join(" | ")}`,
    );

    // Each error link moves focus to its field.
    await form.errorSummary.locator('a[href="#displayName"]').click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), "displayName");

    assert.deepEqual(await findViolations(page), []);
  },
);
