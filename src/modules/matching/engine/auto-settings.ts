/** Automatic settings: features and comparisons from column profiles, blocking rules chosen by counting. */
import { addressWithPostcode, comparisonFor } from "./comparisons.ts";
import type { Db } from "./db.ts";
import { blockingKeySql } from "./prepare.ts";
import { type ColumnProfile, sanitiseName, TRUTH_LIKE } from "./profile.ts";
import type { BlockingRule, Feature, FeatureKind, LinkType, Settings } from "./settings.ts";

const TF_KINDS = new Set<FeatureKind>([
  "forename",
  "surname",
  "fullname",
  "postcode",
  "text",
  "address",
  "code",
]);

const LOCATION_NAME =
  /post_?code|zip|street|suburb|city|town|state|county|locality|address|addr|uprn|district|ward/i;

function isLocation(column: string, kind: FeatureKind): boolean {
  return ["address", "postcode", "uprn"].includes(kind) || LOCATION_NAME.test(column);
}

/** Features for the profiled columns, dropping truth-like and ignored columns and redundant full names. */
export function featuresFromProfiles(profiles: ColumnProfile[], ignore: string[] = []): Feature[] {
  const usable = profiles.filter(
    (p) => p.kind !== null && !TRUTH_LIKE.test(p.column) && !ignore.includes(p.column),
  );
  const hasSplitNames =
    usable.some((p) => p.kind === "forename") && usable.some((p) => p.kind === "surname");
  const taken = new Set<FeatureKind>();
  const features: Feature[] = [];
  for (const p of usable) {
    const kind = p.kind as FeatureKind;
    // A full name repeats the forename and surname: comparing it too would count the same evidence twice.
    if (kind === "fullname" && hasSplitNames) continue;
    // Only one forename/surname/dob column is compared; a second one is treated as text.
    const singular = ["forename", "surname", "fullname", "dob", "postcode"].includes(kind);
    const effective: FeatureKind = singular && taken.has(kind) ? "text" : kind;
    taken.add(effective);
    features.push({
      name: sanitiseName(p.column),
      column: p.column,
      kind: effective,
      termFrequency: TF_KINDS.has(effective) && p.distinctRatio < 0.5,
      // A code with few values (a house number) describes a place, not a person.
      ...(effective === "code" ? { individual: p.distinctRatio >= 0.2 } : {}),
      ...(isLocation(p.column, effective) ? { group: "location" } : {}),
    });
  }
  return features;
}

/** One comparison per feature, except that an address and a UK postcode are compared together. */
export function comparisonsFor(features: Feature[]): Settings["comparisons"] {
  const forename = features.find((f) => f.kind === "forename")?.name;
  const surname = features.find((f) => f.kind === "surname")?.name;
  const address = features.find((f) => f.kind === "address");
  const postcode = features.find((f) => f.kind === "postcode");
  const out: Settings["comparisons"] = [];
  for (const f of features) {
    if (address && postcode && f === postcode) continue;
    out.push(
      address && postcode && f === address
        ? addressWithPostcode(address, postcode)
        : comparisonFor(f, { forename, surname }),
    );
  }
  return out;
}

export function baseSettings(linkType: LinkType, features: Feature[]): Settings {
  return {
    version: 1,
    linkType,
    features,
    comparisons: comparisonsFor(features),
    blockingRules: [],
    deterministicRules: [],
    deterministicRecall: 0.7,
    tfMinimum: 0.0001,
    scoring: householdsLikely(features) ? "candidates" : "random",
  };
}

/**
 * Surnames and addresses together mean households: relatives agree on both, and weights against
 * random pairs would count that agreement twice. Such data is scored against the candidate pairs.
 */
export function householdsLikely(features: Feature[]): boolean {
  return (
    features.some((f) => f.kind === "surname") &&
    features.some((f) => ["address", "postcode", "uprn"].includes(f.kind))
  );
}

