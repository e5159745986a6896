import { parse } from "csv-parse/sync";
import type * as ExcelJS from "exceljs";
import { loadExcel } from "../../../platform/lazy.ts";
import { HEADING_JOIN, matchHeadings } from "./headings.ts";

/** A file Steward cannot import, with a message that says why in plain words. */
export class SpreadsheetError extends Error {}

export interface Table {
  headings: string[];
  rows: string[][];
  /** Each row's number in the sheet, for messages (by default the headings are row 1). */
  rowNumbers?: number[];
  /** Each column's letter in the sheet (by default A, B, C…). */
  columns?: string[];
}

/** The register found in one sheet: where its headings are and what was left out around the rows. */
export interface SheetTable extends Table {
  rowNumbers: number[];
  columns: string[];
  /** The sheet's name ("" for a CSV file). */
  sheet: string;
  /** The sheet row of the headings (the first of two when they span two rows). */
  headingRow: number;
  headingRows: 1 | 2;
  /** Rows left out: wholly blank rows, and notes, totals or repeated headings. */
  skipped: { blank: number; notes: number };
  /** How well the headings match the register's fields (higher is better). */
  score: number;
}

export interface ReadSheets {
  kind: "xlsx" | "csv";
  main: SheetTable;
  /** A sheet called "Risks", when the workbook has one. */
  risks?: Table;
  /** Every sheet that holds a table, in workbook order (the register is one of them). */
  sheets: SheetTable[];
}

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
export const MAX_ROWS = 50_000;
export const MAX_COLUMNS = 150;
/** How far down a sheet its headings are looked for (title rows, logos and instructions come first). */
const HEADING_SEARCH_ROWS = 30;

export function columnName(n: number): string {
  let s = "";
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26))
    s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

function cellText(value: ExcelJS.CellValue | undefined): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? "" : value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    if ("richText" in value) return value.richText.map((r) => r.text).join("");
    // A hyperlink: its text, which may itself be rich text.
    if ("hyperlink" in value) return cellText(value.text as ExcelJS.CellValue);
    if ("text" in value && typeof value.text === "string") return value.text;
    if ("error" in value) return "";
    // A formula: the value Excel saved with it.
    if ("formula" in value || "sharedFormula" in value)
      return cellText((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    return "";
  }
  return String(value);
}

/** Removes the apostrophe Steward's own export puts before a cell that would otherwise be a formula. */
function unguard(v: string): string {
  return /^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v;
}

const NOTE_ROW =
  /^((grand\s+)?totals?\b|count\b|sum\b|number of (assets|records|entries)\b|notes?\b|key\b|source\b|\*|last (updated|reviewed|revised)\b|version\b|end of\b|(prepared|compiled|approved|owned) by\b|date (of )?(publication|published)\b|page \d|©|copyright\b)/i;

/** Titles, instructions and look-up lists: sheets the register is unlikely to be on. */
const SIDE_SHEET =
  /^(instructions?|guidance|guide|read ?me|notes?|help|how to|introduction|intro|cover|contents|lookups?|look-ups?|lists?|drop ?downs?|validation|reference data|key|version|change log|definitions?|glossary)\b/i;

interface Grid {
  name: string;
  /** Hidden in the workbook. */
  hidden?: boolean;
  rows: string[][];
  /** Sheet row numbers of `rows`. */
  numbers: number[];
}

