/** Unsupervised training: u from random pairs, λ from deterministic rules, m by EM in sessions per blocking rule. */
import { pairFilter, totalComparisons } from "./blocking.ts";
import type { Db } from "./db.ts";
import { estimateLambda, expectationMaximisation, type Pattern } from "./em.ts";
import { gammaColumn, pairsQuery } from "./gammas.ts";
import { blockingKeySql } from "./prepare.ts";
import { describeRule, ruleFeatures, type Settings, type TrainingReport } from "./settings.ts";

export type TrainingStep = "u" | "lambda" | "em" | "refine";

export interface TrainOptions {
  /** Most random pairs used to estimate u. */
  uSamplePairs?: number;
  onStep?: (step: TrainingStep, done: number, total: number) => void;
}

const gammaList = (settings: Settings): string => settings.comparisons.map(gammaColumn).join(", ");

async function readPatterns(
  db: Db,
  settings: Settings,
  from: string,
  withRules: boolean,
): Promise<Pattern[]> {
  const gammas = gammaList(settings);
  const rules = withRules ? ", __rules" : "";
  const rows = await db.rows<Record<string, number>>(
    `SELECT ${gammas}${rules}, count(*) AS __n FROM ${from} GROUP BY ALL`,
  );
  return rows.map((row) => ({
    g: settings.comparisons.map((c) => Number(row[`g_${c.name}`])),
    n: Number(row.__n),
    rules: withRules ? Number(row.__rules) : 0,
  }));
}

function nullMatrix(settings: Settings): number[][] {
  return settings.comparisons.map((c) => c.levels.map((l) => (l.isNull ? 1 : 0)));
}

/** u from a random sample of pairs (all pairs when there are few). */
export async function estimateU(
  db: Db,
  settings: Settings,
  counts: number[],
  maxPairs = 1_000_000,
): Promise<number> {
  const total = totalComparisons(settings.linkType, counts);
  const n = counts.reduce((a, b) => a + b, 0);
  let sampleSql: string;
  if (total <= maxPairs) {
    sampleSql = `SELECT l.__rid AS a, r.__rid AS b FROM __records l, __records r WHERE ${pairFilter(settings.linkType)}`;
  } else if (settings.linkType === "link" && counts.length === 2) {
    sampleSql = `SELECT DISTINCT floor(random() * ${counts[0]})::INTEGER AS a, (${counts[0]} + floor(random() * ${counts[1]}))::INTEGER AS b FROM range(${maxPairs})`;
  } else {
    sampleSql = `SELECT DISTINCT least(x, y) AS a, greatest(x, y) AS b FROM (
      SELECT floor(random() * ${n})::INTEGER AS x, floor(random() * ${n})::INTEGER AS y FROM range(${Math.round(maxPairs * 1.05)})) WHERE x <> y`;
  }
  await db.run("SELECT setseed(0.4242)");
  await db.run(`CREATE OR REPLACE TEMP TABLE __u_sample AS ${sampleSql}`);
  const filter = settings.linkType === "link" ? "l.__src < r.__src" : "";
  const patterns = await readPatterns(
    db,
    settings,
    `(${pairsQuery(settings, "__u_sample s JOIN __records l ON l.__rid = s.a JOIN __records r ON r.__rid = s.b", filter || "true")})`,
    false,
  );
  await db.run("DROP TABLE __u_sample");
  const sampled = patterns.reduce((a, p) => a + p.n, 0);
  settings.comparisons.forEach((c, ci) => {
    const counts = c.levels.map(() => 0);
    for (const p of patterns) counts[p.g[ci]] += p.n;
    const nonNull = counts.reduce((a, v, k) => a + (c.levels[k].isNull ? 0 : v), 0);
    const floor = 0.5 / Math.max(nonNull, 1);
    const raw = counts.map((v, k) =>
      c.levels[k].isNull ? 0 : Math.max(v / Math.max(nonNull, 1), floor),
    );
    const norm = raw.reduce((a, v) => a + v, 0);
    c.levels.forEach((level, k) => {
      if (!level.isNull) level.u = raw[k] / norm;
    });
  });
  return sampled;
}

