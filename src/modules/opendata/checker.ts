import { randomUUID } from "node:crypto";
import { open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Conn, loadCsv, num, openDuck, queryRows } from "./duck.ts";
import { mask, rulesForColumn } from "./screen.ts";
import { screenColumns } from "./screen-columns.ts";
import {
  checksFor,
  headerKey,
  ident,
  inferSchema,
  literal,
  type SchemaField,
  type TableSchema,
  valueSql,
} from "./table-schema.ts";
import { checkInOnePass, PARQUET_OPTIONS, typedSelect } from "./typed-copy.ts";

export { type Conn, openDuck, queryRows } from "./duck.ts";

/** One problem in one cell: the row in the file (the header is row 1; a quoted cell over several lines is in one row), the column and what is wrong. */
export interface Problem {
  row: number;
  column: string;
  code: string;
  message: string;
  value: string;
}

export interface Finding {
  rule: string;
  label: string;
  advice: string;
  column?: string;
  /** Rows (or values, for text files) that matched. */
  count: number;
  examples: { row?: number; value: string }[];
}

export interface CheckReport {
  kind: "tabular" | "document";
  rows: number;
  rowsPassing: number;
  schema?: TableSchema;
  schemaInferred: boolean;
  missingColumns: string[];
  extraColumns: string[];
  errorCounts: { column: string; code: string; message: string; count: number }[];
  errorTotal: number;
  errors: Problem[];
  findings: Finding[];
  /** Could not be read at all: the reason, in plain words. */
  unreadable?: string;
  valid: boolean;
  summary: string;
  seconds: number;
  /** What differs from the resource's previous version, in plain words (rows, columns), if it was a table. */
  changes?: string;
}

export interface CheckOptions {
  csvPath: string;
  schema?: TableSchema;
  /** Write the typed, queryable Parquet file here when the file is valid. */
  parquetPath?: string;
  tempDir?: string;
  threads?: number;
  memoryLimit?: string;
  progress?: (percent: number, message: string) => Promise<void> | void;
  /** Problems listed in full per check (all are counted). */
  sampleLimit?: number;
}

function describe(r: CheckReport): string {
  if (r.unreadable) return `The file could not be read: ${r.unreadable}`;
  const parts = [
    `${r.rowsPassing.toLocaleString("en-GB")} of ${r.rows.toLocaleString("en-GB")} rows pass every check`,
  ];
  if (r.missingColumns.length) parts.push(`missing columns: ${r.missingColumns.join(", ")}`);
  if (r.errorTotal) parts.push(`${r.errorTotal.toLocaleString("en-GB")} problems in cells`);
  if (r.findings.length)
    parts.push(
      `${r.findings.length} possible personal-data finding${r.findings.length === 1 ? "" : "s"} to review`,
    );
  else parts.push("no personal data found");
  return `${parts.join("; ")}.`;
}

/**
 * Validates a CSV against its Table Schema (or an inferred one), screens every text column for personal
 * data, and, when valid, writes a typed Parquet file that the datastore queries. A valid file takes one
 * pass over the CSV (typed-copy.ts); a file with anything to report is then checked thoroughly here: load,
 * one aggregate for every check, samples of each problem, and the screen on distinct values.
 */
export async function checkTable(options: CheckOptions): Promise<CheckReport> {
  const started = performance.now();
  const report: CheckReport = {
    kind: "tabular",
    rows: 0,
    rowsPassing: 0,
    schemaInferred: !options.schema,
    missingColumns: [],
    extraColumns: [],
    errorCounts: [],
    errorTotal: 0,
    errors: [],
    findings: [],
    valid: false,
    summary: "",
    seconds: 0,
  };
  const progress = async (p: number, m: string) => options.progress?.(p, m);
  const instance = await openDuck(options);
  const conn = await instance.connect();
  try {
    await progress(5, "Reading the file");
    // Without a place for the Parquet file, the one pass still needs one: uniqueness and the screen read it.
    const parquetPath =
      options.parquetPath ?? join(options.tempDir ?? tmpdir(), `check-${randomUUID()}.parquet`);
    const quick = await checkInOnePass(
      conn,
      { csvPath: options.csvPath, schema: options.schema, parquetPath },
      report,
      progress,
    );
    if (!options.parquetPath) await rm(parquetPath, { force: true });
    if (quick) {
      quick.summary = describe(quick);
      return quick;
    }
    return await checkThoroughly(conn, options, report, progress);
  } finally {
    report.seconds = Math.round((performance.now() - started) / 10) / 100;
    conn.closeSync();
    instance.closeSync();
  }
}

