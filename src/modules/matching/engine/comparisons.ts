/** Comparison templates: each returns levels from strongest to weakest, null level first, "else" last. */
import type { Comparison, ComparisonLevel, Feature } from "./settings.ts";

const col = (side: "l" | "r", name: string): string => `${side}."${name}"`;
const both = (name: string) => ({ l: col("l", name), r: col("r", name) });

function nullLevel(name: string): ComparisonLevel {
  const { l, r } = both(name);
  return { label: "null", sql: `${l} IS NULL OR ${r} IS NULL`, isNull: true };
}

function exactLevel(name: string, tf: boolean, label = "exact"): ComparisonLevel {
  const { l, r } = both(name);
  return { label, sql: `${l} = ${r}`, ...(tf ? { tfFeature: name } : {}) };
}

const elseLevel: ComparisonLevel = { label: "else", sql: "TRUE" };

function jaroWinkler(name: string, threshold: number): ComparisonLevel {
  const { l, r } = both(name);
  return {
    label: `Jaro-Winkler ≥ ${threshold}`,
    sql: `jaro_winkler_similarity(${l}, ${r}) >= ${threshold}`,
  };
}

function damerau(name: string, distance: number): ComparisonLevel {
  const { l, r } = both(name);
  // The Levenshtein guard is cheap and spares the slow Damerau computation for most pairs.
  return {
    label: `Damerau-Levenshtein ≤ ${distance}`,
    sql: `levenshtein(${l}, ${r}) <= ${2 * distance} AND damerau_levenshtein(${l}, ${r}) <= ${distance}`,
  };
}

function levenshtein(name: string, distance: number): ComparisonLevel {
  const { l, r } = both(name);
  return { label: `Levenshtein ≤ ${distance}`, sql: `levenshtein(${l}, ${r}) <= ${distance}` };
}

function tokenJaccard(name: string, threshold: number): ComparisonLevel {
  const lt = col("l", `${name}__tokens`);
  const rt = col("r", `${name}__tokens`);
  const shared = `len(list_intersect(${lt}, ${rt}))`;
  return {
    label: `token Jaccard ≥ ${threshold}`,
    sql: `${shared} > 0 AND ${shared}::DOUBLE / len(list_distinct(list_concat(${lt}, ${rt}))) >= ${threshold}`,
  };
}

function swapped(a: string, b: string): ComparisonLevel {
  return {
    label: `swapped with ${b}`,
    sql: `${col("l", a)} = ${col("r", b)} AND ${col("l", b)} = ${col("r", a)}`,
  };
}

function comparison(
  feature: Feature,
  description: string,
  levels: ComparisonLevel[],
  extra: string[] = [],
): Comparison {
  return {
    name: feature.name,
    description,
    features: [feature.name, ...extra],
    levels: withPriors(levels),
  };
}

/** Starting m and u for EM; u is replaced by sampling and m by EM. */
function withPriors(levels: ComparisonLevel[]): ComparisonLevel[] {
  const scored = levels.filter((l) => !l.isNull);
  const n = scored.length;
  return levels.map((level) => {
    if (level.isNull) return level;
    const i = scored.indexOf(level);
    const m = i === n - 1 ? 0.05 : (0.95 * 0.5 ** i) / 1.5;
    const u = i === n - 1 ? 0.9 : 0.1 / 2 ** (n - 1 - i);
    return { ...level, m, u };
  });
}

export interface ComparisonContext {
  /** The surname feature, for the swapped-names level of forenames. */
  surname?: string;
  forename?: string;
}