const GUIDANCE_CELL =
  /^(\(?(enter|select|choose|pick|describe|list|give|provide|state|insert|add|record|include|specify|identify|explain|indicate|summarise|detail|confirm|tick|name of|the name|who |what |where |when |how |which |is |does |do |are |has |e\.g\.?|eg\b|for example|yes ?\/ ?no|y ?\/ ?n\b|free text|drop.?down|dd\/mm|date format|see (guidance|notes|the)))|\be\.g\.|\?$/i;

/** A row of instructions for whoever fills the sheet in, not an asset. */
function isGuidanceRow(row: string[]): boolean {
  const filled = row.filter(Boolean);
  if (filled.length < 2) return false;
  const guiding = filled.filter((c) => GUIDANCE_CELL.test(c.trim())).length;
  return guiding / filled.length >= 0.6;
}

function blank(row: string[] | undefined): boolean {
  return !row || row.every((c) => !c);
}

/** Joins a heading over two rows: a group heading above ("Personal data") and its parts below. */
function joinHeadings(top: string[], bottom: string[]): string[] | undefined {
  const distinct = new Set(top.filter(Boolean));
  // One value across the top (a merged title) or fewer than two group headings is a title, not a group row.
  if (distinct.size < 2) return undefined;
  const width = Math.max(top.length, bottom.length);
  return Array.from({ length: width }, (_, c) => {
    const t = top[c] ?? "";
    const b = bottom[c] ?? "";
    if (!t || t === b) return b;
    if (!b) return t;
    return `${t}${HEADING_JOIN}${b}`;
  });
}

/** The register in one sheet: its heading row (or two), its columns and its rows. */
function locate(grid: Grid): SheetTable | undefined {
  const rows = grid.rows.map((r) =>
    (r ?? []).map((c) => unguard((c ?? "").replace(/\s+$/, "").replace(/^\s+/, ""))),
  );
  const filled = rows.map((r, i) => (blank(r) ? -1 : i)).filter((i) => i >= 0);
  if (!filled.length) return undefined;
  let best: { at: number; span: 1 | 2; headings: string[]; score: number } = {
    at: filled[0],
    span: 1,
    headings: rows[filled[0]],
    score: matchHeadings(rows[filled[0]]).score,
  };
  for (const at of filled.slice(0, HEADING_SEARCH_ROWS)) {
    const single = matchHeadings(rows[at]).score;
    if (single > best.score) best = { at, span: 1, headings: rows[at], score: single };
    const joined = !blank(rows[at + 1]) ? joinHeadings(rows[at], rows[at + 1]) : undefined;
    if (joined) {
      const score = matchHeadings(joined).score;
      if (score > best.score && score > matchHeadings(rows[at + 1]).score)
        best = { at, span: 2, headings: joined, score };
    }
  }
  const data = rows.slice(best.at + best.span);
  const numbers = grid.numbers.slice(best.at + best.span);
  let width = best.headings.length;
  for (const r of data) width = Math.max(width, r.length);
  const keep: number[] = [];
  for (let c = 0; c < width; c++) if (best.headings[c] || data.some((r) => r[c])) keep.push(c);
  if (keep.length > MAX_COLUMNS)
    throw new SpreadsheetError(
      `The ${grid.name ? `sheet "${grid.name}"` : "file"} has ${keep.length} columns; Steward reads at most ${MAX_COLUMNS}.`,
    );
  const seen = new Map<string, number>();
  const headings = keep.map((c) => {
    const h = best.headings[c] || `Column ${columnName(c + 1)}`;
    const n = (seen.get(h) ?? 0) + 1;
    seen.set(h, n);
    return n === 1 ? h : `${h} (${n})`;
  });
  const headingKey = keep.map((c) => best.headings[c] ?? "").join("\u0000");
  const kept: string[][] = [];
  const keptNumbers: number[] = [];
  let blanks = 0;
  let notes = 0;
  data.forEach((r, i) => {
    const cells = keep.map((c) => r[c] ?? "");
    if (cells.every((c) => !c)) blanks++;
    else if (cells.join("\u0000") === headingKey) notes++;
    else {
      kept.push(cells);
      keptNumbers.push(numbers[i]);
    }
  });
  // Guidance rows just under the headings ("Enter the name of the asset", "Y/N", "e.g. Civica"):
  // most of their filled cells read as instructions rather than values.
  while (kept.length && isGuidanceRow(kept[0])) {
    kept.shift();
    keptNumbers.shift();
    notes++;
  }
  // Notes and totals under the register: rows from the end that start "Total", "Notes"… or have no name.
  const nameColumn = matchHeadings(headings).mapping.indexOf("name");
  while (kept.length) {
    const last = kept[kept.length - 1];
    const first = last.find(Boolean) ?? "";
    const filledCells = last.filter(Boolean).length;
    const noName = nameColumn >= 0 && !last[nameColumn] && filledCells <= 2;
    if (!NOTE_ROW.test(first) && !noName) break;
    kept.pop();
    keptNumbers.pop();
    notes++;
  }
  return {
    sheet: grid.name,
    headings,
    columns: keep.map((c) => columnName(c + 1)),
    rows: kept,
    rowNumbers: keptNumbers,
    headingRow: grid.numbers[best.at],
    headingRows: best.span,
    skipped: { blank: blanks, notes },
    score: best.score,
  };
}

function checkSize(t: SheetTable): SheetTable {
  if (!t.rows.length)
    throw new SpreadsheetError(
      `The ${t.sheet ? `sheet "${t.sheet}"` : "file"} has a row of headings but no rows of assets under it.`,
    );
  if (t.rows.length > MAX_ROWS)
    throw new SpreadsheetError(
      `The file has ${t.rows.length.toLocaleString("en-GB")} rows; Steward imports at most ${MAX_ROWS.toLocaleString("en-GB")} at a time. Split it into smaller files.`,
    );
  return t;
}

/** The sheet most like a register: best-matching headings, with rows, not an instructions or look-up sheet. */
function chooseSheet(grids: Grid[]): { main: SheetTable; sheets: SheetTable[] } {
  const sheets: SheetTable[] = [];
  const hidden = new Set(grids.filter((g) => g.hidden).map((g) => g.name));
  let firstError: unknown;
  for (const g of grids) {
    try {
      const t = locate(g);
      if (t) sheets.push(t);
    } catch (err) {
      firstError ??= err;
    }
  }
  if (!sheets.length) {
    if (firstError) throw firstError;
    throw new SpreadsheetError("The file is empty: it has no headings and no rows.");
  }
  const weight = (t: SheetTable) =>
    (t.rows.length ? 1 : 0.01) *
    (SIDE_SHEET.test(t.sheet.trim()) ? 0.5 : 1) *
    (hidden.has(t.sheet) ? 0.3 : 1) *
    t.score;
  const main = sheets.reduce((a, b) => (weight(b) > weight(a) ? b : a));
  return { main: checkSize(main), sheets: sheets.filter((s) => s.rows.length) };
}

/** A table from the first non-blank row, for the Risks sheet. */
function firstRowTable(rows: string[][]): Table | undefined {
  const filled = rows
    .map((r) => (r ?? []).map((c) => unguard((c ?? "").trim())))
    .filter((r) => !blank(r));
  if (filled.length < 2) return undefined;
  const [headings, ...data] = filled;
  return { headings, rows: data.map((r) => headings.map((_, i) => r[i] ?? "")) };
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
  const worksheets = workbook.worksheets.filter(
    (ws) => ws.actualRowCount > 0 && ws.state !== "veryHidden",
  );
  if (!worksheets.length)
    throw new SpreadsheetError("The workbook is empty: none of its sheets has any rows.");
  const unsaved = new Map<string, string[]>();
  const read = (ws: ExcelJS.Worksheet): Grid => {
    if (ws.rowCount > MAX_ROWS + HEADING_SEARCH_ROWS + 1000)
      throw new SpreadsheetError(
        `The sheet "${ws.name}" has ${ws.rowCount.toLocaleString("en-GB")} rows; Steward imports at most ${MAX_ROWS.toLocaleString("en-GB")} at a time. Split it into smaller files.`,
      );
    const formulas: string[] = [];
    const rows: string[][] = [];
    const numbers: number[] = [];
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      // Blank rows between are kept as blank, so they are counted and the rows keep their numbers.
      for (let n = (numbers.at(-1) ?? 0) + 1; n < rowNumber; n++) {
        rows.push([]);
        numbers.push(n);
      }
      const cells: string[] = [];
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        if (col > MAX_COLUMNS + 50) return;
        const v = cell.value as ExcelJS.CellFormulaValue;
        if (cell.type === excel.ValueType.Formula && (v.result === undefined || v.result === null))
          formulas.push(`${columnName(col)}${rowNumber}`);
        cells[col - 1] = cellText(cell.value);
      });
      rows.push(Array.from(cells, (c) => c ?? ""));
      numbers.push(rowNumber);
    });
    unsaved.set(ws.name, formulas);
    return { name: ws.name, rows, numbers, hidden: ws.state === "hidden" };
  };
  const riskSheet = worksheets.find((ws) => /^risks?$/i.test(ws.name.trim()));
  const others = worksheets.filter((ws) => ws !== riskSheet);
  const { main, sheets } = chooseSheet((others.length ? others : worksheets).map(read));
  const formulas = unsaved.get(main.sheet) ?? [];
  if (formulas.length)
    throw new SpreadsheetError(
      `The sheet "${main.sheet}" has formulas with no saved result (in ${formulas.slice(0, 5).join(", ")}${formulas.length > 5 ? ` and ${formulas.length - 5} more cells` : ""}). Open the file in Excel and save it, or paste the sheet as values, then try again.`,
    );
  return {
    kind: "xlsx",
    main,
    sheets,
    risks: riskSheet && others.length ? firstRowTable(read(riskSheet).rows) : undefined,
  };
}

