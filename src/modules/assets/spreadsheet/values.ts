import type { FieldDef } from "../fields.ts";
import { isRealDate } from "../fields.ts";
import type { Term } from "../vocabularies.ts";
import { normalise } from "./headings.ts";

/**
 * Reading the values councils write in their registers: Yes/No in a dozen forms, dates as serial numbers,
 * real dates or text, protective markings old and new, and free-text versions of the register's lists.
 * Each reader returns the value and, when it had to interpret the cell, a note of how it read it.
 */
export interface Reading<T> {
  value?: T;
  /** Said when the cell was read as something other than its exact words. */
  note?: string;
}

const YES = new Set(["yes", "y", "true", "1", "x", "✓", "✔", "☑", "✅", "ticked", "tick", "held"]);
const NO = new Set([
  "no",
  "n",
  "false",
  "0",
  "✗",
  "✘",
  "×",
  "☐",
  "none",
  "nil",
  "-",
  "–",
  "n/a",
  "na",
  "not applicable",
  "not held",
]);

/** Yes, Y, TRUE, x, ✓, "Yes - special category" → true; No, N, FALSE, n/a, "No (anonymised)" → false. */
export function readYesNo(cell: string): Reading<boolean> {
  const t = cell.trim().toLowerCase().replace(/\.$/, "");
  if (YES.has(t)) return { value: true };
  if (NO.has(t)) return { value: false };
  if (/^(yes|y)\b/.test(t)) return { value: true, note: `“${cell}” read as Yes` };
  if (/^(no|n)\b(?!\/a)/.test(t)) return { value: false, note: `“${cell}” read as No` };
  return {};
}

// Dates --------------------------------------------------------------------------------------------

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

