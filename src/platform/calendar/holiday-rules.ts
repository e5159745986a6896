/**
 * The standing rules for UK bank holidays (Banking and Financial Dealings Act 1971, Sch. 1, and
 * the regular royal proclamations), for years outside the shipped data. One-off days (jubilees,
 * state funerals) cannot be derived; administrators add them.
 */
import type { BankHoliday, Division } from "./bank-holidays.ts";
import { DIVISIONS } from "./bank-holidays.ts";
import { addDays, dayOfWeek, daysInMonth, type IsoDate, isWeekend } from "./dates.ts";

const iso = (year: number, month: number, day: number): IsoDate =>
  `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;

/** Easter Sunday by the anonymous Gregorian algorithm. */
export function easterSunday(year: number): IsoDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const h =
    (19 * a + b - Math.floor(b / 4) - Math.floor((b - Math.floor((b + 8) / 25) + 1) / 3) + 15) % 30;
  const l = (32 + 2 * (b % 4) + 2 * Math.floor(c / 4) - h - (c % 4)) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return iso(year, month, day);
}

function firstMonday(year: number, month: number): IsoDate {
  const first = iso(year, month, 1);
  return addDays(first, (8 - dayOfWeek(first)) % 7);
}

function lastMonday(year: number, month: number): IsoDate {
  const last = iso(year, month, daysInMonth(year, month));
  return addDays(last, -((dayOfWeek(last) + 6) % 7));
}

function divisionHolidays(division: Division, year: number): { date: IsoDate; title: string }[] {
  const days: { date: IsoDate; title: string }[] = [];
  const taken = new Set<IsoDate>();
  // A fixed date on a weekend, or on a day already taken, moves to the next free weekday.
  const fixed = (month: number, day: number, title: string) => {
    let date = iso(year, month, day);
    const own = date;
    while (isWeekend(date) || taken.has(date)) date = addDays(date, 1);
    taken.add(date);
    days.push({ date, title: date === own ? title : `${title} (substitute day)` });
  };
  const moving = (date: IsoDate, title: string) => {
    taken.add(date);
    days.push({ date, title });
  };
  const scotland = division === "scotland";
  fixed(1, 1, "New Year's Day");
  if (scotland) fixed(1, 2, "2nd January");
  if (division === "northern-ireland") fixed(3, 17, "St Patrick's Day");
  const easter = easterSunday(year);
  moving(addDays(easter, -2), "Good Friday");
  if (!scotland) moving(addDays(easter, 1), "Easter Monday");
  moving(firstMonday(year, 5), "Early May bank holiday");
  moving(lastMonday(year, 5), "Spring bank holiday");
  if (division === "northern-ireland") fixed(7, 12, "Battle of the Boyne (Orangemen's Day)");
  moving(scotland ? firstMonday(year, 8) : lastMonday(year, 8), "Summer bank holiday");
  if (scotland) fixed(11, 30, "St Andrew's Day");
  // GOV.UK keeps Boxing Day on Monday 26th when Christmas falls on a Sunday.
  if (dayOfWeek(iso(year, 12, 25)) === 0) {
    fixed(12, 26, "Boxing Day");
    fixed(12, 25, "Christmas Day");
  } else {
    fixed(12, 25, "Christmas Day");
    fixed(12, 26, "Boxing Day");
  }
  return days;
}

/** The bank holidays the standing rules give for a year, merged across divisions. */
export function ruleBasedBankHolidays(year: number): BankHoliday[] {
  const merged = new Map<string, BankHoliday>();
  for (const division of DIVISIONS) {
    for (const day of divisionHolidays(division, year)) {
      const key = `${day.date} ${day.title}`;
      const entry = merged.get(key) ?? { ...day, divisions: [] };
      entry.divisions.push(division);
      merged.set(key, entry);
    }
  }
  return [...merged.values()].sort((a, b) => a.date.localeCompare(b.date));
}
