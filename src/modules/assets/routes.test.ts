import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { signedInClient } from "../../../test/helpers/http.ts";
import { createTestContext, type TestContext } from "../../../test/helpers/runtime.ts";

const actor = { actorId: null, actorLabel: "test" };

describe("asset register pages and API", () => {
  let ctx: TestContext;
  let areaId: string;
  before(async () => {
    ctx = await createTestContext();
    areaId = (
      await ctx.services.organisation.addServiceArea(actor, {
        name: "Children's Services",
        directorate: "People",
        headOfService: null,
      })
    ).id;
  });
  after(() => ctx.close());

  it("lets an IG officer add an asset through the form, with errors kept on the page", async () => {
    const { client } = await signedInClient(ctx, ["ig-officer"]);
    assert.equal((await client.get("/assets/new")).statusCode, 200);
    const bad = await client.post("/assets", { name: "", assetType: "system" });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /There is a problem/);
    assert.match(bad.body, /Enter the asset&#39;s name/);
    const ok = await client.post("/assets", {
      name: "Mosaic",
      assetType: "system",
      format: "electronic",
      marking: "official-sensitive",
      holdsPersonalData: "yes",
      dataSubjectCategories: ["children", "parents-carers"],
      personalDataCategories: ["identity", "health"],
      serviceAreaId: areaId,
      reference: "IA-MOS",
    });
    assert.equal(ok.statusCode, 303, ok.body.slice(0, 2000));
    const page = await client.get(ok.headers.location as string);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Mosaic/);
    assert.match(page.body, /Special category/);
    assert.match(page.body, /Asset IA-MOS Mosaic added to the register/);
    const list = await client.get("/assets?q=mosaic&special=yes&sort=owner&order=desc");
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /1 asset</);
  });

  it("lets staff read but not change; owners change only their own", async () => {
    const { client: staff } = await signedInClient(ctx, []);
    const { client: owner, user } = await signedInClient(ctx, ["asset-owner"]);
    const mine = await ctx.services.assets.create(actor, {
      name: "Caretrak",
      assetType: "system",
      format: "electronic",
      marking: "official",
      holdsPersonalData: false,
      ownerId: user.id,
    });
    const theirs = await ctx.services.assets.getByReference("IA-MOS");
    assert.ok(theirs);
    assert.equal((await staff.get("/assets")).statusCode, 200);
    assert.equal((await staff.get(`/assets/${mine.id}`)).statusCode, 200);
    assert.equal((await staff.get(`/assets/${mine.id}/edit`)).statusCode, 403);
    assert.equal((await staff.get("/assets/new")).statusCode, 403);
    assert.equal((await owner.get(`/assets/${theirs.id}/edit`)).statusCode, 403);
    assert.equal((await owner.get(`/assets/${mine.id}/edit`)).statusCode, 200);
    // The review: confirm as it is.
    const form = await owner.get(`/assets/${mine.id}/review`);
    assert.equal(form.statusCode, 200);
    const reviewed = await owner.post(`/assets/${mine.id}/review`, {
      name: "Caretrak",
      assetType: "system",
      format: "electronic",
      marking: "official",
      holdsPersonalData: "no",
      reviewNotes: "All correct",
    });
    assert.equal(reviewed.statusCode, 303, reviewed.body.slice(0, 1500));
    const reviews = await ctx.services.assets.reviews(mine.id);
    assert.equal(reviews[0].outcome, "confirmed");
    const after = await owner.get(`/assets/${mine.id}?done=reviewed`);
    assert.equal(after.statusCode, 200);
    assert.match(after.body, /Review recorded/);
    assert.equal((await owner.get("/assets/reviews")).statusCode, 200);
    assert.equal((await staff.get(`/assets/not-a-uuid`)).statusCode, 404);
  });

  it("records processing and flows, draws the map and exports the ROPA", async () => {
    const { client } = await signedInClient(ctx, ["dpo"]);
    const p = await client.post("/processing", {
      name: "Children's social care casework",
      purposes: "Safeguarding and support for children in need",
      assetReferences: "IA-MOS",
      lawfulBases: "public-task",
      personalDataCategories: ["identity", "health"],
    });
    assert.equal(p.statusCode, 303, p.body.slice(0, 1500));
    const bad = await client.post("/processing", {
      name: "X",
      purposes: "Y",
      assetReferences: "NOPE-1",
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /No asset in the register has the reference NOPE-1/);
    const f = await client.post("/flows", {
      name: "Referrals to the police",
      fromKind: "asset",
      fromAssetReference: "IA-MOS",
      toKind: "partner",
      toPartner: "Northmoor Police",
      personalData: "yes",
      dataCategories: ["identity", "criminal-offences"],
      method: "email",
      encryptedInTransit: "no",
    });
    assert.equal(f.statusCode, 303, f.body.slice(0, 1500));
    const map = await client.get(`/flows/map?service=${areaId}`);
    assert.equal(map.statusCode, 200);
    assert.match(map.body, /<svg[^>]+role="img"/);
    assert.match(map.body, /Northmoor Police/);
    assert.match(map.body, /1 at risk/);
    const risky = await client.get("/flows/at-risk");
    assert.match(risky.body, /No sharing agreement or contract/);
    for (const url of ["/processing", "/flows", "/flows/map?special=yes&agreement=none"])
      assert.equal((await client.get(url)).statusCode, 200, url);
    const csv = await client.get("/processing/export.csv");
    assert.equal(csv.statusCode, 200);
    assert.match(csv.body, /Purpose of processing/);
    assert.match(csv.body, /Children's social care casework/);
    const xlsx = await client.get("/processing/export.xlsx");
    assert.equal(xlsx.statusCode, 200);
    assert.equal(xlsx.rawPayload.subarray(0, 2).toString(), "PK");
    const asset = await ctx.services.assets.getByReference("IA-MOS");
    const detail = await client.get(`/assets/${asset?.id}`);
    assert.match(detail.body, /Referrals to the police/);
    assert.match(detail.body, /Children&#39;s social care casework/);
  });

  it("serves the same register through the API, with the same permissions and problem details", async () => {
    const { client: staff } = await signedInClient(ctx, []);
    const { client: ig } = await signedInClient(ctx, ["ig-officer"]);
    const list = await staff.get("/api/v1/assets?holdsPersonalData=true");
    assert.equal(list.statusCode, 200);
    assert.ok(JSON.parse(list.body).items.length >= 1);
    const created = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/assets",
      headers: {
        cookie: (ig as unknown as { cookieHeader: string }).cookieHeader,
        "x-csrf-token": ig.csrf,
      },
      payload: {
        name: "Uniform",
        assetType: "system",
        format: "electronic",
        marking: "official",
        holdsPersonalData: false,
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    const bad = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/assets",
      headers: {
        cookie: (ig as unknown as { cookieHeader: string }).cookieHeader,
        "x-csrf-token": ig.csrf,
      },
      payload: {
        name: "X",
        assetType: "system",
        format: "electronic",
        marking: "official",
        holdsPersonalData: false,
        ownerId: "00000000-0000-0000-0000-000000000000",
      },
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.headers["content-type"] as string, /problem\+json/);
    const staffPost = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/assets",
      headers: {
        cookie: (staff as unknown as { cookieHeader: string }).cookieHeader,
        "x-csrf-token": staff.csrf,
      },
      payload: {
        name: "Y",
        assetType: "system",
        format: "electronic",
        marking: "official",
        holdsPersonalData: false,
      },
    });
    assert.equal(staffPost.statusCode, 403);
    const doc = JSON.parse((await staff.get("/api/v1/openapi.json")).body);
    assert.ok(doc.paths["/api/v1/assets"]);
    assert.ok(doc.paths["/api/v1/data-flows/{id}"]);
    assert.ok(doc.paths["/api/v1/processing-activities"]);
  });

  it("never answers bad input with a 500", async () => {
    const { client } = await signedInClient(ctx, ["ig-officer"]);
    const asset = await ctx.services.assets.getByReference("IA-MOS");
    const inject = (method: "POST" | "PATCH" | "GET" | "DELETE", url: string, payload?: unknown) =>
      ctx.app.inject({
        method,
        url,
        payload: payload as Record<string, unknown>,
        headers: {
          cookie: (client as unknown as { cookieHeader: string }).cookieHeader,
          "x-csrf-token": client.csrf,
        },
      });
    const attempts = [
      await client.post("/assets", {
        name: ["a", "b"],
        assetType: "nonsense",
        dataSubjectCategories: ["x"],
        reviewDue: "2026-02-31",
      }),
      await client.post("/flows", { name: "x", fromKind: "asset", toKind: "service" }),
      await client.post("/flows", {
        name: "x",
        fromKind: "somewhere",
        toKind: "partner",
        toPartner: "P",
        personalData: "perhaps",
      }),
      await client.post("/processing", { name: "x".repeat(400), purposes: "" }),
      await client.post(`/assets/${asset?.id}/risks`, {
        description: "",
        likelihood: "9",
        impact: "x",
      }),
      await client.post(`/assets/${asset?.id}/risks/not-a-uuid/delete`, {}),
      await client.get("/assets?page=-4&sort=nonsense&service=zzz&owner=1"),
      await client.get("/flows/map?service=not-a-uuid&personal=maybe"),
      await client.get("/assets/import/not-a-uuid/preview"),
      await client.post("/assets/import", { file: "not multipart" }),
      await inject("PATCH", `/api/v1/assets/${asset?.id}`, { marking: "secretish" }),
      // Fastify drops properties the schema does not know (removeAdditional), so this changes nothing.
      await inject("PATCH", `/api/v1/assets/${asset?.id}`, { unknownField: 1 }),
      await inject("GET", "/api/v1/data-flows?atRisk=true&pageSize=9999"),
      await inject("POST", "/api/v1/data-flows", {
        name: "x",
        fromKind: "asset",
        toKind: "asset",
        personalData: true,
      }),
      await inject("DELETE", "/api/v1/processing-activities/00000000-0000-0000-0000-000000000000"),
    ];
    for (const res of attempts)
      assert.ok(res.statusCode < 500, `${res.statusCode} ${res.body.slice(0, 300)}`);
    assert.deepEqual(
      attempts.map((r) => r.statusCode),
      [400, 400, 400, 400, 400, 404, 200, 200, 404, 415, 400, 200, 400, 400, 404],
    );
  });

  it("lets the owner of an asset at either end change a flow, and no one else outside the IG team", async () => {
    const { client: owner, user } = await signedInClient(ctx, ["asset-owner"]);
    const { client: other } = await signedInClient(ctx, ["asset-owner"]);
    await ctx.services.assets.create(actor, {
      reference: "IA-OWN",
      name: "Owned",
      assetType: "dataset",
      format: "electronic",
      marking: "official",
      holdsPersonalData: false,
      ownerId: user.id,
    });
    const flow = await ctx.services.flows.create(actor, {
      name: "Owned flow",
      fromKind: "asset",
      fromAssetReference: "IA-OWN",
      toKind: "partner",
      toPartner: "A partner",
      personalData: false,
    });
    assert.equal((await owner.get(`/flows/${flow.id}/edit`)).statusCode, 200);
    assert.equal((await other.get(`/flows/${flow.id}/edit`)).statusCode, 403);
    assert.equal((await other.get(`/flows/${flow.id}`)).statusCode, 200);
    assert.equal((await other.get("/processing/new")).statusCode, 403);
  });
});
