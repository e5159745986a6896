/**
 * SQL for comparison levels (gamma) and term frequencies of a pair.
 * Similarity functions used by several levels of a comparison are computed once per pair
 * in an inner query (DuckDB would otherwise evaluate jaro_winkler once per level).
 */
import { gammaSql } from "./comparisons.ts";
import type { Comparison, Settings } from "./settings.ts";

export const gammaColumn = (c: Comparison): string => `"g_${c.name}"`;
export const tfColumn = (c: Comparison): string => `"tf_${c.name}"`;

/** The level index that carries a term-frequency adjustment, if any. */
export function tfLevelIndex(c: Comparison): number {
  return c.levels.findIndex((l) => l.tfFeature !== undefined);
}

const SHAREABLE =
  /\b(jaro_winkler_similarity|jaro_similarity|levenshtein|token_jaccard|days_apart)\(\s*[lr]\.[^()]*\)/g;
const SIDE_COLUMN = /\b([lr])\.(?:"([^"]+)"|([A-Za-z_][A-Za-z0-9_]*))/g;

function comparisonExpressions(settings: Settings): { gamma: string; tf?: string }[] {
  return settings.comparisons.map((c) => {
    const tfLevel = tfLevelIndex(c);
    const feature = tfLevel >= 0 ? c.levels[tfLevel].tfFeature : undefined;
    return {
      gamma: gammaSql(c),
      tf: feature ? `CASE WHEN ${c.levels[tfLevel].sql} THEN l."__tf_${feature}" END` : undefined,
    };
  });
}

/**
 * A query with rid_l, rid_r, g_* (levels) and tf_* (term frequencies)
 * for the pairs `from` (which must alias the two records as l and r) yields.
 */
/** Similarity only for pairs that differ: equal or missing values are settled by earlier levels. */
function guarded(expr: string): string {
  const args = /\(\s*([lr]\.(?:"[^"]+"|\w+))\s*,\s*([lr]\.(?:"[^"]+"|\w+))\s*\)$/.exec(expr);
  return args ? `CASE WHEN ${args[1]} <> ${args[2]} THEN ${expr} END` : expr;
}

export function pairsQuery(settings: Settings, from: string, where = "true"): string {
  const exprs = comparisonExpressions(settings);
  const counts = new Map<string, number>();
  for (const e of exprs)
    for (const m of e.gamma.matchAll(SHAREABLE)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  const hoisted = [...counts].filter(([, n]) => n > 1).map(([expr]) => expr);
  const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const hoist = (sql: string) =>
    hoisted.reduce(
      (s, expr, i) => s.replace(new RegExp(`(?<![A-Za-z_])${escapeRegExp(expr)}`, "g"), `__e${i}`),
      sql,
    );
  const columns = new Set<string>();
  const rename = (sql: string) =>
    sql.replace(SIDE_COLUMN, (_all, side: string, quoted?: string, bare?: string) => {
      const name = `${side}__${quoted ?? bare}`;
      columns.add(`${side}."${quoted ?? bare}" AS "${name}"`);
      return `"${name}"`;
    });
  const outer: string[] = [];
  settings.comparisons.forEach((c, i) => {
    outer.push(`${rename(hoist(exprs[i].gamma))} AS ${gammaColumn(c)}`);
    if (exprs[i].tf) outer.push(`(${rename(exprs[i].tf as string)})::FLOAT AS ${tfColumn(c)}`);
  });
  const inner = [
    "l.__rid AS rid_l",
    "r.__rid AS rid_r",
    ...columns,
    ...hoisted.map((expr, i) => `${guarded(expr)} AS __e${i}`),
  ];
  return `SELECT rid_l, rid_r, ${outer.join(", ")} FROM (SELECT ${inner.join(", ")} FROM ${from} WHERE ${where})`;
}
