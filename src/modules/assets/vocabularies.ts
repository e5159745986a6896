/**
 * Controlled vocabularies of the asset register, the record of processing and the map of data flows.
 * Where the law has a list (Art. 6, Art. 9, the Government Security Classifications) it is the law's list;
 * where practice has one (data subjects, kinds of data) it is what council registers commonly use.
 * Other modules read these from here: requests, breaches and DPIAs share the same words.
 */
export interface Term {
  value: string;
  label: string;
  hint?: string;
}

function labels<T extends readonly Term[]>(terms: T): Record<string, string> {
  return Object.fromEntries(terms.map((t) => [t.value, t.label]));
}

/** Government Security Classifications: three tiers; OFFICIAL-SENSITIVE is a handling caveat within OFFICIAL. */
export const MARKINGS = [
  { value: "official", label: "OFFICIAL" },
  {
    value: "official-sensitive",
    label: "OFFICIAL-SENSITIVE",
    hint: "OFFICIAL with the SENSITIVE handling caveat, not a fourth tier",
  },
  { value: "secret", label: "SECRET" },
  { value: "top-secret", label: "TOP SECRET" },
] as const satisfies readonly Term[];

export const DATA_SUBJECT_CATEGORIES = [
  { value: "residents", label: "Residents" },
  { value: "service-users", label: "Customers and service users" },
  { value: "council-tax-payers", label: "Council Tax and business rates payers" },
  { value: "benefit-claimants", label: "Benefit claimants" },
  { value: "children", label: "Children" },
  { value: "looked-after-children", label: "Looked-after children and care leavers" },
  { value: "pupils", label: "Pupils and students" },
  { value: "parents-carers", label: "Parents, guardians and carers" },
  { value: "foster-carers", label: "Foster carers and adopters" },
  { value: "adults-receiving-care", label: "Adults receiving care and support" },
  { value: "vulnerable-adults", label: "Vulnerable adults" },
  { value: "young-people", label: "Young people (13 to 19, or to 25 with SEND)" },
  { value: "tenants", label: "Tenants and leaseholders" },
  { value: "housing-applicants", label: "Housing applicants and homeless people" },
  { value: "property-owners", label: "Property owners and occupiers" },
  { value: "planning-applicants", label: "Planning and building control applicants" },
  { value: "licence-holders", label: "Licence holders and applicants" },
  { value: "electors", label: "Electors" },
  {
    value: "registration-subjects",
    label: "People named in birth, marriage, civil partnership and death registrations",
  },
  { value: "complainants", label: "Complainants and enquirers" },
  { value: "witnesses", label: "Witnesses and people involved in investigations" },
  { value: "offenders", label: "Offenders and suspected offenders" },
  { value: "employees", label: "Employees and former employees" },
  { value: "job-applicants", label: "Job applicants" },
  { value: "volunteers", label: "Volunteers" },
  { value: "councillors", label: "Councillors" },
  { value: "suppliers", label: "Suppliers, contractors and their staff" },
  { value: "partner-staff", label: "Staff of partner organisations" },
  { value: "visitors", label: "Visitors and members of the public on council premises" },
] as const satisfies readonly Term[];

export interface PersonalDataCategory extends Term {
  /** UK GDPR Art. 9 special category data. */
  special?: boolean;
  /** UK GDPR Art. 10 criminal offence data. */
  criminal?: boolean;
}

export const PERSONAL_DATA_CATEGORIES: readonly PersonalDataCategory[] = [
  { value: "identity", label: "Names and identity" },
  { value: "contact", label: "Addresses and contact details" },
  { value: "date-of-birth", label: "Date of birth and age" },
  { value: "identifiers", label: "Reference numbers (NI, NHS, UPN, case numbers)" },
  { value: "financial", label: "Financial details, income and bank accounts" },
  { value: "benefits", label: "Benefit entitlement and payments" },
  { value: "employment", label: "Employment and HR records" },
  { value: "education", label: "Education, attendance and attainment" },
  { value: "family", label: "Family, lifestyle and social circumstances" },
  { value: "housing", label: "Housing and tenancy" },
  { value: "property", label: "Property and land ownership" },
  { value: "location", label: "Location and movements" },
  { value: "images", label: "Photographs, video and CCTV" },
  { value: "online", label: "Online identifiers and device data" },
  { value: "correspondence", label: "Correspondence and case notes" },
  { value: "racial-ethnic-origin", label: "Racial or ethnic origin", special: true },
  { value: "political-opinions", label: "Political opinions", special: true },
  { value: "religious-beliefs", label: "Religious or philosophical beliefs", special: true },
  { value: "trade-union", label: "Trade union membership", special: true },
  { value: "genetic", label: "Genetic data", special: true },
  { value: "biometric", label: "Biometric data used to identify someone", special: true },
  { value: "health", label: "Health, including mental health and disability", special: true },
  { value: "sex-life-orientation", label: "Sex life or sexual orientation", special: true },
  {
    value: "criminal-offences",
    label: "Criminal convictions, offences and allegations",
    criminal: true,
  },
];

