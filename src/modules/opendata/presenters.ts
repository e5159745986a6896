import type { Dataset, Resource } from "./opendata-service.ts";
import { slugify } from "./opendata-service.ts";
import { toRdfXml, xmlChars } from "./rdf-xml.ts";
import { PUBLICATION_CLASSES } from "./transparency-code.ts";
import { FREQUENCIES, LICENCES, shownFormat, TABULAR } from "./vocabulary.ts";

/** Presenters keep the database shape out of the APIs: CKAN's package and resource, DCAT-AP, schema.org. */
export function resourceUrl(base: string, d: Dataset, r: Resource): string {
  if (r.format === "LINK") return r.linkUrl ?? "";
  return `${base}/data/${d.slug}/resources/${r.id}/download/${encodeURIComponent(r.published?.fileName ?? "file")}`;
}

export function isQueryable(r: Resource): boolean {
  if (r.published?.state !== "checked") return false;
  // JSON and GeoJSON files of records are queryable when the check read them as a table.
  return TABULAR.includes(r.format) || r.published.report?.kind === "tabular";
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
    image_display_url: "",
  };
}

export function ckanResource(base: string, d: Dataset, r: Resource) {
  const v = r.published;
  return {
    id: r.id,
    package_id: d.id,
    name: r.name,
    description: r.description,
    format: shownFormat(r),
    url: resourceUrl(base, d, r),
    url_type: r.format === "LINK" ? null : "upload",
    resource_type: null,
    mimetype: v?.mediaType ?? null,
    mimetype_inner: null,
    cache_url: null,
    cache_last_updated: null,
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

/** Licences that meet the Open Definition (CKAN's `isopen`). */
const OPEN_LICENCES = new Set(["OGL-UK-3.0", "CC-BY-4.0", "CC0-1.0"]);

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
    isopen: OPEN_LICENCES.has(d.licence),
    creator_user_id: null,
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
    tags: d.keywords.map((k) => ({
      name: k,
      display_name: k,
      state: "active",
      vocabulary_id: null,
    })),
    groups: d.themes.map((t) => ({
      id: slugify(t),
      name: slugify(t),
      title: t,
      display_name: t,
      description: "",
      image_display_url: "",
    })),
    relationships_as_object: [],
    relationships_as_subject: [],
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
const EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/";
const IANA = "http://www.iana.org/assignments/media-types/";
const LOCAL_AUTHORITY = "http://purl.org/adms/publishertype/LocalAuthority";

/** Each catalogue theme's nearest EU data theme (DCAT-AP expects dcat:theme from that vocabulary). */
const EU_THEMES: Record<string, string> = {
  Spending: "GOVE",
  Procurement: "GOVE",
  Pay: "GOVE",
  Organisation: "GOVE",
  "Land and property": "REGI",
  Housing: "SOCI",
  Transport: "TRAN",
  Environment: "ENVI",
  Planning: "REGI",
  Democracy: "GOVE",
  "Counter-fraud": "JUST",
  "Health and social care": "HEAL",
  Education: "EDUC",
  Community: "SOCI",
};

/**
 * An IRI safe to write in Turtle, JSON-LD and RDF/XML alike: characters RFC 3987 does not allow (spaces,
 * <>"{}|\^`, controls, U+FFFE and U+FFFF) are percent-encoded and half a surrogate pair becomes U+FFFD, so
 * every serialisation names the same resource.
 */
export function safeIri(iri: string): string {
  return iri
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD")
    .replace(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: controls are what is being encoded
      /[\u0000-\u0020<>"{}|\\^`\u007f\uFFFE\uFFFF]/g,
      encodeURIComponent,
    );
}

/**
 * Text from council staff as every serialisation can carry it. RDF/XML cannot hold most control characters
 * at all (XML 1.0 forbids them), so they leave the tree here and the JSON-LD, Turtle and RDF/XML keep the
 * same literal; a vertical tab or form feed, which word processors paste for a line break, becomes one.
 */
function plainText(s: string): string {
  return xmlChars(s.replace(/[\v\f]/g, "\n"));
}

const en = (value: string) => ({ "@value": plainText(value), "@language": "en" });
const dateTime = (d: Date) => ({ "@value": d.toISOString(), "@type": "xsd:dateTime" });
const day = (s: string) => ({ "@value": s, "@type": "xsd:date" });

function licenceIri(base: string, id: string): string {
  return (
    LICENCES[id as keyof typeof LICENCES]?.url ?? `${base}/data?licence=${encodeURIComponent(id)}`
  );
}

function publisher(base: string, council: string, serviceArea: string | null) {
  return serviceArea
    ? {
        "@id": `${base}/data?service=${slugify(serviceArea)}`,
        "@type": "foaf:Organization",
        "foaf:name": en(`${council} – ${serviceArea}`),
        "dct:type": { "@id": LOCAL_AUTHORITY },
      }
    : {
        "@id": `${base}/#publisher`,
        "@type": "foaf:Organization",
        "foaf:name": en(council),
        "dct:type": { "@id": LOCAL_AUTHORITY },
      };
}

/**
 * A dataset as DCAT-AP (2.x/3) in the form ckanext-dcat's euro_dcat_ap profiles read: language-tagged
 * title and description, typed dates, a vCard contact point, controlled vocabularies as IRIs (EU frequency,
 * file type and data theme; IANA media types) and a licence on every distribution.
 */
export function dcatDataset(base: string, d: Dataset, council: string) {
  const licence = licenceIri(base, d.licence);
  const landing = `${base}/data/${d.slug}`;
  const euThemes = [...new Set(d.themes.map((t) => EU_THEMES[t]).filter(Boolean))];
  return {
    "@id": landing,
    "@type": "dcat:Dataset",
    "dct:identifier": d.id,
    "dct:title": en(d.title),
    "dct:description": en(d.description || d.title),
    "dct:issued": dateTime(d.publishedAt ?? d.createdAt),
    "dct:modified": dateTime(d.updatedAt),
    "dct:publisher": publisher(base, council, d.serviceAreaName),
    "dcat:contactPoint":
      d.contactEmail || d.contactName
        ? {
            "@type": "vcard:Organization",
            "vcard:fn": en(d.contactName ?? d.serviceAreaName ?? council),
            "vcard:hasEmail": d.contactEmail
              ? { "@id": safeIri(`mailto:${d.contactEmail}`) }
              : undefined,
          }
        : undefined,
    "dcat:keyword": d.keywords.map(en),
    "dcat:theme": [
      ...euThemes.map((t) => ({ "@id": EU_THEME + t })),
      ...d.themes.map((t) => ({
        "@id": `${base}/data?theme=${slugify(t)}`,
        "@type": "skos:Concept",
        "skos:prefLabel": en(t),
      })),
    ],
    "dct:license": { "@id": licence },
    "dct:accrualPeriodicity": {
      "@id": EU_FREQ + (FREQUENCIES[d.frequency as keyof typeof FREQUENCIES]?.eu ?? "IRREG"),
    },
    "dct:language": { "@id": "http://publications.europa.eu/resource/authority/language/ENG" },
    "dct:temporal":
      d.temporalStart || d.temporalEnd
        ? {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": d.temporalStart ? day(d.temporalStart) : undefined,
            "dcat:endDate": d.temporalEnd ? day(d.temporalEnd) : undefined,
          }
        : undefined,
    "dct:spatial": d.spatial
      ? { "@type": "dct:Location", "skos:prefLabel": en(d.spatial) }
      : undefined,
    "dcat:landingPage": { "@id": landing },
    "dcat:distribution": d.resources.map((r) => {
      const v = r.published;
      const link = r.format === "LINK";
      return {
        "@id": `${landing}/resources/${r.id}`,
        "@type": "dcat:Distribution",
        "dct:title": en(r.name),
        "dct:description": r.description ? en(r.description) : undefined,
        "dcat:accessURL": { "@id": link ? safeIri(r.linkUrl ?? landing) : landing },
        "dcat:downloadURL": link || !v ? undefined : { "@id": safeIri(resourceUrl(base, d, r)) },
        "dcat:mediaType":
          link || !v?.mediaType
            ? undefined
            : { "@id": IANA + v.mediaType.split(";")[0].trim().toLowerCase() },
        "dct:format": {
          "@id": EU_FILE + shownFormat(r).toUpperCase(),
        },
        "dcat:byteSize": v
          ? { "@value": String(v.bytes), "@type": "xsd:nonNegativeInteger" }
          : undefined,
        "spdx:checksum": v?.sha256
          ? {
              "@type": "spdx:Checksum",
              "spdx:algorithm": { "@id": "http://spdx.org/rdf/terms#checksumAlgorithm_sha256" },
              "spdx:checksumValue": { "@value": v.sha256, "@type": "xsd:hexBinary" },
            }
          : undefined,
        "dct:license": { "@id": licence },
        "dct:issued": v?.publishedAt ? dateTime(v.publishedAt) : undefined,
        "dct:modified": v?.publishedAt ? dateTime(v.publishedAt) : undefined,
      };
    }),
  };
}

/** Prefixes of the catalogue. The JSON-LD context is inline (no remote context to fetch). */
const PREFIXES = {
  dcat: "http://www.w3.org/ns/dcat#",
  dct: "http://purl.org/dc/terms/",
  foaf: "http://xmlns.com/foaf/0.1/",
  vcard: "http://www.w3.org/2006/vcard/ns#",
  skos: "http://www.w3.org/2004/02/skos/core#",
  spdx: "http://spdx.org/rdf/terms#",
  xsd: "http://www.w3.org/2001/XMLSchema#",
} as const;

export const DCAT_CONTEXT = {
  ...PREFIXES,
  "dcat:theme": { "@container": "@set" },
  "dcat:keyword": { "@container": "@set" },
  "dcat:dataset": { "@container": "@set" },
  "dcat:distribution": { "@container": "@set" },
};

function catalogNode(base: string, datasets: Dataset[], council: string) {
  const modified = datasets.reduce<Date | undefined>(
    (m, d) => (!m || d.updatedAt > m ? d.updatedAt : m),
    undefined,
  );
  return {
    "@id": `${base}/catalog`,
    "@type": "dcat:Catalog",
    "dct:title": en(`${council} open data`),
    "dct:description": en(
      `Data published by ${council} under the Open Government Licence, including the Local Government Transparency Code datasets.`,
    ),
    "dct:publisher": publisher(base, council, null),
    "dct:language": { "@id": "http://publications.europa.eu/resource/authority/language/ENG" },
    "dct:license": { "@id": LICENCES["OGL-UK-3.0"].url },
    "dct:modified": modified ? dateTime(modified) : undefined,
    "foaf:homepage": { "@id": `${base}/data` },
    "dcat:themeTaxonomy": { "@id": EU_THEME.replace(/\/$/, "") },
    "dcat:dataset": datasets.map((d) => dcatDataset(base, d, council)),
  };
}

/** A Turtle string literal: escapes what the grammar requires (\, ", line breaks) and other controls. */
export function ttlString(s: string): string {
  return `"${s.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: controls are what is being escaped
    /[\\"\u0000-\u001f\u007f]/g,
    (c) =>
      ({ "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" })[c] ??
      `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`,
  )}"`;
}

type JsonLdNode = { [key: string]: unknown };

/** Writes the JSON-LD tree above (compact IRIs with these prefixes, nested nodes) as Turtle. */
function toTurtle(root: JsonLdNode): string {
  const iri = (id: string) => {
    const m = /^(\w+):(.*)$/.exec(id);
    if (m && m[1] in PREFIXES && !id.includes("//")) return id;
    return `<${safeIri(id)}>`;
  };
  const pending: JsonLdNode[] = [];
  const written = new Set<string>();
  const term = (v: unknown, indent: string): string | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v === "string") return ttlString(v);
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    const o = v as JsonLdNode;
    if ("@value" in o) {
      const lit = ttlString(String(o["@value"]));
      if (o["@language"]) return `${lit}@${o["@language"]}`;
      return o["@type"] ? `${lit}^^${iri(String(o["@type"]))}` : lit;
    }
    const keys = Object.keys(o).filter((k) => k !== "@id" && o[k] !== undefined);
    if (typeof o["@id"] === "string") {
      if (keys.length) pending.push(o);
      return iri(o["@id"]);
    }
    return `[\n${body(o, `${indent}  `)}\n${indent}]`;
  };
  const body = (node: JsonLdNode, indent: string): string => {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(node)) {
      if (key === "@id" || key === "@context" || value === undefined) continue;
      const values = (Array.isArray(value) ? value : [value])
        .map((v) => (key === "@type" ? iri(String(v)) : term(v, indent)))
        .filter((v): v is string => v !== undefined);
      if (values.length)
        parts.push(`${indent}${key === "@type" ? "a" : iri(key)} ${values.join(", ")}`);
    }
    return parts.join(" ;\n");
  };
  const lines = Object.entries(PREFIXES).map(([p, ns]) => `@prefix ${p}: <${ns}> .`);
  lines.push("");
  pending.push(root);
  while (pending.length) {
    const node = pending.shift() as JsonLdNode;
    const id = String(node["@id"]);
    const text = `${iri(id)}\n${body(node, "  ")} .\n`;
    // A node met twice (the publisher) is written once; its descriptions are identical.
    if (written.has(text)) continue;
    written.add(text);
    lines.push(text);
  }
  return lines.join("\n");
}

