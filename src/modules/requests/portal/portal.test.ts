import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { signedInClient, TestClient } from "../../../../test/helpers/http.ts";
import { createTestContext, type TestContext } from "../../../../test/helpers/runtime.ts";

const staff = { actorId: null, actorLabel: "test" };

describe("public portal and disclosure log", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
    const { disclosure } = ctx.services.requests;
    await disclosure.addEntry({
      reference: "FOI-2025-00001",
      type: "foi",
      title: "Bin collections missed in 2024",
      requestText: "How many bin collections were missed in 2024?",
      responseText: "There were 1,204 missed bin collections in 2024.",
      outcome: "provided-in-full",
      service: "Waste and Recycling",
      topic: "Waste",
      relatedLinks: [],
      received: "2025-01-10",
      publishedOn: "2025-02-01",
    });
    await disclosure.addEntry({
      reference: "EIR-2025-00002",
      type: "eir",
      title: "Air quality monitoring results",
      requestText: "Nitrogen dioxide readings",
      responseText: "Published on our website.",
      outcome: "already-published",
      service: "Environmental Health",
      topic: "Air quality",
      relatedLinks: [{ text: "Air quality data", href: "/data" }],
      received: "2025-03-10",
      publishedOn: "2025-03-20",
    });
  });
  after(() => ctx.close());

  it("a resident asks for information without JavaScript: existing answers first, then details, check, send", async () => {
    const client = new TestClient(ctx);
    const choose = await client.get("/requests/new");
    assert.equal(choose.statusCode, 200);
    assert.match(choose.body, /Which law applies/);
    const noChoice = await client.post("/requests/new", {});
    assert.equal(noChoice.statusCode, 400);
    assert.match(noChoice.body, /Select what you want to do/);
    const chosen = await client.post("/requests/new", { kind: "information" });
    assert.equal(chosen.headers.location, "/requests/new/information");
    await client.get("/requests/new/information");
    const tooShort = await client.post("/requests/new/information", {
      _step: "request",
      requestText: "bins",
    });
    assert.equal(tooShort.statusCode, 400);
    const text = "How many bin collections were missed in 2025, by ward?";
    const existing = await client.post("/requests/new/information", {
      _step: "request",
      requestText: text,
    });
    assert.equal(existing.statusCode, 200);
    assert.match(existing.body, /We may already have published an answer/);
    assert.match(existing.body, /Bin collections missed in 2024/);
    const details = await client.post("/requests/new/information", {
      _step: "request",
      _checked: "1",
      requestText: text,
    });
    assert.match(details.body, /Your details/);
    const badEmail = await client.post("/requests/new/information", {
      _step: "details",
      _checked: "1",
      requestText: text,
      requesterName: "Chris Resident",
      requesterEmail: "not an email",
    });
    assert.equal(badEmail.statusCode, 400);
    assert.match(badEmail.body, /Enter an email address in the correct format/);
    const check = await client.post("/requests/new/information", {
      _step: "details",
      _checked: "1",
      requestText: text,
      requesterName: "Chris Resident",
      requesterEmail: "chris@example.com",
    });
    assert.match(check.body, /Check your answers before sending your request/);
    const sent = await client.post("/requests/new/information/send", {
      requestText: text,
      requesterName: "Chris Resident",
      requesterEmail: "chris@example.com",
    });
    assert.equal(sent.statusCode, 303);
    const location = String(sent.headers.location);
    assert.match(location, /^\/requests\/status\/FOI-\d{4}-\d{5}\?token=.+&new=1$/);
    const confirmation = await client.get(location);
    assert.match(confirmation.body, /Request sent/);
    const reference = /FOI-\d{4}-\d{5}/.exec(location)?.[0] ?? "";
    const ack = (await ctx.services.mail.outbox()).find((m) => m.to === "chris@example.com");
    assert.ok(ack);
    assert.match(ack.body, new RegExp(reference));
    assert.match(ack.body, /We will reply by \d{4}-\d{2}-\d{2}/);

    // Status by reference + email: a link by email, and the same answer when nothing matches.
    await client.get("/requests/status");
    const wrong = await client.post("/requests/status", {
      reference,
      email: "someone@example.com",
    });
    assert.equal(wrong.headers.location, "/requests/status/sent");
    const right = await client.post("/requests/status", { reference, email: "chris@example.com" });
    assert.equal(right.headers.location, "/requests/status/sent");
    const link = (await ctx.services.mail.outbox()).find((m) =>
      m.subject.includes("progress link"),
    );
    assert.ok(link);
    const url = /\/requests\/status\/\S+/.exec(link.body)?.[0] ?? "";
    const status = await client.get(url);
    assert.equal(status.statusCode, 200);
    assert.match(status.body, /Received/);
    assert.doesNotMatch(status.body, /chris@example.com/);
    assert.equal((await client.get(`/requests/status/${reference}?token=wrong`)).statusCode, 404);
  });

  it("subject access, police and internal review forms make cases of the right type", async () => {
    const client = new TestClient(ctx);
    await client.get("/requests/new/personal-data");
    const sar = await client.post("/requests/new/personal-data/send", {
      dataRight: "access",
      requestText: "My housing file since 2020",
      requesterName: "Dee Subject",
      requesterEmail: "dee@example.com",
    });
    assert.match(String(sar.headers.location), /DPR-/);
    const police = await client.post("/requests/new/police-or-organisation/send", {
      requesterOrganisation: "Northmoor Constabulary",
      requesterName: "DC Smith",
      requesterEmail: "dc.smith@police.example.uk",
      requestText: "Address history of a named suspect",
      purpose: "Investigation of burglary, crime ref 123",
      policeExemption: "sch2-para2",
    });
    assert.match(String(police.headers.location), /POL-/);
    const original = await ctx.services.requests.intake.receive(staff, {
      type: "foi",
      received: "2026-09-01",
      summary: "Agency staff",
      requestText: "Spending on agency staff",
      requesterName: "Eve",
      requesterEmail: "eve@example.com",
    });
    const wrongEmail = await client.post("/requests/new/review/send", {
      originalReference: original.reference,
      requestText: "You left out social care",
      requesterName: "Eve",
      requesterEmail: "mallory@example.com",
    });
    assert.equal(wrongEmail.statusCode, 400);
    const review = await client.post("/requests/new/review/send", {
      originalReference: original.reference,
      requestText: "You left out social care",
      requesterName: "Eve",
      requesterEmail: "eve@example.com",
    });
    assert.match(String(review.headers.location), /IR-/);
    const record = await ctx.services.requests.cases.get(original.id);
    assert.equal(record?.linked[0]?.type, "internal-review");
  });

  it("searches the disclosure log with filters, as pages and as the public API", async () => {
    const client = new TestClient(ctx);
    const page = await client.get("/disclosure-log?q=missed+bins");
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Bin collections missed in 2024/);
    assert.doesNotMatch(page.body, /Air quality monitoring/);
    const filtered = await client.get("/disclosure-log?outcome=already-published");
    assert.match(filtered.body, /Air quality monitoring/);
    assert.doesNotMatch(filtered.body, /Bin collections missed/);
    const api = await ctx.app.inject({ url: "/api/v1/disclosure-log?q=air%20quality" });
    assert.equal(api.statusCode, 200);
    assert.equal(api.json().results[0].title, "Air quality monitoring results");
    const suggest = await ctx.app.inject({
      url: "/api/v1/disclosure-log/suggestions?q=how%20many%20bin%20coll",
    });
    assert.equal(suggest.json().suggestions[0].title, "Bin collections missed in 2024");
    const id = api.json().results[0].id;
    const entry = await client.get(`/disclosure-log/${id}`);
    assert.match(entry.body, /Published on our website/);
    assert.equal((await client.get("/disclosure-log/nope")).statusCode, 404);
    const odd = await ctx.app.inject({
      url: "/api/v1/disclosure-log?q=%22%22%22%20%26%7C!%3A*&from=2025-99-99",
    });
    assert.equal(odd.statusCode, 200);
    const openapi = await ctx.app.inject({ url: "/api/v1/openapi.json" });
    const paths = Object.keys(openapi.json().paths);
    for (const p of ["/api/v1/disclosure-log", "/api/v1/requests", "/api/v1/deadlines"])
      assert.ok(paths.includes(p), p);
  });

  it("a caseworker closes, publishes without the requester's identity, and writes a letter from a template", async () => {
    const { client, user } = await signedInClient(ctx, ["caseworker"]);
    const created = await ctx.services.requests.intake.receive(staff, {
      type: "foi",
      received: "2026-09-01",
      summary: "Grit bins",
      requestText: "Where are the grit bins? Reply to frank.user@example.com, Frank User, NM1 2AB",
      requesterName: "Frank User",
      requesterEmail: "frank.user@example.com",
    });
    await ctx.services.requests.cases.assign(staff, created.id, user.id, user.displayName);
    const page = await client.get(`/staff/requests/${created.id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /How it was worked out/);
    const template = (await ctx.services.requests.casework.templates()).find(
      (t) => t.name === "Acknowledgement",
    );
    assert.ok(template);
    const draft = await client.post(`/staff/requests/${created.id}/letters/draft`, {
      templateId: template.id,
    });
    assert.match(draft.body, new RegExp(`Your request ${created.reference}`));
    const sent = await client.post(`/staff/requests/${created.id}/letters`, {
      subject: "Your request",
      body: "Dear Frank",
    });
    assert.equal(sent.statusCode, 303);
    assert.equal(
      (await ctx.services.requests.casework.correspondence(created.id)).filter(
        (c) => c.direction === "out",
      ).length,
      2,
    );
    const early = await client.post(`/staff/requests/${created.id}/publish`, {
      title: "Grit bins",
      responseText: "A map.",
    });
    assert.equal(early.statusCode, 400);
    await client.post(`/staff/requests/${created.id}/close`, {
      outcome: "provided-in-full",
      closedOn: "2026-09-20",
    });
    const published = await client.post(`/staff/requests/${created.id}/publish`, {
      title: "Grit bins",
      publishRequestText:
        "Where are the grit bins? Reply to frank.user@example.com, Frank User, NM1 2AB",
      responseText: "A map of grit bins.",
    });
    assert.equal(published.statusCode, 303);
    const found = await ctx.services.requests.disclosure.search({ q: "grit bins" });
    const entry = await ctx.services.requests.disclosure.get(found.results[0].id);
    assert.ok(entry);
    assert.doesNotMatch(entry.requestText, /frank|NM1 2AB/i);
  });

  it("contributions are reminded on the due date and escalated two working days later", async () => {
    const created = await ctx.services.requests.intake.receive(staff, {
      type: "foi",
      received: "2026-09-01",
      summary: "Road repairs",
      requestText: "Road repairs",
    });
    await ctx.services.requests.casework.askContribution(staff, created.id, {
      serviceAreaId: null,
      contactEmail: "highways@northmoor.example.gov.uk",
      question: "How many roads were repaired?",
      dueDate: "2026-09-07",
    });
    const first = await ctx.services.requests.casework.remindLateContributions(
      new Date("2026-09-07T09:00:00Z"),
    );
    assert.deepEqual(first, { reminded: 1, escalated: 0 });
    const second = await ctx.services.requests.casework.remindLateContributions(
      new Date("2026-09-08T09:00:00Z"),
    );
    assert.deepEqual(second, { reminded: 0, escalated: 0 });
    const third = await ctx.services.requests.casework.remindLateContributions(
      new Date("2026-09-09T09:00:00Z"),
    );
    assert.deepEqual(third, { reminded: 0, escalated: 1 });
  });

  it("reports count by council year with ICO bands and export CSV; themes group similar requests", async () => {
    const cases = ctx.services.requests.cases;
    for (let i = 0; i < 4; i++) {
      const c = await cases.create(staff, {
        type: "foi",
        received: "2026-05-01",
        summary: `Pothole repairs on roads ward ${i}`,
        requestText: "Number of pothole repairs on roads and the cost of pothole repairs",
      });
      await cases.close(staff, c.id, {
        outcome: i === 0 ? "already-published" : "provided-in-full",
        closedOn: i < 3 ? "2026-05-20" : "2026-06-20",
      });
    }
    const report = await ctx.services.requests.reports.report({ year: "2026/27" });
    const foi = report.timeliness.find((r) => r.type === "foi");
    assert.ok(foi);
    // The four here and the grit-bins case closed above, in time: 4 of 5.
    assert.equal(foi.closed, 5);
    assert.equal(foi.inTime, 4);
    assert.equal(foi.percentInTime, 80);
    assert.equal(foi.band, "Unsatisfactory");
    const csv = await ctx.services.requests.reports.timelinessCsv("2026/27");
    assert.match(csv, /^council_year,type,received/);
    assert.match(csv, /2026\/27,foi,/);
    const themes = await ctx.services.requests.reports.themes({ today: "2026-11-25" });
    const pothole = themes.find((t) => t.examples.some((e) => /Pothole/.test(e.summary)));
    assert.ok(pothole, JSON.stringify(themes.map((t) => t.label)));
    assert.ok(pothole.count >= 4);
    assert.equal(pothole.estimatedSavingPounds, pothole.lastTwelveMonths * 160);
    const { client } = await signedInClient(ctx, ["ig-officer"]);
    assert.equal((await client.get("/staff/requests/reports")).statusCode, 200);
    assert.equal((await client.get("/staff/requests/themes")).statusCode, 200);
    const download = await client.get("/staff/requests/reports.csv");
    assert.match(String(download.headers["content-type"]), /text\/csv/);
    const caseworker = await signedInClient(ctx, ["caseworker"]);
    assert.equal((await caseworker.client.get("/staff/requests/reports")).statusCode, 403);
  });
});