/** λ = pairs found by the deterministic rules / (assumed recall × all pairs). */
export async function lambdaFromDeterministicRules(
  db: Db,
  settings: Settings,
  counts: number[],
): Promise<number | undefined> {
  if (settings.deterministicRules.length === 0) return undefined;
  const unions = settings.deterministicRules
    .map(
      (rule) => `SELECT l.__rid AS a, r.__rid AS b FROM
        (SELECT __rid, __src, ${blockingKeySql(rule)} AS k FROM __records) l JOIN
        (SELECT __rid, __src, ${blockingKeySql(rule)} AS k FROM __records) r ON l.k = r.k WHERE ${pairFilter(settings.linkType)}`,
    )
    .join(" UNION ");
  const found = await db.scalar(`SELECT count(*) FROM (${unions})`);
  const total = totalComparisons(settings.linkType, counts);
  if (found === 0 || total === 0) return undefined;
  return Math.min(found / (settings.deterministicRecall * total), 0.5);
}

/** Train m, u and λ without labels, using `__records` and `__pairs`. */
export async function trainUnsupervised(
  db: Db,
  settings: Settings,
  counts: number[],
  options: TrainOptions = {},
): Promise<TrainingReport> {
  const step = options.onStep ?? (() => {});
  const total = totalComparisons(settings.linkType, counts);
  step("u", 0, 1);
  const uSamplePairs = await estimateU(db, settings, counts, options.uSamplePairs);
  step("u", 1, 1);
  step("lambda", 0, 1);
  const lambdaDet = await lambdaFromDeterministicRules(db, settings, counts);
  step("lambda", 1, 1);

  const patterns = await readPatterns(db, settings, "__pairs", true);
  const isNull = nullMatrix(settings);
  const u = settings.comparisons.map((c) => c.levels.map((l) => l.u ?? 0));
  const prior = settings.comparisons.map((c) => c.levels.map((l) => l.m ?? 0));
  const estimates: number[][][][] = settings.comparisons.map(() => []);
  const sessions: TrainingReport["sessions"] = [];
  const rules = settings.blockingRules;
  for (let r = 0; r < rules.length; r++) {
    step("em", r, rules.length);
    const used = new Set(ruleFeatures(rules[r], settings));
    const active = settings.comparisons.flatMap((c, i) =>
      c.features.some((f) => used.has(f)) ? [] : [i],
    );
    const sessionPatterns = patterns.filter((p) => (p.rules & (1 << r)) !== 0);
    const pairs = sessionPatterns.reduce((a, p) => a + p.n, 0);
    if (active.length === 0 || pairs === 0) continue;
    const result = expectationMaximisation({
      patterns: sessionPatterns,
      m: prior,
      u,
      nullLevel: isNull,
      active,
      lambda: 0.3,
    });
    for (const c of active) estimates[c].push([result.m[c]]);
    sessions.push({
      rule: describeRule(rules[r]),
      pairs,
      iterations: result.iterations,
      lambda: result.lambda,
      estimated: active.map((c) => settings.comparisons[c].name),
    });
  }
  step("em", rules.length, rules.length);
  const m = prior.map((row, c) => {
    const runs = estimates[c].map((e) => e[0]);
    if (runs.length === 0) return row;
    return row.map((_, k) => runs.reduce((a, run) => a + run[k], 0) / runs.length);
  });
  settings.comparisons.forEach((c, ci) => {
    c.levels.forEach((level, k) => {
      if (!level.isNull) level.m = m[ci][k];
    });
  });

  // λ among blocked pairs with m and u fixed, scaled to all pairs (assumes blocking finds nearly every match).
  step("refine", 0, 1);
  const blocked = patterns.reduce((a, p) => a + p.n, 0);
  const start =
    lambdaDet !== undefined ? Math.min((lambdaDet * total) / Math.max(blocked, 1), 0.5) : 0.1;
  const lambdaBlocked = blocked > 0 ? estimateLambda(patterns, m, u, isNull, start) : 0;
  const lambda =
    blocked > 0 && total > 0
      ? Math.min((lambdaBlocked * blocked) / total, 0.999)
      : (lambdaDet ?? 1e-4);
  settings.probabilityTwoRandomRecordsMatch = lambda;
  step("refine", 1, 1);
  const report: TrainingReport = {
    lambdaFromDeterministicRules: lambdaDet,
    lambda,
    sessions,
    uSamplePairs,
  };
  settings.trained = report;
  return report;
}
