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

/**
 * Day-first formats with a four-digit year, tried in order (try_strptime takes the first that parses, and a
 * format that fails costs more than one that parses, so the common ones come first): 31/03/2025,
 * 31-03-2025, 2025-03-31, 31.03.2025, 31 March 2025, 31 Mar 2025, 31-Mar-2025, then date-times. DuckDB's %Y
 * also reads one to three digits (31/03/25 would be the year 25), so a date before the year 1000 is never
 * taken from these: it is tried with TWO_DIGIT_YEAR_FORMATS instead.
 *
 * A date field holds a date, not a time (Frictionless), but Excel writes a date cell as a date-time when
 * exported, and databases write ISO date-times: midnight is accepted as the date, written the ways those
 * tools write it. Any other time is not a date (which day is meant depends on the time zone and on what the
 * time records), so it fails with the usual "is not a date". The times are literal text in the formats,
 * which costs nothing per cell.
 */
export const UK_DATE_FORMATS = [
  "%d/%m/%Y",
  "%d-%m-%Y",
  "%Y-%m-%d",
  "%d.%m.%Y",
  "%d %B %Y",
  "%d %b %Y",
  "%d-%b-%Y",
  "%d/%m/%Y 00:00:00",
  "%d/%m/%Y 00:00",
  "%d/%m/%Y 0:00",
  "%Y-%m-%dT00:00:00",
  "%Y-%m-%d 00:00:00",
  "%Y-%m-%dT00:00:00Z",
  "%Y-%m-%dT00:00:00.000Z",
  "%Y-%m-%d 00:00:00.000",
];

/**
 * Day-first formats with a two-digit year, tried only for a value none of UK_DATE_FORMATS reads with a year
 * from 1000 on. DuckDB's %y reads 00-68 as 2000-2068 and 69-99 as 1969-1999 (the POSIX rule, as in C and
 * Python): 31/03/25 is 31 March 2025. Month first is never tried: 03/31/25 has no month 31 and fails.
 */
export const TWO_DIGIT_YEAR_FORMATS = [
  "%d/%m/%y",
  "%d-%m-%y",
  "%d.%m.%y",
  "%d %B %y",
  "%d %b %y",
  "%d-%b-%y",
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

/**
 * Amounts as finance systems also write them, tried only for a value MONEY does not match: "£ 1,234.50",
 * "GBP 1,234.50", "1,234.50 GBP", a trailing minus "1234.50-", "(£ 1,000.00)". Each has at most one minus
 * sign or one pair of brackets, so the amount is its digits, negative when it has either. "CR" and "DR"
 * stay refused: whether a credit is money in or out depends on the ledger the file came from.
 */
const AMOUNT = String.raw`(?:\d{1,3}(?:,\d{3})*|\d+)(?:\.\d+)?`;
const POUNDS = "(?:£ ?|GBP ?)";
const MONEY_WRITTEN_OUT = [
  `^(?:-${POUNDS}?|${POUNDS}?-?)${AMOUNT}$`,
  `^-?${AMOUNT} ?GBP$`,
  `^${POUNDS}?${AMOUNT}-$`,
  String.raw`^\(${POUNDS}?${AMOUNT}\)$`,
  String.raw`^\(${AMOUNT} ?GBP\)$`,
].join("|");

/** A date read with `formats`; those with a four-digit year never give a year before 1000 (see UK_DATE_FORMATS). */
function dateSql(v: string, formats: string[], twoDigitYears: string[] = []): string {
  const list = (f: string[]) => `[${f.map(literal).join(", ")}]`;
  const parsed = `try_strptime(${v}, ${list(formats)})`;
  if (!formats.some((f) => f.includes("%Y"))) return `CAST(${parsed} AS DATE)`;
  // `parsed` once per value: a year before 1000 (or no date) becomes the floor, which nullif() turns into
  // NULL (greatest() passes over NULL); coalesce() reads the two-digit formats only for those values.
  const floor = "TIMESTAMP '0999-12-31'";
  const fourDigits = `nullif(greatest(${parsed}, ${floor}), ${floor})`;
  return twoDigitYears.length
    ? `CAST(coalesce(${fourDigits}, try_strptime(${v}, ${list(twoDigitYears)})) AS DATE)`
    : `CAST(${fourDigits} AS DATE)`;
}

/** SQL giving the typed value of `v` (an expression), NULL when it does not parse. */
export function typedSql(field: SchemaField, v: string): string {
  switch (field.type) {
    case "number": {
      if (field.bareNumber === false || field.groupChar) {
        // Brackets (a negative amount) can only wrap the whole value, so most values need two replaces, not four.
        const plain = `replace(replace(${v}, '£', ''), ',', '')`;
        const cleaned = `CASE WHEN starts_with(${v}, '(') THEN replace(replace(${plain}, '(', '-'), ')', '') ELSE ${plain} END`;
        // The written-out forms are tried only for values the common form does not match.
        const negative = `CASE WHEN contains(${v}, '-') OR starts_with(${v}, '(') THEN -1 ELSE 1 END`;
        const writtenOut = `TRY_CAST(regexp_replace(${v}, '[^0-9.]', '', 'g') AS DOUBLE) * ${negative}`;
        return `CASE WHEN regexp_matches(${v}, ${literal(MONEY)}) THEN TRY_CAST(${cleaned} AS DOUBLE) WHEN regexp_matches(${v}, ${literal(MONEY_WRITTEN_OUT)}) THEN ${writtenOut} END`;
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
    case "date":
      if (field.format && field.format !== "any" && field.format !== "default")
        return dateSql(v, [field.format]);
      return field.format === "default"
        ? dateSql(v, ["%Y-%m-%d"])
        : dateSql(v, UK_DATE_FORMATS, TWO_DIGIT_YEAR_FORMATS);
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
  if (c.enum?.length) checks.push(...enumChecks(v, c.enum));
  return checks;
}

/** Suggestions are offered for lists up to this long: each listed value is a check of its own. */
const MAX_SUGGESTED_ENUM = 20;

/**
 * A value must be one of the listed values exactly (Frictionless): "tender" is not "Tender". A value that
 * differs from a listed one only in capitals is refused with a message naming that value, by a check of its
 * own for each listed value (unless two listed values differ only in capitals); the first check takes the
 * rest. The checks are disjoint, so a cell is counted once.
 */
function enumChecks(v: string, values: string[]): Check[] {
  const listed = `${v} NOT IN (${values.map(literal).join(", ")})`;
  const message = `is not one of: ${values.join(", ")}`;
  const lowered = values.map((e) => e.toLowerCase());
  const suggested =
    values.length > MAX_SUGGESTED_ENUM
      ? []
      : values.filter((_, i) => lowered.indexOf(lowered[i]) === lowered.lastIndexOf(lowered[i]));
  const other = suggested.length
    ? ` AND lower(${v}) NOT IN (${suggested.map((e) => literal(e.toLowerCase())).join(", ")})`
    : "";
  return [
    { code: "enum", failSql: `(${v} IS NOT NULL AND ${listed}${other})`, message },
    ...suggested.map((e) => ({
      code: "enum" as const,
      failSql: `(${v} IS NOT NULL AND ${listed} AND lower(${v}) = ${literal(e.toLowerCase())})`,
      message: `${message}; did you mean “${e}”?`,
    })),
  ];
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
