import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  calculateDeadline,
  DeadlineInputError,
  type DeadlineResult,
  validateDeadlineInput,
} from "./deadlines.ts";
import { createCalendar } from "./working-days.ts";

type Input = Parameters<typeof calculateDeadline>[0];
const due = (input: Input) => calculateDeadline(input).due;
const skippedOn = (result: DeadlineResult, date: string) =>
  result.skipped.find((day) => day.date === date)?.reason;

describe("FOI: 20 working days following the date of receipt", () => {
  it("counts the first working day after receipt as day 1", () => {
    assert.equal(due({ type: "foi", received: "2026-01-12" }), "2026-02-09");
  });

  it("treats receipt on a Friday, Saturday or Sunday alike", () => {
    for (const received of ["2026-01-09", "2026-01-10", "2026-01-11"]) {
      assert.equal(due({ type: "foi", received }), "2026-02-06", received);
    }
    const result = calculateDeadline({ type: "foi", received: "2026-01-10" });
    assert.equal(skippedOn(result, "2026-01-11"), "Sunday");
    assert.equal(skippedOn(result, "2026-01-10"), undefined, "day 0 is not a skipped day");
  });

  it("skips Christmas, New Year and the Scottish 2 January", () => {
    const result = calculateDeadline({ type: "foi", received: "2025-12-15" });
    assert.equal(result.due, "2026-01-16");
    assert.equal(skippedOn(result, "2025-12-25"), "Christmas Day (all UK)");
    assert.equal(skippedOn(result, "2025-12-26"), "Boxing Day (all UK)");
    assert.equal(skippedOn(result, "2026-01-01"), "New Year's Day (all UK)");
    assert.equal(skippedOn(result, "2026-01-02"), "2nd January (Scotland)");
    assert.match(result.explanation, /2026-01-02 2nd January \(Scotland\)/);
    assert.match(result.rule, /FOIA s\.10\(1\)/);
  });

  it("skips substitute days over Christmas 2026", () => {
    const result = calculateDeadline({ type: "foi", received: "2026-12-18" });
    assert.equal(result.due, "2027-01-21");
    assert.equal(skippedOn(result, "2026-12-28"), "Boxing Day (substitute day) (all UK)");
    assert.equal(skippedOn(result, "2027-01-04"), "2nd January (substitute day) (Scotland)");
  });

  it("skips the St Andrew's Day substitute (Scotland)", () => {
    const result = calculateDeadline({ type: "foi", received: "2025-11-20" });
    assert.equal(result.due, "2025-12-19");
    assert.equal(skippedOn(result, "2025-12-01"), "St Andrew's Day (substitute day) (Scotland)");
    const noScottish = createCalendar({ removed: [{ date: "2025-12-01" }] });
    assert.equal(due({ type: "foi", received: "2025-11-20", calendar: noScottish }), "2025-12-18");
  });

  it("skips the Boyne substitute (Northern Ireland) and the first Monday of August (Scotland)", () => {
    const result = calculateDeadline({ type: "foi", received: "2026-07-06" });
    assert.equal(result.due, "2026-08-05");
    assert.match(
      skippedOn(result, "2026-07-13") ?? "",
      /Battle of the Boyne.*\(Northern Ireland\)/,
    );
    assert.equal(skippedOn(result, "2026-08-03"), "Summer bank holiday (Scotland)");
    assert.equal(due({ type: "foi", received: "2026-07-27" }), "2026-08-25");
  });

  it("skips St Patrick's Day (Northern Ireland)", () => {
    const result = calculateDeadline({ type: "foi", received: "2026-03-02" });
    assert.equal(result.due, "2026-03-31");
    assert.equal(skippedOn(result, "2026-03-17"), "St Patrick's Day (Northern Ireland)");
  });

  it("skips Good Friday and Easter Monday", () => {
    const result = calculateDeadline({ type: "foi", received: "2026-03-20" });
    assert.equal(result.due, "2026-04-21");
    assert.equal(skippedOn(result, "2026-04-03"), "Good Friday (all UK)");
    assert.equal(
      skippedOn(result, "2026-04-06"),
      "Easter Monday (England and Wales and Northern Ireland)",
    );
  });

  it("extends to 40 working days for the public interest test", () => {
    const result = calculateDeadline({ type: "foi", received: "2025-12-15", extended: true });
    assert.equal(result.due, "2026-02-13");
    assert.equal(result.extended, true);
    assert.match(result.rule, /s\.10\(3\)/);
  });
});

