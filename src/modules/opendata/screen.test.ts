import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { checkTable, screenText } from "./checker.ts";
import { isValidIban, looksLikeIndividual, looksLikePerson, rulesForColumn } from "./screen.ts";

const dir = mkdtempSync(join(tmpdir(), "steward-screen-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
function csv(header: string[], rows: string[][]): string {
  const path = join(dir, `f${n++}.csv`);
  writeFileSync(path, `${[header, ...rows].map((r) => r.map(csvCell).join(",")).join("\n")}\n`);
  return path;
}
const ruleIds = (column: string) => rulesForColumn(column).map((r) => r.id);

/** The findings of a check of a one-column table, by rule, with their counts. */
async function screen(column: string, values: string[]): Promise<Map<string, number>> {
  const r = await checkTable({
    csvPath: csv(
      ["Ref", column],
      values.map((v, i) => [`R${i + 1}`, v]),
    ),
  });
  return new Map(r.findings.filter((f) => f.column === column).map((f) => [f.rule, f.count]));
}

/**
 * Each value on its own through the DuckDB SQL (checkTable on a table with one column per value, named
 * like `column`) and through the JavaScript twin: both must agree with `expected` (flagged or not).
 */
async function agrees(id: string, column: string, values: string[], expected: boolean) {
  const test = rulesForColumn(column).find((r) => r.id === id);
  for (const v of values) assert.equal(!!test?.test(v), expected, `${id} (JS) in ${column}: ${v}`);
  const columns = values.map((_, i) => `${column}_${i + 1}`);
  // A second row of plain text keeps every column text (a lone number would be typed as one).
  const r = await checkTable({
    csvPath: csv(
      ["Ref", ...columns],
      [
        ["R1", ...values],
        ["R2", ...values.map(() => "Placeholder")],
      ],
    ),
  });
  for (const [i, v] of values.entries()) {
    const found = r.findings.some((f) => f.rule === id && f.column === columns[i]);
    assert.equal(found, expected, `${id} (SQL) in ${column}: ${v}`);
  }
}

describe("names of individuals", () => {
  const people = [
    "JOHN SMITH",
    "J Smith",
    "Smith J",
    "J. A. Smith",
    "SMITH, J.A.",
    "J SMITH",
    "Mr & Mrs Smith",
    "Mr and Mrs Smith",
    "Mrs Jane Smith",
    "John Smith t/a Smith Plumbing",
    "JOHN SMITH T/A SMITH PLUMBING",
    "Zbigniew Kowalski trading as ZK Plumbing",
    "Harpreet Kaur",
    "Smith, Sarah",
  ];
  const companies = [
    "SMITH & SONS LTD",
    "J SMITH (BUILDERS) LIMITED",
    "Pennine Highways Ltd",
    "NHS Northmoor ICB",
    "Age UK",
    "St Mary's Church",
    "Northmoor Leisure Trust 42",
    "Northmoor District Council",
    "Kirkby Primary School",
    "West Riding Legal LLP",
    "Moor Valley Community Transport CIC",
    "Citizens Advice Northmoor",
    "Redacted personal data",
    "REDACTED PERSONAL DATA",
    "British Gas",
    "Marks and Spencer",
    "HMRC",
    "MS Society",
    "Smith Plumbing Ltd t/a Smiths",
    "Unit A",
    "Civic IT Solutions Ltd 42",
  ];

  it("reads capitals, initials, couples and sole traders as people, and not companies", () => {
    for (const v of people) assert.ok(looksLikePerson(v), v);
    for (const v of companies) assert.ok(!looksLikePerson(v), v);
  });

  it("in payee columns, the SQL agrees with the JavaScript", async () => {
    await agrees("person-name", "BeneficiaryName", people, true);
    await agrees("person-name", "BeneficiaryName", companies, false);
  });

  it("in columns about people any name is flagged, first names outside the list too", async () => {
    for (const column of ["Tenant", "ApplicantName", "customer_name", "Claimant", "Client"])
      assert.ok(ruleIds(column).includes("individual-name"), column);
    assert.ok(!ruleIds("TenantName").includes("person-name"), "one finding, not two");
    for (const column of ["Payee", "Recipient", "BeneficiaryName", "Individual"])
      assert.ok(
        ruleIds(column).some((id) => id.endsWith("-name")),
        column,
      );
    assert.ok(looksLikeIndividual("Olamide Adeyemi"));
    assert.ok(!looksLikePerson("Olamide Adeyemi"), "a payee column needs more than the shape");
    await agrees("individual-name", "TenantName", ["Olamide Adeyemi", "MRS J OKAFOR"], true);
    await agrees(
      "individual-name",
      "TenantName",
      ["Northmoor Homes Ltd", "Void", "Redacted personal data"],
      false,
    );
  });
});

describe("phone numbers", () => {
  const landlines = [
    "01632 960123",
    "(01632) 960123",
    "01632960123",
    "0113 496 0123",
    "020 7946 0123",
  ];
  const mobiles = ["+44 (0)7700 900123", "+447700900123", "07700-900123", "0044 7700 900123"];

  it("flags landlines in notes and contact columns, mobiles anywhere", async () => {
    await agrees(
      "landline",
      "Notes",
      landlines.map((v) => `Ring ${v} after 5`),
      true,
    );
    await agrees("landline", "Contact", landlines, true);
    await agrees("phone", "Notes", mobiles, true);
  });

  it("not reference numbers, organisations' 03 and 08 lines, amounts or dates", async () => {
    for (const column of ["TransactionNumber", "InvoiceRef", "CustomerID", "PO Number"]) {
      assert.ok(!ruleIds(column).includes("landline"), column);
      assert.ok(!ruleIds(column).includes("phone"), column);
    }
    assert.ok(ruleIds("PhoneNumber").includes("landline"));
    assert.ok(ruleIds("ContactNo").includes("landline"));
    const found = await screen("TransactionNumber", ["01632960123", "07700900123"]);
    assert.deepEqual([...found.keys()], []);
    await agrees(
      "landline",
      "Notes",
      ["Call 0300 123 4567", "0800 123 4567", "£1,234.56", "01/04/2024", "Order 0123456789"],
      false,
    );
  });
});

describe("National Insurance numbers", () => {
  it("in any case, with dashes or dots between the pairs; official prefixes only", async () => {
    await agrees(
      "ni-number",
      "Notes",
      ["ab123456c", "AB-12-34-56-C", "ab.12.34.56.c", "AB 12 34 56 C"],
      true,
    );
    await agrees(
      "ni-number",
      "Notes",
      ["GB 12 34 56 A", "DA 12 34 56 C", "QQ123456C", "NDC0000123456"],
      false,
    );
  });

  it("without the final letter only in a column named for them", async () => {
    for (const column of ["NINO", "NI Number", "national_insurance_no", "NINumber"])
      assert.ok(ruleIds(column).includes("ni-number-column"), column);
    await agrees("ni-number-column", "NINO", ["AB123456", "ab 12 34 56", "AB123456C"], true);
    await agrees("ni-number-column", "NINO", ["GB123456", "DA123456", "N/A"], false);
    await agrees("ni-number", "Reference", ["AB123456"], false);
  });
});

describe("dates of birth", () => {
  it("by column name", () => {
    for (const column of ["client_dob", "ChildDOB", "DateOfBirth", "birth_date", "D.O.B.", "DOB"])
      assert.ok(ruleIds(column).includes("date-of-birth"), column);
    for (const column of ["Adobe licence", "PaymentDate", "Dobson Road"])
      assert.ok(!ruleIds(column).includes("date-of-birth"), column);
  });

  it("in free text and documents", async () => {
    await agrees(
      "date-of-birth-text",
      "Notes",
      ["born 12/03/1987", "DOB: 12/03/1987", "Date of birth 12 March 1987", "d.o.b. 12.03.87"],
      true,
    );
    await agrees("date-of-birth-text", "Notes", ["Paid 12/03/1987", "Osborne 12/03/1987"], false);
    assert.deepEqual(
      screenText('{"note":"Child born 12/03/2019"}').map((f) => f.rule),
      ["date-of-birth-text"],
    );
    assert.deepEqual(
      screenText('{"client_dob":"2019-03-12"}').map((f) => f.rule),
      ["date-of-birth"],
    );
  });
});

describe("NHS numbers in text", () => {
  it("after NHS or in 3 3 4 groups, with a valid check digit", async () => {
    await agrees(
      "nhs-number-text",
      "Notes",
      ["Patient NHS no. 9434765919 seen", "referred (943 476 5919)", "nhs:943-476-5919"],
      true,
    );
    await agrees(
      "nhs-number-text",
      "Notes",
      ["Patient NHS no. 9434765918", "ref 943 476 5918", "0161 496 0123", "9434765919"],
      false,
    );
    assert.deepEqual(
      screenText('{"note":"Seen at clinic, NHS 943 476 5919"}').map((f) => f.rule),
      ["nhs-number-text"],
    );
  });
});

describe("email addresses", () => {
  it("judges every address in a cell", async () => {
    await agrees("email", "Contact", ["info@council.gov.uk; jane.smith@gmail.com"], true);
    await agrees("email", "Contact", ["info@council.gov.uk; foi@council.gov.uk"], false);
  });
});

describe("bank details", () => {
  it("checks IBANs of any country by their check digits", async () => {
    assert.ok(isValidIban("GB82 WEST 1234 5698 7654 32"));
    assert.ok(isValidIban("DE89370400440532013000"));
    assert.ok(!isValidIban("DE89370400440532013001"));
    await agrees(
      "bank-details",
      "Notes",
      [
        "Pay to GB82 WEST 1234 5698 7654 32",
        "DE89 3704 0044 0532 0130 00",
        "FR1420041010050500013M02606",
      ],
      true,
    );
    await agrees("bank-details", "Notes", ["DE89 3704 0044 0532 0130 01", "NDC0000123456"], false);
  });

  it("sort codes and account numbers in columns named for them", async () => {
    assert.ok(ruleIds("SortCode").includes("sort-code"));
    assert.ok(!ruleIds("Amount").includes("sort-code"));
    await agrees("sort-code", "Sort code", ["12-34-56", "12 34 56", "123456"], true);
    await agrees("bank-details", "Notes", ["Sort code 12-34-56"], true);
    assert.ok(ruleIds("AccountNumber").includes("account-number"));
    assert.ok(ruleIds("Bank account no").includes("account-number"));
    assert.ok(!ruleIds("SupplierRegistrationNumber").includes("account-number"));
    await agrees("account-number", "AccountNumber", ["12345678", "1234 5678"], true);
    await agrees("account-number", "AccountNumber", ["1234567", "ACC-1"], false);
  });
});

describe("postcodes next to names", () => {
  it("pairs with tenant and applicant columns, not with land or supplier postcodes alone", async () => {
    const tenants = await checkTable({
      csvPath: csv(
        ["TenantName", "Postcode"],
        [
          ["Olamide Adeyemi", "NM1 1AA"],
          ["Northmoor Homes Ltd", "NM2 2BB"],
        ],
      ),
    });
    assert.deepEqual(tenants.findings.map((f) => `${f.rule}:${f.column}`).sort(), [
      "individual-name:TenantName",
      "postcode:Postcode",
    ]);
    const applicants = await checkTable({
      csvPath: csv(["Applicant Surname", "Postcode"], [["Adeyemi", "NM1 1AA"]]),
    });
    assert.deepEqual(
      applicants.findings.map((f) => f.rule),
      ["postcode"],
    );
    const suppliers = await checkTable({
      csvPath: csv(
        ["SupplierName", "Postcode"],
        [
          ["Pennine Highways Ltd", "NM1 1AA"],
          ["Dale Residential Care Ltd", "NM2 2BB"],
        ],
      ),
    });
    assert.deepEqual(suppliers.findings, []);
  });
});

describe("a clean Transparency Code spend file", () => {
  it("has no findings", async () => {
    const header = [
      "OrganisationURI",
      "OrganisationLabel",
      "PaymentDate",
      "TransactionNumber",
      "BeneficiaryName",
      "OrganisationalUnit",
      "ServiceCategoryLabel",
      "Purpose",
      "Amount",
      "IrrecoverableVATAmount",
      "TransactionMethod",
    ];
    const suppliers = [
      "Pennine Highways Ltd",
      "Moorland Construction plc",
      "Northmoor Leisure Trust",
      "Civic IT Solutions Ltd",
      "Riverside Housing Association",
      "Calder Waste Services Limited",
      "Moor Valley Community Transport CIC",
      "West Riding Legal LLP",
      "Redacted personal data",
    ];
    const rows = Array.from({ length: 200 }, (_, i) => [
      "http://opendatacommunities.org/id/district-council/northmoor",
      "Northmoor District Council",
      `${String((i % 28) + 1).padStart(2, "0")}/04/2024`,
      `NDC${String(i * 7919).padStart(10, "0")}`,
      `${suppliers[i % suppliers.length]} ${(i * 37) % 5000}`,
      "Children's Services",
      "Housing",
      `Goods and services supplied under contract reference ${(i * 7727) % 100000}`,
      `£${(500 + i * 123.45).toLocaleString("en-GB", { minimumFractionDigits: 2 })}`,
      "0.00",
      "BACS",
    ]);
    const r = await checkTable({ csvPath: csv(header, rows) });
    assert.deepEqual(r.findings, []);
  });
});
