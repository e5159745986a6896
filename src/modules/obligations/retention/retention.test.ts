import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { createTestContext, type TestContext } from "../../../../test/helpers/runtime.ts";
import type { AuditContext } from "../../../platform/audit/audit-service.ts";
import { readSheet, toCsv } from "../spreadsheet.ts";
import type { OwnRecordSource } from "./own-records.ts";
import {
  cutoffFor,
  describePeriod,
  disposalDate,
  readPeriod,
  readTrigger,
  ruleInput,
} from "./schedule.ts";

const ctxActor: AuditContext = { actorId: null, actorLabel: "test" };

describe("retention triggers and periods", () => {
  it("describes and computes periods from their trigger", () => {
    const rule = { trigger: "closure" as const, periodYears: 6, periodMonths: 0 };
    assert.equal(describePeriod(rule), "Closure + 6 years");
    assert.equal(disposalDate(rule, "2020-02-29"), "2026-02-28");
    assert.equal(cutoffFor(rule, "2026-03-31"), "2020-03-31");
    const dob = { trigger: "date-of-birth" as const, periodYears: 25, periodMonths: 0 };
    assert.equal(describePeriod(dob), "Date of birth + 25 years");
    assert.equal(disposalDate(dob, "2008-05-01"), "2033-05-01");
    const permanent = { trigger: "permanent" as const, periodYears: null, periodMonths: 0 };
    assert.equal(describePeriod(permanent), "Permanent");
    assert.equal(disposalDate(permanent, "2020-01-01"), undefined);
  });

  it("reads periods and triggers as schedules write them", () => {
    assert.deepEqual(readPeriod("Closure + 6 years"), {
      trigger: "closure",
      periodYears: 6,
      periodMonths: 0,
    });
    assert.deepEqual(readPeriod("DOB + 25 years"), {
      trigger: "date-of-birth",
      periodYears: 25,
      periodMonths: 0,
    });
    assert.deepEqual(readPeriod("End of tenancy + 6 years"), {
      trigger: "end-of-tenancy",
      periodYears: 6,
      periodMonths: 0,
    });
    assert.deepEqual(readPeriod("18 months"), {
      trigger: undefined,
      periodYears: 1,
      periodMonths: 6,
    });
    assert.deepEqual(readPeriod("7"), { trigger: undefined, periodYears: 7, periodMonths: 0 });
    assert.equal(readPeriod("Permanent")?.trigger, "permanent");
    assert.equal(readPeriod("a while"), undefined);
    assert.equal(readTrigger("Case closed"), "closure");
    assert.equal(readTrigger("nonsense"), undefined);
  });

  it("refuses a period on a permanent rule and requires one otherwise", () => {
    const base = { code: "X", businessFunction: "F", recordType: "R", disposalAction: "destroy" };
    assert.equal(
      ruleInput.safeParse({ ...base, trigger: "closure", periodYears: "" }).success,
      false,
    );
    assert.equal(
      ruleInput.safeParse({ ...base, trigger: "permanent", periodYears: "5" }).success,
      false,
    );
    assert.equal(
      ruleInput.safeParse({ ...base, trigger: "permanent", periodYears: "" }).success,
      true,
    );
  });
});

