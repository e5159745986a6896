import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { evaluatePairs } from "./evaluate.ts";
import { matchNewRecords } from "./incremental.ts";
import { loadResults, runLinkage } from "./pipeline.ts";

const DATA = process.env.LINKAGE_DATA ?? "/work/shared/data/linkage";
const haveData = existsSync(join(DATA, "fake_1000.csv"));
const skip = haveData ? false : `labelled data not found in ${DATA}`;
const FEBRL_ID = "^(rec-[0-9]+)";

describe("end to end with automatic settings", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "steward-match-test-"));

  it("deduplicates fake_1000 with F1 above the floor, and explains a pair", async () => {
    const run = await runLinkage({
      inputs: [{ path: join(DATA, "fake_1000.csv") }],
      idColumn: "unique_id",
      db: { memoryLimit: "1GB" },
    });
    try {
      assert.ok(
        !run.settings.features.some((f) => f.column === "cluster"),
        "the truth column must not be compared",
      );
      const pairsPath = join(dir, "fake.csv");
      await run.writePairs(pairsPath, 0.5);
      const e = await evaluatePairs({
        pairsPath,
        truthFiles: [
          { path: join(DATA, "fake_1000.csv"), idColumn: "unique_id", clusterColumn: "cluster" },
        ],
      });
      assert.ok(e.f1 > 0.85, `F1 ${e.f1}`);
      assert.ok(e.precision > 0.95, `precision ${e.precision}`);

      const explanation = await run.explain("0", "1");
      assert.ok(explanation, "pair 0-1 was compared");
      const final = explanation.steps[explanation.steps.length - 1];
      const sum = explanation.steps.slice(0, -1).reduce((a, s) => a + s.weight, 0);
      assert.ok(Math.abs(sum - final.cumulative) < 1e-9);
      const [scored] = (await run.pairs({ minProbability: 0, limit: 1 })).filter(() => true);
      assert.ok(scored.match_probability >= 0 && scored.match_probability <= 1);

      await run.save(join(dir, "saved"));
      const reopened = await loadResults(join(dir, "saved"), { memoryLimit: "1GB" });
      const again = await reopened.explain("0", "1");
      reopened.close();
      assert.ok(again && Math.abs(again.matchWeight - explanation.matchWeight) < 1e-9);
    } finally {
      run.close();
    }
  });

  it("learns m from labelled pairs when given labels", async () => {
    const run = await runLinkage({
      inputs: [{ path: join(DATA, "fake_1000.csv") }],
      idColumn: "unique_id",
      trainingLabels: {
        path: join(DATA, "fake_1000_labels.csv"),
        leftColumn: "unique_id_l",
        rightColumn: "unique_id_r",
        labelColumn: "clerical_match_score",
      },
      db: { memoryLimit: "1GB" },
    });
    const pairsPath = join(dir, "labelled.csv");
    try {
      assert.match(run.settings.trained?.sessions[0].rule ?? "", /labelled matches/);
      await run.writePairs(pairsPath, 0.5);
    } finally {
      run.close();
    }
    const e = await evaluatePairs({
      pairsPath,
      truthFiles: [
        { path: join(DATA, "fake_1000.csv"), idColumn: "unique_id", clusterColumn: "cluster" },
      ],
    });
    assert.ok(e.f1 > 0.85, `F1 ${e.f1}`);
  });

  it("links FEBRL 4 with F1 of at least 0.98", async () => {
    const files = ["febrl_dataset4a.csv", "febrl_dataset4b.csv"].map((f) => join(DATA, f));
    const run = await runLinkage({
      inputs: files.map((path) => ({ path })),
      idColumn: "rec_id",
      db: { memoryLimit: "1GB" },
    });
    const pairsPath = join(dir, "febrl4.csv");
    try {
      await run.writePairs(pairsPath, 0.5);
    } finally {
      run.close();
    }
    const e = await evaluatePairs({
      pairsPath,
      truthFiles: files.map((path) => ({ path, idColumn: "rec_id", idPattern: FEBRL_ID })),
    });
    assert.ok(e.f1 >= 0.98, `F1 ${e.f1}`);
  });

  it("matches new records incrementally against a linked set", async () => {
    const lines = readFileSync(join(DATA, "fake_1000.csv"), "utf8").trim().split("\n");
    const existing = join(dir, "existing.csv");
    const fresh = join(dir, "new.csv");
    const rows = lines.slice(1);
    const isNew = (_: string, i: number) => i % 5 === 0;
    writeFileSync(existing, `${[lines[0], ...rows.filter((r, i) => !isNew(r, i))].join("\n")}\n`);
    writeFileSync(fresh, `${[lines[0], ...rows.filter(isNew)].join("\n")}\n`);
    const newIds = new Set(rows.filter(isNew).map((r) => r.split(",")[0]));
    const run = await runLinkage({
      inputs: [{ path: existing }],
      idColumn: "unique_id",
      db: { memoryLimit: "1GB" },
    });
    const clusters = join(dir, "existing-clusters.csv");
    await run.writeClusters(clusters, 0.5);
    const settings = run.settings;
    run.close();
    const result = await matchNewRecords({
      settings,
      existing: { path: existing },
      existingClusters: clusters,
      newRecords: { path: fresh },
      idColumn: "unique_id",
      db: { memoryLimit: "1GB" },
    });
    assert.equal(result.assignments.length, 200);
    const joined = result.assignments.filter((a) => !a.isNewCluster);
    assert.ok(joined.length > 120, `${joined.length} new records joined existing clusters`);
    const cluster = new Map(lines.slice(1).map((l) => [l.split(",")[0], l.split(",").at(-1)]));
    const right = joined.filter(
      (a) => a.bestMatch && cluster.get(a.bestMatch) === cluster.get(a.id),
    ).length;
    assert.ok(right / joined.length > 0.95, `${right} of ${joined.length} joined the right person`);
    assert.ok(result.pairs.length > 0);
    assert.ok(
      result.pairs.every((p) => newIds.has(p.right_id) || newIds.has(p.left_id)),
      "existing records are not re-compared",
    );
  });
});
