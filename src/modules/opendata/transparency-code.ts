import type { SchemaField, TableSchema } from "./table-schema.ts";

/**
 * The Local Government Transparency Code 2015: every dataset it requires, with a Table Schema (the LGA's
 * column names where the LGA publishes a schema) and how often it is due. Quarterly data is due one month
 * after the quarter ends (Code, para 2.1). For annual data the Code sets no single date; we take one month
 * after the council year (April to March) ends, which `dueDays` lets an administrator change per template.
 */
export interface CodeTemplate {
  key: string;
  title: string;
  description: string;
  frequency: "quarterly" | "annual";
  publicationClass: PublicationClass;
  theme: string;
  /** Days after the period ends that the data is due. */
  dueDays: number;
  /** A document (PDF or link) rather than a table. */
  document?: boolean;
  schema?: TableSchema;
  lgaSchema?: string;
}

export const PUBLICATION_CLASSES = {
  "who-we-are": "Who we are and what we do",
  "what-we-spend": "What we spend and how we spend it",
  "priorities-and-performance": "What our priorities are and how we are doing",
  "how-we-decide": "How we make decisions",
  "policies-and-procedures": "Our policies and procedures",
  "lists-and-registers": "Lists and registers",
  "services-we-offer": "The services we offer",
} as const;
export type PublicationClass = keyof typeof PUBLICATION_CLASSES;

const s = (name: string, extra: Partial<SchemaField> = {}): SchemaField => ({
  name,
  type: "string",
  ...extra,
});
const req = { constraints: { required: true } };
const money = (name: string, required = false): SchemaField => ({
  name,
  type: "number",
  bareNumber: false,
  groupChar: ",",
  ...(required ? req : {}),
});
const date = (name: string, required = false): SchemaField => ({
  name,
  type: "date",
  format: "any",
  ...(required ? req : {}),
});

const spendFields = (minimum: number): SchemaField[] => [
  s("OrganisationURI"),
  s("OrganisationLabel", req),
  date("PaymentDate", true),
  s("TransactionNumber", { constraints: { required: true, unique: true } }),
  s("BeneficiaryName", req),
  s("OrganisationalUnit", req),
  s("ServiceCategoryLabel"),
  s("Purpose", req),
  {
    ...money("Amount", true),
    ...(minimum > 0
      ? { description: `Payments of £${minimum} or more (refunds may be negative)` }
      : {}),
  },
  money("IrrecoverableVATAmount"),
  s("TransactionMethod"),
];

const tender: SchemaField[] = [
  s("Reference", { constraints: { required: true, unique: true } }),
  s("Title", req),
  s("Description", req),
  date("StartDate", true),
  date("EndDate"),
  date("ReviewDate"),
  s("Department", req),
];

