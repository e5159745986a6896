import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { evaluatePairs } from "./evaluate.ts";

const dir = mkdtempSync(join(tmpdir(), "steward-evaluate-"));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe("evaluation", () => {
  it("counts true link pairs across files when a file holds duplicates", async () => {
    // Person p1 is twice on the left and once on the right: two true pairs. p2 once each: one.
    const left = file("left.csv", "id,who\nL1,p1\nL2,p1\nL3,p2\nL4,p3\n");
    const right = file("right.csv", "id,who\nR1,p1\nR2,p2\nR3,p4\n");
    const pairs = file(
      "pairs.csv",
      "left_id,right_id,match_probability,match_weight\nL1,R1,0.99,8\nL3,R2,0.9,4\nL4,R3,0.6,1\n",
    );
    const e = await evaluatePairs({
      pairsPath: pairs,
      truthFiles: [left, right].map((path) => ({ path, idColumn: "id", clusterColumn: "who" })),
    });
    assert.equal(e.truePairs, 3);
    assert.equal(e.truePositives, 2);
    assert.equal(e.falsePositives, 1);
    assert.ok(Math.abs(e.precision - 2 / 3) < 1e-9 && Math.abs(e.recall - 2 / 3) < 1e-9);
    const strict = e.curve.find((c) => c.threshold === 0.95);
    assert.equal(strict?.truePositives, 1);
  });

  it("derives entities from ids and scores deduplication", async () => {
    const data = file(
      "febrl.csv",
      "rec_id,name\nrec-1-org,a\nrec-1-dup-0,a\nrec-1-dup-1,a\nrec-2-org,b\n",
    );
    const pairs = file(
      "dedupe.csv",
      "left_id,right_id,match_probability,match_weight\nrec-1-dup-0,rec-1-org,0.8,2\nrec-1-org,rec-2-org,0.7,1\n",
    );
    const e = await evaluatePairs({
      pairsPath: pairs,
      truthFiles: [{ path: data, idColumn: "rec_id", idPattern: "^(rec-[0-9]+)" }],
    });
    assert.equal(e.truePairs, 3);
    assert.equal(e.truePositives, 1);
    assert.equal(e.falsePositives, 1);
  });

  it("scores only labelled pairs when given labels", async () => {
    const labels = file(
      "labels.csv",
      "unique_id_l,unique_id_r,clerical_match_score\n1,2,1\n3,4,0\n5,6,1\n",
    );
    const pairs = file(
      "lab-pairs.csv",
      "left_id,right_id,match_probability,match_weight\n1,2,0.9,3\n3,4,0.8,2\n7,8,0.99,9\n",
    );
    const e = await evaluatePairs({
      pairsPath: pairs,
      labels: {
        path: labels,
        leftColumn: "unique_id_l",
        rightColumn: "unique_id_r",
        labelColumn: "clerical_match_score",
      },
    });
    assert.equal(e.truePairs, 2);
    assert.equal(e.truePositives, 1);
    assert.equal(e.falsePositives, 1);
    assert.equal(e.falseNegatives, 1);
  });
});
