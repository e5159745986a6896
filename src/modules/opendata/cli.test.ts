import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createTestContext, type TestContext } from "../../../test/helpers/runtime.ts";
import { spendCsv } from "./test-factories.ts";

const dir = mkdtempSync(join(tmpdir(), "steward-opendata-cli-"));
let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => {
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function steward(args: string[]) {
  return spawnSync(process.execPath, ["bin/steward.js", "opendata", "add", ...args, "--quiet"], {
    env: {
      ...process.env,
      DATABASE_URL: ctx.databaseUrl,
      STEWARD_DATA_DIR: ctx.services.config.STEWARD_DATA_DIR,
    },
    encoding: "utf8",
  });
}

const foster =
  "http://x,Northmoor District Council,10/05/2024,T900000001,Mrs Jane Smith,Children's Services,Children's Services,Foster care allowance,\"£650.00\",0,BACS";

describe("steward opendata add", () => {
  it("publishes a clean file with --publish, and the period it covers", async () => {
    const res = steward([
      file("q1.csv", spendCsv(20)),
      "--title",
      "Spend CLI",
      "--schema",
      "spend-over-500",
      "--period",
      "Q1 2024/25",
      "--publish",
    ]);
    assert.equal(res.status, 0, res.stderr);
    const published = await ctx.services.opendata.getPublished("spend-cli");
    assert.ok(published, "the dataset is published");
    assert.equal(published.resources[0].period, "2024-25-Q1");
    assert.equal(published.resources[0].published?.rowCount, 20);
  });

  it("publishes nothing and exits 1 for a file with problems or possible personal data", async () => {
    const bad = steward([
      file("bad.csv", spendCsv(3, [foster.replace('"£650.00"', "lots")])),
      "--title",
      "Spend bad",
      "--schema",
      "spend-over-500",
      "--publish",
    ]);
    assert.equal(bad.status, 1, bad.stderr);
    assert.match(bad.stderr, /Not published: fix the problems/);
    assert.equal(await ctx.services.opendata.getPublished("spend-bad"), undefined);

    const personal = steward([
      file("foster.csv", spendCsv(3, [foster])),
      "--title",
      "Spend personal",
      "--schema",
      "spend-over-500",
      "--publish",
    ]);
    assert.equal(personal.status, 1, personal.stderr);
    assert.match(personal.stderr, /named person's review/);
    assert.equal(await ctx.services.opendata.getPublished("spend-personal"), undefined);
  });

  it("refuses a different schema for an existing resource, and a period it cannot read", async () => {
    const path = file("q2.csv", spendCsv(5));
    const first = steward([path, "--title", "Spend Q2", "--schema", "spend-over-500"]);
    assert.equal(first.status, 0, first.stderr);
    const other = steward([path, "--dataset", "spend-q2", "--schema", "procurement-card"]);
    assert.equal(other.status, 2);
    assert.match(other.stderr, /checked against the spend-over-500 schema, not procurement-card/);
    const period = steward([path, "--dataset", "spend-q2", "--period", "2024-2026"]);
    assert.equal(period.status, 2);
    assert.match(period.stderr, /A council year runs April to March/);
    const fixed = steward([path, "--dataset", "spend-q2", "--period", "2024-25-Q2"]);
    assert.equal(fixed.status, 0, fixed.stderr);
    const dataset = await ctx.services.opendata.get("spend-q2");
    assert.equal(dataset?.resources[0].period, "2024-25-Q2");
    assert.equal(dataset?.resources[0].versions.length, 2);
  });

  it("exits 1 when another resource of the dataset blocks publication", async () => {
    const blocked = steward([
      file("blocked.csv", spendCsv(3, [foster])),
      "--title",
      "Spend two",
      "--schema",
      "spend-over-500",
    ]);
    assert.equal(blocked.status, 1);
    const clean = steward([
      file("clean.csv", spendCsv(3)),
      "--dataset",
      "spend-two",
      "--resource",
      "Clean part",
      "--schema",
      "spend-over-500",
      "--publish",
    ]);
    assert.equal(clean.status, 1, clean.stderr);
    assert.match(clean.stderr, /Not published: This dataset cannot be published yet/);
    assert.equal(await ctx.services.opendata.getPublished("spend-two"), undefined);
  });
});
