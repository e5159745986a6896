import type * as ExcelJS from "exceljs";
import type JSZip from "jszip";
import { loadExcel } from "../../platform/lazy.ts";
import { type Finding, screenText } from "./checker.ts";
import { looksLikePerson, mask } from "./screen.ts";

/**
 * Spreadsheets leak personal data through what the eye does not see: other sheets (hidden or not), hidden
 * rows and columns, comments and their authors, document properties, links to other workbooks, and pivot
 * caches that keep a copy of the source rows. Each is a finding; the first visible sheet becomes the CSV
 * that is validated and screened, but the public downloads the whole workbook, so every other sheet and
 * every comment is screened here as text.
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
  const zip = await (await import("jszip")).default.loadAsync(data);
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

  const others = workbook.worksheets
    .filter((w) => w !== sheet)
    .map((w) => ({ sheet: w, found: screenText(sheetText(w)) }))
    .filter((s) => s.found.length);
  const visibleOthers = others.filter((s) => s.sheet.state === "visible");
  if (visibleOthers.length)
    add(
      "xlsx-other-sheet",
      "Another sheet holds data that is published with the workbook",
      "Only the first sheet is published as the table, but whoever downloads the workbook gets every sheet. Delete the other sheets, or publish them as resources of their own, and upload again.",
      visibleOthers.map((s) => s.sheet.name),
    );
  for (const { sheet: w, found } of others)
    for (const f of found) findings.push({ ...f, label: `${f.label} on sheet “${w.name}”` });

  const hiddenColumns: string[] = [];
  const hiddenRows: string[] = [];
  for (const w of workbook.worksheets) {
    for (let c = 1; c <= w.columnCount; c++)
      if (w.getColumn(c).hidden) hiddenColumns.push(`${w.name}!${w.getColumn(c).letter}`);
    w.eachRow({ includeEmpty: false }, (row, n) => {
      if (row.hidden) hiddenRows.push(`${w.name}!${n}`);
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
    add(
      "xlsx-hidden-row",
      "Hidden rows",
      "Hidden rows are still in the file. Delete them or confirm they may be published.",
      hiddenRows,
    );

  const comments = await readComments(zip);
  if (comments.length)
    add(
      "xlsx-comment",
      "Comments",
      "Comments and notes often name colleagues or residents, and keep their authors' names. Delete them (Review > Delete) or confirm they may be published.",
      [...new Set(comments.map((c) => `${c.sheet}!${c.ref} (${c.kind})`))],
    );
  for (const f of screenText(comments.map((c) => oneLine(c.text)).join("\n")))
    findings.push({
      ...f,
      label: `${f.label} in comments`,
      examples: f.examples.map((e) => ({ value: e.value })),
    });
  const authors = [...new Set(comments.map((c) => c.author).filter(namesSomeone))];
  if (authors.length)
    add(
      "xlsx-comment-author",
      "Comments name their authors",
      "Each comment keeps the name of the person who wrote it. Delete the comments or confirm the names may be published.",
      authors.map(mask),
    );

  const properties = [...documentProperties(workbook), ...(await customProperties(zip))].filter(
    (p) => namesSomeone(p.value),
  );
  if (properties.length)
    add(
      "xlsx-properties",
      "The workbook's properties name a person",
      "The author, the last person to save it and other properties are saved in the file and published with it. In Excel, choose File > Info > Check for Issues > Inspect Document, remove Document Properties and Personal Information, save and upload again.",
      properties.map((p) => `${p.name}: ${mask(p.value)}`),
    );

  const links = await externalLinks(zip);
  if (links.length)
    add(
      "xlsx-external-link",
      "Links to other workbooks",
      "The workbook keeps the path of each linked workbook and a copy of the values it uses from it. Break the links (Data > Edit Links > Break Link) or confirm they may be published.",
      links.map(mask),
    );

  const lines: string[] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const values: string[] = [];
    for (let c = 1; c <= sheet.columnCount; c++) values.push(cellText(row.getCell(c).value));
    lines.push(values.map(csvQuote).join(","));
  });
  return { csv: `${lines.join("\n")}\n`, findings };
}

/**
 * A sheet as text for `screenText`, one line for each row so findings keep the sheet's row numbers: the
 * first row as written (it is usually the headings), then each row as `"heading": "value"` pairs, so that
 * a value is judged like a cell of a column with that heading (a name under "Name", a number under "Phone").
 */