export const SPECIAL_CATEGORY_VALUES = PERSONAL_DATA_CATEGORIES.filter((c) => c.special).map(
  (c) => c.value,
);
export const CRIMINAL_OFFENCE_VALUES = PERSONAL_DATA_CATEGORIES.filter((c) => c.criminal).map(
  (c) => c.value,
);

/** Whether a list of personal-data categories includes special category (Art. 9) or criminal offence (Art. 10) data. */
export function sensitivity(categories: readonly string[]) {
  return {
    specialCategory: categories.some((c) => SPECIAL_CATEGORY_VALUES.includes(c)),
    criminalOffence: categories.some((c) => CRIMINAL_OFFENCE_VALUES.includes(c)),
  };
}

/** UK GDPR Art. 6(1). */
export const LAWFUL_BASES = [
  { value: "consent", label: "(a) Consent" },
  { value: "contract", label: "(b) Contract" },
  { value: "legal-obligation", label: "(c) Legal obligation" },
  { value: "vital-interests", label: "(d) Vital interests" },
  { value: "public-task", label: "(e) Public task" },
  {
    value: "legitimate-interests",
    label: "(f) Legitimate interests",
    hint: "Not available to a public authority performing its tasks",
  },
] as const satisfies readonly Term[];

/** UK GDPR Art. 9(2), with DPA 2018 Schedule 1 where it applies. */
export const SPECIAL_CATEGORY_CONDITIONS = [
  { value: "explicit-consent", label: "(a) Explicit consent" },
  {
    value: "employment-social-security",
    label: "(b) Employment, social security and social protection law",
  },
  { value: "vital-interests", label: "(c) Vital interests" },
  { value: "not-for-profit", label: "(d) Not-for-profit bodies" },
  { value: "made-public", label: "(e) Made public by the data subject" },
  { value: "legal-claims", label: "(f) Legal claims or judicial acts" },
  { value: "substantial-public-interest", label: "(g) Reasons of substantial public interest" },
  { value: "health-social-care", label: "(h) Health or social care" },
  { value: "public-health", label: "(i) Public health" },
  { value: "archiving-research", label: "(j) Archiving, research and statistics" },
] as const satisfies readonly Term[];

export const ASSET_TYPES = [
  { value: "system", label: "System or application" },
  { value: "dataset", label: "Dataset or database" },
  { value: "paper-files", label: "Paper files" },
  { value: "shared-drive", label: "Shared drive or document library" },
  { value: "other", label: "Other" },
] as const satisfies readonly Term[];

export const FORMATS = [
  { value: "electronic", label: "Electronic" },
  { value: "paper", label: "Paper" },
  { value: "hybrid", label: "Hybrid (electronic and paper)" },
] as const satisfies readonly Term[];

export const HOSTING = [
  { value: "on-premises", label: "On council premises" },
  { value: "data-centre", label: "Council data centre" },
  { value: "cloud", label: "Cloud service" },
  { value: "third-party", label: "Hosted by a third party" },
] as const satisfies readonly Term[];

export const CRITICALITY = [
  { value: "critical", label: "Critical" },
  { value: "high", label: "High" },
  { value: "medium", label: "Medium" },
  { value: "low", label: "Low" },
] as const satisfies readonly Term[];

export const VOLUMES = [
  { value: "under-1k", label: "Fewer than 1,000 people or records" },
  { value: "1k-10k", label: "1,000 to 10,000" },
  { value: "10k-100k", label: "10,000 to 100,000" },
  { value: "100k-1m", label: "100,000 to 1 million" },
  { value: "over-1m", label: "More than 1 million" },
] as const satisfies readonly Term[];

export const RISK_RATINGS = [
  { value: "low", label: "Low" },
  { value: "medium", label: "Medium" },
  { value: "high", label: "High" },
  { value: "very-high", label: "Very high" },
] as const satisfies readonly Term[];

