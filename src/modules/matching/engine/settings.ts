/** The settings of a linkage model: what to compare, how to block, and (once trained) the parameters. */
import { readFileSync, writeFileSync } from "node:fs";
import { MatchInputError } from "./errors.ts";

export type LinkType = "link" | "dedupe" | "link_and_dedupe";

export type FeatureKind =
  | "forename"
  | "surname"
  | "fullname"
  | "dob"
  | "date"
  | "postcode"
  | "address"
  | "email"
  | "phone"
  | "ni_number"
  | "uprn"
  | "text"
  | "code"
  | "number"
  | "category";

/** A standardised column: `name` is its SQL-safe name in the prepared table, `column` the input column. */
export interface Feature {
  name: string;
  column: string;
  kind: FeatureKind;
  /** Adjust exact-match weights by how common the value is ("Smith" counts for less than "Oyelaran"). */
  termFrequency?: boolean;
  /**
   * True for fields that identify a person rather than a household or place (forename, date
   * of birth, NI number...). Only blocking rules with such a field train m: pairs that share
   * just a surname and an address are mostly relatives, and EM would learn "same household".
   */
  individual?: boolean;
  /**
   * Features in the same group are strongly dependent (an address and its postcode). A training
   * session blocked on one of them cannot estimate the others.
   */
  group?: string;
}

const INDIVIDUAL_KINDS = new Set<FeatureKind>([
  "forename",
  "fullname",
  "dob",
  "date",
  "email",
  "phone",
  "ni_number",
  "code",
]);

export function isIndividual(feature: Feature): boolean {
  return feature.individual ?? INDIVIDUAL_KINDS.has(feature.kind);
}

export interface ComparisonLevel {
  label: string;
  /** SQL condition on the pair, with `l.` and `r.` columns of the prepared table. */
  sql: string;
  isNull?: boolean;
  /** Feature whose term frequency adjusts this level (exact-match levels only). */
  tfFeature?: string;
  /** P(level | match) */
  m?: number;
  /** P(level | non-match) for two records drawn at random. */
  u?: number;
  /** P(level | non-match) among the candidate pairs blocking makes (when scoring "candidates"). */
  uCandidates?: number;
}

export interface Comparison {
  name: string;
  description: string;
  /** Features the comparison reads, used to decide which training sessions may estimate it. */
  features: string[];
  levels: ComparisonLevel[];
}

/** Pairs that agree on every key (SQL expressions over prepared columns) are compared. */
export interface BlockingRule {
  keys: string[];
}

export interface TrainingReport {
  lambdaFromDeterministicRules?: number;
  lambda: number;
  sessions: {
    rule: string;
    pairs: number;
    iterations: number;
    lambda: number;
    estimated: string[];
  }[];
  uSamplePairs: number;
}

export interface Settings {
  version: 1;
  linkType: LinkType;
  features: Feature[];
  comparisons: Comparison[];
  blockingRules: BlockingRule[];
  /** Extra rules for EM sessions, used when the blocking rules leave a comparison untrained. */
  trainingRules?: BlockingRule[];
  deterministicRules: BlockingRule[];
  /** Share of true matches the deterministic rules are assumed to find. */
  deterministicRecall: number;
  /** λ: probability that two records drawn at random are a match. Set by training. */
  probabilityTwoRandomRecordsMatch?: number;
  /**
   * "random": weights compare a pair with two random records (Splink's model).
   * "candidates": weights compare it with the other candidate pairs blocking made, whose
   * non-matches are mostly relatives and neighbours; much better where households share
   * surname and address. Uses uCandidates and lambdaCandidates.
   */
  scoring?: "random" | "candidates";
  /** Share of candidate pairs that match (when scoring "candidates"). */
  lambdaCandidates?: number;
  /** Smallest term frequency used in adjustments, so unique values cannot dominate. */
  tfMinimum: number;
  trained?: TrainingReport;
}

export function describeRule(rule: BlockingRule): string {
  return rule.keys.map((k) => k.replaceAll('"', "")).join(" & ");
}

/** Features whose columns a rule reads. */
export function ruleFeatures(rule: BlockingRule, settings: Pick<Settings, "features">): string[] {
  const text = rule.keys.join(" ");
  return settings.features
    .filter((f) =>
      new RegExp(`(^|[^A-Za-z0-9_])"?${f.name}(__[a-z]+)?"?([^A-Za-z0-9_]|$)`).test(text),
    )
    .map((f) => f.name);
}

export function saveSettings(path: string, settings: Settings): void {
  writeFileSync(path, `${JSON.stringify(settings, null, 2)}\n`);
}

export function loadSettings(path: string): Settings {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new MatchInputError(
      `Cannot read settings ${path}: ${error instanceof Error ? error.message : error}`,
    );
  }
  const s = parsed as Partial<Settings>;
  if (
    s?.version !== 1 ||
    !Array.isArray(s.features) ||
    !Array.isArray(s.comparisons) ||
    !Array.isArray(s.blockingRules)
  ) {
    throw new MatchInputError(
      `Settings ${path} are not Steward matching settings (version 1 with features, comparisons, blockingRules).`,
    );
  }
  return {
    deterministicRules: [],
    deterministicRecall: 0.7,
    tfMinimum: 0.0001,
    ...s,
  } as Settings;
}

/** True when every level has m and u, so prediction can run without training. */
export function isTrained(settings: Settings): boolean {
  return (
    settings.probabilityTwoRandomRecordsMatch !== undefined &&
    settings.comparisons.every((c) =>
      c.levels.every((l) => l.isNull || (l.m !== undefined && l.u !== undefined)),
    )
  );
}
