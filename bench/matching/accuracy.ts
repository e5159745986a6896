/**
 * Accuracy with automatic settings on the labelled data sets.
 * Usage: node --import tsx bench/matching/accuracy.ts [fake_1000|febrl3|febrl4|historical_50k ...] [--random|--candidates] [--verbose]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeSettings } from "../../src/modules/matching/engine/describe.ts";
import { evaluatePairs, type TruthFile } from "../../src/modules/matching/engine/evaluate.ts";
import { type LinkageJob, runLinkage } from "../../src/modules/matching/engine/pipeline.ts";

const DATA = process.env.LINKAGE_DATA ?? "/work/shared/data/linkage";
const FEBRL_ID = "^(rec-[0-9]+)";

interface Case {
  job: LinkageJob;
  truth: TruthFile[];
}

const CASES: Record<string, Case> = {
  fake_1000: {
    job: { inputs: [{ path: join(DATA, "fake_1000.csv") }], idColumn: "unique_id" },
    truth: [{ path: join(DATA, "fake_1000.csv"), idColumn: "unique_id", clusterColumn: "cluster" }],
  },
  febrl3: {
    job: { inputs: [{ path: join(DATA, "febrl_dataset3.csv") }], idColumn: "rec_id" },
    truth: [{ path: join(DATA, "febrl_dataset3.csv"), idColumn: "rec_id", idPattern: FEBRL_ID }],
  },
  febrl4: {
    job: {
      inputs: [
        { path: join(DATA, "febrl_dataset4a.csv") },
        { path: join(DATA, "febrl_dataset4b.csv") },
      ],
      idColumn: "rec_id",
    },
    truth: [
      { path: join(DATA, "febrl_dataset4a.csv"), idColumn: "rec_id", idPattern: FEBRL_ID },
      { path: join(DATA, "febrl_dataset4b.csv"), idColumn: "rec_id", idPattern: FEBRL_ID },
    ],
  },
  historical_50k: {
    job: {
      inputs: [{ path: join(DATA, "historical_figures_with_errors_50k.parquet") }],
      idColumn: "unique_id",
    },
    truth: [
      {
        path: join(DATA, "historical_figures_with_errors_50k.parquet"),
        idColumn: "unique_id",
        clusterColumn: "cluster",
      },
    ],
  },
};

const args = process.argv.slice(2);
const verbose = args.includes("--verbose");
const scoring = args.includes("--candidates")
  ? "candidates"
  : args.includes("--random")
    ? "random"
    : undefined;
const names = args.filter((a) => !a.startsWith("--"));
const dir = mkdtempSync(join(tmpdir(), "steward-accuracy-"));
console.log(
  "| data | link type | records | pairs compared | seconds | F1 at 0.5 | precision | recall | best F1 (threshold) |",
);
console.log("|---|---|---|---|---|---|---|---|---|");
for (const name of names.length > 0 ? names : Object.keys(CASES)) {
  const c = CASES[name];
  const started = performance.now();
  const run = await runLinkage({ ...c.job, scoring });
  const pairsPath = join(dir, `${name}.csv`);
  await run.writePairs(pairsPath, 0.01);
  const seconds = (performance.now() - started) / 1000;
  if (verbose) {
    console.error(describeSettings(run.settings, run.summary.profiles, run.summary.blockingRules));
    console.error(JSON.stringify(run.settings.trained?.sessions, null, 1));
  }
  run.close();
  const e = await evaluatePairs({ pairsPath, truthFiles: c.truth, threshold: 0.5 });
  console.log(
    `| ${name} | ${run.summary.linkType} | ${run.summary.records.join(" + ")} | ${run.summary.comparedPairs} | ${seconds.toFixed(1)} | ${e.f1.toFixed(4)} | ${e.precision.toFixed(4)} | ${e.recall.toFixed(4)} | ${e.best.f1.toFixed(4)} (${e.best.threshold}) |`,
  );
}
