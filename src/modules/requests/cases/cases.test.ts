import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { signedInClient, TestClient } from "../../../../test/helpers/http.ts";
import {
  createTestContext,
  createUser,
  type TestContext,
} from "../../../../test/helpers/runtime.ts";
import type { NewCase } from "./cases-service.ts";

const staff = { actorId: null, actorLabel: "test" };

function foi(received: string, extra: Partial<NewCase> = {}): NewCase {
  return {
    type: "foi",
    received,
    channel: "email",
    summary: "Potholes repaired in 2025",
    requestText: "How many potholes did the council repair in 2025?",
    requesterName: "Alex Requester",
    requesterEmail: "alex@example.com",
    ...extra,
  };
}

describe("cases and the statutory clock", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  it("FOI received on a Friday before Christmas: 20 working days skip Christmas, Boxing Day, New Year and Scotland's 2 January", async () => {
    const { id, dueDate } = await ctx.services.requests.cases.create(staff, foi("2025-12-19"));
    assert.equal(dueDate, "2026-01-22");
    const record = await ctx.services.requests.cases.get(id);
    assert.ok(record);
    const clock = await ctx.services.requests.cases.clock(record);
    const skipped = clock?.deadline?.skipped.map((d) => d.date) ?? [];
    for (const day of ["2025-12-25", "2025-12-26", "2026-01-01", "2026-01-02"])
      assert.ok(skipped.includes(day), `${day} should be skipped`);
    assert.match(clock?.explanation ?? "", /2nd January \(Scotland\)/);
  });

  it("FOI received on a Saturday: day 1 is Monday; St Patrick's Day (Northern Ireland) and Easter are not working days", async () => {
    const { dueDate } = await ctx.services.requests.cases.create(staff, foi("2026-03-14"));
    assert.equal(dueDate, "2026-04-15");
  });

  it("SAR received 31 January: one month ends on the last day of February, a Saturday, so rolls to Monday 2 March", async () => {
    const { dueDate } = await ctx.services.requests.cases.create(staff, {
      ...foi("2026-01-31"),
      type: "sar",
      dataRight: "access",
    });
    assert.equal(dueDate, "2026-03-02");
  });

  it("clarification stops the clock and restarts it from the day it arrives; history keeps the earlier due dates", async () => {
    const cases = ctx.services.requests.cases;
    const { id, dueDate } = await cases.create(staff, foi("2026-03-02"));
    // St Patrick's Day (17 March, Northern Ireland) is not a working day for FOI anywhere in the UK.
    assert.equal(dueDate, "2026-03-31");
    const held = await cases.addClockEvent(staff, id, {
      type: "clarification-requested",
      date: "2026-03-04",
    });
    assert.equal(held.due, null);
    assert.equal((await cases.get(id))?.status, "awaiting-clarification");
    const resumed = await cases.addClockEvent(staff, id, {
      type: "clarification-received",
      date: "2026-03-10",
    });
    assert.equal(resumed.due, "2026-04-10");
    const record = await cases.get(id);
    assert.equal(record?.status, "in-progress");
    assert.deepEqual(
      record?.dueDateHistory.map((h) => h.due),
      ["2026-03-31", null, "2026-04-10"],
    );
    const clock = record ? await cases.clock(record) : undefined;
    assert.deepEqual(
      clock?.history.map((h) => h.due),
      ["2026-03-31", null, "2026-04-10"],
    );
  });

  it("a fees notice pauses an FOI clock until the fee is paid; a public interest extension gives 40 working days", async () => {
    const cases = ctx.services.requests.cases;
    const { id } = await cases.create(staff, foi("2026-06-01"));
    const base = (await cases.get(id))?.dueDate;
    assert.equal(base, "2026-06-29");
    await cases.addClockEvent(staff, id, { type: "fees-notice-issued", date: "2026-06-05" });
    assert.equal((await cases.get(id))?.status, "awaiting-fee");
    const paid = await cases.addClockEvent(staff, id, { type: "fee-paid", date: "2026-06-09" });
    // 5 (Fri), 8 (Mon), 9 (Tue) disregarded: three working days later.
    assert.equal(paid.due, "2026-07-02");
    const extended = await cases.addClockEvent(staff, id, {
      type: "extension-applied",
      date: "2026-06-20",
    });
    assert.equal((await cases.get(id))?.status, "extended");
    assert.ok(extended.due && extended.due > "2026-07-20");
  });

  it("SAR: the month starts when identity evidence arrives; recording the evidence keeps only a description", async () => {
    const cases = ctx.services.requests.cases;
    const { id } = await cases.create(staff, {
      ...foi("2026-03-02"),
      type: "sar",
      dataRight: "access",
    });
    await cases.addClockEvent(staff, id, { type: "identity-requested", date: "2026-03-02" });
    assert.equal((await cases.get(id))?.status, "awaiting-identity");
    await cases.recordIdentity(staff, id, {
      evidence: "Council tax bill matching the address",
      checkedOn: "2026-03-10",
    });
    const record = await cases.get(id);
    assert.equal(record?.dueDate, "2026-04-10");
    assert.equal(record?.identityEvidence, "Council tax bill matching the address");
    await assert.rejects(
      cases.recordIdentity(staff, id, { evidence: "x".repeat(201), checkedOn: "2026-03-10" }),
      /200 characters/,
    );
  });

  it("an administrator adds a bank holiday: open cases are recalculated, closed ones are not, and it is audited", async () => {
    const cases = ctx.services.requests.cases;
    const open = await cases.create(staff, foi("2026-07-01"));
    assert.equal(open.dueDate, "2026-07-30");
    const closed = await cases.create(staff, foi("2026-07-01"));
    await cases.close(staff, closed.id, { outcome: "provided-in-full", closedOn: "2026-07-20" });
    const result = await ctx.services.requests.calendar.adjust(staff, {
      date: "2026-07-06",
      kind: "added",
      title: "State funeral",
      divisions: [],
    });
    assert.ok(result.recalculated >= 1);
    assert.equal((await cases.get(open.id))?.dueDate, "2026-07-31");
    assert.equal((await cases.get(closed.id))?.dueDate, "2026-07-30");
    const history = (await cases.get(open.id))?.dueDateHistory ?? [];
    assert.match(
      history[history.length - 1].reason,
      /Bank holiday added: 2026-07-06 State funeral/,
    );
    const audit = await ctx.services.audit.search({ entityType: "bank-holiday" });
    assert.match(audit.events[0].summary ?? "", /State funeral.*open case/);
    // The deadline API uses the council's calendar too.
    const res = await ctx.app.inject({ url: "/api/v1/deadlines?type=foi&received=2026-07-01" });
    assert.equal(res.json().due, "2026-07-31");
    // And so does `steward deadline`, which reads the copy written to the data folder.
    const cli = (...extra: string[]) =>
      spawnSync(
        process.execPath,
        ["bin/steward.js", "deadline", "foi", "2026-07-01", "--json", ...extra],
        {
          env: { ...process.env, STEWARD_DATA_DIR: ctx.services.config.dataDir },
          encoding: "utf8",
        },
      );
    const withFuneral = JSON.parse(cli().stdout);
    assert.equal(withFuneral.due, "2026-07-31");
    assert.match(withFuneral.explanation, /State funeral/);
    assert.equal(JSON.parse(cli("--shipped-calendar").stdout).due, "2026-07-30");
    await ctx.services.requests.calendar.undo(staff, result.adjustment.id);
    assert.equal((await cases.get(open.id))?.dueDate, "2026-07-30");
    assert.equal(JSON.parse(cli().stdout).due, "2026-07-30");
    assert.equal(cli("--calendar", "/nonexistent/calendar.json").status, 2);
  });

  it("qualified exemptions need the public interest test; closing checks it", async () => {
    const cases = ctx.services.requests.cases;
    const { id } = await cases.create(staff, foi("2026-05-01"));
    await assert.rejects(cases.addExemption(staff, id, { code: "s43" }), /public interest/);
    await cases.addExemption(staff, id, {
      code: "s43",
      publicInterest: "Commercial prejudice outweighs transparency",
    });
    await cases.addExemption(staff, id, { code: "s40(2)" });
    const record = await cases.get(id);
    assert.deepEqual(
      record?.exemptions.map((e) => e.code),
      ["s43", "s40(2)"],
    );
    await cases.close(staff, id, { outcome: "provided-in-part", closedOn: "2026-05-20" });
    assert.equal((await cases.get(id))?.status, "closed");
  });

  it("cost estimate: hours at £25 against £450 (18 hours)", async () => {
    const cases = ctx.services.requests.cases;
    const { id } = await cases.create(staff, foi("2026-05-01"));
    const estimate = await cases.setCostEstimate(staff, id, {
      locating: 10,
      retrieving: 6,
      extracting: 4,
    });
    assert.equal(estimate?.hours, 20);
    assert.equal(estimate?.pounds, 500);
    assert.equal(estimate?.overLimit, true);
    assert.equal(estimate?.limitHours, 18);
  });

  it("internal review and ICO complaint are linked to the original with their own clocks", async () => {
    const cases = ctx.services.requests.cases;
    const original = await cases.create(staff, foi("2026-05-01"));
    const review = await cases.openLinked(staff, original.id, {
      type: "internal-review",
      received: "2026-06-01",
      requestText: "You missed some repairs",
    });
    assert.equal(review.dueDate, "2026-06-29");
    const ico = await cases.openLinked(staff, original.id, {
      type: "ico-complaint",
      received: "2026-07-01",
      requestText: "ICO case IC-1234",
      dueDate: "2026-07-29",
    });
    assert.equal(ico.dueDate, "2026-07-29");
    const record = await cases.get(original.id);
    assert.deepEqual(record?.linked.map((l) => l.type).sort(), [
      "ico-complaint",
      "internal-review",
    ]);
  });
});

