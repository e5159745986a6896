import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { checkTable, screenText } from "./checker.ts";
import { isValidNhsNumber, looksLikePerson, SCREEN_RULES } from "./screen.ts";
import { describeTableFile, tableSql } from "./table-file.ts";
import { type TableSchema, trimSql } from "./table-schema.ts";
import { testDuck } from "./test-factories.ts";
import { CODE_TEMPLATES, periodFor, readPeriod } from "./transparency-code.ts";
import { checkInOnePass } from "./typed-copy.ts";

const dir = mkdtempSync(join(tmpdir(), "steward-checker-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function csv(text: string): string {
  const path = join(dir, `f${n++}.csv`);
  writeFileSync(path, text);
  return path;
}
const rule = (id: string) => SCREEN_RULES.find((r) => r.id === id) as (typeof SCREEN_RULES)[number];

describe("Table Schema validation", () => {
  const schema: TableSchema = {
    fields: [
      {
        name: "Ref",
        type: "string",
        constraints: { required: true, unique: true, pattern: "T\\d+" },
      },
      { name: "Paid", type: "date", format: "any" },
      {
        name: "Amount",
        type: "number",
        bareNumber: false,
        groupChar: ",",
        constraints: { minimum: 0, maximum: 1000000 },
      },
      { name: "Count", type: "integer" },
      { name: "Kind", type: "string", constraints: { enum: ["Quote", "Tender"] } },
    ],
  };

  it("accepts UK dates and money with £ and thousands separators", async () => {
    const path = csv(
      'Ref,Paid,Amount,Count,Kind\nT1,31/03/2025,"£1,234.50",3,Quote\nT2,2025-03-31,1234.5,4,Tender\nT3,1 April 2025,-£12,,Quote\nT4,01.04.2025,"(£1,000.00)",7,\n',
    );
    const r = await checkTable({
      csvPath: path,
      schema: {
        fields: schema.fields.map((f) => (f.name === "Amount" ? { ...f, constraints: {} } : f)),
      },
    });
    assert.equal(r.errorTotal, 0, JSON.stringify(r.errors));
    assert.equal(r.rowsPassing, 4);
    assert.equal(r.valid, true);
  });

  it("names each problem by line and column, and counts rows that pass", async () => {
    const path = csv(
      "Ref,Paid,Amount,Count,Kind\nT1,31/03/2025,10,1,Quote\nT1,03/31/2025,abc,1.5,Maybe\nX9,,-5,2,Tender\n,01/01/2025,2000000,3,Quote\n",
    );
    const r = await checkTable({ csvPath: path, schema });
    const has = (line: number, column: string, code: string) =>
      r.errors.some((e) => e.row === line && e.column === column && e.code === code);
    assert.ok(has(3, "Paid", "type"), "month-first date is refused");
    assert.ok(has(3, "Amount", "type"));
    assert.ok(has(3, "Count", "type"));
    assert.ok(has(3, "Kind", "enum"));
    assert.ok(has(4, "Ref", "pattern"));
    assert.ok(has(4, "Amount", "minimum"));
    assert.ok(has(5, "Ref", "required"));
    assert.ok(has(5, "Amount", "maximum"));
    assert.ok(has(3, "Ref", "unique"));
    assert.equal(r.rows, 4);
    assert.equal(r.valid, false);
    // Row 2 passes; row 3 repeats T1 but fails other checks too: it is counted once, not twice.
    assert.equal(r.rowsPassing, 1);
    assert.match(r.summary, /1 of 4 rows pass/);
    const repeatOnly = await checkTable({
      csvPath: csv(
        "Ref,Paid,Amount,Count,Kind\nT1,31/03/2025,10,1,Quote\nT1,31/03/2025,10,1,Quote\nT2,31/03/2025,10,1,Quote\n",
      ),
      schema,
    });
    assert.equal(repeatOnly.rowsPassing, 2, "the second T1 fails; the first and T2 pass");
  });

  it("reads cells with line breaks inside quotes, as Excel writes an address, numbering rows as records", async () => {
    const parquetPath = join(dir, "multi-line.parquet");
    const good = await checkTable({
      csvPath: csv(
        'Supplier,Address,Amount\r\n"Acme Ltd","1 High Street\r\nNorthmoor",10\r\nShort Ltd\r\n"Beta Ltd","2 Low Road",5\r\n',
      ),
      parquetPath,
    });
    assert.equal(good.unreadable, undefined);
    assert.equal(good.valid, true, good.summary);
    assert.equal(good.rows, 3);
    const { conn } = await duck();
    const rows = (
      await conn.runAndReadAll(
        `SELECT _id, Supplier, Address FROM ${tableSql(await describeTableFile(conn, parquetPath))} ORDER BY _id`,
      )
    ).getRowObjectsJS();
    assert.deepEqual(
      rows.map((r) => [Number(r._id), r.Supplier, r.Address]),
      [
        [1, "Acme Ltd", "1 High Street\r\nNorthmoor"],
        [2, "Short Ltd", null],
        [3, "Beta Ltd", "2 Low Road"],
      ],
    );
    const bad = await checkTable({
      csvPath: csv(
        'Ref,Paid,Amount,Count,Kind\nT1,"31/03/2025",10,1,"Quote"\nT2,31/03/2025,"ten\npounds",1,Quote\n',
      ),
      schema,
    });
    assert.ok(
      bad.errors.some((e) => e.row === 3 && e.column === "Amount" && e.code === "type"),
      JSON.stringify(bad.errors),
    );
  });

  it("reports missing columns, matching headers loosely", async () => {
    const r = await checkTable({ csvPath: csv("ref,paid date\nT1,01/01/2025\n"), schema });
    assert.deepEqual(r.missingColumns, ["Paid", "Amount", "Count", "Kind"]);
    assert.equal(r.valid, false);
  });

  it("gives a clear message for a file that is not CSV, and for a header with no rows", async () => {
    const ragged = await checkTable({ csvPath: csv('a,b\n1,2\n3,4,5,6\n"unterminated\n') });
    assert.ok(ragged.unreadable || !ragged.valid);
    const empty = await checkTable({ csvPath: csv("a,b\n") });
    assert.equal(empty.valid, false);
    assert.match(empty.summary, /no rows/);
  });

  it("infers a schema when there is none, keeping codes with leading zeros as text", async () => {
    const r = await checkTable({
      csvPath: csv('Code,When,Cost\n0123,01/02/2025,"£1,000"\n0456,02/02/2025,12\n'),
    });
    assert.deepEqual(
      r.schema?.fields.map((f) => f.type),
      ["string", "date", "number"],
    );
  });

  it("every Transparency Code template accepts a header that matches it", async () => {
    for (const t of CODE_TEMPLATES.filter((x) => x.schema)) {
      const fields = t.schema?.fields ?? [];
      const r = await checkTable({
        csvPath: csv(`${fields.map((f) => f.name).join(",")}\n${fields.map(() => "").join(",")}\n`),
        schema: t.schema,
      });
      assert.deepEqual(r.missingColumns, [], t.key);
    }
    assert.equal(periodFor(CODE_TEMPLATES[0], 2024, 1).due, "2024-07-31");
    assert.equal(periodFor(CODE_TEMPLATES[0], 2024, 4).code, "2024-25-Q4");
  });

  it("reads the period an officer types as the compliance view's code, or says what to write", () => {
    const quarterly = CODE_TEMPLATES.find((t) => t.frequency === "quarterly");
    const annual = CODE_TEMPLATES.find((t) => t.frequency === "annual");
    for (const [typed, code] of [
      ["2025-26", "2025-26"],
      ["2025/26", "2025-26"],
      ["2025/2026", "2025-26"],
      [" 2025-26-q1 ", "2025-26-Q1"],
      ["2025-26 Q3", "2025-26-Q3"],
      ["Q4 2025/26", "2025-26-Q4"],
      ["1999-00", "1999-00"],
    ])
      assert.deepEqual(readPeriod(typed), { code }, typed);
    for (const typed of ["2025", "2025-27", "2025-26-Q5", "Q1 2025-26-Q2", "April 2025", "26-27"])
      assert.ok("error" in readPeriod(typed), typed);
    assert.match(
      (readPeriod("2025-26", quarterly) as { error: string }).error,
      /quarterly: give the quarter, like 2025-26-Q1/,
    );
    assert.match((readPeriod("2025-26-Q2", annual) as { error: string }).error, /once a year/);
    assert.deepEqual(readPeriod("2025-26", annual), { code: "2025-26" });
  });
});

describe("personal-data screen", () => {
  it("finds names of individuals in payee columns but not companies", () => {
    for (const v of [
      "Mrs Jane Smith",
      "Mr J Bloggs",
      "John Smith",
      "Smith, Sarah",
      "Dr Aisha Khan",
    ])
      assert.ok(looksLikePerson(v), v);
    for (const v of [
      "Acme Supplies Ltd",
      "Northmoor Leisure Trust",
      "Marks and Spencer",
      "British Gas",
      "Pennine Water Services",
      "HMRC",
    ])
      assert.ok(!looksLikePerson(v), v);
  });

  it("checks NHS numbers' check digit", () => {
    assert.ok(isValidNhsNumber("943 476 5919"));
    assert.ok(isValidNhsNumber("9434765919"));
    assert.ok(!isValidNhsNumber("9434765918"));
    assert.ok(!isValidNhsNumber("12345"));
  });

  it("tells personal email addresses and phone numbers from shared ones", () => {
    assert.ok(rule("email").test("contact jane.smith@gmail.com please"));
    assert.ok(!rule("email").test("foi@northmoor.gov.uk"));
    assert.ok(!rule("email").test("Cost @ £5 each"));
    assert.ok(rule("phone").test("07700 900123"));
    assert.ok(rule("phone").test("+44 7700 900123"));
    assert.ok(!rule("phone").test("T000000123"));
    assert.ok(rule("ni-number").test("AB 12 34 56 C"));
    assert.ok(!rule("ni-number").test("GB 12 34 56 A"));
    assert.ok(rule("bank-details").test("Sort code 12-34-56"));
  });

  it("screens a table column by column, with masked examples and line numbers", async () => {
    const path = csv(
      [
        "Ref,BeneficiaryName,Notes,NHS Number,Date of birth,Postcode,Amount",
        "T1,Acme Supplies Ltd,Road salt,,,NM1 1AA,100",
        "T2,Mrs Jane Smith,Call 07700 900123 or jane@example.com,943 476 5919,01/02/1980,NM2 2BB,200",
        "T3,Northmoor Leisure Trust,Enquiries to info@northmoor.gov.uk,,,NM3 3CC,300",
      ].join("\n"),
    );
    const r = await checkTable({ csvPath: path });
    const found = new Map(r.findings.map((f) => [`${f.rule}:${f.column}`, f]));
    assert.ok(found.has("person-name:BeneficiaryName"));
    assert.equal(found.get("person-name:BeneficiaryName")?.count, 1);
    assert.equal(found.get("person-name:BeneficiaryName")?.examples[0].row, 3);
    assert.doesNotMatch(found.get("person-name:BeneficiaryName")?.examples[0].value ?? "", /Jane/);
    assert.ok(found.has("email:Notes"));
    assert.equal(found.get("email:Notes")?.count, 1, "the shared mailbox is not counted");
    assert.ok(found.has("phone:Notes"));
    assert.ok(found.has("nhs-number:NHS Number"));
    assert.ok(found.has("date-of-birth:Date of birth"));
    assert.ok(found.has("postcode:Postcode"), "postcodes beside names of people");
  });

  it("does not flag a clean spend file, nor land postcodes without names", async () => {
    const spend = await checkTable({
      csvPath: csv(
        "TransactionNumber,BeneficiaryName,Purpose,Amount\nT1,Acme Supplies Ltd,Salt,100\nT2,Civic IT Solutions Ltd,Licences,200\n1234567890,Moorland Construction plc,Works,300\n",
      ),
    });
    assert.deepEqual(spend.findings, []);
    const land = await checkTable({
      csvPath: csv("AssetID,PropertyName,Postcode\nL1,Town Hall,NM1 1AA\nL2,Depot,NM2 2BB\n"),
    });
    assert.deepEqual(land.findings, []);
  });

  it("screens JSON text key by key", () => {
    const findings = screenText(
      '[{"supplier":"Mr John Smith","email":"john@gmail.com"},{"supplier":"Acme Ltd","email":"info@acme.co.uk"}]',
    );
    assert.deepEqual(findings.map((f) => f.rule).sort(), ["email", "person-name"]);
  });

  it("finds NHS numbers in JSON under a key that says so, quoted or not, with the check digit", () => {
    const rules = (text: string) => screenText(text).map((f) => f.rule);
    assert.ok(rules('{"nhs_number": 9434765919}').includes("nhs-number"));
    assert.ok(rules('{"patient": {"NHSNumber": "943 476 5919"}}').includes("nhs-number"));
    assert.ok(!rules('{"nhs_number": 9434765918}').includes("nhs-number"), "bad check digit");
    assert.ok(!rules('{"invoice": 9434765919}').includes("nhs-number"), "no NHS key");
  });
});

describe("one pass over a valid file, the thorough check for the rest", () => {
  const spend = CODE_TEMPLATES.find((t) => t.key === "spend-over-500")?.schema as TableSchema;
  const header = spend.fields.map((f) => f.name).join(",");
  const spendRow = (i: number, change: Record<string, string | undefined> = {}) =>
    spend.fields
      .map(
        (f) =>
          change[f.name] ??
          {
            OrganisationURI: "http://example.org/council",
            OrganisationLabel: "Northmoor District Council",
            PaymentDate: "01/04/2024",
            TransactionNumber: `T${i}`,
            BeneficiaryName: `Supplier ${i % 50} Ltd`,
            OrganisationalUnit: "Housing",
            ServiceCategoryLabel: "Housing",
            Purpose: "Road salt",
            Amount: '"£1,234.50"',
            IrrecoverableVATAmount: "0.00",
            TransactionMethod: "BACS",
          }[f.name],
      )
      .join(",");
  const spendFile = (
    rows: number,
    change: (i: number) => Record<string, string | undefined> = () => ({}),
  ) =>
    csv(
      `${header}\n${Array.from({ length: rows }, (_, i) => spendRow(i, change(i))).join("\n")}\n`,
    );

  it("writes the typed Parquet file in one pass: trimmed text, amounts and dates parsed, _id in file order", async () => {
    const path = spendFile(3, (i) =>
      i === 1
        ? {
            BeneficiaryName: "  Acme\u00a0Ltd\u00a0",
            Amount: '" (£1,000.00) "',
            PaymentDate: " 2 April 2024",
          }
        : {},
    );
    const parquetPath = join(dir, "one-pass.parquet");
    const report: Parameters<typeof checkInOnePass>[2] = {
      ...(await checkTable({ csvPath: csv("a\n1\n") })),
      findings: [],
    };
    const quick = await checkInOnePass(
      (await duck()).conn,
      { csvPath: path, schema: spend, parquetPath },
      report,
      async () => {},
    );
    assert.ok(quick, "a valid file is checked in one pass");
    assert.equal(quick.rows, 3);
    const { conn } = await duck();
    const rows = (
      await conn.runAndReadAll(
        `SELECT _id, BeneficiaryName, Amount, CAST(PaymentDate AS VARCHAR) AS d FROM ${tableSql(await describeTableFile(conn, parquetPath))} ORDER BY _id`,
      )
    ).getRowObjectsJS();
    assert.deepEqual(
      rows.map((r) => [Number(r._id), r.BeneficiaryName, r.Amount, r.d]),
      [
        [1, "Supplier 0 Ltd", 1234.5, "2024-04-01"],
        [2, "Acme\u00a0Ltd", -1000, "2024-04-02"],
        [3, "Supplier 2 Ltd", 1234.5, "2024-04-01"],
      ],
    );
    assert.deepEqual(
      (await conn.runAndReadAll(`DESCRIBE SELECT * FROM '${parquetPath}'`))
        .getRowObjectsJS()
        .map((r) => r.column_name)
        .slice(0, 3),
      ["OrganisationURI", "OrganisationLabel", "PaymentDate"],
      "the file stores the columns only: rows are numbered when read",
    );
  });

  it("reports a bad amount deep in a large file with its line and text, and leaves no Parquet file", async () => {
    const path = spendFile(30_000, (i) => (i === 24_998 ? { Amount: "£12.5.0" } : {}));
    const parquetPath = join(dir, "bad-amount.parquet");
    const r = await checkTable({ csvPath: path, schema: spend, parquetPath });
    assert.equal(r.valid, false);
    assert.equal(r.rows, 30_000);
    assert.equal(r.rowsPassing, 29_999);
    assert.deepEqual(r.errorCounts, [
      {
        column: "Amount",
        code: "type",
        message: "is not an amount (like 1234.50, £1,234.50 or -£12)",
        count: 1,
      },
    ]);
    assert.deepEqual(
      r.errors.map((e) => [e.row, e.column, e.value]),
      [[25_000, "Amount", "£12.5.0"]],
    );
    assert.ok(!existsSync(parquetPath), "no Parquet file for an invalid file");
  });

  it("reports a repeated transaction number found only after the one pass", async () => {
    const path = spendFile(5_000, (i) => (i === 4_000 ? { TransactionNumber: "T17" } : {}));
    const r = await checkTable({ csvPath: path, schema: spend });
    assert.equal(r.valid, false);
    assert.deepEqual(
      r.errors.map((e) => [e.row, e.code, e.value]),
      [[4_002, "unique", "T17"]],
    );
  });

  it("finds a repeated value in a unique column that also has empty cells", async () => {
    const uniqueCode: TableSchema = {
      fields: [
        { name: "Code", type: "string", constraints: { unique: true } },
        { name: "Amount", type: "number" },
      ],
    };
    const r = await checkTable({
      csvPath: csv("Code,Amount\nA1,1\n,2\nA1,3\n,4\n"),
      schema: uniqueCode,
    });
    assert.equal(r.valid, false);
    assert.deepEqual(
      r.errors.map((e) => [e.row, e.code, e.value]),
      [[4, "unique", "A1"]],
    );
  });

  it("finds personal data in a free-text column of a large valid file, with its line", async () => {
    const path = spendFile(30_000, (i) =>
      i === 20_000 ? { Purpose: '"Refund, call Jo on 07700 900123"' } : {},
    );
    const r = await checkTable({ csvPath: path, schema: spend });
    assert.equal(r.valid, true);
    const phone = r.findings.find((f) => f.rule === "phone");
    assert.equal(phone?.column, "Purpose");
    assert.equal(phone?.count, 1);
    assert.deepEqual(
      phone?.examples.map((e) => e.row),
      [20_002],
    );
    assert.doesNotMatch(phone?.examples[0].value ?? "", /900123/);
  });

  it("flags a date-of-birth column the schema types as a date", async () => {
    const schema: TableSchema = {
      fields: [
        { name: "Ref", type: "string" },
        { name: "DateOfBirth", type: "date", format: "any" },
      ],
    };
    const r = await checkTable({
      csvPath: csv("Ref,DateOfBirth\nA1,01/02/1980\nA2,\nA3,2001-12-31\n"),
      schema,
    });
    assert.equal(r.valid, true);
    const dob = r.findings.find((f) => f.rule === "date-of-birth");
    assert.equal(dob?.column, "DateOfBirth");
    assert.equal(dob?.count, 2);
    assert.deepEqual(
      dob?.examples.map((e) => e.row),
      [2, 4],
    );
  });

  it("trims exactly what DuckDB's trim() trims, calling it only when needed", async () => {
    const { conn } = await duck();
    const codes = [32, 160, 5760, 8192, 8202, 8239, 8287, 12288, 6158, 9, 10, 769, 163, 233];
    const cases = codes.flatMap((p) => [
      `chr(${p}) || 'a'`,
      `'a' || chr(${p})`,
      `chr(${p})`,
      `'é' || chr(${p})`,
      `chr(${p}) || 'é' || chr(${p})`,
    ]);
    const [row] = (
      await conn.runAndReadAll(
        `SELECT count(*) AS n, count_if(${trimSql("x")} IS DISTINCT FROM trim(x)) AS wrong FROM (SELECT unnest(['', ' ', 'a', '£1', ${cases.join(", ")}]) AS x)`,
      )
    ).getRowObjectsJS();
    assert.equal(Number(row.n), 4 + cases.length);
    assert.equal(Number(row.wrong), 0);
  });
});

const duck = testDuck();
