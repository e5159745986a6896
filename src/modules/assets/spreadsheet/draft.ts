import type { ReadSheets, SheetTable, Table } from "./read.ts";
import type { ServiceAreaChoice } from "./register-sheet.ts";

/** Where the register was found in the upload, kept with an import in progress. */
export interface DraftDetails {
  sheet: string;
  headingRow: number;
  headingRows: number;
  skipped: { blank: number; notes: number };
  rowNumbers: number[];
  columns: string[];
  /** Every sheet with a table, when the workbook has more than one: the user may choose another. */
  sheets?: SheetTable[];
  /** What to do with each service area the council does not have ("create", "blank" or an area's id). */
  serviceAreas?: Record<string, ServiceAreaChoice>;
}

export function detailsOf(read: ReadSheets): DraftDetails {
  return {
    ...where(read.main),
    sheets: read.sheets.length > 1 ? read.sheets : undefined,
  };
}

/** The facts of one sheet's table, without its rows. */
export function where(t: SheetTable): Omit<DraftDetails, "sheets" | "serviceAreas"> {
  return {
    sheet: t.sheet,
    headingRow: t.headingRow,
    headingRows: t.headingRows,
    skipped: t.skipped,
    rowNumbers: t.rowNumbers,
    columns: t.columns,
  };
}

/** The draft's register as a table, with each row's number and each column's letter in the sheet. */
export function draftTable(draft: {
  headings: string[];
  rows: string[][];
  details: unknown;
}): Table {
  const d = draft.details as DraftDetails | null;
  return {
    headings: draft.headings,
    rows: draft.rows,
    rowNumbers: d?.rowNumbers?.length === draft.rows.length ? d.rowNumbers : undefined,
    columns: d?.columns?.length === draft.headings.length ? d.columns : undefined,
  };
}
