/**
 * Running a linkage job end to end: load, profile (automatic settings), prepare, block,
 * train, score, cluster. This is the API a web module calls as a background job.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  baseSettings,
  chooseBlockingRules,
  chooseDeterministicRules,
  featuresFromProfiles,
} from "./auto-settings.ts";
import {
  buildBlockingKeys,
  countBlockingRules,
  generatePairs,
  type RuleCount,
  totalComparisons,
} from "./blocking.ts";
import { connectedComponents, writeClustersCsv } from "./cluster.ts";
import { Db, type DbOptions, ident, literal } from "./db.ts";
import { MatchInputError } from "./errors.ts";
import { explainEvidence, type PairExplanation } from "./explain.ts";
import { tfLevelIndex } from "./gammas.ts";
import { checkIdColumn, type InputSpec, loadTable, requireColumns } from "./io.ts";
import { oneToOne, scorePairs, writePairsCsv } from "./predict.ts";
import { type LoadedInput, prepareRecords } from "./prepare.ts";
import { type ColumnProfile, profileColumns } from "./profile.ts";
import { isTrained, type LinkType, type Settings } from "./settings.ts";
import { installStandardisers } from "./standardise-sql.ts";
import { type TrainingLabels, trainFromLabels, trainUnsupervised } from "./train.ts";

export type Stage =
  | "load"
  | "profile"
  | "prepare"
  | "block"
  | "train"
  | "predict"
  | "cluster"
  | "write";

export interface ProgressEvent {
  stage: Stage;
  done: number;
  total: number;
  message?: string;
}

export interface LinkageJob {
  /** One input to deduplicate, two or more to link. */
  inputs: InputSpec[];
  /** The unique id column: one name for every input, or one per input. */
  idColumn: string | string[];
  linkType?: LinkType;
  /** Omit for automatic settings. Trained settings are used as they are; untrained ones are trained. */
  settings?: Settings;
  /** Retrain even when the settings hold trained parameters. */
  retrain?: boolean;
  /** Columns automatic settings must not compare. */
  ignoreColumns?: string[];
  /** Labelled pairs to learn m from instead of EM (ids: left from the first input, right from the second). */
  trainingLabels?: TrainingLabels;
  /** Scoring model (see Settings.scoring); overrides the settings' own. */
  scoring?: Settings["scoring"];
  /** Link only: keep at most one partner per record (greedy by weight) at `threshold`. */
  oneToOne?: boolean;
  threshold?: number;
  /** Extra SQL condition on candidate pairs (l., r. are records with __src, __rid); used by incremental matching. */
  pairCondition?: string;
  db?: DbOptions;
  onProgress?: (event: ProgressEvent) => void;
  /** Human-readable notes (proposed settings, counts), one line at a time. */
  log?: (line: string) => void;
}

export interface RunSummary {
  linkType: LinkType;
  records: number[];
  totalComparisons: number;
  blockingRules: RuleCount[];
  comparedPairs: number;
  lambda: number;
  profiles?: ColumnProfile[];
  timings: Partial<Record<Stage, number>>;
}

/** A finished run, holding its DuckDB database until `close()`. */
export class LinkageRun {
  constructor(
    readonly db: Db,
    readonly settings: Settings,
    readonly summary: RunSummary,
  ) {}

  writePairs(path: string, threshold = 0.5): Promise<number> {
    return writePairsCsv(this.db, path, threshold);
  }

  /** Cluster of each record at `threshold`: Int32Array indexed by row number (see `ids()`). */
  clusters(threshold = 0.5): Promise<Int32Array> {
    return connectedComponents(this.db, threshold);
  }

  async writeClusters(path: string, threshold = 0.5): Promise<number> {
    return writeClustersCsv(this.db, await this.clusters(threshold), path);
  }

  /** Pairs at or above a threshold with ids, weight and probability, best first. */
  async pairs(
    options: {
      minProbability?: number;
      maxProbability?: number;
      limit?: number;
      offset?: number;
    } = {},
  ) {
    const { minProbability = 0.5, maxProbability = 1, limit = 100, offset = 0 } = options;
    return this.db.rows<{
      left_id: string;
      right_id: string;
      match_probability: number;
      match_weight: number;
    }>(
      `SELECT l.__id AS left_id, r.__id AS right_id, s.match_probability, s.match_weight
       FROM __scored s JOIN __records l ON l.__rid = s.rid_l JOIN __records r ON r.__rid = s.rid_r
       WHERE s.match_probability BETWEEN ${minProbability} AND ${maxProbability}
       ORDER BY s.match_weight DESC, s.rid_l, s.rid_r LIMIT ${limit} OFFSET ${offset}`,
    );
  }

  /** The waterfall of one scored pair, or undefined when the pair was not compared. */
  explain(leftId: string, rightId: string): Promise<PairExplanation | undefined> {
    return explainScoredPair(this.db, this.settings, leftId, rightId);
  }

