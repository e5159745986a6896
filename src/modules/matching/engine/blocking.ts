/** Blocking: which pairs get compared. Each rule is an equi-join on a hashed key; later rules skip pairs earlier rules found. */

import type { Db } from "./db.ts";
import { pairsQuery } from "./gammas.ts";
import { blockingKeySql } from "./prepare.ts";
import { type BlockingRule, describeRule, type LinkType, type Settings } from "./settings.ts";

/** Extra join condition so each unordered pair appears once and only allowed pairs are made. */
export function pairFilter(linkType: LinkType): string {
  return linkType === "link" ? "l.__src < r.__src" : "l.__rid < r.__rid";
}

/** Number of pairs the whole comparison space holds. */
export function totalComparisons(linkType: LinkType, counts: number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  if (linkType !== "link") return (n * (n - 1)) / 2;
  const sumSquares = counts.reduce((a, c) => a + c * c, 0);
  return (n * n - sumSquares) / 2;
}

/**
 * Pairs a rule would generate on its own, counted from key frequencies without making them.
 * `sample` (0–1] estimates the count from a random share of records (scaled by 1/sample²).
 */
export async function countRulePairs(
  db: Db,
  rule: BlockingRule,
  linkType: LinkType,
  sample = 1,
): Promise<number> {
  const where =
    sample < 1 ? `WHERE hash(__rid, 17) % 1000000 < ${Math.round(sample * 1_000_000)}` : "";
  const pairsExpr = linkType === "link" ? "sum((c * c - ss) / 2)" : "sum(c * (c - 1) / 2)";
  const sql = `SELECT ${pairsExpr} AS pairs FROM (
      SELECT k, sum(cs)::DOUBLE AS c, sum(cs::DOUBLE * cs) AS ss FROM (
        SELECT ${blockingKeySql(rule)} AS k, __src, count(*) AS cs FROM __records ${where} GROUP BY ALL
      ) WHERE k IS NOT NULL GROUP BY k
    )`;
  const pairs = await db.scalar(sql);
  return pairs / (sample * sample);
}

export interface RuleCount {
  rule: string;
  /** Pairs the rule generates on its own. */
  pairs: number;
  /** Pairs it adds after earlier rules (known once pairs are made). */
  newPairs?: number;
}

/** Build `__keys` (row number, source and one hashed key per rule) in a single pass over the records. */
export async function buildBlockingKeys(db: Db, settings: Settings): Promise<void> {
  const keys = settings.blockingRules
    .map((rule, i) => `${blockingKeySql(rule)} AS __b${i}`)
    .join(", ");
  await db.run(
    `CREATE OR REPLACE TEMP TABLE __keys AS SELECT __rid, __src, ${keys} FROM __records`,
  );
}

/** Comparisons each rule generates on its own, counted from `__keys` before any pair is made. */
export async function countBlockingRules(db: Db, settings: Settings): Promise<RuleCount[]> {
  const pairsExpr = settings.linkType === "link" ? "sum((c * c - ss) / 2)" : "sum(c * (c - 1) / 2)";
  const out: RuleCount[] = [];
  for (const [i, rule] of settings.blockingRules.entries()) {
    const pairs = await db.scalar(
      `SELECT ${pairsExpr} FROM (SELECT k, sum(cs)::DOUBLE AS c, sum(cs::DOUBLE * cs) AS ss FROM (
         SELECT __b${i} AS k, __src, count(*) AS cs FROM __keys WHERE __b${i} IS NOT NULL GROUP BY ALL) GROUP BY k)`,
    );
    out.push({ rule: describeRule(rule), pairs });
  }
  return out;
}

/**
 * Make `__pairs`: one row per compared pair with the level of each comparison (g_*), the
 * term frequencies for exact matches (tf_*) and a bitmask of the rules the pair satisfies.
 * Candidate pairs come from narrow joins on the hashed keys in `__keys` (see buildBlockingKeys); comparing them is a second pass
 * that reads each record by row number, which is far cheaper than carrying every column
 * through the blocking joins.
 */
export async function generatePairs(
  db: Db,
  settings: Settings,
  onRule?: (index: number, newPairs: number) => void,
  extraFilter?: string,
): Promise<number[]> {
  const rules = settings.blockingRules;
  const extra = extraFilter ? ` AND (${extraFilter})` : "";
  const keys = rules.map((rule, i) => `${blockingKeySql(rule)} AS __b${i}`).join(", ");
  await db.run(
    `CREATE OR REPLACE TEMP TABLE __keys AS SELECT __rid, __src, ${keys} FROM __records`,
  );
  await db.run("CREATE OR REPLACE TEMP TABLE __candidates (rid_l INTEGER, rid_r INTEGER)");
  const added: number[] = [];
  for (let i = 0; i < rules.length; i++) {
    const earlier = rules
      .slice(0, i)
      .map((_, j) => ` AND NOT coalesce(l.__b${j} = r.__b${j}, false)`)
      .join("");
    const before = await db.scalar("SELECT count(*) FROM __candidates");
    await db.run(
      `INSERT INTO __candidates SELECT l.__rid, r.__rid FROM __keys l JOIN __keys r ON l.__b${i} = r.__b${i}
       WHERE ${pairFilter(settings.linkType)}${extra}${earlier}`,
    );
    const after = await db.scalar("SELECT count(*) FROM __candidates");
    added.push(after - before);
    onRule?.(i, after - before);
  }
  await db.run("DROP TABLE __keys");
  await db.run(
    `CREATE OR REPLACE TABLE __pairs AS ${pairsQuery(settings, "(SELECT * FROM __candidates ORDER BY rid_l) s JOIN __records l ON l.__rid = s.rid_l JOIN __records r ON r.__rid = s.rid_r")}`,
  );
  await db.run("DROP TABLE __candidates");
  return added;
}
