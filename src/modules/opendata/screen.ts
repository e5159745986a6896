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
  /** The column's name rules the rule out (a reference column for phone numbers; another rule's own column). */
  excludeHint?: RegExp;
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
// Mobiles: 07xxx xxx xxx, +44 7xxx, +44 (0)7xxx, 0044 7xxx, with spaces or dashes.
const MOBILE = String.raw`(^|[^\d])(\+44\s?(\(0\)\s?)?7\d{3}|0044\s?7\d{3}|\(?07\d{3}\)?)[\s-]?\d{3}[\s-]?\d{3}([^\d]|$)`;
// Geographic numbers (01, 02) written as phone numbers: the area code set apart by a space, dash or brackets,
// or eleven digits in a row; 03 and 08 numbers are organisations' lines and are not flagged.
const LANDLINE =
  String.raw`(^|[^\d])(` +
  [
    String.raw`(\(0[12]\d{3}\)\s?|0[12]\d{3}[\s-])\d{5,6}`,
    String.raw`(\(0[12]\d{2}\)\s?|0[12]\d{2}[\s-])\d{3}[\s-]?\d{4}`,
    String.raw`(\(02\d\)\s?|02\d[\s-])\d{4}[\s-]?\d{4}`,
    String.raw`(\(0[12]\d{4}\)\s?|0[12]\d{4}[\s-])\d{4,5}`,
    String.raw`(\+44\s?(\(0\)\s?)?|0044\s?)[12]\d{1,4}[\s-]?\d{3,4}[\s-]?\d{3,4}`,
    String.raw`0[12]\d{9}`,
  ].join("|") +
  String.raw`)([^\d]|$)`;
/** Reference and identifier columns, where a long number is a reference rather than a phone number. */
const PHONE_WORDS = "phone|(^|[^a-z])tel|mobile|contact|fax";
const PHONE_COLUMN = new RegExp(PHONE_WORDS, "i");
// (A column named for phones is never a reference column: "PhoneNumber", "ContactNo".)
const REFERENCE_COLUMN = new RegExp(
  `^(?!.*(${PHONE_WORDS})).*(ref|invoice|transaction|voucher|cheque|receipt|order|uprn|usrn|urn|serial|number|code|account|(^|[^a-z])(id|no)([^a-z]|$))`,
  "i",
);
// National Insurance numbers, judged in upper case: pairs may be run together or split by spaces, dots or dashes.
const NI_BODY = String.raw`\d{2}[\s.-]?\d{2}[\s.-]?\d{2}[\s.-]?[A-D]`;
const NI = String.raw`(^|[^A-Z0-9])(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][\s.-]?${NI_BODY}([^A-Z0-9]|$)`;
// RE2 (DuckDB) has no look-ahead: the excluded prefixes are checked separately.
const NI_RE2 = String.raw`(^|[^A-Z0-9])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][\s.-]?${NI_BODY}([^A-Z0-9]|$)`;
const NI_BAD = String.raw`(^|[^A-Z0-9])(BG|GB|NK|KN|TN|NT|ZZ)[\s.-]?${NI_BODY}([^A-Z0-9]|$)`;
// In a column named for them, the final letter may be left off.
const NI_CELL = String.raw`^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][\s.-]?\d{2}[\s.-]?\d{2}[\s.-]?\d{2}([\s.-]?[A-D])?$`;
const NI_CELL_BAD = "^(BG|GB|NK|KN|TN|NT|ZZ)";
const NI_COLUMN = /(^|[^a-z])ni([^a-z]|$)|nino|national.?insurance|(^|[^a-z])ni.?(no|num)/i;
const NHS_CELL = String.raw`^\d{3}[\s-]?\d{3}[\s-]?\d{4}$`;
// An NHS number in text: after "NHS", or in the 3 3 4 groups it is written in (judged in lower case).
const NHS_TEXT = String.raw`nhs[^0-9]{0,20}(\d{3}[\s-]?\d{3}[\s-]?\d{4})([^\d]|$)|(^|[^\d])(\d{3}[ -]\d{3}[ -]\d{4})([^\d]|$)`;
const MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec";
// "born 12/03/1987", "DOB: 12.03.87", "date of birth 12 March 1987" (judged in lower case).
const DOB_TEXT = String.raw`(^|[^a-z])(born|dob|d\.o\.b\.?|date of birth)[\s:.-]*(on\s+)?(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}(st|nd|rd|th)?\s+(${MONTHS})[a-z]*,?\s+\d{4})`;
const DOB_COLUMN =
  /(^|[^A-Za-z])[Dd]ob([^a-z]|$)|DOB([^A-Z]|$)|[Bb]irth|BIRTH|[Dd]\.\s?[Oo]\.\s?[Bb]/;