describe("who may see a case", () => {
  let ctx: TestContext;
  let sarId: string;
  let foiId: string;
  before(async () => {
    ctx = await createTestContext();
    sarId = (
      await ctx.services.requests.cases.create(staff, {
        ...foi("2026-10-01"),
        type: "sar",
        summary: "Subject access",
        requesterName: "Sam Subject",
        requesterEmail: "sam@example.com",
      })
    ).id;
    foiId = (await ctx.services.requests.cases.create(staff, foi("2026-10-01"))).id;
  });
  after(() => ctx.close());

  it("staff without a requests role cannot open the list", async () => {
    const { client } = await signedInClient(ctx, ["staff"]);
    assert.equal((await client.get("/staff/requests")).statusCode, 403);
    const anonymous = new TestClient(ctx);
    assert.equal((await anonymous.get("/staff/requests")).statusCode, 303);
  });

  it("a caseworker not working a SAR cannot open it; once assigned they can, and each view is audited", async () => {
    const { client, user } = await signedInClient(ctx, ["caseworker"]);
    const list = await client.get("/staff/requests");
    assert.equal(list.statusCode, 200);
    assert.doesNotMatch(list.body, /Sam Subject/);
    assert.equal((await client.get(`/staff/requests/${sarId}`)).statusCode, 403);
    await ctx.services.requests.cases.assign(staff, sarId, user.id, user.displayName);
    const page = await client.get(`/staff/requests/${sarId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Sam Subject/);
    const views = await ctx.services.audit.search({ entityId: sarId, action: "view" });
    assert.ok(views.events.some((e) => e.actorId === user.id));
  });

  it("IG officers and the DPO see requesters' details; an unassigned caseworker sees an FOI without them", async () => {
    for (const role of ["ig-officer", "dpo"] as const) {
      const { client } = await signedInClient(ctx, [role]);
      const page = await client.get(`/staff/requests/${sarId}`);
      assert.equal(page.statusCode, 200, role);
      assert.match(page.body, /sam@example.com/);
    }
    const { client } = await signedInClient(ctx, ["caseworker"]);
    const page = await client.get(`/staff/requests/${foiId}`);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /alex@example.com/);
    assert.match(page.body, /Visible only to those working the case/);
    // Changing it needs the case first.
    const denied = await client.post(`/staff/requests/${foiId}/clock`, {
      eventType: "extension-applied",
      eventDate: "2026-10-02",
    });
    assert.equal(denied.statusCode, 403);
    const mine = await client.post(`/staff/requests/${foiId}/assign`, { assignTo: "me" });
    assert.equal(mine.statusCode, 303);
    const changed = await client.post(`/staff/requests/${foiId}/clock`, {
      eventType: "extension-applied",
      eventDate: "2026-10-02",
    });
    assert.equal(changed.statusCode, 303);
  });

  it("bad input on a case form is a 400 with the error by its field, never a 500", async () => {
    const { client } = await signedInClient(ctx, ["ig-officer"]);
    const res = await client.post(`/staff/requests/${foiId}/clock`, {
      eventType: "clarification-received",
      eventDate: "2026-02-30",
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Enter a real date/);
    const bad = await client.post(`/staff/requests/${foiId}/exemptions`, { code: "s99" });
    assert.equal(bad.statusCode, 400);
    assert.equal((await client.get("/staff/requests/not-a-uuid")).statusCode, 404);
    const cost = await client.post(`/staff/requests/${foiId}/cost`, { hours_locating: "lots" });
    assert.equal(cost.statusCode, 400);
  });

  it("only administrators change bank holidays", async () => {
    const { client } = await signedInClient(ctx, ["ig-officer"]);
    assert.equal((await client.get("/admin/bank-holidays")).statusCode, 403);
    const admin = await signedInClient(ctx, ["administrator"]);
    assert.equal((await admin.client.get("/admin/bank-holidays")).statusCode, 200);
    const bad = await admin.client.post("/admin/bank-holidays", {
      kind: "added",
      date: "2026-13-01",
      title: "x",
    });
    assert.equal(bad.statusCode, 400);
    const ok = await admin.client.post("/admin/bank-holidays", {
      kind: "added",
      date: "2026-10-05",
      title: "Coronation",
    });
    assert.equal(ok.statusCode, 303);
    const record = await ctx.services.requests.cases.get(foiId);
    assert.match(record?.dueDateHistory.at(-1)?.reason ?? "", /Coronation/);
  });

  it("the API lists cases to caseworkers and hides requesters from those not working them", async () => {
    const user = await createUser(ctx, ["caseworker"]);
    const token = await ctx.services.apiTokens.create(
      { actorId: user.id, actorLabel: user.displayName },
      user.id,
      "test",
      null,
    );
    const headers = { authorization: `Bearer ${token.token}` };
    const list = await ctx.app.inject({ url: "/api/v1/requests", headers });
    assert.equal(list.statusCode, 200);
    const refs = list.json().cases.map((c: { id: string }) => c.id);
    assert.ok(refs.includes(foiId));
    assert.ok(!refs.includes(sarId));
    const record = await ctx.services.requests.cases.get(foiId);
    const one = await ctx.app.inject({ url: `/api/v1/requests/${record?.reference}`, headers });
    assert.equal(one.statusCode, 200);
    assert.equal(one.json().requester, null);
    assert.ok(one.json().clock.explanation);
  });
});
