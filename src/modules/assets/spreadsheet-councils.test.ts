import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import ExcelJS from "exceljs";
import { signedInClient } from "../../../test/helpers/http.ts";
import { createTestContext, type TestContext } from "../../../test/helpers/runtime.ts";
import { ASSET_FIELDS } from "./asset-fields.ts";
import { proposeMapping } from "./spreadsheet/headings.ts";
import { readSpreadsheet } from "./spreadsheet/read.ts";
import {
  applyImport,
  loadLookups,
  prepareImport,
  registerXlsx,
} from "./spreadsheet/register-sheet.ts";
import { readDate, readTerm, readYesNo } from "./spreadsheet/values.ts";

/** Registers as councils publish them: generated here, never copied from a real council. */
const actor = { actorId: null, actorLabel: "test" };
const field = (name: string) =>
  ASSET_FIELDS.find((f) => f.name === name) as (typeof ASSET_FIELDS)[number];

async function workbook(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Instructions first, then a register under title rows with a merged two-row heading, then look-ups. */
function councilWorkbook(wb: ExcelJS.Workbook) {
  const guide = wb.addWorksheet("Instructions");
  guide.addRow(["How to complete the Information Asset Register"]);
  guide.addRow(["Asset name", "The name the service knows the asset by"]);
  guide.addRow(["Information Asset Owner", "A head of service"]);
  guide.addRow(["Protective marking", "OFFICIAL or OFFICIAL-SENSITIVE"]);

  const ws = wb.addWorksheet("IAR 2024-25");
  ws.addRow(["Northmoor District Council"]);
  ws.addRow(["Information Asset Register"]);
  ws.addRow(["Version 3.1, published April 2024"]);
  ws.addRow([]);
  // Row 5 and 6: group headings merged over their parts; single headings merged down both rows.
  ws.addRow([
    "Ref",
    "Information Asset",
    "Information Asset",
    "",
    "Ownership",
    "Ownership",
    "Personal data",
    "Personal data",
    "Personal data",
    "Security classification",
    "Retention\nperiod¹",
    "Next review date",
    "Business critical?",
  ]);
  ws.addRow([
    "Ref",
    "Name",
    "Description",
    "",
    "Owner",
    "Service",
    "Held? (Y/N)",
    "Special category?",
    "Lawful basis",
    "Security classification",
    "Retention\nperiod¹",
    "Next review date",
    "Business critical?",
  ]);
  ws.mergeCells("A5:A6");
  ws.mergeCells("B5:C5");
  ws.mergeCells("E5:F5");
  ws.mergeCells("G5:I5");
  ws.mergeCells("J5:J6");
  ws.mergeCells("K5:K6");
  ws.mergeCells("L5:L6");
  ws.mergeCells("M5:M6");
  ws.addRow([
    "RB-01",
    "Council Tax system",
    "Civica OpenRevenues",
    "",
    "Head of Revenues",
    "Revenues and Benefits",
    "Y",
    "No",
    "Article 6(1)(c) legal obligation",
    "Official Sensitive",
    "6 years after closure",
    45382, // an Excel serial number: 2024-03-31
    "Yes",
  ]);
  ws.addRow([]);
  ws.addRow([
    "RB-02",
    "Housing Benefit claims",
    { richText: [{ text: "Paper and " }, { text: "electronic", font: { bold: true } }] },
    "",
    "marcus.hale@northmoor.example.gov.uk",
    "revenues & benefits",
    "Yes - special category",
    "✓",
    "Public task",
    "OFFICIAL-SENSITIVE",
    "Current year + 6",
    new Date(Date.UTC(2025, 5, 30)),
    "x",
  ]);
  ws.addRow([
    "PL-01",
    "Planning applications",
    { text: "Uniform", hyperlink: "https://example.org/uniform" },
    "",
    "Marcus Hale (marcus.hale@northmoor.example.gov.uk)",
    "Planning",
    "TRUE",
    "FALSE",
    "",
    "Public",
    "Permanent",
    "April 2026",
    "N",
  ]);
  ws.addRow([
    "PL-02",
    "Tree preservation orders",
    { formula: 'CONCAT("TPO ","register")', result: "TPO register" },
    "",
    "",
    "Planning",
    "N",
    "",
    "",
    "OFFICIAL",
    "Until child is 25",
    "01/04/2026",
    "",
  ]);
  ws.addRow([]);
  ws.addRow(["Total", "", "", "", "", "", { formula: 'COUNTIF(G7:G11,"Y*")', result: 2 }]);
  ws.addRow(["Notes: ¹ see the retention schedule"]);

  const lookups = wb.addWorksheet("Lookups");
  lookups.addRow(["Protective marking", "Yes/No"]);
  lookups.addRow(["OFFICIAL", "Yes"]);
  lookups.addRow(["OFFICIAL-SENSITIVE", "No"]);
}

describe("real council registers", () => {
  let ctx: TestContext;
  let ownerId: string;
  before(async () => {
    ctx = await createTestContext();
    await ctx.services.organisation.addServiceArea(actor, {
      name: "Revenues and Benefits",
      directorate: null,
      headOfService: null,
    });
    ownerId = (
      await ctx.services.users.create(actor, {
        email: "marcus.hale@northmoor.example.gov.uk",
        displayName: "Marcus Hale",
        password: "a-long-enough-password",
        roles: ["asset-owner"],
      })
    ).id;
  });
  after(() => ctx.close());

  it("reads the values councils write", () => {
    for (const yes of ["Y", "yes", "TRUE", "x", "✓", "Yes - special category", "1"])
      assert.equal(readYesNo(yes).value, true, yes);
    for (const no of ["N", "No", "false", "n/a", "No (anonymised)", "0"])
      assert.equal(readYesNo(no).value, false, no);
    assert.equal(readYesNo("maybe").value, undefined);
    const dates: [string, string | undefined][] = [
      ["2026-03-31", "2026-03-31"],
      ["31/03/2026", "2026-03-31"],
      ["1.4.26", "2026-04-01"],
      ["31st March 2026", "2026-03-31"],
      ["April 2023", "2023-04-01"],
      ["Apr-23", "2023-04-01"],
      ["2023", "2023-01-01"],
      ["45017", "2023-04-01"],
      ["31/02/2026", undefined],
      ["soon", undefined],
    ];
    for (const [text, iso] of dates) assert.equal(readDate(text).value, iso, text);
    const marking = field("marking");
    const markings: [string, string][] = [
      ["OFFICIAL", "official"],
      ["Official Sensitive", "official-sensitive"],
      ["OFFICIAL-SENSITIVE: PERSONAL", "official-sensitive"],
      ["Public", "official"],
      ["Internal", "official"],
      ["Confidential", "official-sensitive"],
      ["Restricted", "official-sensitive"],
      ["Not protectively marked", "official"],
    ];
    for (const [text, value] of markings) assert.equal(readTerm(marking, text).value, value, text);
    assert.match(readTerm(marking, "Confidential").note ?? "", /Confidential.*OFFICIAL-SENSITIVE/);
    assert.equal(readTerm(field("lawfulBases"), "Art. 6(1)(e)").value, "public-task");
    assert.equal(readTerm(field("format"), "Both").value, "hybrid");
    assert.equal(readTerm(field("approximateVolume"), "approx 25,000").value, "10k-100k");
  });

  it("matches the wordings real registers use", () => {
    const mapping = proposeMapping([
      "Asset Owner",
      "IAA",
      "Asset description",
      "Purpose",
      "Format (paper/electronic)",
      "Location / System",
      "Business critical?",
      "Retention",
      "Lawful basis",
      "Special category data",
      "Shared with",
      "GSC marking",
      "Information Asset Administrator ",
      "Contains Personal Data? (Y/N)",
      "Name of Information Asset",
    ]);
    assert.deepEqual(mapping, {
      "Asset Owner": "ownerId",
      IAA: "administratorId",
      "Asset description": "description",
      Purpose: "purpose",
      "Format (paper/electronic)": "format",
      "Location / System": "location",
      "Business critical?": "businessCriticality",
      Retention: "retention",
      "Lawful basis": "lawfulBases",
      "Special category data": "specialCategoryData",
      "Shared with": "sharedWith",
      "GSC marking": "marking",
      "Information Asset Administrator ": "",
      "Contains Personal Data? (Y/N)": "holdsPersonalData",
      "Name of Information Asset": "name",
    });
    assert.equal(proposeMapping(["IAO", "Security classification"]).IAO, "ownerId");
  });

  it("finds the register in a workbook with instructions, title rows, two-row headings and totals", async () => {
    const data = await workbook(councilWorkbook);
    const read = await readSpreadsheet(data, "iar.xlsx");
    assert.equal(read.main.sheet, "IAR 2024-25");
    assert.equal(read.main.headingRow, 5);
    assert.equal(read.main.headingRows, 2);
    assert.deepEqual(read.main.rowNumbers, [7, 9, 10, 11]);
    assert.deepEqual(read.main.skipped, { blank: 2, notes: 2 });
    assert.deepEqual(
      read.sheets.map((s) => s.sheet),
      ["Instructions", "IAR 2024-25", "Lookups"],
    );
    assert.ok(!read.main.headings.some((h) => h.startsWith("Column")), "blank column D left out");
    const mapping = proposeMapping(read.main.headings);
    const byField = Object.fromEntries(Object.entries(mapping).map(([h, f]) => [f, h]));
    for (const f of [
      "reference",
      "name",
      "description",
      "ownerId",
      "serviceAreaId",
      "holdsPersonalData",
      "specialCategoryData",
      "lawfulBases",
      "marking",
      "retention",
      "reviewDue",
      "businessCriticality",
    ])
      assert.ok(byField[f], `${f} is matched: ${JSON.stringify(mapping)}`);

    const prepared = prepareImport(read.main, mapping, await loadLookups(ctx.services));
    // "Planning" is not a service area yet: it is to be added, not a problem.
    assert.equal(prepared.problemCount, 0, JSON.stringify(prepared.rows.map((r) => r.problems)));
    assert.deepEqual(
      prepared.unknownServiceAreas.map((a) => [a.name, a.rows, a.choice]),
      [["Planning", [10, 11], "create"]],
    );
    assert.deepEqual(prepared.unknownOwners, [{ name: "Head of Revenues", rows: [7] }]);
    const [tax, benefit, planning, tpo] = prepared.rows.map((r) => r.input);
    assert.equal(tax?.reviewDue, "2024-03-31");
    assert.equal(tax?.marking, "official-sensitive");
    assert.deepEqual(tax?.lawfulBases, ["legal-obligation"]);
    assert.equal(tax?.holdsPersonalData, true);
    assert.equal(tax?.businessCriticality, "critical");
    assert.equal(tax?.retention, "6 years after closure");
    assert.equal(benefit?.description, "Paper and electronic");
    assert.equal(benefit?.ownerId, ownerId);
    assert.equal(benefit?.reviewDue, "2025-06-30");
    assert.equal(benefit?.serviceAreaId !== null, true, "service areas match whatever the case");
    assert.match(prepared.rows[1].warnings.join(" "), /special category data but not which kinds/);
    assert.equal(planning?.ownerId, ownerId, "an owner found by the email in the cell");
    assert.equal(planning?.description, "Uniform");
    assert.equal(planning?.reviewDue, "2026-04-01");
    assert.equal(planning?.marking, "official");
    assert.match(prepared.rows[2].warnings.join(" "), /Public.*OFFICIAL/);
    assert.equal(planning?.businessCriticality, "low");
    assert.equal(tpo?.description, "TPO register", "a formula's saved result");
    assert.equal(tpo?.retention, "Until child is 25");
    assert.equal(tpo?.holdsPersonalData, false);

    const result = await applyImport(ctx.services, actor, prepared, { filename: "iar.xlsx" });
    assert.deepEqual([result.created, result.updated, result.serviceAreas], [4, 0, 1]);
    const tpoAsset = await ctx.services.assets.getByReference("PL-02");
    assert.equal(tpoAsset?.serviceAreaName, "Planning");
  });

  it("leaves out a row of guidance under the headings", async () => {
    const text = [
      "Asset name,Information Asset Owner,Contains personal data (Y/N),Protective marking,Location / System",
      "Enter the name of the asset,Who is responsible for it?,Y/N,Select from the list,e.g. Civica APP",
      "Council tax accounts,Head of Revenues,Y,OFFICIAL,Civica",
      "Parks bookings,Parks manager,N,OFFICIAL,Is it on paper? Bookings book",
    ].join("\n");
    const read = await readSpreadsheet(Buffer.from(text), "guided.csv");
    assert.deepEqual(read.main.rowNumbers, [3, 4]);
    assert.deepEqual(read.main.skipped, { blank: 0, notes: 1 });
  });

  it("names the row and column of every cell it cannot read", async () => {
    const data = await workbook((wb) => {
      const ws = wb.addWorksheet("Register");
      ws.addRow(["Information Asset Register"]);
      ws.addRow(["Asset name", "Personal data (Y/N)", "Review date", "Protective marking"]);
      ws.addRow(["Pest control", "perhaps", "next spring", "Purple"]);
    });
    const read = await readSpreadsheet(data, "bad.xlsx");
    const prepared = prepareImport(
      read.main,
      proposeMapping(read.main.headings),
      await loadLookups(ctx.services),
    );
    assert.equal(prepared.rows[0].row, 3);
    assert.deepEqual(prepared.rows[0].problems.slice(0, 3), [
      "Column B “Personal data (Y/N)”: “perhaps” should be Yes or No",
      "Column C “Review date”: “next spring” is not a date (use 31/03/2026 or 2026-03-31)",
      `Column D “Protective marking”: “Purple” is not one Steward knows (OFFICIAL, OFFICIAL-SENSITIVE, SECRET, TOP SECRET)`,
    ]);
  });

  it("reads CSV files saved as Windows-1252, with a byte-order mark, or separated by semicolons", async () => {
    const text = [
      "Northmoor District Council – asset register",
      "",
      "Asset name;Description;Contains personal data (Y/N);Protective marking;Retention period",
      "Parking fines;Penalty charges £70 “paid” or ‘owed’;Y;OFFICIAL;6 years;",
      "Allotments;Plots and tenants;N;Internal;Current year + 6",
      ";;;;",
      "Total;2;;;",
    ].join("\r\n");
    // Windows-1252: Node has no encoder, so map the few characters by hand.
    const cp1252: Record<string, number> = {
      "£": 0xa3,
      "“": 0x93,
      "”": 0x94,
      "‘": 0x91,
      "’": 0x92,
      "–": 0x96,
    };
    const ansi = Buffer.from([...text].map((c) => cp1252[c] ?? c.charCodeAt(0)));
    const withBom = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(text.replace(/;/g, ",")),
    ]);
    for (const [name, data] of [
      ["ansi.csv", ansi],
      ["bom.csv", withBom],
    ] as const) {
      const read = await readSpreadsheet(data, name);
      assert.deepEqual(
        read.main.headings.slice(0, 3),
        ["Asset name", "Description", "Contains personal data (Y/N)"],
        name,
      );
      assert.deepEqual(read.main.rowNumbers, [4, 5], name);
      assert.deepEqual(read.main.skipped, { blank: 1, notes: 1 }, name);
      const prepared = prepareImport(
        read.main,
        proposeMapping(read.main.headings),
        await loadLookups(ctx.services),
      );
      assert.equal(prepared.problemCount, 0, JSON.stringify(prepared.rows.map((r) => r.problems)));
      if (name === "ansi.csv")
        assert.equal(prepared.rows[0].input?.description, "Penalty charges £70 “paid” or ‘owed’");
      assert.equal(prepared.rows[1].input?.marking, "official");
      assert.equal(prepared.rows[0].input?.holdsPersonalData, true);
    }
  });

  it("re-imports an updated register: changes what changed, adds what is new, duplicates nothing", async () => {
    const before = (await ctx.services.assets.list()).total;
    const exported = await readSpreadsheet(await registerXlsx(ctx.services), "register.xlsx");
    const { headings } = exported.main;
    const col = (label: string) => headings.indexOf(label);
    const rows = exported.main.rows.map((r) => [...r]);
    const tpo = rows.find((r) => r[col("Asset reference")] === "PL-02") as string[];
    tpo[col("Retention rule")] = "Permanent";
    tpo[col("Protective marking")] = "OFFICIAL-SENSITIVE";
    rows.push(headings.map((h) => (h === "Asset name" ? "Dog warden records" : "")));
    const data = await workbook((wb) => {
      const ws = wb.addWorksheet("Register");
      ws.addRow(headings);
      for (const r of rows) ws.addRow(r);
    });
    const { client } = await signedInClient(ctx, ["ig-officer"]);
    await client.get("/assets/import");
    const read = await readSpreadsheet(data, "updated.xlsx");
    const prepared = prepareImport(
      read.main,
      proposeMapping(read.main.headings),
      await loadLookups(ctx.services),
    );
    assert.equal(prepared.problemCount, 0, JSON.stringify(prepared.rows.map((r) => r.problems)));
    assert.deepEqual([prepared.created, prepared.updated, prepared.unchanged], [1, 1, before - 1]);
    const changed = prepared.rows.find((r) => r.action === "update");
    assert.deepEqual(changed?.changes, [
      { field: "Protective marking", from: "OFFICIAL", to: "OFFICIAL-SENSITIVE" },
      { field: "Retention rule", from: "Until child is 25", to: "Permanent" },
    ]);
    const result = await applyImport(ctx.services, actor, prepared, { filename: "updated.xlsx" });
    assert.deepEqual([result.created, result.updated], [1, 1]);
    assert.equal((await ctx.services.assets.list()).total, before + 1);
    const asset = await ctx.services.assets.getByReference("PL-02");
    assert.equal(asset?.retention, "Permanent");
    assert.equal(asset?.marking, "official-sensitive");
    const history = await ctx.services.audit.search({ entityType: "asset", entityId: asset?.id });
    assert.match(history.events[0].summary ?? "", /changed by the import of updated\.xlsx/);
  });

  it("lets the user choose another sheet and what to do with a new service area, without JavaScript", async () => {
    const data = await workbook(councilWorkbook);
    const { client } = await signedInClient(ctx, ["dpo"]);
    await client.get("/assets/import");
    const boundary = "----council-boundary";
    const payload = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="iar.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      data,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await ctx.app.inject({
      method: "POST",
      url: `/assets/import?_csrf=${encodeURIComponent(client.csrf)}`,
      payload,
      headers: {
        "content-type": `multipart/form-data; boundary=${boundary}`,
        cookie: (client as unknown as { cookieHeader: string }).cookieHeader,
      },
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    const draft = res.headers.location as string;
    const mappingPage = await client.get(draft);
    assert.match(mappingPage.body, /rows 5 and 6 of the sheet “IAR 2024-25”/);
    assert.match(mappingPage.body, /2 blank rows and 2 rows of notes/);

    const wrong = await client.post(`${draft}/sheet`, { sheet: "Nope" });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /govuk-error-summary/);
    assert.equal((await client.post(`${draft}/sheet`, { sheet: "Lookups" })).statusCode, 303);
    assert.match((await client.get(draft)).body, /row 1 of the sheet “Lookups”/);
    assert.equal((await client.post(`${draft}/sheet`, { sheet: "IAR 2024-25" })).statusCode, 303);

    // The references are already in the register: a second import of the same sheet changes nothing new.
    const preview = await client.get(`${draft}/preview`);
    assert.equal(preview.statusCode, 200);
    assert.match(preview.body, /<strong>0<\/strong> new/);
    const area = (await ctx.services.organisation.serviceAreas()).find(
      (a) => a.name === "Planning",
    );
    assert.ok(area);
  });
});
