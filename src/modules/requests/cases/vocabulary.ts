/**
 * The words of information requests: types, states, outcomes, FOIA exemptions and EIR exceptions
 * (DOMAIN.md §1). Labels are what caseworkers and residents read.
 */
export const REQUEST_TYPES = {
  foi: "Freedom of Information (FOI)",
  eir: "Environmental Information Regulations (EIR)",
  sar: "Data protection rights request",
  police: "Police or third-party request (DPA 2018 Sch. 2)",
  "internal-review": "Internal review",
  "eir-reconsideration": "EIR reconsideration",
  "ico-complaint": "ICO complaint",
} as const;
export type RequestType = keyof typeof REQUEST_TYPES;
export const REQUEST_TYPE_NAMES = Object.keys(REQUEST_TYPES) as RequestType[];
export function isRequestType(v: unknown): v is RequestType {
  return typeof v === "string" && v in REQUEST_TYPES;
}

/** Reference prefixes: FOI-2026-00012. */
export const REFERENCE_PREFIX: Record<RequestType, string> = {
  foi: "FOI",
  eir: "EIR",
  sar: "DPR",
  police: "POL",
  "internal-review": "IR",
  "eir-reconsideration": "EIRR",
  "ico-complaint": "ICO",
};

export const DATA_RIGHT_LABELS = {
  access: "Subject access (a copy of my personal data)",
  rectification: "Rectification (correct my data)",
  erasure: "Erasure (delete my data)",
  restriction: "Restriction (limit how my data is used)",
  objection: "Objection (stop using my data)",
  portability: "Portability (my data in a reusable format)",
} as const;
export type DataRightName = keyof typeof DATA_RIGHT_LABELS;

/** Types whose requester (or subject) is a person whose data the case is about: every view is audited. */
export const SENSITIVE_TYPES: readonly RequestType[] = ["sar", "police"];

export const STATUSES = {
  received: "Received",
  "in-progress": "In progress",
  "awaiting-clarification": "Awaiting clarification",
  "awaiting-fee": "Awaiting fee",
  "awaiting-identity": "Awaiting identity",
  extended: "Extended",
  "on-hold": "On hold",
  withdrawn: "Withdrawn",
  closed: "Closed",
} as const;
export type Status = keyof typeof STATUSES;

/** States a caseworker can set directly; the awaiting-* states follow the clock events. */
export const MANUAL_STATUSES: Status[] = ["received", "in-progress", "on-hold", "withdrawn"];

export const OUTCOMES = {
  "provided-in-full": "Information provided in full",
  "provided-in-part": "Information provided in part",
  refused: "Refused (exemption or exception)",
  "not-held": "Information not held",
  "already-published": "Already published (s.21)",
  vexatious: "Vexatious or repeated (s.14)",
  "cost-limit": "Cost limit (s.12)",
  "review-upheld": "Review: original decision upheld",
  "review-overturned": "Review: decision overturned in full or part",
  "ico-closed": "ICO: case closed",
  "ico-decision-notice": "ICO: decision notice served",
} as const;
export type Outcome = keyof typeof OUTCOMES;
export function isOutcome(v: unknown): v is Outcome {
  return typeof v === "string" && v in OUTCOMES;
}

export interface ExemptionDefinition {
  code: string;
  label: string;
  regime: "foi" | "eir" | "dpa";
  /** Qualified: the public interest test applies and its reasoning must be recorded. */
  qualified: boolean;
}

const foi = (code: string, label: string, qualified = true): ExemptionDefinition => ({
  code,
  label,
  regime: "foi",
  qualified,
});
const eir = (code: string, label: string, qualified = true): ExemptionDefinition => ({
  code,
  label,
  regime: "eir",
  qualified,
});

