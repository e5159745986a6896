import type { Dataset, Resource } from "./opendata-service.ts";
import { slugify } from "./opendata-service.ts";
import { PUBLICATION_CLASSES } from "./transparency-code.ts";
import { FREQUENCIES, LICENCES, TABULAR } from "./vocabulary.ts";

/** Presenters keep the database shape out of the APIs: CKAN's package and resource, DCAT-AP, schema.org. */
export function resourceUrl(base: string, d: Dataset, r: Resource): string {
  if (r.format === "LINK") return r.linkUrl ?? "";
  return `${base}/data/${d.slug}/resources/${r.id}/download/${encodeURIComponent(r.published?.fileName ?? "file")}`;
}

export function isQueryable(r: Resource): boolean {
  return !!r.published && TABULAR.includes(r.format) && r.published.state === "checked";
}

export function ckanOrganization(
  d: Pick<Dataset, "serviceAreaId" | "serviceAreaName" | "createdAt">,
  council: string,
) {
  if (!d.serviceAreaId || !d.serviceAreaName) return null;
  return {
    id: d.serviceAreaId,
    name: slugify(d.serviceAreaName),
    title: d.serviceAreaName,
    type: "organization",
    description: `${d.serviceAreaName}, ${council}`,
    image_url: "",
    created: d.createdAt.toISOString(),
    is_organization: true,
    approval_status: "approved",
    state: "active",
  };
}

export function ckanResource(base: string, d: Dataset, r: Resource) {
  const v = r.published;
  return {
    id: r.id,
    package_id: d.id,
    name: r.name,
    description: r.description,
    format: r.format === "LINK" ? "HTML" : r.format,
    url: resourceUrl(base, d, r),
    url_type: r.format === "LINK" ? null : "upload",
    mimetype: v?.mediaType ?? null,
    size: v?.bytes ?? null,
    hash: v?.sha256 ? `sha256:${v.sha256}` : "",
    created: r.createdAt.toISOString(),
    last_modified: v?.publishedAt?.toISOString() ?? null,
    metadata_modified: v?.publishedAt?.toISOString() ?? r.createdAt.toISOString(),
    position: r.position - 1,
    state: "active",
    datastore_active: isQueryable(r),
    version: v?.version ?? null,
    period: r.period,
    schema: r.schemaName,
  };
}

export function ckanPackage(base: string, d: Dataset, council: string) {
  const licence = LICENCES[d.licence as keyof typeof LICENCES];
  return {
    id: d.id,
    name: d.slug,
    title: d.title,
    notes: d.description,
    type: "dataset",
    state: "active",
    private: false,
    license_id: d.licence,
    license_title: licence?.title ?? d.licence,
    license_url: licence?.url ?? null,
    metadata_created: d.createdAt.toISOString(),
    metadata_modified: d.updatedAt.toISOString(),
    maintainer: d.contactName,
    maintainer_email: d.contactEmail,
    author: d.serviceAreaName,
    author_email: null,
    url: `${base}/data/${d.slug}`,
    version: null,
    owner_org: d.serviceAreaId,
    organization: ckanOrganization(d, council),
    num_resources: d.resources.length,
    num_tags: d.keywords.length,
    tags: d.keywords.map((k) => ({ name: k, display_name: k, state: "active" })),
    groups: d.themes.map((t) => ({ name: slugify(t), title: t, display_name: t })),
    extras: [
      { key: "frequency", value: d.frequency },
      { key: "temporal_start", value: d.temporalStart ?? "" },
      { key: "temporal_end", value: d.temporalEnd ?? "" },
      { key: "spatial_text", value: d.spatial ?? "" },
      {
        key: "publication_scheme_class",
        value: PUBLICATION_CLASSES[d.publicationClass as keyof typeof PUBLICATION_CLASSES] ?? "",
      },
      ...(d.template ? [{ key: "transparency_code", value: d.template }] : []),
    ],
    resources: d.resources.map((r) => ckanResource(base, d, r)),
  };
}

const EU_FREQ = "http://publications.europa.eu/resource/authority/frequency/";
const EU_FILE = "http://publications.europa.eu/resource/authority/file-type/";

