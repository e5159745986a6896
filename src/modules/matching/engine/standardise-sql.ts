/** SQL macros mirroring standardise.ts, so standardisation of millions of rows runs inside DuckDB. */
import type { Db } from "./db.ts";
import { literal } from "./db.ts";
import { NICKNAMES } from "./nicknames.ts";

const ADDRESS_WORDS: [string, string][] = [
  ["rd", "road"],
  ["st", "street"],
  ["str", "street"],
  ["ave", "avenue"],
  ["av", "avenue"],
  ["ln", "lane"],
  ["cl", "close"],
  ["cres", "crescent"],
  ["cresc", "crescent"],
  ["dr", "drive"],
  ["gdns", "gardens"],
  ["gr", "grove"],
  ["pl", "place"],
  ["sq", "square"],
  ["ct", "court"],
  ["terr", "terrace"],
  ["ter", "terrace"],
  ["wy", "way"],
  ["pk", "park"],
  ["hse", "house"],
  ["apt", "flat"],
  ["apartment", "flat"],
  ["fl", "flat"],
  ["no", ""],
  ["nr", ""],
  ["n", "north"],
  ["s", "south"],
  ["e", "east"],
  ["w", "west"],
];

const DATE_FORMATS = [
  "%Y-%m-%d",
  "%d/%m/%Y",
  "%Y%m%d",
  "%d-%m-%Y",
  "%d.%m.%Y",
  "%d %b %Y",
  "%d %B %Y",
  "%Y/%m/%d",
];

export const MACROS = [
  `CREATE OR REPLACE MACRO std_text(x) AS nullif(trim(regexp_replace(lower(strip_accents(CAST(x AS VARCHAR))), '[^a-z0-9]+', ' ', 'g')), '')`,
  `CREATE OR REPLACE MACRO std_name(x) AS nullif(regexp_replace(trim(regexp_replace(regexp_replace(lower(strip_accents(CAST(x AS VARCHAR))), '[''’]', '', 'g'), '[^a-z]+', ' ', 'g')), '^((mr|mrs|ms|miss|mx|dr|prof|rev|sir|dame|lord|lady) )+(\\S)', '\\3'), '')`,
  `CREATE OR REPLACE MACRO first_token(x) AS nullif(split_part(x, ' ', 1), '')`,
  `CREATE OR REPLACE MACRO std_date(x) AS CAST(try_strptime(trim(CAST(x AS VARCHAR)), [${DATE_FORMATS.map(literal).join(", ")}]) AS DATE)`,
  // A date we cannot parse is kept as its digits so that typo-level comparisons still work.
  `CREATE OR REPLACE MACRO std_date_text(x) AS coalesce(strftime(std_date(x), '%Y-%m-%d'), nullif(regexp_replace(CAST(x AS VARCHAR), '[^0-9]', '', 'g'), ''))`,
  `CREATE OR REPLACE MACRO compact_upper(x) AS regexp_replace(upper(CAST(x AS VARCHAR)), '[^A-Z0-9]', '', 'g')`,
  `CREATE OR REPLACE MACRO space_postcode(p) AS CASE WHEN length(p) BETWEEN 5 AND 7 THEN left(p, length(p) - 3) || ' ' || right(p, 3) ELSE nullif(p, '') END`,
  `CREATE OR REPLACE MACRO std_postcode(x) AS space_postcode(compact_upper(x))`,
  `CREATE OR REPLACE MACRO is_uk_postcode(x) AS regexp_full_match(std_postcode(x), '(GIR 0AA|[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2})')`,
  `CREATE OR REPLACE MACRO digits_only(x) AS regexp_replace(CAST(x AS VARCHAR), '[^0-9]', '', 'g')`,
  `CREATE OR REPLACE MACRO uk_national(d) AS CASE WHEN d LIKE '0044%' THEN '0' || d[5:] WHEN d LIKE '44%' AND length(d) >= 11 THEN '0' || d[3:] WHEN d LIKE '0%' THEN d ELSE '0' || d END`,
  `CREATE OR REPLACE MACRO std_phone_d(d) AS CASE WHEN length(d) BETWEEN 10 AND 11 THEN d END`,
  `CREATE OR REPLACE MACRO std_phone(x) AS std_phone_d(uk_national(digits_only(replace(CAST(x AS VARCHAR), '(0)', ''))))`,
  `CREATE OR REPLACE MACRO std_ni_c(c) AS CASE WHEN regexp_full_match(c, '[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]') AND left(c, 2) NOT IN ('BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ') THEN c END`,
  `CREATE OR REPLACE MACRO std_ni(x) AS std_ni_c(compact_upper(x))`,
  `CREATE OR REPLACE MACRO std_email(x) AS nullif(lower(trim(CAST(x AS VARCHAR))), '')`,
  `CREATE OR REPLACE MACRO std_address(x) AS nullif(array_to_string(list_filter(list_transform(string_split(std_text(x), ' '), t -> CASE t ${ADDRESS_WORDS.map(([a, b]) => `WHEN '${a}' THEN '${b}'`).join(" ")} ELSE t END), t -> t <> ''), ' '), '')`,
  `CREATE OR REPLACE MACRO token_jaccard(a, b) AS CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE len(list_intersect(list_distinct(string_split(a, ' ')), list_distinct(string_split(b, ' '))))::DOUBLE / greatest(len(list_distinct(list_concat(string_split(a, ' '), string_split(b, ' ')))), 1) END`,
  `CREATE OR REPLACE MACRO days_apart(a, b) AS abs(date_diff('day', a, b))`,
  `CREATE OR REPLACE MACRO day_month_swapped(a, b) AS (year(a) = year(b) AND month(a) = day(b) AND day(a) = month(b) AND month(a) <> day(a))`,
];

/** Create the macros and the nickname table in this database. */
export async function installStandardisers(db: Db): Promise<void> {
  for (const macro of MACROS) await db.run(macro);
  const values = [...NICKNAMES]
    .map(([nick, canonical]) => `(${literal(nick)}, ${literal(canonical)})`)
    .join(", ");
  await db.run(
    `CREATE OR REPLACE TABLE __nicknames AS SELECT * FROM (VALUES ${values}) t(nickname, canonical)`,
  );
  await db.run(
    `CREATE OR REPLACE MACRO canonical_forename(x) AS coalesce((SELECT canonical FROM __nicknames WHERE nickname = first_token(x)), first_token(x))`,
  );
}
