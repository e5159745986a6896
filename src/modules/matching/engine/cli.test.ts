import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";

const ROOT = resolve(import.meta.dirname, "../../../..");
const DATA = process.env.LINKAGE_DATA ?? "/work/shared/data/linkage";
const dir = mkdtempSync(join(tmpdir(), "steward-match-cli-"));

function steward(...args: string[]) {
  const res = spawnSync(process.execPath, [join(ROOT, "bin/steward.js"), "match", ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

function assertCleanError(result: ReturnType<typeof steward>, pattern: RegExp) {
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
}

describe("steward match (command line)", () => {
  it("generates synthetic council datasets with the truth kept", () => {
    const out = join(dir, "gen");
    const result = steward("generate", "--people", "300", "--out", out, "--seed", "7", "--quiet");
    assert.equal(result.code, 0, result.stderr);
    for (const name of ["electoral_register", "council_tax", "housing", "combined"])
      assert.ok(existsSync(join(out, `${name}.csv`)));
    const [header, first] = readFileSync(join(out, "combined.csv"), "utf8").split("\n");
    assert.equal(
      header,
      "record_id,person_id,source,first_name,surname,dob,address,postcode,email,phone,ni_number",
    );
    assert.match(first, /^ER\d+,P\d+,electoral_register,/);
  });

  it("deduplicates to PAIRS.csv and CLUSTERS.csv with the documented headers", {
    skip: !existsSync(join(DATA, "fake_1000.csv")),
  }, () => {
    const pairs = join(dir, "pairs.csv");
    const clusters = join(dir, "clusters.csv");
    const settings = join(dir, "settings.json");
    const result = steward(
      "dedupe",
      join(DATA, "fake_1000.csv"),
      "--id",
      "unique_id",
      "--out",
      pairs,
      "--clusters",
      clusters,
      "--save-settings",
      settings,
      "--quiet",
    );
    assert.equal(result.code, 0, result.stderr);
    const lines = readFileSync(pairs, "utf8").trim().split("\n");
    assert.equal(lines[0], "left_id,right_id,match_probability,match_weight");
    assert.ok(lines.length > 1000);
    for (const line of lines.slice(1)) {
      const [left, right, p] = line.split(",");
      assert.ok(Number(left) < Number(right), line);
      assert.ok(Number(p) >= 0.5, line);
    }
    assert.equal(readFileSync(clusters, "utf8").split("\n")[0], "id,cluster_id");
    assert.equal(JSON.parse(readFileSync(settings, "utf8")).version, 1);

    const evaluation = steward(
      "evaluate",
      pairs,
      "--truth",
      join(DATA, "fake_1000.csv"),
      "--id",
      "unique_id",
      "--cluster",
      "cluster",
    );
    assert.equal(evaluation.code, 0, evaluation.stderr);
    assert.match(evaluation.stdout, /threshold 0\.5: precision [\d.]+, recall [\d.]+, F1 0\.[89]/);
    assert.match(evaluation.stdout, /threshold\s+precision\s+recall/);

    const reused = steward(
      "dedupe",
      join(DATA, "fake_1000.csv"),
      "--id",
      "unique_id",
      "--out",
      join(dir, "again.csv"),
      "--settings",
      settings,
      "--threshold",
      "0.9",
      "--quiet",
    );
    assert.equal(reused.code, 0, reused.stderr);
    assert.ok(
      readFileSync(join(dir, "again.csv"), "utf8").trim().split("\n").length < lines.length,
    );
  });

  it("fails cleanly on a missing file", () => {
    assertCleanError(
      steward(
        "dedupe",
        join(dir, "nope.csv"),
        "--id",
        "id",
        "--out",
        join(dir, "x.csv"),
        "--quiet",
      ),
      /File not found/,
    );
  });

  it("fails cleanly on an unreadable file", () => {
    const bad = join(dir, "bad.parquet");
    writeFileSync(bad, "not parquet");
    assertCleanError(
      steward("dedupe", bad, "--id", "id", "--out", join(dir, "x.csv"), "--quiet"),
      /Cannot read/,
    );
  });

  it("fails cleanly on a missing id column and on ids that are not unique", () => {
    const file = join(dir, "people.csv");
    writeFileSync(file, "id,first_name,surname\n1,Ann,Lee\n2,Bob,Lee\n2,Cat,Lee\n");
    assertCleanError(
      steward("dedupe", file, "--id", "ref", "--out", join(dir, "x.csv"), "--quiet"),
      /Missing column 'ref'/,
    );
    assertCleanError(
      steward("dedupe", file, "--id", "id", "--out", join(dir, "x.csv"), "--quiet"),
      /not unique/,
    );
  });

  it("fails cleanly on missing settings columns and bad options", () => {
    const file = join(dir, "people2.csv");
    writeFileSync(file, "id,first_name\n1,Ann\n2,Bob\n");
    const settings = join(dir, "s.json");
    writeFileSync(
      settings,
      JSON.stringify({
        version: 1,
        features: [{ name: "dob", column: "dob", kind: "dob" }],
        comparisons: [],
        blockingRules: [],
      }),
    );
    assertCleanError(
      steward(
        "dedupe",
        file,
        "--id",
        "id",
        "--out",
        join(dir, "x.csv"),
        "--settings",
        settings,
        "--quiet",
      ),
      /Missing column 'dob'/,
    );
    assertCleanError(
      steward("dedupe", file, "--id", "id", "--out", join(dir, "x.csv"), "--threshold", "2"),
      /threshold/,
    );
    assertCleanError(
      steward("dedupe", file, "--id", "id", "--out", join(dir, "x.csv"), "--bogus"),
      /bogus/,
    );
    assertCleanError(steward("frobnicate"), /unknown sub-command/);
  });
});
