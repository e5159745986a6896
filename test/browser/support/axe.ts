import assert from "node:assert/strict";
import axe from "axe-core";
import type { Page } from "playwright-core";

export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

export interface Violation {
  rule: string;
  impact: string;
  help: string;
  nodes: { target: string; summary: string }[];
}

type AxeWindow = { axe?: typeof axe };

export interface AxeOptions {
  /**
   * The page's browser context has JavaScript disabled (`javaScriptEnabled: false`). Chromium then
   * never fires timers, and axe-core waits on `setTimeout(…, 0)` between rules, so `axe.run` would
   * never finish (page.evaluate has no timeout of its own: the test just hangs). With this set, the
   * page's `setTimeout` is replaced, for axe only, by one that runs the callback as a microtask.
   * None of the page's own scripts run in such a context, so nothing else sees the change.
   */
  scriptsOff?: boolean;
  /** Fail rather than wait longer than this for axe-core (milliseconds). */
  timeoutMs?: number;
}

/** Rejects with a clear message when `work` takes longer than `ms`. */
async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** setTimeout as a microtask, for a page whose timers never fire. A string: tsx would add helpers. */
const IMMEDIATE_TIMERS = `(() => {
  let next = 1;
  window.setTimeout = (callback, _ms, ...args) => {
    Promise.resolve().then(() => callback(...args));
    return next++;
  };
  window.clearTimeout = () => {};
})()`;

/**
 * Runs axe-core in the page. The script goes in through the DevTools protocol (page.evaluate),
 * so the app's strict Content-Security-Policy stays on, as real users see it.
 */
export async function findViolations(page: Page, options: AxeOptions = {}): Promise<Violation[]> {
  const loaded = await page.evaluate(() => Boolean((window as AxeWindow).axe));
  if (options.scriptsOff && !loaded) await page.evaluate(IMMEDIATE_TIMERS);
  if (!loaded) await page.evaluate(axe.source);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const hint = options.scriptsOff
    ? ""
    : " (if JavaScript is disabled in this browser context, pass { scriptsOff: true })";
  return within(
    timeoutMs,
    `axe-core on ${page.url()}${hint}`,
    page.evaluate(
      async ({ tags, preload }) => {
        const engine = (window as AxeWindow).axe;
        if (!engine) throw new Error("axe-core did not load");
        // Preloading fetches the style sheets under a timer, which the stand-in above fires at once.
        const results = await engine.run(document, {
          runOnly: { type: "tag", values: tags },
          preload,
        });
        return results.violations.map((v) => ({
          rule: v.id,
          impact: v.impact ?? "unknown",
          help: v.help,
          nodes: v.nodes.map((n) => ({
            target: n.target.join(" "),
            summary: n.failureSummary ?? "",
          })),
        }));
      },
      { tags: WCAG_TAGS, preload: !options.scriptsOff },
    ),
  );
}

/** Fails with every violation spelled out, so the report says what to fix and where. */
export async function expectNoViolations(
  page: Page,
  label = page.url(),
  options: AxeOptions = {},
): Promise<void> {
  const violations = await findViolations(page, options);
  assert.deepEqual(violations, [], `axe-core found accessibility problems on ${label}`);
}
