import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { signedInClient, TestClient } from "../helpers/http.ts";
import { createTestContext, type TestContext } from "../helpers/runtime.ts";

describe("administrators manage accounts on pages", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  it("shows every problem in the error summary, keeps what was typed, and saves nothing", async () => {
    const { client } = await signedInClient(ctx, ["administrator"]);
    await client.get("/admin/users/new");
    const before = (await ctx.services.users.list()).length;
    const res = await client.post("/admin/users", {
      displayName: "",
      email: "not-an-email",
      jobTitle: "Records Manager",
      password: "short",
      roles: ["caseworker"],
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /<title>Error: /);
    assert.match(res.body, /govuk-error-summary/);
    for (const message of [
      "Enter the person&#39;s full name",
      "Enter an email address in the correct format",
      "Password must be 12 characters or more",
    ]) {
      assert.ok(res.body.includes(message), message);
    }
    assert.match(res.body, /href="#displayName"/);
    assert.match(res.body, /value="Records Manager"/, "keeps the job title");
    assert.match(res.body, /value="caseworker" checked/, "keeps the ticked role");
    assert.doesNotMatch(res.body, /value="short"/, "never echoes a password");
    assert.equal((await ctx.services.users.list()).length, before);
  });

  it("adds a user with roles, changes roles, disables and enables, all audited", async () => {
    const { client, user: admin } = await signedInClient(ctx, ["administrator"]);
    await client.get("/admin/users/new");
    const created = await client.post("/admin/users", {
      displayName: "Sam Patel",
      email: "Sam.Patel@Northmoor.example.gov.uk",
      password: "a long enough password",
      roles: ["caseworker", "analyst"],
    });
    assert.equal(created.statusCode, 303);
    const sam = await ctx.services.users.findByEmail("sam.patel@northmoor.example.gov.uk");
    assert.deepEqual(sam?.roles.sort(), ["analyst", "caseworker", "staff"]);
    const id = sam?.id as string;

    await client.get(`/admin/users/${id}`);
    assert.equal(
      (await client.post(`/admin/users/${id}`, { displayName: "Sam Patel", roles: ["dpo"] }))
        .statusCode,
      303,
    );
    assert.deepEqual((await ctx.services.users.get(id))?.roles.sort(), ["dpo", "staff"]);

    const duplicate = await client.post("/admin/users", {
      displayName: "Sam Again",
      email: "sam.patel@northmoor.example.gov.uk",
      password: "a long enough password",
    });
    assert.equal(duplicate.statusCode, 400);
    assert.match(duplicate.body, /already exists/);

    assert.equal((await client.post(`/admin/users/${id}/disable`, {})).statusCode, 303);
    assert.equal((await ctx.services.users.get(id))?.disabled, true);
    const samClient = new TestClient(ctx);
    assert.equal(
      (await samClient.signIn("sam.patel@northmoor.example.gov.uk", "a long enough password"))
        .statusCode,
      401,
    );
    assert.equal((await client.post(`/admin/users/${id}/disable`, {})).statusCode, 303);
    assert.equal(
      (await samClient.signIn("sam.patel@northmoor.example.gov.uk", "a long enough password"))
        .statusCode,
      303,
    );

    const trail = await ctx.services.audit.search({ entityType: "user", entityId: id, limit: 50 });
    const actions = trail.events.map((e) => e.action);
    for (const a of ["create", "role-change", "disable", "enable"])
      assert.ok(actions.includes(a), a);
    assert.ok(
      trail.events
        .filter((e) => e.action !== "sign-in" && e.action !== "sign-in-failed")
        .every((e) => e.actorId === admin.id),
    );

    const page = await client.get(`/admin/audit?entityType=user&entityId=${id}`);
    assert.match(page.body, /Roles of Sam Patel changed/);
  });

  it("will not disable or demote the last administrator", async () => {
    const solo = await createTestContext();
    try {
      const { client, user } = await signedInClient(solo, ["administrator"]);
      await client.get(`/admin/users/${user.id}`);
      const res = await client.post(`/admin/users/${user.id}/disable`, {});
      assert.equal(res.statusCode, 409);
      assert.match(res.body, /only active administrator/);
      const demote = await client.post(`/admin/users/${user.id}`, {
        displayName: user.displayName,
        roles: [],
      });
      assert.equal(demote.statusCode, 400);
      assert.match(demote.body, /only active administrator/);
    } finally {
      await solo.close();
    }
  });

  it("validates audit search dates instead of failing", async () => {
    const { client } = await signedInClient(ctx, ["dpo"]);
    const res = await client.get("/admin/audit?from=2026-02-30");
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Enter a real date/);
    const ok = await client.get("/admin/audit?from=2020-01-01&to=2099-12-31&action=create");
    assert.equal(ok.statusCode, 200);
  });

  it("never answers 500 to odd input", async () => {
    const { client } = await signedInClient(ctx, ["administrator"]);
    for (const url of [
      "/admin/users/not-a-uuid",
      "/admin/users/00000000-0000-0000-0000-000000000000",
      "/admin/audit?page=-5",
      "/admin/audit?actor=%25%5F%5C",
    ]) {
      const res = await client.get(url);
      assert.ok(res.statusCode < 500, `${url} → ${res.statusCode}`);
    }
    const bad = await ctx.app.inject({
      method: "POST",
      url: "/sign-in",
      payload: "{not json",
      headers: { "content-type": "application/json" },
    });
    assert.ok(bad.statusCode >= 400 && bad.statusCode < 500);
  });
});