/** DCAT documents as ckanext-dcat serves them (`.rdf` and `.xml` are both RDF/XML, its default). */
export const DCAT_MEDIA_TYPES = {
  jsonld: "application/ld+json; charset=utf-8",
  ttl: "text/turtle; charset=utf-8",
  rdf: "application/rdf+xml; charset=utf-8",
  xml: "application/rdf+xml; charset=utf-8",
} as const;
export type DcatFormat = keyof typeof DCAT_MEDIA_TYPES;

export function isDcatFormat(ext: string): ext is DcatFormat {
  return Object.hasOwn(DCAT_MEDIA_TYPES, ext);
}

/**
 * One tree, three serialisations: JSON-LD with the inline context, Turtle, RDF/XML. Each is written from
 * the same nodes, so they are one graph (test/standards/dcat.test.ts parses all three and compares).
 */
function serialise(node: JsonLdNode, format: DcatFormat): string {
  if (format === "jsonld") return JSON.stringify({ "@context": DCAT_CONTEXT, ...node });
  if (format === "ttl") return toTurtle(node);
  return toRdfXml(node, PREFIXES);
}

/**
 * The catalogue as DCAT-AP. Its IRI is `{base}/catalog` in every serialisation, so /catalog.jsonld,
 * /catalog.ttl and /catalog.rdf describe one graph.
 */
