/** Accuracy of PAIRS.csv against the truth: a cluster column, an id pattern, or labelled pairs. */
import { Db, type DbOptions, ident, literal } from "./db.ts";
import { MatchInputError } from "./errors.ts";
import { checkReadable, loadTable, requireColumns } from "./io.ts";

export interface TruthFile {
  path: string;
  idColumn: string;
  /** Column holding the true entity; or derive it from the id with `idPattern`. */
  clusterColumn?: string;
  /** Regular expression whose first group is the entity, e.g. `^(rec-\d+)` for FEBRL ids. */
  idPattern?: string;
}

export interface LabelledPairs {
  path: string;
  leftColumn: string;
  rightColumn: string;
  /** 1/0, true/false or a score (≥ 0.5 means match). Without it every row is a match. */
  labelColumn?: string;
}

export interface EvaluateOptions {
  pairsPath: string;
  /** One file: deduplication truth. Two files: link truth (left ids from the first, right from the second). */
  truthFiles?: TruthFile[];
  labels?: LabelledPairs;
  threshold?: number;
  db?: DbOptions;
}

export interface CurvePoint {
  threshold: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Evaluation extends CurvePoint {
  truePairs: number;
  predictedPairs: number;
  curve: CurvePoint[];
  best: CurvePoint;
}

const CURVE_THRESHOLDS = [
  0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 0.9999,
];

function point(threshold: number, tp: number, fp: number, fn: number): CurvePoint {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 1;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 1;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return {
    threshold,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision,
    recall,
    f1,
  };
}

async function loadTruth(db: Db, files: TruthFile[]): Promise<number> {
  const parts: string[] = [];
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    const table = `__truth_${i}`;
    const cols = await loadTable(db, f.path, table);
    requireColumns(cols, [f.idColumn, ...(f.clusterColumn ? [f.clusterColumn] : [])], f.path);
    if (!f.clusterColumn && !f.idPattern)
      throw new MatchInputError("Truth needs --cluster COLUMN or --id-pattern REGEX.");
    const cluster = f.clusterColumn
      ? ident(f.clusterColumn)
      : `nullif(regexp_extract(${ident(f.idColumn)}, ${literal(f.idPattern as string)}, 1), '')`;
    parts.push(
      `SELECT ${i} AS src, ${ident(f.idColumn)} AS id, ${cluster} AS cluster FROM ${table}`,
    );
  }
  await db.run(`CREATE TABLE __truth AS ${parts.join(" UNION ALL ")}`);
  const link = files.length > 1;
  return db.scalar(
    link
      ? `SELECT sum((c * c - ss) / 2) FROM (SELECT cluster, sum(cs) AS c, sum(cs * cs) AS ss FROM (SELECT cluster, src, count(*)::DOUBLE AS cs FROM __truth WHERE cluster IS NOT NULL GROUP BY ALL) GROUP BY cluster)`
      : "SELECT sum(c * (c - 1) / 2) FROM (SELECT count(*)::DOUBLE AS c FROM __truth WHERE cluster IS NOT NULL GROUP BY cluster)",
  );
}

