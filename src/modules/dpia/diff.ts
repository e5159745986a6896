import type { Snapshot } from "./dpia-service.ts";
import { type DpiaTemplateContent, riskLevel } from "./template.ts";

export interface FieldChange {
  label: string;
  before: string;
  after: string;
}

/** A DPIA as labelled lines of text, in the template's order, so two versions can be compared. */
export function flatten(
  s: Snapshot,
  template: DpiaTemplateContent,
  names: (id: string) => string,
): Map<string, string> {
  const out = new Map<string, string>();
  out.set("Project", s.title);
  out.set("Description", s.description);
  for (const step of template.steps) out.set(step.title, s.content.sections[step.key] ?? "");
  out.set(
    "Assets and processing covered",
    [...s.assetIds, ...s.processingIds].map(names).sort().join("; "),
  );
  for (const r of s.content.risks)
    out.set(
      `Risk: ${r.description}`,
      [
        `${r.riskType}; ${r.likelihood} × ${r.severity} = ${riskLevel(r.likelihood, r.severity)}`,
        r.measures ? `Measures: ${r.measures}` : "",
        r.effect ? `Effect: ${r.effect}` : "",
        r.residual ? `Residual risk: ${r.residual}` : "",
        r.measureApproved ? "Measure approved" : "",
      ]
        .filter(Boolean)
        .join("\n"),
    );
  out.set("DPO advice", s.content.dpoAdvice ?? "");
  return out;
}

/** What changed between two versions: each field added, removed or altered, before and after. */
export function compare(
  before: Snapshot | undefined,
  after: Snapshot,
  template: DpiaTemplateContent,
  names: (id: string) => string,
): FieldChange[] {
  const a = before ? flatten(before, template, names) : new Map<string, string>();
  const b = flatten(after, template, names);
  const changes: FieldChange[] = [];
  for (const label of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(label) ?? "";
    const y = b.get(label) ?? "";
    if (x !== y) changes.push({ label, before: x, after: y });
  }
  return changes;
}
