/** `steward match`: probabilistic record linkage (link, dedupe, evaluate, generate). */
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { describeSettings } from "../../modules/matching/engine/describe.ts";
import { MatchInputError } from "../../modules/matching/engine/errors.ts";
import {
  evaluatePairs,
  formatEvaluation,
  type TruthFile,
} from "../../modules/matching/engine/evaluate.ts";
import { formatExplanation } from "../../modules/matching/engine/explain.ts";
import { DEFAULT_DATASETS, generatePopulation } from "../../modules/matching/engine/generate.ts";
import {
  type LinkageJob,
  type ProgressEvent,
  runLinkage,
} from "../../modules/matching/engine/pipeline.ts";
import { loadSettings, saveSettings } from "../../modules/matching/engine/settings.ts";

export const summary =
  "Probabilistic record linkage: link or deduplicate datasets, evaluate, generate test data";

export const help = `Usage:
  steward match link LEFT RIGHT [MORE...] --id COLUMN --out PAIRS.csv [options]
  steward match dedupe DATA --id COLUMN --out PAIRS.csv [--clusters CLUSTERS.csv] [options]
  steward match evaluate PAIRS.csv --truth FILE [--truth FILE2] --id COLUMN (--cluster COLUMN | --id-pattern REGEX)
  steward match evaluate PAIRS.csv --labels LABELS.csv [--label-left C] [--label-right C] [--label-column C]
  steward match generate --people N --out DIR [--seed S] [--coverage ER,CT,HOUSING]

Fellegi–Sunter matching run as SQL on DuckDB. Inputs are CSV or Parquet files.

link / dedupe options:
  --id COLUMN            unique record id (for link, one name or LEFT,RIGHT names)
  --out FILE             PAIRS.csv: left_id,right_id,match_probability,match_weight, one row per
                         scored pair at or above the threshold; for dedupe left_id sorts first
                         (numerically when every id is a number)
  --threshold P          match probability threshold (default 0.5)
  --clusters FILE        CLUSTERS.csv (id,cluster_id): connected components at the threshold
  --settings FILE        settings JSON (from --save-settings, edited as you like). Without it
                         Steward profiles the common columns and proposes settings itself.
                         Settings without trained m/u/λ are trained on the data.
  --save-settings FILE   write the settings with trained parameters, to reuse or refine
  --retrain              retrain even when --settings holds trained parameters
  --train-labels FILE    learn m from labelled pairs instead of EM (columns --label-left,
                         --label-right, default left_id,right_id; optional --label-column)
  --link-and-dedupe      link: also find duplicates within each input
  --ignore COLS          comma-separated columns automatic settings must not compare
                         (columns named cluster, person_id, source... are never compared)
  --one-to-one           link: at most one partner per record (greedy by match weight)
  --scoring MODEL        random: weights against two random records (Splink's model);
                         candidates: against the other candidate pairs, whose non-matches are
                         mostly relatives and neighbours (better where households share surname
                         and address). Default: the settings' choice, else random.
  --explain LEFT,RIGHT   print the waterfall of one pair (contribution of each comparison)
  --save-results DIR     keep scored pairs, records and settings (Parquet + JSON) for later
  --memory-limit SIZE    DuckDB memory limit (default 6GB); --threads N (default 2)
  --quiet                no progress bars or settings summary

evaluate options (precision, recall and F1 at the threshold, and a precision–recall table):
  --truth FILE           a data file with the true entity of every record; give it twice for a
                         link (left ids are looked up in the first, right ids in the second)
  --id COLUMN            id column of the truth file(s)
  --cluster COLUMN       column holding the true entity (e.g. cluster, person_id)
  --id-pattern REGEX     derive the entity from the id: the first capture group. For FEBRL ids
                         (rec-12-org, rec-12-dup-0) use --id-pattern '^(rec-[0-9]+)'
  --labels FILE          labelled pairs instead: only labelled pairs count
  --label-left/--label-right/--label-column   their columns (defaults unique_id_l, unique_id_r,
                         clerical_match_score; a label ≥ 0.5 or "true" is a match)
  --threshold P          default 0.5

generate options (synthetic UK people in council datasets, truth in person_id):
  --people N             number of people
  --out DIR              writes electoral_register.csv, council_tax.csv, housing.csv, combined.csv
  --seed S               random seed (default 1)
  --coverage A,B,C       share of people in each dataset (default 0.85,0.7,0.2)

Exit codes: 0 success, 1 unexpected failure, 2 bad input (message on stderr).`;

