import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { createTestContext, createUser, type TestContext } from "../helpers/runtime.ts";

describe("the audit trail", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  it("records changes with who, what, before/after, request id and address", async () => {
    const user = await createUser(ctx);
    await ctx.services.users.update(
      {
        actorId: null,
        actorLabel: "Admin Person",
        requestId: "req-123456789",
        clientIp: "192.0.2.1",
      },
      user.id,
      { roles: ["caseworker"] },
    );
    const { events } = await ctx.services.audit.search({
      entityType: "user",
      entityId: user.id,
      action: "role-change",
    });
    assert.equal(events.length, 1);
    const e = events[0];
    assert.equal(e.actorLabel, "Admin Person");
    assert.equal(e.requestId, "req-123456789");
    assert.equal(e.clientIp, "192.0.2.1");
    assert.deepEqual(e.changes, { roles: { from: ["staff"], to: ["staff", "caseworker"] } });
    assert.ok(
      !JSON.stringify(await ctx.services.audit.search({ entityId: user.id })).includes(
        user.password,
      ),
      "no password in the trail",
    );
  });

  it("refuses updates, deletes and truncation in the database itself", async () => {
    await createUser(ctx);
    const client = new pg.Client({ connectionString: ctx.databaseUrl });
    await client.connect();
    try {
      await assert.rejects(client.query("UPDATE audit_events SET summary = 'x'"), /append-only/);
      await assert.rejects(client.query("DELETE FROM audit_events"), /append-only/);
      await assert.rejects(client.query("TRUNCATE audit_events"), /append-only/);
    } finally {
      await client.end();
    }
  });

  it("verifies an intact chain, and names the first entry altered through a privileged connection", async () => {
    for (let i = 0; i < 5; i++) await createUser(ctx);
    const intact = await ctx.services.audit.verify();
    assert.equal(intact.ok, true);
    assert.ok(intact.checked >= 6);

    const target = (await ctx.services.audit.search({ limit: 500 })).events.at(-3);
    assert.ok(target);
    const client = new pg.Client({ connectionString: ctx.databaseUrl });
    await client.connect();
    try {
      // A privileged user can switch the guard off: verification must still catch the change.
      await client.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update");
      await client.query("UPDATE audit_events SET summary = 'nothing to see here' WHERE id = $1", [
        target.id,
      ]);
      await client.query("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update");
    } finally {
      await client.end();
    }
    const broken = await ctx.services.audit.verify();
    assert.equal(broken.ok, false);
    assert.equal(!broken.ok && broken.brokenId, target.id);
    assert.match(!broken.ok ? broken.reason : "", /altered/);
  });

  it("`steward audit verify` reports the break with exit code 1", () => {
    const res = spawnSync(process.execPath, ["bin/steward.js", "audit", "verify"], {
      env: { ...process.env, DATABASE_URL: ctx.databaseUrl },
      encoding: "utf8",
    });
    assert.equal(res.status, 1, res.stderr);
    assert.match(res.stdout, /BROKEN at entry \d+/);
  });

  it("detects a deleted entry by the broken link", async () => {
    const ctx2 = await createTestContext();
    try {
      for (let i = 0; i < 4; i++) await createUser(ctx2);
      const victim = (await ctx2.services.audit.search({ limit: 500 })).events.at(-2);
      assert.ok(victim);
      const client = new pg.Client({ connectionString: ctx2.databaseUrl });
      await client.connect();
      await client.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update");
      await client.query("DELETE FROM audit_events WHERE id = $1", [victim.id]);
      await client.end();
      const result = await ctx2.services.audit.verify();
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.reason : "", /removed or inserted/);
    } finally {
      await ctx2.close();
    }
  });
});
