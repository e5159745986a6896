import { accessSync, constants, existsSync, statSync } from "node:fs";
import { type Db, ident, literal } from "./db.ts";
import { MatchInputError } from "./errors.ts";

export interface InputSpec {
  /** Path to a CSV or Parquet file. */
  path: string;
  /** Name used in messages and outputs; defaults to the file name. */
  name?: string;
}

export function isParquet(path: string): boolean {
  return /\.parquet$/i.test(path);
}

function sourceSql(path: string): string {
  return isParquet(path)
    ? `read_parquet(${literal(path)})`
    : `read_csv(${literal(path)}, all_varchar = true, header = true, sample_size = -1)`;
}

export function checkReadable(path: string): void {
  if (!existsSync(path)) throw new MatchInputError(`File not found: ${path}`);
  if (statSync(path).isDirectory()) throw new MatchInputError(`Not a file: ${path}`);
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new MatchInputError(`Cannot read file: ${path}`);
  }
}

/**
 * Load a CSV or Parquet file into table `table` with every column as trimmed VARCHAR
 * (empty strings become NULL) and column names trimmed. Returns the column names.
 */
export async function loadTable(db: Db, path: string, table: string): Promise<string[]> {
  checkReadable(path);
  let described: { column_name: string }[];
  try {
    described = await db.rows<{ column_name: string }>(`DESCRIBE SELECT * FROM ${sourceSql(path)}`);
  } catch (error) {
    throw new MatchInputError(
      `Cannot read ${path} as ${isParquet(path) ? "Parquet" : "CSV"}: ${firstLine(error)}`,
    );
  }
  const names = described.map((d) => d.column_name.trim());
  if (names.length === 0) throw new MatchInputError(`No columns in ${path}`);
  const select = described
    .map(
      (d, i) => `nullif(trim(CAST(${ident(d.column_name)} AS VARCHAR)), '') AS ${ident(names[i])}`,
    )
    .join(", ");
  try {
    await db.run(
      `CREATE OR REPLACE TABLE ${ident(table)} AS SELECT ${select} FROM ${sourceSql(path)}`,
    );
  } catch (error) {
    throw new MatchInputError(`Cannot read ${path}: ${firstLine(error)}`);
  }
  return names;
}

export async function checkIdColumn(
  db: Db,
  table: string,
  column: string,
  label: string,
  columns: string[],
): Promise<void> {
  requireColumns(columns, [column], label);
  const row = await db.one<{ n: number; distinct_ids: number; nulls: number }>(
    `SELECT count(*) AS n, count(DISTINCT ${ident(column)}) AS distinct_ids, count(*) - count(${ident(column)}) AS nulls FROM ${ident(table)}`,
  );
  if (row.nulls > 0)
    throw new MatchInputError(`Id column '${column}' in ${label} has ${row.nulls} empty values.`);
  if (row.distinct_ids !== row.n) {
    const dup = await db.one<{ id: string }>(
      `SELECT ${ident(column)} AS id FROM ${ident(table)} GROUP BY 1 HAVING count(*) > 1 LIMIT 1`,
    );
    throw new MatchInputError(
      `Id column '${column}' in ${label} is not unique: ${row.n - row.distinct_ids} duplicate values (e.g. '${dup.id}').`,
    );
  }
}

export function requireColumns(available: string[], wanted: string[], label: string): void {
  const missing = wanted.filter((c) => !available.includes(c));
  if (missing.length > 0) {
    throw new MatchInputError(
      `Missing column${missing.length > 1 ? "s" : ""} ${missing.map((m) => `'${m}'`).join(", ")} in ${label}. Columns are: ${available.join(", ")}`,
    );
  }
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}