describe("retention service", () => {
  let ctx: TestContext;
  let userId: string;
  before(async () => {
    ctx = await createTestContext();
    const u = await ctx.services.users.create(ctxActor, {
      email: "owner@test.example.gov.uk",
      displayName: "Olive Owner",
      password: "a-long-enough-password",
      roles: ["asset-owner"],
    });
    userId = u.id;
  });
  after(() => ctx.close());

  it("imports a schedule all or nothing, after a preview", async () => {
    const r = ctx.services.retention;
    const bad = toCsv(
      ["Code", "Function", "Record type", "Retention period", "Disposal action", "Authority"],
      [
        [
          "HOU-01",
          "Housing",
          "Tenancy files",
          "End of tenancy + 6 years",
          "Destroy",
          "Limitation Act 1980",
        ],
        ["HOU-02", "Housing", "Right to buy", "a while", "Destroy", ""],
        ["HOU-01", "Housing", "Duplicate", "Closure + 6 years", "Destroy", ""],
      ],
    );
    const preview = await r.previewRuleImport(
      ctxActor,
      userId,
      "schedule.csv",
      await readSheet("schedule.csv", Buffer.from(bad)),
    );
    assert.equal(preview.problems.length, 2);
    assert.match(preview.problems[0], /Row 3: period “a while”/);
    assert.match(preview.problems[1], /Row 4: HOU-01 is also on row 2/);
    await assert.rejects(r.applyRuleImport(ctxActor, preview.id, userId), /Correct the problems/);
    assert.equal(
      await r.ruleByCode("HOU-01"),
      undefined,
      "nothing applied from a file with problems",
    );

    const good = toCsv(
      [
        "Ref",
        "Function",
        "Activity",
        "Record type",
        "Trigger",
        "Retention period",
        "Action",
        "Authority",
      ],
      [
        [
          "HOU-01",
          "Housing",
          "Tenancy",
          "Tenancy files",
          "End of tenancy",
          "6 years",
          "Destroy",
          "Limitation Act 1980",
        ],
        [
          "SOC-01",
          "Children's services",
          "Looked-after children",
          "Case files",
          "Date of birth",
          "75",
          "Review",
          "Care Planning Regulations 2010",
        ],
        [
          "COU-01",
          "Democracy",
          "Council meetings",
          "Signed minutes",
          "",
          "Permanent",
          "Transfer to archives",
          "Local Government Act 1972 s.228",
        ],
      ],
    );
    const ok = await r.previewRuleImport(
      ctxActor,
      userId,
      "schedule.csv",
      await readSheet("schedule.csv", Buffer.from(good)),
    );
    assert.deepEqual(ok.problems, []);
    assert.equal(await r.applyRuleImport(ctxActor, ok.id, userId), 3);
    assert.equal((await r.ruleByCode("hou-01"))?.period, "End of tenancy + 6 years");
    assert.equal((await r.ruleByCode("COU-01"))?.disposalAction, "archive");
    await assert.rejects(r.applyRuleImport(ctxActor, ok.id, userId), /expired/);
  });

  it("lists collections due this month; approval certifies, holds stop it, deferral moves it", async () => {
    const r = ctx.services.retention;
    const rule = await r.ruleByCode("HOU-01");
    assert.ok(rule);
    const now = new Date("2026-03-10T12:00:00Z");
    const dueId = await r.addCollection(ctxActor, {
      reference: "BOX-0001",
      description: "Tenancy files A–C",
      ruleId: rule.id,
      location: "Records store, bay 4",
      ownerId: userId,
      serviceAreaId: null,
      triggerDate: "2020-03-15",
    });
    const heldId = await r.addCollection(ctxActor, {
      reference: "BOX-0002",
      description: "Tenancy files D–F",
      ruleId: rule.id,
      location: null,
      ownerId: userId,
      serviceAreaId: null,
      triggerDate: "2020-03-01",
    });
    await r.addCollection(ctxActor, {
      reference: "BOX-0003",
      description: "Tenancy files G–K",
      ruleId: rule.id,
      location: null,
      ownerId: userId,
      serviceAreaId: null,
      triggerDate: "2021-06-01",
    });
    await r.placeHold(ctxActor, {
      kind: "litigation",
      reason: "Claim 2026/044",
      collectionId: heldId,
    });
    const list = await r.dueList({ now });
    assert.deepEqual(
      list.due.map((c) => c.reference),
      ["BOX-0001"],
    );
    assert.deepEqual(
      list.onHold.map((c) => c.reference),
      ["BOX-0002"],
    );
    assert.equal(list.due[0].disposalDue, "2026-03-15");

    await assert.rejects(r.approveDisposal(ctxActor, heldId, { method: null }, now), /legal hold/);
    const cert = await r.approveDisposal(ctxActor, dueId, { method: "Cross-cut shredding" }, now);
    assert.match(cert.number, /^COD-\d{4}-\d{5}$/);
    assert.equal(cert.action, "destroyed");
    assert.equal((await r.collection(dueId))?.status, "disposed");
    await assert.rejects(
      sql`DELETE FROM destruction_certificates`.execute(ctx.services.db),
      /kept for good/,
    );

    const [hold] = await r.holds();
    await r.liftHold(ctxActor, hold.id, "Claim settled");
    await r.deferDisposal(ctxActor, heldId, { until: "2026-09-30", reason: "Awaiting audit" }, now);
    assert.equal((await r.dueList({ now })).due.length, 0);
    assert.equal((await r.dueList({ month: "2026-09" })).due[0].reference, "BOX-0002");
    await assert.rejects(
      r.deferDisposal(ctxActor, heldId, { until: "2026-01-01", reason: "x" }, now),
      /future/,
    );
  });

  it("applies the schedule to Steward's own records under holds, audited", async () => {
    // A fake source standing for closed request cases: what the requests module implements.
    const cases = new Map([
      ["c1", { id: "c1", reference: "FOI-2019-0001", triggerDate: "2019-05-01" }],
      ["c2", { id: "c2", reference: "FOI-2019-0002", triggerDate: "2019-06-01" }],
      ["c3", { id: "c3", reference: "FOI-2025-0003", triggerDate: "2025-06-01" }],
    ]);
    let disposedInTransaction = false;
    const source: OwnRecordSource = {
      key: "request-cases",
      label: "Closed information request cases",
      ruleCode: "STW-01",
      action: "deleted",
      async expired(cutoff) {
        return [...cases.values()].filter((c) => c.triggerDate <= cutoff);
      },
      async dispose(trx, ids) {
        disposedInTransaction = trx.isTransaction;
        for (const id of ids) cases.delete(id);
      },
    };
    const r = ctx.services.retention;
    r.connect(source);
    await r.placeHold(ctxActor, {
      kind: "ico-investigation",
      reason: "ICO case IC-1234",
      source: "request-cases",
      recordId: "FOI-2019-0002",
    });
    const result = await r.applyToOwnRecords(ctxActor, new Date("2026-03-10T00:00:00Z"));
    const summary = result.sources.find((s) => s.source === "request-cases");
    assert.deepEqual(summary && { disposed: summary.disposed, held: summary.held }, {
      disposed: 1,
      held: 1,
    });
    assert.equal(cases.has("c1"), false, "the case past its period disappears");
    assert.equal(cases.has("c2"), true, "the case under hold stays");
    assert.equal(cases.has("c3"), true, "the case within its period stays");
    assert.ok(disposedInTransaction);
    const { events } = await ctx.services.audit.search({ action: "retention-dispose" });
    assert.equal(events.length, 1);
    assert.match(
      String(events[0].summary),
      /1 closed information request cases deleted under STW-01/,
    );
    const certs = await r.certificates();
    assert.ok(
      certs.items.some((c) => c.recordReference === "FOI-2019-0001" && c.action === "deleted"),
    );
    assert.equal((await ctx.services.audit.verify()).ok, true, "the audit chain still verifies");
  });
});