/** Every check's failures counted by column, with samples (line and text as written); Parquet when valid. */
async function checkThoroughly(
  conn: Conn,
  options: CheckOptions,
  report: CheckReport,
  progress: (percent: number, message: string) => Promise<void>,
): Promise<CheckReport> {
  const limit = options.sampleLimit ?? 20;
  try {
    await loadCsv(conn, options.csvPath, "raw");
  } catch (err) {
    report.unreadable = readableCsvError(err);
    report.summary = describe(report);
    return report;
  }
  const columns = (await queryRows(conn, "DESCRIBE raw")).map((r) => String(r.column_name));
  if (columns.length === 0 || columns.every((c) => /^column\d+$/.test(c) && columns.length === 1)) {
    report.unreadable = "it has no header row of column names.";
    report.summary = describe(report);
    return report;
  }
  const headerCells = await headerWidth(options.csvPath);
  if (
    headerCells > 0 &&
    columns.length > headerCells &&
    columns.slice(headerCells).every((c) => /^column\d+$/.test(c))
  ) {
    report.unreadable = `some rows have more columns (${columns.length}) than the header (${headerCells}). Check for unquoted commas.`;
    report.summary = describe(report);
    return report;
  }
  await progress(30, "Checking values against the schema");
  const schema =
    options.schema ?? (await inferSchema((sql) => queryRows(conn, sql), "raw", columns));
  report.schema = schema;
  const byKey = new Map(columns.map((c) => [headerKey(c), c]));
  const present: { field: SchemaField; column: string }[] = [];
  for (const field of schema.fields) {
    const column = byKey.get(headerKey(field.name));
    if (column) present.push({ field, column });
    else report.missingColumns.push(field.name);
  }
  const known = new Set(present.map((p) => p.column));
  report.extraColumns = columns.filter((c) => !known.has(c));

  // One aggregate over the table: every check's failure count and the rows that pass them all.
  const checks = present.flatMap(({ field, column }) =>
    checksFor({ ...field, name: column }, schema.missingValues).map((check) => ({
      ...check,
      field,
      column,
    })),
  );
  const aggregates = [
    "count(*) AS total",
    checks.length
      ? `count_if(NOT (${checks.map((c) => c.failSql).join(" OR ")})) AS passing`
      : "count(*) AS passing",
    ...checks.map((c, i) => `count_if(${c.failSql}) AS c${i}`),
  ];
  const [stats] = await queryRows(conn, `SELECT ${aggregates.join(", ")} FROM raw`);
  report.rows = num(stats.total);
  report.rowsPassing = num(stats.passing);
  for (const [i, c] of checks.entries()) {
    const count = num(stats[`c${i}`]);
    if (!count) continue;
    report.errorCounts.push({ column: c.column, code: c.code, message: c.message, count });
    report.errorTotal += count;
    const sample = await queryRows(
      conn,
      `SELECT rowid + 2 AS line, ${ident(c.column)} AS value FROM raw WHERE ${c.failSql} ORDER BY rowid LIMIT ${limit}`,
    );
    for (const s of sample)
      report.errors.push({
        row: num(s.line),
        column: c.column,
        code: c.code,
        message: `${c.column} ${c.message}`,
        value: String(s.value ?? ""),
      });
  }
  // Unique columns with repeats: the second and later rows holding a value fail.
  const repeated: string[] = [];
  for (const { field, column } of present) {
    if (!field.constraints?.unique) continue;
    const v = valueSql(column, schema.missingValues);
    const dupes = await queryRows(
      conn,
      `SELECT ${v} AS value, list(rowid + 2 ORDER BY rowid)[2] AS line, count(*) AS n FROM raw WHERE ${v} IS NOT NULL GROUP BY ALL HAVING count(*) > 1 ORDER BY line LIMIT ${limit}`,
    );
    if (!dupes.length) continue;
    const [dupStats] = await queryRows(
      conn,
      `SELECT count(${v}) - count(DISTINCT ${v}) AS n FROM raw`,
    );
    const count = num(dupStats.n);
    report.errorCounts.push({
      column,
      code: "unique",
      message: "repeats a value that must be unique",
      count,
    });
    report.errorTotal += count;
    repeated.push(v);
    for (const d of dupes)
      report.errors.push({
        row: num(d.line),
        column,
        code: "unique",
        message: `${column} repeats a value that must be unique`,
        value: String(d.value ?? ""),
      });
  }

  if (repeated.length) {
    // Rows that pass every check and repeat no earlier row's unique value: a row failing both counts once.
    const firsts = repeated.map(
      (v, i) =>
        `(${v} IS NULL OR row_number() OVER (PARTITION BY ${v} ORDER BY rowid) = 1) AS f${i}`,
    );
    const passes = checks.length ? `NOT (${checks.map((c) => c.failSql).join(" OR ")})` : "true";
    const [row] = await queryRows(
      conn,
      `SELECT count(*) AS n FROM (SELECT ${passes} AS ok, ${firsts.join(", ")} FROM raw) WHERE ok AND ${repeated.map((_, i) => `f${i}`).join(" AND ")}`,
    );
    report.rowsPassing = num(row.n);
  }

  await progress(55, "Screening for personal data");
  report.findings = await screenColumns(
    conn,
    { from: "raw", line: "rowid + 2", value: (column) => valueSql(column) },
    columns,
    present,
  );

  report.valid = report.missingColumns.length === 0 && report.errorTotal === 0 && report.rows > 0;
  if (report.rows === 0) report.unreadable = "it has a header but no rows of data.";
  if (report.valid && options.parquetPath) {
    await progress(75, "Making the data queryable");
    await conn.run(
      `COPY (${typedSelect("raw", columns, present, schema, { check: false })}) TO ${literal(options.parquetPath)} (${PARQUET_OPTIONS})`,
    );
  }
  report.summary = describe(report);
  return report;
}

