/**
 * The working-day calendar: shipped bank holidays plus an administrator's adjustments
 * (a new state funeral added, a cancelled day removed), applied at run time.
 *
 * Two scopes of "working day":
 * - "uk": FOIA s.10(6) and EIR reg 2(1): not a Saturday, Sunday, Christmas Day, Good Friday or a
 *   bank holiday in ANY part of the UK.
 * - a Division: the organisation's own part of the UK (used for the UK GDPR roll-forward).
 */
import {
  type BankHoliday,
  DIVISIONS,
  type Division,
  describeDivisions,
  isDivision,
  shippedBankHolidays,
} from "./bank-holidays.ts";
import { addDays, type IsoDate, isIsoDate, isWeekend, weekdayName, yearOf } from "./dates.ts";
import { ruleBasedBankHolidays } from "./holiday-rules.ts";

export type WorkingDayScope = "uk" | Division;

export interface AddedHoliday {
  date: IsoDate;
  title: string;
  /** Defaults to every division. */
  divisions?: Division[];
}

export interface RemovedHoliday {
  date: IsoDate;
  /** Defaults to every division. */
  divisions?: Division[];
}

export interface CalendarAdjustments {
  added?: AddedHoliday[];
  removed?: RemovedHoliday[];
}

export interface NonWorkingDay {
  date: IsoDate;
  reason: string;
}

export interface Calendar {
  /** Bank holidays on a date, after adjustments, optionally only those of one division. */
  holidaysOn(date: IsoDate, scope?: WorkingDayScope): BankHoliday[];
  isWorkingDay(date: IsoDate, scope: WorkingDayScope): boolean;
  /** Why a date is not a working day ("Saturday", "Christmas Day (all UK)"), or undefined. */
  nonWorkingReason(date: IsoDate, scope: WorkingDayScope): string | undefined;
  /**
   * Whether the shipped data covers the date's year; outside it the standing rules are used,
   * which cannot know one-off days.
   */
  covers(date: IsoDate): boolean;
  holidays(): BankHoliday[];
  readonly adjustments: CalendarAdjustments;
}

function checkAdjustments(adjustments: CalendarAdjustments): void {
  for (const entry of [...(adjustments.added ?? []), ...(adjustments.removed ?? [])]) {
    if (!isIsoDate(entry.date)) throw new Error(`calendar adjustment: bad date '${entry.date}'`);
    if (entry.divisions && !entry.divisions.every(isDivision)) {
      throw new Error(`calendar adjustment: bad division for ${entry.date}`);
    }
  }
}

function indexByDate(holidays: readonly BankHoliday[]): Map<IsoDate, BankHoliday[]> {
  const byDate = new Map<IsoDate, BankHoliday[]>();
  for (const holiday of holidays)
    byDate.set(holiday.date, [...(byDate.get(holiday.date) ?? []), holiday]);
  return byDate;
}

const ruleBasedYears = new Map<number, Map<IsoDate, BankHoliday[]>>();

function ruleBasedOn(date: IsoDate): BankHoliday[] {
  const year = yearOf(date);
  let byDate = ruleBasedYears.get(year);
  if (!byDate) {
    byDate = indexByDate(ruleBasedBankHolidays(year));
    ruleBasedYears.set(year, byDate);
  }
  return byDate.get(date) ?? [];
}

function adjust(
  date: IsoDate,
  holidays: readonly BankHoliday[],
  adjustments: CalendarAdjustments,
): BankHoliday[] {
  let result = [...holidays];
  for (const removal of adjustments.removed ?? []) {
    if (removal.date !== date) continue;
    const removed = removal.divisions ?? [...DIVISIONS];
    result = result
      .map((holiday) => ({
        ...holiday,
        divisions: holiday.divisions.filter((division) => !removed.includes(division)),
      }))
      .filter((holiday) => holiday.divisions.length > 0);
  }
  for (const addition of adjustments.added ?? []) {
    if (addition.date !== date) continue;
    const divisions = DIVISIONS.filter((division) =>
      (addition.divisions ?? DIVISIONS).includes(division),
    );
    if (divisions.length > 0) result.push({ date, title: addition.title, divisions });
  }
  return result;
}

