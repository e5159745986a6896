import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";

export const resultsDir = "test-results";

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 80);
}

/** Full-page PNGs of every page still open in the context, named after the test. */
export async function saveScreenshots(
  testName: string,
  context: BrowserContext,
): Promise<string[]> {
  await mkdir(resultsDir, { recursive: true });
  const saved: string[] = [];
  for (const [i, page] of context.pages().entries()) {
    const path = join(resultsDir, `${slug(testName)}${i ? `-${i + 1}` : ""}.png`);
    try {
      await page.screenshot({ path, fullPage: true, timeout: 10_000 });
      saved.push(path);
    } catch {
      // The page may have crashed or closed; the test's own error matters more.
    }
  }
  return saved;
}
