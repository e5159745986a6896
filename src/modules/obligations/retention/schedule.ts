import { z } from "zod";
import { addMonths, type IsoDate } from "../dates.ts";

/** What starts the retention clock. "permanent" records are never disposed of. */
export const TRIGGERS = {
  closure: "Closure of the case or file",
  creation: "Creation",
  "last-action": "Last action on the file",
  "date-of-birth": "Date of birth",
  "end-of-tenancy": "End of tenancy",
  "end-of-contract": "End of contract",
  "end-of-employment": "End of employment",
  "end-of-financial-year": "End of the financial year",
  permanent: "Permanent",
} as const;
export type Trigger = keyof typeof TRIGGERS;

const TRIGGER_SHORT: Record<Trigger, string> = {
  closure: "closure",
  creation: "creation",
  "last-action": "last action",
  "date-of-birth": "date of birth",
  "end-of-tenancy": "end of tenancy",
  "end-of-contract": "end of contract",
  "end-of-employment": "end of employment",
  "end-of-financial-year": "end of financial year",
  permanent: "permanent",
};

export const DISPOSAL_ACTIONS = {
  destroy: "Destroy",
  archive: "Transfer to archives",
  review: "Review",
} as const;
export type DisposalAction = keyof typeof DISPOSAL_ACTIONS;

export const HOLD_KINDS = {
  litigation: "Litigation",
  inquiry: "Public inquiry",
  "ico-investigation": "ICO investigation",
  other: "Other",
} as const;
export type HoldKind = keyof typeof HOLD_KINDS;

export interface RetentionPeriod {
  trigger: Trigger;
  periodYears: number | null;
  periodMonths: number;
}

/** "closure + 6 years", "date of birth + 25 years", "permanent". */
export function describePeriod(p: RetentionPeriod): string {
  if (p.trigger === "permanent" || p.periodYears === null) return "Permanent";
  const parts: string[] = [];
  if (p.periodYears) parts.push(`${p.periodYears} year${p.periodYears === 1 ? "" : "s"}`);
  if (p.periodMonths) parts.push(`${p.periodMonths} month${p.periodMonths === 1 ? "" : "s"}`);
  const length = parts.length ? parts.join(" ") : "0 years";
  const short = TRIGGER_SHORT[p.trigger];
  return `${short.charAt(0).toUpperCase()}${short.slice(1)} + ${length}`;
}

/** The date a record reaches the end of its period; undefined for permanent records. */
export function disposalDate(p: RetentionPeriod, triggerDate: IsoDate): IsoDate | undefined {
  if (p.trigger === "permanent" || p.periodYears === null) return undefined;
  return addMonths(triggerDate, p.periodYears * 12 + p.periodMonths);
}

/** Records triggered on or before this date are past their period today. */
export function cutoffFor(p: RetentionPeriod, on: IsoDate): IsoDate | undefined {
  if (p.trigger === "permanent" || p.periodYears === null) return undefined;
  return addMonths(on, -(p.periodYears * 12 + p.periodMonths));
}

const TRIGGER_WORDS: [RegExp, Trigger][] = [
  [/permanent|indefinite|in perpetuity|forever/, "permanent"],
  [/birth|\bdob\b/, "date-of-birth"],
  [/tenanc/, "end-of-tenancy"],
  [/contract/, "end-of-contract"],
  [/employ|leaving|leaver/, "end-of-employment"],
  [/financial year|tax year|end of year/, "end-of-financial-year"],
  [/last (action|activity|contact|entry)/, "last-action"],
  [/creat|from date of|date of record/, "creation"],
  [/clos|complet|resolv|conclu/, "closure"],
];

/** Reads a trigger written as a council would: "Case closed", "DOB", "End of tenancy". */
export function readTrigger(text: string): Trigger | undefined {
  const t = text.trim().toLowerCase();
  if (!t) return undefined;
  if (t in TRIGGERS) return t as Trigger;
  for (const [pattern, trigger] of TRIGGER_WORDS) if (pattern.test(t)) return trigger;
  return undefined;
}

/**
 * Reads a retention period as schedules write it: "6", "6 years", "6 years 6 months", "18 months",
 * "Closure + 6 years", "DOB + 25 years", "Permanent". The trigger is read when the text names one.
 */
