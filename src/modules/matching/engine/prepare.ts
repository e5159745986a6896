/** Build `__records`: every input row with a dense row number, standardised features, term frequencies and blocking keys. */
import { type Db, ident } from "./db.ts";
import type { BlockingRule, Feature, Settings } from "./settings.ts";

export interface LoadedInput {
  table: string;
  idColumn: string;
  label: string;
}

/** SQL expressions for a feature's standardised column and any derived columns. */
export function featureColumns(
  feature: Feature,
  source = ident(feature.column),
): [string, string][] {
  const name = feature.name;
  switch (feature.kind) {
    case "forename":
      return [
        [name, `std_name(${source})`],
        [`${name}__canon`, `canonical_forename(std_name(${source}))`],
      ];
    case "surname":
      return [[name, `std_name(${source})`]];
    case "fullname":
      return [
        [name, `std_name(${source})`],
        [`${name}__tokens`, `list_distinct(string_split(std_name(${source}), ' '))`],
      ];
    case "dob":
    case "date":
      return [
        [name, `std_date_text(${source})`],
        [`${name}__date`, `std_date(${source})`],
      ];
    case "postcode":
      return [[name, `std_postcode(${source})`]];
    case "address":
      return [
        [name, `std_address(${source})`],
        [
          `${name}__key`,
          `nullif(regexp_extract(std_address(${source}), '\\d+[a-z]? [a-z]+', 0), '')`,
        ],
      ];
    case "email":
      return [[name, `std_email(${source})`]];
    case "phone":
      return [[name, `std_phone(${source})`]];
    case "ni_number":
      return [[name, `std_ni(${source})`]];
    case "uprn":
      return [[name, `nullif(digits_only(${source}), '')`]];
    case "code":
      return [[name, `nullif(replace(std_text(${source}), ' ', ''), '')`]];
    default:
      return [[name, `std_text(${source})`]];
  }
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
  const featureSelect = settings.features
    .flatMap((f) => featureColumns(f).map(([name, sql]) => `${sql} AS ${ident(name)}`))
    .join(", ");
  const union = inputs
    .map(
      (input, i) =>
        `SELECT ${i}::UTINYINT AS __src, CAST(${ident(input.idColumn)} AS VARCHAR) AS __id, ${featureSelect} FROM ${ident(input.table)}`,
    )
    .join(" UNION ALL ");
  const tfSelect = settings.features
    .filter((f) => f.termFrequency)
    .map(
      (f) =>
        `CASE WHEN ${ident(f.name)} IS NOT NULL THEN (count(*) OVER (PARTITION BY ${ident(f.name)}))::DOUBLE / count(${ident(f.name)}) OVER () END AS ${ident(`__tf_${f.name}`)}`,
    );
  const extra = tfSelect.map((s) => `, ${s}`).join("");
  await db.run(`CREATE OR REPLACE TABLE __staged AS ${union}`);
  await db.run(
    `CREATE OR REPLACE TABLE __records AS
     SELECT (row_number() OVER (ORDER BY __src, TRY_CAST(__id AS BIGINT) NULLS LAST, __id) - 1)::INTEGER AS __rid, *${extra}
     FROM __staged ORDER BY __rid`,
  );
  await db.run("DROP TABLE __staged");
  const counts = await db.rows<{ src: number; n: number }>(
    "SELECT __src AS src, count(*) AS n FROM __records GROUP BY 1 ORDER BY 1",
  );
  return inputs.map((_, i) => counts.find((c) => c.src === i)?.n ?? 0);
}

/** Add one hashed key column (__b0, __b1...) per blocking rule. */
export async function addBlockingKeys(db: Db, rules: BlockingRule[]): Promise<void> {
  const existing = await db.rows<{ column_name: string }>(
    "SELECT column_name FROM (DESCRIBE __records)",
  );
  const keep = existing.map((c) => c.column_name).filter((c) => !/^__b\d+$/.test(c));
  const keys = rules.map((rule, i) => `${blockingKeySql(rule)} AS __b${i}`);
  await db.run(
    `CREATE OR REPLACE TABLE __records AS SELECT ${[...keep.map(ident), ...keys].join(", ")} FROM __records ORDER BY __rid`,
  );
}