type Values = Record<string, string | boolean | string[] | undefined>;

const OPTIONS = {
  id: { type: "string" },
  out: { type: "string" },
  threshold: { type: "string" },
  clusters: { type: "string" },
  settings: { type: "string" },
  "save-settings": { type: "string" },
  "save-results": { type: "string" },
  retrain: { type: "boolean" },
  ignore: { type: "string" },
  "one-to-one": { type: "boolean" },
  scoring: { type: "string" },
  "train-labels": { type: "string" },
  "link-and-dedupe": { type: "boolean" },
  explain: { type: "string" },
  "memory-limit": { type: "string" },
  threads: { type: "string" },
  quiet: { type: "boolean" },
  truth: { type: "string", multiple: true },
  cluster: { type: "string" },
  "id-pattern": { type: "string" },
  labels: { type: "string" },
  "label-left": { type: "string" },
  "label-right": { type: "string" },
  "label-column": { type: "string" },
  people: { type: "string" },
  seed: { type: "string" },
  coverage: { type: "string" },
} as const;

function need(values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value.length === 0)
    throw new MatchInputError(`Missing --${name}.`);
  return value;
}

function probability(values: Values): number {
  const raw = values.threshold;
  if (raw === undefined) return 0.5;
  const p = Number(raw);
  if (!Number.isFinite(p) || p < 0 || p > 1)
    throw new MatchInputError(`--threshold must be a probability between 0 and 1, not '${raw}'.`);
  return p;
}

function scoringOption(values: Values): "random" | "candidates" | undefined {
  const raw = values.scoring;
  if (raw === undefined) return undefined;
  if (raw === "random" || raw === "candidates") return raw;
  throw new MatchInputError(`--scoring must be 'random' or 'candidates', not '${raw}'.`);
}

