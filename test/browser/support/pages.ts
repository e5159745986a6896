import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";

/** Presses Tab until the element with this id has focus, as a keyboard user would. */
export async function tabTo(page: Page, id: string, maxPresses = 40): Promise<void> {
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press("Tab");
    if ((await page.evaluate(() => document.activeElement?.id)) === id) return;
  }
  assert.fail(`#${id} was not reached after ${maxPresses} presses of Tab`);
}

export async function focusedId(page: Page): Promise<string | undefined> {
  return page.evaluate(() => document.activeElement?.id);
}

/** What every page shares: header, service navigation, phase banner, footer. */
export class Layout {
  constructor(protected readonly page: Page) {}

  get heading(): Locator {
    return this.page.locator("h1");
  }

  get serviceNavigation(): Locator {
    return this.page.locator(".govuk-service-navigation");
  }

  /** Same-site paths linked from the service navigation and the footer. */
  async navigationPaths(): Promise<string[]> {
    const hrefs = await this.page
      .locator(".govuk-service-navigation a[href], .govuk-footer a[href]")
      .evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
    const origin = new URL(this.page.url()).origin;
    return [
      ...new Set(
        hrefs
          .map((href) => new URL(href))
          .filter((u) => u.origin === origin)
          .map((u) => u.pathname + u.search),
      ),
    ];
  }
}

export class SignInPage extends Layout {
  async open(): Promise<void> {
    await this.page.goto("/sign-in");
    await this.heading.filter({ hasText: "Sign in" }).waitFor();
  }

  /** Signs in without touching the mouse: Tab to each field, type, press Enter. */
  async signInByKeyboard(email: string, password: string): Promise<void> {
    await this.open();
    await tabTo(this.page, "email");
    await this.page.keyboard.type(email);
    await this.page.keyboard.press("Tab");
    assert.equal(await focusedId(this.page), "password", "Tab from email should reach password");
    await this.page.keyboard.type(password);
    await Promise.all([this.page.waitForEvent("load"), this.page.keyboard.press("Enter")]);
  }

  async signIn(email: string, password: string): Promise<void> {
    await this.open();
    await this.page.getByLabel("Email address").fill(email);
    await this.page.getByLabel("Password", { exact: true }).fill(password);
    await Promise.all([
      this.page.waitForEvent("load"),
      this.page.locator('[data-qa="sign-in"]').click(),
    ]);
  }
}

export interface NewUser {
  displayName: string;
  email: string;
  jobTitle?: string;
  password: string;
  /** Role labels, as shown next to the checkboxes. */
  roles: string[];
}

export class NewUserPage extends Layout {
  async open(): Promise<void> {
    await this.page.goto("/admin/users/new");
    await this.heading.filter({ hasText: "Add a user" }).waitFor();
  }

  async fill(user: NewUser): Promise<void> {
    await this.page.getByLabel("Full name").fill(user.displayName);
    await this.page.getByLabel("Email address").fill(user.email);
    if (user.jobTitle) await this.page.getByLabel("Job title (optional)").fill(user.jobTitle);
    await this.page.getByLabel("First password").fill(user.password);
    for (const role of user.roles)
      await this.page.getByRole("checkbox", { name: role, exact: true }).check();
  }

  async submit(): Promise<void> {
    await Promise.all([
      this.page.waitForEvent("load"),
      this.page.getByRole("button", { name: "Add user" }).click(),
    ]);
  }

  get errorSummary(): Locator {
    return this.page.locator(".govuk-error-summary");
  }
}

export class UsersPage extends Layout {
  async open(): Promise<void> {
    await this.page.goto("/admin/users");
    await this.heading.filter({ hasText: "Users" }).waitFor();
  }

  row(name: string): Locator {
    return this.page.locator("tbody tr").filter({ hasText: name });
  }

  async openUser(name: string): Promise<void> {
    await this.page.getByRole("link", { name, exact: true }).click();
    await this.heading.filter({ hasText: name }).waitFor();
  }
}

export class AuditPage extends Layout {
  async open(query = ""): Promise<void> {
    await this.page.goto(`/admin/audit${query}`);
    await this.heading.filter({ hasText: "Audit trail" }).waitFor();
  }

  entries(text: string): Locator {
    return this.page.locator('[data-qa="audit-table"] tbody tr').filter({ hasText: text });
  }
}

/** A locator's text with whitespace collapsed ("" when it has none). */
export async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();
}
