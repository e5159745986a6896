import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createTestContext, type TestContext } from "../helpers/runtime.ts";

function steward(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ["bin/steward.js", ...args], {
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
}

describe("the steward command", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  it("lists its commands and has --help on each", () => {
    const top = steward(["--help"]);
    assert.equal(top.status, 0);
    for (const c of [
      "serve",
      "migrate",
      "user",
      "demo",
      "audit",
      "backup",
      "restore",
      "deadline",
    ]) {
      assert.match(top.stdout, new RegExp(`^  ${c} `, "m"), c);
      const help = steward([c, "--help"]);
      assert.equal(help.status, 0, c);
      assert.match(help.stdout, /Usage/);
    }
    const unknown = steward(["frobnicate"]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
  });

  it("adds, lists, changes roles of, and disables users, audited as the command line", () => {
    const env = { DATABASE_URL: ctx.databaseUrl };
    const add = steward(
      [
        "user",
        "add",
        "jo.bloggs@northmoor.example.gov.uk",
        "--name",
        "Jo Bloggs",
        "--role",
        "caseworker",
      ],
      env,
    );
    assert.equal(add.status, 0, add.stderr);
    assert.match(add.stdout, /Password \(shown once\): \S{20}/);
    assert.equal(
      steward(["user", "role", "jo.bloggs@northmoor.example.gov.uk", "--add", "dpo"], env).status,
      0,
    );
    const list = steward(["user", "list", "--json"], env);
    const jo = JSON.parse(list.stdout).find(
      (u: { email: string }) => u.email === "jo.bloggs@northmoor.example.gov.uk",
    );
    assert.deepEqual(jo.roles.sort(), ["caseworker", "dpo", "staff"]);
    assert.equal(steward(["user", "disable", "jo.bloggs@northmoor.example.gov.uk"], env).status, 0);
    const bad = steward(
      ["user", "role", "jo.bloggs@northmoor.example.gov.uk", "--add", "emperor"],
      env,
    );
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /Unknown role: emperor/);
    const missing = steward(["user", "disable", "nobody@example.gov.uk"], env);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no account/);
  });

  it("backs up and restores through the command line", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "steward-cli-")), "b.gz");
    const backup = steward(["backup", file], { DATABASE_URL: ctx.databaseUrl });
    assert.equal(backup.status, 0, backup.stderr);
    const target = await createTestContext();
    try {
      const restore = steward(["restore", file], { DATABASE_URL: target.databaseUrl });
      assert.equal(restore.status, 0, restore.stderr);
      assert.match(restore.stdout, /Restored \d+ rows/);
      const again = steward(["restore", file], { DATABASE_URL: target.databaseUrl });
      assert.equal(again.status, 2);
      assert.match(again.stderr, /empty database/);
    } finally {
      await target.close();
    }
  });
});
