/** The ICO breach report form's lists, as the council records them. */
export interface Option {
  value: string;
  text: string;
  hint?: string;
}

export const CAUSES: Option[] = [
  { value: "email-wrong-recipient", text: "Data emailed to the wrong recipient" },
  { value: "post-wrong-recipient", text: "Data posted or delivered to the wrong recipient" },
  { value: "no-bcc", text: "Failure to use BCC" },
  { value: "failure-to-redact", text: "Failure to redact" },
  { value: "lost-device", text: "Loss or theft of a device (laptop, phone, memory stick)" },
  { value: "lost-paperwork", text: "Loss or theft of paperwork" },
  { value: "unauthorised-access", text: "Unauthorised access or disclosure" },
  { value: "verbal-disclosure", text: "Verbal disclosure" },
  { value: "insecure-disposal", text: "Insecure disposal" },
  { value: "other-non-cyber", text: "Other non-cyber incident" },
  { value: "phishing", text: "Cyber: phishing" },
  { value: "ransomware", text: "Cyber: ransomware" },
  { value: "malware", text: "Cyber: other malware" },
  { value: "brute-force", text: "Cyber: brute force password attack" },
  { value: "misconfiguration", text: "Cyber: system misconfiguration" },
  { value: "other-cyber", text: "Other cyber incident" },
];

export const DATA_CATEGORIES: (Option & {
  special?: boolean;
  criminal?: boolean;
  raises?: boolean;
})[] = [
  {
    value: "identifiers",
    text: "Basic personal identifiers",
    hint: "For example name, contact details",
  },
  {
    value: "identification",
    text: "Identification data",
    hint: "For example usernames, passwords",
    raises: true,
  },
  {
    value: "financial",
    text: "Economic and financial data",
    hint: "For example bank details, benefits",
    raises: true,
  },
  {
    value: "official-documents",
    text: "Official documents",
    hint: "For example driving licences, passports",
    raises: true,
  },
  { value: "location", text: "Location data" },
  { value: "racial-ethnic", text: "Racial or ethnic origin", special: true },
  { value: "political", text: "Political opinions", special: true },
  { value: "religious", text: "Religious or philosophical beliefs", special: true },
  { value: "trade-union", text: "Trade union membership", special: true },
  { value: "sex-life", text: "Sex life", special: true },
  { value: "sexual-orientation", text: "Sexual orientation", special: true },
  { value: "gender-reassignment", text: "Gender reassignment", special: true },
  { value: "health", text: "Health data", special: true },
  { value: "genetic", text: "Genetic data", special: true },
  { value: "biometric", text: "Biometric data", special: true },
  { value: "criminal", text: "Criminal convictions or offences", criminal: true },
  { value: "not-known", text: "Not yet known" },
  { value: "other", text: "Other" },
];

export const SUBJECT_TYPES: (Option & { vulnerable?: boolean })[] = [
  { value: "residents", text: "Residents and service users" },
  { value: "tenants", text: "Tenants" },
  { value: "employees", text: "Employees" },
  { value: "councillors", text: "Councillors" },
  { value: "children", text: "Children", vulnerable: true },
  { value: "vulnerable-adults", text: "Vulnerable adults", vulnerable: true },
  { value: "patients", text: "Patients or people receiving care", vulnerable: true },
  { value: "not-known", text: "Not yet known" },
  { value: "other", text: "Other" },
];

/** The ICO form's question: how likely is it that people will suffer significant consequences? */
export const LIKELIHOODS: Option[] = [
  { value: "very-likely", text: "Very likely" },
  { value: "likely", text: "Likely" },
  { value: "neutral", text: "Neither likely nor unlikely" },
  { value: "unlikely", text: "Unlikely" },
  { value: "very-unlikely", text: "Very unlikely" },
  { value: "not-known", text: "Not yet known" },
];

export const SEVERITIES: Option[] = [
  { value: "minimal", text: "Minimal", hint: "Minor inconvenience, quickly overcome" },
  {
    value: "significant",
    text: "Significant",
    hint: "Distress, financial loss or other harm that people can overcome with some difficulty",
  },
  {
    value: "severe",
    text: "Severe",
    hint: "Serious or lasting harm: identity theft, physical harm, loss of a home or job, discrimination",
  },
  { value: "not-known", text: "Not yet known" },
];

export const CIA: Option[] = [
  {
    value: "confidentiality",
    text: "Confidentiality",
    hint: "Disclosed to, or accessed by, someone who should not have it",
  },
  { value: "integrity", text: "Integrity", hint: "Altered or corrupted" },
  {
    value: "availability",
    text: "Availability",
    hint: "Lost, or could not be reached when needed",
  },
];

export const YES_NO_UNKNOWN: Option[] = [
  { value: "yes", text: "Yes" },
  { value: "no", text: "No" },
  { value: "not-known", text: "Not known" },
];

export const OUTCOMES: Option[] = [
  { value: "not-reportable", text: "Not reportable: record it only" },
  { value: "report-to-ico", text: "Report to the ICO" },
  { value: "report-and-tell-people", text: "Report to the ICO and tell the people affected" },
];

export const RECIPIENTS: Option[] = [
  { value: "ico", text: "The ICO" },
  { value: "data-subjects", text: "The people affected" },
  { value: "police", text: "The police" },
  { value: "other", text: "Someone else (another regulator, a bank, a partner)" },
];

export const METHODS: Option[] = [
  { value: "ico-online-form", text: "ICO online form" },
  { value: "phone", text: "Phone" },
  { value: "email", text: "Email" },
  { value: "letter", text: "Letter" },
  { value: "in-person", text: "In person" },
  { value: "public-notice", text: "Public notice" },
];

export function labelOf(options: Option[], value: string | null | undefined): string {
  if (!value) return "";
  return options.find((o) => o.value === value)?.text ?? value;
}

export function labelsOf(options: Option[], values: readonly string[]): string[] {
  return values.map((v) => labelOf(options, v));
}

export const values = (options: Option[]) => options.map((o) => o.value) as [string, ...string[]];
