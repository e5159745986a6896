import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { signedInClient, TestClient } from "../helpers/http.ts";
import { createTestContext, type TestContext } from "../helpers/runtime.ts";

describe("route policies", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  it("every registered route declares a policy", () => {
    const missing = ctx.app.registeredRoutes
      .filter((r) => !r.policy)
      .map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(missing, [], `routes without a policy: ${missing.join(", ")}`);
    assert.ok(ctx.app.registeredRoutes.length > 20);
  });

  it("every staff page sends anonymous visitors to sign in, and every staff API answers 401", async () => {
    const anon = new TestClient(ctx);
    const staffGets = ctx.app.registeredRoutes.filter(
      (r) => r.method === "GET" && r.policy?.kind !== "public",
    );
    assert.ok(staffGets.length > 5);
    for (const route of staffGets) {
      const url = route.url.replace(/:id/g, "00000000-0000-0000-0000-000000000000");
      const res = await anon.get(url);
      if (url.startsWith("/api/")) {
        assert.equal(res.statusCode, 401, url);
        assert.match(res.headers["content-type"] as string, /application\/problem\+json/);
      } else {
        assert.equal(res.statusCode, 303, url);
        assert.match(res.headers.location as string, /^\/sign-in\?next=/);
      }
    }
  });

  it("refuses users without the role with a 403 page, and lets the role in", async () => {
    const { client: staff } = await signedInClient(ctx, []);
    const { client: dpo } = await signedInClient(ctx, ["dpo"]);
    const { client: admin } = await signedInClient(ctx, ["administrator"]);
    for (const url of ["/admin/users", "/admin/audit", "/admin/outbox", "/admin/jobs"]) {
      const res = await staff.get(url);
      assert.equal(res.statusCode, 403, url);
      assert.match(res.body, /You do not have access to this page/);
      assert.equal((await admin.get(url)).statusCode, 200, url);
    }
    assert.equal((await dpo.get("/admin/audit")).statusCode, 200);
    assert.equal((await dpo.get("/admin/users")).statusCode, 403);
  });

  it("serves the public pages to anyone", async () => {
    const anon = new TestClient(ctx);
    for (const url of [
      "/",
      "/accessibility",
      "/privacy",
      "/cookies",
      "/feedback",
      "/sign-in",
      "/api/v1/docs",
      "/healthz",
      "/readyz",
    ]) {
      assert.equal((await anon.get(url)).statusCode, 200, url);
    }
  });

  it("answers unknown pages with a GOV.UK 404 page and unknown API paths with problem+json", async () => {
    const anon = new TestClient(ctx);
    const page = await anon.get("/no-such-page");
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /Page not found/);
    const api = await anon.get("/api/v1/no-such-thing");
    assert.equal(api.statusCode, 404);
    assert.equal(api.json().status, 404);
  });
});
