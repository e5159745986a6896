/** Human-readable summaries of settings and runs for the command line (and the app's log). */
import { levelWeight } from "./predict.ts";
import type { ColumnProfile } from "./profile.ts";
import { describeRule, type Settings } from "./settings.ts";

export function describeSettings(
  settings: Settings,
  profiles?: ColumnProfile[],
  ruleCounts?: { rule: string; pairs: number; newPairs?: number }[],
): string {
  const lines: string[] = [`Link type: ${settings.linkType}`, "", "Columns compared:"];
  for (const f of settings.features) {
    const why = profiles?.find((p) => p.column === f.column)?.reason;
    lines.push(
      `  ${f.column} → ${f.kind}${f.termFrequency ? " (term-frequency adjusted)" : ""}${why ? `: ${why}` : ""}`,
    );
  }
  const skipped =
    profiles?.filter((p) => !settings.features.some((f) => f.column === p.column)) ?? [];
  for (const p of skipped)
    lines.push(
      `  ${p.column} not compared: ${p.kind === null ? p.reason : "truth-like, ignored or redundant"}`,
    );
  lines.push("", "Comparisons (levels, strongest first):");
  for (const c of settings.comparisons) {
    lines.push(`  ${c.name}: ${c.description}`);
    for (const level of c.levels) {
      if (level.isNull) continue;
      const params =
        level.m !== undefined && level.u !== undefined && settings.trained
          ? `  m=${level.m.toFixed(4)} u=${level.u.toExponential(2)} weight=${levelWeight(level.m, level.u).toFixed(2)}`
          : "";
      lines.push(`    - ${level.label}${params}`);
    }
  }
  lines.push("", "Blocking rules (pairs compared):");
  settings.blockingRules.forEach((rule, i) => {
    const count = ruleCounts?.[i];
    const n = count
      ? `: ${Math.round(count.pairs).toLocaleString("en-GB")} pairs${count.newPairs !== undefined ? `, ${count.newPairs.toLocaleString("en-GB")} new` : ""}`
      : "";
    lines.push(`  ${i + 1}. ${describeRule(rule)}${n}`);
  });
  if (settings.deterministicRules.length > 0) {
    lines.push("", `Deterministic rules for λ (assumed recall ${settings.deterministicRecall}):`);
    for (const rule of settings.deterministicRules) lines.push(`  ${describeRule(rule)}`);
  }
  lines.push(
    "",
    settings.scoring === "candidates"
      ? "Scoring: against the candidate pairs (surnames and addresses suggest households; --scoring random for Splink's model)"
      : "Scoring: against random pairs (Splink's model)",
  );
  if (settings.probabilityTwoRandomRecordsMatch !== undefined) {
    lines.push(
      "",
      `λ (probability two random records match): ${settings.probabilityTwoRandomRecordsMatch.toExponential(3)}`,
    );
  }
  return lines.join("\n");
}
