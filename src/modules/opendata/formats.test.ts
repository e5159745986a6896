import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { type CheckReport, checkTable } from "./checker.ts";
import { describeTableFile, tableSql } from "./table-file.ts";
import { type TableSchema, typedSql } from "./table-schema.ts";
import { testDuck } from "./test-factories.ts";
import { checkInOnePass } from "./typed-copy.ts";

const dir = mkdtempSync(join(tmpdir(), "steward-formats-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const quote = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);
/** A CSV of Ref, Paid, Amount, Kind with one row per entry (defaults fill the rest). */
function spendCsv(rows: { paid?: string; amount?: string; kind?: string }[]): string {
  const path = join(dir, `f${n++}.csv`);
  const lines = rows.map((r, i) =>
    [`T${i + 1}`, r.paid ?? "01/04/2024", r.amount ?? "0.00", r.kind ?? "Quote"]
      .map(quote)
      .join(","),
  );
  writeFileSync(path, `Ref,Paid,Amount,Kind\n${lines.join("\n")}\n`);
  return path;
}

const schema: TableSchema = {
  fields: [
    { name: "Ref", type: "string", constraints: { required: true, unique: true } },
    { name: "Paid", type: "date", format: "any" },
    { name: "Amount", type: "number", bareNumber: false, groupChar: "," },
    { name: "Kind", type: "string", constraints: { enum: ["Quote", "Tender"] } },
  ],
};
/** The same schema, but a missing value other than "" sends even a valid file the thorough way. */
const thoroughSchema: TableSchema = { ...schema, missingValues: ["", "n/a"] };

/** Whether the one pass accepts the file (it gives up, for the thorough check, on anything wrong). */
async function onePassAccepts(csvPath: string): Promise<boolean> {
  const report: CheckReport = {
    ...(await checkTable({ csvPath: spendCsv([{}]) })),
    findings: [],
  };
  const quick = await checkInOnePass(
    (await duck()).conn,
    { csvPath, schema, parquetPath: join(dir, `one-pass-${n++}.parquet`) },
    report,
    async () => {},
  );
  return quick !== undefined;
}

/** Checks the file both ways and returns the typed rows of each Parquet file. */
async function typedBothWays(csvPath: string) {
  const read = async (parquetPath: string) => {
    const { conn } = await duck();
    return (
      await conn.runAndReadAll(
        `SELECT CAST(Paid AS VARCHAR) AS paid, Amount AS amount FROM ${tableSql(await describeTableFile(conn, parquetPath))} ORDER BY _id`,
      )
    )
      .getRowObjectsJS()
      .map((r) => [r.paid, r.amount]);
  };
  const results = [];
  for (const s of [schema, thoroughSchema]) {
    const parquetPath = join(dir, `typed-${n++}.parquet`);
    const r = await checkTable({ csvPath, schema: s, parquetPath });
    assert.equal(r.valid, true, JSON.stringify(r.errors));
    results.push(await read(parquetPath));
  }
  assert.deepEqual(results[0], results[1], "the one pass and the thorough check type values alike");
  return results[0];
}

/** Each value in a row of its own after a valid first row: the problems as [line, column, code, value]. */
async function problems(column: "paid" | "amount" | "kind", values: string[]) {
  const csvPath = spendCsv([{}, ...values.map((v) => ({ [column]: v }))]);
  assert.equal(await onePassAccepts(csvPath), false, "the one pass stops");
  const r = await checkTable({ csvPath, schema });
  assert.equal(r.valid, false);
  return r;
}

describe("dates councils write", () => {
  const accepted: [string, string][] = [
    ["01/04/2024", "2024-04-01"],
    ["1/4/2024", "2024-04-01"],
    ["31-Mar-2025", "2025-03-31"],
    ["31-MAR-2025", "2025-03-31"],
    ["31-Mar-25", "2025-03-31"],
    ["31 Mar 25", "2025-03-31"],
    ["31 March 25", "2025-03-31"],
    ["31/03/25", "2025-03-31"],
    ["31-03-25", "2025-03-31"],
    ["31.03.25", "2025-03-31"],
    ["31/03/69", "1969-03-31"],
    ["31/03/68", "2068-03-31"],
    ["31/03/2025 00:00:00", "2025-03-31"],
    ["31/03/2025 00:00", "2025-03-31"],
    ["31/03/2025 0:00", "2025-03-31"],
    ["2025-03-31T00:00:00", "2025-03-31"],
    ["2025-03-31 00:00:00", "2025-03-31"],
    ["2025-03-31T00:00:00Z", "2025-03-31"],
    ["2025-03-31T00:00:00.000Z", "2025-03-31"],
    ["2025-03-31 00:00:00.000", "2025-03-31"],
  ];

  it("reads each with the right date, the same in one pass and in the thorough check", async () => {
    const csvPath = spendCsv(accepted.map(([paid]) => ({ paid })));
    assert.equal(await onePassAccepts(csvPath), true, "a valid file is checked in one pass");
    const rows = await typedBothWays(csvPath);
    assert.deepEqual(
      rows.map(([paid], i) => [accepted[i][0], paid]),
      accepted,
    );
  });

  it("refuses a two-digit year read as a year before 1000, month first, and a time other than midnight", async () => {
    const refused = [
      "31/03/0025",
      "31/03/225",
      "0025-03-31",
      "03/31/2025",
      "03/31/25",
      "31/03/2025 13:45",
      "2025-03-31T09:30:00",
      "2025-03-31T00:00:01Z",
      "2025-03-31T00:00:00+01:00",
      "31/03/2025 12:00:00 AM",
      "31 Marc 2025",
      "32/01/2025",
    ];
    const r = await problems("paid", refused);
    assert.deepEqual(
      r.errors.map((e) => [e.row, e.column, e.code, e.value, e.message]),
      refused.map((v, i) => [
        i + 3,
        "Paid",
        "type",
        v,
        "Paid is not a date (day first, like 31/03/2025 or 2025-03-31)",
      ]),
    );
  });

  it("keeps an explicit format to its own year length", async () => {
    const { conn } = await duck();
    const read = async (format: string, value: string) => {
      const [row] = (
        await conn.runAndReadAll(
          `SELECT CAST(${typedSql({ name: "d", type: "date", format }, `'${value}'`)} AS VARCHAR) AS d`,
        )
      ).getRowObjectsJS();
      return row.d;
    };
    assert.equal(await read("%d/%m/%Y", "31/03/2025"), "2025-03-31");
    assert.equal(await read("%d/%m/%Y", "31/03/25"), null);
    assert.equal(await read("%d/%m/%y", "31/03/25"), "2025-03-31");
    assert.equal(await read("default", "2025-03-31"), "2025-03-31");
    assert.equal(await read("default", "25-03-31"), null);
  });
});

describe("amounts councils write", () => {
  const accepted: [string, number][] = [
    ["£1,234.56", 1234.56],
    ["0.00", 0],
    ["£ 1,234.50", 1234.5],
    ["GBP 1,234.50", 1234.5],
    ["GBP1234.50", 1234.5],
    ["1,234.50 GBP", 1234.5],
    ["1234.50-", -1234.5],
    ["£1,234.50-", -1234.5],
    ["£-12.00", -12],
    ["-£12.00", -12],
    ["£ -12.00", -12],
    ["-GBP 12", -12],
    ["(£1,234.50)", -1234.5],
    ["(£ 1,234.50)", -1234.5],
    ["(1,234.50 GBP)", -1234.5],
  ];

  it("reads each with the right amount, the same in one pass and in the thorough check", async () => {
    const csvPath = spendCsv(accepted.map(([amount]) => ({ amount })));
    assert.equal(await onePassAccepts(csvPath), true, "a valid file is checked in one pass");
    const rows = await typedBothWays(csvPath);
    assert.deepEqual(
      rows.map(([, amount], i) => [accepted[i][0], amount]),
      accepted,
    );
  });

  it("refuses nonsense, credits and debits, and more than one sign", async () => {
    const refused = [
      "1,23,4",
      "12.34.56",
      "£",
      "1e5",
      "GBP",
      "1234.50 CR",
      "1234.50 DR",
      "-£-12",
      "--12",
      "-12-",
      "(-12)",
      "(£12)-",
      "1234.50 GBP-",
      "£  12",
      "gbp 12",
      "$12",
      "£12.5.0",
    ];
    const r = await problems("amount", refused);
    assert.deepEqual(
      r.errors.map((e) => [e.row, e.column, e.code, e.value]),
      refused.map((v, i) => [i + 3, "Amount", "type", v]),
    );
    assert.equal(r.errorTotal, refused.length);
  });

  it("infers an amount column written out, and a date column of date-times", async () => {
    const r = await checkTable({
      csvPath: spendCsv([
        { paid: "31-Mar-2025", amount: "1234.50-" },
        { paid: "2025-03-31T00:00:00Z", amount: "GBP 12" },
      ]),
    });
    assert.deepEqual(
      r.schema?.fields.map((f) => f.type),
      ["string", "date", "number", "string"],
    );
  });
});

describe("listed values", () => {
  it("names the listed value a cell differs from only in capitals", async () => {
    const r = await problems("kind", ["tender", "QUOTE", "Maybe", "Tender"]);
    assert.deepEqual(
      r.errors.map((e) => [e.row, e.code, e.value, e.message]),
      [
        [5, "enum", "Maybe", "Kind is not one of: Quote, Tender"],
        [4, "enum", "QUOTE", "Kind is not one of: Quote, Tender; did you mean “Quote”?"],
        [3, "enum", "tender", "Kind is not one of: Quote, Tender; did you mean “Tender”?"],
      ],
    );
    assert.equal(r.errorTotal, 3, "each cell counted once");
    assert.equal(r.rowsPassing, 2);
  });
});

const duck = testDuck();
