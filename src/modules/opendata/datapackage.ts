import type { DatastoreField } from "./datastore.ts";
import type { Dataset, Resource, Version } from "./opendata-service.ts";
import { slugify } from "./opendata-service.ts";
import { isQueryable, resourceUrl, safeIri } from "./presenters.ts";
import type { FieldConstraints, FieldType, SchemaField } from "./table-schema.ts";
import { LICENCES, MEDIA_TYPES } from "./vocabulary.ts";

/**
 * A published dataset as a Frictionless Data Package (https://specs.frictionlessdata.io/data-package/),
 * the descriptor that frictionless-py, the Data Package readers for R, Python and JavaScript, data.world
 * and Flatterer read. It keeps to Data Package v1 and is also a valid v2 package, which it says with `$schema`:
 * each v1 term that v2 renamed is written both ways (`profile` and `type: "table"`, `role` and `roles`).
 *
 * A table is described as its CSV download (`data.csv`), not as the upload: that CSV is written from the
 * typed Parquet file, so its header is the schema's field names in the file's column order (columns the
 * schema does not list come through as text), dates are ISO 8601, amounts are bare numbers, yes/no is
 * true/false and every value has had the spaces at its ends trimmed. The Table Schema below says exactly
 * that. The download is made on first request, so its size and hash are not known here and are left out;
 * files served as uploaded (PDF, JSON documents) carry both.
 */
export const DATA_PACKAGE_V2 = "https://datapackage.org/profiles/2.0/datapackage.json";

export interface DataPackageField {
  name: string;
  title?: string;
  description?: string;
  type: FieldType;
  constraints?: FieldConstraints;
}

export interface DataPackageResource {
  name: string;
  /** v1: "tabular-data-resource" for a table (v2 reads `type`). */
  profile?: "tabular-data-resource";
  type?: "table";
  path: string;
  title: string;
  description?: string;
  format: string;
  mediatype?: string;
  encoding?: string;
  bytes?: number;
  hash?: string;
  schema?: { fields: DataPackageField[]; primaryKey?: string[] };
  dialect?: Record<string, string | boolean>;
  sources?: { title: string; path: string }[];
}

export interface DataPackage {
  $schema: string;
  profile: "data-package";
  name: string;
  id: string;
  title: string;
  description: string;
  homepage: string;
  version: string;
  created: string;
  keywords?: string[];
  licenses: { name: string; path?: string; title?: string }[];
  contributors: {
    title: string;
    path?: string;
    email?: string;
    organization?: string;
    role: string;
    roles: string[];
  }[];
  sources?: { title: string; path?: string }[];
  resources: DataPackageResource[];
}

export interface DataPackageContext {
  /** The site's address (scheme and host), which every path in the descriptor starts with. */
  base: string;
  council: string;
  /** Each table resource's columns as its Parquet file has them (`_id` is dropped), by resource id. */
  tables: ReadonlyMap<string, readonly DatastoreField[]>;
  /** The information asset the data comes from, as the dataset page shows it. */
  sourceAsset?: { reference: string; name: string } | null;
}

/** The Data Package's name for an identifier: lower case letters, digits, `-`, `_` and `.` only. */
export function packageName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9._-]+/g, "-");
}

/** How DuckDB's column types (as the datastore names them) are written in the CSV download. */
const TYPE_IN_CSV: Record<string, FieldType> = {
  int: "integer",
  numeric: "number",
  date: "date",
  bool: "boolean",
};

/**
 * One column of the CSV download: its type is the Parquet column's, and the recorded field adds its title,
 * description and the constraints the check enforced that still hold after typing. A pattern, enum or length
 * on a number or date was checked against the text as uploaded ("£1,234"), so it is left out.
 */
export function downloadField(column: DatastoreField, recorded?: SchemaField): DataPackageField {
  let type: FieldType = TYPE_IN_CSV[column.type] ?? "string";
  if (type === "integer" && recorded?.type === "year") type = "year";
  const field: DataPackageField = {
    name: column.id,
    ...(recorded?.title ? { title: recorded.title } : {}),
    ...(recorded?.description ? { description: recorded.description } : {}),
    type,
  };
  const c = recorded?.type === type ? recorded.constraints : undefined;
  if (!c) return field;
  const out: FieldConstraints = {};
  if (c.required) out.required = true;
  if (c.unique) out.unique = true;
  if (type === "string") {
    if (c.pattern) out.pattern = c.pattern;
    if (c.minLength !== undefined) out.minLength = Number(c.minLength);
    if (c.maxLength !== undefined) out.maxLength = Number(c.maxLength);
    if (c.enum?.length) out.enum = [...c.enum];
  } else if (type === "date") {
    const iso = (v: unknown) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v);
    if (iso(c.minimum)) out.minimum = c.minimum;
    if (iso(c.maximum)) out.maximum = c.maximum;
  } else if (type !== "boolean") {
    const n = (v: unknown) => (v === undefined || v === "" ? Number.NaN : Number(v));
    if (Number.isFinite(n(c.minimum))) out.minimum = n(c.minimum);
    if (Number.isFinite(n(c.maximum))) out.maximum = n(c.maximum);
  }
  if (Object.keys(out).length) field.constraints = out;
  return field;
}

