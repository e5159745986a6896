import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { THROTTLE } from "../../src/platform/auth/sign-in-service.ts";
import { signedInClient, TestClient } from "../helpers/http.ts";
import { createTestContext, createUser, type TestContext } from "../helpers/runtime.ts";

describe("signing in and sessions", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  it("stores passwords as argon2id, never in clear", async () => {
    const user = await createUser(ctx);
    const creds = await ctx.services.users.credentials(user.email);
    assert.match(creds?.password_hash ?? "", /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.ok(!creds?.password_hash.includes(user.password));
  });

  it("signs in with the right password, records it, and refuses a wrong one with the error summary", async () => {
    const user = await createUser(ctx);
    const client = new TestClient(ctx);
    await client.get("/sign-in");
    const bad = await client.post("/sign-in", { email: user.email, password: "wrong password!!" });
    assert.equal(bad.statusCode, 401);
    assert.match(bad.body, /govuk-error-summary/);
    assert.match(bad.body, /Enter a correct email address and password/);
    assert.match(
      bad.body,
      new RegExp(`value="${user.email.replace(/\./g, "\\.")}"`),
      "keeps the email typed",
    );
    const good = await client.post("/sign-in", {
      email: user.email.toUpperCase(),
      password: user.password,
    });
    assert.equal(good.statusCode, 303);
    assert.equal(good.headers.location, "/staff");
    const session = good.cookies.find((c) => c.name === "steward_session");
    assert.ok(session?.httpOnly);
    assert.equal(session?.sameSite, "Lax");
    assert.equal((await client.get("/staff")).statusCode, 200);
    const trail = await ctx.services.audit.search({ entityId: user.id });
    const actions = trail.events.map((e) => e.action);
    assert.ok(actions.includes("sign-in"));
    assert.ok(actions.includes("sign-in-failed"));
  });

  it("only redirects to local paths after sign-in", async () => {
    const user = await createUser(ctx);
    const client = new TestClient(ctx);
    await client.get("/sign-in");
    const res = await client.post("/sign-in", {
      email: user.email,
      password: user.password,
      next: "//evil.example.com/",
    });
    assert.equal(res.headers.location, "/staff");
  });

  it("throttles an account after repeated failures, even with the right password", async () => {
    const user = await createUser(ctx);
    const client = new TestClient(ctx);
    await client.get("/sign-in");
    for (let i = 0; i < THROTTLE.perAccount; i++) {
      assert.equal(
        (await client.post("/sign-in", { email: user.email, password: `nope-${i}-xxxxxx` }))
          .statusCode,
        401,
      );
    }
    const locked = await client.post("/sign-in", { email: user.email, password: user.password });
    assert.equal(locked.statusCode, 429);
    assert.match(locked.body, /Too many failed attempts/);
  });

  it("throttles an address that tries many accounts", async () => {
    await sql`DELETE FROM sign_in_attempts`.execute(ctx.services.db);
    const victim = await createUser(ctx);
    const rows = Array.from({ length: THROTTLE.perAddress }, (_, i) => ({
      email: `guess${i}@x.example`,
      client_ip: "127.0.0.1",
      succeeded: false,
    }));
    await ctx.services.db.insertInto("sign_in_attempts").values(rows).execute();
    const client = new TestClient(ctx);
    await client.get("/sign-in");
    assert.equal(
      (await client.post("/sign-in", { email: victim.email, password: victim.password }))
        .statusCode,
      429,
    );
    await sql`DELETE FROM sign_in_attempts`.execute(ctx.services.db);
  });

  it("refuses a disabled account and ends its sessions", async () => {
    const { client, user } = await signedInClient(ctx);
    await ctx.services.users.setDisabled({ actorId: null, actorLabel: "test" }, user.id, true);
    assert.equal((await client.get("/staff")).statusCode, 303);
    const again = new TestClient(ctx);
    await again.get("/sign-in");
    assert.equal(
      (await again.post("/sign-in", { email: user.email, password: user.password })).statusCode,
      401,
    );
  });

  it("signs out, and the old cookie no longer works", async () => {
    const { client } = await signedInClient(ctx);
    const res = await client.post("/sign-out", {});
    assert.equal(res.statusCode, 303);
    assert.equal((await client.get("/staff")).statusCode, 303);
  });

  it("expires idle sessions and sessions past their absolute lifetime", async () => {
    const { client, user } = await signedInClient(ctx);
    await ctx.services.db
      .updateTable("sessions")
      .set({ last_seen_at: new Date(Date.now() - 31 * 60_000) })
      .where("user_id", "=", user.id)
      .execute();
    assert.equal((await client.get("/staff")).statusCode, 303);
    const second = await signedInClient(ctx);
    await ctx.services.db
      .updateTable("sessions")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("user_id", "=", second.user.id)
      .execute();
    assert.equal((await second.client.get("/staff")).statusCode, 303);
  });

  it("lets a user sign out of every session, and an administrator revoke them", async () => {
    const user = await createUser(ctx);
    const a = new TestClient(ctx);
    const b = new TestClient(ctx);
    await a.signIn(user.email, user.password);
    await b.signIn(user.email, user.password);
    assert.equal((await a.post("/account/sessions/revoke-all", {})).statusCode, 303);
    assert.equal((await b.get("/staff")).statusCode, 303);

    const c = new TestClient(ctx);
    await c.signIn(user.email, user.password);
    const { client: admin } = await signedInClient(ctx, ["administrator"]);
    await admin.get(`/admin/users/${user.id}`);
    assert.equal((await admin.post(`/admin/users/${user.id}/sessions/revoke`, {})).statusCode, 303);
    assert.equal((await c.get("/staff")).statusCode, 303);
  });

  it("refuses a form post without the CSRF token, or with another session's token", async () => {
    const { client } = await signedInClient(ctx);
    const { client: other } = await signedInClient(ctx);
    const none = await client.post("/account/sessions/revoke-others", {}, { csrf: null });
    assert.equal(none.statusCode, 403);
    assert.match(none.body, /This form has expired/);
    assert.equal(
      (await client.post("/account/sessions/revoke-others", {}, { csrf: other.csrf })).statusCode,
      403,
    );
    assert.equal((await client.post("/account/sessions/revoke-others", {})).statusCode, 303);
    const anon = new TestClient(ctx);
    assert.equal(
      (await anon.post("/sign-in", { email: "a@b.example", password: "x" }, { csrf: null }))
        .statusCode,
      403,
    );
  });

  it("sets strict security headers with a fresh script nonce on every page", async () => {
    const anon = new TestClient(ctx);
    const one = await anon.get("/");
    const two = await anon.get("/");
    const csp = String(one.headers["content-security-policy"]);
    assert.match(csp, /script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.notEqual(csp, String(two.headers["content-security-policy"]));
    const nonce = /nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(one.body.includes(`nonce="${nonce}"`), "the inline script carries the nonce");
    assert.equal(one.headers["x-content-type-options"], "nosniff");
    assert.ok(one.headers["x-request-id"]);
  });
});

describe("the session cache", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext({ SESSION_CACHE_SECONDS: 30 });
  });
  after(() => ctx.close());

  it("still applies sign-out, revocation, disabling and role changes at once in the same process", async () => {
    const { client, user } = await signedInClient(ctx, ["administrator"]);
    const { client: admin } = await signedInClient(ctx, ["administrator"]);
    assert.equal((await client.get("/admin/users")).statusCode, 200);
    await ctx.services.users.update({ actorId: null, actorLabel: "test" }, user.id, { roles: [] });
    assert.equal(
      (await client.get("/admin/users")).statusCode,
      403,
      "role removed: refused at once",
    );
    await admin.get(`/admin/users/${user.id}`);
    await admin.post(`/admin/users/${user.id}/sessions/revoke`, {});
    assert.equal((await client.get("/staff")).statusCode, 303, "revoked: signed out at once");

    const { client: other, user: otherUser } = await signedInClient(ctx);
    assert.equal((await other.get("/staff")).statusCode, 200);
    await ctx.services.users.setDisabled({ actorId: null, actorLabel: "test" }, otherUser.id, true);
    assert.equal((await other.get("/staff")).statusCode, 303, "disabled: signed out at once");
  });
});