export function dcatCatalogAs(
  format: DcatFormat,
  base: string,
  datasets: Dataset[],
  council: string,
): string {
  return serialise(catalogNode(base, datasets, council), format);
}

/** One dataset (with its distributions) on its own, as ckanext-dcat's /dataset/{id}.{format}. */
export function dcatDatasetAs(format: DcatFormat, base: string, d: Dataset, council: string) {
  return serialise(dcatDataset(base, d, council), format);
}

/** What the `Accept` header asks for, as ckanext-dcat's content negotiation reads it. */
const NEGOTIABLE: Record<string, DcatFormat> = {
  "application/ld+json": "jsonld",
  "text/turtle": "ttl",
  "application/rdf+xml": "rdf",
  "text/*": "ttl",
  "application/*": "rdf",
};

/**
 * The DCAT serialisation an `Accept` header prefers, or undefined for a web page. As ckanext-dcat's
 * parse_accept_header: media ranges by falling quality (ties in the client's order); `text/html` first means
 * the page; `text/*` and `application/*` take our first serialisation of that type; the full wildcard asks
 * for nothing in particular, so it gets the page too. Unlike ckanext-dcat, `q=0` means "not this" (RFC 9110).
 */
export function dcatFormatFor(accept: string | undefined): DcatFormat | undefined {
  const ranges = (accept ?? "")
    .split(",")
    .map((part, i) => {
      const [type, ...params] = part.split(";").map((x) => x.trim().toLowerCase());
      const q = params.find((p) => /^q\s*=/.test(p));
      return { type, q: q ? Number.parseFloat(q.replace(/^q\s*=\s*/, "")) : 1, i };
    })
    .filter((r) => r.type && r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { type } of ranges) {
    if (type === "text/html") return undefined;
    if (Object.hasOwn(NEGOTIABLE, type)) return NEGOTIABLE[type];
  }
  return undefined;
}

