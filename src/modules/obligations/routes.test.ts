import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { signedInClient } from "../../../test/helpers/http.ts";
import { createTestContext, type TestContext } from "../../../test/helpers/runtime.ts";
import { loadObligationsDemo } from "./demo.ts";

const PAGES = [
  "/obligations",
  "/obligations/retention",
  "/obligations/retention/rules/new",
  "/obligations/retention/import/schedule",
  "/obligations/retention/import/collections",
  "/obligations/retention/collections",
  "/obligations/retention/collections/new",
  "/obligations/retention/due",
  "/obligations/retention/holds",
  "/obligations/retention/certificates",
  "/obligations/retention/own-records",
  "/obligations/sharing",
  "/obligations/sharing/partners/new",
  "/obligations/sharing/agreements/new",
  "/obligations/processors",
  "/obligations/processors/new",
  "/obligations/training",
  "/obligations/training/courses/new",
  "/obligations/training/completions/new",
  "/obligations/training/import",
];

function multipart(
  fields: Record<string, string>,
  file: { field: string; name: string; content: string },
) {
  const boundary = "----steward-test";
  const parts = Object.entries(fields).map(
    ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
  );
  parts.push(
    `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n${file.content}\r\n`,
  );
  return {
    body: `${parts.join("")}--${boundary}--\r\n`,
    type: `multipart/form-data; boundary=${boundary}`,
  };
}

describe("obligations pages", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
    await loadObligationsDemo(ctx.services, { actorId: null, actorLabel: "demo" });
  });
  after(() => ctx.close());

  it("every page opens for the IG team, with demo data, and is refused to staff", async () => {
    const { client } = await signedInClient(ctx, ["ig-officer"]);
    for (const path of PAGES) {
      const res = await client.get(path);
      assert.equal(res.statusCode, 200, `${path} should open`);
    }
    const agreements = await ctx.services.sharing.agreements();
    for (const a of agreements.slice(0, 3))
      assert.equal((await client.get(`/obligations/sharing/agreements/${a.id}`)).statusCode, 200);
    for (const p of (await ctx.services.processors.list()).slice(0, 2))
      assert.equal((await client.get(`/obligations/processors/${p.id}`)).statusCode, 200);
    const { items } = await ctx.services.retention.collections();
    assert.equal(
      (await client.get(`/obligations/retention/collections/${items[0].id}`)).statusCode,
      200,
    );
    for (const type of ["csv", "xlsx"])
      assert.equal((await client.get(`/obligations/retention/schedule.${type}`)).statusCode, 200);
    const { client: staff } = await signedInClient(ctx, ["staff"]);
    assert.equal((await staff.get("/obligations")).statusCode, 403);
  });

  it("shows form errors, never a 500, for bad input", async () => {
    const { client } = await signedInClient(ctx, ["dpo"]);
    await client.get("/obligations/retention/rules/new");
    const bad = await client.post("/obligations/retention/rules", {
      code: "",
      trigger: "closure",
      periodYears: "x",
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /There is a problem/);
    await client.get("/obligations/sharing/agreements/new");
    const badAgreement = await client.post("/obligations/sharing/agreements", {
      title: "T",
      startDate: "2026-02-30",
      partnerIds: "not-a-uuid",
    });
    assert.equal(badAgreement.statusCode, 400);
    assert.equal((await client.get("/obligations/sharing/agreements/not-an-id")).statusCode, 404);
    assert.equal((await client.get("/obligations/retention/due?month=2026-13")).statusCode, 200);
    const defer = await client.post(
      `/obligations/retention/collections/${(await ctx.services.retention.collections()).items[0].id}/defer`,
      { until: "yesterday", reason: "" },
    );
    assert.equal(defer.statusCode, 400);
  });

  it("imports training completions from a learning system's CSV, all or nothing", async () => {
    const { client } = await signedInClient(ctx, ["ig-officer"]);
    await client.get("/obligations/training/import");
    const before = (await ctx.services.training.compliance()).staff.compliant;
    const send = async (csv: string) => {
      const form = multipart({}, { field: "file", name: "export.csv", content: csv });
      const res = await ctx.app.inject({
        method: "POST",
        url: `/obligations/training/import?_csrf=${encodeURIComponent(client.csrf)}`,
        payload: form.body,
        headers: {
          "content-type": form.type,
          cookie: (client as unknown as { cookieHeader: string }).cookieHeader,
        },
      });
      return res;
    };
    const bad = await send(
      "Employee ID,Name,Course,Completed\nNEW-1,New Person,DP-ELEARN,2026-01-10\nNEW-2,Other,NO-SUCH,2026-01-10\n",
    );
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /course “NO-SUCH” is not in Steward/);
    assert.equal(
      (await ctx.services.training.people()).some((p) => p.personNumber === "NEW-1"),
      false,
    );
    const good = await send(
      "Employee ID,Name,Course,Completed\nNEW-1,New Person,DP-ELEARN,10/01/2026\n",
    );
    assert.equal(good.statusCode, 200);
    const draftId = /action="\/obligations\/training\/import\/([0-9a-f-]{36})"/.exec(
      good.body,
    )?.[1];
    assert.ok(draftId);
    const applied = await client.post(`/obligations/training/import/${draftId}`, {});
    assert.equal(applied.statusCode, 303);
    assert.ok((await ctx.services.training.people()).some((p) => p.personNumber === "NEW-1"));
    assert.ok((await ctx.services.training.compliance()).staff.people > 0);
    assert.ok(before >= 0);
  });

  it("serves the registers in the API and the OpenAPI document", async () => {
    const { client } = await signedInClient(ctx, ["dpo"]);
    for (const path of [
      "/api/v1/retention/rules",
      "/api/v1/retention/due",
      "/api/v1/sharing/agreements",
      "/api/v1/sharing/partners",
      "/api/v1/processors",
      "/api/v1/processors/gaps",
      "/api/v1/training/compliance",
    ])
      assert.equal((await client.get(path)).statusCode, 200, path);
    const coverage = await client.get("/api/v1/sharing/coverage?partner=Essex%20Police");
    assert.equal(JSON.parse(coverage.body).covered, true);
    const none = await client.get("/api/v1/sharing/coverage?partner=Nobody");
    assert.equal(JSON.parse(none.body).covered, false);
    const doc = JSON.parse((await client.get("/api/v1/openapi.json")).body) as {
      paths: Record<string, unknown>;
    };
    assert.ok(doc.paths["/api/v1/retention/rules"]);
    assert.ok(doc.paths["/api/v1/training/completions"]);
  });
});
