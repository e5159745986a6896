/**
 * Due dates for information requests, each with the explanation of how it was worked out.
 */
import { DIVISION_NAMES, type Division } from "./bank-holidays.ts";
import { addCalendarMonths, formatLongDate, type IsoDate, isWeekend } from "./dates.ts";
import {
  type CheckedDeadlineInput,
  checkDeadlineInput,
  type DeadlineInput,
} from "./deadline-input.ts";
import {
  type CalendarMonthRule,
  type DataRight,
  type DeadlineType,
  ruleFor,
  type WorkingDayRule,
} from "./deadline-rules.ts";
import {
  addWorkingDays,
  type Calendar,
  type NonWorkingDay,
  type Pause,
  rollForwardToWorkingDay,
  type WorkingDayScope,
} from "./working-days.ts";

export {
  checkDeadlineInput,
  type DeadlineInput,
  DeadlineInputError,
  validateDeadlineInput,
} from "./deadline-input.ts";
export type { DataRight, DeadlineType } from "./deadline-rules.ts";
export { DATA_RIGHTS, DEADLINE_TYPES } from "./deadline-rules.ts";

export interface DeadlineResult {
  type: DeadlineType;
  /** For data-rights requests: which UK GDPR right. */
  right?: DataRight;
  received: IsoDate;
  /** When the clock started, if later than receipt (clarification, identity, fee). */
  clockStart: IsoDate;
  extended: boolean;
  due: IsoDate;
  /** The rule applied, with its statutory reference. */
  rule: string;
  method: "working-days" | "calendar-months";
  /** Working days counted (working-day rules). */
  workingDays?: number;
  /** Calendar months counted (UK GDPR). */
  months?: number;
  /** Whose bank holidays count: "uk" (any part of the UK) or one division. */
  workingDayScope: WorkingDayScope;
  /** The organisation's own part of the UK, where it matters (SAR, police). */
  division?: Division;
  /** Non-working days passed over inside the window or by the roll-forward, with why. */
  skipped: NonWorkingDay[];
  /** Working days disregarded because the clock was paused (fees notice). */
  paused: NonWorkingDay[];
  /** UK GDPR: the date one (or three) months on, before rolling forward to a working day. */
  rolledForward?: { from: IsoDate; to: IsoDate };
  notes: string[];
  /** The explanation as separate lines, for display. */
  steps: string[];
  /** A plain-English paragraph a caseworker can read. */
  explanation: string;
}

export interface ClockAdjustments {
  clockStart?: IsoDate;
  /** Why the clock started on clockStart rather than the date of receipt. */
  clockStartReason?: string;
  pauses?: Pause[];
}

const WORKING_DAY_DEFINITION =
  "a working day is any day other than a Saturday, a Sunday, Christmas Day, Good Friday or a bank holiday in any part of the UK (FOIA s.10(6))";

export function calculateDeadline(input: DeadlineInput): DeadlineResult {
  return deadlineFor(checkDeadlineInput(input));
}

/** The deadline for already-checked input, optionally with a later start or pauses. */
export function deadlineFor(
  input: CheckedDeadlineInput,
  adjustments: ClockAdjustments = {},
): DeadlineResult {
  const rule = ruleFor(input.type, input.policeTargetDays);
  const clockStart = adjustments.clockStart ?? input.received;
  const result =
    rule.method === "working-days"
      ? workingDayDeadline(input, rule, clockStart, adjustments)
      : calendarMonthDeadline(input, rule, clockStart, adjustments);
  addCoverageNote(input.calendar, result);
  result.explanation = result.steps.join(" ");
  return result;
}

function startSteps(
  input: CheckedDeadlineInput,
  clockStart: IsoDate,
  adjustments: ClockAdjustments,
) {
  const steps = [`Received ${formatLongDate(input.received)}.`];
  if (clockStart !== input.received) {
    steps.push(
      `The clock started on ${formatLongDate(clockStart)}${adjustments.clockStartReason ? ` (${adjustments.clockStartReason})` : ""}.`,
    );
  }
  return steps;
}

function listDays(days: NonWorkingDay[]): string {
  return days.map((day) => `${day.date} ${day.reason}`).join("; ");
}