  /** Save scored pairs, records and settings to a directory, for `loadResults`. */
  async save(dir: string): Promise<void> {
    mkdirSync(dir, { recursive: true });
    await this.db.run(
      `COPY (SELECT * FROM __scored) TO ${literal(join(dir, "scored.parquet"))} (FORMAT parquet)`,
    );
    await this.db.run(
      `COPY (SELECT * FROM __records) TO ${literal(join(dir, "records.parquet"))} (FORMAT parquet)`,
    );
    const { saveSettings } = await import("./settings.ts");
    saveSettings(join(dir, "settings.json"), this.settings);
  }

  close(): void {
    this.db.close();
  }
}

/** Reopen a saved run (see `LinkageRun.save`) to list pairs or explain them. */
export async function loadResults(dir: string, dbOptions: DbOptions = {}): Promise<LinkageRun> {
  const { loadSettings } = await import("./settings.ts");
  const settings = loadSettings(join(dir, "settings.json"));
  const db = await Db.open(dbOptions);
  await db.run(
    `CREATE TABLE __scored AS SELECT * FROM read_parquet(${literal(join(dir, "scored.parquet"))})`,
  );
  await db.run(
    `CREATE TABLE __records AS SELECT * FROM read_parquet(${literal(join(dir, "records.parquet"))})`,
  );
  const records = await db.rows<{ n: number }>(
    "SELECT count(*) AS n FROM __records GROUP BY __src ORDER BY __src",
  );
  return new LinkageRun(db, settings, {
    linkType: settings.linkType,
    records: records.map((r) => r.n),
    totalComparisons: totalComparisons(
      settings.linkType,
      records.map((r) => r.n),
    ),
    blockingRules: [],
    comparedPairs: await db.scalar("SELECT count(*) FROM __scored"),
    lambda: settings.probabilityTwoRandomRecordsMatch ?? 0,
    timings: {},
  });
}

async function explainScoredPair(
  db: Db,
  settings: Settings,
  leftId: string,
  rightId: string,
): Promise<PairExplanation | undefined> {
  const cols = settings.comparisons.flatMap((c) => [
    `s."g_${c.name}"`,
    ...(tfLevelIndex(c) >= 0 ? [`s."tf_${c.name}"`] : []),
  ]);
  const values = settings.comparisons.flatMap((c) => [
    `l.${ident(c.features[0])} AS "l_${c.name}"`,
    `r.${ident(c.features[0])} AS "r_${c.name}"`,
  ]);
  const [row] = await db.rows<Record<string, unknown>>(
    `SELECT l.__id AS left_id, r.__id AS right_id, ${[...cols, ...values].join(", ")}
     FROM __scored s JOIN __records l ON l.__rid = s.rid_l JOIN __records r ON r.__rid = s.rid_r
     WHERE (l.__id = ${literal(leftId)} AND r.__id = ${literal(rightId)}) OR (l.__id = ${literal(rightId)} AND r.__id = ${literal(leftId)})`,
  );
  if (!row) return undefined;
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return explainEvidence(settings, {
    leftId: String(row.left_id),
    rightId: String(row.right_id),
    gammas: Object.fromEntries(
      settings.comparisons.map((c) => [c.name, Number(row[`g_${c.name}`])]),
    ),
    tfs: Object.fromEntries(
      settings.comparisons.map((c) => [
        c.name,
        row[`tf_${c.name}`] === undefined || row[`tf_${c.name}`] === null
          ? null
          : Number(row[`tf_${c.name}`]),
      ]),
    ),
    leftValues: Object.fromEntries(
      settings.comparisons.map((c) => [c.name, text(row[`l_${c.name}`])]),
    ),
    rightValues: Object.fromEntries(
      settings.comparisons.map((c) => [c.name, text(row[`r_${c.name}`])]),
    ),
  });
}

function idColumnFor(job: LinkageJob, i: number): string {
  return Array.isArray(job.idColumn) ? (job.idColumn[i] ?? job.idColumn[0]) : job.idColumn;
}