export const EXEMPTIONS: ExemptionDefinition[] = [
  foi("s12", "s.12 Cost limit", false),
  foi("s14", "s.14 Vexatious or repeated request", false),
  foi("s21", "s.21 Reasonably accessible by other means (absolute)", false),
  foi("s22", "s.22 Intended for future publication"),
  foi("s22A", "s.22A Research"),
  foi("s23", "s.23 Security bodies (absolute)", false),
  foi("s24", "s.24 National security"),
  foi("s26", "s.26 Defence"),
  foi("s27", "s.27 International relations"),
  foi("s28", "s.28 Relations within the UK"),
  foi("s29", "s.29 The economy"),
  foi("s30", "s.30 Investigations and proceedings"),
  foi("s31", "s.31 Law enforcement"),
  foi("s32", "s.32 Court records (absolute)", false),
  foi("s33", "s.33 Audit functions"),
  foi("s34", "s.34 Parliamentary privilege (absolute)", false),
  foi("s35", "s.35 Formulation of government policy"),
  foi("s36", "s.36 Prejudice to the effective conduct of public affairs"),
  foi("s37", "s.37 Communications with the Sovereign"),
  foi("s38", "s.38 Health and safety"),
  foi("s39", "s.39 Environmental information (use EIR)"),
  foi("s40(1)", "s.40(1) Requester's own personal data (treat as a SAR; absolute)", false),
  foi("s40(2)", "s.40(2) Third-party personal data", false),
  foi("s41", "s.41 Information provided in confidence (absolute)", false),
  foi("s42", "s.42 Legal professional privilege"),
  foi("s43", "s.43 Commercial interests"),
  foi("s44", "s.44 Prohibitions on disclosure (absolute)", false),
  eir("12(4)(a)", "reg 12(4)(a) Information not held"),
  eir("12(4)(b)", "reg 12(4)(b) Manifestly unreasonable"),
  eir("12(4)(c)", "reg 12(4)(c) Too general"),
  eir("12(4)(d)", "reg 12(4)(d) Unfinished material"),
  eir("12(4)(e)", "reg 12(4)(e) Internal communications"),
  eir(
    "12(5)(a)",
    "reg 12(5)(a) International relations, defence, national security, public safety",
  ),
  eir("12(5)(b)", "reg 12(5)(b) Course of justice"),
  eir("12(5)(c)", "reg 12(5)(c) Intellectual property rights"),
  eir("12(5)(d)", "reg 12(5)(d) Confidentiality of proceedings"),
  eir("12(5)(e)", "reg 12(5)(e) Commercial confidentiality"),
  eir("12(5)(f)", "reg 12(5)(f) Interests of the person who provided the information"),
  eir("12(5)(g)", "reg 12(5)(g) Protection of the environment"),
  eir("13", "reg 13 Personal data", false),
  {
    code: "sch2-para2",
    label: "DPA 2018 Sch. 2 para 2: crime and taxation",
    regime: "dpa",
    qualified: false,
  },
  {
    code: "sch2-para5",
    label: "DPA 2018 Sch. 2 para 5: legal proceedings",
    regime: "dpa",
    qualified: false,
  },
];

export function exemption(code: string): ExemptionDefinition | undefined {
  return EXEMPTIONS.find((e) => e.code === code);
}

/** Which exemptions apply to a type of request. */
export function exemptionsFor(type: RequestType): ExemptionDefinition[] {
  if (type === "eir" || type === "eir-reconsideration")
    return EXEMPTIONS.filter((e) => e.regime === "eir");
  if (type === "sar" || type === "police") return EXEMPTIONS.filter((e) => e.regime === "dpa");
  return EXEMPTIONS.filter((e) => e.regime === "foi");
}

/** The deadline type the calendar knows for a request type; ICO complaints run to the ICO's own date. */
export function clockTypeOf(type: RequestType): string | undefined {
  return type === "ico-complaint" ? undefined : type;
}

/** Cost limit (SI 2004/3244): £450 at £25 an hour for local authorities, so 18 hours. */
export const COST_LIMIT_POUNDS = 450;
export const COST_RATE_POUNDS = 25;
export const COST_ACTIVITIES = {
  determining: "Determining whether the information is held",
  locating: "Locating the information",
  retrieving: "Retrieving the information",
  extracting: "Extracting the information",
} as const;
export type CostActivity = keyof typeof COST_ACTIVITIES;

/** The average cost of answering an FOI request, from the strategy. */
export const COST_PER_REQUEST_POUNDS = 160;

/** Kinds of person a SAR is about; the codes are the asset register's data-subject categories. */
export const SUBJECT_CATEGORIES = [
  { value: "residents", label: "Residents" },
  { value: "service-users", label: "Customers and service users" },
  { value: "council-tax-payers", label: "Council Tax and business rates payers" },
  { value: "benefit-claimants", label: "Benefit claimants" },
  { value: "children", label: "Children" },
  { value: "looked-after-children", label: "Looked-after children and care leavers" },
  { value: "pupils", label: "Pupils and students" },
  { value: "parents-carers", label: "Parents, guardians and carers" },
  { value: "adults-receiving-care", label: "Adults receiving care and support" },
  { value: "tenants", label: "Tenants and leaseholders" },
  { value: "housing-applicants", label: "Housing applicants and homeless people" },
  { value: "planning-applicants", label: "Planning and building control applicants" },
  { value: "licence-holders", label: "Licence holders and applicants" },
  { value: "electors", label: "Electors" },
  { value: "complainants", label: "Complainants and enquirers" },
  { value: "employees", label: "Employees and former employees" },
  { value: "job-applicants", label: "Job applicants" },
] as const;
