import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { buildApp, loggerOptions } from "../../src/platform/web/app.ts";
import { createTestContext, createUser, type TestContext } from "../helpers/runtime.ts";

describe("request logs", () => {
  let ctx: TestContext;
  const lines: string[] = [];
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  it("are JSON with a request id, and carry no cookies, tokens, passwords or query strings", async () => {
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(...chunk.toString().split("\n").filter(Boolean));
        done();
      },
    });
    const options = loggerOptions("info") as Record<string, unknown>;
    const app = await buildApp(ctx.services, {
      cookieSecret: ctx.rt.cookieSecret,
      logger: { ...options, stream },
    });
    const user = await createUser(ctx, ["administrator"]);
    const { token } = await ctx.services.apiTokens.create(
      { actorId: null, actorLabel: "t" },
      user.id,
      "t",
      null,
    );
    await app.inject({
      method: "GET",
      url: "/admin/users?q=resident.name%40example.com",
      headers: { authorization: `Bearer ${token}`, cookie: "steward_session=secret-cookie-value" },
    });
    await app.inject({
      method: "POST",
      url: "/sign-in",
      payload: `email=${encodeURIComponent(user.email)}&password=${encodeURIComponent(user.password)}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    await app.close();
    assert.ok(lines.length >= 2);
    const all = lines.join("\n");
    for (const secret of [
      token,
      "secret-cookie-value",
      user.password,
      user.email,
      "resident.name",
      "example.com",
    ]) {
      assert.ok(!all.includes(secret), `log contains ${secret}`);
    }
    const parsed = lines.map((l) => JSON.parse(l));
    assert.ok(parsed.some((l) => l.req?.requestId && l.req?.path === "/admin/users"));
  });
});