const POSTCODE = String.raw`(^|[^A-Za-z0-9])[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}([^A-Za-z0-9]|$)`;
const SORT_CODE = String.raw`(^|[^\d])\d{2}-\d{2}-\d{2}([^\d]|$)`;
const SORT_CODE_CELL = String.raw`^\d{2}[\s-]?\d{2}[\s-]?\d{2}$`;
// An IBAN of any country, judged in upper case (group 2), then its check digits (ISO 13616, modulus 97).
const IBAN = String.raw`(^|[^A-Z0-9])([A-Z]{2}\d{2}(\s?[A-Z0-9]{4}){2,7}(\s?[A-Z0-9]{1,3})?)([^A-Z0-9]|$)`;
const ACCOUNT = String.raw`^\d{4}\s?\d{4}$`;

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
  "sons",
  "bros",
  "brothers",
  "icb",
  "ccg",
  "gp",
  "cio",
  "scio",
  "surgery",
  "practice",
  "pharmacy",
  "clinic",
  "health",
  "healthcare",
  "medical",
  "dental",
  "nursery",
  "preschool",
  "playgroup",
  "borough",
  "county",
  "district",
  "city",
  "federation",
  "diocese",
  "mosque",
  "synagogue",
  "gurdwara",
  "cathedral",
  "ambulance",
  "institute",
  "government",
  "ministry",
  "commission",
  "committee",
  "union",
  "mutual",
  "fc",
  "afc",
  "rfc",
  "scouts",
  "guides",
  "citizens",
  "advice",
  "holdings",
  "enterprises",
  "ventures",
  "associates",
  "lettings",
  "developments",
  "construction",
  "maintenance",
  "landscapes",
  "landscaping",
  "roofing",
  "scaffolding",
  "surveys",
  "recycling",
  "waste",
  "environmental",
  "training",
  "education",
  "learning",
  "legal",
  "solicitors",
  "accountants",
  "transport",
  "travel",
  "taxis",
  "hire",
  "hotel",
  "cafe",
  "events",
  "studios",
  "productions",
  "direct",
  "digital",
  "global",
  "hmrc",
  "dvla",
  "the",
  "and",
  "&",
  "of",
  "for",
];