export async function evaluatePairs(options: EvaluateOptions): Promise<Evaluation> {
  const threshold = options.threshold ?? 0.5;
  checkReadable(options.pairsPath);
  const db = await Db.open(options.db);
  try {
    const pairCols = await loadTable(db, options.pairsPath, "__pred");
    requireColumns(pairCols, ["left_id", "right_id", "match_probability"], options.pairsPath);
    let labelled: string;
    let truePairs: number;
    if (options.labels) {
      const l = options.labels;
      const cols = await loadTable(db, l.path, "__labels");
      requireColumns(
        cols,
        [l.leftColumn, l.rightColumn, ...(l.labelColumn ? [l.labelColumn] : [])],
        l.path,
      );
      const label = l.labelColumn
        ? `(CASE lower(${ident(l.labelColumn)}) WHEN 'true' THEN 1 WHEN 'false' THEN 0 ELSE TRY_CAST(${ident(l.labelColumn)} AS DOUBLE) END) >= 0.5`
        : "true";
      await db.run(
        `CREATE TABLE __lab AS SELECT least(${ident(l.leftColumn)}, ${ident(l.rightColumn)}) AS a, greatest(${ident(l.leftColumn)}, ${ident(l.rightColumn)}) AS b, bool_or(${label}) AS is_match FROM __labels GROUP BY ALL`,
      );
      truePairs = await db.scalar("SELECT count(*) FROM __lab WHERE is_match");
      // Only labelled pairs count: unlabelled predictions are neither right nor wrong.
      labelled = `SELECT coalesce(TRY_CAST(p.match_probability AS DOUBLE), 0) AS p, lab.is_match AS is_match
        FROM __lab lab LEFT JOIN __pred p ON least(p.left_id, p.right_id) = lab.a AND greatest(p.left_id, p.right_id) = lab.b`;
    } else if (options.truthFiles && options.truthFiles.length > 0) {
      truePairs = await loadTruth(db, options.truthFiles);
      const rightSrc = options.truthFiles.length > 1 ? 1 : 0;
      labelled = `SELECT TRY_CAST(p.match_probability AS DOUBLE) AS p, coalesce(tl.cluster = tr.cluster, false) AS is_match
        FROM __pred p LEFT JOIN (SELECT * FROM __truth WHERE src = 0) tl ON tl.id = p.left_id
        LEFT JOIN (SELECT * FROM __truth WHERE src = ${rightSrc}) tr ON tr.id = p.right_id`;
    } else {
      throw new MatchInputError(
        "Give the truth: --truth FILE with --cluster or --id-pattern, or --labels FILE.",
      );
    }
    await db.run(`CREATE TABLE __scored_truth AS ${labelled}`);
    // Below the lowest probability in the file the curve would only repeat itself.
    const lowest = await db.scalar(
      "SELECT coalesce(min(TRY_CAST(match_probability AS DOUBLE)), 0) FROM __pred",
    );
    const thresholds = [
      ...new Set([...CURVE_THRESHOLDS.filter((t) => t >= lowest), threshold]),
    ].sort((a, b) => a - b);
    const curve: CurvePoint[] = [];
    for (const t of thresholds) {
      const row = await db.one<{ tp: number; fp: number }>(
        `SELECT count(*) FILTER (WHERE is_match AND p >= ${t}) AS tp, count(*) FILTER (WHERE NOT is_match AND p >= ${t}) AS fp FROM __scored_truth`,
      );
      curve.push(point(t, row.tp, row.fp, truePairs - row.tp));
    }
    const predictedPairs = await db.scalar(
      `SELECT count(*) FROM __pred WHERE TRY_CAST(match_probability AS DOUBLE) >= ${threshold}`,
    );
    const at = curve.find((c) => c.threshold === threshold) as CurvePoint;
    const best = curve.reduce((a, b) => (b.f1 > a.f1 ? b : a));
    return { ...at, truePairs, predictedPairs, curve, best };
  } finally {
    db.close();
  }
}

export function formatEvaluation(e: Evaluation): string {
  const pct = (x: number) => x.toFixed(4);
  const lines = [
    `threshold ${e.threshold}: precision ${pct(e.precision)}, recall ${pct(e.recall)}, F1 ${pct(e.f1)}`,
    `true pairs ${e.truePairs}, predicted ${e.predictedPairs}, true positives ${e.truePositives}, false positives ${e.falsePositives}, false negatives ${e.falseNegatives}`,
    `best F1 ${pct(e.best.f1)} at threshold ${e.best.threshold}`,
    "",
    "threshold  precision  recall     F1         TP         FP         FN",
  ];
  for (const c of e.curve) {
    lines.push(
      [
        String(c.threshold).padEnd(10),
        pct(c.precision).padEnd(10),
        pct(c.recall).padEnd(10),
        pct(c.f1).padEnd(10),
        String(c.truePositives).padEnd(10),
        String(c.falsePositives).padEnd(10),
        String(c.falseNegatives),
      ].join(" "),
    );
  }
  return lines.join("\n");
}
