import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { signedInClient } from "../../../test/helpers/http.ts";
import { createTestContext, createUser, type TestContext } from "../../../test/helpers/runtime.ts";
import { BreachesService } from "./breaches-service.ts";
import { ANONYMISED_SUMMARY } from "./retention-source.ts";
import { trendsFor } from "./trends.ts";

const actor = { actorId: null, actorLabel: "test" };
const HOUR = 3_600_000;

describe("closed breach files under the retention schedule (STW-02)", () => {
  let ctx: TestContext;
  let now = new Date();
  let breaches: BreachesService;
  let reporterId: string;
  let officerId: string;
  before(async () => {
    ctx = await createTestContext();
    // A service whose clock the test sets, so files can be reported and closed years ago.
    breaches = new BreachesService(
      ctx.services.db,
      ctx.services.audit,
      ctx.services.mail,
      ctx.services.users,
      ctx.services.organisation,
      { igTeamEmail: "ig@test.example.gov.uk", publicUrl: "http://localhost", now: () => now },
    );
    reporterId = (await createUser(ctx, [])).id;
    officerId = (await createUser(ctx, ["ig-officer"])).id;
  });
  after(() => ctx.close());

  /** A breach reported at `on`, reported to the ICO, and (unless `open`) closed the same day. */
  async function file(on: string, reporterWords: string, options: { open?: boolean } = {}) {
    now = new Date(`${on}T09:00:00Z`);
    const b = await breaches.report(actor, reporterId, {
      summary: `${reporterWords}: letter about Mrs Jane Example sent to her neighbour`,
      dataInvolved: "Jane Example's name, address and care package",
      whoKnows: "The neighbour, Mr John Sample",
      occurredAt: new Date(now.getTime() - 2 * HOUR),
      discoveredAt: new Date(now.getTime() - HOUR),
    });
    await breaches.triage(actor, b.id, {
      title: `${reporterWords}: letter to neighbour`,
      awareAt: b.awareAt,
      awareAtNote: "Told by Jane Example on the phone",
      serviceAreaId: null,
      howDiscovered: "Mrs Example phoned",
      cause: "post-wrong-recipient",
      dataCategories: ["identifiers", "health"],
      subjectTypes: ["residents"],
      recordsCount: 1,
      peopleCount: 1,
      assetIds: [],
      consequences: "Distress to Mrs Example",
      likelihood: "likely",
      severity: "significant",
      isCyber: false,
      cia: ["confidentiality"],
      staffInvolved: true,
      staffTrained: "yes",
      trainingDetail: "Sam Clerk completed training in March",
      encrypted: "no",
      recovered: true,
      containedAt: new Date(now.getTime() - HOUR / 2),
      containment: "Mr Sample returned the letter",
      recovery: "Letter shredded",
      othersTold: "Mrs Example's daughter",
    });
    await breaches.decide(actor, b.id, officerId, {
      decision: "report-to-ico",
      rationale: "Health data about Mrs Example",
    });
    await breaches.recordNotification(actor, b.id, officerId, {
      recipient: "ico",
      notifiedAt: now,
      reference: "IC-000001-TEST",
      method: "ico-online-form",
      peopleCount: 1,
      details: "Phoned the ICO about Mrs Example",
      delayReason: null,
    });
    await breaches.addAction(actor, b.id, {
      description: "Retrain Sam Clerk",
      ownerName: "Pat Manager",
      dueOn: null,
    });
    const actionId = (await breaches.get(actor, b.id))?.actions[0]?.id as string;
    await breaches.completeAction(actor, b.id, actionId);
    await breaches.saveLessons(actor, b.id, "Check Mrs Example's address before posting");
    if (!options.open)
      await breaches.close(actor, b.id, officerId, "Mrs Example satisfied with the apology");
    return b;
  }

  const rowOf = (id: string) =>
    ctx.services.db
      .selectFrom("breaches")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();

  it("anonymises a closed file past its period, keeps one under hold, one in its period and an open one", async () => {
    const old = await file("2019-05-01", "Old");
    const held = await file("2019-05-02", "Held");
    const recent = await file("2024-06-03", "Recent");
    const open = await file("2018-02-05", "Open", { open: true });
    await ctx.services.retention.placeHold(actor, {
      kind: "ico-investigation",
      reason: "ICO follow-up on this file",
      source: "breach-files",
      recordId: held.reference,
    });
    const trends = async () =>
      trendsFor(await ctx.services.breaches.all(), { serviceAreaName: (id) => id ?? "None" });
    const before = await trends();

    const result = await ctx.services.retention.applyToOwnRecords(
      actor,
      new Date("2026-11-25T00:00:00Z"),
    );
    const summary = result.sources.find((s) => s.source === "breach-files");
    assert.equal(summary?.skipped, undefined, "STW-02 applies");
    assert.equal(summary?.ruleCode, "STW-02");
    assert.equal(summary?.disposed, 1);
    assert.equal(summary?.held, 1);

    const gone = await rowOf(old.id);
    assert.equal(gone.summary, ANONYMISED_SUMMARY);
    assert.equal(gone.reported_by, null, "the reporter goes");
    assert.equal(gone.decided_by, null);
    assert.equal(gone.closed_by, null);
    assert.ok(gone.anonymised_at);
    const text = JSON.stringify(gone);
    assert.doesNotMatch(text, /Example|Sample|Sam Clerk|daughter/, "no one is left in the file");
    // What the annual report and the ICO counts are made from stays.
    assert.equal(gone.status, "closed");
    assert.equal(gone.cause, "post-wrong-recipient");
    assert.deepEqual(gone.data_categories, ["identifiers", "health"]);
    assert.equal(gone.people_count, 1);
    assert.equal(gone.decision, "report-to-ico");
    assert.ok(gone.closed_at && gone.contained_at && gone.decided_at);
    const notes = await ctx.services.db
      .selectFrom("breach_notifications")
      .selectAll()
      .where("breach_id", "=", old.id)
      .execute();
    assert.equal(notes.length, 1, "the ICO notification's date stays");
    assert.equal(notes[0].recipient, "ico");
    assert.equal(notes[0].details, null);
    assert.equal(notes[0].recorded_by, null);
    const actions = await ctx.services.db
      .selectFrom("breach_actions")
      .select("id")
      .where("breach_id", "=", old.id)
      .execute();
    assert.equal(actions.length, 0, "actions and their owners go");

    const after = await trends();
    for (const key of [
      "total",
      "reportedToIco",
      "reportedInTime",
      "byCause",
      "byCategory",
    ] as const)
      assert.deepEqual(after[key], before[key], `the SIRO's figures (${key}) still add up`);

    for (const [b, words] of [
      [held, "the file under hold stays"],
      [recent, "the file within its period stays"],
      [open, "an open file is never touched"],
    ] as const) {
      const row = await rowOf(b.id);
      assert.equal(row.reported_by, reporterId, words);
      assert.match(row.summary, /Mrs Jane Example/, words);
      assert.equal(row.anonymised_at, null, words);
    }

    const certs = await ctx.services.db
      .selectFrom("destruction_certificates")
      .selectAll()
      .where("source", "=", "breach-files")
      .execute();
    assert.equal(certs.length, 1);
    const audit = await ctx.services.audit.search({
      action: "retention-dispose",
      entityType: "own-records",
      entityId: "breach-files",
    });
    assert.equal(audit.events.length, 1);
    assert.match(
      String(audit.events[0].summary),
      /1 closed personal data breach files anonymised under STW-02/,
    );

    const again = await ctx.services.retention.applyToOwnRecords(
      actor,
      new Date("2026-11-25T00:00:00Z"),
    );
    assert.equal(
      again.sources.find((s) => s.source === "breach-files")?.disposed,
      0,
      "nothing is disposed of twice",
    );
    await assert.rejects(() => breaches.reopen(actor, old.id), /cannot be reopened/);
    assert.equal((await ctx.services.audit.verify()).ok, true);

    // The file still opens, saying what happened to it; the own-records page shows the source.
    const { client } = await signedInClient(ctx, ["ig-officer"]);
    const page = await client.get(`/breaches/${old.id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Anonymised under the retention schedule \(rule STW-02\)/);
    assert.doesNotMatch(page.body, /Jane Example/);
    assert.doesNotMatch(page.body, /Reopen/);
    assert.equal((await client.post(`/breaches/${old.id}/reopen`, {})).statusCode, 409);
    const own = await client.get("/obligations/retention/own-records");
    assert.match(own.body, /Closed personal data breach files \(anonymised\)/);
  });
});
