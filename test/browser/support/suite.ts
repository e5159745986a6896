import assert from "node:assert/strict";
import { after, before, type TestContext, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser } from "./browser.ts";
import { saveScreenshots } from "./screenshots.ts";
import { type RunningServer, startServer } from "./server.ts";

export interface BrowserTest {
  page: Page;
  context: BrowserContext;
  server: RunningServer;
  t: TestContext;
}

/** Script errors and Content-Security-Policy refusals: a page should have none. */
function watchForProblems(context: BrowserContext, problems: string[]) {
  const watch = (page: Page) => {
    page.on("pageerror", (err) => problems.push(`${page.url()}: ${err.message}`));
    page.on("console", (msg) => {
      if (msg.type() === "error" && /Content.Security.Policy|Refused to/i.test(msg.text()))
        problems.push(`${page.url()}: ${msg.text()}`);
    });
  };
  context.pages().forEach(watch);
  context.on("page", watch);
}

/**
 * One running Steward server and one Chromium per test file. Each test gets a fresh browser
 * context (no cookies); when it fails, every open page is saved as a PNG in test-results/.
 */
export function browserSuite() {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;

  before(
    async () => {
      const [s, b] = await Promise.allSettled([startServer(), launchBrowser()]);
      if (s.status === "fulfilled") server = s.value;
      if (b.status === "fulfilled") browser = b.value;
      if (s.status === "rejected") throw s.reason;
      if (b.status === "rejected") throw b.reason;
    },
    { timeout: 180_000 },
  );

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  return {
    /** `options.javaScriptEnabled: false` gives the test a browser with JavaScript turned off. */
    test(
      name: string,
      body: (bt: BrowserTest) => Promise<void>,
      options: { javaScriptEnabled?: boolean } = {},
    ) {
      test(name, { timeout: 180_000 }, async (t) => {
        assert.ok(server && browser, "the server and browser should have started");
        const context = await browser.newContext({
          baseURL: server.baseUrl,
          viewport: { width: 1280, height: 900 },
          javaScriptEnabled: options.javaScriptEnabled ?? true,
        });
        context.setDefaultTimeout(15_000);
        context.setDefaultNavigationTimeout(30_000);
        const problems: string[] = [];
        watchForProblems(context, problems);
        try {
          const page = await context.newPage();
          await body({ page, context, server, t });
          assert.deepEqual(problems, [], "pages should run without script errors or CSP refusals");
        } catch (err) {
          for (const path of await saveScreenshots(name, context))
            t.diagnostic(`screenshot: ${path}`);
          throw err;
        } finally {
          await context.close();
        }
      });
    },
  };
}