/** Run a job end to end and keep the results in memory. */
export async function runLinkage(job: LinkageJob): Promise<LinkageRun> {
  if (job.inputs.length === 0) throw new MatchInputError("No input files.");
  const linkType: LinkType = job.linkType ?? (job.inputs.length === 1 ? "dedupe" : "link");
  if (linkType === "link" && job.inputs.length < 2)
    throw new MatchInputError("Linking needs at least two inputs.");
  const progress = job.onProgress ?? (() => {});
  const log = job.log ?? (() => {});
  const timings: RunSummary["timings"] = {};
  let clock = performance.now();
  const lap = (stage: Stage) => {
    const now = performance.now();
    timings[stage] = (timings[stage] ?? 0) + (now - clock) / 1000;
    clock = now;
  };
  const db = await Db.open(job.db);
  try {
    await installStandardisers(db);
    const loaded: LoadedInput[] = [];
    const columnsByInput: string[][] = [];
    for (let i = 0; i < job.inputs.length; i++) {
      progress({ stage: "load", done: i, total: job.inputs.length, message: job.inputs[i].path });
      const label = job.inputs[i].name ?? job.inputs[i].path;
      const table = `__input_${i}`;
      const columns = await loadTable(db, job.inputs[i].path, table);
      await checkIdColumn(db, table, idColumnFor(job, i), label, columns);
      loaded.push({ table, idColumn: idColumnFor(job, i), label });
      columnsByInput.push(columns);
    }
    progress({ stage: "load", done: job.inputs.length, total: job.inputs.length });
    lap("load");

    let settings: Settings;
    let profiles: ColumnProfile[] | undefined;
    const auto = !job.settings;
    if (job.settings) {
      settings = structuredClone(job.settings);
      settings.linkType = linkType;
      const needed = settings.features.map((f) => f.column);
      for (let i = 0; i < loaded.length; i++)
        requireColumns(columnsByInput[i], needed, loaded[i].label);
    } else {
      progress({ stage: "profile", done: 0, total: 1 });
      const ids = new Set(loaded.map((l) => l.idColumn));
      const common = columnsByInput[0].filter(
        (c) => !ids.has(c) && columnsByInput.every((cols) => cols.includes(c)),
      );
      if (common.length === 0)
        throw new MatchInputError(
          "The inputs have no columns in common (besides the id) to compare.",
        );
      profiles = await profileColumns(
        db,
        loaded.map((l) => l.table),
        common,
      );
      const features = featuresFromProfiles(profiles, job.ignoreColumns);
      if (features.length === 0)
        throw new MatchInputError(
          "No column can be compared: every common column is empty, constant or an identifier.",
        );
      settings = baseSettings(linkType, features);
      progress({ stage: "profile", done: 1, total: 1 });
      lap("profile");
    }

    if (job.scoring) settings.scoring = job.scoring;
    progress({ stage: "prepare", done: 0, total: 1 });
    const counts = await prepareRecords(db, loaded, settings);
    const records = counts.reduce((a, b) => a + b, 0);
    if (auto && profiles) {
      const byColumn = new Map(profiles.map((p) => [p.column, p]));
      const choice = await chooseBlockingRules(
        db,
        settings,
        // A link's comparisons grow with the product of the inputs: budget on the larger one.
        linkType === "link" ? Math.max(...counts) : records,
        byColumn,
      );
      if (choice.rules.length === 0)
        throw new MatchInputError(
          "Could not find a blocking rule within budget; pass --settings with your own rules.",
        );
      settings.blockingRules = choice.rules;
      settings.deterministicRules = chooseDeterministicRules(settings, byColumn);
    }
    if (settings.blockingRules.length === 0)
      throw new MatchInputError("Settings have no blocking rules.");
    if (settings.blockingRules.length > 30)
      throw new MatchInputError("At most 30 blocking rules are supported.");
    progress({ stage: "prepare", done: 1, total: 1 });
    lap("prepare");

    await buildBlockingKeys(db, settings);
    const ruleCounts = await countBlockingRules(db, settings);
    for (const rc of ruleCounts)
      log(`blocking rule ${rc.rule}: ${Math.round(rc.pairs).toLocaleString("en-GB")} comparisons`);
    const rules = settings.blockingRules.length;
    progress({ stage: "block", done: 0, total: rules });
    const added = await generatePairs(
      db,
      settings,
      (i) => progress({ stage: "block", done: i + 1, total: rules }),
      job.pairCondition,
    );
    added.forEach((n, i) => {
      ruleCounts[i].newPairs = n;
    });
    const comparedPairs = added.reduce((a, b) => a + b, 0);
    lap("block");

    if (!isTrained(settings) || job.retrain || job.trainingLabels) {
      const steps = ["u", "lambda", "em", "refine"];
      const onStep = (step: string, done: number, total: number) =>
        progress({
          stage: "train",
          done: steps.indexOf(step) + done / Math.max(total, 1),
          total: steps.length,
          message: step,
        });
      if (job.trainingLabels)
        await trainFromLabels(db, settings, counts, job.trainingLabels, { onStep });
      else await trainUnsupervised(db, settings, counts, { onStep });
      progress({ stage: "train", done: steps.length, total: steps.length });
      lap("train");
    }

    progress({ stage: "predict", done: 0, total: 1 });
    await scorePairs(db, settings);
    if (job.oneToOne && linkType === "link") await oneToOne(db, settings, job.threshold ?? 0.5);
    progress({ stage: "predict", done: 1, total: 1 });
    lap("predict");

    return new LinkageRun(db, settings, {
      linkType,
      records: counts,
      totalComparisons: totalComparisons(linkType, counts),
      blockingRules: ruleCounts,
      comparedPairs,
      lambda: settings.probabilityTwoRandomRecordsMatch ?? 0,
      profiles,
      timings,
    });
  } catch (error) {
    db.close();
    throw error;
  }
}