export function readPeriod(
  text: string,
): { trigger?: Trigger; periodYears: number | null; periodMonths: number } | undefined {
  const t = text.trim().toLowerCase();
  if (!t) return undefined;
  if (/permanent|indefinite|in perpetuity/.test(t))
    return { trigger: "permanent", periodYears: null, periodMonths: 0 };
  const years = /(\d+)\s*(years?|yrs?|y\b)/.exec(t);
  const months = /(\d+)\s*(months?|mths?|m\b)/.exec(t);
  const bare = /^(\d+)$/.exec(t);
  let y = years ? Number(years[1]) : bare ? Number(bare[1]) : 0;
  let m = months ? Number(months[1]) : 0;
  if (!years && !months && !bare) {
    const plus = /\+\s*(\d+)\s*$/.exec(t);
    if (!plus) return undefined;
    y = Number(plus[1]);
  }
  y += Math.floor(m / 12);
  m %= 12;
  if (y > 200) return undefined;
  const rest = t.replace(/\+?\s*\d+\s*(years?|yrs?|months?|mths?|y\b|m\b)?/g, "").trim();
  return { trigger: rest ? readTrigger(rest) : undefined, periodYears: y, periodMonths: m };
}

export function readDisposalAction(text: string): DisposalAction | undefined {
  const t = text.trim().toLowerCase();
  if (!t) return undefined;
  if (/archiv|transfer|record office|permanent preservation/.test(t)) return "archive";
  if (/review|appraise/.test(t)) return "review";
  if (/destr|delet|shred|dispos|confidential waste/.test(t)) return "destroy";
  return undefined;
}

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Must be ${max} characters or fewer`)
    .optional()
    .transform((v) => (v ? v : null));

const uuidOrNull = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v && /^[0-9a-f-]{36}$/i.test(v) ? v : null));

/** One rule of the schedule, from the form or a spreadsheet row. */
export const ruleInput = z
  .object({
    code: z
      .string()
      .trim()
      .min(1, "Enter a reference for the record class, like HOU-03")
      .max(40, "The reference must be 40 characters or fewer"),
    businessFunction: z.string().trim().min(1, "Enter the function, like Housing").max(200),
    activity: optionalText(200),
    recordType: z
      .string()
      .trim()
      .min(1, "Enter the record type, like Tenancy files")
      .max(300, "The record type must be 300 characters or fewer"),
    trigger: z.enum(Object.keys(TRIGGERS) as [Trigger, ...Trigger[]], {
      message: "Select what starts the retention period",
    }),
    periodYears: z.preprocess(
      (v) => (v === "" || v === undefined || v === null ? null : v),
      z.coerce
        .number({ message: "Enter the number of years as a whole number" })
        .int("Enter the number of years as a whole number")
        .min(0, "The number of years must be 0 or more")
        .max(200, "The number of years must be 200 or fewer")
        .nullable(),
    ),
    periodMonths: z.preprocess(
      (v) => (v === "" || v === undefined || v === null ? 0 : v),
      z.coerce
        .number({ message: "Enter the number of months as a whole number" })
        .int("Enter the number of months as a whole number")
        .min(0, "The number of months must be between 0 and 11")
        .max(11, "The number of months must be between 0 and 11"),
    ),
    disposalAction: z.enum(Object.keys(DISPOSAL_ACTIONS) as [DisposalAction, ...DisposalAction[]], {
      message: "Select what happens at the end of the period",
    }),
    authority: optionalText(500),
    notes: optionalText(2000),
    ownerId: uuidOrNull,
    serviceAreaId: uuidOrNull,
  })
  .superRefine((v, ctx) => {
    if (v.trigger === "permanent" && v.periodYears !== null && v.periodYears > 0)
      ctx.addIssue({
        code: "custom",
        path: ["periodYears"],
        message: "Leave the years empty for permanent records",
      });
    if (v.trigger !== "permanent" && v.periodYears === null)
      ctx.addIssue({
        code: "custom",
        path: ["periodYears"],
        message: "Enter how many years the records are kept",
      });
  })
  .transform((v) => (v.trigger === "permanent" ? { ...v, periodYears: null, periodMonths: 0 } : v));
export type RuleInput = z.output<typeof ruleInput>;
