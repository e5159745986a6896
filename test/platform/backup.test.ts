import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { loadDemoData } from "../../src/modules/demo/demo-data.ts";
import { systemActor } from "../../src/platform/audit/audit-service.ts";
import {
  BackupError,
  backupDatabase,
  restoreDatabase,
} from "../../src/platform/backup/backup-service.ts";
import type { Db } from "../../src/platform/db/database.ts";
import { createTestContext, type TestContext } from "../helpers/runtime.ts";

async function snapshot(db: Db): Promise<Record<string, unknown[]>> {
  const tables = await sql<{
    t: string;
  }>`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY 1`.execute(
    db,
  );
  const out: Record<string, unknown[]> = {};
  for (const { t } of tables.rows) {
    const rows = await sql<{
      r: unknown;
    }>`SELECT row_to_json(x) AS r FROM ${sql.table(t)} x ORDER BY row_to_json(x)::text`.execute(db);
    out[t] = rows.rows.map((r) => r.r);
  }
  return out;
}

describe("backup and restore", () => {
  let source: TestContext;
  let target: TestContext;
  const dir = mkdtempSync(join(tmpdir(), "steward-backup-"));

  before(async () => {
    [source, target] = await Promise.all([createTestContext(), createTestContext()]);
    await loadDemoData(source.services, systemActor);
    await source.services.jobs.enqueue("demo.job", { with: ["json", 1, null] });
  });
  after(async () => {
    await Promise.all([source.close(), target.close()]);
  });

  it("round-trips the whole database exactly, audit chain included", async () => {
    const file = join(dir, "steward.backup.gz");
    const written = await backupDatabase(source.services.db, file);
    assert.ok(written.rows > 30);
    const restored = await restoreDatabase(target.services.db, file);
    assert.equal(restored.rows, written.rows);
    assert.deepEqual(await snapshot(target.services.db), await snapshot(source.services.db));
    assert.equal((await target.services.audit.verify()).ok, true);
    // Sequences continue after the restored ids: a new entry chains on.
    await target.services.organisation.addServiceArea(systemActor, {
      name: "New service",
      directorate: null,
      headOfService: null,
    });
    assert.equal((await target.services.audit.verify()).ok, true);
  });

  it("refuses to restore into a database that is not empty, and changes nothing", async () => {
    const file = join(dir, "again.backup.gz");
    await backupDatabase(source.services.db, file);
    const before = await snapshot(target.services.db);
    await assert.rejects(
      restoreDatabase(target.services.db, file),
      (err: Error) => err instanceof BackupError && /empty database/.test(err.message),
    );
    assert.deepEqual(await snapshot(target.services.db), before);
  });

  it("says clearly when the file is not a backup", async () => {
    const file = join(dir, "not-a-backup.gz");
    writeFileSync(file, "hello");
    await assert.rejects(restoreDatabase(target.services.db, file), BackupError);
  });
});