export function comparisonFor(feature: Feature, context: ComparisonContext = {}): Comparison {
  const name = feature.name;
  const tf = feature.termFrequency ?? false;
  const { l, r } = both(name);
  switch (feature.kind) {
    case "forename": {
      const canon = `${name}__canon`;
      const levels = [
        nullLevel(name),
        exactLevel(name, tf),
        {
          label: "same name once nicknames resolved",
          sql: `${col("l", canon)} = ${col("r", canon)}`,
        },
        jaroWinkler(name, 0.92),
        jaroWinkler(name, 0.88),
      ];
      if (context.surname) levels.push(swapped(name, context.surname));
      levels.push(jaroWinkler(name, 0.7), elseLevel);
      return comparison(
        feature,
        "forename: exact, nickname, Jaro-Winkler 0.92/0.88, swapped, 0.7",
        levels,
        context.surname ? [context.surname] : [],
      );
    }
    case "surname": {
      const levels = [
        nullLevel(name),
        exactLevel(name, tf),
        jaroWinkler(name, 0.92),
        jaroWinkler(name, 0.88),
      ];
      if (context.forename) levels.push(swapped(name, context.forename));
      levels.push(jaroWinkler(name, 0.7), elseLevel);
      return comparison(
        feature,
        "surname: exact, Jaro-Winkler 0.92/0.88, swapped, 0.7",
        levels,
        context.forename ? [context.forename] : [],
      );
    }
    case "fullname":
      return comparison(feature, "full name: exact, same tokens, Jaro-Winkler 0.9/0.7", [
        nullLevel(name),
        exactLevel(name, tf),
        tokenJaccard(name, 0.66),
        jaroWinkler(name, 0.9),
        jaroWinkler(name, 0.7),
        elseLevel,
      ]);
    case "dob":
    case "date": {
      const ld = col("l", `${name}__date`);
      const rd = col("r", `${name}__date`);
      const partsAgreeing = `(year(${ld}) = year(${rd}))::INT + (month(${ld}) = month(${rd}))::INT + (day(${ld}) = day(${rd}))::INT`;
      return comparison(
        feature,
        "date: exact, day/month swapped, one part differs, within 1 year, 10 years",
        [
          nullLevel(name),
          exactLevel(name, false),
          { label: "day and month swapped", sql: `day_month_swapped(${ld}, ${rd})` },
          { label: "one of day, month, year differs", sql: `${partsAgreeing} = 2` },
          // Dates that did not parse (e.g. 31 June) can still be one keystroke apart.
          {
            label: "unparsed, one typo",
            sql: `(${ld} IS NULL OR ${rd} IS NULL) AND levenshtein(${l}, ${r}) <= 1`,
          },
          { label: "within 1 year", sql: `days_apart(${ld}, ${rd}) <= 366` },
          { label: "within 10 years", sql: `days_apart(${ld}, ${rd}) <= 3653` },
          elseLevel,
        ],
      );
    }
    case "postcode":
      return comparison(feature, "postcode: exact, same sector, one typo, same district", [
        nullLevel(name),
        exactLevel(name, tf),
        {
          label: "same sector",
          sql: `left(${l}, length(${l}) - 2) = left(${r}, length(${r}) - 2)`,
        },
        levenshtein(name, 1),
        { label: "same district", sql: `split_part(${l}, ' ', 1) = split_part(${r}, ' ', 1)` },
        elseLevel,
      ]);
    case "address":
      return comparison(
        feature,
        "address: exact, Jaro-Winkler 0.95, same house number and street, Jaro-Winkler 0.8",
        [
          nullLevel(name),
          exactLevel(name, tf),
          jaroWinkler(name, 0.95),
          {
            label: "same house number and street",
            sql: `${col("l", `${name}__key`)} = ${col("r", `${name}__key`)}`,
          },
          jaroWinkler(name, 0.8),
          elseLevel,
        ],
      );
    case "email":
      return comparison(feature, "email: exact, same user name, Jaro-Winkler 0.88", [
        nullLevel(name),
        exactLevel(name, false),
        { label: "same user name", sql: `split_part(${l}, '@', 1) = split_part(${r}, '@', 1)` },
        jaroWinkler(name, 0.88),
        elseLevel,
      ]);
    case "phone":
      return comparison(feature, "phone: exact, same last 6 digits, one typo", [
        nullLevel(name),
        exactLevel(name, false),
        { label: "same last 6 digits", sql: `right(${l}, 6) = right(${r}, 6)` },
        damerau(name, 1),
        elseLevel,
      ]);
    case "ni_number":
      return comparison(feature, "NI number: exact, one typo", [
        nullLevel(name),
        exactLevel(name, false),
        damerau(name, 1),
        elseLevel,
      ]);
    case "uprn":
      return comparison(feature, "UPRN: exact", [
        nullLevel(name),
        exactLevel(name, false),
        elseLevel,
      ]);
    case "code":
      return comparison(feature, "code: exact, one typo, two typos", [
        nullLevel(name),
        exactLevel(name, tf),
        damerau(name, 1),
        levenshtein(name, 2),
        elseLevel,
      ]);
    case "number":
      return comparison(feature, "number: exact, within 1%, within 10%", [
        nullLevel(name),
        exactLevel(name, false),
        { label: "within 1%", sql: `abs(${l} - ${r}) <= 0.01 * greatest(abs(${l}), abs(${r}))` },
        { label: "within 10%", sql: `abs(${l} - ${r}) <= 0.1 * greatest(abs(${l}), abs(${r}))` },
        elseLevel,
      ]);
    case "category":
      return comparison(feature, "category: exact", [
        nullLevel(name),
        exactLevel(name, false),
        elseLevel,
      ]);
    default:
      return comparison(feature, "text: exact, Jaro-Winkler 0.92/0.8", [
        nullLevel(name),
        exactLevel(name, tf),
        jaroWinkler(name, 0.92),
        jaroWinkler(name, 0.8),
        elseLevel,
      ]);
  }
}

