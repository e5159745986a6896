import { parse } from "csv-parse/sync";
import type * as ExcelJS from "exceljs";
import { loadExcel } from "../../platform/lazy.ts";

/** A sheet as councils keep them: a heading row, then one row per record. */
export interface Sheet {
  headings: string[];
  rows: Record<string, string>[];
}

export class SheetError extends Error {}

const MAX_ROWS = 20_000;

/** Lower-case letters and digits only, so "Retention period (years)" matches "retentionperiodyears". */
export function headingKey(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9]/g, "");
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    if ("result" in value) return cellText(value.result as ExcelJS.CellValue);
    if ("text" in value) return String(value.text);
    if ("richText" in value) return value.richText.map((r) => r.text).join("");
    return "";
  }
  return String(value);
}

/** Reads the first worksheet of an .xlsx file, or a .csv file; rows keyed by heading. */
export async function readSheet(filename: string, data: Buffer): Promise<Sheet> {
  let table: string[][];
  if (/\.csv$/i.test(filename)) {
    try {
      table = parse(data, { bom: true, relax_column_count: true, skip_empty_lines: true });
    } catch {
      throw new SheetError(
        "The CSV file could not be read. Check it is saved as CSV (comma separated).",
      );
    }
  } else if (/\.xlsx$/i.test(filename)) {
    const book = new (await loadExcel()).Workbook();
    try {
      await book.xlsx.load(data as unknown as ArrayBuffer);
    } catch {
      throw new SheetError(
        "The spreadsheet could not be read. Save it as .xlsx or .csv and try again.",
      );
    }
    const sheet = book.worksheets[0];
    if (!sheet) throw new SheetError("The spreadsheet has no worksheets.");
    table = [];
    sheet.eachRow({ includeEmpty: false }, (row) => {
      const cells: string[] = [];
      for (let c = 1; c <= row.cellCount; c++) cells.push(cellText(row.getCell(c).value).trim());
      table.push(cells);
    });
  } else {
    throw new SheetError("The file must be a spreadsheet (.xlsx) or a CSV file (.csv).");
  }
  const [head, ...body] = table;
  if (!head?.some((h) => h.trim())) throw new SheetError("The file is empty.");
  if (body.length > MAX_ROWS)
    throw new SheetError(
      `The file has ${body.length} rows; the most one import takes is ${MAX_ROWS}.`,
    );
  const headings = head.map((h) => String(h).trim());
  const rows = body
    .filter((cells) => cells.some((c) => String(c).trim()))
    .map((cells) => {
      const row: Record<string, string> = {};
      headings.forEach((h, i) => {
        row[headingKey(h)] = String(cells[i] ?? "").trim();
      });
      return row;
    });
  return { headings, rows };
}

/** The first non-empty value among the headings a column may go by. */
export function pick(row: Record<string, string>, ...names: string[]): string {
  for (const n of names) {
    const v = row[headingKey(n)];
    if (v) return v;
  }
  return "";
}

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  // A leading = + - @ would run as a formula when the file is opened in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(headings: string[], rows: unknown[][]): string {
  return `${[headings, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n")}\r\n`;
}

export async function toXlsx(
  sheetName: string,
  headings: string[],
  rows: unknown[][],
): Promise<Buffer> {
  const book = new (await loadExcel()).Workbook();
  const sheet = book.addWorksheet(sheetName);
  sheet.addRow(headings).font = { bold: true };
  for (const r of rows)
    sheet.addRow(r.map((v) => (v === null || v === undefined ? "" : (v as string | number))));
  sheet.columns.forEach((c) => {
    c.width = 24;
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}
