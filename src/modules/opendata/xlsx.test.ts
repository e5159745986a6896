import assert from "node:assert/strict";
import { describe, it } from "node:test";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import type { Finding } from "./checker.ts";
import { inspectXlsx } from "./xlsx.ts";

const FIRST_SHEET_CSV = "Ref,Amount,Service\nT1,120,Highways\nT2,45.5,Libraries\nT3,900,Waste\n";

/** A workbook whose first sheet is a small clean table; `build` adds what each test is about. */
async function workbook(build: (wb: ExcelJS.Workbook, data: ExcelJS.Worksheet) => void = () => {}) {
  const wb = new ExcelJS.Workbook();
  wb.creator = "Open data team";
  wb.lastModifiedBy = "Open data team";
  wb.company = "Northmoor Council";
  const data = wb.addWorksheet("Data");
  data.addRows([
    ["Ref", "Amount", "Service"],
    ["T1", 120, "Highways"],
    ["T2", 45.5, "Libraries"],
    ["T3", 900, "Waste"],
  ]);
  build(wb, data);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Adds or changes parts of a saved workbook, for what ExcelJS cannot write (threaded comments, links). */
async function withParts(
  file: Buffer,
  edit: (parts: {
    get(name: string): Promise<string>;
    set(name: string, xml: string): void;
  }) => Promise<void>,
) {
  const zip = await JSZip.loadAsync(file);
  await edit({
    get: async (name) => (await zip.file(name)?.async("string")) ?? "",
    set: (name, xml) => zip.file(name, xml),
  });
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
}

function addRelationship(rels: string, id: string, type: string, target: string, external = false) {
  const xml =
    rels ||
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>';
  return xml.replace(
    "</Relationships>",
    `<Relationship Id="${id}" Type="${type}" Target="${target}"${external ? ' TargetMode="External"' : ""}/></Relationships>`,
  );
}

const rules = (findings: Finding[]) => findings.map((f) => f.rule);
const find = (findings: Finding[], rule: string | RegExp, label?: RegExp) => {
  const f = findings.find(
    (x) =>
      (typeof rule === "string" ? x.rule === rule : rule.test(x.rule)) &&
      (!label || label.test(x.label)),
  );
  assert.ok(
    f,
    `no ${rule} finding${label ? ` labelled ${label}` : ""} in ${JSON.stringify(findings)}`,
  );
  return f;
};
const values = (f: Finding) => f.examples.map((e) => e.value);

describe("inspectXlsx: the whole workbook is screened", () => {
  it("finds nothing in a clean workbook, even with a second visible sheet of notes", async () => {
    const { csv, findings } = await inspectXlsx(
      await workbook((wb) => {
        wb.addWorksheet("Notes").addRows([
          ["About this data"],
          ["Payments over £500 from the council's finance system, published monthly."],
          ["Questions to opendata@northmoor.example.gov.uk"],
        ]);
      }),
    );
    assert.equal(csv, FIRST_SHEET_CSV);
    assert.deepEqual(findings, []);
  });

  it("screens a second visible sheet and names it; the table is still the first sheet", async () => {
    const { csv, findings } = await inspectXlsx(
      await workbook((wb) => {
        wb.addWorksheet("Staff").addRows([
          ["Name", "Email", "Team"],
          ["Finance team", "finance@northmoor.example.gov.uk", "Finance"],
          ["Jane Smith", "jane.smith@gmail.com", "Highways"],
        ]);
      }),
    );
    assert.equal(csv, FIRST_SHEET_CSV);
    const other = find(findings, "xlsx-other-sheet");
    assert.equal(other.label, "Another sheet holds data that is published with the workbook");
    assert.deepEqual(values(other), ["Staff"]);
    const email = find(findings, "email");
    assert.equal(email.label, "Email addresses of individuals on sheet “Staff”");
    assert.deepEqual(email.examples, [{ row: 3, value: "j***.s****@g****.c**" }]);
    assert.equal(
      email.column,
      undefined,
      "not a column of the table, so not offered for redaction",
    );
    const name = find(findings, "person-name");
    assert.match(name.label, /on sheet “Staff”$/);
    assert.deepEqual(name.examples, [{ row: 3, value: "J*** S****" }]);
    assert.ok(!rules(findings).includes("xlsx-hidden-sheet"));
  });

  it("keeps the hidden-sheet finding and adds what the screen found in a hidden sheet", async () => {
    const { csv, findings } = await inspectXlsx(
      await workbook((wb) => {
        wb.addWorksheet("Payroll", { state: "hidden" }).addRows([
          ["Employee", "Mobile"],
          ["Mr A Patel", "07700 900123"],
        ]);
      }),
    );
    assert.equal(csv, FIRST_SHEET_CSV);
    const hidden = find(findings, "xlsx-hidden-sheet");
    assert.equal(hidden.label, "Hidden sheets");
    assert.deepEqual(values(hidden), ["Payroll"]);
    assert.deepEqual(values(find(findings, "phone", /on sheet “Payroll”$/)), ["0**** 9*****"]);
    assert.ok(!rules(findings).includes("xlsx-other-sheet"), "a hidden sheet is not a visible one");
  });

  it("screens a very hidden sheet, which Excel's Unhide does not list", async () => {
    const { csv, findings } = await inspectXlsx(
      await workbook((wb) => {
        wb.addWorksheet("Lookup", { state: "veryHidden" }).addRows([
          ["Payee", "NI number"],
          ["Ravi Shah", "AB 12 34 56 C"],
        ]);
      }),
    );
    assert.equal(csv, FIRST_SHEET_CSV);
    assert.deepEqual(values(find(findings, "xlsx-hidden-sheet")), ["Lookup"]);
    const ni = find(findings, /^ni-number/, /on sheet “Lookup”$/);
    assert.deepEqual(ni.examples, [{ row: 2, value: "A* 1* 3* 5* C" }]);
    assert.equal(find(findings, "person-name", /on sheet “Lookup”$/).count, 1);
  });

  it("reports hidden rows and hidden columns of the table, which stay in the CSV", async () => {
    const { csv, findings } = await inspectXlsx(
      await workbook((_wb, data) => {
        data.getRow(3).hidden = true;
        data.getColumn(3).hidden = true;
      }),
    );
    assert.equal(csv, FIRST_SHEET_CSV);
    assert.deepEqual(values(find(findings, "xlsx-hidden-row")), ["Data!3"]);
    assert.deepEqual(values(find(findings, "xlsx-hidden-column")), ["Data!C"]);
  });

  it("finds notes, on empty cells too, and screens their text", async () => {
    const { csv, findings } = await inspectXlsx(
      await workbook((_wb, data) => {
        data.getCell("B3").note = "Agreed with the supplier";
        data.getCell("F10").note = "Ask jane.smith@gmail.com before publishing";
      }),
    );
    assert.equal(csv, FIRST_SHEET_CSV);
    const comments = find(findings, "xlsx-comment");
    assert.deepEqual(values(comments), ["Data!B3 (note)", "Data!F10 (note)"]);
    const email = find(findings, "email", /in comments$/);
    assert.deepEqual(email.examples, [{ value: "A** j***.s****@g****.c** b***** p******" }]);
  });

  it("finds a threaded comment, counted once with its note for older Excel, and names its author", async () => {
    const file = await withParts(
      await workbook((_wb, data) => {
        data.getCell("B2").note =
          "[Threaded comment] Your version of Excel allows you to read this";
      }),
      async (parts) => {
        const person = "{8D4E5B1A-0C3F-4A56-9E21-6B7C8D9E0F12}";
        parts.set(
          "xl/persons/person.xml",
          `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"><person displayName="Jane Smith" id="${person}" userId="jane.smith@northmoor.example.gov.uk" providerId="AD"/></personList>`,
        );
        parts.set(
          "xl/threadedComments/threadedComment1.xml",
          `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"><threadedComment ref="B2" dT="2024-05-01T09:30:00.00" personId="${person}" id="{1A2B3C4D-0000-4000-8000-000000000001}"><text>Resident on 07700 900456 disputes this</text></threadedComment></ThreadedComments>`,
        );
        parts.set(
          "xl/worksheets/_rels/sheet1.xml.rels",
          addRelationship(
            await parts.get("xl/worksheets/_rels/sheet1.xml.rels"),
            "rId90",
            "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment",
            "../threadedComments/threadedComment1.xml",
          ),
        );
      },
    );
    const { csv, findings } = await inspectXlsx(file);
    assert.equal(csv, FIRST_SHEET_CSV);
    assert.deepEqual(values(find(findings, "xlsx-comment")), ["Data!B2 (threaded comment)"]);
    assert.deepEqual(values(find(findings, "xlsx-comment-author")), ["J*** S****"]);
    assert.deepEqual(values(find(findings, "phone", /in comments$/)), [
      "R****** o* 0**** 9***** d****** t***",
    ]);
  });

  it("flags document properties that name a person, and not the council's name", async () => {
    const file = await withParts(
      await workbook((wb) => {
        wb.creator = "Jane Smith";
        wb.lastModifiedBy = "Smith, Jane";
        wb.title = "Payments over £500";
      }),
      async (parts) => {
        parts.set(
          "docProps/custom.xml",
          '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Checked by"><vt:lpwstr>Ravi Shah</vt:lpwstr></property></Properties>',
        );
      },
    );
    const { csv, findings } = await inspectXlsx(file);
    assert.equal(csv, FIRST_SHEET_CSV);
    const properties = find(findings, "xlsx-properties");
    assert.equal(properties.label, "The workbook's properties name a person");
    assert.match(properties.advice, /Inspect Document/);
    assert.deepEqual(values(properties), [
      "Author: J*** S****",
      "Last saved by: S****, J***",
      "Checked by: R*** S***",
    ]);
    assert.deepEqual(rules(findings), ["xlsx-properties"]);
  });

  it("reports links to other workbooks, whose paths often name a person", async () => {
    const file = await withParts(await workbook(), async (parts) => {
      parts.set(
        "xl/externalLinks/externalLink1.xml",
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><externalBook r:id="rId1"/></externalLink>',
      );
      parts.set(
        "xl/externalLinks/_rels/externalLink1.xml.rels",
        addRelationship(
          "",
          "rId1",
          "http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath",
          "file:///C:/Users/jsmith/Documents/payroll.xlsx",
          true,
        ),
      );
    });
    const { csv, findings } = await inspectXlsx(file);
    assert.equal(csv, FIRST_SHEET_CSV);
    assert.deepEqual(rules(findings), ["xlsx-external-link"]);
    assert.equal(find(findings, "xlsx-external-link").count, 1);
  });
});
