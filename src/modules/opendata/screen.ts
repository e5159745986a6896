import { literal } from "./table-schema.ts";

/**
 * The personal-data screen. Each rule is a predicate over one column's trimmed text (DuckDB SQL, run in
 * the same scan as validation) and a JavaScript twin for text files (JSON, GeoJSON). Rules err towards
 * flagging: a finding is not a verdict but a question a named person must answer before publication.
 * Judgement calls (which mailboxes are corporate, what looks like a company) are listed here to change.
 */
export interface ScreenRule {
  id: string;
  label: string;
  /** Why it matters, shown with the finding. */
  advice: string;
  /** The column's name makes a match more likely (or required). */
  columnHint?: RegExp;
  requiresHint?: boolean;
  /**
   * A regular expression (RE2) every matching value also matches: all rules' prefilters run as one
   * alternation in one pass over a column, and only the few candidates meet the full rules.
   */
  pre?: string;
  /** SQL predicate over `v` (the trimmed value) true when the value looks like this kind of personal data. */
  sql(v: string): string;
  test(value: string): boolean;
}

/** Shared mailboxes and role addresses: not an individual's personal data. */
export const ROLE_MAILBOXES = [
  "info",
  "enquiries",
  "enquiry",
  "foi",
  "contact",
  "contactus",
  "admin",
  "customerservices",
  "customer.services",
  "hello",
  "office",
  "reception",
  "dpo",
  "dataprotection",
  "data.protection",
  "transparency",
  "opendata",
  "finance",
  "payments",
  "accounts",
  "procurement",
  "planning",
  "housing",
  "council",
  "press",
  "media",
  "complaints",
  "feedback",
  "help",
  "support",
  "noreply",
  "no-reply",
  "sales",
  "team",
  "hr",
  "jobs",
  "recruitment",
];

const EMAIL = String.raw`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`;
const ROLE_EMAIL = `^(${ROLE_MAILBOXES.map((m) => m.replace(".", "\\.")).join("|")})@`;
const MOBILE = String.raw`(^|[^\d])(\+44\s?7\d{3}|\(?07\d{3}\)?)\s?\d{3}\s?\d{3}([^\d]|$)`;
const LANDLINE = String.raw`(^|[^\d])(\+44\s?[12]\d{2,4}|\(?0[12]\d{2,4}\)?)[\s-]\d{3,4}[\s-]?\d{3,4}([^\d]|$)`;
const NI = String.raw`(^|[^A-Z0-9])(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]([^A-Z0-9]|$)`;
// RE2 (DuckDB) has no look-ahead: the excluded prefixes are checked separately.
const NI_RE2 = String.raw`(^|[^A-Z0-9])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]([^A-Z0-9]|$)`;
const NI_BAD = String.raw`(^|[^A-Z0-9])(BG|GB|NK|KN|TN|NT|ZZ)\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]([^A-Z0-9]|$)`;
const POSTCODE = String.raw`(^|[^A-Za-z0-9])[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}([^A-Za-z0-9]|$)`;
const SORT_CODE = String.raw`(^|[^\d])\d{2}-\d{2}-\d{2}([^\d]|$)`;
const IBAN = String.raw`GB\d{2}\s?[A-Z]{4}(\s?\d{4}){3}\s?\d{2}`;
const ACCOUNT = String.raw`^\d{8}$`;

/** Words that mark an organisation rather than a person. */
export const ORGANISATION_WORDS = [
  "ltd",
  "limited",
  "plc",
  "llp",
  "llc",
  "inc",
  "cic",
  "co",
  "company",
  "council",
  "trust",
  "services",
  "service",
  "group",
  "association",
  "school",
  "academy",
  "college",
  "university",
  "church",
  "society",
  "partnership",
  "partners",
  "centre",
  "center",
  "club",
  "charity",
  "foundation",
  "hospital",
  "nhs",
  "uk",
  "international",
  "solutions",
  "consulting",
  "consultants",
  "contractors",
  "supplies",
  "systems",
  "builders",
  "motors",
  "garage",
  "agency",
  "bank",
  "water",
  "energy",
  "power",
  "homes",
  "housing",
  "care",
  "print",
  "design",
  "media",
  "fund",
  "board",
  "authority",
  "department",
  "police",
  "fire",
  "office",
  "estates",
  "properties",
  "logistics",
  "engineering",
  "electrical",
  "plumbing",
  "catering",
  "cleaning",
  "security",
  "network",
  "trading",
  "stores",
  "industries",
  "technologies",
  "software",
  "the",
  "and",
  "&",
  "of",
  "for",
];