function sheetText(w: ExcelJS.Worksheet): string {
  const lines: string[] = [];
  let headings: string[] | undefined;
  w.eachRow({ includeEmpty: false }, (row, n) => {
    const cells: { column: number; text: string }[] = [];
    row.eachCell({ includeEmpty: false }, (cell, column) => {
      const text = cellText(cell.value).trim();
      if (text) cells.push({ column, text });
    });
    if (!headings) {
      headings = [];
      for (const { column, text } of cells) headings[column] = text;
      lines[n - 1] = cells.map((c) => oneLine(c.text)).join(" ");
      return;
    }
    const heading = (column: number) =>
      (headings?.[column] ?? w.getColumn(column).letter)
        .replace(/["\\]/g, " ")
        .slice(0, 60)
        .trim() || w.getColumn(column).letter;
    lines[n - 1] = cells
      .map((c) => `${JSON.stringify(heading(c.column))}: ${JSON.stringify(c.text.slice(0, 380))}`)
      .join(", ");
  });
  return Array.from(lines, (line) => line ?? "").join("\n");
}

/** A person's name, or an email address or other personal data, in a short free-text value. */
function namesSomeone(value: string): boolean {
  const v = value.trim();
  return !!v && (looksLikePerson(v) || screenText(oneLine(v)).length > 0);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

interface SheetComment {
  sheet: string;
  ref: string;
  kind: "note" | "threaded comment";
  author: string;
  text: string;
}

/**
 * Notes (legacy comments) and threaded comments, read from the package itself: ExcelJS reads neither
 * threaded comments nor notes on empty cells, nor comment parts saved under other names than Excel's.
 * Excel saves a threaded comment with a note on the same cell for older versions: it is counted once.
 */
async function readComments(zip: JSZip): Promise<SheetComment[]> {
  const owner = await commentOwners(zip);
  const people = new Map<string, string>();
  for (const name of partNames(zip, /^xl\/persons\/[^/]+\.xml$/i))
    for (const [, attrs] of (await partText(zip, name)).matchAll(/<(?:\w+:)?person\b([^>]*)>/g))
      people.set(attr(attrs, "id"), attr(attrs, "displayName"));
  const parts = await Promise.all(
    partNames(zip, /^xl\/(?:[^/]+\/)*[^/]*comments?[^/]*\.xml$/i).map(async (name) => ({
      sheet: owner.get(name) ?? name,
      xml: await partText(zip, name),
    })),
  );
  const comments: SheetComment[] = [];
  const threadedCells = new Set<string>();
  for (const { sheet, xml } of parts.filter((p) => /<(?:\w+:)?ThreadedComments\b/.test(p.xml)))
    for (const [, attrs, body] of xml.matchAll(
      /<(?:\w+:)?threadedComment\b([^>]*)>([\s\S]*?)<\/(?:\w+:)?threadedComment>/g,
    )) {
      const ref = attr(attrs, "ref");
      threadedCells.add(`${sheet}!${ref}`);
      const author = people.get(attr(attrs, "personId")) ?? "";
      comments.push({ sheet, ref, kind: "threaded comment", author, text: textOf(body, "text") });
    }
  for (const { sheet, xml } of parts.filter((p) => /<(?:\w+:)?comments\b/.test(p.xml))) {
    const authors = [
      ...xml.matchAll(/<(?:\w+:)?author(?:\s*\/>|>([\s\S]*?)<\/(?:\w+:)?author>)/g),
    ].map((m) => decode(m[1] ?? ""));
    for (const [, attrs, body] of xml.matchAll(
      /<(?:\w+:)?comment\b([^>]*)>([\s\S]*?)<\/(?:\w+:)?comment>/g,
    )) {
      const ref = attr(attrs, "ref");
      if (threadedCells.has(`${sheet}!${ref}`)) continue;
      const author = authors[Number(attr(attrs, "authorId"))] ?? "";
      comments.push({ sheet, ref, kind: "note", author, text: textOf(body, "t") });
    }
  }
  return comments;
}

/** Which sheet each comment part belongs to, through the workbook's and the sheets' relationships. */
async function commentOwners(zip: JSZip): Promise<Map<string, string>> {
  const owner = new Map<string, string>();
  const workbookPart = "xl/workbook.xml";
  const targets = await relationships(zip, workbookPart);
  for (const [, attrs] of (await partText(zip, workbookPart)).matchAll(
    /<(?:\w+:)?sheet\b([^>]*)\/?>/g,
  )) {
    const sheetPart = targets.get(attr(attrs, "id", true))?.target;
    if (!sheetPart) continue;
    for (const rel of (await relationships(zip, sheetPart)).values())
      if (/\/(comments|threadedComment)$/.test(rel.type))
        owner.set(rel.target, attr(attrs, "name"));
  }
  return owner;
}

/** Paths (and masked file paths) of linked workbooks. */
async function externalLinks(zip: JSZip): Promise<string[]> {
  const links: string[] = [];
  for (const name of partNames(zip, /^xl\/externalLinks\/[^/]+\.xml$/i)) {
    const external = [...(await relationships(zip, name)).values()].filter((r) => r.external);
    links.push(...(external.length ? external.map((r) => r.target) : [name]));
  }
  return links;
}

function documentProperties(workbook: ExcelJS.Workbook): { name: string; value: string }[] {
  const names: [keyof ExcelJS.Workbook, string][] = [
    ["creator", "Author"],
    ["lastModifiedBy", "Last saved by"],
    ["title", "Title"],
    ["subject", "Subject"],
    ["keywords", "Tags"],
    ["description", "Comments"],
    ["category", "Categories"],
    ["manager", "Manager"],
    ["company", "Company"],
  ];
  return names.map(([key, name]) => ({ name, value: String(workbook[key] ?? "") }));
}

/** Custom properties (File > Info > Properties > Advanced), which ExcelJS does not read. */
async function customProperties(zip: JSZip): Promise<{ name: string; value: string }[]> {
  const xml = await partText(zip, "docProps/custom.xml");
  return [...xml.matchAll(/<(?:\w+:)?property\b([^>]*)>([\s\S]*?)<\/(?:\w+:)?property>/g)].map(
    ([, attrs, body]) => ({
      name: attr(attrs, "name"),
      value: decode(body.replace(/<[^>]*>/g, "")),
    }),
  );
}

function partNames(zip: JSZip, pattern: RegExp): string[] {
  return Object.keys(zip.files)
    .filter((name) => !zip.files[name].dir && pattern.test(name))
    .sort();
}

async function partText(zip: JSZip, name: string): Promise<string> {
  return (await zip.file(name)?.async("string")) ?? "";
}

/** A part's relationships by id: the target part (resolved against the part's folder) and its type. */
async function relationships(
  zip: JSZip,
  part: string,
): Promise<Map<string, { target: string; type: string; external: boolean }>> {
  const slash = part.lastIndexOf("/");
  const xml = await partText(zip, `${part.slice(0, slash)}/_rels/${part.slice(slash + 1)}.rels`);
  const out = new Map<string, { target: string; type: string; external: boolean }>();
  for (const [, attrs] of xml.matchAll(/<(?:\w+:)?Relationship\b([^>]*)>/g)) {
    const target = attr(attrs, "Target");
    const external = attr(attrs, "TargetMode") === "External";
    out.set(attr(attrs, "Id"), {
      target: external ? target : resolvePart(part, target),
      type: attr(attrs, "Type"),
      external,
    });
  }
  return out;
}

function resolvePart(from: string, target: string): string {
  if (target.startsWith("/")) return target.slice(1);
  const path = from.split("/").slice(0, -1);
  for (const step of target.split("/"))
    if (step === "..") path.pop();
    else if (step !== "." && step !== "") path.push(step);
  return path.join("/");
}

/** An attribute's decoded value; `prefixed` matches it under any namespace prefix (r:id). */
function attr(attrs: string, name: string, prefixed = false): string {
  const pattern = new RegExp(
    `\\s${prefixed ? "[\\w.-]+:" : ""}${name}\\s*=\\s*("([^"]*)"|'([^']*)')`,
  );
  const m = pattern.exec(attrs);
  return m ? decode(m[2] ?? m[3] ?? "") : "";
}

/** The text of every `<element>` (any prefix) inside some XML, joined. */
function textOf(xml: string, element: string): string {
  const pattern = new RegExp(
    `<(?:\\w+:)?${element}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:\\w+:)?${element}>`,
    "g",
  );
  return [...xml.matchAll(pattern)].map((m) => decode(m[1].replace(/<[^>]*>/g, ""))).join("");
}

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (_, e: string) => {
    if (e[0] === "#")
      return String.fromCodePoint(
        e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : Number(e.slice(1)),
      );
    return { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" }[e.toLowerCase()] ?? _;
  });
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
