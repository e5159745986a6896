/**
 * Frictionless Table Schema (https://specs.frictionlessdata.io/table-schema/): the subset councils need,
 * compiled to DuckDB SQL so that a 1 GB file is checked column by column in a few passes, never row by row
 * in JavaScript. Money with or without "£" and thousands separators is a `number` with `bareNumber: false`
 * and `groupChar: ","`; dates in UK formats are a `date` with `format: "any"` (day first, never month first).
 */
export type FieldType = "string" | "number" | "integer" | "date" | "boolean" | "year";

export interface FieldConstraints {
  required?: boolean;
  unique?: boolean;
  pattern?: string;
  minimum?: number | string;
  maximum?: number | string;
  minLength?: number;
  maxLength?: number;
  enum?: string[];
}

export interface SchemaField {
  name: string;
  title?: string;
  description?: string;
  type: FieldType;
  format?: string;
  bareNumber?: boolean;
  groupChar?: string;
  constraints?: FieldConstraints;
}

export interface TableSchema {
  fields: SchemaField[];
  primaryKey?: string | string[];
  missingValues?: string[];
}

export const FIELD_TYPES: FieldType[] = ["string", "number", "integer", "date", "boolean", "year"];

/** Day-first formats tried in order: 31/03/2025, 31-03-2025, 2025-03-31, 31.03.2025, 31 March 2025, 31 Mar 2025, 31/03/25. */
export const UK_DATE_FORMATS = [
  "%d/%m/%Y",
  "%d-%m-%Y",
  "%Y-%m-%d",
  "%d.%m.%Y",
  "%d %B %Y",
  "%d %b %Y",
  "%d/%m/%y",
];

export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** The trimmed value, NULL when empty or one of the schema's missing values. */
export function valueSql(column: string, missing: string[] = [""]): string {
  const others = missing.filter((m) => m !== "");
  const trimmed = `trim(${ident(column)})`;
  const base = `nullif(${trimmed}, '')`;
  return others.length
    ? `CASE WHEN ${trimmed} IN (${others.map(literal).join(", ")}) THEN NULL ELSE ${base} END`
    : base;
}

const MONEY = String.raw`^-?£?-?\d{1,3}(,\d{3})*(\.\d+)?$|^-?£?-?\d+(\.\d+)?$|^\(£?\d{1,3}(,\d{3})*(\.\d+)?\)$|^\(£?\d+(\.\d+)?\)$`;
const BARE = String.raw`^-?\d+(\.\d+)?([eE][-+]?\d+)?$`;

/** SQL giving the typed value of `v` (an expression), NULL when it does not parse. */
export function typedSql(field: SchemaField, v: string): string {
  switch (field.type) {
    case "number": {
      if (field.bareNumber === false || field.groupChar) {
        const cleaned = `replace(replace(replace(replace(${v}, '£', ''), ',', ''), '(', '-'), ')', '')`;
        return `CASE WHEN regexp_matches(${v}, ${literal(MONEY)}) THEN TRY_CAST(${cleaned} AS DOUBLE) END`;
      }
      return `CASE WHEN regexp_matches(${v}, ${literal(BARE)}) THEN TRY_CAST(${v} AS DOUBLE) END`;
    }
    case "integer":
      return field.groupChar
        ? `CASE WHEN regexp_matches(${v}, '^-?\\d{1,3}(,\\d{3})*$|^-?\\d+$') THEN TRY_CAST(replace(${v}, ',', '') AS BIGINT) END`
        : `CASE WHEN regexp_matches(${v}, '^-?\\d+$') THEN TRY_CAST(${v} AS BIGINT) END`;
    case "year":
      return `CASE WHEN regexp_matches(${v}, '^\\d{4}$') THEN TRY_CAST(${v} AS INTEGER) END`;
    case "boolean":
      return `CASE WHEN lower(${v}) IN ('true', 'yes', 'y', '1') THEN true WHEN lower(${v}) IN ('false', 'no', 'n', '0') THEN false END`;
    case "date": {
      const formats =
        field.format && field.format !== "any" && field.format !== "default"
          ? [field.format]
          : field.format === "default"
            ? ["%Y-%m-%d"]
            : UK_DATE_FORMATS;
      return `CAST(try_strptime(${v}, [${formats.map(literal).join(", ")}]) AS DATE)`;
    }
    default:
      return v;
  }
}

