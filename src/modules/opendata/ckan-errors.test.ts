import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestContext, type TestContext } from "../../../test/helpers/runtime.ts";
import { publicRateLimit } from "./http-cache.ts";

/** Errors raised before an action runs still reach CKAN clients in CKAN's envelope. */
describe("CKAN API errors outside the actions", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  it("answers a malformed JSON body with CKAN's Bad request", async () => {
    const res = await ctx.app.inject({
      method: "POST",
      url: "/api/3/action/package_search",
      headers: { "content-type": "application/json" },
      payload: '{"q": "spend"',
    });
    assert.equal(res.statusCode, 400);
    const body = res.json();
    assert.equal(body.success, false);
    assert.equal(body.error.__type, "Bad request");
    assert.match(body.help, /\/api\/3\/action\/help_show\?name=package_search$/);
  });

  it("explains each action through help_show, where every answer's help link points", async () => {
    const res = await ctx.app.inject({ url: "/api/3/action/help_show?name=datastore_search" });
    assert.equal(res.statusCode, 200);
    assert.match(res.json().result, /:param resource_id:/);
    const unknown = await ctx.app.inject({ url: "/api/3/action/help_show?name=nope" });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error.__type, "Not Found Error");
  });

  it("answers the rate limit with 429 in CKAN's envelope and says when to retry", async () => {
    const remoteAddress = "203.0.113.7";
    for (let i = 0; i < publicRateLimit.max; i++) {
      const ok = await ctx.app.inject({ url: "/api/3/action/status_show", remoteAddress });
      assert.equal(ok.statusCode, 200, `request ${i + 1}`);
    }
    const limited = await ctx.app.inject({ url: "/api/3/action/status_show", remoteAddress });
    assert.equal(limited.statusCode, 429);
    assert.ok(limited.headers["retry-after"]);
    assert.match(String(limited.headers["content-type"]), /application\/json/);
    const body = limited.json();
    assert.equal(body.success, false);
    assert.equal(body.error.__type, "Too Many Requests");
    assert.match(body.help, /name=status_show/);
    // Another client is not affected.
    const other = await ctx.app.inject({
      url: "/api/3/action/status_show",
      remoteAddress: "203.0.113.8",
    });
    assert.equal(other.statusCode, 200);
  });
});
