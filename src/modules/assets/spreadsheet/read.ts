import { parse } from "csv-parse/sync";
import type * as ExcelJS from "exceljs";
import { loadExcel } from "../../../platform/lazy.ts";

/** A file Steward cannot import, with a message that says why in plain words. */
export class SpreadsheetError extends Error {}

export interface Table {
  headings: string[];
  rows: string[][];
}

export interface ReadSheets {
  kind: "xlsx" | "csv";
  main: Table;
  /** A second sheet called "Risks", when the workbook has one. */
  risks?: Table;
}

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
export const MAX_ROWS = 50_000;
export const MAX_COLUMNS = 150;

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    if ("richText" in value) return value.richText.map((r) => r.text).join("");
    if ("text" in value && typeof value.text === "string") return value.text;
    if ("error" in value) return "";
    if ("formula" in value || "sharedFormula" in value) return "";
    return "";
  }
  return String(value);
}

/** Removes the apostrophe Steward's own export puts before a cell that would otherwise be a formula. */
function unguard(v: string): string {
  return /^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v;
}

function tidy(rows: string[][]): Table {
  const trimmed = rows.map((r) => r.map((c) => unguard(c.trim())));
  const nonEmpty = trimmed.filter((r) => r.some((c) => c !== ""));
  if (!nonEmpty.length)
    throw new SpreadsheetError("The file is empty: it has no headings and no rows.");
  const [headings, ...data] = nonEmpty;
  if (headings.length > MAX_COLUMNS)
    throw new SpreadsheetError(
      `The file has ${headings.length} columns; Steward reads at most ${MAX_COLUMNS}.`,
    );
  if (!data.length)
    throw new SpreadsheetError("The file has a row of headings but no rows of assets under it.");
  if (data.length > MAX_ROWS)
    throw new SpreadsheetError(
      `The file has ${data.length.toLocaleString("en-GB")} rows; Steward imports at most ${MAX_ROWS.toLocaleString("en-GB")} at a time. Split it into smaller files.`,
    );
  const width = headings.length;
  return {
    headings: headings.map((h, i) => h || `Column ${i + 1}`),
    rows: data.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? "")),
  };
}

function columnName(n: number): string {
  let s = "";
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26))
    s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

async function readXlsx(data: Buffer): Promise<ReadSheets> {
  const excel = await loadExcel();
  const workbook = new excel.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new SpreadsheetError(
      "The file could not be read as an Excel workbook. It may be damaged or password-protected: open it in Excel, save a copy as .xlsx or CSV, and try again.",
    );
  }
  const sheets = workbook.worksheets.filter((ws) => ws.actualRowCount > 0);
  if (!sheets.length)
    throw new SpreadsheetError("The workbook is empty: none of its sheets has any rows.");
  const riskSheet = sheets.find((ws) => /^risks?$/i.test(ws.name.trim()));
  const main = sheets.find((ws) => ws !== riskSheet) ?? sheets[0];
  const read = (ws: ExcelJS.Worksheet): string[][] => {
    if (ws.rowCount > MAX_ROWS + 1)
      throw new SpreadsheetError(
        `The sheet "${ws.name}" has ${ws.rowCount.toLocaleString("en-GB")} rows; Steward imports at most ${MAX_ROWS.toLocaleString("en-GB")} at a time. Split it into smaller files.`,
      );
    const formulas: string[] = [];
    const rows: string[][] = [];
    ws.eachRow({ includeEmpty: true }, (row, rowNumber) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, col) => {
        if (col > MAX_COLUMNS) return;
        if (cell.type === excel.ValueType.Formula) formulas.push(`${columnName(col)}${rowNumber}`);
        cells[col - 1] = cellText(cell.value);
      });
      rows[rowNumber - 1] = Array.from(cells, (c) => c ?? "");
    });
    if (formulas.length)
      throw new SpreadsheetError(
        `The sheet "${ws.name}" has formulas (in ${formulas.slice(0, 5).join(", ")}${formulas.length > 5 ? ` and ${formulas.length - 5} more cells` : ""}). Steward imports values only: copy the sheet and paste it as values, then try again.`,
      );
    return Array.from(rows, (r) => r ?? []);
  };
  return {
    kind: "xlsx",
    main: tidy(read(main)),
    risks: riskSheet && riskSheet !== main ? tidyOptional(read(riskSheet)) : undefined,
  };
}

function tidyOptional(rows: string[][]): Table | undefined {
  try {
    return tidy(rows);
  } catch {
    return undefined;
  }
}

function readCsv(data: Buffer): ReadSheets {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    // Older Excel saves CSV as Windows-1252.
    text = new TextDecoder("windows-1252").decode(data);
  }
  let rows: string[][];
  try {
    rows = parse(text, {
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    });
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new SpreadsheetError(
      `The CSV file could not be read${line ? ` (near line ${line})` : ""}: check that quotation marks are closed.`,
    );
  }
  const formulas: string[] = [];
  for (const [i, r] of rows.entries())
    for (const [j, c] of r.entries())
      if (/^=/.test(c.trim())) formulas.push(`${columnName(j + 1)}${i + 1}`);
  if (formulas.length)
    throw new SpreadsheetError(
      `The file has formulas (in ${formulas.slice(0, 5).join(", ")}${formulas.length > 5 ? ` and ${formulas.length - 5} more cells` : ""}). Steward imports values only: remove them and try again.`,
    );
  return { kind: "csv", main: tidy(rows) };
}

/** Reads an uploaded register: XLSX or CSV, decided by the file's content rather than its name. */
export async function readSpreadsheet(data: Buffer, filename = ""): Promise<ReadSheets> {
  if (!data.length) throw new SpreadsheetError("The file is empty.");
  if (data.length > MAX_IMPORT_BYTES)
    throw new SpreadsheetError(
      `The file is ${(data.length / 1024 / 1024).toFixed(1)} MB; Steward imports registers of up to ${MAX_IMPORT_BYTES / 1024 / 1024} MB. Split it into smaller files.`,
    );
  const head = data.subarray(0, 8);
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04)
    return readXlsx(data);
  if (head.equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])))
    throw new SpreadsheetError(
      "This is an old-style Excel file (.xls). Open it in Excel and save it as an Excel Workbook (.xlsx) or CSV, then try again.",
    );
  if (/\.(xlsx|xlsm)$/i.test(filename))
    throw new SpreadsheetError(
      "The file could not be read as an Excel workbook. It may be damaged: open it in Excel, save a copy as .xlsx or CSV, and try again.",
    );
  const sample = data.subarray(0, 4096);
  if (
    sample.includes(0) ||
    /\.(xls|ods|pdf|docx?)$/i.test(filename) ||
    sample.subarray(0, 4).toString() === "%PDF"
  )
    throw new SpreadsheetError("The file must be a spreadsheet saved as XLSX or CSV.");
  return readCsv(data);
}
