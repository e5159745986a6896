/** Per-pair explanation: the contribution of each comparison to the match weight, as a waterfall. */
import { tfLevelIndex } from "./gammas.ts";
import { levelWeight, priorWeight, scoringU, tfAdjustment } from "./predict.ts";
import type { Settings } from "./settings.ts";

export interface WaterfallStep {
  /** "prior", a comparison name, or "final". */
  name: string;
  level: string;
  leftValue?: string | null;
  rightValue?: string | null;
  m?: number;
  u?: number;
  bayesFactor: number;
  /** log2 of the Bayes factor, including any term-frequency adjustment. */
  weight: number;
  tfAdjustment: number;
  /** Running total after this step. */
  cumulative: number;
}

export interface PairExplanation {
  leftId: string;
  rightId: string;
  matchWeight: number;
  matchProbability: number;
  steps: WaterfallStep[];
}

export interface PairEvidence {
  leftId: string;
  rightId: string;
  /** Level index per comparison, by comparison name. */
  gammas: Record<string, number>;
  /** Term frequency of the matched value, by comparison name. */
  tfs: Record<string, number | null>;
  leftValues: Record<string, string | null>;
  rightValues: Record<string, string | null>;
}

export function explainEvidence(settings: Settings, evidence: PairEvidence): PairExplanation {
  const prior = priorWeight(settings);
  const steps: WaterfallStep[] = [
    {
      name: "prior",
      level: "probability two random records match",
      bayesFactor: 2 ** prior,
      weight: prior,
      tfAdjustment: 0,
      cumulative: prior,
    },
  ];
  let total = prior;
  for (const c of settings.comparisons) {
    const g = evidence.gammas[c.name];
    const level = c.levels[g];
    const base = level.isNull ? 0 : levelWeight(level.m, scoringU(settings, level));
    const tf =
      g === tfLevelIndex(c) ? tfAdjustment(c, evidence.tfs[c.name] ?? null, settings.tfMinimum) : 0;
    const weight = base + tf;
    total += weight;
    steps.push({
      name: c.name,
      level: level.label,
      leftValue: evidence.leftValues[c.name] ?? null,
      rightValue: evidence.rightValues[c.name] ?? null,
      m: level.m,
      u: scoringU(settings, level),
      bayesFactor: 2 ** weight,
      weight,
      tfAdjustment: tf,
      cumulative: total,
    });
  }
  steps.push({
    name: "final",
    level: "match weight",
    bayesFactor: 2 ** total,
    weight: total,
    tfAdjustment: 0,
    cumulative: total,
  });
  return {
    leftId: evidence.leftId,
    rightId: evidence.rightId,
    matchWeight: total,
    matchProbability: 1 / (1 + 2 ** -total),
    steps,
  };
}

/** A plain-text waterfall for the command line. */
export function formatExplanation(e: PairExplanation): string {
  const lines = [
    `${e.leftId} ↔ ${e.rightId}: match weight ${e.matchWeight.toFixed(2)}, probability ${e.matchProbability.toFixed(4)}`,
  ];
  for (const s of e.steps) {
    const values =
      s.leftValue !== undefined ? `  ${s.leftValue ?? "∅"} | ${s.rightValue ?? "∅"}` : "";
    const tf = s.tfAdjustment
      ? ` (tf ${s.tfAdjustment >= 0 ? "+" : ""}${s.tfAdjustment.toFixed(2)})`
      : "";
    lines.push(
      `  ${s.name.padEnd(16)} ${s.level.padEnd(36)} ${(s.weight >= 0 ? "+" : "") + s.weight.toFixed(2)}${tf} → ${s.cumulative.toFixed(2)}${values}`,
    );
  }
  return lines.join("\n");
}
