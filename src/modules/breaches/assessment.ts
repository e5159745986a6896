import { DATA_CATEGORIES, SUBJECT_TYPES } from "./vocabularies.ts";

/**
 * From the facts of a breach to a recommendation, with every step of the reasoning written out.
 * Art. 33(1): notify the ICO unless the breach is unlikely to result in a risk to people's rights and
 * freedoms. Art. 34(1): tell the people affected when it is likely to result in a high risk to them.
 * The rules are a matter of judgement; they are stated on the case page beside the answer.
 */
export type Band = "remote" | "possible" | "probable";
export type Severity = "minimal" | "significant" | "severe";
export type RiskLevel = "low" | "medium" | "high";
export type Outcome = "not-reportable" | "report-to-ico" | "report-and-tell-people";

export interface AssessmentFacts {
  dataCategories: readonly string[];
  subjectTypes: readonly string[];
  likelihood: string | null;
  severity: string | null;
  encrypted: string | null;
  recovered: boolean | null;
  peopleCount: number | null;
}

export interface Assessment {
  likelihood: Band;
  severity: Severity;
  risk: RiskLevel;
  outcome: Outcome;
  reasons: string[];
  /** The facts still missing: the recommendation assumed something for each. */
  assumptions: string[];
}

const BANDS: Band[] = ["remote", "possible", "probable"];
const SEVERITIES: Severity[] = ["minimal", "significant", "severe"];

/**
 * Risk to people from a breach: likelihood of the consequences × their severity. Minimal consequences
 * are never a risk to rights and freedoms, however likely; severe ones are worth telling the ICO even when remote.
 */
export const BREACH_MATRIX: Record<Band, Record<Severity, RiskLevel>> = {
  remote: { minimal: "low", significant: "low", severe: "medium" },
  possible: { minimal: "low", significant: "medium", severe: "high" },
  probable: { minimal: "low", significant: "high", severe: "high" },
};

export const OUTCOME_FOR_RISK: Record<RiskLevel, Outcome> = {
  low: "not-reportable",
  medium: "report-to-ico",
  high: "report-and-tell-people",
};

const LIKELIHOOD_BAND: Record<string, Band> = {
  "very-unlikely": "remote",
  unlikely: "remote",
  neutral: "possible",
  likely: "probable",
  "very-likely": "probable",
};

export function assess(facts: AssessmentFacts): Assessment {
  const reasons: string[] = [];
  const assumptions: string[] = [];

  let likelihood: Band;
  if (facts.likelihood && LIKELIHOOD_BAND[facts.likelihood]) {
    likelihood = LIKELIHOOD_BAND[facts.likelihood];
    reasons.push(
      `Likelihood of significant consequences recorded as ${facts.likelihood.replace("-", " ")}: ${likelihood}.`,
    );
  } else {
    likelihood = "possible";
    assumptions.push(
      "The likelihood of consequences is not yet known: assumed possible until it is.",
    );
  }

  let severity: Severity;
  if (facts.severity && SEVERITIES.includes(facts.severity as Severity)) {
    severity = facts.severity as Severity;
    reasons.push(`Severity of the consequences recorded as ${severity}.`);
  } else {
    severity = "significant";
    assumptions.push(
      "The severity of the consequences is not yet known: assumed significant until it is.",
    );
  }

  const categories = new Set(facts.dataCategories);
  const special = DATA_CATEGORIES.filter(
    (c) => (c.special || c.criminal) && categories.has(c.value),
  );
  const raising = DATA_CATEGORIES.filter((c) => c.raises && categories.has(c.value));
  const vulnerable = SUBJECT_TYPES.filter(
    (s) => s.vulnerable && facts.subjectTypes.includes(s.value),
  );
  const atLeast = (floor: Severity, why: string) => {
    if (SEVERITIES.indexOf(severity) < SEVERITIES.indexOf(floor)) {
      severity = floor;
      reasons.push(`${why}: severity raised to ${floor}.`);
    }
  };
  if (special.length)
    atLeast(
      "significant",
      `Special category or criminal offence data (${special.map((c) => c.text.toLowerCase()).join(", ")}) is involved`,
    );
  if (raising.length)
    atLeast(
      "significant",
      `Data that can be used for fraud or identity theft (${raising.map((c) => c.text.toLowerCase()).join(", ")}) is involved`,
    );
  if (vulnerable.length) {
    const raised = SEVERITIES[Math.min(SEVERITIES.indexOf(severity) + 1, 2)];
    if (raised !== severity) {
      severity = raised;
      reasons.push(
        `The people affected include ${vulnerable.map((s) => s.text.toLowerCase()).join(", ")}, who are more exposed to harm: severity raised one level to ${severity}.`,
      );
    }
  }

  if (facts.encrypted === "yes") {
    if (likelihood !== "remote")
      reasons.push(
        "The data was encrypted to a good standard and the key is safe, so it is unintelligible to anyone who has it: likelihood lowered to remote (Art. 34(3)(a)).",
      );
    likelihood = "remote";
  } else if (facts.recovered === true && likelihood !== "remote") {
    likelihood = BANDS[BANDS.indexOf(likelihood) - 1];
    reasons.push(
      `The data was recovered or deleted by the recipient before it could be misused: likelihood lowered one band to ${likelihood} (Art. 34(3)(b)).`,
    );
  }

  const risk = BREACH_MATRIX[likelihood][severity];
  const outcome = OUTCOME_FOR_RISK[risk];
  reasons.push(
    `${cap(likelihood)} likelihood × ${severity} severity gives a ${risk} risk to the people affected.`,
  );
  if (outcome === "not-reportable")
    reasons.push(
      "A low risk is unlikely to result in a risk to people's rights and freedoms: record the breach, but do not report it to the ICO (Art. 33(1)).",
    );
  if (outcome === "report-to-ico")
    reasons.push(
      "There is a risk to people's rights and freedoms: report to the ICO within 72 hours of becoming aware (Art. 33(1)). It is not high enough to require telling the people affected (Art. 34(1)), though you may choose to.",
    );
  if (outcome === "report-and-tell-people") {
    reasons.push(
      "A high risk to people's rights and freedoms: report to the ICO within 72 hours and tell the people affected without undue delay (Art. 33(1), 34(1)).",
    );
    if (facts.peopleCount && facts.peopleCount > 1000)
      reasons.push(
        "With so many people affected, a public communication may do instead where telling each person would involve disproportionate effort (Art. 34(3)(c)).",
      );
  }
  return { likelihood, severity, risk, outcome, reasons, assumptions };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