/** Words that never name a person: placeholders left by redaction, and labels such as "Unit A". */
export const NOT_A_NAME_WORDS = [
  "redacted",
  "redaction",
  "personal",
  "data",
  "withheld",
  "unknown",
  "various",
  "sundry",
  "anonymous",
  "individual",
  "individuals",
  "private",
  "confidential",
  "none",
  "cash",
  "refund",
  "refunds",
  "petty",
  "payee",
  "payees",
  "creditor",
  "creditors",
  "supplier",
  "suppliers",
  "customer",
  "customers",
  "resident",
  "residents",
  "tenant",
  "tenants",
  "applicant",
  "applicants",
  "client",
  "clients",
  "vacant",
  "void",
  "unit",
  "block",
  "plot",
  "site",
  "phase",
  "zone",
  "area",
  "grade",
  "class",
  "type",
  "schedule",
  "plan",
  "section",
  "option",
  "route",
  "stage",
  "level",
  "floor",
  "tier",
  "item",
  "category",
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
  "sue jim bob tom tony mike dave steve chris nick pete andy rob ben sam alex jo kate liz jen beth " +
  "adrian alfie archie bernard clive damian darren dean dominic duncan edwin elliot finley freddie gavin " +
  "geoffrey gordon graeme harvey howard hugh jamie jay joel jon julian karl kieron leon leo lewis luke " +
  "marcus martin max mohamed nathaniel neville norman oscar phil reece reggie riley robin rory ross " +
  "ronnie sebastian shaun simon stanley stewart toby tommy tristan vernon warren wesley " +
  "abbie alison anne annie beatrice bella bridget carly carole caroline celia charlene clare colette dawn " +
  "debbie eileen elaine eleanor eliza ella ellen elsie erin esther eve faye freya georgia gillian gina gwen " +
  "hayley heidi hollie imogen irene isla jackie jacqui jasmine jayne jenny jill joanna josephine julia " +
  "katie kirsty lara leah lesley lily lorraine lydia lynn lynne maisie mandy marion maureen maxine melanie " +
  "millie miriam molly naomi nicola norma paige paula pauline penny phoebe rachael rosie ruby sally " +
  "shannon sheila sian sonia stacey stella suzanne tanya tara tina tracey tracy valerie vanessa vicky " +
  "wendy yvonne " +
  "abdul ahmad akash amir anil arif asif bilal farhan hamza harpreet gurpreet jaspreet manpreet kuldeep " +
  "rajesh rakesh ramesh suresh mahesh deepak sunil vijay ashok kamal khalid mustafa nasir rashid shahid " +
  "usman waqas zain zainab maryam khadija samina shabana nasreen parveen rukhsana farah hina sana saima " +
  "rubina kiran neha pooja preeti rekha seema geeta meena anita kavita chinedu emeka oluwaseun olumide " +
  "tunde adebayo kwame kofi abena chiamaka ngozi funmilayo piotr pawel tomasz krzysztof marek michal " +
  "andrzej agnieszka katarzyna magdalena malgorzata ewa monika andrei mihai elena ioana"
).split(/\s+/);

// Judged in lower case: "Mrs Jane Smith", "Mr & Mrs Smith", "Dr. A Khan".
const TITLE_WORD = "(mr|mrs|ms|miss|mx|dr|rev|prof)";
const TITLES = String.raw`^${TITLE_WORD}\.?(\s*(&|and)\s*${TITLE_WORD}\.?)?\s+[a-z]`;
// A sole trader: "John Smith t/a Smith Plumbing" (judged in lower case; group 1 is the person).
const TRADING_AS = String.raw`^(.*?)[\s,]+(t/a|t\.a\.|trading as)\s`;
/** Two to four words of letters (initials with dots, O'Brien, Smith-Jones; "Smith, Jane"). */
const NAME_SHAPE = String.raw`^[A-Za-z][A-Za-z'’.-]*((,\s*|\s+)[A-Za-z][A-Za-z'’.-]*){1,3}$`;
// Initials before or after a surname, in capitals: "J Smith", "J. A. Smith", "Smith J", "SMITH, J.A.".
const INITIALS = String.raw`^([A-Z]\.\s*|[A-Z]\s+){1,3}[A-Za-z][A-Za-z'’-]+$|^[A-Za-z][A-Za-z'’-]+(,\s*|\s+)([A-Z]\.\s*|[A-Z]\s+)*[A-Z]\.?$`;
const SPLIT_WORDS = "[^a-z0-9&]+";
/** Organisation words that outweigh a title ("MS Society", "Dr Foster Ltd"); "Mr and Mrs" keeps its "and". */
const STRONG_ORGANISATION_WORDS = ORGANISATION_WORDS.filter(
  (w) => !["the", "and", "&", "of", "for"].includes(w),
);
const NOT_PERSON = literalList([...ORGANISATION_WORDS, ...NOT_A_NAME_WORDS]);
const STRONG_ORG = literalList(STRONG_ORGANISATION_WORDS);
const NAME_WORDS = literalList(FIRST_NAMES);
const NOT_PERSON_SET = new Set([...ORGANISATION_WORDS, ...NOT_A_NAME_WORDS]);
const STRONG_ORG_SET = new Set(STRONG_ORGANISATION_WORDS);
const FIRST_NAME_SET = new Set(FIRST_NAMES);
/** Where a person column's values may be written: the person-name pre-filter. */
const PERSON_PRE = `(?i:${TITLES})|${NAME_SHAPE}|(?i:t/a|t\\.a\\.|trading as)`;

