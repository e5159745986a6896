/** Unsupervised training: u from random pairs, λ from deterministic rules, m by EM in sessions blocked on different columns. */
import { countRulePairs, pairFilter, totalComparisons } from "./blocking.ts";
import type { Db } from "./db.ts";
import {
  estimateLambda,
  estimateNonMatchDistribution,
  expectationMaximisation,
  type Pattern,
} from "./em.ts";
import { gammaColumn, pairsQuery } from "./gammas.ts";
import { blockingKeySql } from "./prepare.ts";
import {
  type BlockingRule,
  describeRule,
  type Feature,
  isIndividual,
  ruleFeatures,
  type Settings,
  type TrainingReport,
} from "./settings.ts";

export type TrainingStep = "u" | "lambda" | "em" | "refine";

export interface TrainOptions {
  /** Most random pairs used to estimate u. */
  uSamplePairs?: number;
  /** Most pairs in one EM session (records are sampled to stay under it). */
  sessionPairs?: number;
  onStep?: (step: TrainingStep, done: number, total: number) => void;
}

const gammaList = (settings: Settings): string => settings.comparisons.map(gammaColumn).join(", ");

async function readPatterns(db: Db, settings: Settings, from: string): Promise<Pattern[]> {
  const rows = await db.rows<Record<string, number>>(
    `SELECT ${gammaList(settings)}, count(*) AS __n FROM ${from} GROUP BY ALL`,
  );
  return rows.map((row) => ({
    g: settings.comparisons.map((c) => Number(row[`g_${c.name}`])),
    n: Number(row.__n),
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

/** Features a session blocked on `rule` cannot learn about: the rule's own and their groups'. */
function blockedFeatures(rule: BlockingRule, settings: Settings): Set<string> {
  const used = new Set(ruleFeatures(rule, settings));
  const groups = new Set(
    settings.features.filter((f) => used.has(f.name) && f.group).map((f) => f.group),
  );
  for (const f of settings.features) if (f.group && groups.has(f.group)) used.add(f.name);
  return used;
}

const blockKey = (f: Feature): string =>
  f.kind === "forename" ? `"${f.name}__canon"` : `"${f.name}"`;

/**
 * Training sessions when the settings name none. Identifiers first (pairs sharing an email,
 * phone or NI number are nearly all true matches, so m is learnt from clean examples), then
 * dates of birth (for names and places), then whatever is needed for comparisons still untrained.
 * Blocking on a surname or an address is avoided: relatives share them, and EM would learn
 * "same family" instead of "same person".
 */
export function autoTrainingRules(settings: Settings): BlockingRule[] {
  const rules: BlockingRule[] = [];
  const identifiers = settings.features.filter(
    (f) =>
      ["email", "phone", "ni_number", "uprn"].includes(f.kind) ||
      (f.kind === "code" && isIndividual(f)),
  );
  for (const f of identifiers) rules.push({ keys: [blockKey(f)] });
  for (const f of settings.features.filter((x) => x.kind === "dob" || x.kind === "date"))
    rules.push({ keys: [blockKey(f)] });
  return rules;
}

function fallbackRules(settings: Settings, excluded: Set<string>): BlockingRule[] {
  const usable = settings.features.filter(
    (f) =>
      !excluded.has(f.name) &&
      ![...blockedFeatures({ keys: [blockKey(f)] }, settings)].some((x) => excluded.has(x)),
  );
  const individual = usable.filter(isIndividual);
  const out: BlockingRule[] = individual.map((f) => ({ keys: [blockKey(f)] }));
  for (const f of individual)
    for (const g of usable) if (g !== f && !g.group) out.push({ keys: [blockKey(f), blockKey(g)] });
  return out;
}

interface Session {
  rule: BlockingRule;
  pairs: number;
  sample: number;
}

/** Patterns of a session's pairs, with records sampled so the session stays within `budget` pairs. */
async function sessionPatterns(db: Db, settings: Settings, session: Session): Promise<Pattern[]> {
  const key = blockingKeySql(session.rule);
  const keep =
    session.sample < 1
      ? ` WHERE hash(__rid, 99) % 1000000 < ${Math.ceil(session.sample * 1_000_000)}`
      : "";
  const side = `(SELECT __rid, __src, ${key} AS __k FROM __records${keep})`;
  await db.run(
    `CREATE OR REPLACE TEMP TABLE __session AS SELECT l.__rid AS a, r.__rid AS b FROM ${side} l JOIN ${side} r ON l.__k = r.__k WHERE ${pairFilter(settings.linkType)}`,
  );
  const patterns = await readPatterns(
    db,
    settings,
    `(${pairsQuery(settings, "__session s JOIN __records l ON l.__rid = s.a JOIN __records r ON r.__rid = s.b")})`,
  );
  await db.run("DROP TABLE __session");
  return patterns;
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
  const records = counts.reduce((a, b) => a + b, 0);
  step("u", 0, 1);
  const uSamplePairs = await estimateU(db, settings, counts, options.uSamplePairs);
  step("u", 1, 1);
  step("lambda", 0, 1);
  const lambdaDet = await lambdaFromDeterministicRules(db, settings, counts);
  step("lambda", 1, 1);

  const isNull = nullMatrix(settings);
  const u = settings.comparisons.map((c) => c.levels.map((l) => l.u ?? 0));
  const prior = settings.comparisons.map((c) => c.levels.map((l) => l.m ?? 0));
  const estimates: number[][][] = settings.comparisons.map(() => []);
  const sessions: TrainingReport["sessions"] = [];
  const budget = options.sessionPairs ?? Math.min(Math.max(300_000, records), 1_000_000);
  const countSample = records > 200_000 ? 200_000 / records : 1;
  const plan = async (rule: BlockingRule): Promise<Session | undefined> => {
    const pairs = await countRulePairs(db, rule, settings.linkType, countSample);
    if (pairs < 100) return undefined;
    return { rule, pairs, sample: Math.min(1, Math.sqrt(budget / pairs)) };
  };
  const runSession = async (session: Session) => {
    const used = blockedFeatures(session.rule, settings);
    const active = settings.comparisons.flatMap((c, i) =>
      c.features.some((f) => used.has(f)) ? [] : [i],
    );
    if (active.length === 0) return;
    const patterns = await sessionPatterns(db, settings, session);
    const pairs = patterns.reduce((a, p) => a + p.n, 0);
    if (pairs === 0) return;
    const result = expectationMaximisation({
      patterns,
      m: prior,
      u,
      nullLevel: isNull,
      active,
      lambda: 0.3,
    });
    for (const c of active) estimates[c].push(result.m[c]);
    sessions.push({
      rule: describeRule(session.rule),
      pairs,
      iterations: result.iterations,
      lambda: result.lambda,
      estimated: active.map((c) => settings.comparisons[c].name),
    });
  };
  const rules = settings.trainingRules ?? autoTrainingRules(settings);
  for (const [i, rule] of rules.entries()) {
    step("em", i, rules.length + 1);
    const session = await plan(rule);
    if (session) await runSession(session);
  }
  // Comparisons no session could estimate get a session of their own.
  for (const [ci, c] of settings.comparisons.entries()) {
    if (estimates[ci].length > 0) continue;
    for (const rule of fallbackRules(settings, new Set(c.features))) {
      const session = await plan(rule);
      if (!session || session.pairs > 50 * budget) continue;
      await runSession(session);
      break;
    }
  }
  step("em", rules.length + 1, rules.length + 1);
  const m = prior.map((row, c) => {
    const runs = estimates[c];
    if (runs.length === 0) return row;
    return row.map((_, k) => runs.reduce((a, run) => a + run[k], 0) / runs.length);
  });
  settings.comparisons.forEach((c, ci) => {
    c.levels.forEach((level, k) => {
      if (!level.isNull) level.m = m[ci][k];
    });
  });

  step("refine", 0, 1);
  const lambda = await refineLambda(db, settings, total, m, u, isNull, lambdaDet);
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

/**
 * λ among blocked pairs with m and u fixed, scaled to all pairs (assumes blocking finds nearly
 * every match); also the non-match distribution of the candidate pairs, for "candidates" scoring.
 */
async function refineLambda(
  db: Db,
  settings: Settings,
  total: number,
  m: number[][],
  u: number[][],
  isNull: number[][],
  lambdaDet: number | undefined,
): Promise<number> {
  const patterns = await readPatterns(db, settings, "__pairs");
  const blocked = patterns.reduce((a, p) => a + p.n, 0);
  const start =
    lambdaDet !== undefined ? Math.min((lambdaDet * total) / Math.max(blocked, 1), 0.5) : 0.1;
  const lambdaBlocked = blocked > 0 ? estimateLambda(patterns, m, u, isNull, start) : 0;
  const lambda =
    blocked > 0 && total > 0
      ? Math.min((lambdaBlocked * blocked) / total, 0.999)
      : (lambdaDet ?? 1e-4);
  settings.probabilityTwoRandomRecordsMatch = lambda;
  if (blocked > 0) {
    const candidates = estimateNonMatchDistribution(patterns, m, u, isNull, lambdaBlocked);
    settings.lambdaCandidates = candidates.lambda;
    settings.comparisons.forEach((c, ci) => {
      c.levels.forEach((level, k) => {
        if (!level.isNull) level.uCandidates = candidates.u[ci][k];
      });
    });
  }
  return lambda;
}

export interface TrainingLabels {
  path: string;
  leftColumn: string;
  rightColumn: string;
  /** 1/0, true/false or a score (≥ 0.5 is a match); without it every labelled pair is a match. */
  labelColumn?: string;
}

/**
 * Supervised training: m from the labelled matches (how often each level occurs among them),
 * u from random pairs as without labels, λ as without labels. Labelled non-matches are mostly
 * near misses picked by reviewers, so they say little about u for random pairs.
 */
export async function trainFromLabels(
  db: Db,
  settings: Settings,
  counts: number[],
  labels: TrainingLabels,
  options: TrainOptions = {},
): Promise<TrainingReport> {
  const step = options.onStep ?? (() => {});
  const total = totalComparisons(settings.linkType, counts);
  step("u", 0, 1);
  const uSamplePairs = await estimateU(db, settings, counts, options.uSamplePairs);
  step("u", 1, 1);
  const lambdaDet = await lambdaFromDeterministicRules(db, settings, counts);
  const { loadTable, requireColumns } = await import("./io.ts");
  const cols = await loadTable(db, labels.path, "__training_labels");
  requireColumns(
    cols,
    [labels.leftColumn, labels.rightColumn, ...(labels.labelColumn ? [labels.labelColumn] : [])],
    labels.path,
  );
  const label = labels.labelColumn
    ? `(CASE lower("${labels.labelColumn}") WHEN 'true' THEN 1 WHEN 'false' THEN 0 ELSE TRY_CAST("${labels.labelColumn}" AS DOUBLE) END) >= 0.5`
    : "true";
  const rightSource = settings.linkType === "link" ? 1 : 0;
  await db.run(
    `CREATE OR REPLACE TEMP TABLE __labelled AS SELECT l.__rid AS a, r.__rid AS b FROM __training_labels t
     JOIN (SELECT __rid, __id FROM __records WHERE __src = 0) l ON l.__id = t."${labels.leftColumn}"
     JOIN (SELECT __rid, __id FROM __records WHERE __src = ${rightSource}) r ON r.__id = t."${labels.rightColumn}"
     WHERE ${label}`,
  );
  step("em", 0, 1);
  const patterns = await readPatterns(
    db,
    settings,
    `(${pairsQuery(settings, "__labelled s JOIN __records l ON l.__rid = s.a JOIN __records r ON r.__rid = s.b")})`,
  );
  const matches = patterns.reduce((a, p) => a + p.n, 0);
  if (matches === 0) {
    const { MatchInputError } = await import("./errors.ts");
    throw new MatchInputError(
      `No labelled match in ${labels.path} refers to records in the inputs.`,
    );
  }
  const isNull = nullMatrix(settings);
  const u = settings.comparisons.map((c) => c.levels.map((l) => l.u ?? 0));
  const m = settings.comparisons.map((c, ci) => {
    // Half a pair added to every level, so a level no labelled match reached is unlikely, not impossible.
    const countsByLevel = c.levels.map((level, k) =>
      level.isNull ? 0 : 0.5 + patterns.reduce((a, p) => a + (p.g[ci] === k ? p.n : 0), 0),
    );
    const sum = countsByLevel.reduce((a, v) => a + v, 0);
    return countsByLevel.map((v, k) => (c.levels[k].isNull ? Number.NaN : v / sum));
  });
  settings.comparisons.forEach((c, ci) => {
    c.levels.forEach((level, k) => {
      if (!level.isNull) level.m = m[ci][k];
    });
  });
  step("em", 1, 1);
  step("refine", 0, 1);
  const lambda = await refineLambda(db, settings, total, m, u, isNull, lambdaDet);
  step("refine", 1, 1);
  await db.run("DROP TABLE __labelled");
  await db.run("DROP TABLE __training_labels");
  const report: TrainingReport = {
    lambdaFromDeterministicRules: lambdaDet,
    lambda,
    sessions: [
      {
        rule: `labelled matches in ${labels.path}`,
        pairs: matches,
        iterations: 0,
        lambda: 1,
        estimated: settings.comparisons.map((c) => c.name),
      },
    ],
    uSamplePairs,
  };
  settings.trained = report;
  return report;
}
