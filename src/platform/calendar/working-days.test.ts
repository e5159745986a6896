import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addCalendarMonths, isoDateProblem } from "./dates.ts";
import { addWorkingDays, createCalendar, rollForwardToWorkingDay } from "./working-days.ts";

describe("dates", () => {
  it("adds calendar months, clamping to the month's last day", () => {
    assert.equal(addCalendarMonths("2026-01-31", 1), "2026-02-28");
    assert.equal(addCalendarMonths("2028-01-31", 1), "2028-02-29");
    assert.equal(addCalendarMonths("2026-11-30", 3), "2027-02-28");
    assert.equal(addCalendarMonths("2026-12-15", 1), "2027-01-15");
  });

  it("explains impossible dates", () => {
    assert.match(isoDateProblem("2026-02-30") ?? "", /February 2026 has 28 days/);
    assert.match(isoDateProblem("2026-13-01") ?? "", /no month 13/);
    assert.match(isoDateProblem("tomorrow") ?? "", /YYYY-MM-DD/);
    assert.equal(isoDateProblem("2028-02-29"), undefined);
  });
});

describe("working-day calendar", () => {
  const calendar = createCalendar();

  it("uses the union of all divisions for FOI working days", () => {
    assert.equal(calendar.isWorkingDay("2026-01-02", "uk"), false);
    assert.equal(calendar.isWorkingDay("2026-01-02", "england-and-wales"), true);
    assert.equal(calendar.isWorkingDay("2026-03-17", "uk"), false);
    assert.equal(calendar.isWorkingDay("2026-03-17", "scotland"), true);
    assert.equal(calendar.isWorkingDay("2026-03-18", "uk"), true);
  });

  it("names why a day is not a working day", () => {
    assert.equal(calendar.nonWorkingReason("2026-11-30", "uk"), "St Andrew's Day (Scotland)");
    assert.equal(calendar.nonWorkingReason("2022-12-25", "uk"), "Sunday (Christmas Day)");
    assert.equal(calendar.nonWorkingReason("2026-12-26", "uk"), "Saturday");
  });

  it("counts working days after the start and lists what it skipped", () => {
    const count = addWorkingDays(calendar, "2026-04-02", 2, "uk");
    assert.equal(count.date, "2026-04-08");
    assert.deepEqual(
      count.skipped.map((day) => day.date),
      ["2026-04-03", "2026-04-04", "2026-04-05", "2026-04-06"],
    );
  });

  it("rolls forward to the next working day of a division", () => {
    assert.equal(rollForwardToWorkingDay(calendar, "2026-08-03", "scotland").date, "2026-08-04");
    assert.equal(
      rollForwardToWorkingDay(calendar, "2026-08-03", "england-and-wales").date,
      "2026-08-03",
    );
  });

  it("applies added and removed days without touching the shipped calendar", () => {
    const adjusted = createCalendar({
      added: [{ date: "2026-06-15", title: "State funeral", divisions: ["scotland"] }],
      removed: [{ date: "2026-03-17" }],
    });
    assert.equal(adjusted.isWorkingDay("2026-06-15", "uk"), false);
    assert.equal(adjusted.isWorkingDay("2026-06-15", "england-and-wales"), true);
    assert.equal(adjusted.isWorkingDay("2026-03-17", "uk"), true);
    assert.equal(calendar.isWorkingDay("2026-03-17", "uk"), false);
    assert.throws(() => createCalendar({ added: [{ date: "2026-02-30", title: "x" }] }));
  });
});
