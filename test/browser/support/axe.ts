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

/**
 * Runs axe-core in the page. The script goes in through the DevTools protocol (page.evaluate),
 * so the app's strict Content-Security-Policy stays on, as real users see it.
 */
export async function findViolations(page: Page): Promise<Violation[]> {
  const loaded = await page.evaluate(() => Boolean((window as AxeWindow).axe));
  if (!loaded) await page.evaluate(axe.source);
  return page.evaluate(async (tags) => {
    const engine = (window as AxeWindow).axe;
    if (!engine) throw new Error("axe-core did not load");
    const results = await engine.run(document, { runOnly: { type: "tag", values: tags } });
    return results.violations.map((v) => ({
      rule: v.id,
      impact: v.impact ?? "unknown",
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target.join(" "),
        summary: n.failureSummary ?? "",
      })),
    }));
  }, WCAG_TAGS);
}

/** Fails with every violation spelled out, so the report says what to fix and where. */
export async function expectNoViolations(page: Page, label = page.url()): Promise<void> {
  const violations = await findViolations(page);
  assert.deepEqual(violations, [], `axe-core found accessibility problems on ${label}`);
}
