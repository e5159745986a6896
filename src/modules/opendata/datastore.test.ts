import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openDuck } from "./checker.ts";
import { Datastore, type DatastoreQuery } from "./datastore.ts";

const dir = mkdtempSync(join(tmpdir(), "steward-datastore-"));
const parquet = join(dir, "data.parquet");
// A small table and thresholds to match: buckets for a payee column with 2,000 names spread through it.
const bucketed = new Datastore({
  threads: 1,
  buckets: { minRows: 1_000, minDistinct: 100, rowsPerBucket: 2_000 },
});
const scanned = new Datastore({
  threads: 1,
  buckets: { minRows: Number.POSITIVE_INFINITY, minDistinct: 0, rowsPerBucket: 1 },
});

before(async () => {
  const instance = await openDuck({ threads: 1, memoryLimit: "256MB" });
  const conn = await instance.connect();
  await conn.run(`COPY (
    SELECT i + 1 AS _id, 'Payee ' || CAST(hash(i) % 2000 AS VARCHAR) AS BeneficiaryName,
      (['Housing', 'Highways'])[1 + i % 2] AS Unit, DATE '2024-04-01' + CAST(i % 90 AS INTEGER) AS PaymentDate,
      (i % 977) * 1.5 AS Amount
    FROM range(20000) t(i)) TO '${parquet}' (FORMAT parquet, ROW_GROUP_SIZE 4096)`);
  conn.closeSync();
  instance.closeSync();
});
after(() => {
  bucketed.close();
  scanned.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("datastore_search with a filter on a text column", () => {
  const queries: [string, DatastoreQuery][] = [
    ["one payee", { filters: { BeneficiaryName: "Payee 42" } }],
    [
      "two payees, a page in",
      { filters: { BeneficiaryName: ["Payee 42", "Payee 7"] }, offset: 3, limit: 5 },
    ],
    ["a payee nobody was paid", { filters: { BeneficiaryName: "Nobody" } }],
    [
      "with a second filter and fields",
      { filters: { BeneficiaryName: "Payee 42", Unit: "Housing" }, fields: ["_id", "Amount"] },
    ],
    ["sorted", { filters: { BeneficiaryName: ["Payee 42", "Payee 9"] }, sort: "Amount desc, _id" }],
    ["with text search", { filters: { BeneficiaryName: "Payee 42" }, q: "housing" }],
    ["distinct", { filters: { BeneficiaryName: "Payee 42" }, fields: ["Unit"], distinct: true }],
  ];

  it("gives the same rows and totals from buckets as from scanning the file", async () => {
    for (const [name, query] of queries) {
      const a = await scanned.search(parquet, query);
      const b = await bucketed.search(parquet, query);
      if (query.distinct) {
        const key = (r: Record<string, unknown>) => JSON.stringify(r);
        assert.deepEqual(b.records.map(key).sort(), a.records.map(key).sort(), name);
      } else assert.deepEqual(b.records, a.records, name);
      assert.equal(b.total, a.total, name);
      assert.deepEqual(b.fields, a.fields, name);
    }
    const one = await bucketed.search(parquet, queries[0][1]);
    assert.ok((one.total ?? 0) > 3, "the payee has several payments");
    assert.deepEqual(
      one.records.map((r) => r._id),
      [...one.records.map((r) => r._id)].sort((x, y) => Number(x) - Number(y)),
      "in _id order",
    );
  });

  it("keeps the buckets beside the Parquet file, and none for a column with few values", async () => {
    await bucketed.search(parquet, { filters: { Unit: "Housing" } });
    const names = readdirSync(dir);
    const payee = `data.parquet.by-${Buffer.from("BeneficiaryName").toString("hex")}`;
    assert.ok(names.includes(payee), names.join(", "));
    assert.ok(readdirSync(join(dir, payee)).length > 1, "several buckets");
    assert.ok(!existsSync(join(dir, `data.parquet.by-${Buffer.from("Unit").toString("hex")}`)));
    assert.ok(names.includes(`data.parquet.by-${Buffer.from("Unit").toString("hex")}.json`));
  });
});