function literalList(words: string[]): string {
  return `[${words.map(literal).join(", ")}]`;
}

const words = (v: string) => v.toLowerCase().split(new RegExp(SPLIT_WORDS));

function hasTitle(v: string): boolean {
  return new RegExp(TITLES).test(v.toLowerCase()) && !words(v).some((w) => STRONG_ORG_SET.has(w));
}

function soleTrader(v: string): boolean {
  const person = new RegExp(TRADING_AS).exec(v.toLowerCase())?.[1]?.trim();
  return (
    !!person &&
    /^[a-z][a-z'’. -]*$/.test(person) &&
    !words(person).some((w) => STRONG_ORG_SET.has(w))
  );
}

/** Two to four words of a name with no organisation word or placeholder in them. */
function nameShaped(v: string): boolean {
  return new RegExp(NAME_SHAPE).test(v) && !words(v).some((w) => NOT_PERSON_SET.has(w));
}

/**
 * A private individual in a payee column: a title ("Mrs Jane Smith", "Mr & Mrs Smith"), a sole trader
 * ("John Smith t/a Smith Plumbing"), initials and a surname ("J Smith", "SMITH J"), or a common first name
 * and a surname in any case ("JOHN SMITH", "Smith, Sarah"), with no organisation word.
 */
export function looksLikePerson(value: string): boolean {
  const v = value.trim();
  if (hasTitle(v) || soleTrader(v)) return true;
  if (!nameShaped(v)) return false;
  if (new RegExp(INITIALS).test(v)) return true;
  const given = (v.includes(",") ? v.split(",")[1] : v).trim().toLowerCase();
  return FIRST_NAME_SET.has(/^[a-z'’-]*/.exec(given)?.[0] ?? "");
}

/** In a column about people (tenants, applicants, clients...), any name-shaped value is a person's name. */
export function looksLikeIndividual(value: string): boolean {
  const v = value.trim();
  return looksLikePerson(v) || nameShaped(v);
}

function wordsSql(v: string): string {
  return `string_split_regex(lower(${v}), ${literal(SPLIT_WORDS)})`;
}

function nameShapedSql(v: string): string {
  return `(regexp_full_match(${v}, ${literal(NAME_SHAPE)}) AND NOT list_has_any(${wordsSql(v)}, ${NOT_PERSON}))`;
}

function personSql(v: string): string {
  const title = `(regexp_matches(lower(${v}), ${literal(TITLES)}) AND NOT list_has_any(${wordsSql(v)}, ${STRONG_ORG}))`;
  const trader = `regexp_extract(lower(${v}), ${literal(TRADING_AS)}, 1)`;
  const soleTrader = `(regexp_full_match(trim(${trader}), '[a-z][a-z''’. -]*') AND NOT list_has_any(${wordsSql(trader)}, ${STRONG_ORG}))`;
  const given = `lower(trim(CASE WHEN contains(${v}, ',') THEN split_part(${v}, ',', 2) ELSE ${v} END))`;
  const first = `regexp_extract(${given}, '^[a-z''’-]*')`;
  return `(${title} OR ${soleTrader} OR (${nameShapedSql(v)} AND (regexp_matches(${v}, ${literal(INITIALS)}) OR list_contains(${NAME_WORDS}, ${first}))))`;
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

/** SQL: the ten digits in `digits` (an expression, spaces and dashes allowed) have a valid NHS check digit. */
function nhsCheckSql(digits: string): string {
  const d = `regexp_replace(${digits}, '[\\s-]', '', 'g')`;
  const digit = (i: number) => `TRY_CAST(substr(${d}, ${i + 1}, 1) AS INTEGER)`;
  const sum = Array.from({ length: 9 }, (_, i) => `${digit(i)} * ${10 - i}`).join(" + ");
  const check = `(11 - ((${sum}) % 11))`;
  return `(CASE WHEN regexp_full_match(${d}, '\\d{10}') THEN ${check} <> 10 AND (CASE WHEN ${check} = 11 THEN 0 ELSE ${check} END) = ${digit(9)} ELSE false END)`;
}

function nhsSql(v: string): string {
  return `(regexp_full_match(${v}, ${literal(NHS_CELL)}) AND ${nhsCheckSql(v)})`;
}

/** The first NHS number written in a piece of text (not a whole cell of ten digits: the column rule judges those). */
function nhsInText(value: string): string | undefined {
  if (new RegExp(NHS_CELL).test(value.trim())) return undefined;
  const m = new RegExp(NHS_TEXT).exec(value.toLowerCase());
  return m ? (m[1] ?? m[4]) : undefined;
}

function nhsInTextSql(v: string): string {
  const number = `coalesce(nullif(regexp_extract(lower(${v}), ${literal(NHS_TEXT)}, 1), ''), regexp_extract(lower(${v}), ${literal(NHS_TEXT)}, 4))`;
  return `(NOT regexp_full_match(${v}, ${literal(NHS_CELL)}) AND regexp_matches(lower(${v}), ${literal(NHS_TEXT)}) AND ${nhsCheckSql(number)})`;
}

/** IBAN check digits (ISO 13616): the first four characters moved to the end, letters as 10 to 35, modulus 97 is 1. */
export function isValidIban(value: string): boolean {
  const iban = value.replace(/\s/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  let rest = 0;
  for (const ch of iban.slice(4) + iban.slice(0, 4)) {
    const n = Number.parseInt(ch, 36);
    rest = (rest * (n >= 10 ? 100 : 10) + n) % 97;
  }
  return rest === 1;
}

function ibanSql(v: string): string {
  const iban = `replace(regexp_extract(upper(${v}), ${literal(IBAN)}, 2), ' ', '')`;
  const chars = `string_split(substr(${iban}, 5) || substr(${iban}, 1, 4), '')`;
  const values = `list_transform(${chars}, lambda ch: CASE WHEN ch BETWEEN '0' AND '9' THEN ord(ch) - 48 ELSE ord(ch) - 55 END)`;
  return `(regexp_matches(upper(${v}), ${literal(IBAN)}) AND list_reduce(${values}, lambda rest, n: (rest * CASE WHEN n >= 10 THEN 100 ELSE 10 END + n) % 97) = 1)`;
}

function ibanIn(value: string): boolean {
  const m = new RegExp(IBAN).exec(value.toUpperCase());
  return !!m && isValidIban(m[2]);
}

/** Every address in the value is judged: one personal address among shared ones is enough. */
function personalEmail(value: string): boolean {
  return [...value.matchAll(new RegExp(EMAIL, "g"))].some(
    (m) => !new RegExp(ROLE_EMAIL).test(m[0].toLowerCase()),
  );
}

/** Columns about people, where any name is an individual's (not only one that reads as a person's in a payee column). */
const PEOPLE =
  "tenant|applicant|customer|resident(?!ial)|claimant|client|individual|occupier|patient|carer";
const PEOPLE_COLUMN = new RegExp(
  `${PEOPLE}|(^|[^a-z])(sur|fore|first|given|full|last|family).?name`,
  "i",
);
/** Columns that hold people's names (whatever the screen made of their values). */
const NAMES_OF_PEOPLE_COLUMN = new RegExp(
  `^(full.?)?name$|(sur|fore|first|given|last|family).?name|(${PEOPLE})s?.?(full.?)?name|^(${PEOPLE})s?$`,
  "i",
);

export const SCREEN_RULES: ScreenRule[] = [
  {
    id: "email",
    pre: "@",
    label: "Email addresses of individuals",
    advice:
      "Personal email addresses identify people. Shared mailboxes (info@, foi@...) are not flagged.",
    sql: (v) =>
      `len(list_filter(regexp_extract_all(lower(${v}), ${literal(EMAIL)}), lambda e: NOT regexp_matches(e, ${literal(ROLE_EMAIL)}))) > 0`,
    test: personalEmail,
  },
  {
    id: "phone",
    pre: MOBILE,
    label: "UK phone numbers",
    advice: "Mobile numbers usually belong to a person.",
    columnHint: PHONE_COLUMN,
    excludeHint: REFERENCE_COLUMN,
    sql: (v) => `regexp_matches(${v}, ${literal(MOBILE)})`,
    test: (v) => new RegExp(MOBILE).test(v),
  },
  {
    id: "landline",
    pre: LANDLINE,
    label: "UK landline numbers",
    advice:
      "A direct line can identify a member of staff or a resident. Organisations' 03 and 08 numbers are not flagged, nor long numbers in reference columns.",
    columnHint: PHONE_COLUMN,
    excludeHint: REFERENCE_COLUMN,
    sql: (v) => `regexp_matches(${v}, ${literal(LANDLINE)})`,
    test: (v) => new RegExp(LANDLINE).test(v),
  },
  {
    id: "ni-number",
    pre: `(?i:${NI_RE2})`,
    label: "National Insurance numbers",
    advice: "A National Insurance number identifies a person and must never be published.",
    excludeHint: NI_COLUMN,
    sql: (v) =>
      `(regexp_matches(upper(${v}), ${literal(NI_RE2)}) AND NOT regexp_matches(upper(${v}), ${literal(NI_BAD)}))`,
    test: (v) => new RegExp(NI).test(v.toUpperCase()),
  },
  {
    id: "ni-number-column",
    pre: `(?i:${NI_CELL})|(?i:${NI_RE2})`,
    label: "National Insurance numbers in a column named for them",
    advice:
      "A National Insurance number identifies a person and must never be published, with or without its final letter.",
    columnHint: NI_COLUMN,
    requiresHint: true,
    sql: (v) =>
      `((regexp_full_match(upper(${v}), ${literal(NI_CELL)}) AND NOT regexp_matches(upper(${v}), ${literal(NI_CELL_BAD)})) OR (regexp_matches(upper(${v}), ${literal(NI_RE2)}) AND NOT regexp_matches(upper(${v}), ${literal(NI_BAD)})))`,
    test: (v) => {
      const u = v.trim().toUpperCase();
      return (
        (new RegExp(NI_CELL).test(u) && !new RegExp(NI_CELL_BAD).test(u)) || new RegExp(NI).test(u)
      );
    },
  },
  {
    id: "nhs-number",
    pre: NHS_CELL,
    label: "NHS numbers (check digit valid)",
    advice:
      "An NHS number identifies a patient. About 1 in 11 random ten-digit numbers pass the check, so a column is flagged when most of its ten-digit values pass, or it is named for NHS numbers.",
    columnHint: /nhs/i,
    sql: nhsSql,
    test: isValidNhsNumber,
  },
  {
    id: "nhs-number-text",
    pre: `(?i:${NHS_TEXT})`,
    label: "NHS numbers in text (check digit valid)",
    advice:
      'An NHS number identifies a patient. Numbers after "NHS", or written in its 3 3 4 groups, are flagged when the check digit is right.',
    sql: nhsInTextSql,
    test: (v) => {
      const n = nhsInText(v);
      return !!n && isValidNhsNumber(n);
    },
  },
  {
    id: "date-of-birth",
    label: "Dates of birth",
    advice: "A date of birth with almost anything else identifies a person.",
    columnHint: DOB_COLUMN,
    requiresHint: true,
    sql: (v) => `(${v} IS NOT NULL)`,
    test: (v) => v.trim() !== "",
  },
  {
    id: "date-of-birth-text",
    pre: `(?i:${DOB_TEXT})`,
    label: "Dates of birth in text",
    advice:
      'A date of birth with almost anything else identifies a person ("born 12/03/1987", "DOB: 12/03/1987").',
    excludeHint: DOB_COLUMN,
    sql: (v) => `regexp_matches(lower(${v}), ${literal(DOB_TEXT)})`,
    test: (v) => new RegExp(DOB_TEXT).test(v.toLowerCase()),
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
    pre: PERSON_PRE,
    label: "Names of private individuals in a payee column",
    advice:
      'Payments to individuals (sole traders, foster carers, residents) are personal data: the Transparency Code says redact the name, e.g. to "Redacted personal data".',
    columnHint: /beneficiary|payee|supplier|vendor|recipient|merchant|creditor|landlord|name/i,
    excludeHint: PEOPLE_COLUMN,
    requiresHint: true,
    sql: personSql,
    test: looksLikePerson,
  },
  {
    id: "individual-name",
    pre: PERSON_PRE,
    label: "Names of individuals in a column about people",
    advice:
      "A tenant's, applicant's or client's name is personal data: any name in such a column is flagged, not only common first names.",
    columnHint: PEOPLE_COLUMN,
    requiresHint: true,
    sql: (v) => `(${personSql(v)} OR ${nameShapedSql(v)})`,
    test: looksLikeIndividual,
  },
  {
    id: "bank-details",
    pre: `${SORT_CODE}|(?i:${IBAN})`,
    label: "Bank details (sort codes, account numbers, IBANs)",
    advice:
      "Bank details of a person or sole trader are personal data and a fraud risk. IBANs of any country are flagged when their check digits are right.",
    columnHint: /sort|account|iban|bank/i,
    sql: (v) => `(regexp_matches(${v}, ${literal(SORT_CODE)}) OR ${ibanSql(v)})`,
    test: (v) => new RegExp(SORT_CODE).test(v) || ibanIn(v),
  },
  {
    id: "sort-code",
    pre: SORT_CODE_CELL,
    label: "Sort codes in a sort code column",
    advice: "A sort code with an account number identifies a bank account.",
    columnHint: /sort.?code|(^|[^a-z])sort([^a-z]|$)/i,
    requiresHint: true,
    sql: (v) => `regexp_full_match(${v}, ${literal(SORT_CODE_CELL)})`,
    test: (v) => new RegExp(SORT_CODE_CELL).test(v.trim()),
  },
  {
    id: "account-number",
    pre: ACCOUNT,
    label: "Bank account numbers",
    advice: "Eight-digit account numbers in a bank column.",
    columnHint: /acc(oun)?t.?(no|number|num)|bank|a\/c/i,
    requiresHint: true,
    sql: (v) => `regexp_full_match(${v}, ${literal(ACCOUNT)})`,
    test: (v) => new RegExp(ACCOUNT).test(v.trim()),
  },
];

/** Column names split at their words ("TransactionID" → "Transaction_ID") so hints can look for whole words. */
function columnWords(column: string): string {
  return column.replace(/([a-z])([A-Z])/g, "$1_$2");
}

/**
 * Which rules apply to a column with this name: a rule that needs a hint only where the name gives it, and
 * none where the name rules it out (a reference column for phone numbers).
 */
export function rulesForColumn(column: string): ScreenRule[] {
  const name = columnWords(column);
  return SCREEN_RULES.filter(
    (r) =>
      (!r.requiresHint || !!r.columnHint?.test(name) || !!r.columnHint?.test(column)) &&
      !r.excludeHint?.test(name),
  );
}

/** Whether the column holds people's names (a tenant's, a surname), so a postcode beside it locates someone. */
export function isNameOfPeopleColumn(column: string): boolean {
  return NAMES_OF_PEOPLE_COLUMN.test(columnWords(column));
}

/** Shows enough to recognise the problem without repeating the personal data: "J*** S****", "AB ** ** ** C". */
export function mask(value: string): string {
  const v = value.trim().slice(0, 80);
  return v.replace(/[A-Za-z0-9]+/g, (w) =>
    w.length <= 1 ? w : w[0] + "*".repeat(Math.min(w.length - 1, 6)),
  );
}
