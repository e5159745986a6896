import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { alertPointsReached, breachClock, deadlineFor, formatDuration } from "./clock.ts";
import { formatLocal, fromLocal, toLocalParts, zoneAbbreviation } from "./local-time.ts";

const at = (iso: string) => new Date(iso);
const local = (date: string, time: string) => {
  const r = fromLocal(date, time);
  assert.ok(r.ok, `${date} ${time} should be a real UK time`);
  return r.instant;
};

describe("the 72-hour clock", () => {
  it("is 72 clock hours, weekends included", () => {
    const aware = local("2025-06-06", "18:00"); // a Friday evening, BST
    assert.equal(aware.toISOString(), "2025-06-06T17:00:00.000Z");
    const deadline = deadlineFor(aware);
    assert.equal(deadline.toISOString(), "2025-06-09T17:00:00.000Z");
    assert.equal(formatLocal(deadline), "Monday 9 June 2025 at 6pm BST");
  });

  it("stays 72 real hours across the last Sunday of October (BST to GMT)", () => {
    // Lost laptop reported on Friday 25 October 2024 at 6pm BST; the clocks go back at 2am on Sunday 27th.
    const aware = local("2024-10-25", "18:00");
    assert.equal(aware.toISOString(), "2024-10-25T17:00:00.000Z");
    const deadline = deadlineFor(aware);
    assert.equal(deadline.getTime() - aware.getTime(), 72 * 3_600_000);
    // The wall clock reads 5pm on Monday, not 6pm: one of the 72 hours was the repeated hour.
    assert.equal(formatLocal(deadline), "Monday 28 October 2024 at 5pm GMT");
    assert.equal(zoneAbbreviation(aware), "BST");
    assert.equal(zoneAbbreviation(deadline), "GMT");
    // On Monday morning at 9am GMT, 8 hours remain.
    const monday = local("2024-10-28", "09:00");
    const clock = breachClock({ awareAt: aware }, monday);
    assert.equal(clock.state, "running");
    assert.equal(clock.hoursLeft, 8);
    assert.equal(clock.label, "8 hours left");
    // Counting wall-clock hours would wrongly give 9.
  });

  it("stays 72 real hours across the last Sunday of October 2026", () => {
    const aware = local("2026-10-23", "20:30");
    assert.equal(formatLocal(deadlineFor(aware)), "Monday 26 October 2026 at 7:30pm GMT");
  });

  it("stays 72 real hours across the last Sunday of March (GMT to BST)", () => {
    const aware = local("2025-03-28", "18:00");
    assert.equal(aware.toISOString(), "2025-03-28T18:00:00.000Z");
    assert.equal(formatLocal(deadlineFor(aware)), "Monday 31 March 2025 at 7pm BST");
  });

  it("reads UK local times on either side of a change, whatever the server's zone", () => {
    assert.deepEqual(toLocalParts(at("2024-10-27T00:30:00Z")), {
      date: "2024-10-27",
      time: "01:30",
    });
    assert.deepEqual(toLocalParts(at("2024-10-27T01:30:00Z")), {
      date: "2024-10-27",
      time: "01:30",
    });
    const repeated = fromLocal("2024-10-27", "01:30");
    assert.ok(repeated.ok);
    assert.equal(repeated.ambiguous, true);
    assert.equal(
      repeated.instant.toISOString(),
      "2024-10-27T00:30:00.000Z",
      "the first (BST) 1:30am",
    );
    const skipped = fromLocal("2025-03-30", "01:30");
    assert.deepEqual(skipped, { ok: false, reason: "skipped" });
    assert.deepEqual(fromLocal("2025-02-30", "10:00"), { ok: false, reason: "invalid" });
    assert.deepEqual(fromLocal("2025-02-10", "24:00"), { ok: false, reason: "invalid" });
    assert.equal(
      formatLocal(at("2025-01-15T12:00:00Z")),
      "Wednesday 15 January 2025 at midday GMT",
    );
    assert.equal(formatLocal(at("2025-07-15T23:00:00Z")), "Wednesday 16 July 2025 at midnight BST");
  });

  it("shows hours left, rounded down, then minutes in the last hour", () => {
    const aware = at("2025-06-02T09:00:00Z");
    assert.equal(breachClock({ awareAt: aware }, aware).label, "72 hours left");
    assert.equal(
      breachClock({ awareAt: aware }, at("2025-06-02T09:01:00Z")).label,
      "71 hours left",
    );
    const last = breachClock({ awareAt: aware }, at("2025-06-05T08:25:00Z"));
    assert.equal(last.label, "35 minutes left");
    assert.equal(last.urgency, "high");
    assert.equal(breachClock({ awareAt: aware }, at("2025-06-04T09:00:00Z")).urgency, "medium");
    assert.equal(breachClock({ awareAt: aware }, at("2025-06-02T10:00:00Z")).urgency, "low");
  });

  it("runs out at exactly 72 hours and then counts the delay", () => {
    const aware = at("2025-06-02T09:00:00Z");
    const expired = breachClock({ awareAt: aware }, at("2025-06-05T09:00:00Z"));
    assert.equal(expired.state, "overdue");
    assert.equal(expired.delayReasonRequired, true);
    const later = breachClock({ awareAt: aware }, at("2025-06-05T14:30:00Z"));
    assert.equal(later.label, "Overdue by 5 hours");
    assert.equal(later.hoursLeft, -6);
  });

  it("stops when the ICO is told, and asks for reasons when that was after 72 hours", () => {
    const aware = at("2025-06-02T09:00:00Z");
    const inTime = breachClock(
      { awareAt: aware, icoNotifiedAt: at("2025-06-04T01:12:00Z") },
      at("2025-07-01T00:00:00Z"),
    );
    assert.equal(inTime.state, "reported-in-time");
    assert.equal(inTime.label, "Reported to the ICO after 40 hours 12 minutes");
    assert.equal(inTime.delayReasonRequired, false);
    const late = breachClock(
      { awareAt: aware, icoNotifiedAt: at("2025-06-05T10:00:00Z") },
      at("2025-07-01T00:00:00Z"),
    );
    assert.equal(late.state, "reported-late");
    assert.equal(late.delayReasonRequired, true);
    assert.equal(late.msToReport, 73 * 3_600_000);
    const stopped = breachClock(
      { awareAt: aware, notReportable: true },
      at("2025-06-09T00:00:00Z"),
    );
    assert.equal(stopped.state, "not-reportable");
    assert.equal(stopped.delayReasonRequired, false);
  });

  it("reaches each alert point at its hour", () => {
    const aware = at("2025-06-02T09:00:00Z");
    assert.deepEqual(alertPointsReached(aware, at("2025-06-03T08:59:00Z")), []);
    assert.deepEqual(alertPointsReached(aware, at("2025-06-03T09:00:00Z")), [48]);
    assert.deepEqual(alertPointsReached(aware, at("2025-06-04T21:00:00Z")), [48, 24, 12]);
    assert.deepEqual(alertPointsReached(aware, at("2025-06-05T09:00:00Z")), [48, 24, 12, 4, 0]);
  });

  it("formats durations", () => {
    assert.equal(formatDuration(3_600_000), "1 hour");
    assert.equal(formatDuration(61 * 60_000), "1 hour 1 minute");
    assert.equal(formatDuration(5 * 60_000), "5 minutes");
  });
});
