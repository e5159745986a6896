import { loadExcel } from "../../../platform/lazy.ts";

export interface Sheet {
  name: string;
  headings: string[];
  rows: string[][];
}

/**
 * A cell that a spreadsheet program would run as a formula (=, +, -, @, tab, carriage return) is
 * written with a leading apostrophe, so an exported register cannot carry a formula (OWASP "CSV injection").
 * Import removes the apostrophe again.
 */
export function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvField(value: string): string {
  const v = safeCell(value);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** RFC 4180 CSV with a byte-order mark, so Excel reads it as UTF-8. */
export function toCsv(sheet: Sheet): string {
  const lines = [sheet.headings, ...sheet.rows].map((row) => row.map(csvField).join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

export async function toXlsx(sheets: Sheet[], title: string): Promise<Buffer> {
  const workbook = new (await loadExcel()).Workbook();
  workbook.creator = "Steward";
  workbook.title = title;
  const fixed = new Date(Date.UTC(2000, 0, 1));
  workbook.created = fixed;
  workbook.modified = fixed;
  for (const sheet of sheets) {
    const ws = workbook.addWorksheet(sheet.name.slice(0, 31), {
      views: [{ state: "frozen", ySplit: 1 }],
    });
    ws.addRow(sheet.headings);
    ws.getRow(1).font = { bold: true };
    for (const row of sheet.rows) ws.addRow(row.map((c) => safeCell(c)));
    ws.columns.forEach((col, i) => {
      const longest = Math.max(
        sheet.headings[i]?.length ?? 10,
        ...sheet.rows.slice(0, 200).map((r) => Math.min(r[i]?.length ?? 0, 60)),
      );
      col.width = Math.min(Math.max(longest + 2, 12), 60);
      col.alignment = { wrapText: true, vertical: "top" };
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