export function duckType(field: SchemaField): string {
  return (
    {
      string: "VARCHAR",
      number: "DOUBLE",
      integer: "BIGINT",
      year: "INTEGER",
      boolean: "BOOLEAN",
      date: "DATE",
    } as const
  )[field.type];
}

export interface Check {
  code:
    | "required"
    | "type"
    | "pattern"
    | "minimum"
    | "maximum"
    | "minLength"
    | "maxLength"
    | "enum";
  /** SQL that is true when the row fails this check. */
  failSql: string;
  message: string;
}

function bound(field: SchemaField, value: number | string): string {
  if (field.type === "date") return `DATE ${literal(String(value))}`;
  return String(Number(value));
}

/** Every row-level check for one field, as SQL predicates over the raw text column. */
export function checksFor(field: SchemaField, missing?: string[]): Check[] {
  const v = valueSql(field.name, missing);
  const typed = typedSql(field, v);
  const c = field.constraints ?? {};
  const typeLabel =
    field.type === "date"
      ? "a date (day first, like 31/03/2025 or 2025-03-31)"
      : field.type === "number"
        ? field.bareNumber === false || field.groupChar
          ? "an amount (like 1234.50, £1,234.50 or -£12)"
          : "a number"
        : field.type === "integer"
          ? "a whole number"
          : field.type === "boolean"
            ? "yes or no"
            : field.type === "year"
              ? "a year (like 2025)"
              : "text";
  const checks: Check[] = [];
  if (c.required)
    checks.push({ code: "required", failSql: `${v} IS NULL`, message: "is empty but required" });
  if (field.type !== "string")
    checks.push({
      code: "type",
      failSql: `(${v} IS NOT NULL AND ${typed} IS NULL)`,
      message: `is not ${typeLabel}`,
    });
  if (c.pattern)
    checks.push({
      code: "pattern",
      failSql: `(${v} IS NOT NULL AND NOT regexp_full_match(${v}, ${literal(c.pattern)}))`,
      message: `does not match the pattern ${c.pattern}`,
    });
  if (c.minimum !== undefined && field.type !== "string")
    checks.push({
      code: "minimum",
      failSql: `(${typed} < ${bound(field, c.minimum)})`,
      message: `is less than ${c.minimum}`,
    });
  if (c.maximum !== undefined && field.type !== "string")
    checks.push({
      code: "maximum",
      failSql: `(${typed} > ${bound(field, c.maximum)})`,
      message: `is more than ${c.maximum}`,
    });
  if (c.minLength !== undefined)
    checks.push({
      code: "minLength",
      failSql: `(length(${v}) < ${Number(c.minLength)})`,
      message: `is shorter than ${c.minLength} characters`,
    });
  if (c.maxLength !== undefined)
    checks.push({
      code: "maxLength",
      failSql: `(length(${v}) > ${Number(c.maxLength)})`,
      message: `is longer than ${c.maxLength} characters`,
    });
  if (c.enum?.length)
    checks.push({
      code: "enum",
      failSql: `(${v} IS NOT NULL AND ${v} NOT IN (${c.enum.map(literal).join(", ")}))`,
      message: `is not one of: ${c.enum.join(", ")}`,
    });
  return checks;
}

/** Header names compared loosely: case, spaces, underscores and punctuation ignored. */
export function headerKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** Parses and sanity-checks a schema someone pasted or uploaded. Throws with a readable message. */
export function parseTableSchema(input: unknown): TableSchema {
  const obj = typeof input === "string" ? (JSON.parse(input) as unknown) : input;
  if (!obj || typeof obj !== "object" || !Array.isArray((obj as TableSchema).fields))
    throw new Error("A Table Schema needs a list of fields.");
  const schema = obj as TableSchema;
  for (const f of schema.fields) {
    if (!f || typeof f.name !== "string" || !f.name) throw new Error("Every field needs a name.");
    f.type = (f.type ?? "string") as FieldType;
    if (!FIELD_TYPES.includes(f.type))
      throw new Error(`Field ${f.name} has an unknown type ${f.type}.`);
    if (f.constraints?.pattern) {
      try {
        new RegExp(f.constraints.pattern);
      } catch {
        throw new Error(`Field ${f.name} has a pattern that is not a valid regular expression.`);
      }
    }
  }
  return schema;
}