export const CODE_TEMPLATES: CodeTemplate[] = [
  {
    key: "spend-over-500",
    title: "Spending over £500",
    description:
      "Every individual item of expenditure over £500: date, department, beneficiary, purpose, amount, irrecoverable VAT. No staff salaries.",
    frequency: "quarterly",
    publicationClass: "what-we-spend",
    theme: "Spending",
    dueDays: 31,
    lgaSchema: "Spend",
    schema: { fields: spendFields(500) },
  },
  {
    key: "procurement-card",
    title: "Government Procurement Card transactions",
    description: "Every procurement card transaction, with merchant category.",
    frequency: "quarterly",
    publicationClass: "what-we-spend",
    theme: "Spending",
    dueDays: 31,
    lgaSchema: "Spend",
    schema: { fields: [...spendFields(0), s("MerchantCategory", req)] },
  },
  {
    key: "invitations-to-tender",
    title: "Invitations to tender over £5,000",
    description:
      "Reference, title, description, start, end and review dates, and department of every invitation to tender over £5,000.",
    frequency: "quarterly",
    publicationClass: "what-we-spend",
    theme: "Procurement",
    dueDays: 31,
    schema: { fields: tender },
  },
  {
    key: "contracts-over-5000",
    title: "Contracts over £5,000",
    description:
      "Contracts, commissioned activity, purchase orders, framework agreements and other legally enforceable agreements over £5,000.",
    frequency: "quarterly",
    publicationClass: "what-we-spend",
    theme: "Procurement",
    dueDays: 31,
    lgaSchema: "Contracts",
    schema: {
      fields: [
        ...tender,
        s("SupplierName", req),
        s("SupplierRegistrationNumber"),
        money("Value", true),
        money("IrrecoverableVAT"),
        s("ProcurementType", { constraints: { enum: ["Quote", "Tender"] } }),
        { name: "SME", type: "boolean" },
        { name: "VCSE", type: "boolean" },
      ],
    },
  },
  {
    key: "land-assets",
    title: "Local authority land",
    description:
      "Land and building assets: UPRN, asset id, name, address, postcode, coordinates and tenure.",
    frequency: "annual",
    publicationClass: "lists-and-registers",
    theme: "Land and property",
    dueDays: 31,
    lgaSchema: "LandAssets",
    schema: {
      fields: [
        s("UPRN", { constraints: { pattern: "\\d{1,12}" } }),
        s("AssetID", { constraints: { required: true, unique: true } }),
        s("PropertyName", req),
        s("Address"),
        s("Postcode", { constraints: { pattern: "[A-Z]{1,2}\\d[A-Z\\d]? ?\\d[A-Z]{2}" } }),
        { name: "Easting", type: "number", constraints: { minimum: 0, maximum: 700000 } },
        { name: "Northing", type: "number", constraints: { minimum: 0, maximum: 1300000 } },
        s("Tenure", { constraints: { required: true, enum: ["Freehold", "Leasehold"] } }),
      ],
    },
  },
  {
    key: "social-housing-assets",
    title: "Social housing asset value",
    description: "Social housing stock and its valuation, by type of dwelling.",
    frequency: "annual",
    publicationClass: "lists-and-registers",
    theme: "Housing",
    dueDays: 31,
    schema: {
      fields: [
        s("DwellingType", req),
        { name: "Dwellings", type: "integer", ...req },
        money("Valuation", true),
        date("ValuationDate", true),
      ],
    },
  },
  {
    key: "grants-to-vcse",
    title: "Grants to voluntary, community and social enterprise organisations",
    description: "Every grant to a voluntary, community or social enterprise organisation.",
    frequency: "annual",
    publicationClass: "what-we-spend",
    theme: "Spending",
    dueDays: 31,
    schema: {
      fields: [
        date("PaymentDate", true),
        s("BeneficiaryName", req),
        s("BeneficiaryRegistrationNumber"),
        s("OrganisationalUnit", req),
        s("Purpose", req),
        money("Amount", true),
      ],
    },
  },
  {
    key: "organisation-chart",
    title: "Organisation chart",
    description:
      "The top three tiers: grade, job title, department and team, contact details and salary in £5,000 bands.",
    frequency: "annual",
    publicationClass: "who-we-are",
    theme: "Organisation",
    dueDays: 31,
    lgaSchema: "OrganisationStructure",
    schema: {
      fields: [
        s("PostUniqueReference", { constraints: { required: true, unique: true } }),
        s("JobTitle", req),
        s("Grade"),
        s("Department", req),
        s("ReportsToSeniorPost"),
        s("ContactEmail"),
        s("SalaryBand", {
          constraints: { pattern: "£?\\d{1,3}(,\\d{3})* ?- ?£?\\d{1,3}(,\\d{3})*" },
        }),
      ],
    },
  },
  {
    key: "senior-salaries",
    title: "Senior salaries",
    description:
      "Employees whose salary is £50,000 or more, in £5,000 bands; names of those paid £150,000 or more.",
    frequency: "annual",
    publicationClass: "what-we-spend",
    theme: "Pay",
    dueDays: 31,
    lgaSchema: "SeniorEmployees",
    schema: {
      fields: [
        s("PostUniqueReference", req),
        s("JobTitle", req),
        s("Department", req),
        s("SalaryBand", req),
        money("Bonuses"),
        money("BenefitsInKind"),
        money("PensionContributions"),
      ],
    },
  },
  {
    key: "constitution",
    title: "Constitution",
    description: "The council's constitution.",
    frequency: "annual",
    publicationClass: "how-we-decide",
    theme: "Democracy",
    dueDays: 31,
    document: true,
  },
  {
    key: "pay-multiple",
    title: "Pay multiple",
    description:
      "The ratio between the highest taxable earnings and the median earnings of the whole workforce.",
    frequency: "annual",
    publicationClass: "what-we-spend",
    theme: "Pay",
    dueDays: 31,
    schema: {
      fields: [
        s("Year", req),
        money("HighestEarnings", true),
        money("MedianEarnings", true),
        { name: "PayMultiple", type: "number", ...req },
      ],
    },
  },
  {
    key: "trade-union-facility-time",
    title: "Trade union facility time",
    description:
      "Staff who are union representatives, the time they spend on union duties and its share of the pay bill.",
    frequency: "annual",
    publicationClass: "what-we-spend",
    theme: "Pay",
    dueDays: 31,
    schema: {
      fields: [
        s("Year", req),
        { name: "Representatives", type: "integer", ...req },
        { name: "FullTimeEquivalent", type: "number", ...req },
        { name: "PercentOfPayBill", type: "number", constraints: { minimum: 0, maximum: 100 } },
        money("FacilityTimeCost"),
      ],
    },
  },
  {
    key: "parking-account",
    title: "Parking account",
    description: "Income and spending on parking, and what any surplus was spent on.",
    frequency: "annual",
    publicationClass: "what-we-spend",
    theme: "Transport",
    dueDays: 31,
    schema: { fields: [s("Year", req), s("Item", req), money("Amount", true)] },
  },
  {
    key: "parking-spaces",
    title: "Parking spaces",
    description: "Council-controlled on- and off-street parking spaces.",
    frequency: "annual",
    publicationClass: "lists-and-registers",
    theme: "Transport",
    dueDays: 31,
    schema: {
      fields: [
        s("Location", req),
        s("Type", { constraints: { enum: ["On-street", "Off-street"] } }),
        { name: "Spaces", type: "integer", ...req },
        { name: "DisabledSpaces", type: "integer" },
      ],
    },
  },
  {
    key: "fraud",
    title: "Fraud",
    description:
      "Uses of the social housing fraud powers, investigators, their cost and cases investigated.",
    frequency: "annual",
    publicationClass: "priorities-and-performance",
    theme: "Counter-fraud",
    dueDays: 31,
    schema: {
      fields: [
        s("Year", req),
        { name: "PowersUsed", type: "integer" },
        { name: "Investigators", type: "number" },
        { name: "AccreditedInvestigators", type: "number" },
        money("Cost"),
        { name: "CasesInvestigated", type: "integer" },
      ],
    },
  },
];

