import { rm } from "node:fs/promises";
import type { CheckReport } from "./checker.ts";
import { type Conn, csvSource, num, queryRows } from "./duck.ts";
import { rulesFor, screenColumns } from "./screen-columns.ts";
import { ROW_IDS_METADATA } from "./table-file.ts";
import {
  checksFor,
  duckType,
  headerKey,
  ident,
  inferSchema,
  literal,
  type SchemaField,
  type TableSchema,
  typedSql,
  valueSql,
} from "./table-schema.ts";

/** The message of the error() that stops the one-pass copy at the first cell that needs a closer look. */
const STOP = "steward: stop the one-pass check";

export interface PresentField {
  field: SchemaField;
  column: string;
}

/**
 * How the table's Parquet file is written: zstd at level 1 is as small as the default level and twice as
 * fast; rows are numbered when read (table-file.ts).
 */
export const PARQUET_OPTIONS = `FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 122880, ${ROW_IDS_METADATA}`;

/**
 * The typed, queryable rows of a CSV: every column of the file in order, named by its schema field and
 * typed by it (text for columns the schema does not list). `check` adds the schema's checks: the copy
 * stops at the first cell that fails one.
 */
export function typedSelect(
  from: string,
  columns: string[],
  present: PresentField[],
  schema: TableSchema,
  options: { check: boolean },
): string {
  const fieldFor = new Map(present.map((p) => [p.column, p.field]));
  // Three layers so that each value is trimmed once and parsed once: text values, typed values, output.
  const values: string[] = [];
  const typed: string[] = ["*"];
  const output: string[] = [];
  for (const [i, c] of columns.entries()) {
    const f = fieldFor.get(c);
    const name = ident(f?.name ?? c);
    values.push(`${f ? valueSql(c, schema.missingValues) : valueSql(c)} AS v${i}`);
    if (!f || f.type === "string") {
      typed.push(`v${i} AS t${i}`);
    } else {
      typed.push(`CAST(${typedSql({ ...f, name: c }, `v${i}`)} AS ${duckType(f)}) AS t${i}`);
    }
    const stops = !f
      ? []
      : !options.check
        ? []
        : checksFor({ ...f, name: c }, schema.missingValues, {
            value: `v${i}`,
            typed: `t${i}`,
          }).map((check) => check.failSql);
    // A typed column is screened only for dates of birth and NHS numbers: a candidate sends the file the
    // thorough way, which lists the findings with the text as written. (A valid date, year or yes/no can
    // never look like an NHS number, and an invalid one stops the copy anyway.)
    if (f && options.check && f.type !== "string")
      for (const rule of rulesFor(c, true)) {
        if (rule.id === "nhs-number" && f.type !== "number" && f.type !== "integer") continue;
        // Ten digits, perhaps in groups: 10 to 12 bytes (a cheap test before the regular expression).
        const length = rule.id === "nhs-number" ? `strlen(v${i}) BETWEEN 10 AND 12 AND ` : "";
        stops.push(
          rule.pre ? `${length}regexp_matches(v${i}, ${literal(rule.pre)})` : `v${i} IS NOT NULL`,
        );
      }
    output.push(
      stops.length
        ? `CASE WHEN ${stops.map((s) => `(${s})`).join(" OR ")} THEN error(${literal(STOP)}) ELSE t${i} END AS ${name}`
        : `t${i} AS ${name}`,
    );
  }
  return `SELECT ${output.join(", ")} FROM (SELECT ${typed.join(", ")} FROM (SELECT ${values.join(", ")} FROM ${from}))`;
}

/**
 * The quick way through a check, for a file that turns out valid: one pass over the CSV parses each value
 * once, checks it against the schema and writes the typed Parquet file. Uniqueness and the personal-data
 * screen of text columns then read the Parquet file's columns. Undefined, with no Parquet file left, as
 * soon as anything needs a closer look (a failed check, a repeated value, a personal-data candidate in a
 * typed column, a missing column, an unreadable file): the thorough check then finds and describes every
 * problem exactly as before.
 */
export async function checkInOnePass(
  conn: Conn,
  options: { csvPath: string; schema?: TableSchema; parquetPath: string },
  report: CheckReport,
  progress: (percent: number, message: string) => Promise<void>,
): Promise<CheckReport | undefined> {
  const source = csvSource(options.csvPath);
  const target = options.parquetPath;
  const clear = () => rm(target, { force: true });
  try {
    const columns = (await queryRows(conn, `DESCRIBE SELECT * FROM ${source}`)).map((r) =>
      String(r.column_name),
    );
    if (columns.length === 0 || columns.some((c) => /^column\d+$/.test(c))) return undefined;
    const schema =
      options.schema ?? (await inferSchema((sql) => queryRows(conn, sql), source, columns));
    if (schema.missingValues?.some((m) => m !== "")) return undefined;
    const present: PresentField[] = [];
    const byKey = new Map(columns.map((c) => [headerKey(c), c]));
    for (const field of schema.fields) {
      const column = byKey.get(headerKey(field.name));
      if (!column) return undefined;
      present.push({ field, column });
    }
    const known = new Set(present.map((p) => p.column));
    await progress(30, "Checking values and making the data queryable");
    // The file keeps the CSV's order: rows are numbered by their place in it when read (table-file.ts).
    await conn.run("SET preserve_insertion_order = true");
    await conn.run(
      `COPY (${typedSelect(source, columns, present, schema, { check: true })}) TO ${literal(target)} (${PARQUET_OPTIONS})`,
    );
    const written = `read_parquet(${literal(target)})`;
    const [{ rows }] = await queryRows(
      conn,
      `SELECT coalesce(sum(num_rows), 0) AS rows FROM parquet_file_metadata(${literal(target)})`,
    );
    if (num(rows) === 0) throw new Error(STOP);
    await progress(55, "Checking unique values");
    const nameOf = new Map(present.map((p) => [p.column, p.field.name]));
    for (const { field } of present) {
      if (!field.constraints?.unique) continue;
      // Equal text is an equal typed value, so a typed column with no repeats has no repeated text either.
      // Distinct hashes are counted (half the work of distinct strings): two values sharing a 64-bit hash
      // only send the file the thorough way, which compares the values themselves. (hash(NULL) is a value:
      // empty cells are left out.)
      const [dupes] = await queryRows(
        conn,
        `SELECT count(${ident(field.name)}) - count(DISTINCT hash(${ident(field.name)})) FILTER (WHERE ${ident(field.name)} IS NOT NULL) AS n FROM ${written}`,
      );
      if (num(dupes.n) > 0) throw new Error(STOP);
    }
    await progress(65, "Screening for personal data");
    const unique = new Set(present.filter((p) => p.field.constraints?.unique).map((p) => p.column));
    const findings = await screenColumns(
      conn,
      {
        from: `read_parquet(${literal(target)}, file_row_number = true)`,
        line: "file_row_number + 2",
        value: (column) => ident(nameOf.get(column) ?? column),
        distinctFirst: (column) => !unique.has(column),
      },
      columns,
      present,
      new Set(present.filter((p) => p.field.type !== "string").map((p) => p.column)),
    );
    report.findings = findings;
    report.schema = schema;
    report.rows = num(rows);
    report.rowsPassing = report.rows;
    report.extraColumns = columns.filter((c) => !known.has(c));
    report.valid = true;
    return report;
  } catch {
    // The STOP error, or one the thorough check turns into a plain message (encoding, ragged rows...).
    await clear();
    return undefined;
  }
}
