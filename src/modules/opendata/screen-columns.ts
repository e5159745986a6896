import type { Finding } from "./checker.ts";
import { type Conn, num, queryRows } from "./duck.ts";
import { isNameOfPeopleColumn, mask, rulesForColumn, type ScreenRule } from "./screen.ts";
import { literal, type SchemaField } from "./table-schema.ts";

/** Where the screen reads a table: the text table of a thorough check, or the typed Parquet file. */
export interface ScreenSource {
  /** A FROM clause. */
  from: string;
  /** SQL for a row's line in the file (the header is line 1), also the order rows are listed in. */
  line: string;
  /** SQL for a column's trimmed text, NULL when empty. */
  value(column: string): string;
  /**
   * Group a column's values before the rules' prefilter runs (fast when values repeat, as payees do), or
   * run the prefilter on every cell first (fast for a column of unique references).
   */
  distinctFirst?(column: string): boolean;
}

/** The rules a column is screened with: all of them for text, for typed columns only those that can match. */
export function rulesFor(column: string, typed: boolean): ScreenRule[] {
  return rulesForColumn(column).filter(
    (r) => !typed || r.id === "date-of-birth" || r.id === "nhs-number",
  );
}

/**
 * Screens columns on their distinct values (a spend file has far fewer payees than rows), then counts the
 * rows behind each finding and fetches a few line numbers as examples. Columns in `skip` are known to hold
 * nothing the rules could match (the one-pass check stops on any candidate in a typed column).
 */
export async function screenColumns(
  conn: Conn,
  source: ScreenSource,
  columns: string[],
  present: { field: SchemaField; column: string }[],
  skip: Set<string> = new Set(),
): Promise<Finding[]> {
  const typedColumns = new Set(
    present.filter((p) => p.field.type !== "string").map((p) => p.column),
  );
  const findings: Finding[] = [];
  const personColumns: string[] = [];
  const postcodeColumns: { column: string; count: number; examples: Finding["examples"] }[] = [];
  for (const column of columns) {
    if (skip.has(column)) continue;
    const rules = rulesFor(column, typedColumns.has(column));
    if (!rules.length) continue;
    const v = source.value(column);
    const pre = rules.every((r) => r.pre)
      ? literal(rules.map((r) => `(?:${r.pre})`).join("|"))
      : undefined;
    const candidates = source.distinctFirst?.(column)
      ? `(SELECT * FROM (SELECT ${v} AS v, count(*) AS n FROM ${source.from} WHERE ${v} IS NOT NULL GROUP BY 1)${
          pre ? ` WHERE regexp_matches(v, ${pre})` : ""
        })`
      : `(SELECT ${v} AS v, count(*) AS n FROM ${source.from} WHERE ${v} IS NOT NULL${
          pre ? ` AND regexp_matches(${v}, ${pre})` : ""
        } GROUP BY 1)`;
    const aggs = rules.map((r, i) => `sum(n) FILTER (WHERE ${r.sql("v")}) AS r${i}`);
    const [stats] = await queryRows(conn, `SELECT ${aggs.join(", ")} FROM ${candidates}`);
    const tenDigits = async () =>
      num(
        (
          await queryRows(
            conn,
            `SELECT count(*) AS n FROM ${source.from} WHERE regexp_full_match(${v}, '\\d{3}[\\s-]?\\d{3}[\\s-]?\\d{4}')`,
          )
        )[0].n,
      );
    for (const [i, rule] of rules.entries()) {
      const count = num(stats[`r${i}`]);
      if (!count) continue;
      if (
        rule.id === "nhs-number" &&
        !rule.columnHint?.test(column) &&
        count / Math.max(1, await tenDigits()) < 0.5
      )
        continue;
      const sample = await queryRows(
        conn,
        `SELECT ${source.line} AS line, ${v} AS value FROM ${source.from} WHERE ${rule.sql(v)} ORDER BY line LIMIT 5`,
      );
      const examples = sample.map((s) => ({
        row: num(s.line),
        value: mask(String(s.value ?? "")),
      }));
      if (rule.id === "postcode") {
        postcodeColumns.push({ column, count, examples });
        continue;
      }
      if (rule.id === "person-name" || rule.id === "individual-name") personColumns.push(column);
      findings.push({
        rule: rule.id,
        label: rule.label,
        advice: rule.advice,
        column,
        count,
        examples,
      });
    }
  }
  // Names found by the screen, or a column named for people (surnames, tenants, applicants...).
  const namedPeople = personColumns.length > 0 || columns.some(isNameOfPeopleColumn);
  if (namedPeople) {
    const postcode = rulesForColumn("").find((r) => r.id === "postcode");
    for (const p of postcodeColumns)
      findings.push({
        rule: "postcode",
        label: postcode?.label ?? "Postcodes",
        advice: postcode?.advice ?? "",
        column: p.column,
        count: p.count,
        examples: p.examples,
      });
  }
  return findings;
}
