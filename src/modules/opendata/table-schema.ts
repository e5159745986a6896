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

/** The characters other than " " that DuckDB's trim() removes (Unicode category Zs). */
const OTHER_SPACES = String.raw`[\x{00A0}\x{1680}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}]`;

/**
 * trim(x), calling trim only when x starts or ends with a space: trim() decodes every character and costs
 * more than reading the CSV, while these tests look at the ends (with a regular expression only for text
 * that is not plain ASCII).
 */
export function trimSql(x: string): string {
  return `CASE WHEN starts_with(${x}, ' ') OR ends_with(${x}, ' ') OR (strlen(${x}) <> length(${x}) AND (regexp_matches(${x}, ${literal(`^${OTHER_SPACES}`)}) OR regexp_matches(${x}, ${literal(`${OTHER_SPACES}$`)}))) THEN trim(${x}) ELSE ${x} END`;
}

/** The trimmed value, NULL when empty or one of the schema's missing values. */
export function valueSql(column: string, missing: string[] = [""]): string {
  const others = missing.filter((m) => m !== "");
  const trimmed = trimSql(ident(column));
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
        // Brackets (a negative amount) can only wrap the whole value, so most values need two replaces, not four.
        const plain = `replace(replace(${v}, '£', ''), ',', '')`;
        const cleaned = `CASE WHEN starts_with(${v}, '(') THEN replace(replace(${plain}, '(', '-'), ')', '') ELSE ${plain} END`;
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

/**
 * Frictionless "infer": the narrowest type every value in the column fits (numbers with leading zeros stay
 * text). `from` is the table or table function holding the text; `query` runs one SQL statement.
 */
export async function inferSchema(
  query: (sql: string) => Promise<Record<string, unknown>[]>,
  from: string,
  columns: string[],
): Promise<TableSchema> {
  const probes: SchemaField[] = [
    { name: "", type: "integer" },
    { name: "", type: "number", bareNumber: false, groupChar: "," },
    { name: "", type: "date", format: "any" },
  ];
  const parts = columns.flatMap((c, i) => {
    const v = valueSql(c);
    return [
      `count(${v}) AS n${i}`,
      `count_if(regexp_matches(${v}, '^0\\d')) AS z${i}`,
      ...probes.map((p, j) => `count(${typedSql({ ...p, name: c }, v)}) AS p${i}_${j}`),
    ];
  });
  const [stats] = await query(`SELECT ${parts.join(", ")} FROM ${from}`);
  const count = (key: string) => Number(stats[key] ?? 0);
  return {
    fields: columns.map((name, i) => {
      const n = count(`n${i}`);
      const zeros = count(`z${i}`);
      const fits = (j: number) => n > 0 && count(`p${i}_${j}`) === n;
      if (zeros === 0 && fits(0)) return { name, type: "integer" };
      if (zeros === 0 && fits(1))
        return { name, type: "number", bareNumber: false, groupChar: "," };
      if (fits(2)) return { name, type: "date", format: "any" };
      return { name, type: "string" };
    }),
  };
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
export function checksFor(
  field: SchemaField,
  missing?: string[],
  /** Columns already holding the value and the typed value, so that neither is worked out again per check. */
  computed?: { value: string; typed: string },
): Check[] {
  const v = computed?.value ?? valueSql(field.name, missing);
  const typed = computed?.typed ?? typedSql(field, v);
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