export function codeTemplate(key: string | null | undefined): CodeTemplate | undefined {
  return CODE_TEMPLATES.find((t) => t.key === key);
}

/** Named schemas a resource may use: every template's schema by its key. */
export function namedSchema(name: string | null | undefined): TableSchema | undefined {
  return codeTemplate(name)?.schema;
}

export interface Period {
  /** "2024-25-Q1" (April to June 2024) or "2024-25" (the council year). */
  code: string;
  label: string;
  start: string;
  end: string;
  due: string;
}

function iso(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function addDays(dateIso: string, days: number): string {
  const d = new Date(`${dateIso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return iso(d);
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** Council years start on 1 April. Quarter 1 is April to June. */
export function periodFor(template: CodeTemplate, year: number, quarter?: number): Period {
  const fy = `${year}-${String((year + 1) % 100).padStart(2, "0")}`;
  if (template.frequency === "annual" || !quarter) {
    const end = `${year + 1}-03-31`;
    return {
      code: fy,
      label: `${year} to ${year + 1}`,
      start: `${year}-04-01`,
      end,
      due: addDays(end, template.dueDays),
    };
  }
  const startMonth = 3 + (quarter - 1) * 3; // 0-based month: April = 3
  const startDate = new Date(Date.UTC(year, startMonth, 1));
  const endDate = new Date(Date.UTC(year, startMonth + 3, 0));
  const end = iso(endDate);
  return {
    code: `${fy}-Q${quarter}`,
    label: `${MONTHS[startDate.getUTCMonth()]} to ${MONTHS[endDate.getUTCMonth()]} ${endDate.getUTCFullYear()} (Q${quarter} ${fy})`,
    start: iso(startDate),
    end,
    due: addDays(end, template.dueDays),
  };
}

export function councilYear(date: Date): number {
  return date.getUTCMonth() >= 3 ? date.getUTCFullYear() : date.getUTCFullYear() - 1;
}

/** The periods of one council year for a template. */
export function periodsOf(template: CodeTemplate, year: number): Period[] {
  return template.frequency === "quarterly"
    ? [1, 2, 3, 4].map((q) => periodFor(template, year, q))
    : [periodFor(template, year)];
}

export function parsePeriod(code: string): { year: number; quarter?: number } | undefined {
  const m = /^(\d{4})-(\d{2})(?:-Q([1-4]))?$/.exec(code);
  if (!m || (Number(m[1]) + 1) % 100 !== Number(m[2])) return undefined;
  return { year: Number(m[1]), quarter: m[3] ? Number(m[3]) : undefined };
}

/**
 * The period code of what an officer typed: "2025-26", "2025/26", "2025/2026", "2025-26 Q1", "Q1 2025/26"
 * or "2025-26-Q1" all read as the compliance view's codes (2025-26, 2025-26-Q1). With a template, a
 * quarterly dataset needs the quarter and an annual one must not have one. An error says what to write.
 */
export function readPeriod(
  text: string,
  template?: CodeTemplate,
): { code: string } | { error: string } {
  const example = template?.frequency === "annual" ? "2025-26" : "2025-26-Q1";
  const compact = text.trim().replace(/\s+/g, " ").toUpperCase();
  const m = /^(?:Q([1-4]) )?(\d{4}) ?[-/] ?(\d{2}|\d{4})(?:[- ]?Q([1-4]))?$/.exec(compact);
  if (!m || (m[1] && m[4]))
    return {
      error: `Enter the period as a council year, like 2025-26, or a quarter, like 2025-26-Q1 (not ${text.trim()})`,
    };
  const year = Number(m[2]);
  const next = Number(m[3]);
  if (next % 100 !== (year + 1) % 100)
    return {
      error: `A council year runs April to March: ${year}-${String((year + 1) % 100).padStart(2, "0")}, not ${text.trim()}`,
    };
  const quarter = m[1] ?? m[4];
  if (template?.frequency === "quarterly" && !quarter)
    return {
      error: `${template.title} is published quarterly: give the quarter, like ${year}-${String((year + 1) % 100).padStart(2, "0")}-Q1`,
    };
  if (template?.frequency === "annual" && quarter)
    return {
      error: `${template.title} is published once a year: give the council year, like ${example}`,
    };
  const code = `${year}-${String((year + 1) % 100).padStart(2, "0")}${quarter ? `-Q${quarter}` : ""}`;
  return { code };
}
