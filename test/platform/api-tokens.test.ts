import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { signedInClient } from "../helpers/http.ts";
import { createTestContext, type TestContext } from "../helpers/runtime.ts";

describe("personal API tokens", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  const api = (url: string, token?: string) =>
    ctx.app.inject({
      method: "GET",
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  it("are created on the account page, shown once, stored hashed, carry the owner's roles, and can be revoked", async () => {
    const { client, user } = await signedInClient(ctx, ["dpo"]);
    await client.get("/account/tokens/new");
    const created = await client.post("/account/tokens", {
      name: "Report script",
      expiresInDays: "30",
    });
    assert.equal(created.statusCode, 200);
    const token = /data-qa="api-token">(stw_[A-Za-z0-9_-]+)</.exec(created.body)?.[1];
    assert.ok(token);
    const stored = await ctx.services.db
      .selectFrom("api_tokens")
      .selectAll()
      .where("user_id", "=", user.id)
      .executeTakeFirstOrThrow();
    assert.notEqual(stored.token_hash, token);
    assert.ok(!JSON.stringify(stored).includes(token));

    const me = await api("/api/v1/me", token);
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().email, user.email);
    assert.equal(
      (await api("/api/v1/audit-events?limit=5", token)).statusCode,
      200,
      "the DPO may read the audit trail",
    );
    const forbidden = await api("/api/v1/users", token);
    assert.equal(forbidden.statusCode, 403, "but not list users");
    assert.equal(forbidden.headers["content-type"], "application/problem+json; charset=utf-8");
    assert.equal(forbidden.json().status, 403);

    await ctx.services.users.update({ actorId: null, actorLabel: "test" }, user.id, { roles: [] });
    assert.equal(
      (await api("/api/v1/audit-events", token)).statusCode,
      403,
      "a role removed from the person is removed from the token",
    );

    await client.get("/account");
    assert.equal((await client.post(`/account/tokens/${stored.id}/revoke`, {})).statusCode, 303);
    const revoked = await api("/api/v1/me", token);
    assert.equal(revoked.statusCode, 401);
    assert.match(revoked.json().detail, /revoked/);
  });

  it("refuse expired and made-up tokens", async () => {
    const { user } = await signedInClient(ctx);
    const { token, id } = await ctx.services.apiTokens.create(
      { actorId: null, actorLabel: "test" },
      user.id,
      "old",
      1,
    );
    await ctx.services.db
      .updateTable("api_tokens")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("id", "=", id)
      .execute();
    assert.equal((await api("/api/v1/me", token)).statusCode, 401);
    assert.equal((await api("/api/v1/me", "stw_madeup")).statusCode, 401);
  });

  it("gives a clear problem+json for invalid query parameters, never a 500", async () => {
    const { user } = await signedInClient(ctx, ["administrator"]);
    const { token } = await ctx.services.apiTokens.create(
      { actorId: null, actorLabel: "test" },
      user.id,
      "t",
      null,
    );
    const res = await api("/api/v1/audit-events?limit=0&from=not-a-date", token);
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().status, 400);
    assert.ok(res.json().detail);
  });

  it("publishes an OpenAPI 3.1 document covering the API routes", async () => {
    const res = await api("/api/v1/openapi.json");
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.equal(doc.openapi, "3.1.0");
    for (const path of ["/api/v1/me", "/api/v1/users", "/api/v1/audit-events", "/api/v1/deadlines"])
      assert.ok(doc.paths[path], path);
    assert.ok(!doc.paths["/admin/users"], "pages are not in the API document");
    assert.ok(doc.components.securitySchemes.apiToken);
  });
});
