import { ASSET_FIELDS } from "../asset-fields.ts";

/**
 * Matching a sheet's headings to the register's fields. Councils word their headings in many ways
 * ("Information Asset Owner (IAO)", "Contains personal data? (Y/N)", "GSC marking¹"): a heading is compared
 * letters and digits only, with and without its brackets, footnote marks and "(Y/N)", line by line.
 */

/** Where a column can go: a field of the register, or something only an import understands. */
export interface ImportTarget {
  name: string;
  label: string;
  headings: string[];
}

/**
 * "Special category data (Y/N)" is a column of many registers but not a field of Steward's: whether an asset
 * holds special category data follows from its categories of personal data. The import reads it, says yes
 * to personal data, adds any kinds it names, and warns when it says yes without naming any.
 */
export const SPECIAL_CATEGORY_COLUMN: ImportTarget = {
  name: "specialCategoryData",
  label: "Holds special category data (Yes or No, or which kinds)",
  headings: [
    "special category data",
    "special category",
    "special category personal data",
    "contains special category data",
    "sensitive personal data",
    "sensitive special category data",
    "special category or criminal offence data",
  ],
};

export const IMPORT_TARGETS: readonly ImportTarget[] = [
  ...ASSET_FIELDS.map((f) => ({ name: f.name, label: f.label, headings: f.headings ?? [] })),
  SPECIAL_CATEGORY_COLUMN,
];

export const TARGET_NAMES = new Set(IMPORT_TARGETS.map((t) => t.name));

/** Joins a heading over two rows: "Personal data › Held? (Y/N)". The part below is the heading proper. */
export const HEADING_JOIN = " › ";

/** Letters and digits only, lower case: "Contains personal data (Y/N)" → "containspersonaldatayn". */
export function normalise(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, "");
}

const FOOTNOTE = /(\s*(\[\d{1,2}\]|\(\d{1,2}\)|[*†‡§#]+|[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\(note \d+\)))+$/i;
const YES_NO = /\(?\b(y\s*\/\s*n|yes\s*\/\s*no|y or n|yes or no)\b\)?/gi;

/** The forms of a heading worth comparing, best first, each normalised. */
export function headingVariants(heading: string): { text: string; weight: number }[] {
  const lines = heading.split(/\r?\n/).map((l) => l.replace(FOOTNOTE, "").trim());
  const whole = lines.join(" ").replace(/\s+/g, " ").replace(FOOTNOTE, "");
  const bare = whole
    .replace(YES_NO, " ")
    .replace(/\?/g, " ")
    .replace(/\s*\[[^\]]*\]/g, " ");
  const noBrackets = bare.replace(/\([^)]*\)/g, " ");
  const out: { text: string; weight: number }[] = [];
  const add = (s: string, weight: number) => {
    const text = normalise(s);
    if (text && !out.some((o) => o.text === text)) out.push({ text, weight });
  };
  const below = heading.includes(HEADING_JOIN) ? heading.split(HEADING_JOIN).at(-1) : undefined;
  if (below) {
    const b = below.replace(FOOTNOTE, "").replace(YES_NO, " ").replace(/\?/g, " ");
    add(b, 100);
    add(b.replace(/\([^)]*\)/g, " "), 95);
  }
  add(whole, 100);
  add(bare, 100);
  add(noBrackets, 95);
  // A two-row heading is joined "Group: Heading"; a heading may have lines or parts ("Location / System").
  for (const part of [
    ...lines,
    ...noBrackets.split(/\s*[:|›]\s*|\s+[-–—/]\s+|\s*\/\s*/),
    ...bare.split(/\s*:\s*/),
  ])
    add(part.replace(YES_NO, " ").replace(/\([^)]*\)/g, " "), 80);
  return out;
}

const candidatesCache = new Map<string, string[]>();
function candidates(t: ImportTarget): string[] {
  let c = candidatesCache.get(t.name);
  if (!c) {
    c = [...new Set([t.label, t.name, ...t.headings].map(normalise))].filter(Boolean);
    candidatesCache.set(t.name, c);
  }
  return c;
}

/**
 * How well a heading means a target: 100 for the exact wording, 80 for the exact wording of one of its
 * parts, 40 + the wording's length when it contains a known wording of five letters or more, else 0.
 */
export function headingScore(heading: string, target: ImportTarget): number {
  let best = 0;
  for (const v of headingVariants(heading))
    for (const c of candidates(target)) {
      if (v.text === c) best = Math.max(best, v.weight);
      else if (c.length >= 5 && v.text.includes(c) && v.text.length <= 60)
        best = Math.max(best, Math.min(79, 40 + c.length) * (v.weight / 100));
    }
  return best;
}

/** Each heading's best target, each target used once, strongest matches first. */
export function matchHeadings(headings: string[]): { mapping: string[]; score: number } {
  const pairs: { h: number; t: string; s: number }[] = [];
  headings.forEach((heading, h) => {
    if (!heading.trim() || heading.length > 120) return;
    for (const t of IMPORT_TARGETS) {
      const s = headingScore(heading, t);
      if (s >= 40) pairs.push({ h, t: t.name, s });
    }
  });
  pairs.sort((a, b) => b.s - a.s || a.h - b.h);
  const mapping = headings.map(() => "");
  const used = new Set<string>();
  let score = 0;
  for (const p of pairs) {
    if (mapping[p.h] || used.has(p.t)) continue;
    mapping[p.h] = p.t;
    used.add(p.t);
    score += p.s;
  }
  return { mapping, score };
}

/** For each heading of the sheet, the field it most likely means ("" for none); each field used once. */
export function proposeMapping(headings: string[]): Record<string, string> {
  const { mapping } = matchHeadings(headings);
  const out: Record<string, string> = {};
  headings.forEach((h, i) => {
    if (!out[h]) out[h] = mapping[i];
  });
  return out;
}