/** Common UK first names (a judgement: extend for your area). A two- or three-word value whose first word is one of these, with no organisation word, reads as a person. */
export const FIRST_NAMES = (
  "james john robert michael william david richard joseph thomas charles christopher daniel matthew anthony mark " +
  "paul steven andrew kenneth joshua kevin brian george timothy ronald edward jason jeffrey ryan jacob gary " +
  "nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory alexander frank patrick " +
  "raymond jack dennis jerry tyler aaron jose adam nathan henry douglas zachary peter kyle noah ethan jeremy " +
  "walter christian keith roger terry austin sean gerald carl harold dylan arthur lawrence jordan jesse bryan " +
  "billy bruce gabriel joe logan alan juan albert willie elijah wayne randy vincent mason roy ralph bobby " +
  "russell bradley philip eugene oliver harry jake connor callum liam kieran declan owen rhys gareth dafydd " +
  "ian colin graham neil stuart craig barry derek trevor nigel malcolm alistair hamish angus euan fraser " +
  "mohammed muhammad ali ahmed hassan omar yusuf imran tariq raj sanjay amit ravi vikram arjun " +
  "mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty margaret sandra " +
  "ashley kimberly emily donna michelle carol amanda dorothy melissa deborah stephanie rebecca sharon laura " +
  "cynthia kathleen amy angela shirley anna brenda pamela emma nicole helen samantha katherine christine " +
  "debra rachel carolyn janet catherine maria heather diane ruth julie olivia joyce virginia victoria kelly " +
  "lauren christina joan evelyn judith megan andrea cheryl hannah jacqueline martha gloria teresa ann sara " +
  "madison frances kathryn janice jean abigail alice judy sophia grace denise amber doris marilyn danielle " +
  "beverly isabella theresa diana natalie brittany charlotte marie kayla alexis lori jane claire louise " +
  "joanne gemma kerry leanne zoe chloe ellie amelia jade lucy sophie holly bethan cerys siobhan aoife niamh " +
  "fiona morag ailsa eilidh aisha fatima priya anjali sunita deepa ayesha zara yasmin nadia " +
  "sue jim bob tom tony mike dave steve chris nick pete andy rob ben sam alex jo kate liz jen beth"
).split(/\s+/);

const TITLES = String.raw`^(mr|mrs|ms|miss|mx|dr|rev|prof)\.?\s+[a-z]`;
const PERSONISH = String.raw`^[A-Z][a-z'’-]+(\s[A-Z]\.?)?(\s[A-Z][a-z'’-]+){1,2}$|^[A-Z][a-z'’-]+,\s?[A-Z][a-z'’-]+$`;
const NAME_WORDS = literalList(FIRST_NAMES);
const ORG_WORDS = literalList(ORGANISATION_WORDS);

function literalList(words: string[]): string {
  return `[${words.map(literal).join(", ")}]`;
}