describe("other working-day clocks", () => {
  it("EIR: 20 working days, 40 when complex and voluminous", () => {
    assert.equal(due({ type: "eir", received: "2026-01-05" }), "2026-02-02");
    const extended = calculateDeadline({ type: "eir", received: "2026-01-05", extended: true });
    assert.equal(extended.due, "2026-03-02");
    assert.match(extended.rule, /reg 7/);
  });

  it("internal review: 20 working days, 40 in exceptional cases", () => {
    assert.equal(due({ type: "internal-review", received: "2026-03-02" }), "2026-03-31");
    assert.equal(
      due({ type: "internal-review", received: "2025-12-15", extended: true }),
      "2026-02-13",
    );
  });

  it("EIR reconsideration: 40 working days, no extension", () => {
    const result = calculateDeadline({
      type: "eir-reconsideration",
      received: "2026-01-05",
      extended: true,
    });
    assert.equal(result.due, "2026-03-02");
    assert.equal(result.extended, false);
    assert.match(result.explanation, /allows no extension/);
  });

  it("police: a local target in the organisation's own working days", () => {
    const result = calculateDeadline({ type: "police", received: "2026-03-16" });
    assert.equal(result.due, "2026-03-30");
    assert.match(result.rule, /Local target/);
    assert.equal(
      due({ type: "police", received: "2026-03-16", division: "northern-ireland" }),
      "2026-03-31",
    );
    assert.equal(
      due({ type: "police", received: "2026-03-16", policeTargetDays: 5 }),
      "2026-03-23",
    );
  });
});