/**
 * An address and its postcode compared as one: agreeing on both is one piece of evidence, not
 * two (relatives share both), so they must not be multiplied as if independent.
 */
export function addressWithPostcode(address: Feature, postcode: Feature): Comparison {
  const a = both(address.name);
  const p = both(postcode.name);
  const key = both(`${address.name}__key`);
  const jw = `jaro_winkler_similarity(${a.l}, ${a.r})`;
  const levels: ComparisonLevel[] = [
    {
      label: "null",
      sql: `(${a.l} IS NULL OR ${a.r} IS NULL) AND (${p.l} IS NULL OR ${p.r} IS NULL)`,
      isNull: true,
    },
    { label: "address and postcode exact", sql: `${a.l} = ${a.r} AND ${p.l} = ${p.r}` },
    { label: "address exact", sql: `${a.l} = ${a.r}` },
    {
      label: "same house number and street, same postcode",
      sql: `${key.l} = ${key.r} AND ${p.l} = ${p.r}`,
    },
    { label: "address Jaro-Winkler ≥ 0.9, same postcode", sql: `${jw} >= 0.9 AND ${p.l} = ${p.r}` },
    { label: "same house number and street", sql: `${key.l} = ${key.r}` },
    { label: "same postcode", sql: `${p.l} = ${p.r}` },
    { label: "address Jaro-Winkler ≥ 0.9", sql: `${jw} >= 0.9` },
    { label: "postcode one typo", sql: `levenshtein(${p.l}, ${p.r}) <= 1` },
    {
      label: "same postcode sector",
      sql: `left(${p.l}, length(${p.l}) - 2) = left(${p.r}, length(${p.r}) - 2)`,
    },
    elseLevel,
  ];
  return {
    name: address.name,
    description:
      "address with postcode: both exact, address exact, same house and postcode, same postcode, sector",
    features: [address.name, postcode.name],
    levels: withPriors(levels),
  };
}

/**
 * Distance between two points (latitude and longitude features, in degrees), by the haversine
 * formula: same place, within 100 m, 1 km, 10 km, else.
 */
export function distanceComparison(
  name: string,
  latitude: Feature,
  longitude: Feature,
  kilometres = [0.1, 1, 10],
): Comparison {
  const la = both(latitude.name);
  const lo = both(longitude.name);
  const km = `2 * 6371 * asin(sqrt(pow(sin(radians(${la.r} - ${la.l}) / 2), 2) + cos(radians(${la.l})) * cos(radians(${la.r})) * pow(sin(radians(${lo.r} - ${lo.l}) / 2), 2)))`;
  const levels: ComparisonLevel[] = [
    {
      label: "null",
      sql: `${la.l} IS NULL OR ${la.r} IS NULL OR ${lo.l} IS NULL OR ${lo.r} IS NULL`,
      isNull: true,
    },
    { label: "same place", sql: `${la.l} = ${la.r} AND ${lo.l} = ${lo.r}` },
    ...kilometres.map((d) => ({ label: `within ${d} km`, sql: `${km} <= ${d}` })),
    elseLevel,
  ];
  return {
    name,
    description: `distance: same place, ${kilometres.map((d) => `${d} km`).join(", ")}`,
    features: [latitude.name, longitude.name],
    levels: withPriors(levels),
  };
}

/** SQL that computes the level index (0 = null level) for a comparison. */
export function gammaSql(comparison: Comparison): string {
  const whens = comparison.levels.map((level, i) => `WHEN ${level.sql} THEN ${i}`).join(" ");
  return `CAST(CASE ${whens} ELSE ${comparison.levels.length - 1} END AS UTINYINT)`;
}