/** The separator of a CSV file: the one that splits its first lines into the most, most regular, columns. */
function delimiter(text: string): string {
  const sample = text.slice(0, 64 * 1024);
  let best = { d: ",", score: -1 };
  for (const d of [",", ";", "\t", "|"]) {
    let rows: string[][];
    try {
      rows = parse(sample, {
        delimiter: d,
        bom: true,
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: true,
        to_line: 60,
      });
    } catch {
      continue;
    }
    const widths = new Map<number, number>();
    for (const r of rows.slice(0, -1).length ? rows.slice(0, -1) : rows)
      if (r.length > 1) widths.set(r.length, (widths.get(r.length) ?? 0) + 1);
    const [width, count] = [...widths].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0] ?? [1, 0];
    const score = count * Math.log2(width + 1);
    if (score > best.score) best = { d, score };
  }
  return best.d;
}

/** Windows-1252 bytes 0x80 to 0x9F (Node's decoder reads them as Latin-1 control characters). */
const CP1252_HIGH = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ";

function decodeWindows1252(data: Buffer): string {
  let out = "";
  for (const byte of data)
    out += byte >= 0x80 && byte <= 0x9f ? CP1252_HIGH[byte - 0x80] : String.fromCharCode(byte);
  return out;
}

function readCsv(data: Buffer): ReadSheets {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    // Older Excel saves CSV as Windows-1252.
    text = decodeWindows1252(data);
  }
  text = text.replace(/^\uFEFF/, "");
  // Excel's own hint for the separator: a first line "sep=;".
  const hint = /^sep=(.)\r?\n/i.exec(text);
  if (hint) text = text.slice(hint[0].length);
  let rows: string[][];
  try {
    rows = parse(text, {
      delimiter: hint ? hint[1] : delimiter(text),
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
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
  const { main, sheets } = chooseSheet([
    { name: "", rows, numbers: rows.map((_, i) => i + 1 + (hint ? 1 : 0)) },
  ]);
  return { kind: "csv", main, sheets };
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
