/**
 * The hidden personal data check: before a response is sent or published, look inside Office
 * files for what the reader of the visible document cannot see but the recipient can recover —
 * hidden and very hidden sheets, hidden rows and columns, comments and notes, tracked changes,
 * hidden text, pivot caches (the source rows behind a pivot table) and document properties.
 *
 * XLSX and DOCX are ZIP files of XML parts; a small reader (central directory + inflate) is enough.
 */
import { inflateRawSync } from "node:zlib";

export interface HiddenDataFinding {
  kind:
    | "hidden-sheet"
    | "very-hidden-sheet"
    | "hidden-rows"
    | "hidden-columns"
    | "comments"
    | "pivot-cache"
    | "tracked-changes"
    | "hidden-text"
    | "author"
    | "unreadable";
  message: string;
}

export interface HiddenDataReport {
  checked: boolean;
  format: "xlsx" | "docx" | "other";
  findings: HiddenDataFinding[];
}

const MAX_ENTRY_BYTES = 100 * 1024 * 1024;

/** The entries of a ZIP file, by name; only the ones `want` asks for are inflated. */
export function readZip(data: Buffer, want: (name: string) => boolean): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  // End of central directory: signature 0x06054b50, searched from the end (comment up to 64 KB).
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 65535); i--) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("not a ZIP file");
  const entries = data.readUInt16LE(eocd + 10);
  let offset = data.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (offset + 46 > data.length || data.readUInt32LE(offset) !== 0x02014b50)
      throw new Error("damaged ZIP directory");
    const method = data.readUInt16LE(offset + 10);
    const compressed = data.readUInt32LE(offset + 20);
    const size = data.readUInt32LE(offset + 24);
    const nameLength = data.readUInt16LE(offset + 28);
    const extraLength = data.readUInt16LE(offset + 30);
    const commentLength = data.readUInt16LE(offset + 32);
    const local = data.readUInt32LE(offset + 42);
    const name = data.toString("utf8", offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (!want(name)) {
      out.set(name, Buffer.alloc(0));
      continue;
    }
    if (size > MAX_ENTRY_BYTES) throw new Error(`${name} is too large to check`);
    if (local + 30 > data.length || data.readUInt32LE(local) !== 0x04034b50)
      throw new Error("damaged ZIP entry");
    const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
    const raw = data.subarray(start, start + compressed);
    if (method === 0) out.set(name, Buffer.from(raw));
    else if (method === 8) out.set(name, inflateRawSync(raw, { maxOutputLength: MAX_ENTRY_BYTES }));
    else throw new Error(`unsupported ZIP compression method ${method}`);
  }
  return out;
}

function count(re: RegExp, text: string): number {
  return (text.match(re) ?? []).length;
}

function decodeXml(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function checkXlsx(parts: Map<string, Buffer>): HiddenDataFinding[] {
  const findings: HiddenDataFinding[] = [];
  const workbook = parts.get("xl/workbook.xml")?.toString("utf8") ?? "";
  for (const m of workbook.matchAll(/<sheet\b[^>]*>/g)) {
    const tag = m[0];
    const name = decodeXml(/\bname="([^"]*)"/.exec(tag)?.[1] ?? "?");
    const state = /\bstate="([^"]*)"/.exec(tag)?.[1];
    if (state === "hidden")
      findings.push({ kind: "hidden-sheet", message: `Sheet "${name}" is hidden` });
    if (state === "veryHidden")
      findings.push({
        kind: "very-hidden-sheet",
        message: `Sheet "${name}" is very hidden (it cannot be unhidden from Excel's menus, but anyone with the file can read it)`,
      });
  }
  const sheetNames = [...workbook.matchAll(/<sheet\b[^>]*>/g)].map((m) =>
    decodeXml(/\bname="([^"]*)"/.exec(m[0])?.[1] ?? "?"),
  );
  const sheetParts = [...parts.keys()]
    .filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n))
    .sort((a, b) => Number(/(\d+)\.xml$/.exec(a)?.[1]) - Number(/(\d+)\.xml$/.exec(b)?.[1]));
  sheetParts.forEach((part, index) => {
    const xml = parts.get(part)?.toString("utf8") ?? "";
    const label = sheetNames[index] ? `"${sheetNames[index]}"` : part;
    const rows = count(/<row\b[^>]*\bhidden="(1|true)"/g, xml);
    if (rows > 0)
      findings.push({
        kind: "hidden-rows",
        message: `Sheet ${label} has ${plural(rows, "hidden row")}`,
      });
    const cols = count(/<col\b[^>]*\bhidden="(1|true)"/g, xml);
    if (cols > 0)
      findings.push({
        kind: "hidden-columns",
        message: `Sheet ${label} has ${plural(cols, "hidden column range")}`,
      });
  });
  let comments = 0;
  for (const [name, body] of parts) {
    if (/^xl\/comments\d*\.xml$/.test(name))
      comments += count(/<comment\b/g, body.toString("utf8"));
    if (/^xl\/threadedComments\/.+\.xml$/.test(name))
      comments += count(/<threadedComment\b/g, body.toString("utf8"));
  }
  if (comments > 0)
    findings.push({
      kind: "comments",
      message: `The workbook has ${plural(comments, "comment")} or notes`,
    });
  const caches = [...parts.keys()].filter((n) =>
    /^xl\/pivotCache\/pivotCacheRecords\d*\.xml$/.test(n),
  );
  const definitions = [...parts.keys()].filter((n) =>
    /^xl\/pivotCache\/pivotCacheDefinition\d*\.xml$/.test(n),
  );
  if (caches.length > 0 || definitions.length > 0)
    findings.push({
      kind: "pivot-cache",
      message: `The workbook has ${plural(Math.max(caches.length, definitions.length), "pivot cache")}: the rows behind a pivot table travel with the file even if the source sheet is deleted`,
    });
  return findings;
}

