/** UK standardisation helpers in plain TypeScript. SQL equivalents live in standardise-sql.ts. */
import { NICKNAMES } from "./nicknames.ts";

const TITLES = new Set([
  "mr",
  "mrs",
  "ms",
  "miss",
  "mx",
  "dr",
  "prof",
  "rev",
  "sir",
  "dame",
  "lord",
  "lady",
]);

/** Lower case, accents and punctuation removed, titles dropped, spaces collapsed. */
export function normaliseName(value: string | null | undefined): string | null {
  if (!value) return null;
  const cleaned = value
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’]/g, "")
    .replace(/[^a-z]+/g, " ")
    .trim();
  const tokens = cleaned.split(" ").filter((t) => t.length > 0);
  while (tokens.length > 1 && TITLES.has(tokens[0])) tokens.shift();
  const result = tokens.join(" ");
  return result.length > 0 ? result : null;
}

/** The canonical forename for a nickname ("bob" → "robert"); other names are returned normalised. */
export function canonicalForename(value: string | null | undefined): string | null {
  const name = normaliseName(value);
  if (!name) return null;
  const first = name.split(" ")[0];
  return NICKNAMES.get(first) ?? first;
}

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

/**
 * Parse a date in the formats UK data arrives in: dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy, d MMM yyyy,
 * d MMMM yyyy, "1st March 1980", ISO yyyy-mm-dd and yyyymmdd. Two-digit years pivot at `pivot`
 * (yy ≤ pivot → 20yy). Returns ISO yyyy-mm-dd, or null when not a valid date.
 */
export function parseUkDate(value: string | null | undefined, pivot = 25): string | null {
  if (!value) return null;
  const text = value.trim().toLowerCase();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ].*)?$/.exec(text);
  if (m) return isoDate(+m[1], +m[2], +m[3]);
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (m) return isoDate(+m[1], +m[2], +m[3]);
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(text);
  if (m) return isoDate(fullYear(m[3], pivot), +m[2], +m[1]);
  m = /^(\d{1,2})(?:st|nd|rd|th)?[\s-]+([a-z]+)\.?,?[\s-]+(\d{2}|\d{4})$/.exec(text);
  if (m) {
    const month = MONTHS[m[2].slice(0, m[2] === "sept" ? 4 : 3)];
    if (month) return isoDate(fullYear(m[3], pivot), month, +m[1]);
  }
  return null;
}

function fullYear(text: string, pivot: number): number {
  if (text.length === 4) return +text;
  const yy = +text;
  return yy <= pivot ? 2000 + yy : 1900 + yy;
}

function isoDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  )
    return null;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

const POSTCODE = /^(GIR 0AA|[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2})$/;

/** Upper case, one space before the inward code: "sw1a1aa" → "SW1A 1AA". */
export function normalisePostcode(value: string | null | undefined): string | null {
  if (!value) return null;
  const compact = value.toUpperCase().replace(/[^A-Z0-9]/g, "");
  if (compact.length === 0) return null;
  if (compact.length < 5 || compact.length > 7) return compact;
  return `${compact.slice(0, -3)} ${compact.slice(-3)}`;
}

export function isValidPostcode(value: string | null | undefined): boolean {
  const normalised = normalisePostcode(value);
  return normalised !== null && POSTCODE.test(normalised);
}

export interface PostcodeParts {
  area: string;
  district: string;
  sector: string;
  unit: string;
}

/** Area "SW", district "SW1A", sector "SW1A 1", unit "SW1A 1AA". */
export function postcodeParts(value: string | null | undefined): PostcodeParts | null {
  const unit = normalisePostcode(value);
  if (!unit || !POSTCODE.test(unit)) return null;
  const [district, inward] = unit.split(" ");
  return {
    area: district.replace(/\d.*$/, ""),
    district,
    sector: `${district} ${inward[0]}`,
    unit,
  };
}

const ADDRESS_ABBREVIATIONS: Record<string, string> = {
  rd: "road",
  st: "street",
  str: "street",
  ave: "avenue",
  av: "avenue",
  ln: "lane",
  cl: "close",
  cres: "crescent",
  cresc: "crescent",
  dr: "drive",
  gdns: "gardens",
  gr: "grove",
  pl: "place",
  sq: "square",
  ct: "court",
  terr: "terrace",
  ter: "terrace",
  wy: "way",
  pk: "park",
  hse: "house",
  apt: "flat",
  apartment: "flat",
  fl: "flat",
  no: "",
  nr: "",
  n: "north",
  s: "south",
  e: "east",
  w: "west",
};

/** Lower case, punctuation removed, common abbreviations expanded. */
export function normaliseAddress(value: string | null | undefined): string | null {
  if (!value) return null;
  const tokens = value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .filter((t) => t.length > 0)
    .map((t) => ADDRESS_ABBREVIATIONS[t] ?? t)
    .filter((t) => t.length > 0);
  return tokens.length > 0 ? tokens.join(" ") : null;
}

export function addressTokens(value: string | null | undefined): string[] {
  return normaliseAddress(value)?.split(" ") ?? [];
}

export interface AddressNumbers {
  flat: string | null;
  house: string | null;
}

/** Flat and house numbers: "Flat 3, 12a High St" → { flat: "3", house: "12a" }. */
export function addressNumbers(value: string | null | undefined): AddressNumbers {
  const text = normaliseAddress(value) ?? "";
  const flat = /\bflat (\w+)/.exec(text)?.[1] ?? null;
  const rest = flat ? text.replace(/\bflat \w+/, " ") : text;
  const house = /\b(\d+[a-z]?)\b/.exec(rest)?.[1] ?? null;
  return { flat, house };
}

/** UK phone numbers to national digits: "+44 (0)7700 900123" → "07700900123"; null if not 10–11 digits. */
export function normalisePhone(value: string | null | undefined): string | null {
  if (!value) return null;
  let digits = value.replace(/\(0\)/g, "").replace(/\D/g, "");
  if (digits.startsWith("0044")) digits = digits.slice(4);
  else if (digits.startsWith("44") && digits.length >= 11) digits = digits.slice(2);
  if (!digits.startsWith("0")) digits = `0${digits}`;
  return digits.length === 10 || digits.length === 11 ? digits : null;
}

const NI_NUMBER = /^(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/;

/** "ab 12 34 56 c" → "AB123456C"; null when not a valid National Insurance number. */
export function normaliseNiNumber(value: string | null | undefined): string | null {
  if (!value) return null;
  const compact = value.toUpperCase().replace(/[^A-Z0-9]/g, "");
  return NI_NUMBER.test(compact) ? compact : null;
}

export function normaliseEmail(value: string | null | undefined): string | null {
  if (!value) return null;
  const email = value.trim().toLowerCase();
  return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) ? email : null;
}