function workingDayDeadline(
  input: CheckedDeadlineInput,
  rule: WorkingDayRule,
  clockStart: IsoDate,
  adjustments: ClockAdjustments,
): DeadlineResult {
  const extended = input.extended && rule.extension !== undefined;
  const days = extended && rule.extension ? rule.extension.days : rule.days;
  const ruleText = extended && rule.extension ? rule.extension.rule : rule.rule;
  const scope: WorkingDayScope = rule.scope === "uk" ? "uk" : input.division;
  const pauses = adjustments.pauses ?? [];
  const count = addWorkingDays(input.calendar, clockStart, days, scope, pauses);
  const notes: string[] = [];
  if (input.extended && !extended && rule.noExtension) notes.push(rule.noExtension);

  const steps = startSteps(input, clockStart, adjustments);
  steps.push(`Rule: ${ruleText}.`);
  steps.push(
    scope === "uk"
      ? `The date of receipt is day 0 whatever day it is; ${WORKING_DAY_DEFINITION}${input.type.startsWith("eir") ? ", which EIR reg 2(1) adopts" : ""}.`
      : `The date of receipt is day 0; working days are those of the organisation in ${DIVISION_NAMES[scope]} (not Saturdays, Sundays or its bank holidays). This is the council's own target, not a statutory limit.`,
  );
  const firstDay = addWorkingDays(input.calendar, clockStart, 1, scope, pauses).date;
  steps.push(`Day 1 is ${formatLongDate(firstDay)}.`);
  if (count.skipped.length > 0) {
    steps.push(`Days not counted (${count.skipped.length}): ${listDays(count.skipped)}.`);
  } else {
    steps.push("No weekends or bank holidays fall in the period.");
  }
  if (count.paused.length > 0) {
    steps.push(
      `Working days disregarded while the clock was paused (${count.paused.length}): ${listDays(count.paused)}.`,
    );
  }
  steps.push(...notes);
  steps.push(`Day ${days} is ${formatLongDate(count.date)}: the response is due by ${count.date}.`);

  return {
    type: input.type,
    ...(input.right && input.type === "sar" ? { right: input.right } : {}),
    received: input.received,
    clockStart,
    extended,
    due: count.date,
    rule: ruleText,
    method: "working-days",
    workingDays: days,
    workingDayScope: scope,
    ...(scope !== "uk" ? { division: scope } : {}),
    skipped: count.skipped,
    paused: count.paused,
    notes,
    steps,
    explanation: "",
  };
}

function calendarMonthDeadline(
  input: CheckedDeadlineInput,
  rule: CalendarMonthRule,
  clockStart: IsoDate,
  adjustments: ClockAdjustments,
): DeadlineResult {
  const extended = input.extended;
  const months = extended ? rule.extension.months : rule.months;
  const ruleText = extended ? rule.extension.rule : rule.rule;
  const nominal = addCalendarMonths(clockStart, months);
  const roll = rollForwardToWorkingDay(input.calendar, nominal, input.division);
  const notes: string[] = [];

  const steps = startSteps(input, clockStart, adjustments);
  steps.push(`Rule: ${ruleText}.`);
  if (input.right && input.right !== "access") {
    steps.push(`The same limit applies to a request to exercise the right to ${input.right}.`);
  }
  const monthWord = months === 1 ? "One month" : "Three months";
  const sameDay = nominal.slice(8) === clockStart.slice(8);
  steps.push(
    sameDay
      ? `${monthWord} from ${clockStart} (counted as day 1) ends on the corresponding date, ${formatLongDate(nominal)}.`
      : `${monthWord} from ${clockStart} (counted as day 1): that month has no day ${Number(clockStart.slice(8))}, so it ends on its last day, ${formatLongDate(nominal)}.`,
  );
  const divisionName = DIVISION_NAMES[input.division];
  if (roll.skipped.length > 0) {
    const why = roll.skipped.map((day) => `${day.date} is ${describe(day)}`).join("; ");
    steps.push(
      `${why}, so the deadline rolls forward to the next working day in ${divisionName}, ${formatLongDate(roll.date)}.`,
    );
  } else {
    steps.push(`That is a working day in ${divisionName}.`);
  }
  steps.push(`The response is due by ${roll.date}.`);

  return {
    type: input.type,
    ...(input.right ? { right: input.right } : {}),
    received: input.received,
    clockStart,
    extended,
    due: roll.date,
    rule: ruleText,
    method: "calendar-months",
    months,
    workingDayScope: input.division,
    division: input.division,
    skipped: roll.skipped,
    paused: [],
    ...(roll.skipped.length > 0 ? { rolledForward: { from: nominal, to: roll.date } } : {}),
    notes,
    steps,
    explanation: "",
  };
}

function describe(day: NonWorkingDay): string {
  return isWeekend(day.date) ? `a ${day.reason}` : `a bank holiday, ${day.reason}`;
}

function addCoverageNote(calendar: Calendar, result: DeadlineResult): void {
  if (calendar.covers(result.received) && calendar.covers(result.due)) return;
  const note = `Steward's bank-holiday data does not cover the whole period from ${result.received} to ${result.due}; outside it bank holidays were derived from the standing rules, which cannot know one-off days (an administrator can add them).`;
  result.notes.push(note);
  result.steps.splice(result.steps.length - 1, 0, note);
}