function checkDocx(parts: Map<string, Buffer>): HiddenDataFinding[] {
  const findings: HiddenDataFinding[] = [];
  let insertions = 0;
  let deletions = 0;
  let hidden = 0;
  for (const [name, body] of parts) {
    if (!/^word\/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$/.test(name)) continue;
    const xml = body.toString("utf8");
    insertions += count(/<w:ins\b/g, xml);
    deletions += count(/<w:del\b/g, xml);
    hidden += count(/<w:vanish\s*\/>/g, xml);
  }
  if (insertions + deletions > 0)
    findings.push({
      kind: "tracked-changes",
      message: `The document has tracked changes (${plural(insertions, "insertion")}, ${plural(deletions, "deletion")}); deleted text can be read`,
    });
  if (hidden > 0)
    findings.push({
      kind: "hidden-text",
      message: `The document has ${plural(hidden, "run")} of hidden text`,
    });
  const comments = parts.get("word/comments.xml")?.toString("utf8");
  const n = comments ? count(/<w:comment\b/g, comments) : 0;
  if (n > 0)
    findings.push({ kind: "comments", message: `The document has ${plural(n, "comment")}` });
  return findings;
}

function checkProperties(parts: Map<string, Buffer>): HiddenDataFinding[] {
  const core = parts.get("docProps/core.xml")?.toString("utf8") ?? "";
  const people = [
    ...core.matchAll(
      /<dc:creator>([^<]+)<\/dc:creator>|<cp:lastModifiedBy>([^<]+)<\/cp:lastModifiedBy>/g,
    ),
  ]
    .map((m) => decodeXml(m[1] ?? m[2] ?? "").trim())
    .filter((p) => p && !/^(unknown|author|user|administrator|microsoft office user)$/i.test(p));
  const unique = [...new Set(people)];
  return unique.length > 0
    ? [
        {
          kind: "author",
          message: `Document properties name ${unique.map((p) => `"${p}"`).join(", ")}`,
        },
      ]
    : [];
}

export function formatOf(filename: string, data: Buffer): HiddenDataReport["format"] {
  const lower = filename.toLowerCase();
  const zip = data.length > 4 && data.readUInt32LE(0) === 0x04034b50;
  if (zip && /\.(xlsx|xlsm)$/.test(lower)) return "xlsx";
  if (zip && /\.(docx|docm)$/.test(lower)) return "docx";
  return "other";
}

/** Checks one file; never throws (a file that cannot be read is itself a finding). */
export function checkHiddenData(filename: string, data: Buffer): HiddenDataReport {
  const format = formatOf(filename, data);
  if (format === "other") return { checked: false, format, findings: [] };
  try {
    const interesting = (name: string) =>
      name === "xl/workbook.xml" ||
      /^xl\/worksheets\/sheet\d+\.xml$/.test(name) ||
      /^xl\/comments\d*\.xml$/.test(name) ||
      /^xl\/threadedComments\//.test(name) ||
      /^word\/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$/.test(name) ||
      name === "docProps/core.xml";
    const parts = readZip(data, interesting);
    const findings = [
      ...(format === "xlsx" ? checkXlsx(parts) : checkDocx(parts)),
      ...checkProperties(parts),
    ];
    return { checked: true, format, findings };
  } catch (err) {
    return {
      checked: true,
      format,
      findings: [
        {
          kind: "unreadable",
          message: `The file could not be checked (${err instanceof Error ? err.message : "unknown error"}); open it and check it by hand`,
        },
      ],
    };
  }
}
