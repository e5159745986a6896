import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import ExcelJS from "exceljs";
import { signedInClient, type TestClient } from "../../../test/helpers/http.ts";
import { createTestContext, type TestContext } from "../../../test/helpers/runtime.ts";
import { MAX_ROWS, readSpreadsheet, SpreadsheetError } from "./spreadsheet/read.ts";
import {
  loadLookups,
  prepareImport,
  proposeMapping,
  registerCsv,
  registerXlsx,
} from "./spreadsheet/register-sheet.ts";

const actor = { actorId: null, actorLabel: "test" };

async function council(ctx: TestContext) {
  const area = await ctx.services.organisation.addServiceArea(actor, {
    name: "Revenues and Benefits",
    directorate: null,
    headOfService: null,
  });
  const owner = await ctx.services.users.create(actor, {
    email: "marcus.hale@northmoor.example.gov.uk",
    displayName: "Marcus Hale",
    password: "a-long-enough-password",
    roles: ["asset-owner"],
  });
  return { area, owner };
}

async function importAll(ctx: TestContext, data: Buffer, filename: string) {
  const read = await readSpreadsheet(data, filename);
  const mapping = proposeMapping(read.main.headings);
  const prepared = prepareImport(read.main, mapping, await loadLookups(ctx.services), read.risks);
  assert.equal(
    prepared.problemCount,
    0,
    JSON.stringify(prepared.rows.filter((r) => r.problems.length).slice(0, 3)),
  );
  await ctx.services.assets.importAssets(
    actor,
    prepared.rows.map((r) => ({
      input: r.input as NonNullable<typeof r.input>,
      ownerPending: r.ownerPending,
      administratorPending: r.administratorPending,
    })),
    prepared.risks,
    { filename },
  );
  return { read, mapping, prepared };
}

async function xlsxCells(data: Buffer): Promise<string[][][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as ArrayBuffer);
  return wb.worksheets.map((ws) => {
    const rows: string[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ""))));
    return rows;
  });
}

function multipart(filename: string, data: Buffer, contentType: string) {
  const boundary = "----steward-test-boundary";
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
    ),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

async function upload(
  ctx: TestContext,
  client: TestClient,
  filename: string,
  data: Buffer,
  type = "text/csv",
) {
  const form = multipart(filename, data, type);
  return ctx.app.inject({
    method: "POST",
    url: `/assets/import?_csrf=${encodeURIComponent(client.csrf)}`,
    payload: form.body,
    headers: {
      "content-type": form.type,
      cookie: (client as unknown as { cookieHeader: string }).cookieHeader,
    },
  });
}