export function createCalendar(adjustments: CalendarAdjustments = {}): Calendar {
  checkAdjustments(adjustments);
  const data = shippedBankHolidays();
  const shipped = indexByDate(data.holidays);
  const covers = (date: IsoDate) => {
    const year = yearOf(date);
    return year >= data.firstYear && year <= data.lastYear;
  };

  const holidaysOn = (date: IsoDate, scope: WorkingDayScope = "uk"): BankHoliday[] => {
    const base = covers(date) ? (shipped.get(date) ?? []) : ruleBasedOn(date);
    return adjust(date, base, adjustments).filter(
      (holiday) => scope === "uk" || holiday.divisions.includes(scope),
    );
  };

  const nonWorkingReason = (date: IsoDate, scope: WorkingDayScope): string | undefined => {
    const holidays = holidaysOn(date, scope).map(
      (holiday) => `${holiday.title} (${describeDivisions(holiday.divisions)})`,
    );
    if (isWeekend(date)) {
      // Christmas Day on a weekend is not listed as a bank holiday (its substitute is), but it
      // helps a caseworker to see why the week looks short.
      const christmas = date.slice(5) === "12-25" ? " (Christmas Day)" : "";
      return [`${weekdayName(date)}${christmas}`, ...holidays].join("; ");
    }
    return holidays.length > 0 ? holidays.join("; ") : undefined;
  };

  const holidays = () => {
    const dates = new Set([
      ...shipped.keys(),
      ...(adjustments.added ?? []).map((added) => added.date),
    ]);
    return [...dates].sort().flatMap((date) => holidaysOn(date));
  };

  return {
    holidaysOn,
    nonWorkingReason,
    isWorkingDay: (date, scope) => nonWorkingReason(date, scope) === undefined,
    covers,
    holidays,
    adjustments,
  };
}

let defaultCalendar: Calendar | undefined;

/** The shipped calendar with no adjustments. */
export function shippedCalendar(): Calendar {
  defaultCalendar ??= createCalendar();
  return defaultCalendar;
}

export interface WorkingDayCount {
  /** The last working day counted. */
  date: IsoDate;
  /** Every non-working day passed over between the start and `date`. */
  skipped: NonWorkingDay[];
  /** Working days passed over because they fell in a pause (e.g. a fees notice). */
  paused: NonWorkingDay[];
}

export interface Pause {
  /** First day disregarded (inclusive). */
  from: IsoDate;
  /** Last day disregarded (inclusive). */
  to: IsoDate;
  reason: string;
}

/**
 * The `count`th working day following `start` (start itself is day 0, whatever day it is).
 * Working days inside a pause are passed over and reported separately.
 */
export function addWorkingDays(
  calendar: Calendar,
  start: IsoDate,
  count: number,
  scope: WorkingDayScope,
  pauses: readonly Pause[] = [],
): WorkingDayCount {
  const skipped: NonWorkingDay[] = [];
  const paused: NonWorkingDay[] = [];
  let date = start;
  let counted = 0;
  while (counted < count) {
    date = addDays(date, 1);
    const reason = calendar.nonWorkingReason(date, scope);
    if (reason) {
      skipped.push({ date, reason });
      continue;
    }
    const pause = pauses.find((candidate) => candidate.from <= date && date <= candidate.to);
    if (pause) {
      paused.push({ date, reason: pause.reason });
      continue;
    }
    counted++;
  }
  return { date, skipped, paused };
}

/** `date` itself if it is a working day, otherwise the next one, with the days passed over. */
export function rollForwardToWorkingDay(
  calendar: Calendar,
  date: IsoDate,
  scope: WorkingDayScope,
): { date: IsoDate; skipped: NonWorkingDay[] } {
  const skipped: NonWorkingDay[] = [];
  let current = date;
  for (let reason = calendar.nonWorkingReason(current, scope); reason; ) {
    skipped.push({ date: current, reason });
    current = addDays(current, 1);
    reason = calendar.nonWorkingReason(current, scope);
  }
  return { date: current, skipped };
}