/**
 * A description Google Dataset Search accepts (50 to 5,000 characters): a short one is completed with who
 * publishes it, a long one cut at a word.
 */
function searchDescription(d: Dataset, council: string): string {
  let text = d.description.trim() || d.title;
  if (text.length < 50)
    text = `${text}${/[.!?]$/.test(text) ? "" : "."} Open data published by ${council} under the ${LICENCES[d.licence as keyof typeof LICENCES]?.title ?? "Open Government Licence"}.`;
  if (text.length < 50) text = `${text} Download it or query it through the CKAN API.`;
  if (text.length > 5000) text = `${text.slice(0, 4999).replace(/\s+\S*$/, "")}…`;
  return text;
}

/**
 * schema.org Dataset for search engines (Google Dataset Search reads this from the page): name,
 * description, url, licence, creator, a DataDownload (encodingFormat + contentUrl) per published file, and
 * temporal and spatial coverage where known. The context is the schema.org IRI search engines recognise.
 */
export function schemaOrgDataset(base: string, d: Dataset, council: string) {
  const publisherOrg = {
    "@type": "GovernmentOrganization",
    name: council,
    url: `${base}/`,
  };
  const temporal =
    d.temporalStart || d.temporalEnd
      ? `${d.temporalStart ?? ".."}/${d.temporalEnd ?? ".."}`
      : undefined;
  const downloads = dataDownloads(base, d);
  return {
    "@context": "https://schema.org/",
    "@type": "Dataset",
    "@id": `${base}/data/${d.slug}`,
    name: d.title,
    description: searchDescription(d, council),
    url: `${base}/data/${d.slug}`,
    identifier: d.id,
    keywords: [...new Set([...d.keywords, ...d.themes])],
    license: LICENCES[d.licence as keyof typeof LICENCES]?.url ?? d.licence,
    isAccessibleForFree: true,
    inLanguage: "en-GB",
    datePublished: (d.publishedAt ?? d.createdAt).toISOString(),
    dateModified: d.updatedAt.toISOString(),
    temporalCoverage: temporal,
    spatialCoverage: d.spatial ? { "@type": "Place", name: d.spatial } : undefined,
    creator: d.serviceAreaName
      ? {
          "@type": "GovernmentOrganization",
          name: `${council} – ${d.serviceAreaName}`,
          parentOrganization: publisherOrg,
        }
      : publisherOrg,
    publisher: publisherOrg,
    includedInDataCatalog: {
      "@type": "DataCatalog",
      name: `${council} open data`,
      url: `${base}/data`,
    },
    distribution: downloads.length ? downloads : undefined,
  };
}

function dataDownloads(base: string, d: Dataset) {
  return d.resources
    .filter((r) => r.format !== "LINK" && r.published)
    .map((r) => ({
      "@type": "DataDownload",
      name: r.name,
      encodingFormat: r.published?.mediaType,
      contentUrl: resourceUrl(base, d, r),
      ...(r.published?.bytes ? { contentSize: `${r.published.bytes} B` } : {}),
      ...(r.published?.publishedAt ? { dateModified: r.published.publishedAt.toISOString() } : {}),
    }));
}
