import assert from "node:assert/strict";
import { describe, it } from "node:test";
import ExcelJS from "exceljs";
import { checkHiddenData } from "./hidden-data.ts";
import { spreadsheetWithHiddenData, zip } from "./test-files.ts";

describe("hidden personal data check", () => {
  it("finds hidden and very hidden sheets, hidden rows and columns, notes and the author in a spreadsheet", async () => {
    const report = checkHiddenData("complaints.xlsx", await spreadsheetWithHiddenData());
    assert.equal(report.format, "xlsx");
    const kinds = report.findings.map((f) => f.kind).sort();
    assert.deepEqual(kinds, [
      "author",
      "comments",
      "hidden-columns",
      "hidden-rows",
      "hidden-sheet",
      "very-hidden-sheet",
    ]);
    assert.match(
      report.findings.find((f) => f.kind === "hidden-sheet")?.message ?? "",
      /Complainants/,
    );
  });

  it("a clean spreadsheet has no findings", async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet("Data").addRow(["Year", "Potholes"]);
    const report = checkHiddenData("clean.xlsx", Buffer.from(await book.xlsx.writeBuffer()));
    assert.deepEqual(report.findings, []);
  });

  it("finds pivot caches", () => {
    const file = zip({
      "xl/workbook.xml": '<workbook><sheets><sheet name="Pivot" sheetId="1"/></sheets></workbook>',
      "xl/worksheets/sheet1.xml": "<worksheet/>",
      "xl/pivotCache/pivotCacheDefinition1.xml": "<pivotCacheDefinition/>",
      "xl/pivotCache/pivotCacheRecords1.xml":
        "<pivotCacheRecords><r><s v='Jo Bloggs'/></r></pivotCacheRecords>",
    });
    const report = checkHiddenData("pivot.xlsx", file);
    assert.deepEqual(
      report.findings.map((f) => f.kind),
      ["pivot-cache"],
    );
  });

  it("finds tracked changes, comments and hidden text in a Word document", () => {
    const file = zip({
      "word/document.xml":
        '<w:document><w:body><w:p><w:ins w:author="A"><w:r><w:t>new</w:t></w:r></w:ins><w:del w:author="A"><w:r><w:delText>Jo Bloggs</w:delText></w:r></w:del><w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r></w:p></w:body></w:document>',
      "word/comments.xml": '<w:comments><w:comment w:id="1"><w:p/></w:comment></w:comments>',
      "docProps/core.xml":
        "<cp:coreProperties><dc:creator>Jane Officer</dc:creator></cp:coreProperties>",
    });
    const report = checkHiddenData("letter.docx", file);
    assert.deepEqual(report.findings.map((f) => f.kind).sort(), [
      "author",
      "comments",
      "hidden-text",
      "tracked-changes",
    ]);
  });

  it("a damaged file is itself a finding, and other files are not checked", () => {
    const damaged = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100)]);
    assert.equal(checkHiddenData("bad.xlsx", damaged).findings[0].kind, "unreadable");
    assert.equal(checkHiddenData("note.txt", Buffer.from("hello")).checked, false);
  });
});