describe("spreadsheets in and out", () => {
  let first: TestContext;
  let second: TestContext;
  before(async () => {
    [first, second] = await Promise.all([createTestContext(), createTestContext()]);
  });
  after(async () => {
    await Promise.all([first.close(), second.close()]);
  });

  it("exports, imports into an empty database and exports again: the two exports are identical", async () => {
    const { area, owner } = await council(first);
    await council(second);
    const a = await first.services.assets.create(actor, {
      reference: "RB-001",
      name: "Council Tax and benefits",
      description: 'Civica OpenRevenues, with "quotes", commas, and a\nnew line',
      assetType: "system",
      format: "electronic",
      hosting: "third-party",
      hostedBy: "Civica",
      marking: "official-sensitive",
      holdsPersonalData: true,
      dataSubjectCategories: ["council-tax-payers", "benefit-claimants"],
      personalDataCategories: ["identity", "financial", "health"],
      lawfulBases: ["legal-obligation", "public-task"],
      specialConditions: ["substantial-public-interest"],
      ownerId: owner.id,
      serviceAreaId: area.id,
      vitalRecord: true,
      retention: "=6 years after the end of the claim",
      reviewDue: "2027-04-01",
    });
    await first.services.assets.addRisk(actor, a.id, {
      description: "Benefit data sent to the wrong address",
      likelihood: 3,
      impact: 4,
      mitigation: "Address checks",
      ownerId: owner.id,
    });
    await first.services.assets.create(actor, {
      name: "Paper archive of rates files",
      assetType: "paper-files",
      format: "paper",
      marking: "official",
      holdsPersonalData: false,
    });
    const csv1 = await registerCsv(first.services);
    const xlsx1 = await registerXlsx(first.services);
    assert.match(csv1, /'=6 years/, "a cell that looks like a formula is exported guarded");

    const { mapping } = await importAll(second, xlsx1, "register.xlsx");
    assert.ok(
      Object.values(mapping).every(Boolean),
      `every exported column maps: ${JSON.stringify(mapping)}`,
    );
    assert.equal(await registerCsv(second.services), csv1);
    assert.deepEqual(await xlsxCells(await registerXlsx(second.services)), await xlsxCells(xlsx1));
    const imported = await second.services.assets.getByReference("RB-001");
    assert.equal(imported?.retention, "=6 years after the end of the claim");
    assert.equal((await second.services.assets.risks(imported?.id as string)).length, 1);
    const history = await second.services.audit.search({ entityType: "asset-import" });
    assert.match(history.events[0].summary ?? "", /2 assets imported from register.xlsx/);
  });

  it("proposes a mapping from common IAR headings and lists owners with no account", async () => {
    const csv = [
      "Asset name,Information Asset Owner,Protective marking,Contains personal data (Y/N),Retention period,Department",
      "Electoral register,Jo Nobody,OFFICIAL,Y,Until the next canvass,Revenues and Benefits",
      "Street lighting inventory,marcus.hale@northmoor.example.gov.uk,Official,N,,",
    ].join("\n");
    const read = await readSpreadsheet(Buffer.from(csv), "iar.csv");
    const mapping = proposeMapping(read.main.headings);
    assert.deepEqual(mapping, {
      "Asset name": "name",
      "Information Asset Owner": "ownerId",
      "Protective marking": "marking",
      "Contains personal data (Y/N)": "holdsPersonalData",
      "Retention period": "retention",
      Department: "serviceAreaId",
    });
    const prepared = prepareImport(read.main, mapping, await loadLookups(second.services));
    assert.equal(prepared.problemCount, 0);
    assert.deepEqual(prepared.unknownOwners, [{ name: "Jo Nobody", rows: [2] }]);
    assert.equal(prepared.rows[0].ownerPending, "Jo Nobody");
    assert.ok(prepared.rows[1].input?.ownerId);
  });

  it("shows every row's problems and changes nothing while any remain", async () => {
    const csv = [
      "Asset name,Protective marking,Contains personal data (Y/N),Review date,Service area",
      ",RESTRICTED,maybe,31/02/2026,Nowhere",
      "Good asset,OFFICIAL,N,31/03/2026,",
    ].join("\n");
    const { client } = await signedInClient(second, ["ig-officer"]);
    await client.get("/assets/import");
    const before = (await second.services.assets.list()).total;
    const res = await upload(second, client, "bad.csv", Buffer.from(csv));
    assert.equal(res.statusCode, 303, res.body.slice(0, 500));
    const draft = res.headers.location as string;
    assert.equal((await client.get(draft)).statusCode, 200);
    const mapped = await client.post(draft, {
      "column-0": "name",
      "column-1": "marking",
      "column-2": "holdsPersonalData",
      "column-3": "reviewDue",
      "column-4": "serviceAreaId",
    });
    assert.equal(mapped.statusCode, 303);
    const preview = await client.get(`${draft}/preview`);
    assert.match(preview.body, /RESTRICTED/);
    assert.match(preview.body, /should be Yes or No/);
    assert.match(preview.body, /is not a date/);
    assert.match(preview.body, /Nowhere/);
    const apply = await client.post(`${draft}/apply`, {});
    assert.equal(apply.statusCode, 400);
    assert.equal((await second.services.assets.list()).total, before);
  });

  it("imports through the pages, all at once", async () => {
    const { client } = await signedInClient(second, ["dpo"]);
    await client.get("/assets/import");
    const csv = "Asset name,Asset type\nGIS,System\nLLPG,Dataset\n";
    const res = await upload(second, client, "two.csv", Buffer.from(csv));
    const draft = res.headers.location as string;
    await client.post(draft, { "column-0": "name", "column-1": "assetType" });
    const preview = await client.get(`${draft}/preview`);
    assert.match(preview.body, /Import 2 assets/);
    const apply = await client.post(`${draft}/apply`, {});
    assert.equal(apply.statusCode, 303);
    assert.equal((await second.services.assets.list({ search: "LLPG" })).total, 1);
    assert.equal((await client.get(draft)).statusCode, 404, "the draft is gone once applied");
  });

  it("refuses bad files with a clear message and changes nothing", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Register");
    ws.addRow(["Asset name", "Volume"]);
    ws.addRow(["Mosaic", { formula: "1+1", result: undefined as unknown as number }]);
    const withFormula = Buffer.from(await wb.xlsx.writeBuffer());
    const cases: [string, Buffer, RegExp][] = [
      ["empty.csv", Buffer.alloc(0), /empty/],
      ["blank.csv", Buffer.from("\n\n,,\n"), /empty/],
      ["headings.csv", Buffer.from("Asset name,Owner\n"), /no rows/],
      [
        "old.xls",
        Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
        /old-style Excel/,
      ],
      ["broken.xlsx", Buffer.from("PK\u0003\u0004 not really a zip"), /could not be read/],
      ["renamed.xlsx", Buffer.from("just text"), /could not be read/],
      ["picture.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), /XLSX or CSV/],
      ["formula.xlsx", withFormula, /formulas with no saved result \(in B2\)/],
      ["formula.csv", Buffer.from('Asset name,Note\nMosaic,=HYPERLINK("x")\n'), /formulas/],
      ["quote.csv", Buffer.from('Asset name\n"unclosed\n'), /could not be read/],
      ["huge.csv", Buffer.from(`Asset name\n${"x\n".repeat(MAX_ROWS + 1)}`), /at most 50,000/],
    ];
    for (const [name, data, message] of cases)
      await assert.rejects(readSpreadsheet(data, name), (err: unknown) => {
        assert.ok(err instanceof SpreadsheetError, `${name}: ${String(err)}`);
        assert.match(err.message, message, name);
        return true;
      });
    // Through the page: a clear 400 with the message, no draft made.
    const { client } = await signedInClient(second, ["ig-officer"]);
    await client.get("/assets/import");
    const res = await upload(
      second,
      client,
      "formula.xlsx",
      withFormula,
      "application/octet-stream",
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /paste the sheet as values/);
  });
});
