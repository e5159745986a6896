/** Prediction: match weights and probabilities for every compared pair, and the PAIRS.csv output. */
import type { Db } from "./db.ts";
import { literal } from "./db.ts";
import { gammaColumn, tfColumn, tfLevelIndex } from "./gammas.ts";
import type { Comparison, ComparisonLevel, Settings } from "./settings.ts";

export function levelWeight(m: number | undefined, u: number | undefined): number {
  if (m === undefined || u === undefined || m <= 0 || u <= 0) return 0;
  return Math.log2(m / u);
}

/** The u a level is scored with under the settings' scoring model. */
export function scoringU(settings: Settings, level: ComparisonLevel): number | undefined {
  return settings.scoring === "candidates" ? (level.uCandidates ?? level.u) : level.u;
}

export function priorWeight(settings: Settings): number {
  const lambda =
    settings.scoring === "candidates"
      ? (settings.lambdaCandidates ?? settings.probabilityTwoRandomRecordsMatch ?? 1e-4)
      : (settings.probabilityTwoRandomRecordsMatch ?? 1e-4);
  return Math.log2(lambda / (1 - lambda));
}

/** Weight of an exact match on a value with term frequency `tf`, in addition to the level weight. */
export function tfAdjustment(c: Comparison, tf: number | null, tfMinimum: number): number {
  const level = c.levels[tfLevelIndex(c)];
  if (tf === null || !level?.u) return 0;
  return Math.log2(level.u / Math.max(tf, tfMinimum));
}

/** A DOUBLE literal: DuckDB reads 8.047996603122419 as a wide DECIMAL, and DECIMAL sums are slow. */
function num(x: number): string {
  return `${x}::DOUBLE`;
}

function comparisonWeightSql(settings: Settings, c: Comparison, tfMinimum: number): string {
  const cases = c.levels
    .map((level, k) =>
      level.isNull ? "" : `WHEN ${k} THEN ${num(levelWeight(level.m, scoringU(settings, level)))}`,
    )
    .filter((s) => s.length > 0)
    .join(" ");
  let sql = `(CASE ${gammaColumn(c)} ${cases} ELSE 0::DOUBLE END)`;
  const tfLevel = tfLevelIndex(c);
  const u = c.levels[tfLevel]?.u;
  if (tfLevel >= 0 && u) {
    sql += ` + coalesce(CASE WHEN ${gammaColumn(c)} = ${tfLevel} THEN log2(${num(u)} / greatest(${tfColumn(c)}::DOUBLE, ${num(tfMinimum)})) END, 0::DOUBLE)`;
  }
  return sql;
}

export function matchWeightSql(settings: Settings): string {
  const parts = [
    num(priorWeight(settings)),
    ...settings.comparisons.map((c) => comparisonWeightSql(settings, c, settings.tfMinimum)),
  ];
  return parts.join(" + ");
}

/** `__scored`: `__pairs` plus match_weight and match_probability, as a view so the pairs are not copied. */
export async function scorePairs(db: Db, settings: Settings): Promise<void> {
  await db.run("DROP VIEW IF EXISTS __scored");
  await db.run(
    `CREATE VIEW __scored AS
     SELECT *, 1 / (1 + pow(2, -match_weight)) AS match_probability
     FROM (SELECT *, (${matchWeightSql(settings)})::DOUBLE AS match_weight FROM __pairs)`,
  );
}

export const PAIRS_HEADER = "left_id,right_id,match_probability,match_weight";

/** Write PAIRS.csv (pairs at or above the threshold, ordered by left then right record). */
export async function writePairsCsv(
  db: Db,
  path: string,
  threshold: number,
  table = "__scored",
): Promise<number> {
  await db.run(
    `CREATE OR REPLACE TEMP TABLE __above AS SELECT rid_l, rid_r, match_probability, match_weight FROM ${table} WHERE match_probability >= ${threshold}`,
  );
  const query = `SELECT l.__id AS left_id, r.__id AS right_id, s.match_probability, round(s.match_weight, 4) AS match_weight
    FROM __above s JOIN __records l ON l.__rid = s.rid_l JOIN __records r ON r.__rid = s.rid_r
    ORDER BY s.rid_l, s.rid_r`;
  await db.run(`COPY (${query}) TO ${literal(path)} (FORMAT csv, HEADER true)`);
  const written = await db.scalar("SELECT count(*) FROM __above");
  await db.run("DROP TABLE __above");
  return written;
}

/**
 * Keep at most one partner per record (link only): greedy by descending weight, as a table of pairs.
 * Greedy is not optimal assignment, but it is what clerical reviewers expect and runs in one pass.
 */
export async function oneToOne(db: Db, settings: Settings, threshold: number): Promise<void> {
  const cols = await db.columns(
    `SELECT rid_l, rid_r FROM __scored WHERE match_probability >= ${threshold} ORDER BY match_weight DESC, rid_l, rid_r`,
  );
  const left = cols.rid_l as number[];
  const right = cols.rid_r as number[];
  const usedL = new Set<number>();
  const usedR = new Set<number>();
  const keep: string[] = [];
  for (let i = 0; i < left.length; i++) {
    if (usedL.has(left[i]) || usedR.has(right[i])) continue;
    usedL.add(left[i]);
    usedR.add(right[i]);
    keep.push(`(${left[i]},${right[i]})`);
  }
  await db.run("CREATE OR REPLACE TEMP TABLE __keep (rid_l INTEGER, rid_r INTEGER)");
  for (let i = 0; i < keep.length; i += 50_000) {
    await db.run(`INSERT INTO __keep VALUES ${keep.slice(i, i + 50_000).join(",")}`);
  }
  await db.run(
    `CREATE OR REPLACE TABLE __kept_pairs AS SELECT p.* FROM __pairs p JOIN __scored s ON s.rid_l = p.rid_l AND s.rid_r = p.rid_r
     LEFT JOIN __keep k ON k.rid_l = p.rid_l AND k.rid_r = p.rid_r
     WHERE k.rid_l IS NOT NULL OR s.match_probability < ${threshold}`,
  );
  await db.run("DROP TABLE __keep");
  await db.run("DROP VIEW __scored");
  await db.run("DROP TABLE __pairs");
  await db.run("ALTER TABLE __kept_pairs RENAME TO __pairs");
  await scorePairs(db, settings);
}
