import type * as ExcelJS from "exceljs";
import { loadExcel } from "../../platform/lazy.ts";
import type { Finding } from "./checker.ts";

/**
 * Spreadsheets leak personal data through what the eye does not see: hidden sheets, hidden rows and columns,
 * comments, and pivot caches that keep a copy of the source rows. Each is a finding; the first visible sheet
 * becomes the CSV that is validated and published.
 */
export async function inspectXlsx(data: Buffer): Promise<{ csv: string; findings: Finding[] }> {
  const findings: Finding[] = [];
  const add = (rule: string, label: string, advice: string, examples: string[]) =>
    findings.push({
      rule,
      label,
      advice,
      count: examples.length,
      examples: examples.slice(0, 5).map((value) => ({ value })),
    });
  if (data.includes("xl/pivotCache/"))
    add(
      "xlsx-pivot-cache",
      "Pivot cache",
      "A pivot table keeps a hidden copy of its source rows. Publish the data as CSV instead.",
      ["pivot cache present"],
    );
  const workbook = new (await loadExcel()).Workbook();
  await workbook.xlsx.load(data as unknown as ArrayBuffer);
  const hiddenSheets = workbook.worksheets.filter((w) => w.state !== "visible").map((w) => w.name);
  if (hiddenSheets.length)
    add(
      "xlsx-hidden-sheet",
      "Hidden sheets",
      "Hidden sheets are published with the file and often hold source data.",
      hiddenSheets,
    );
  const sheet = workbook.worksheets.find((w) => w.state === "visible");
  if (!sheet) throw new Error("The workbook has no visible sheet.");
  const hiddenColumns: string[] = [];
  const hiddenRows: string[] = [];
  const comments: string[] = [];
  for (const w of workbook.worksheets) {
    for (let c = 1; c <= w.columnCount; c++)
      if (w.getColumn(c).hidden) hiddenColumns.push(`${w.name}!${w.getColumn(c).letter}`);
    w.eachRow({ includeEmpty: false }, (row, n) => {
      if (row.hidden) hiddenRows.push(`${w.name}!${n}`);
      row.eachCell((cell) => {
        if (cell.note) comments.push(`${w.name}!${cell.address}`);
      });
    });
  }
  if (hiddenColumns.length)
    add(
      "xlsx-hidden-column",
      "Hidden columns",
      "Hidden columns are still in the file. Delete them or confirm they may be published.",
      hiddenColumns,
    );
  if (hiddenRows.length)
    add("xlsx-hidden-row", "Hidden rows", "Hidden rows are still in the file.", hiddenRows);
  if (comments.length)
    add("xlsx-comment", "Comments", "Comments often name colleagues or residents.", comments);
  const lines: string[] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const values: string[] = [];
    for (let c = 1; c <= sheet.columnCount; c++) values.push(cellText(row.getCell(c).value));
    lines.push(values.map(csvQuote).join(","));
  });
  return { csv: `${lines.join("\n")}\n`, findings };
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    if ("result" in value) return cellText(value.result as ExcelJS.CellValue);
    if ("richText" in value) return value.richText.map((r) => r.text).join("");
    if ("text" in value) return String(value.text);
    return "";
  }
  return String(value);
}

export function csvQuote(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}