/** NHS number: ten digits (optionally 3 3 4) whose check digit is right (modulus 11). */
export function isValidNhsNumber(value: string): boolean {
  const digits = value.replace(/[\s-]/g, "");
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

function nhsSql(v: string): string {
  const d = `regexp_replace(${v}, '[\\s-]', '', 'g')`;
  const digit = (i: number) => `TRY_CAST(substr(${d}, ${i + 1}, 1) AS INTEGER)`;
  const sum = Array.from({ length: 9 }, (_, i) => `${digit(i)} * ${10 - i}`).join(" + ");
  const check = `(11 - ((${sum}) % 11))`;
  return `(CASE WHEN regexp_full_match(${v}, '\\d{3}[\\s-]?\\d{3}[\\s-]?\\d{4}') THEN ${check} <> 10 AND (CASE WHEN ${check} = 11 THEN 0 ELSE ${check} END) = ${digit(9)} ELSE false END)`;
}

export function looksLikePerson(value: string): boolean {
  const v = value.trim();
  if (new RegExp(TITLES, "i").test(v)) return true;
  if (!new RegExp(PERSONISH).test(v)) return false;
  const words = v.toLowerCase().replace(/[,.]/g, " ").split(/\s+/).filter(Boolean);
  if (words.some((w) => ORGANISATION_WORDS.includes(w))) return false;
  const first = v.includes(",") ? words[words.length - 1] : words[0];
  return FIRST_NAMES.includes(first);
}

function personSql(v: string): string {
  const words = `string_split(regexp_replace(lower(${v}), '[,.]', ' ', 'g'), ' ')`;
  const first = `CASE WHEN contains(${v}, ',') THEN trim(split_part(${v}, ',', 2)) ELSE split_part(${v}, ' ', 1) END`;
  return `(regexp_matches(lower(${v}), ${literal(TITLES)}) OR (regexp_full_match(${v}, ${literal(PERSONISH)}) AND NOT list_has_any(${words}, ${ORG_WORDS}) AND list_contains(${NAME_WORDS}, lower(split_part(${first}, ' ', 1)))))`;
}

export const SCREEN_RULES: ScreenRule[] = [
  {
    id: "email",
    pre: "@",
    label: "Email addresses of individuals",
    advice:
      "Personal email addresses identify people. Shared mailboxes (info@, foi@...) are not flagged.",
    sql: (v) =>
      `(regexp_matches(${v}, ${literal(EMAIL)}) AND NOT regexp_matches(lower(regexp_extract(${v}, ${literal(EMAIL)})), ${literal(ROLE_EMAIL)}))`,
    test: (v) => {
      const m = new RegExp(EMAIL).exec(v);
      return !!m && !new RegExp(ROLE_EMAIL).test(m[0].toLowerCase());
    },
  },
  {
    id: "phone",
    pre: MOBILE,
    label: "UK phone numbers",
    advice:
      "Mobile numbers usually belong to a person; landlines are flagged only in columns named for phones.",
    columnHint: /phone|tel|mobile|contact/i,
    sql: (v) => `regexp_matches(${v}, ${literal(MOBILE)})`,
    test: (v) => new RegExp(MOBILE).test(v),
  },
  {
    id: "landline",
    pre: LANDLINE,
    label: "Phone numbers in a phone column",
    advice: "A direct line can identify a member of staff or a resident.",
    columnHint: /phone|tel|mobile/i,
    requiresHint: true,
    sql: (v) => `regexp_matches(${v}, ${literal(LANDLINE)})`,
    test: (v) => new RegExp(LANDLINE).test(v),
  },
  {
    id: "ni-number",
    pre: NI_RE2,
    label: "National Insurance numbers",
    advice: "A National Insurance number identifies a person and must never be published.",
    sql: (v) =>
      `(regexp_matches(${v}, ${literal(NI_RE2)}) AND NOT regexp_matches(${v}, ${literal(NI_BAD)}))`,
    test: (v) => new RegExp(NI).test(v),
  },
  {
    id: "nhs-number",
    pre: String.raw`^\d{3}[\s-]?\d{3}[\s-]?\d{4}$`,
    label: "NHS numbers (check digit valid)",
    advice:
      "An NHS number identifies a patient. About 1 in 11 random ten-digit numbers pass the check, so a column is flagged when most of its ten-digit values pass, or it is named for NHS numbers.",
    columnHint: /nhs/i,
    sql: nhsSql,
    test: isValidNhsNumber,
  },
  {
    id: "date-of-birth",
    label: "Dates of birth",
    advice: "A date of birth with almost anything else identifies a person.",
    columnHint: /\bdob\b|birth|d\.o\.b/i,
    requiresHint: true,
    sql: (v) => `(${v} IS NOT NULL)`,
    test: (v) => v.trim() !== "",
  },
  {
    id: "postcode",
    pre: `(?i:${POSTCODE})`,
    label: "Full postcodes next to names of individuals",
    advice:
      "A full postcode with a person's name locates them. Postcodes of council land and buildings are fine.",
    sql: (v) => `regexp_matches(upper(${v}), ${literal(POSTCODE)})`,
    test: (v) => new RegExp(POSTCODE).test(v.toUpperCase()),
  },
  {
    id: "person-name",
    pre: `(?i:${TITLES})|${PERSONISH}`,
    label: "Names of private individuals in a payee column",
    advice:
      'Payments to individuals (sole traders, foster carers, residents) are personal data: the Transparency Code says redact the name, e.g. to "Redacted personal data".',
    columnHint: /beneficiary|payee|supplier|vendor|recipient|merchant|creditor|name/i,
    requiresHint: true,
    sql: personSql,
    test: looksLikePerson,
  },
  {
    id: "bank-details",
    pre: `${SORT_CODE}|(?i:${IBAN})`,
    label: "Bank details (sort codes, account numbers, IBANs)",
    advice: "Bank details of a person or sole trader are personal data and a fraud risk.",
    columnHint: /sort|account|iban|bank/i,
    sql: (v) =>
      `(regexp_matches(${v}, ${literal(SORT_CODE)}) OR regexp_matches(upper(${v}), ${literal(IBAN)}))`,
    test: (v) => new RegExp(SORT_CODE).test(v) || new RegExp(IBAN).test(v.toUpperCase()),
  },
  {
    id: "account-number",
    pre: ACCOUNT,
    label: "Bank account numbers",
    advice: "Eight-digit account numbers in a bank column.",
    columnHint: /account.?(no|number|num)|bank/i,
    requiresHint: true,
    sql: (v) => `regexp_full_match(${v}, ${literal(ACCOUNT)})`,
    test: (v) => new RegExp(ACCOUNT).test(v.trim()),
  },
];

/** Which rules apply to a column with this name. */
export function rulesForColumn(column: string): ScreenRule[] {
  return SCREEN_RULES.filter((r) => !r.requiresHint || r.columnHint?.test(column));
}

/** Shows enough to recognise the problem without repeating the personal data: "J*** S****", "AB ** ** ** C". */
export function mask(value: string): string {
  const v = value.trim().slice(0, 80);
  return v.replace(/[A-Za-z0-9]+/g, (w) =>
    w.length <= 1 ? w : w[0] + "*".repeat(Math.min(w.length - 1, 6)),
  );
}
