/** Column profiling: what kind of data each column holds, from its name and a sample of its values. */
import { type Db, ident } from "./db.ts";
import type { FeatureKind } from "./settings.ts";

export interface ColumnProfile {
  column: string;
  /** Share of rows with a value. */
  filled: number;
  distinct: number;
  distinctRatio: number;
  avgLength: number;
  avgTokens: number;
  dateRate: number;
  postcodeRate: number;
  emailRate: number;
  digitsRate: number;
  niRate: number;
  phoneRate: number;
  kind: FeatureKind | null;
  reason: string;
}

/** Columns that hold the answer, not evidence: never compared. */
export const TRUTH_LIKE =
  /^(cluster|cluster_id|person_id|true_.*|truth|label|labels|match_id|source|source_dataset|dataset|entity_id)$/i;

const NAME_RULES: [RegExp, FeatureKind][] = [
  [/full_?name|^name$|first_and_surname|forename_and_surname|whole_?name/, "fullname"],
  [/(first|fore|given|christian)_?name|^fname$|^forename/, "forename"],
  [/(sur|last|family)_?name|^surname|^lname$/, "surname"],
  [/dob|birth_?date|date_?of_?birth|^born/, "dob"],
  [/post_?code|postal|zip/, "postcode"],
  [/e_?mail/, "email"],
  [/phone|^tel|mobile/, "phone"],
  [/^ni(_|$)|nino|national_?insurance|ni_?num/, "ni_number"],
  [/uprn/, "uprn"],
];

export function sanitiseName(column: string): string {
  const name = column
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return /^[a-z]/.test(name) ? name : `f_${name}`;
}

export function decideKind(
  column: string,
  p: Omit<ColumnProfile, "kind" | "reason">,
): [FeatureKind | null, string] {
  const name = sanitiseName(column);
  if (p.filled < 0.05) return [null, "almost always empty"];
  if (p.distinct <= 1) return [null, "a single value"];
  for (const [pattern, kind] of NAME_RULES) {
    if (!pattern.test(name)) continue;
    if (kind === "dob")
      return p.dateRate > 0.5
        ? ["dob", "name says date of birth"]
        : ["code", "named like a date but values are not dates"];
    if (kind === "postcode")
      return p.postcodeRate > 0.5
        ? ["postcode", "valid UK postcodes"]
        : ["code", "named postcode but not UK postcodes"];
    if (kind === "email")
      return p.emailRate > 0.5
        ? ["email", "email addresses"]
        : ["text", "named email but values are not"];
    if (kind === "phone")
      return p.phoneRate > 0.5
        ? ["phone", "UK phone numbers"]
        : ["code", "named phone but values are not"];
    if (kind === "ni_number")
      return p.niRate > 0.5
        ? ["ni_number", "valid NI numbers"]
        : ["code", "named NI number but values are not"];
    return [kind, `column name looks like ${kind}`];
  }
  if (p.emailRate > 0.8) return ["email", "values are email addresses"];
  if (p.postcodeRate > 0.8) return ["postcode", "values are UK postcodes"];
  if (p.niRate > 0.8) return ["ni_number", "values are NI numbers"];
  if (p.dateRate > 0.8 && p.digitsRate < 0.5) return ["date", "values are dates"];
  if (
    /amount|balance|income|rent|price|value|salary|weight|height/.test(name) &&
    p.digitsRate > 0.9
  )
    return ["number", "named like a quantity"];
  if (p.digitsRate > 0.9)
    return p.distinct < 50 ? ["category", "few distinct numbers"] : ["code", "numbers or codes"];
  if (p.distinctRatio > 0.999)
    return [null, "unique in every row: an identifier that cannot link records"];
  if (/address|street|addr|road|line_?\d/.test(name))
    return ["address", "column name looks like an address"];
  if (p.distinct <= 30) return ["category", "few distinct values"];
  if (p.avgTokens >= 3) return ["address", "several words per value"];
  return ["text", "free text"];
}

/** Profile `columns` over the union of `tables` (a sample of at most `sampleRows`). */
export async function profileColumns(
  db: Db,
  tables: string[],
  columns: string[],
  sampleRows = 20_000,
): Promise<ColumnProfile[]> {
  const union = tables
    .map((t) => `SELECT ${columns.map(ident).join(", ")} FROM ${ident(t)}`)
    .join(" UNION ALL ");
  await db.run(
    `CREATE OR REPLACE TEMP TABLE __profile_sample AS SELECT * FROM (${union}) USING SAMPLE ${sampleRows} ROWS`,
  );
  const out: ColumnProfile[] = [];
  for (const column of columns) {
    const c = ident(column);
    const row = await db.one<Record<string, number>>(`SELECT
        count(${c})::DOUBLE / greatest(count(*), 1) AS filled,
        count(DISTINCT ${c}) AS distinct_values,
        count(DISTINCT ${c})::DOUBLE / greatest(count(${c}), 1) AS distinct_ratio,
        coalesce(avg(length(${c})) FILTER (WHERE ${c} IS NOT NULL), 0) AS avg_length,
        coalesce(avg(len(string_split(trim(${c}), ' '))) FILTER (WHERE ${c} IS NOT NULL), 0) AS avg_tokens,
        coalesce(avg((std_date(${c}) IS NOT NULL)::INT) FILTER (WHERE ${c} IS NOT NULL), 0) AS date_rate,
        coalesce(avg(coalesce(is_uk_postcode(${c}), false)::INT) FILTER (WHERE ${c} IS NOT NULL), 0) AS postcode_rate,
        coalesce(avg((std_email(${c}) LIKE '%_@_%._%')::INT) FILTER (WHERE ${c} IS NOT NULL), 0) AS email_rate,
        coalesce(avg(regexp_full_match(${c}, '[0-9 .-]+')::INT) FILTER (WHERE ${c} IS NOT NULL), 0) AS digits_rate,
        coalesce(avg((std_ni(${c}) IS NOT NULL)::INT) FILTER (WHERE ${c} IS NOT NULL), 0) AS ni_rate,
        coalesce(avg((std_phone(${c}) IS NOT NULL AND regexp_full_match(${c}, '[0-9 ()+-]+'))::INT) FILTER (WHERE ${c} IS NOT NULL), 0) AS phone_rate
      FROM __profile_sample`);
    const stats = {
      column,
      filled: row.filled,
      distinct: Number(row.distinct_values),
      distinctRatio: row.distinct_ratio,
      avgLength: row.avg_length,
      avgTokens: row.avg_tokens,
      dateRate: row.date_rate,
      postcodeRate: row.postcode_rate,
      emailRate: row.email_rate,
      digitsRate: row.digits_rate,
      niRate: row.ni_rate,
      phoneRate: row.phone_rate,
    };
    const [kind, reason] = decideKind(column, stats);
    out.push({ ...stats, kind, reason });
  }
  await db.run("DROP TABLE __profile_sample");
  return out;
}