/** How many cells the header line has (quoted commas respected). */
async function headerWidth(path: string): Promise<number> {
  const handle = await open(path, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(65536), 0, 65536, 0);
    const text = buffer
      .subarray(0, bytesRead)
      .toString("utf8")
      .replace(/^\uFEFF/, "");
    let cells = 1;
    let quoted = false;
    for (const ch of text) {
      if (ch === '"') quoted = !quoted;
      else if (ch === "," && !quoted) cells++;
      else if ((ch === "\n" || ch === "\r") && !quoted) return cells;
    }
    return bytesRead < 65536 ? cells : 0;
  } finally {
    await handle.close();
  }
}

function readableCsvError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/unicode|utf/i.test(message))
    return "it is not in a text encoding we recognise. Save it as CSV UTF-8.";
  if (/Expected Number of Columns|too many columns|columns/i.test(message)) {
    const line = /Line: (\d+)/i.exec(message)?.[1];
    return `a row has more columns than the header${line ? ` (line ${line})` : ""}. Check for unquoted commas.`;
  }
  if (/No such file|not exist/i.test(message)) return "the file is missing.";
  return "it is not a well-formed CSV file. Check it opens in a spreadsheet and save it as CSV.";
}

/** Screens a text document (JSON, GeoJSON, a CSV rendering of a sheet) line by line with the JavaScript twins of the rules. */
export function screenText(text: string, rules = rulesForColumn("")): Finding[] {
  const found = new Map<string, Finding>();
  const lines = text.split(/\r?\n/);
  for (const [n, line] of lines.entries()) {
    // JSON strings one by one, so "name": "…" pairs are judged like a column.
    // Numbers too: an NHS number is often written unquoted.
    const pairs = [
      ...line.matchAll(/"([^"\\]{1,60})"\s*:\s*(?:"((?:[^"\\]|\\.){1,400})"|(\d{6,20})\b)/g),
    ];
    const candidates = pairs.length
      ? pairs.map((p) => ({ key: p[1], value: p[2] ?? p[3] }))
      : [{ key: "", value: line }];
    for (const { key, value } of candidates) {
      for (const rule of rulesForColumn(key)) {
        if (!rules.includes(rule) && !rule.requiresHint) continue;
        // A postcode alone is not personal; ten digits are an NHS number only under a key that says so.
        if (rule.id === "postcode") continue;
        if (rule.id === "nhs-number" && !rule.columnHint?.test(key)) continue;
        if (!rule.test(value)) continue;
        const f = found.get(rule.id) ?? {
          rule: rule.id,
          label: rule.label,
          advice: rule.advice,
          count: 0,
          examples: [],
        };
        f.count++;
        if (f.examples.length < 5) f.examples.push({ row: n + 1, value: mask(value) });
        found.set(rule.id, f);
      }
    }
  }
  return [...found.values()];
}
