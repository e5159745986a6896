import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openDuck } from "./checker.ts";
import { Datastore, type DatastoreQuery } from "./datastore.ts";
import { PARQUET_OPTIONS } from "./typed-copy.ts";

const dir = mkdtempSync(join(tmpdir(), "steward-datastore-"));
const parquet = join(dir, "data.parquet");
/** The same table as written today: no stored `_id`, rows numbered by their place in the file when read. */
const numberedWhenRead = join(dir, "numbered", "data.parquet");
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
  mkdirSync(join(dir, "numbered"));
  await conn.run(
    `COPY (SELECT * EXCLUDE (_id) FROM '${parquet}' ORDER BY _id) TO '${numberedWhenRead}' (${PARQUET_OPTIONS.replace(/ROW_GROUP_SIZE \d+/, "ROW_GROUP_SIZE 4096")})`,
  );
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

describe("a table file whose rows are numbered when read", () => {
  const queries: [string, DatastoreQuery][] = [
    ["the first page", {}],
    ["a page deep in", { offset: 12_345, limit: 7 }],
    ["sorted by _id backwards", { sort: "_id desc", limit: 3 }],
    ["a filter on _id", { filters: { _id: [5, 19_999] } }],
    ["a bucketed filter", { filters: { BeneficiaryName: ["Payee 42", "Payee 7"] }, limit: 50 }],
    ["a filter on a date and fields", { filters: { PaymentDate: "2024-04-03" }, fields: ["_id"] }],
    ["text search", { q: "payee 1999", limit: 5 }],
  ];

  it("answers exactly as a file that stores _id, fields first to last", async () => {
    for (const [name, query] of queries) {
      const stored = await bucketed.search(parquet, query);
      const numbered = await bucketed.search(numberedWhenRead, query);
      assert.deepEqual(numbered.records, stored.records, name);
      assert.equal(numbered.total, stored.total, name);
      assert.deepEqual(numbered.fields, stored.fields, name);
    }
    const first = await bucketed.search(numberedWhenRead, { limit: 2 });
    assert.deepEqual(
      first.records.map((r) => r._id),
      [1, 2],
    );
    assert.equal(first.fields[0].id, "_id");
    assert.equal(first.fields[0].type, "int");
  });

  it("exports and answers SQL the same way", async () => {
    const a = await bucketed.export(parquet, join(dir, "stored.csv"), "csv");
    const b = await bucketed.export(numberedWhenRead, join(dir, "numbered.csv"), "csv");
    const csv = readFileSync(b, "utf8");
    assert.equal(csv, readFileSync(a, "utf8"));
    assert.match(csv.split("\n")[0], /^BeneficiaryName,/, "no _id in a download");
    const sql = await bucketed.sql(
      `SELECT _id, Amount FROM "res" WHERE _id IN (1, 20000) ORDER BY _id`,
      new Map([["res", numberedWhenRead]]),
    );
    assert.deepEqual(
      sql.records.map((r) => r._id),
      [1, 20000],
    );
  });
});

describe("datastore_search_sql under load", () => {
  it("runs two statements at once, turns a third away when it cannot start in time, and stops slow ones", async () => {
    const store = new Datastore({ threads: 1 });
    try {
      const slow = "SELECT sum(range) AS n FROM range(20000000000)";
      // Handlers go on at once: which promise settles first depends on how busy the machine is.
      const first = assert.rejects(
        store.sql(slow, new Map(), { timeoutMs: 4000 }),
        /took too long/,
      );
      const second = assert.rejects(
        store.sql(slow, new Map(), { timeoutMs: 4000 }),
        /took too long/,
      );
      const third = store.sql("SELECT 1 AS n", new Map(), { timeoutMs: 300 });
      await assert.rejects(third, /busy with other queries/);
      await Promise.all([first, second]);
      const later = await store.sql("SELECT 1 AS n", new Map(), { timeoutMs: 20000 });
      assert.deepEqual(later.records, [{ n: 1 }], "slots are given back");
    } finally {
      store.close();
    }
  });
});