export function dcatDataset(base: string, d: Dataset, council: string) {
  const licence = LICENCES[d.licence as keyof typeof LICENCES];
  return {
    "@id": `${base}/data/${d.slug}`,
    "@type": "dcat:Dataset",
    "dct:identifier": d.id,
    "dct:title": d.title,
    "dct:description": d.description,
    "dct:issued": {
      "@value": (d.publishedAt ?? d.createdAt).toISOString(),
      "@type": "xsd:dateTime",
    },
    "dct:modified": { "@value": d.updatedAt.toISOString(), "@type": "xsd:dateTime" },
    "dct:publisher": {
      "@id": `${base}/#publisher`,
      "@type": "foaf:Organization",
      "foaf:name": d.serviceAreaName ? `${council} – ${d.serviceAreaName}` : council,
    },
    "dcat:contactPoint": d.contactEmail
      ? {
          "@type": "vcard:Organization",
          "vcard:fn": d.contactName ?? d.serviceAreaName ?? council,
          "vcard:hasEmail": { "@id": `mailto:${d.contactEmail}` },
        }
      : undefined,
    "dcat:keyword": d.keywords,
    "dcat:theme": d.themes,
    "dct:license": { "@id": licence?.url ?? d.licence },
    "dct:accrualPeriodicity": {
      "@id": EU_FREQ + (FREQUENCIES[d.frequency as keyof typeof FREQUENCIES]?.eu ?? "IRREG"),
    },
    "dct:temporal":
      d.temporalStart || d.temporalEnd
        ? {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": d.temporalStart ?? undefined,
            "dcat:endDate": d.temporalEnd ?? undefined,
          }
        : undefined,
    "dct:spatial": d.spatial ? { "@type": "dct:Location", "skos:prefLabel": d.spatial } : undefined,
    "dcat:landingPage": { "@id": `${base}/data/${d.slug}` },
    "dcat:distribution": d.resources.map((r) => ({
      "@id": `${base}/data/${d.slug}/resources/${r.id}`,
      "@type": "dcat:Distribution",
      "dct:title": r.name,
      "dct:description": r.description || undefined,
      "dcat:accessURL": { "@id": `${base}/data/${d.slug}` },
      "dcat:downloadURL": r.format === "LINK" ? undefined : { "@id": resourceUrl(base, d, r) },
      "dcat:mediaType": r.published?.mediaType,
      "dct:format": {
        "@id":
          EU_FILE + (r.format === "LINK" ? "HTML" : r.format === "GeoJSON" ? "GEOJSON" : r.format),
      },
      "dcat:byteSize": r.published?.bytes,
      "dct:license": { "@id": licence?.url ?? d.licence },
      "dct:modified": r.published?.publishedAt?.toISOString(),
    })),
  };
}

export const DCAT_CONTEXT = {
  dcat: "http://www.w3.org/ns/dcat#",
  dct: "http://purl.org/dc/terms/",
  foaf: "http://xmlns.com/foaf/0.1/",
  vcard: "http://www.w3.org/2006/vcard/ns#",
  skos: "http://www.w3.org/2004/02/skos/core#",
  xsd: "http://www.w3.org/2001/XMLSchema#",
  "dcat:theme": { "@container": "@set" },
  "dcat:keyword": { "@container": "@set" },
};

export function dcatCatalog(base: string, datasets: Dataset[], council: string) {
  return {
    "@context": DCAT_CONTEXT,
    "@id": `${base}/catalog.jsonld`,
    "@type": "dcat:Catalog",
    "dct:title": `${council} open data`,
    "dct:description": `Data published by ${council} under the Open Government Licence, including the Local Government Transparency Code datasets.`,
    "dct:publisher": {
      "@id": `${base}/#publisher`,
      "@type": "foaf:Organization",
      "foaf:name": council,
    },
    "dct:language": { "@id": "http://publications.europa.eu/resource/authority/language/ENG" },
    "foaf:homepage": { "@id": `${base}/data` },
    "dcat:dataset": datasets.map((d) => dcatDataset(base, d, council)),
  };
}

