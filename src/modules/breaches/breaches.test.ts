import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { signedInClient, type TestClient } from "../../../test/helpers/http.ts";
import { createTestContext, createUser, type TestContext } from "../../../test/helpers/runtime.ts";
import { systemActor } from "../../platform/audit/audit-service.ts";
import { BreachesService } from "./breaches-service.ts";

const idFrom = (location: unknown) =>
  /\/breaches\/report\/([0-9a-f-]{36})\/received/.exec(String(location))?.[1] ?? "";

describe("breaches: report, triage, decide, notify, close", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  async function report(client: TestClient, extra: Record<string, string> = {}) {
    await client.get("/breaches/report");
    const res = await client.post("/breaches/report", {
      summary: "Laptop left on the 18:05 train",
      dataInvolved: "Council tax arrears spreadsheet: names, addresses, amounts owed",
      "discovered-day": "6",
      "discovered-month": "6",
      "discovered-year": "2025",
      "discovered-time": "6:30pm",
      ...extra,
    });
    return res;
  }

  it("any member of staff reports in one form, sees the receipt, and the IG team is emailed", async () => {
    const { client } = await signedInClient(ctx, []);
    const page = await client.get("/staff");
    assert.match(
      page.body,
      /href="\/breaches\/report"/,
      "every staff page links to the report form",
    );
    const res = await report(client);
    assert.equal(res.statusCode, 303);
    const id = idFrom(res.headers.location);
    const receipt = await client.get(`/breaches/report/${id}/received`);
    assert.equal(receipt.statusCode, 200);
    assert.match(receipt.body, /Breach report received/);
    assert.match(receipt.body, /BR-\d{4}/);
    const mail = await ctx.services.mail.outbox(10);
    const alert = mail.find(
      (m) => m.to === ctx.services.config.IG_TEAM_EMAIL && /breach reported/i.test(m.subject),
    );
    assert.ok(alert, "the IG team is alerted");
    assert.doesNotMatch(alert.body, /arrears/, "no personal data in the email");
    // The reporter cannot open the case, nor can anyone else see their receipt.
    assert.equal((await client.get(`/breaches/${id}`)).statusCode, 403);
    assert.equal((await client.get("/breaches")).statusCode, 403);
    const { client: other } = await signedInClient(ctx, ["caseworker"]);
    assert.equal((await other.get(`/breaches/report/${id}/received`)).statusCode, 404);
    const mine = await client.get("/breaches/my-reports");
    assert.match(mine.body, /BR-\d{4}/);
  });

  it("refuses bad input with messages, never a 500", async () => {
    const { client } = await signedInClient(ctx, []);
    await client.get("/breaches/report");
    const empty = await client.post("/breaches/report", {});
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Describe what happened/);
    assert.match(empty.body, /Enter the date you found out/);
    const bad = await report(client, { "discovered-day": "31", "discovered-month": "2" });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /must be a real date/);
    const skipped = await report(client, {
      "discovered-day": "30",
      "discovered-month": "3",
      "discovered-time": "1:30am",
    });
    assert.equal(skipped.statusCode, 400);
    assert.match(skipped.body, /clocks went forward/);
    const future = await report(client, { "discovered-year": "2999" });
    assert.equal(future.statusCode, 400);
    const time = await report(client, { "discovered-time": "25:99" });
    assert.equal(time.statusCode, 400);
    const weird = await client.post("/breaches/report", { summary: ["a", "b"], dataInvolved: "x" });
    assert.equal(weird.statusCode, 400);
  });

  it("the IG team sees hours left, assesses, and every view is audited", async () => {
    const { client: staff } = await signedInClient(ctx, []);
    const id = idFrom((await report(staff)).headers.location);
    const { client: ig, user } = await signedInClient(ctx, ["ig-officer"]);
    const list = await ig.get("/breaches");
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Overdue by|hours left|minutes left/);
    const page = await ig.get(`/breaches/${id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /ICO must be told by/);
    assert.match(page.body, /Monday 9 June 2025 at 6:30pm BST/);
    const views = await ctx.services.audit.search({
      entityType: "breach",
      entityId: id,
      action: "view",
      actor: user.id,
    });
    assert.ok(views.events.length >= 1, "the view is in the audit trail");

    const form = await ig.get(`/breaches/${id}/assess`);
    assert.equal(form.statusCode, 200);
    const bad = await ig.post(`/breaches/${id}/assess`, {
      title: "Lost laptop",
      "aware-day": "6",
      "aware-month": "6",
      "aware-year": "2025",
      "aware-time": "18:30",
      peopleCount: "lots",
      likelihood: "certainly",
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /whole number/);
    const unknownArea = await ig.post(`/breaches/${id}/assess`, {
      title: "Lost laptop",
      "aware-day": "6",
      "aware-month": "6",
      "aware-year": "2025",
      "aware-time": "18:30",
      serviceAreaId: "00000000-0000-4000-8000-000000000000",
    });
    assert.equal(unknownArea.statusCode, 400);
    const ok = await ig.post(`/breaches/${id}/assess`, {
      title: "Lost laptop",
      "aware-day": "6",
      "aware-month": "6",
      "aware-year": "2025",
      "aware-time": "18:30",
      dataCategories: ["identifiers", "financial"],
      subjectTypes: ["residents"],
      peopleCount: "412",
      likelihood: "likely",
      severity: "significant",
      encrypted: "no",
      cause: "lost-device",
    });
    assert.equal(ok.statusCode, 303, ok.body.slice(0, 400));
    const after = await ig.get(`/breaches/${id}`);
    assert.match(after.body, /Report to the ICO and tell the people affected/);
    assert.match(after.body, /Probable likelihood × significant severity/);

    // Departing from the recommendation needs reasons.
    const noReason = await ig.post(`/breaches/${id}/decision`, { decision: "not-reportable" });
    assert.equal(noReason.statusCode, 400);
    assert.match(noReason.body, /Explain why/);
    assert.equal(
      (await ig.post(`/breaches/${id}/decision`, { decision: "report-and-tell-people" }))
        .statusCode,
      303,
    );
    const decided = await ig.get(`/breaches/${id}`);
    assert.match(decided.body, /Decided by/);

    // Told the ICO after 72 hours: the reasons for delay are required.
    await ig.get(`/breaches/${id}/notifications/new`);
    const late = await ig.post(`/breaches/${id}/notifications`, {
      recipient: "ico",
      "notified-day": "10",
      "notified-month": "6",
      "notified-year": "2025",
      "notified-time": "9am",
      method: "ico-online-form",
      reference: "IC-123456-A1B2",
    });
    assert.equal(late.statusCode, 400);
    assert.match(late.body, /reasons for the delay/);
    const lateOk = await ig.post(`/breaches/${id}/notifications`, {
      recipient: "ico",
      "notified-day": "10",
      "notified-month": "6",
      "notified-year": "2025",
      "notified-time": "9am",
      method: "ico-online-form",
      reference: "IC-123456-A1B2",
      delayReason: "The laptop's contents were only confirmed on Monday",
    });
    assert.equal(lateOk.statusCode, 303);
    const reported = await ig.get(`/breaches/${id}`);
    assert.match(reported.body, /Reported to the ICO after 86 hours 30 minutes \(over 72 hours\)/);

    // The ICO report, as text to paste and as a file.
    const ico = await ig.get(`/breaches/${id}/ico-report`);
    assert.match(ico.body, /IC-123456-A1B2/);
    const file = await ig.get(`/breaches/${id}/ico-report.txt`);
    assert.match(String(file.headers["content-disposition"]), /attachment/);
    assert.match(file.body, /Economic and financial data/);
    assert.match(file.body, /only confirmed on Monday/);
    const docx = await ig.get(`/breaches/${id}/ico-report.docx`);
    assert.equal(docx.rawPayload.subarray(0, 2).toString(), "PK");
    assert.match(docx.body, /IC-123456-A1B2/);

    // Closing needs the people told, lessons and actions done.
    const early = await ig.post(`/breaches/${id}/close`, { closureSummary: "Done" });
    assert.equal(early.statusCode, 400);
    await ig.post(`/breaches/${id}/notifications`, {
      recipient: "data-subjects",
      "notified-day": "11",
      "notified-month": "6",
      "notified-year": "2025",
      "notified-time": "10am",
      method: "letter",
      peopleCount: "412",
    });
    assert.equal(
      (
        await ig.post(`/breaches/${id}/actions`, {
          description: "Encrypt all laptops",
          ownerName: "Head of ICT",
          dueOn: "2025-07-31",
        })
      ).statusCode,
      303,
    );
    const withAction = await ig.get(`/breaches/${id}`);
    const actionId = /actions\/([0-9a-f-]{36})\/done/.exec(withAction.body)?.[1];
    assert.ok(actionId);
    assert.equal((await ig.post(`/breaches/${id}/actions/${actionId}/done`, {})).statusCode, 303);
    assert.equal(
      (await ig.post(`/breaches/${id}/lessons`, { lessons: "Full-disk encryption everywhere" }))
        .statusCode,
      303,
    );
    assert.equal(
      (await ig.post(`/breaches/${id}/close`, { closureSummary: "People told; laptops encrypted" }))
        .statusCode,
      303,
    );
    assert.match((await ig.get(`/breaches/${id}`)).body, /Closed by/);

    const trends = await ig.get("/breaches/trends");
    assert.equal(trends.statusCode, 200);
    assert.match(trends.body, /<svg/);
    assert.match(trends.body, /Loss or theft of a device/);
  });

  it("the SIRO and DPO can see breaches; the API answers with the same permissions", async () => {
    const { client: siro } = await signedInClient(ctx, ["siro"]);
    assert.equal((await siro.get("/breaches")).statusCode, 200);
    const { client: analyst } = await signedInClient(ctx, ["analyst"]);
    assert.equal((await analyst.get("/api/v1/breaches")).statusCode, 403);
    const api = await siro.get("/api/v1/breaches?state=all");
    assert.equal(api.statusCode, 200);
    const first = api.json()[0];
    assert.ok(first.clock.deadline);
    assert.equal((await siro.get(`/api/v1/breaches/${first.id}`)).statusCode, 200);
    assert.equal((await siro.get("/api/v1/breaches/not-a-uuid")).statusCode, 404);
    assert.equal(
      (await siro.get("/breaches/00000000-0000-0000-0000-000000000000")).statusCode,
      404,
    );
  });

  it("choosing an asset from the register fills in its data categories and special-category flag", async () => {
    const asset = await ctx.services.assets.create(systemActor, {
      name: "Children's case system",
      assetType: "system",
      format: "electronic",
      marking: "official",
      holdsPersonalData: true,
      personalDataCategories: ["health", "identity"],
      dataSubjectCategories: ["looked-after-children"],
    });
    const { client: staff } = await signedInClient(ctx, []);
    const id = idFrom((await report(staff)).headers.location);
    const { client: ig } = await signedInClient(ctx, ["dpo"]);
    const form = await ig.get(`/breaches/${id}/assess`);
    assert.match(form.body, /Children&#39;s case system|Children's case system/);
    const res = await ig.post(`/breaches/${id}/assess`, {
      title: "Case notes sent to wrong agency",
      "aware-day": "6",
      "aware-month": "6",
      "aware-year": "2025",
      "aware-time": "18:30",
      assetIds: [asset.id],
    });
    assert.equal(res.statusCode, 303);
    const page = await ig.get(`/breaches/${id}`);
    assert.match(page.body, /Health data/);
    assert.match(page.body, /Basic personal identifiers/);
    assert.match(page.body, /Special category or criminal offence data\s*<\/dt>\s*<dd[^>]*>\s*Yes/);
    assert.match(page.body, /Children/);
  });

  it("sends each escalating alert once to the DPO and SIRO, even from two processes", async () => {
    const dpo = await createUser(ctx, ["dpo"]);
    const siro = await createUser(ctx, ["siro"]);
    await ctx.services.organisation.setGovernanceRole(systemActor, "dpo", {
      holderName: dpo.displayName,
      holderTitle: "DPO",
      userId: dpo.id,
    });
    await ctx.services.organisation.setGovernanceRole(systemActor, "siro", {
      holderName: siro.displayName,
      holderTitle: "SIRO",
      userId: siro.id,
    });
    const reporter = await createUser(ctx, []);
    let now = new Date("2025-10-24T17:00:00Z"); // Friday 6pm BST, before the clocks go back
    const make = () =>
      new BreachesService(
        ctx.services.db,
        ctx.services.audit,
        ctx.services.mail,
        ctx.services.users,
        ctx.services.organisation,
        {
          igTeamEmail: "ig@test.example.gov.uk",
          publicUrl: "http://localhost",
          now: () => now,
        },
      );
    const a = make();
    const b = make();
    const breach = await a.report(systemActor, reporter.id, {
      summary: "Alert test",
      dataInvolved: "Names",
      whoKnows: null,
      occurredAt: null,
      discoveredAt: null,
    });
    const alertsFor = async () =>
      (await ctx.services.mail.outbox(500)).filter(
        (m) => m.subject.includes(breach.reference) && !/reported/.test(m.subject),
      );
    const count = async (pattern: RegExp) =>
      (await alertsFor()).filter((m) => pattern.test(m.subject)).length;
    await a.sendClockAlerts();
    assert.equal((await alertsFor()).length, 0, "nothing before 48 hours are left");
    now = new Date("2025-10-25T17:00:00Z"); // 48 hours left
    await Promise.all([a.sendClockAlerts(), b.sendClockAlerts()]);
    await a.sendClockAlerts();
    let mails = await alertsFor();
    assert.equal(
      mails.length,
      3,
      "one alert, to each of three people, once, though two processes ran",
    );
    assert.deepEqual(
      new Set(mails.map((m) => m.to)),
      new Set([dpo.email, siro.email, "ig@test.example.gov.uk"]),
    );
    assert.ok(mails.every((m) => /48 hours left/.test(m.subject)));
    // Monday 27 October at 4pm GMT is 71 real hours after Friday 6pm BST: the 4-hour point has passed,
    // and one email goes for it (not one each for 24, 12 and 4).
    now = new Date("2025-10-27T16:00:00Z");
    await b.sendClockAlerts();
    assert.equal(await count(/4 hours left/), 3);
    assert.equal(await count(/24 hours left|12 hours left/), 0);
    mails = await alertsFor();
    assert.match(
      mails.find((m) => /4 hours left/.test(m.subject))?.body ?? "",
      /Monday 27 October 2025 at 5pm GMT/,
    );
    now = new Date("2025-10-27T17:00:00Z");
    await Promise.all([a.sendClockAlerts(), b.sendClockAlerts()]);
    await a.sendClockAlerts();
    assert.equal(await count(/run out/), 3);
    // Every point reached is recorded, so none is sent again.
    const alerts = await ctx.services.db
      .selectFrom("breach_alerts")
      .selectAll()
      .where("breach_id", "=", breach.id)
      .execute();
    assert.deepEqual(
      alerts.map((r) => r.point_hours).sort((x, y) => x - y),
      [0, 4, 12, 24, 48],
    );
  });
});
