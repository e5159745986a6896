/**
 * The statutory (and local) time limits Steward knows, with their references.
 * DOMAIN.md §1 is the source for each rule.
 */
export const DEADLINE_TYPES = [
  "foi",
  "eir",
  "sar",
  "internal-review",
  "eir-reconsideration",
  "police",
] as const;
export type DeadlineType = (typeof DEADLINE_TYPES)[number];

/** UK GDPR rights whose requests share the Art. 12(3) one-month clock. */
export const DATA_RIGHTS = [
  "access",
  "rectification",
  "erasure",
  "restriction",
  "objection",
  "portability",
] as const;
export type DataRight = (typeof DATA_RIGHTS)[number];

/** Other names accepted for a type (case-insensitive). */
export const TYPE_ALIASES: Record<string, { type: DeadlineType; right?: DataRight }> = {
  "subject-access": { type: "sar", right: "access" },
  dsar: { type: "sar", right: "access" },
  access: { type: "sar", right: "access" },
  rectification: { type: "sar", right: "rectification" },
  erasure: { type: "sar", right: "erasure" },
  restriction: { type: "sar", right: "restriction" },
  objection: { type: "sar", right: "objection" },
  portability: { type: "sar", right: "portability" },
  ir: { type: "internal-review" },
  "eir-review": { type: "eir-reconsideration" },
};

export const DEFAULT_POLICE_TARGET_DAYS = 10;

export interface WorkingDayRule {
  method: "working-days";
  /** "uk" counts bank holidays anywhere in the UK; "division" only the organisation's own. */
  scope: "uk" | "division";
  days: number;
  rule: string;
  extension?: { days: number; rule: string };
  /** Shown when an extension is asked for but the law allows none. */
  noExtension?: string;
}

export interface CalendarMonthRule {
  method: "calendar-months";
  months: number;
  rule: string;
  extension: { months: number; rule: string };
}

export type DeadlineRule = WorkingDayRule | CalendarMonthRule;

export function ruleFor(type: DeadlineType, policeTargetDays: number): DeadlineRule {
  switch (type) {
    case "foi":
      return {
        method: "working-days",
        scope: "uk",
        days: 20,
        rule: "FOIA s.10(1): 20 working days following the date of receipt",
        extension: {
          days: 40,
          rule: "FOIA s.10(3): public interest test extension, 'such time as is reasonable', which the ICO limits to a further 20 working days (40 working days following the date of receipt)",
        },
      };
    case "eir":
      return {
        method: "working-days",
        scope: "uk",
        days: 20,
        rule: "EIR reg 5(2): 20 working days after the date of receipt",
        extension: {
          days: 40,
          rule: "EIR reg 7(1): complex and voluminous request, 40 working days after the date of receipt",
        },
      };
    case "internal-review":
      return {
        method: "working-days",
        scope: "uk",
        days: 20,
        rule: "FOIA s.45 Code of Practice: internal review within 20 working days following receipt of the complaint",
        extension: {
          days: 40,
          rule: "FOIA s.45 Code of Practice: exceptional case, internal review within 40 working days following receipt of the complaint",
        },
      };
    case "eir-reconsideration":
      return {
        method: "working-days",
        scope: "uk",
        days: 40,
        rule: "EIR reg 11(4): reconsideration decided within 40 working days after the date of receipt of the representations",
        noExtension:
          "EIR reg 11(4) allows no extension of the 40 working days, so the extension asked for was not applied.",
      };
    case "sar":
      return {
        method: "calendar-months",
        months: 1,
        rule: "UK GDPR Art. 12(3): one month from receipt (the day of receipt is day 1), rolled forward to the next working day if it ends on a weekend or bank holiday",
        extension: {
          months: 3,
          rule: "UK GDPR Art. 12(3): extended by two further months for a complex or numerous request (three months from receipt), rolled forward to the next working day",
        },
      };
    case "police":
      return {
        method: "working-days",
        scope: "division",
        days: policeTargetDays,
        rule: `Local target (no statutory deadline for DPA 2018 Sch. 2 requests): ${policeTargetDays} working days following receipt`,
        noExtension:
          "A local target has no statutory extension, so the extension asked for was not applied; change the target days instead.",
      };
  }
}