function ttlString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "")}"`;
}

/** The same catalogue in Turtle. */
export function dcatTurtle(base: string, datasets: Dataset[], council: string): string {
  const lines = [
    "@prefix dcat: <http://www.w3.org/ns/dcat#> .",
    "@prefix dct: <http://purl.org/dc/terms/> .",
    "@prefix foaf: <http://xmlns.com/foaf/0.1/> .",
    "@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .",
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
    "",
    `<${base}/catalog.ttl> a dcat:Catalog ;`,
    `  dct:title ${ttlString(`${council} open data`)} ;`,
    `  dct:publisher <${base}/#publisher> ;`,
    `  foaf:homepage <${base}/data> ;`,
    `  dcat:dataset ${datasets.length ? datasets.map((d) => `<${base}/data/${d.slug}>`).join(", ") : "()"} .`,
    "",
    `<${base}/#publisher> a foaf:Organization ; foaf:name ${ttlString(council)} .`,
    "",
  ];
  for (const d of datasets) {
    const licence = LICENCES[d.licence as keyof typeof LICENCES]?.url ?? d.licence;
    lines.push(
      `<${base}/data/${d.slug}> a dcat:Dataset ;`,
      `  dct:identifier ${ttlString(d.id)} ;`,
      `  dct:title ${ttlString(d.title)} ;`,
      `  dct:description ${ttlString(d.description)} ;`,
      `  dct:modified ${ttlString(d.updatedAt.toISOString())}^^xsd:dateTime ;`,
      `  dct:publisher <${base}/#publisher> ;`,
      `  dct:license <${licence}> ;`,
      `  dct:accrualPeriodicity <${EU_FREQ}${FREQUENCIES[d.frequency as keyof typeof FREQUENCIES]?.eu ?? "IRREG"}> ;`,
      ...d.keywords.map((k) => `  dcat:keyword ${ttlString(k)} ;`),
      ...(d.contactEmail
        ? [
            `  dcat:contactPoint [ a vcard:Organization ; vcard:hasEmail <mailto:${d.contactEmail}> ] ;`,
          ]
        : []),
      `  dcat:landingPage <${base}/data/${d.slug}> ${d.resources.length ? ";" : "."}`,
    );
    d.resources.forEach((r, i) => {
      const end = i === d.resources.length - 1 ? "." : ";";
      lines.push(
        `  dcat:distribution [ a dcat:Distribution ; dct:title ${ttlString(r.name)} ; dcat:accessURL <${base}/data/${d.slug}> ;${
          r.format === "LINK"
            ? ""
            : ` dcat:downloadURL <${resourceUrl(base, d, r)}> ; dcat:mediaType ${ttlString(r.published?.mediaType ?? "")} ;`
        } dct:license <${licence}> ] ${end}`,
      );
    });
    lines.push("");
  }
  return lines.join("\n");
}

/** schema.org Dataset for search engines (Google Dataset Search reads this from the page). */
export function schemaOrgDataset(base: string, d: Dataset, council: string) {
  return {
    "@context": "https://schema.org/",
    "@type": "Dataset",
    name: d.title,
    description:
      d.description.length >= 50 ? d.description : `${d.description} Published by ${council}.`,
    url: `${base}/data/${d.slug}`,
    identifier: d.id,
    keywords: [...d.keywords, ...d.themes],
    license: LICENCES[d.licence as keyof typeof LICENCES]?.url ?? d.licence,
    isAccessibleForFree: true,
    dateModified: d.updatedAt.toISOString(),
    temporalCoverage:
      d.temporalStart && d.temporalEnd ? `${d.temporalStart}/${d.temporalEnd}` : undefined,
    spatialCoverage: d.spatial ?? undefined,
    creator: { "@type": "GovernmentOrganization", name: council },
    distribution: d.resources
      .filter((r) => r.format !== "LINK")
      .map((r) => ({
        "@type": "DataDownload",
        name: r.name,
        encodingFormat: r.published?.mediaType,
        contentUrl: resourceUrl(base, d, r),
      })),
  };
}
