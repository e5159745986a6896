import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { createTestContext, type TestContext } from "../../../test/helpers/runtime.ts";
import { loadOpenDataDemo } from "./demo.ts";
import { testActor } from "./test-factories.ts";

let ctx: TestContext;
const dataDir = mkdtempSync(join(tmpdir(), "steward-opendata-demo-"));
before(async () => {
  ctx = await createTestContext({ STEWARD_DATA_DIR: dataDir, dataDir });
});
after(async () => {
  await ctx.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it("demo: Transparency Code datasets pass the gate and are published; one is blocked for review", async () => {
  await loadOpenDataDemo(ctx.services, testActor);
  const published = await ctx.services.opendata.publishedCatalogue();
  assert.deepEqual(published.map((d) => d.slug).sort(), [
    "contracts-over-5000",
    "land-and-buildings",
    "organisation-chart",
    "procurement-card-transactions",
    "spending-over-500",
  ]);
  const spend = published.find((d) => d.slug === "spending-over-500");
  assert.equal(spend?.resources.length, 4);
  assert.equal(
    spend?.resources[0].versions.length,
    2,
    "quarter 1 was re-published with a correction",
  );
  const waiting = await ctx.services.opendata.awaitingReview();
  assert.equal(waiting.length, 1);
  assert.ok(waiting[0].version.report?.findings.some((f) => f.rule === "person-name"));
  assert.ok(waiting[0].version.report?.findings.some((f) => f.rule === "email"));
  await loadOpenDataDemo(ctx.services, testActor); // a second run changes nothing
  assert.equal((await ctx.services.opendata.staffList()).length, 6);
});
