import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestContext, type TestContext } from "../../../test/helpers/runtime.ts";
import type { NewCase } from "./cases/cases-service.ts";
import { ANONYMISED_SUMMARY } from "./retention-source.ts";

const actor = { actorId: null, actorLabel: "test" };

function foi(received: string, requesterName: string): NewCase {
  return {
    type: "foi",
    received,
    channel: "email",
    summary: "Parking fines in 2019",
    requestText: "How many parking fines were issued in 2019?",
    requesterName,
    requesterEmail: `${requesterName.toLowerCase().replace(/ /g, ".")}@example.com`,
  };
}

describe("closed request cases under the retention schedule (STW-01)", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  it("anonymises a case past its period, keeps one under a legal hold and one still in its period", async () => {
    const { cases } = ctx.services.requests;
    const old = await cases.create(actor, foi("2020-03-02", "Pat Old"));
    const held = await cases.create(actor, foi("2020-03-03", "Sam Held"));
    const recent = await cases.create(actor, foi("2025-09-01", "Jo Recent"));
    await cases.close(actor, old.id, { outcome: "provided-in-full", closedOn: "2020-03-20" });
    await cases.close(actor, held.id, { outcome: "provided-in-full", closedOn: "2020-03-21" });
    await cases.close(actor, recent.id, { outcome: "provided-in-full", closedOn: "2025-09-20" });
    const heldRef = (
      await ctx.services.db
        .selectFrom("request_cases")
        .select("reference")
        .where("id", "=", held.id)
        .executeTakeFirstOrThrow()
    ).reference;
    await ctx.services.retention.placeHold(actor, {
      kind: "litigation",
      reason: "Claim against the council",
      source: "request-cases",
      recordId: heldRef,
    });

    const result = await ctx.services.retention.applyToOwnRecords(
      actor,
      new Date("2026-11-25T00:00:00Z"),
    );
    const summary = result.sources.find((s) => s.source === "request-cases");
    assert.equal(summary?.disposed, 1);
    assert.equal(summary?.held, 1);

    const rows = await ctx.services.db
      .selectFrom("request_cases")
      .select([
        "id",
        "summary",
        "requester_name",
        "requester_email",
        "request_text",
        "outcome",
        "received",
      ])
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const gone = byId.get(old.id);
    assert.equal(gone?.summary, ANONYMISED_SUMMARY);
    assert.equal(gone?.requester_name, null);
    assert.equal(gone?.requester_email, null);
    assert.equal(gone?.request_text, "");
    assert.equal(gone?.outcome, "provided-in-full", "statistics stay");
    assert.equal(byId.get(held.id)?.requester_name, "Sam Held", "the case under hold stays");
    assert.equal(
      byId.get(recent.id)?.requester_name,
      "Jo Recent",
      "the case within its period stays",
    );
    const corr = await ctx.services.db
      .selectFrom("request_correspondence")
      .select("id")
      .where("case_id", "=", old.id)
      .execute();
    assert.equal(corr.length, 0);

    const again = await ctx.services.retention.applyToOwnRecords(
      actor,
      new Date("2026-11-25T00:00:00Z"),
    );
    assert.equal(
      again.sources.find((s) => s.source === "request-cases")?.disposed,
      0,
      "nothing is disposed of twice",
    );
    assert.equal((await ctx.services.audit.verify()).ok, true);
  });
});