/** The Table Schema of a table's CSV download. */
export function downloadSchema(columns: readonly DatastoreField[], version: Version) {
  const recorded = version.report?.schema;
  const byName = new Map((recorded?.fields ?? []).map((f) => [f.name, f]));
  const fields = columns
    .filter((c) => c.id !== "_id")
    .map((c) => downloadField(c, byName.get(c.id)));
  const names = new Set(fields.map((f) => f.name));
  const key = recorded?.primaryKey;
  const primaryKey = key === undefined ? [] : Array.isArray(key) ? key : [key];
  return primaryKey.length && primaryKey.every((k) => names.has(k))
    ? { fields, primaryKey }
    : { fields };
}

function fileFormat(fileName: string): string {
  const ext = fileName.toLowerCase().split(".").pop() ?? "";
  return /^[a-z0-9]{1,10}$/.test(ext) ? ext : "bin";
}

function mediaType(v: Version): string | undefined {
  const type = v.mediaType.split(";")[0].trim().toLowerCase();
  return /^[^/\s]+\/[^/\s]+$/.test(type) ? type : undefined;
}

/** A published resource as a Data Resource: a table as its CSV download, anything else as served. */
function dataResource(
  d: Dataset,
  r: Resource,
  name: string,
  context: DataPackageContext,
): DataPackageResource {
  const common = {
    name,
    title: r.name,
    ...(r.description.trim() ? { description: r.description } : {}),
  };
  if (r.format === "LINK")
    return {
      ...common,
      path: safeIri(r.linkUrl ?? `${context.base}/data/${d.slug}`),
      format: "html",
      mediatype: MEDIA_TYPES.LINK,
    };
  const v = r.published as Version;
  const original = resourceUrl(context.base, d, r);
  const columns = context.tables.get(r.id);
  if (isQueryable(r) && columns)
    return {
      ...common,
      profile: "tabular-data-resource",
      type: "table",
      path: `${context.base}/data/${d.slug}/resources/${r.id}/data.csv`,
      format: "csv",
      mediatype: "text/csv",
      encoding: "utf-8",
      // DuckDB's CSV writer: a header row, commas, double quotes doubled inside quoted values, \n.
      dialect: {
        header: true,
        delimiter: ",",
        quoteChar: '"',
        doubleQuote: true,
        lineTerminator: "\n",
      },
      schema: downloadSchema(columns, v),
      sources: [{ title: `${v.fileName} (version ${v.version}, as uploaded)`, path: original }],
    };
  const type = mediaType(v);
  return {
    ...common,
    path: original,
    format: fileFormat(v.fileName),
    ...(type ? { mediatype: type } : {}),
    bytes: v.bytes,
    ...(v.sha256 && /^[0-9a-f]{64}$/i.test(v.sha256) ? { hash: `sha256:${v.sha256}` } : {}),
  };
}

/**
 * `1.N.0`: N counts the publications after the first that brought new data (every version published at
 * once shares one time), so the number moves when the data does and never when only the wording changes.
 */
function packageVersion(d: Dataset): string {
  const times = new Set(
    d.resources.flatMap((r) =>
      r.versions.flatMap((v) => (v.publishedAt ? [v.publishedAt.getTime()] : [])),
    ),
  );
  return `1.${Math.max(0, times.size - 1)}.0`;
}

/** The Data Package descriptor of a published dataset, with only its published versions. */
export function dataPackage(d: Dataset, context: DataPackageContext): DataPackage {
  const { base, council } = context;
  const homepage = `${base}/data/${d.slug}`;
  const licence = LICENCES[d.licence as keyof typeof LICENCES];
  const publisher = d.serviceAreaName ? `${council} – ${d.serviceAreaName}` : council;
  const keywords = [...new Set([...d.keywords, ...d.themes].map((k) => k.trim()).filter(Boolean))];
  const used = new Set<string>();
  const resources = d.resources
    .filter((r) => r.format === "LINK" || r.published)
    .map((r, i) => {
      const wanted = packageName(slugify(r.name)) || `resource-${i + 1}`;
      let name = wanted;
      for (let n = 2; used.has(name); n++) name = `${wanted}-${n}`;
      used.add(name);
      return dataResource(d, r, name, context);
    });
  return {
    $schema: DATA_PACKAGE_V2,
    profile: "data-package",
    name: packageName(d.slug),
    id: d.id,
    title: d.title,
    description: d.description.trim() || d.title,
    homepage,
    version: packageVersion(d),
    created: (d.publishedAt ?? d.createdAt).toISOString(),
    ...(keywords.length ? { keywords } : {}),
    licenses: [
      licence
        ? { name: d.licence, path: licence.url, title: licence.title }
        : { name: packageName(d.licence) || "other" },
    ],
    contributors: [
      {
        title: publisher,
        path: `${base}/`,
        organization: council,
        role: "publisher",
        roles: ["publisher"],
      },
      ...(d.contactName || d.contactEmail
        ? [
            {
              title: d.contactName ?? publisher,
              ...(d.contactEmail ? { email: d.contactEmail } : {}),
              organization: council,
              role: "maintainer",
              roles: ["contact"],
            },
          ]
        : []),
    ],
    ...(context.sourceAsset
      ? {
          sources: [
            {
              title: `${context.sourceAsset.reference} ${context.sourceAsset.name} (${council}'s Information Asset Register)`,
            },
          ],
        }
      : {}),
    resources,
  };
}