/** The column a feature blocks on (nickname-resolved for forenames). */
function blockKey(f: Feature): string {
  return f.kind === "forename" ? `"${f.name}__canon"` : `"${f.name}"`;
}

export interface CandidateRule {
  features: string[];
  pairs: number;
}

export interface BlockingChoice {
  rules: BlockingRule[];
  candidates: CandidateRule[];
}

/**
 * Choose blocking rules so that a true match is still found when any one or two of its
 * fields disagree, keeping each rule and the total under a budget that grows with the data.
 */
/** A blocking key: a feature's value, or a coarser key derived from it that survives some errors. */
interface BlockKey {
  id: string;
  feature: string;
  sql: string;
  /** Chance the key still agrees when the feature itself disagrees. */
  survives: number;
  kind: FeatureKind;
}

function keysFor(f: Feature): BlockKey[] {
  const base: BlockKey = {
    id: f.name,
    feature: f.name,
    sql: blockKey(f),
    survives: 0,
    kind: f.kind,
  };
  const col = `"${f.name}"`;
  switch (f.kind) {
    case "dob":
    case "date":
      // Year survives day and month typos and swaps; month and day survive a wrong year.
      return [
        base,
        {
          ...base,
          id: `${f.name}~year`,
          sql: `year("${f.name}__date")`,
          survives: 0.5,
          kind: "category",
        },
        {
          ...base,
          id: `${f.name}~monthday`,
          sql: `strftime("${f.name}__date", '%m%d')`,
          survives: 0.3,
        },
      ];
    case "postcode":
      return [
        base,
        {
          ...base,
          id: `${f.name}~district`,
          sql: `split_part(${col}, ' ', 1)`,
          survives: 0.4,
          kind: "category",
        },
      ];
    case "surname":
    case "forename":
      return [
        base,
        {
          ...base,
          id: `${f.name}~start`,
          sql: `left(${f.kind === "forename" ? `"${f.name}__canon"` : col}, 3)`,
          survives: 0.4,
        },
      ];
    default:
      return [base];
  }
}

/**
 * Choose blocking rules so that a true match is still found when any one or two of its
 * fields disagree, keeping each rule and the total under a budget that grows with the data.
 * Candidates are single keys and pairs of keys (with coarser keys such as year of birth or
 * postcode district); each is counted, then chosen greedily by the failures it still catches
 * for the comparisons it costs.
 */
