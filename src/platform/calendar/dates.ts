/**
 * Calendar dates as ISO strings (YYYY-MM-DD). Arithmetic goes through UTC midnight so that
 * clock changes and the machine's time zone can never shift a date.
 */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Why `value` is not a real calendar date in YYYY-MM-DD form, or undefined if it is one. */
export function isoDateProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value.trim() === "") return "a date is required (YYYY-MM-DD)";
  const match = ISO_DATE.exec(value);
  if (!match) return `'${value}' is not a date in the form YYYY-MM-DD`;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1900 || year > 2199) return `'${value}': year ${year} is out of range (1900–2199)`;
  if (month < 1 || month > 12) return `'${value}' is not a real date: there is no month ${month}`;
  const lastDay = daysInMonth(year, month);
  if (day < 1 || day > lastDay) {
    return `'${value}' is not a real date: ${MONTHS[month - 1]} ${year} has ${lastDay} days`;
  }
  return undefined;
}

export function isIsoDate(value: unknown): value is IsoDate {
  return isoDateProblem(value) === undefined;
}

function toTime(date: IsoDate): number {
  const [year, month, day] = date.split("-").map(Number);
  return Date.UTC(year, month - 1, day);
}

function fromTime(time: number): IsoDate {
  return new Date(time).toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromTime(toTime(date) + days * DAY_MS);
}

/** Whole days from `from` to `to` (negative if `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((toTime(to) - toTime(from)) / DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: IsoDate): number {
  return new Date(toTime(date)).getUTCDay();
}

export function weekdayName(date: IsoDate): string {
  return WEEKDAYS[dayOfWeek(date)];
}

export function isWeekend(date: IsoDate): boolean {
  const day = dayOfWeek(date);
  return day === 0 || day === 6;
}

/**
 * The same day of the month `months` later; if that month is too short, its last day
 * (31 January + 1 month = 28 or 29 February).
 */
export function addCalendarMonths(date: IsoDate, months: number): IsoDate {
  const [year, month, day] = date.split("-").map(Number);
  const monthIndex = month - 1 + months;
  const targetYear = year + Math.floor(monthIndex / 12);
  const targetMonth = (((monthIndex % 12) + 12) % 12) + 1;
  const targetDay = Math.min(day, daysInMonth(targetYear, targetMonth));
  return `${targetYear}-${String(targetMonth).padStart(2, "0")}-${String(targetDay).padStart(2, "0")}`;
}

/** "Friday 18 December 2026". */
export function formatLongDate(date: IsoDate): string {
  const [year, month, day] = date.split("-").map(Number);
  return `${weekdayName(date)} ${day} ${MONTHS[month - 1]} ${year}`;
}

export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

export function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return a >= b ? a : b;
}
