/** Controlled lists used by the catalogue, its forms and its facets. */
export const LICENCES = {
  "OGL-UK-3.0": {
    title: "Open Government Licence v3.0",
    url: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
  },
  "CC-BY-4.0": {
    title: "Creative Commons Attribution 4.0",
    url: "https://creativecommons.org/licenses/by/4.0/",
  },
  "CC0-1.0": {
    title: "Creative Commons CC0 1.0",
    url: "https://creativecommons.org/publicdomain/zero/1.0/",
  },
  "OGL-UK-NC": {
    title: "Non-Commercial Government Licence",
    url: "https://www.nationalarchives.gov.uk/doc/non-commercial-government-licence/version/2/",
  },
} as const;
export type LicenceId = keyof typeof LICENCES;

/** Update frequencies with their EU frequency authority codes (used in DCAT). */
export const FREQUENCIES = {
  daily: { label: "Daily", eu: "DAILY" },
  weekly: { label: "Weekly", eu: "WEEKLY" },
  monthly: { label: "Monthly", eu: "MONTHLY" },
  quarterly: { label: "Quarterly", eu: "QUARTERLY" },
  annual: { label: "Every year", eu: "ANNUAL" },
  irregular: { label: "When it changes", eu: "IRREG" },
  never: { label: "Not updated", eu: "NEVER" },
} as const;
export type Frequency = keyof typeof FREQUENCIES;

export const THEMES = [
  "Spending",
  "Procurement",
  "Pay",
  "Organisation",
  "Land and property",
  "Housing",
  "Transport",
  "Environment",
  "Planning",
  "Democracy",
  "Counter-fraud",
  "Health and social care",
  "Education",
  "Community",
] as const;

export const FORMATS = ["CSV", "XLSX", "JSON", "GeoJSON", "PDF", "LINK"] as const;
export type ResourceFormat = (typeof FORMATS)[number];
export const TABULAR: readonly string[] = ["CSV", "XLSX"];

export const MEDIA_TYPES: Record<ResourceFormat, string> = {
  CSV: "text/csv",
  XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  JSON: "application/json",
  GeoJSON: "application/geo+json",
  PDF: "application/pdf",
  LINK: "text/html",
};

export function formatFromFileName(name: string): ResourceFormat | undefined {
  const ext = name.toLowerCase().split(".").pop() ?? "";
  return ({ csv: "CSV", xlsx: "XLSX", json: "JSON", geojson: "GeoJSON", pdf: "PDF" } as const)[
    ext as "csv"
  ];
}

/**
 * The format a resource is offered in: a link is CKAN's "HTML"; otherwise the published file's own format,
 * which differs from the resource's when a redaction turned a workbook into CSV.
 */
export function shownFormat(r: { format: string; published?: { fileName: string } }): string {
  if (r.format === "LINK") return "HTML";
  return (r.published && formatFromFileName(r.published.fileName)) || r.format;
}