export async function chooseBlockingRules(
  db: Db,
  settings: Settings,
  records: number,
  profiles: Map<string, ColumnProfile>,
): Promise<BlockingChoice> {
  const blockable = settings.features.filter(
    (f) => f.kind !== "address" || (profiles.get(f.column)?.distinctRatio ?? 0) < 0.9,
  );
  const keys = blockable.flatMap(keysFor);
  const sample = records > 100_000 ? 100_000 / records : 1;
  const perRuleBudget = Math.max(400_000, 5 * records);
  const totalBudget = Math.max(2_000_000, 10 * records);
  // How much a rule's size counts against it: small data sets can afford big rules, but a
  // cheaper rule that catches as much is still better.
  const costScale = Math.max(200_000, 5 * records);
  const sets: BlockKey[][] = [];
  for (let i = 0; i < keys.length; i++) {
    if (keys[i].kind !== "category") sets.push([keys[i]]);
    for (let j = i + 1; j < keys.length; j++) {
      if (keys[i].feature === keys[j].feature) continue;
      if (keys[i].kind === "category" && keys[j].kind === "category") continue;
      sets.push([keys[i], keys[j]]);
    }
  }
  // Every key hashed once on a sample of records; each candidate is then a group-by on integers.
  const where =
    sample < 1 ? ` WHERE hash(__rid, 17) % 1000000 < ${Math.round(sample * 1_000_000)}` : "";
  await db.run(
    `CREATE OR REPLACE TEMP TABLE __key_sample AS SELECT __src, ${keys.map((k, i) => `${blockingKeySql({ keys: [k.sql] })} AS k${i}`).join(", ")} FROM __records${where}`,
  );
  const index = new Map(keys.map((k, i) => [k, i]));
  const pairsExpr = settings.linkType === "link" ? "sum((c * c - ss) / 2)" : "sum(c * (c - 1) / 2)";
  const candidates: (CandidateRule & { keys: BlockKey[] })[] = [];
  for (const set of sets) {
    const cols = set.map((k) => `k${index.get(k)}`);
    const pairs = await db.scalar(
      `SELECT ${pairsExpr} FROM (SELECT sum(cs)::DOUBLE AS c, sum(cs::DOUBLE * cs) AS ss FROM (
         SELECT ${cols.join(", ")}, __src, count(*) AS cs FROM __key_sample WHERE ${cols.map((c) => `${c} IS NOT NULL`).join(" AND ")} GROUP BY ALL
       ) GROUP BY ${cols.join(", ")})`,
    );
    candidates.push({
      features: set.map((k) => k.id),
      keys: set,
      pairs: pairs / (sample * sample),
    });
  }
  await db.run("DROP TABLE __key_sample");
  const filled = (name: string) =>
    profiles.get(settings.features.find((f) => f.name === name)?.column ?? "")?.filled ?? 1;
  const errorRate = (name: string) => {
    const f = settings.features.find((x) => x.name === name);
    return f?.kind === "category" ? 0.05 : 0.12 + (1 - filled(name));
  };
  // Failure scenarios: the fields that disagree in a true match, weighted by how likely that is.
  const names = blockable.map((f) => f.name);
  const scenarios: { fields: string[]; weight: number; missed: number }[] = [
    { fields: [], weight: 1, missed: 1 },
  ];
  for (let i = 0; i < names.length; i++) {
    scenarios.push({ fields: [names[i]], weight: errorRate(names[i]), missed: 1 });
    for (let j = i + 1; j < names.length; j++) {
      scenarios.push({
        fields: [names[i], names[j]],
        weight: errorRate(names[i]) * errorRate(names[j]),
        missed: 1,
      });
    }
  }
  // Chance a rule still pairs a true match whose `failing` fields disagree.
  const catches = (c: { keys: BlockKey[] }, failing: string[]) =>
    c.keys.reduce(
      (a, k) => a * filled(k.feature) ** 2 * (failing.includes(k.feature) ? k.survives : 1),
      1,
    );
  const chosen: typeof candidates = [];
  let spent = 0;
  const viable = candidates.filter((c) => c.pairs > 0 && c.pairs <= perRuleBudget);
  while (chosen.length < 8) {
    let best: (typeof candidates)[number] | undefined;
    let bestScore = 0;
    for (const c of viable) {
      if (chosen.includes(c) || spent + c.pairs > totalBudget) continue;
      const gain = scenarios.reduce((a, s) => a + s.weight * s.missed * catches(c, s.fields), 0);
      const score = gain / (1 + c.pairs / costScale);
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    if (!best || bestScore < 0.002) break;
    for (const s of scenarios) s.missed *= 1 - catches(best, s.fields);
    chosen.push(best);
    spent += best.pairs;
  }
  chosen.sort((a, b) => a.pairs - b.pairs);
  return {
    rules: chosen.map((c) => ({ keys: c.keys.map((k) => k.sql) })),
    candidates: candidates.map(({ features, pairs }) => ({ features, pairs })),
  };
}

/** Deterministic rules for λ: agreement on the three most distinctive fields. */
export function chooseDeterministicRules(
  settings: Settings,
  profiles: Map<string, ColumnProfile>,
): BlockingRule[] {
  const ranked = settings.features
    .filter((f) => f.kind !== "category")
    .map((f) => ({
      f,
      score: (profiles.get(f.column)?.distinctRatio ?? 0) * (profiles.get(f.column)?.filled ?? 0),
    }))
    .sort((a, b) => b.score - a.score)
    .slice(0, 3);
  if (ranked.length < 2) return [];
  return [{ keys: ranked.map(({ f }) => blockKey(f)) }];
}