function iso(y: number, m: number, d: number): string | undefined {
  const v = `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  return isRealDate(v) ? v : undefined;
}

function fullYear(y: string): number {
  const n = Number(y);
  return y.length === 2 ? 2000 + n : n;
}

function month(word: string): number | undefined {
  const i = MONTHS.indexOf(word.slice(0, 3).toLowerCase());
  return i >= 0 ? i + 1 : undefined;
}

/** An Excel serial day number (1900 date system) as an ISO date. */
export function excelSerialDate(serial: number): string | undefined {
  if (!Number.isFinite(serial) || serial < 1 || serial >= 2_958_466) return undefined;
  const ms = Math.round((serial - 25_569) * 86_400_000);
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * 2026-03-31, 31/03/2026, 31.3.26, 31 March 2026, 31st Mar 2026, March 2026, Mar-26, 2026, an Excel
 * serial number such as 46112, or a date already read from the workbook. A month alone means its first day,
 * a year alone its first of January, and the note says so.
 */
export function readDate(cell: string): Reading<string> {
  const v = cell.trim().replace(/\s+/g, " ");
  if (isRealDate(v)) return { value: v };
  const isoTime = /^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}/.exec(v);
  if (isoTime && isRealDate(isoTime[1])) return { value: isoTime[1] };
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$/.exec(v);
  if (m) {
    const value = iso(fullYear(m[3]), Number(m[2]), Number(m[1]));
    return value ? { value } : {};
  }
  m = /^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$/.exec(v);
  if (m) {
    const value = iso(Number(m[1]), Number(m[2]), Number(m[3]));
    return value ? { value } : {};
  }
  m = /^(\d{1,2})(?:st|nd|rd|th)?[ -]([a-z]+)\.?,?[ -](\d{4}|\d{2})$/i.exec(v);
  if (m && month(m[2])) {
    const value = iso(fullYear(m[3]), month(m[2]) as number, Number(m[1]));
    return value ? { value } : {};
  }
  m = /^([a-z]+)\.?[ -]'?(\d{4}|\d{2})$/i.exec(v);
  if (m && month(m[1]) && m[1].length >= 3) {
    const value = iso(fullYear(m[2]), month(m[1]) as number, 1);
    return value ? { value, note: `“${cell}” read as ${value}, the first of the month` } : {};
  }
  m = /^(\d{1,2})[/.-](\d{4})$/.exec(v);
  if (m) {
    const value = iso(Number(m[2]), Number(m[1]), 1);
    return value ? { value, note: `“${cell}” read as ${value}, the first of the month` } : {};
  }
  if (/^(19|20)\d{2}$/.test(v)) {
    const value = `${v}-01-01`;
    return { value, note: `“${cell}” read as ${value}, the first of the year` };
  }
  if (/^\d{5}(\.\d+)?$/.test(v)) {
    const value = excelSerialDate(Number(v));
    if (value && value >= "1950-01-01" && value <= "2100-12-31")
      return { value, note: `Excel date number ${v} read as ${value}` };
  }
  return {};
}

// Vocabularies -------------------------------------------------------------------------------------

/** What councils write for each term, beyond its own value and label (compared letters and digits only). */
const SYNONYMS: Record<string, Record<string, string[]>> = {
  marking: {
    official: [
      "official",
      "public",
      "internal",
      "internal use",
      "internal use only",
      "unclassified",
      "not protectively marked",
      "npm",
      "unmarked",
      "none",
      "protect",
      "general",
      "open",
    ],
    "official-sensitive": [
      "official sensitive",
      "os",
      "o s",
      "official-sensitive personal",
      "official sensitive personal",
      "official sensitive commercial",
      "official sensitive locsen",
      "confidential",
      "highly confidential",
      "sensitive",
      "restricted",
      "restricted sensitive",
    ],
    secret: ["secret"],
    "top-secret": ["top secret"],
  },
  assetType: {
    system: ["system", "application", "software", "it system", "database system", "app"],
    dataset: ["dataset", "database", "data set", "spreadsheet", "data", "register", "list"],
    "paper-files": ["paper", "paper files", "paper records", "files", "hard copy", "physical"],
    "shared-drive": [
      "shared drive",
      "network drive",
      "sharepoint",
      "document library",
      "teams",
      "folder",
      "shared folder",
      "network folder",
    ],
    other: ["other", "mixed"],
  },
  format: {
    electronic: ["electronic", "digital", "e", "online", "computer", "electronic only"],
    paper: ["paper", "p", "hard copy", "manual", "physical", "paper only"],
    hybrid: [
      "hybrid",
      "both",
      "mixed",
      "paper and electronic",
      "electronic and paper",
      "paper electronic",
      "electronic paper",
      "e and p",
      "p and e",
    ],
  },
  hosting: {
    "on-premises": [
      "on premises",
      "on premise",
      "on prem",
      "on site",
      "onsite",
      "in house",
      "internal",
      "local server",
      "council servers",
      "council premises",
      "on premises server",
    ],
    "data-centre": ["data centre", "data center", "council data centre", "datacentre"],
    cloud: ["cloud", "saas", "cloud hosted", "microsoft 365", "office 365", "azure", "aws", "m365"],
    "third-party": [
      "third party",
      "3rd party",
      "supplier",
      "supplier hosted",
      "externally hosted",
      "external",
      "hosted",
      "vendor hosted",
    ],
  },
  businessCriticality: {
    critical: ["critical", "yes", "y", "business critical", "essential", "vital", "very high"],
    high: ["high", "h"],
    medium: ["medium", "med", "m", "moderate"],
    low: ["low", "l", "no", "n", "not critical", "non critical"],
  },
  riskRating: {
    "very-high": ["very high", "vh", "critical", "severe", "extreme"],
    high: ["high", "h", "red", "r"],
    medium: ["medium", "med", "m", "amber", "a", "moderate"],
    low: ["low", "l", "green", "g", "minimal"],
  },
};

/** Words that mark a kind of personal data or of data subject in free text (each letters only). */
const KEYWORDS: Record<string, Record<string, string[]>> = {
  personalDataCategories: {
    identity: ["name", "names", "identity", "title", "gender", "sex", "signature"],
    contact: ["address", "addresses", "contact", "email", "telephone", "phone", "postcode"],
    "date-of-birth": ["dateofbirth", "dob", "age", "birth"],
    identifiers: ["ninumber", "nino", "nationalinsurance", "nhsnumber", "upn", "reference"],
    financial: ["financial", "bank", "income", "payment", "finance", "salary", "debt"],
    benefits: ["benefit", "benefits"],
    employment: ["employment", "hr", "payroll", "sickness", "personnel"],
    education: ["education", "attendance", "attainment", "school", "exclusion"],
    family: ["family", "lifestyle", "social", "household", "relationships"],
    housing: ["housing", "tenancy", "homeless"],
    property: ["property", "land", "ownership"],
    location: ["location", "movements", "gps", "vehicle"],
    images: ["photo", "photographs", "photograph", "cctv", "video", "image", "images"],
    online: ["ipaddress", "online", "device", "cookies"],
    correspondence: ["correspondence", "casenotes", "notes", "letters", "emails"],
    "racial-ethnic-origin": ["ethnicity", "ethnic", "race", "racial"],
    "political-opinions": ["political"],
    "religious-beliefs": ["religion", "religious", "belief", "beliefs"],
    "trade-union": ["tradeunion", "union"],
    genetic: ["genetic"],
    biometric: ["biometric", "fingerprint", "fingerprints"],
    health: ["health", "medical", "disability", "mentalhealth", "disabilities", "care"],
    "sex-life-orientation": ["sexuality", "sexualorientation", "sexlife", "orientation"],
    "criminal-offences": ["criminal", "convictions", "offences", "offence", "dbs", "crime"],
  },
  dataSubjectCategories: {
    residents: ["residents", "public", "citizens", "members of the public"],
    "service-users": ["customers", "service users", "clients"],
    "council-tax-payers": ["council tax", "taxpayers", "ratepayers", "business rates"],
    "benefit-claimants": ["claimants", "benefit claimants"],
    children: ["children", "child"],
    pupils: ["pupils", "students"],
    "parents-carers": ["parents", "carers", "guardians"],
    employees: ["employees", "staff", "officers", "workers"],
    "job-applicants": ["applicants for jobs", "job applicants", "candidates"],
    tenants: ["tenants", "leaseholders"],
    councillors: ["councillors", "elected members"],
    suppliers: ["suppliers", "contractors"],
    electors: ["electors", "voters"],
    complainants: ["complainants", "enquirers"],
    offenders: ["offenders"],
    volunteers: ["volunteers"],
    visitors: ["visitors"],
  },
};

function termIndex(f: FieldDef): Map<string, string> {
  const index = new Map<string, string>();
  const add = (word: string, value: string) => {
    const n = normalise(word);
    if (n && !index.has(n)) index.set(n, value);
  };
  for (const o of f.options ?? []) {
    add(o.value, o.value);
    add(o.label, o.value);
    add(o.label.replace(/^\([a-z]\)\s*/, ""), o.value);
  }
  for (const [value, words] of Object.entries(SYNONYMS[f.name] ?? {}))
    for (const w of words) add(w, value);
  return index;
}

const indexes = new Map<string, Map<string, string>>();
function indexFor(f: FieldDef): Map<string, string> {
  let i = indexes.get(f.name);
  if (!i) {
    i = termIndex(f);
    indexes.set(f.name, i);
  }
  return i;
}

function label(f: FieldDef, value: string): string {
  return f.options?.find((o: Term) => o.value === value)?.label ?? value;
}

/** Art. 6(1)(e), "6(1)(c) legal obligation", "(e)", "e": the letter of the article's list. */
function articleLetter(f: FieldDef, text: string): string | undefined {
  const article = f.name === "lawfulBases" ? "6" : f.name === "specialConditions" ? "9" : "";
  if (!article) return undefined;
  const m =
    new RegExp(`\\b${article}\\s*\\(\\s*[12]\\s*\\)\\s*\\(\\s*([a-j])\\s*\\)`, "i").exec(text) ??
    /^\(?([a-j])\)(\s|$)/i.exec(text.trim()) ??
    /^([a-j])$/i.exec(text.trim());
  if (!m) return undefined;
  return f.options?.find((o) => o.label.toLowerCase().startsWith(`(${m[1].toLowerCase()})`))?.value;
}

/** One term of a list: its value or label, what councils write for it, or its article letter. */
export function readTerm(f: FieldDef, cell: string): Reading<string> {
  const n = normalise(cell);
  if (!n) return {};
  const exact = f.options?.find((o) => normalise(o.value) === n || normalise(o.label) === n);
  if (exact) return { value: exact.value };
  const known = indexFor(f).get(n);
  if (known) return { value: known, note: `“${cell}” read as ${label(f, known)}` };
  if (f.name === "businessCriticality") {
    // The column "Business critical? (Y/N)".
    const yn = readYesNo(cell);
    if (yn.value !== undefined) {
      const value = yn.value ? "critical" : "low";
      return { value, note: `“${cell}” read as ${label(f, value)}` };
    }
  }
  const letter = articleLetter(f, cell);
  if (letter) return { value: letter, note: `“${cell}” read as ${label(f, letter)}` };
  // "OFFICIAL-SENSITIVE: PERSONAL", "Legal obligation - Local Government Finance Act 1992": the words it starts with.
  const starts = [...indexFor(f)]
    .filter(([word]) => word.length >= 4 && n.startsWith(word))
    .sort((a, b) => b[0].length - a[0].length)[0];
  if (starts) return { value: starts[1], note: `“${cell}” read as ${label(f, starts[1])}` };
  if (f.name === "approximateVolume") return readVolume(cell);
  return {};
}

/** "5,000", "approx 200k", "c. 1.2 million", "250000 records": the band of the register's volumes. */
export function readVolume(cell: string): Reading<string> {
  const m = /(\d[\d,]*(?:\.\d+)?)\s*(k|thousand|m|million|mil)?\b/i.exec(cell.replace(/£/g, ""));
  if (!m) return {};
  let n = Number(m[1].replace(/,/g, ""));
  const unit = (m[2] ?? "").toLowerCase();
  if (unit === "k" || unit === "thousand") n *= 1_000;
  if (unit.startsWith("m")) n *= 1_000_000;
  if (!Number.isFinite(n)) return {};
  const value =
    n < 1_000
      ? "under-1k"
      : n <= 10_000
        ? "1k-10k"
        : n <= 100_000
          ? "10k-100k"
          : n <= 1_000_000
            ? "100k-1m"
            : "over-1m";
  return { value, note: `“${cell}” read as the band ${value.replace("-", " to ")}` };
}

/**
 * A list cell: terms separated by semicolons, new lines or commas, each read as {@link readTerm}; for the
 * kinds of personal data and of data subject, free text ("Name, address, DOB and bank details") is also read
 * for the words that mark a kind. Returns the values and the parts it could not read.
 */
export function readTerms(
  f: FieldDef,
  cell: string,
): { values: string[]; notes: string[]; unknown: string[] } {
  const values: string[] = [];
  const notes: string[] = [];
  const unknown: string[] = [];
  const whole = readTerm(f, cell);
  const parts =
    whole.value && !whole.note
      ? [cell]
      : cell
          .split(/[;\n\r•]+/)
          .flatMap((p) => (p.includes(",") && !readTerm(f, p).value ? p.split(",") : [p]))
          .flatMap((p) => (/ and /i.test(p) && !readTerm(f, p).value ? p.split(/ and /i) : [p]))
          .map((p) => p.trim())
          .filter(Boolean);
  const keywords = KEYWORDS[f.name];
  for (const part of parts) {
    const r = readTerm(f, part);
    if (r.value) {
      values.push(r.value);
      if (r.note) notes.push(r.note);
      continue;
    }
    if (keywords) {
      const words = part
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter(Boolean);
      const joined = words.join("");
      const found = Object.entries(keywords)
        .filter(([, ks]) =>
          ks.some((k) => {
            const nk = normalise(k);
            return words.includes(nk) || (nk.length >= 6 && joined.includes(nk));
          }),
        )
        .map(([v]) => v);
      if (found.length) {
        values.push(...found);
        notes.push(`“${part}” read as ${found.map((v) => label(f, v)).join("; ")}`);
        continue;
      }
    }
    unknown.push(part);
  }
  return { values: [...new Set(values)], notes, unknown };
}
