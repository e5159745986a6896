/**
 * Regenerates bank-holidays.json from the date-holidays package:
 *   node --import tsx src/platform/calendar/generate-bank-holidays.ts &&
 *     npx biome format --write src/platform/calendar/bank-holidays.json
 *
 * Only true bank holidays are kept (date-holidays also lists observances such as Mother's Day),
 * only weekdays are kept (GOV.UK lists the substitute day, not the Saturday or Sunday itself),
 * titles follow GOV.UK, and the package's known gaps are corrected below.
 * bank-holidays.test.ts re-derives every year from the statutory rules to check the result.
 */
import { writeFileSync } from "node:fs";
import Holidays from "date-holidays";
import type { BankHoliday, BankHolidayData, Division } from "./bank-holidays.ts";
import { DIVISIONS } from "./bank-holidays.ts";
import { isWeekend } from "./dates.ts";

const FIRST_YEAR = 2010;
const LAST_YEAR = 2040;

const REGIONS: Record<Division, string> = {
  "england-and-wales": "ENG",
  scotland: "SCT",
  "northern-ireland": "NIR",
};

const TITLES: Record<string, string> = {
  "January 2nd": "2nd January",
  "Queen’s Platinum Jubilee": "Platinum Jubilee bank holiday",
  "Queen Elizabeth's Funeral Day": "Bank Holiday for the State Funeral of Queen Elizabeth II",
  "King Charles III's Coronation": "Bank holiday for the coronation of King Charles III",
};

interface Correction {
  remove?: string;
  add?: { date: string; title: string };
}

/** Royal proclamations date-holidays does not know about (GOV.UK lists them). */
const CORRECTIONS: Correction[] = [
  { add: { date: "2011-04-29", title: "Royal wedding" } },
  // Diamond Jubilee year: the late May bank holiday moved to Monday 4 June.
  { remove: "2012-05-28", add: { date: "2012-06-04", title: "Spring bank holiday" } },
];

function plainTitle(name: string): string {
  const base = name.replace(/ \(substitute day\)$/, "");
  const substitute = base !== name ? " (substitute day)" : "";
  return `${(TITLES[base] ?? base).replaceAll("’", "'")}${substitute}`;
}

function holidaysFor(division: Division, year: number): { date: string; title: string }[] {
  const source = new Holidays("GB", REGIONS[division]);
  const days = source
    .getHolidays(year)
    .filter((holiday) => holiday.type === "public")
    .map((holiday) => ({ date: holiday.date.slice(0, 10), title: plainTitle(holiday.name) }))
    .filter((holiday) => !isWeekend(holiday.date));
  if (division === "scotland") nameScottishNewYear(days, year);
  for (const correction of CORRECTIONS) {
    if (correction.remove?.startsWith(String(year))) {
      const index = days.findIndex((day) => day.date === correction.remove);
      if (index < 0) throw new Error(`correction: ${correction.remove} not found`);
      days.splice(index, 1);
    }
    if (correction.add?.date.startsWith(String(year))) days.push({ ...correction.add });
  }
  return days.sort((a, b) => a.date.localeCompare(b.date));
}

/**
 * Scotland has two New Year holidays; GOV.UK calls the first weekday one "New Year's Day" and
 * the second "2nd January", each marked as a substitute when not on its own date.
 */
function nameScottishNewYear(days: { date: string; title: string }[], year: number): void {
  const newYear = days.filter((day) => /^(New Year's Day|2nd January)/.test(day.title));
  if (newYear.length !== 2) throw new Error(`Scotland ${year}: expected two New Year holidays`);
  newYear.sort((a, b) => a.date.localeCompare(b.date));
  const [first, second] = newYear;
  first.title = first.date.endsWith("-01-01")
    ? "New Year's Day"
    : "New Year's Day (substitute day)";
  second.title = second.date.endsWith("-01-02") ? "2nd January" : "2nd January (substitute day)";
}

function assertWalesMatchesEngland(year: number): void {
  const key = (region: string) =>
    new Holidays("GB", region)
      .getHolidays(year)
      .filter((holiday) => holiday.type === "public")
      .map((holiday) => holiday.date.slice(0, 10))
      .join();
  if (key("ENG") !== key("WLS")) throw new Error(`${year}: Wales differs from England`);
}

export function generateBankHolidays(): BankHolidayData {
  const merged = new Map<string, BankHoliday>();
  for (let year = FIRST_YEAR; year <= LAST_YEAR; year++) {
    assertWalesMatchesEngland(year);
    for (const division of DIVISIONS) {
      for (const day of holidaysFor(division, year)) {
        const key = `${day.date} ${day.title}`;
        const entry = merged.get(key) ?? { date: day.date, title: day.title, divisions: [] };
        entry.divisions.push(division);
        merged.set(key, entry);
      }
    }
  }
  const holidays = [...merged.values()].sort(
    (a, b) => a.date.localeCompare(b.date) || a.title.localeCompare(b.title),
  );
  return {
    source:
      "date-holidays (GB: ENG, WLS, SCT, NIR), weekdays only, titles and one-off days checked against https://www.gov.uk/bank-holidays.json",
    firstYear: FIRST_YEAR,
    lastYear: LAST_YEAR,
    holidays,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = new URL("./bank-holidays.json", import.meta.url);
  writeFileSync(target, `${JSON.stringify(generateBankHolidays(), null, 2)}\n`);
  console.log(`wrote ${target.pathname}`);
}
