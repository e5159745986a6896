import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CaseEvent, calculateCaseClock } from "./case-clock.ts";
import { DeadlineInputError } from "./deadlines.ts";

const clock = (type: string, received: string, events: CaseEvent[], extended = false) =>
  calculateCaseClock({ type, received, events, extended });

describe("case clock", () => {
  it("without events gives the plain deadline", () => {
    const result = clock("foi", "2026-03-02", []);
    assert.equal(result.status, "running");
    assert.equal(result.due, "2026-03-31");
    assert.equal(result.history.length, 1);
  });

  it("FOI clarification stops the clock and restarts it from the clarification", () => {
    const result = clock("foi", "2026-03-02", [
      { type: "clarification-requested", date: "2026-03-04" },
      { type: "clarification-received", date: "2026-03-10" },
    ]);
    assert.equal(result.due, "2026-04-10");
    assert.equal(result.deadline?.clockStart, "2026-03-10");
    assert.deepEqual(
      result.history.map((change) => [change.event, change.previousDue, change.due]),
      [
        ["received", null, "2026-03-31"],
        ["clarification-requested", "2026-03-31", null],
        ["clarification-received", null, "2026-04-10"],
      ],
    );
    assert.match(result.explanation, /clarification received/);
  });

  it("is on hold while clarification is awaited", () => {
    const result = clock("foi", "2026-03-02", [
      { type: "clarification-requested", date: "2026-03-04" },
    ]);
    assert.equal(result.status, "on-hold");
    assert.equal(result.due, null);
    assert.match(result.waitingFor ?? "", /clarification/);
  });

  it("FOI fees notice: working days from notice to payment, both included, are disregarded", () => {
    const result = clock("foi", "2026-03-02", [
      { type: "fees-notice-issued", date: "2026-03-09" },
      { type: "fee-paid", date: "2026-03-13" },
    ]);
    assert.equal(result.due, "2026-04-09");
    assert.deepEqual(
      result.deadline?.paused.map((day) => day.date),
      ["2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12", "2026-03-13"],
    );
    assert.match(result.explanation, /s\.10\(2\)/);
  });

  it("FOI fees notice: a pause spanning a weekend only disregards working days", () => {
    // Notice Thursday 12 March, paid Tuesday 17 March (St Patrick's Day): 12, 13, 16 paused.
    const result = clock("foi", "2026-03-02", [
      { type: "fees-notice-issued", date: "2026-03-12" },
      { type: "fee-paid", date: "2026-03-17" },
    ]);
    assert.equal(result.deadline?.paused.length, 3);
    assert.equal(result.due, "2026-04-07");
  });

  it("is on hold while a fee is unpaid", () => {
    const result = clock("eir", "2026-03-02", [{ type: "fees-notice-issued", date: "2026-03-09" }]);
    assert.equal(result.status, "on-hold");
  });

  it("extension applied later moves an FOI deadline to 40 working days", () => {
    const result = clock("foi", "2026-03-02", [{ type: "extension-applied", date: "2026-03-20" }]);
    assert.equal(result.due, "2026-04-30");
    assert.deepEqual(result.history[1], {
      date: "2026-03-20",
      event: "extension-applied",
      previousDue: "2026-03-31",
      due: "2026-04-30",
      reason: "2026-03-20: extension applied; due date moved from 2026-03-31 to 2026-04-30.",
    });
  });

  it("SAR: the month runs from identity evidence received later", () => {
    const result = clock("sar", "2026-03-02", [
      { type: "identity-requested", date: "2026-03-03" },
      { type: "identity-received", date: "2026-03-31" },
    ]);
    assert.equal(result.due, "2026-04-30");
    assert.equal(result.history[0].due, "2026-04-02");
    assert.match(result.explanation, /identity evidence received/);
  });

  it("SAR: identity received the same day leaves the deadline alone", () => {
    const result = clock("sar", "2026-03-02", [{ type: "identity-received", date: "2026-03-02" }]);
    assert.equal(result.due, "2026-04-02");
  });

  it("SAR: clarification and fee start the clock when later; extension gives three months", () => {
    const result = clock("sar", "2026-01-05", [
      { type: "fees-notice-issued", date: "2026-01-06" },
      { type: "fee-paid", date: "2026-01-30" },
      { type: "extension-applied", date: "2026-02-10" },
    ]);
    // Three months from 30 January 2026 is 30 April 2026 (Thursday).
    assert.equal(result.due, "2026-04-30");
  });

  it("rejects events before receipt or of unknown type", () => {
    assert.throws(
      () => clock("foi", "2026-03-02", [{ type: "fee-paid", date: "2026-03-01" }]),
      DeadlineInputError,
    );
    assert.throws(
      () =>
        calculateCaseClock({
          type: "foi",
          received: "2026-03-02",
          events: [{ type: "lunch", date: "2026-03-03" } as unknown as CaseEvent],
        }),
      DeadlineInputError,
    );
  });
});
