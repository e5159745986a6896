import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { createTestContext, type TestContext } from "../helpers/runtime.ts";

function runWorker(databaseUrl: string, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "test/fixtures/job-worker.ts", String(ms)],
      {
        env: { ...process.env, DATABASE_URL: databaseUrl },
        stdio: ["ignore", "inherit", "inherit"],
      },
    );
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

describe("jobs", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
    await sql`CREATE TABLE job_test_runs (id serial PRIMARY KEY, job_key text NOT NULL, worker text NOT NULL, at timestamptz DEFAULT now())`.execute(
      ctx.services.db,
    );
  });
  after(() => ctx.close());

  it("two Steward processes sharing one database run each queued job exactly once, and periodic jobs once per slot", async () => {
    const { jobs } = ctx.services;
    for (let i = 0; i < 60; i++) await jobs.enqueue("test.record", { key: `job-${i}` });
    const started = Date.now();
    const codes = await Promise.all([
      runWorker(ctx.databaseUrl, 6000),
      runWorker(ctx.databaseUrl, 6000),
    ]);
    const elapsedSeconds = (Date.now() - started) / 1000;
    assert.deepEqual(codes, [0, 0]);
    const runs = await sql<{
      job_key: string;
      worker: string;
    }>`SELECT job_key, worker FROM job_test_runs`.execute(ctx.services.db);
    const recorded = runs.rows.filter((r) => r.job_key !== "tick");
    assert.equal(recorded.length, 60, "every job ran");
    assert.equal(new Set(recorded.map((r) => r.job_key)).size, 60, "no job ran twice");
    assert.equal(new Set(runs.rows.map((r) => r.worker)).size, 2, "both processes did work");
    const ticks = runs.rows.filter((r) => r.job_key === "tick").length;
    assert.ok(ticks >= 2, `the periodic job ran (${ticks})`);
    assert.ok(
      ticks <= Math.ceil(elapsedSeconds) + 1,
      `the periodic job ran once per one-second slot, not once per process (${ticks} in ${elapsedSeconds}s)`,
    );
  });

  it("keeps queued jobs across restarts and retries a job whose process died mid-run", async () => {
    const { jobs, db } = ctx.services;
    const id = await jobs.enqueue("test.record", { key: "orphan" });
    assert.ok(id);
    await db
      .updateTable("jobs")
      .set({
        status: "running",
        locked_by: "dead-process",
        locked_at: new Date(Date.now() - 3_600_000),
      })
      .where("id", "=", id)
      .execute();
    assert.equal(await runWorker(ctx.databaseUrl, 1500), 0);
    const status = await jobs.status(id);
    assert.equal(status?.status, "done");
  });

  it("retries a failing job, then marks it failed with the error", async () => {
    const { jobs, db } = ctx.services;
    let calls = 0;
    jobs.define("test.fails", async () => {
      calls++;
      throw new Error("the partner's server is down");
    });
    const id = (await jobs.enqueue("test.fails", {}, { maxAttempts: 2 })) as string;
    assert.equal(await jobs.runOne(), true);
    assert.equal((await jobs.status(id))?.status, "queued");
    await db.updateTable("jobs").set({ run_at: new Date() }).where("id", "=", id).execute();
    assert.equal(await jobs.runOne(), true);
    const status = await jobs.status(id);
    assert.equal(status?.status, "failed");
    assert.equal(status?.lastError, "the partner's server is down");
    assert.equal(calls, 2);
  });

  it("records progress a page can show", async () => {
    const { jobs } = ctx.services;
    jobs.define("test.progress", async (_p, progress) => {
      await progress(40, "Reading the file");
      return { rows: 3 };
    });
    const id = (await jobs.enqueue("test.progress")) as string;
    while (await jobs.runOne()) {}
    const status = await jobs.status(id);
    assert.equal(status?.status, "done");
    assert.equal(status?.progress, 100);
    assert.equal(status?.progressMessage, "Reading the file");
    assert.deepEqual(status?.result, { rows: 3 });
  });
});