describe("SAR and other data rights: one calendar month", () => {
  it("is due on the corresponding date in the next month", () => {
    assert.equal(due({ type: "sar", received: "2025-09-03" }), "2025-10-03");
    assert.equal(due({ type: "sar", received: "2025-05-30" }), "2025-06-30");
  });

  it("ends on the last day of a shorter month", () => {
    assert.equal(due({ type: "sar", received: "2025-01-31" }), "2025-02-28");
    assert.equal(due({ type: "sar", received: "2024-01-31" }), "2024-02-29");
    assert.equal(due({ type: "sar", received: "2024-01-30" }), "2024-02-29");
    assert.equal(due({ type: "sar", received: "2026-03-31" }), "2026-04-30");
  });

  it("rolls a weekend due date forward to Monday", () => {
    const result = calculateDeadline({ type: "sar", received: "2026-01-31" });
    assert.equal(result.due, "2026-03-02");
    assert.deepEqual(result.rolledForward, { from: "2026-02-28", to: "2026-03-02" });
    assert.deepEqual(
      result.skipped.map((day) => day.date),
      ["2026-02-28", "2026-03-01"],
    );
  });

  it("counts receipt on a weekend as day 1", () => {
    assert.equal(due({ type: "sar", received: "2026-01-03" }), "2026-02-03");
  });

  it("rolls past an England and Wales bank holiday", () => {
    assert.equal(due({ type: "sar", received: "2026-07-31" }), "2026-09-01");
    assert.equal(due({ type: "sar", received: "2026-11-25" }), "2026-12-29");
    assert.equal(due({ type: "sar", received: "2026-07-31", division: "scotland" }), "2026-08-31");
  });

  it("is not rolled by another division's holiday", () => {
    assert.equal(due({ type: "sar", received: "2026-10-31" }), "2026-11-30");
    const scottish = calculateDeadline({
      type: "sar",
      received: "2026-10-31",
      division: "scotland",
    });
    assert.equal(scottish.due, "2026-12-01");
    assert.match(scottish.explanation, /St Andrew's Day \(Scotland\)/);
    assert.equal(due({ type: "sar", received: "2026-07-03" }), "2026-08-03");
    assert.equal(due({ type: "sar", received: "2026-07-03", division: "scotland" }), "2026-08-04");
    assert.equal(due({ type: "sar", received: "2026-02-17" }), "2026-03-17");
    assert.equal(
      due({ type: "sar", received: "2026-02-17", division: "northern-ireland" }),
      "2026-03-18",
    );
  });

  it("extends to three months from receipt, then rolls forward", () => {
    assert.equal(due({ type: "sar", received: "2026-01-15", extended: true }), "2026-04-15");
    assert.equal(due({ type: "sar", received: "2025-11-30", extended: true }), "2026-03-02");
    assert.equal(due({ type: "sar", received: "2026-02-04", extended: true }), "2026-05-05");
    const result = calculateDeadline({ type: "sar", received: "2026-10-31", extended: true });
    assert.equal(result.due, "2027-02-01");
    assert.match(result.rule, /three months/);
  });

  it("accepts the other data rights as aliases", () => {
    const result = calculateDeadline({ type: "erasure", received: "2025-01-31" });
    assert.equal(result.type, "sar");
    assert.equal(result.right, "erasure");
    assert.equal(result.due, "2025-02-28");
  });
});

describe("administrator's calendar adjustments", () => {
  it("an added day (a state funeral) moves the FOI deadline", () => {
    assert.equal(due({ type: "foi", received: "2026-01-05" }), "2026-02-02");
    const calendar = createCalendar({ added: [{ date: "2026-01-08", title: "State funeral" }] });
    const result = calculateDeadline({ type: "foi", received: "2026-01-05", calendar });
    assert.equal(result.due, "2026-02-03");
    assert.equal(skippedOn(result, "2026-01-08"), "State funeral (all UK)");
  });

  it("a removed day counts again, unless another division still has it", () => {
    assert.equal(
      due({
        type: "foi",
        received: "2026-03-20",
        calendar: createCalendar({ removed: [{ date: "2026-04-06" }] }),
      }),
      "2026-04-20",
    );
    const calendar = createCalendar({
      removed: [{ date: "2026-04-06", divisions: ["england-and-wales"] }],
    });
    assert.equal(due({ type: "foi", received: "2026-03-20", calendar }), "2026-04-21");
  });

  it("an added England-only day rolls an England SAR but not a Scottish one", () => {
    const calendar = createCalendar({
      added: [{ date: "2026-03-03", title: "Extra day", divisions: ["england-and-wales"] }],
    });
    assert.equal(due({ type: "sar", received: "2026-02-03", calendar }), "2026-03-04");
    assert.equal(
      due({ type: "sar", received: "2026-02-03", calendar, division: "scotland" }),
      "2026-03-03",
    );
  });
});

describe("bad input", () => {
  for (const received of ["2026-02-30", "2026-13-01", "tomorrow", "", "2026-1-5", "2025-02-29"]) {
    it(`rejects the date '${received}'`, () => {
      assert.throws(() => calculateDeadline({ type: "foi", received }), DeadlineInputError);
      assert.match(validateDeadlineInput({ type: "foi", received }) ?? "", /date/);
    });
  }

  it("rejects an unknown type with the list of types", () => {
    assert.throws(
      () => calculateDeadline({ type: "fio", received: "2026-01-05" }),
      (error: unknown) =>
        error instanceof DeadlineInputError &&
        error.field === "type" &&
        /foi, eir/.test(error.message),
    );
  });

  it("rejects an unknown division and a bad extended flag", () => {
    assert.match(
      validateDeadlineInput({ type: "sar", received: "2026-01-05", division: "wales" }) ?? "",
      /division/,
    );
    assert.match(
      validateDeadlineInput({ type: "foi", received: "2026-01-05", extended: "yes" }) ?? "",
      /extended/,
    );
  });

  it("accepts query-string booleans", () => {
    assert.equal(validateDeadlineInput({ type: "foi", received: "2024-02-29" }), undefined);
    assert.equal(due({ type: "eir", received: "2026-01-05", extended: "true" }), "2026-03-02");
    assert.equal(due({ type: "eir", received: "2026-01-05", extended: "false" }), "2026-02-02");
  });
});
