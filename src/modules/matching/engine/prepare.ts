/** Build `__records`: every input row with a dense row number, standardised features, term frequencies and blocking keys. */
import { type Db, ident } from "./db.ts";
import type { BlockingRule, Feature, Settings } from "./settings.ts";

export interface LoadedInput {
  table: string;
  idColumn: string;
  label: string;
}

export interface FeatureSql {
  /** The standardised value, from the raw input column. */
  base: string;
  /** Derived columns, computed from the standardised value (`name` refers to it). */
  derived: [string, string][];
}

/** SQL for a feature's standardised column and the columns derived from it. */
export function featureSql(feature: Feature, source = ident(feature.column)): FeatureSql {
  const name = feature.name;
  const value = ident(name);
  switch (feature.kind) {
    case "forename":
      return {
        base: `std_name(${source})`,
        derived: [[`${name}__canon`, `canonical_forename(${value})`]],
      };
    case "surname":
      return { base: `std_name(${source})`, derived: [] };
    case "fullname":
      return {
        base: `std_name(${source})`,
        derived: [[`${name}__tokens`, `list_distinct(string_split(${value}, ' '))`]],
      };
    case "dob":
    case "date":
      return {
        base: `std_date_text(${source})`,
        derived: [[`${name}__date`, `TRY_CAST(${value} AS DATE)`]],
      };
    case "postcode":
      return { base: `std_postcode(${source})`, derived: [] };
    case "address":
      return {
        base: `std_address(${source})`,
        derived: [[`${name}__key`, `nullif(regexp_extract(${value}, '\\d+[a-z]? [a-z]+', 0), '')`]],
      };
    case "email":
      return { base: `std_email(${source})`, derived: [] };
    case "phone":
      return { base: `std_phone(${source})`, derived: [] };
    case "ni_number":
      return { base: `std_ni(${source})`, derived: [] };
    case "uprn":
      return { base: `nullif(digits_only(${source}), '')`, derived: [] };
    case "number":
      return {
        base: `TRY_CAST(replace(CAST(${source} AS VARCHAR), ',', '') AS DOUBLE)`,
        derived: [],
      };
    case "code":
      return { base: `nullif(replace(std_text(${source}), ' ', ''), '')`, derived: [] };
    default:
      return { base: `std_text(${source})`, derived: [] };
  }
}

/** A SELECT list that standardises the raw columns of `table` and adds derived columns. */
export function standardisedSelect(
  features: Feature[],
  table: string,
  extra: string[] = [],
): string {
  const base = features.map((f) => `${featureSql(f).base} AS ${ident(f.name)}`);
  const derived = features.flatMap((f) =>
    featureSql(f).derived.map(([name, sql]) => `${sql} AS ${ident(name)}`),
  );
  const inner = `SELECT ${[...extra, ...base].join(", ")} FROM ${table}`;
  return `SELECT *${derived.map((d) => `, ${d}`).join("")} FROM (${inner})`;
}

export function blockingKeySql(rule: BlockingRule): string {
  const notNull = rule.keys.map((k) => `(${k}) IS NOT NULL`).join(" AND ");
  return `CASE WHEN ${notNull} THEN hash(${rule.keys.join(", ")}) END`;
}

export async function prepareRecords(
  db: Db,
  inputs: LoadedInput[],
  settings: Settings,
): Promise<number[]> {
  const union = inputs
    .map((input, i) =>
      standardisedSelect(settings.features, ident(input.table), [
        `${i}::UTINYINT AS __src`,
        `CAST(${ident(input.idColumn)} AS VARCHAR) AS __id`,
      ]),
    )
    .join(" UNION ALL ");
  await db.run(`CREATE OR REPLACE TEMP TABLE __staged AS ${union}`);
  // Term frequencies by aggregation and join: cheaper than partitioned windows on millions of rows.
  const tfFeatures = settings.features.filter((f) => f.termFrequency);
  const tfJoins = tfFeatures
    .map(
      (f, i) =>
        ` LEFT JOIN (SELECT ${ident(f.name)} AS v, count(*)::DOUBLE / sum(count(*)) OVER () AS tf FROM __staged WHERE ${ident(f.name)} IS NOT NULL GROUP BY 1) __t${i} ON __t${i}.v = s.${ident(f.name)}`,
    )
    .join("");
  const tfSelect = tfFeatures.map((f, i) => `, __t${i}.tf AS ${ident(`__tf_${f.name}`)}`).join("");
  await db.run(
    `CREATE OR REPLACE TABLE __records AS
     SELECT (row_number() OVER (ORDER BY s.__src, TRY_CAST(s.__id AS BIGINT) NULLS LAST, s.__id) - 1)::INTEGER AS __rid, s.*${tfSelect}
     FROM __staged s${tfJoins}`,
  );
  await db.run("DROP TABLE __staged");
  const counts = await db.rows<{ src: number; n: number }>(
    "SELECT __src AS src, count(*) AS n FROM __records GROUP BY 1 ORDER BY 1",
  );
  return inputs.map((_, i) => counts.find((c) => c.src === i)?.n ?? 0);
}