export const LIKELIHOOD = [
  { value: "1", label: "1 Rare" },
  { value: "2", label: "2 Unlikely" },
  { value: "3", label: "3 Possible" },
  { value: "4", label: "4 Likely" },
  { value: "5", label: "5 Almost certain" },
] as const satisfies readonly Term[];

export const IMPACT = [
  { value: "1", label: "1 Negligible" },
  { value: "2", label: "2 Minor" },
  { value: "3", label: "3 Moderate" },
  { value: "4", label: "4 Major" },
  { value: "5", label: "5 Severe" },
] as const satisfies readonly Term[];

/** Likelihood × impact on the usual 5 × 5 grid: 1–3 low, 4–6 medium, 8–12 high, 15–25 very high. */
export function riskRating(likelihood: number, impact: number): string {
  const score = likelihood * impact;
  if (score >= 15) return "very-high";
  if (score >= 8) return "high";
  if (score >= 4) return "medium";
  return "low";
}

export const RECIPIENT_CATEGORIES = [
  { value: "council-services", label: "Other council services" },
  { value: "nhs", label: "NHS bodies" },
  { value: "police", label: "Police and criminal justice agencies" },
  { value: "local-authorities", label: "Other local authorities" },
  { value: "central-government", label: "Central government (DWP, HMRC, DfE)" },
  { value: "schools", label: "Schools and colleges" },
  { value: "processors", label: "Suppliers acting as processors" },
  { value: "regulators", label: "Regulators and inspectorates (ICO, Ofsted, CQC)" },
  { value: "courts", label: "Courts and tribunals" },
  { value: "voluntary-sector", label: "Voluntary and community sector partners" },
  { value: "public", label: "The public (published information)" },
] as const satisfies readonly Term[];

export const DPIA_STATUSES = [
  { value: "not-needed", label: "Not needed (screened out)" },
  { value: "needed", label: "Needed, not started" },
  { value: "in-progress", label: "In progress" },
  { value: "complete", label: "Complete" },
] as const satisfies readonly Term[];

export const FLOW_METHODS = [
  { value: "secure-email", label: "Secure email" },
  { value: "email", label: "Ordinary email" },
  { value: "sftp", label: "SFTP" },
  { value: "api", label: "API or system interface" },
  { value: "portal", label: "Web portal" },
  { value: "removable-media", label: "Removable media" },
  { value: "paper", label: "Paper, post or courier" },
  { value: "other", label: "Other" },
] as const satisfies readonly Term[];

export const FREQUENCIES = [
  { value: "real-time", label: "Real time" },
  { value: "daily", label: "Daily" },
  { value: "weekly", label: "Weekly" },
  { value: "monthly", label: "Monthly" },
  { value: "quarterly", label: "Quarterly" },
  { value: "annually", label: "Annually" },
  { value: "ad-hoc", label: "When needed" },
] as const satisfies readonly Term[];

/** UK GDPR Chapter V: what makes a transfer outside the UK lawful. */
export const TRANSFER_SAFEGUARDS = [
  { value: "adequacy", label: "UK adequacy regulations (Art. 45)" },
  { value: "idta", label: "International data transfer agreement (IDTA)" },
  { value: "addendum", label: "UK addendum to the EU standard contractual clauses" },
  { value: "bcr", label: "Binding corporate rules" },
  { value: "derogation", label: "An Art. 49 exception" },
  { value: "none", label: "None" },
] as const satisfies readonly Term[];

export const ENDPOINT_KINDS = [
  { value: "asset", label: "An information asset" },
  { value: "service", label: "A council service" },
  { value: "partner", label: "A partner organisation" },
] as const satisfies readonly Term[];

export const LABELS = {
  marking: labels(MARKINGS),
  dataSubject: labels(DATA_SUBJECT_CATEGORIES),
  personalData: labels(PERSONAL_DATA_CATEGORIES),
  lawfulBasis: labels(LAWFUL_BASES),
  specialCondition: labels(SPECIAL_CATEGORY_CONDITIONS),
  assetType: labels(ASSET_TYPES),
  format: labels(FORMATS),
  hosting: labels(HOSTING),
  criticality: labels(CRITICALITY),
  volume: labels(VOLUMES),
  riskRating: labels(RISK_RATINGS),
  likelihood: labels(LIKELIHOOD),
  impact: labels(IMPACT),
  recipient: labels(RECIPIENT_CATEGORIES),
  dpiaStatus: labels(DPIA_STATUSES),
  method: labels(FLOW_METHODS),
  frequency: labels(FREQUENCIES),
  safeguard: labels(TRANSFER_SAFEGUARDS),
  endpoint: labels(ENDPOINT_KINDS),
};