/** One cli-progress bar per stage on stderr (plain lines when stderr is not a terminal). */
function progressReporter(quiet: boolean): {
  onProgress: (e: ProgressEvent) => void;
  stop: (failed?: boolean) => void;
} {
  if (quiet) return { onProgress: () => {}, stop: () => {} };
  const tty = process.stderr.isTTY === true;
  let stage = "";
  let bar: cliProgress.SingleBar | undefined;
  let started = performance.now();
  const finish = (failed = false) => {
    if (bar) bar.stop();
    else if (stage && !tty && !failed)
      process.stderr.write(
        `${stage} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
      );
    bar = undefined;
    stage = "";
  };
  return {
    onProgress: (e) => {
      if (e.stage !== stage) {
        finish(false);
        stage = e.stage;
        started = performance.now();
        if (tty) {
          bar = new cliProgress.SingleBar(
            {
              format: `${e.stage.padEnd(8)} [{bar}] {percentage}% {step}`,
              stream: process.stderr,
              hideCursor: true,
              clearOnComplete: false,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(e.total, 0, { step: "" });
        }
      }
      bar?.setTotal(e.total);
      bar?.update(e.done, { step: e.message ?? "" });
    },
    stop: finish,
  };
}

async function runMatch(
  kind: "link" | "dedupe",
  positionals: string[],
  values: Values,
): Promise<number> {
  const files = positionals;
  if (kind === "dedupe" && files.length !== 1)
    throw new MatchInputError("dedupe takes one data file.");
  if (kind === "link" && files.length < 2)
    throw new MatchInputError("link takes two or more data files.");
  const idArg = need(values, "id");
  const out = need(values, "out");
  const threshold = probability(values);
  const quiet = values.quiet === true;
  const reporter = progressReporter(quiet);
  const job: LinkageJob = {
    inputs: files.map((path) => ({ path })),
    idColumn: idArg.includes(",") ? idArg.split(",") : idArg,
    linkType: kind === "link" && values["link-and-dedupe"] === true ? "link_and_dedupe" : kind,
    settings: typeof values.settings === "string" ? loadSettings(values.settings) : undefined,
    retrain: values.retrain === true,
    ignoreColumns: typeof values.ignore === "string" ? values.ignore.split(",") : [],
    oneToOne: values["one-to-one"] === true,
    scoring: scoringOption(values),
    trainingLabels:
      typeof values["train-labels"] === "string"
        ? {
            path: values["train-labels"],
            leftColumn: typeof values["label-left"] === "string" ? values["label-left"] : "left_id",
            rightColumn:
              typeof values["label-right"] === "string" ? values["label-right"] : "right_id",
            labelColumn:
              typeof values["label-column"] === "string" ? values["label-column"] : undefined,
          }
        : undefined,
    threshold,
    db: {
      memoryLimit: typeof values["memory-limit"] === "string" ? values["memory-limit"] : undefined,
      threads: typeof values.threads === "string" ? Number(values.threads) : undefined,
    },
    onProgress: reporter.onProgress,
  };
  const run = await runLinkage(job).then(
    (result) => result,
    (error: unknown) => {
      reporter.stop(true);
      throw error;
    },
  );
  try {
    reporter.stop();
    if (!quiet) {
      console.log(describeSettings(run.settings, run.summary.profiles, run.summary.blockingRules));
      console.log(
        `\nRecords: ${run.summary.records.join(" + ")}; pairs compared: ${run.summary.comparedPairs.toLocaleString("en-GB")} of ${Math.round(run.summary.totalComparisons).toLocaleString("en-GB")} possible`,
      );
    }
    let clock = performance.now();
    const lap = (stage: "write" | "cluster") => {
      const now = performance.now();
      run.summary.timings[stage] = (now - clock) / 1000;
      clock = now;
    };
    reporter.onProgress({ stage: "write", done: 0, total: 1 });
    const written = await run.writePairs(out, threshold);
    reporter.onProgress({ stage: "write", done: 1, total: 1 });
    lap("write");
    console.log(
      `Wrote ${written.toLocaleString("en-GB")} pairs at probability ≥ ${threshold} to ${out}`,
    );
    if (typeof values.clusters === "string") {
      reporter.onProgress({ stage: "cluster", done: 0, total: 1 });
      const clusters = await run.writeClusters(values.clusters, threshold);
      reporter.onProgress({ stage: "cluster", done: 1, total: 1 });
      lap("cluster");
      console.log(`Wrote ${clusters.toLocaleString("en-GB")} clusters to ${values.clusters}`);
    }
    if (typeof values["save-settings"] === "string") {
      saveSettings(values["save-settings"], run.settings);
      console.log(`Saved settings to ${values["save-settings"]}`);
    }
    if (typeof values["save-results"] === "string") {
      await run.save(values["save-results"]);
      console.log(`Saved results to ${values["save-results"]}`);
    }
    if (typeof values.explain === "string") {
      const [left, right] = values.explain.split(",");
      const explanation = await run.explain(left, right ?? "");
      console.log(
        explanation
          ? formatExplanation(explanation)
          : `Pair ${values.explain} was not compared (no blocking rule put them together).`,
      );
    }
    reporter.stop();
    if (!quiet) {
      const t = run.summary.timings;
      console.log(
        `Timings (s): ${Object.entries(t)
          .map(([k, v]) => `${k} ${(v ?? 0).toFixed(1)}`)
          .join(", ")}`,
      );
    }
  } finally {
    run.close();
  }
  return 0;
}

async function runEvaluate(positionals: string[], values: Values): Promise<number> {
  if (positionals.length !== 1) throw new MatchInputError("evaluate takes one PAIRS.csv file.");
  const threshold = probability(values);
  const truth = (values.truth as string[] | undefined) ?? [];
  let truthFiles: TruthFile[] | undefined;
  if (truth.length > 0) {
    const ids = need(values, "id").split(",");
    const cluster = typeof values.cluster === "string" ? values.cluster : undefined;
    const idPattern = typeof values["id-pattern"] === "string" ? values["id-pattern"] : undefined;
    if (!cluster && !idPattern)
      throw new MatchInputError("Give --cluster COLUMN or --id-pattern REGEX with --truth.");
    truthFiles = truth.map((path, i) => ({
      path,
      idColumn: ids[i] ?? ids[0],
      clusterColumn: cluster,
      idPattern,
    }));
  }
  const labels =
    typeof values.labels === "string"
      ? {
          path: values.labels,
          leftColumn:
            typeof values["label-left"] === "string" ? values["label-left"] : "unique_id_l",
          rightColumn:
            typeof values["label-right"] === "string" ? values["label-right"] : "unique_id_r",
          labelColumn:
            typeof values["label-column"] === "string"
              ? values["label-column"]
              : "clerical_match_score",
        }
      : undefined;
  if (!truthFiles && !labels)
    throw new MatchInputError(
      "Give --truth FILE (with --id and --cluster or --id-pattern) or --labels FILE.",
    );
  const evaluation = await evaluatePairs({
    pairsPath: positionals[0],
    truthFiles,
    labels,
    threshold,
  });
  console.log(formatEvaluation(evaluation));
  return 0;
}

function runGenerate(values: Values): number {
  const people = Number(need(values, "people"));
  if (!Number.isInteger(people) || people < 1)
    throw new MatchInputError("--people must be a positive whole number.");
  const outDir = need(values, "out");
  const seed = typeof values.seed === "string" ? Number(values.seed) : 1;
  const datasets = DEFAULT_DATASETS.map((d) => ({ ...d }));
  if (typeof values.coverage === "string") {
    const shares = values.coverage.split(",").map(Number);
    if (shares.some((s) => !(s >= 0 && s <= 1)))
      throw new MatchInputError("--coverage takes shares between 0 and 1, e.g. 0.85,0.7,0.2");
    shares.forEach((s, i) => {
      if (datasets[i]) datasets[i].coverage = s;
    });
  }
  const quiet = values.quiet === true;
  const bar = quiet
    ? undefined
    : new cliProgress.SingleBar(
        { format: "generate [{bar}] {percentage}% {value}/{total} people", stream: process.stderr },
        cliProgress.Presets.shades_classic,
      );
  bar?.start(people, 0);
  const result = generatePopulation({
    people,
    outDir,
    seed,
    datasets,
    onProgress: (done) => bar?.update(done),
  });
  bar?.stop();
  for (const f of result.files)
    console.log(`${f.path}: ${f.records.toLocaleString("en-GB")} records`);
  return 0;
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (!sub || !["link", "dedupe", "evaluate", "generate"].includes(sub)) {
      console.error(sub ? `steward match: unknown sub-command '${sub}'.\n` : "");
      console.error(help);
      return 2;
    }
    let parsed: { values: Values; positionals: string[] };
    try {
      parsed = parseArgs({
        args: rest,
        options: OPTIONS,
        allowPositionals: true,
        strict: true,
      }) as { values: Values; positionals: string[] };
    } catch (error) {
      throw new MatchInputError(error instanceof Error ? error.message : String(error));
    }
    if (sub === "evaluate") return await runEvaluate(parsed.positionals, parsed.values);
    if (sub === "generate") return runGenerate(parsed.values);
    return await runMatch(sub as "link" | "dedupe", parsed.positionals, parsed.values);
  } catch (error) {
    if (error instanceof MatchInputError) {
      console.error(`steward match: ${error.message}`);
      return 2;
    }
    console.error(
      `steward match: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
    );
    return 1;
  }
}
