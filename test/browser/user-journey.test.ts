import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { AuditPage, Layout, NewUserPage, SignInPage, textOf, UsersPage } from "./support/pages.ts";
import { browserSuite } from "./support/suite.ts";

const suite = browserSuite();

suite.test(
  "an administrator adds a user with a role; the list and audit trail show it",
  async ({ page, context, server }) => {
    const id = randomBytes(3).toString("hex");
    const newcomer = {
      displayName: `Priya Journey ${id}`,
      email: `priya.${id}@northmoor.example.gov.uk`,
      jobTitle: "Data protection lead",
      password: `correct-horse-${id}-battery`,
      roles: ["Data Protection Officer"],
    };

    await new SignInPage(page).signIn(server.admin.email, server.admin.password);
    const users = new UsersPage(page);
    await users.open();
    await page.getByRole("button", { name: "Add a user" }).click();

    const form = new NewUserPage(page);
    await form.heading.filter({ hasText: "Add a user" }).waitFor();
    await form.fill(newcomer);
    await form.submit();

    // Lands on the new account's page with a confirmation.
    await form.heading.filter({ hasText: newcomer.displayName }).waitFor();
    assert.match(await textOf(page.locator(".govuk-notification-banner")), /Account created/);
    assert.ok(
      await page
        .getByRole("checkbox", { name: "Data Protection Officer", exact: true })
        .isChecked(),
    );

    await users.open();
    const row = users.row(newcomer.displayName);
    assert.equal(await row.count(), 1, "the new user should be listed once");
    const cells = await row.locator("td").allInnerTexts();
    assert.match(cells[1], new RegExp(newcomer.email));
    assert.match(cells[2], /Data Protection Officer/);
    assert.match(cells[3], /Active/);

    const audit = new AuditPage(page);
    await audit.open("?entityType=user");
    const entry = audit.entries(`Account created for ${newcomer.displayName}`);
    assert.equal(await entry.count(), 1, "the audit trail should show the creation once");
    assert.match(await textOf(entry), /create/);

    // The newcomer can sign in, and sees what a Data Protection Officer may see.
    const theirPage = await context.browser()?.newPage({ baseURL: server.baseUrl });
    assert.ok(theirPage);
    try {
      await new SignInPage(theirPage).signInByKeyboard(newcomer.email, newcomer.password);
      const nav = await textOf(new Layout(theirPage).serviceNavigation);
      assert.match(nav, /Audit trail/);
      assert.doesNotMatch(nav, /Users/);
    } finally {
      await theirPage.close();
    }
  },
);
