import assert from "node:assert/strict";
import { expectNoViolations } from "./support/axe.ts";
import { Layout, SignInPage, textOf } from "./support/pages.ts";
import { browserSuite } from "./support/suite.ts";

const suite = browserSuite();

suite.test(
  "the demo administrator signs in by keyboard alone and lands on the dashboard",
  async ({ page, server }) => {
    await new SignInPage(page).signInByKeyboard(server.admin.email, server.admin.password);

    assert.equal(new URL(page.url()).pathname, "/staff");
    const layout = new Layout(page);
    assert.equal((await layout.heading.textContent())?.trim(), "Dashboard");
    assert.match(await textOf(page.locator(".steward-signed-in")), /Signed in as/);
    const nav = await textOf(layout.serviceNavigation);
    for (const item of ["Dashboard", "Users", "Audit trail"]) assert.match(nav, new RegExp(item));
  },
);

suite.test(
  "a wrong password shows an accessible error and does not sign in",
  async ({ page, server }) => {
    await new SignInPage(page).signInByKeyboard(server.admin.email, "not-the-password");

    assert.equal(new URL(page.url()).pathname, "/sign-in");
    const summary = page.locator(".govuk-error-summary");
    await summary.waitFor();
    assert.match(await textOf(summary), /Enter a correct email address and password/);
    assert.match(await page.title(), /^Error: /);
    await expectNoViolations(page, "/sign-in with an error");
  },
);
