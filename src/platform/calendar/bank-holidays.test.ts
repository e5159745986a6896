import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DIVISIONS, type Division, shippedBankHolidays } from "./bank-holidays.ts";
import { addDays, dayOfWeek, daysInMonth, isWeekend } from "./dates.ts";
import { easterSunday, ruleBasedBankHolidays } from "./holiday-rules.ts";

/** Easter Sunday (anonymous Gregorian algorithm), independent of the date-holidays package. */
function independentEasterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

const iso = (year: number, month: number, day: number) =>
  `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;

function firstMonday(year: number, month: number): string {
  let date = iso(year, month, 1);
  while (dayOfWeek(date) !== 1) date = addDays(date, 1);
  return date;
}

function lastMonday(year: number, month: number): string {
  let date = iso(year, month, daysInMonth(year, month));
  while (dayOfWeek(date) !== 1) date = addDays(date, -1);
  return date;
}

/** One-off changes by royal proclamation, as published on GOV.UK. */
const ONE_OFF: Record<number, { moved?: [string, string]; added?: string[] }> = {
  2011: { added: ["2011-04-29"] },
  2012: { moved: ["2012-05-28", "2012-06-04"], added: ["2012-06-05"] },
  2020: { moved: ["2020-05-04", "2020-05-08"] },
  2022: { moved: ["2022-05-30", "2022-06-02"], added: ["2022-06-03", "2022-09-19"] },
  2023: { added: ["2023-05-08"] },
};

/** The bank holidays of one division and year, derived from the rules on GOV.UK. */
function expectedHolidays(division: Division, year: number): string[] {
  const taken = new Set<string>();
  const fixed = (month: number, day: number) => {
    let date = iso(year, month, day);
    while (isWeekend(date) || taken.has(date)) date = addDays(date, 1);
    taken.add(date);
  };
  fixed(1, 1);
  if (division === "scotland") fixed(1, 2);
  if (division === "northern-ireland") {
    fixed(3, 17);
    fixed(7, 12);
  }
  if (division === "scotland") fixed(11, 30);
  fixed(12, 25);
  fixed(12, 26);
  const easter = independentEasterSunday(year);
  taken.add(addDays(easter, -2));
  if (division !== "scotland") taken.add(addDays(easter, 1));
  taken.add(firstMonday(year, 5));
  taken.add(lastMonday(year, 5));
  taken.add(division === "scotland" ? firstMonday(year, 8) : lastMonday(year, 8));
  const oneOff = ONE_OFF[year];
  if (oneOff?.moved) {
    taken.delete(oneOff.moved[0]);
    taken.add(oneOff.moved[1]);
  }
  for (const date of oneOff?.added ?? []) taken.add(date);
  return [...taken].sort();
}

function shippedFor(division: Division, year: number): string[] {
  return shippedBankHolidays()
    .holidays.filter((h) => h.date.startsWith(`${year}-`) && h.divisions.includes(division))
    .map((h) => h.date)
    .sort();
}

describe("shipped bank holidays", () => {
  const data = shippedBankHolidays();

  it("cover at least 2015 to 2030", () => {
    assert.ok(data.firstYear <= 2015 && data.lastYear >= 2030);
  });

  for (const division of DIVISIONS) {
    it(`match the statutory rules every year for ${division}`, () => {
      for (let year = data.firstYear; year <= data.lastYear; year++) {
        assert.deepEqual(shippedFor(division, year), expectedHolidays(division, year), `${year}`);
      }
    });
  }

  it("hold no observances, Christmas Eve or weekend dates", () => {
    for (const holiday of data.holidays) {
      assert.ok(!isWeekend(holiday.date), holiday.date);
      assert.doesNotMatch(holiday.title, /Eve|Mother|Father|Easter Sunday|Halloween/);
    }
  });

  const on = (date: string) => data.holidays.filter((h) => h.date === date);
  const divisionsOn = (date: string) =>
    on(date)
      .flatMap((h) => h.divisions)
      .sort();

  it("include the one-off days of 2011 to 2023 in every division", () => {
    for (const date of [
      "2011-04-29",
      "2012-06-04",
      "2012-06-05",
      "2020-05-08",
      "2022-06-02",
      "2022-06-03",
      "2022-09-19",
      "2023-05-08",
    ]) {
      assert.deepEqual(divisionsOn(date), [...DIVISIONS].sort(), date);
    }
    for (const date of ["2012-05-28", "2020-05-04", "2022-05-30"]) {
      assert.deepEqual(on(date), [], `${date} was moved`);
    }
  });

  it("give Scotland 2 January, the first Monday of August and St Andrew's Day", () => {
    assert.deepEqual(divisionsOn("2026-01-02"), ["scotland"]);
    assert.deepEqual(divisionsOn("2026-08-03"), ["scotland"]);
    assert.deepEqual(divisionsOn("2026-08-31"), ["england-and-wales", "northern-ireland"]);
    assert.deepEqual(divisionsOn("2025-12-01"), ["scotland"]);
    assert.match(on("2025-12-01")[0].title, /St Andrew's Day \(substitute day\)/);
    assert.deepEqual(divisionsOn("2022-01-04"), ["scotland"]);
  });

  it("give Northern Ireland St Patrick's Day and the Battle of the Boyne with substitutes", () => {
    assert.deepEqual(divisionsOn("2026-03-17"), ["northern-ireland"]);
    assert.deepEqual(divisionsOn("2024-03-18"), ["northern-ireland"]);
    assert.deepEqual(divisionsOn("2025-07-14"), ["northern-ireland"]);
    assert.deepEqual(divisionsOn("2026-07-13"), ["northern-ireland"]);
  });

  it("do not make Easter Monday a holiday in Scotland", () => {
    assert.deepEqual(divisionsOn("2026-04-06"), ["england-and-wales", "northern-ireland"]);
    assert.deepEqual(divisionsOn("2026-04-03"), [...DIVISIONS].sort());
  });
});

describe("rule-based bank holidays (used outside the shipped years)", () => {
  const data = shippedBankHolidays();
  const key = (h: { date: string; title: string; divisions: string[] }) =>
    `${h.date} ${h.title} ${[...h.divisions].sort().join(",")}`;

  it("match the shipped data, titles included, in every year without one-off days", () => {
    for (let year = data.firstYear; year <= data.lastYear; year++) {
      if (ONE_OFF[year]) continue;
      const shipped = data.holidays.filter((h) => h.date.startsWith(`${year}-`)).map(key);
      assert.deepEqual(ruleBasedBankHolidays(year).map(key).sort(), shipped.sort(), `${year}`);
    }
  });

  it("find Easter", () => {
    assert.equal(easterSunday(2026), "2026-04-05");
    assert.equal(easterSunday(2038), "2038-04-25");
    assert.equal(easterSunday(2008), "2008-03-23");
  });
});
