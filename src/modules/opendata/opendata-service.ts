import { createHash } from "node:crypto";
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { sql } from "kysely";
import type { AuditContext, AuditService } from "../../platform/audit/audit-service.ts";
import { diff, systemActor } from "../../platform/audit/audit-service.ts";
import type { Db, DbOrTrx } from "../../platform/db/database.ts";
import type { JobsService } from "../../platform/jobs/jobs-service.ts";
import type { MailService } from "../../platform/mail/mail-service.ts";
import type { OrganisationService } from "../organisation/organisation-service.ts";
import { type CheckReport, checkTable, type Finding, openDuck, screenText } from "./checker.ts";
import { Datastore } from "./datastore.ts";
import { loadCsv } from "./duck.ts";
import { sha256File } from "./file-hash.ts";
import { jsonToTable } from "./json-table.ts";
import { SCREEN_RULES } from "./screen.ts";
import { ident, literal, type TableSchema, valueSql } from "./table-schema.ts";
import {
  CODE_TEMPLATES,
  codeTemplate,
  councilYear,
  namedSchema,
  PUBLICATION_CLASSES,
  type PublicationClass,
  periodsOf,
  readPeriod,
} from "./transparency-code.ts";
import {
  FORMATS,
  FREQUENCIES,
  formatFromFileName,
  LICENCES,
  MEDIA_TYPES,
  type ResourceFormat,
  TABULAR,
} from "./vocabulary.ts";
import { inspectXlsx } from "./xlsx.ts";

export class OpenDataInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface DatasetInput {
  slug?: string;
  title: string;
  description: string;
  serviceAreaId: string | null;
  contactName: string | null;
  contactEmail: string | null;
  themes: string[];
  keywords: string[];
  licence: string;
  frequency: string;
  temporalStart: string | null;
  temporalEnd: string | null;
  spatial: string | null;
  sourceAssetId: string | null;
  publicationClass: string;
  template: string | null;
}

export interface Version {
  id: string;
  resourceId: string;
  version: number;
  derivedFrom: string | null;
  fileName: string;
  mediaType: string;
  bytes: number;
  sha256: string | null;
  changeNote: string;
  state: "checking" | "checked" | "failed";
  jobId: string | null;
  rowCount: number | null;
  report: (CheckReport & { findings: Finding[] }) | null;
  gate: "pending" | "clean" | "blocked" | "cleared" | "invalid";
  review: ReviewRecord | null;
  publishedAt: Date | null;
  createdAt: Date;
  /** Taken back after publication (never published again): when, by whom and why. */
  withdrawal: { at: Date; byId: string | null; by: string | null; reason: string } | null;
}

export interface ReviewRecord {
  decision: "not-personal-data" | "redacted";
  reason: string;
  by: string;
  byId: string | null;
  at: string;
  findings: string[];
  redactedVersionId?: string;
  /** What the redaction did: columns, rows and counts of cells (never the values). */
  redactions?: RedactionDone[];
}

export interface Resource {
  id: string;
  datasetId: string;
  name: string;
  description: string;
  format: ResourceFormat;
  linkUrl: string | null;
  schemaName: string | null;
  period: string | null;
  position: number;
  createdAt: Date;
  versions: Version[];
  latest?: Version;
  /** The newest published version: what the public sees. */
  published?: Version;
}

export interface Dataset extends Omit<DatasetInput, "slug"> {
  id: string;
  slug: string;
  serviceAreaName: string | null;
  status: "draft" | "private" | "published" | "withdrawn";
  publishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  resources: Resource[];
}

/**
 * One thing a reviewer redacts in a column: the whole column (`drop`), the cells a screen rule flags
 * (`cells`; every non-empty cell without a rule), hand-picked rows (`rows`, numbered as the check report
 * numbers them: see `redactCsv`), or every cell whose value is exactly one of `values` (spaces at either
 * end ignored, case kept).
 */
export type Redaction =
  | { column: string; mode: "drop" }
  | { column: string; mode: "cells"; rule?: string }
  | { column: string; mode: "rows"; rows: number[] }
  | { column: string; mode: "values"; values: string[] };

/** What a redaction did, for the change note, the review record and the audit trail (never the values). */
export interface RedactionDone {
  column: string;
  mode: Redaction["mode"];
  rule?: string;
  rows?: number[];
  /** How many values the reviewer gave (mode `values`). */
  values?: number;
  /** Cells replaced (none for a dropped column). */
  cells: number;
}

export const REDACTED = "Redacted personal data";
/** At most this many hand-picked rows per column, and exact values per column, in one review. */
export const MAX_PICKED_ROWS = 1000;
export const MAX_PICKED_VALUES = 500;

/**
 * The rows a reviewer typed, like "12, 40-45, 101", as row numbers of the check report (the header is row
 * 1, so data is on rows 2 to `rows` + 1); or what is wrong with them, in words for an error message.
 */
export function parseRowList(text: string, rows: number): { rows: number[] } | { error: string } {
  const last = rows + 1;
  const picked = new Set<number>();
  // Commas, semicolons or spaces between items; a range's dash may have spaces around it.
  const parts = text
    .replace(/\s*[-–]\s*/g, "-")
    .split(/[\s,;]+/)
    .filter(Boolean);
  for (const part of parts) {
    const m = /^(\d{1,9})(?:-(\d{1,9}))?$/.exec(part);
    if (!m)
      return {
        error: `“${part.slice(0, 20)}” is not a row number or a range: enter rows like 12, 40-45, 101`,
      };
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from)
      return { error: `The range ${from}-${to} runs backwards: write it as ${to}-${from}` };
    if (from < 2)
      return { error: `Row ${from} is the header, not data: the data is on rows 2 to ${last}` };
    if (to > last)
      return { error: `Row ${to} is not in the file: the data is on rows 2 to ${last}` };
    if (to - from + 1 > MAX_PICKED_ROWS) return { error: tooManyRows };
    for (let row = from; row <= to; row++) picked.add(row);
  }
  if (!picked.size) return { error: "Enter the rows to redact, like 12, 40-45, 101" };
  if (picked.size > MAX_PICKED_ROWS) return { error: tooManyRows };
  return { rows: [...picked].sort((a, b) => a - b) };
}

const tooManyRows = `Pick at most ${MAX_PICKED_ROWS.toLocaleString("en-GB")} rows in a column: to redact more, replace its flagged values or remove the column`;

/** Rows as a reviewer would type them: "12, 40-45, 101"; after `limit` ranges, how many rows are left. */
export function rowRanges(rows: number[], limit = Number.POSITIVE_INFINITY): string {
  const out: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    let j = i;
    while (j + 1 < rows.length && rows[j + 1] === rows[j] + 1) j++;
    if (out.length === limit) return `${out.join(", ")} and ${rows.length - i} more`;
    out.push(j > i ? `${rows[i]}-${rows[j]}` : String(rows[i]));
    i = j;
  }
  return out.join(", ");
}

/** What is wrong with hand-picked rows or values (a form checks them first, with the same words). */
function redactionProblem(r: Redaction, rows: number): string | undefined {
  if (r.mode === "rows") {
    if (!r.rows.length) return `Enter the rows to redact in ${r.column}, like 12, 40-45, 101`;
    if (r.rows.length > MAX_PICKED_ROWS) return tooManyRows;
    const outside = r.rows.find((n) => !Number.isInteger(n) || n < 2 || n > rows + 1);
    if (outside !== undefined)
      return `Row ${outside} is not a row of data: the data is on rows 2 to ${rows + 1}`;
  }
  if (r.mode === "values") {
    const given = r.values.filter((v) => v.trim());
    if (!given.length) return `Enter the values to redact in ${r.column}, one on each line`;
    if (given.length > MAX_PICKED_VALUES)
      return `Enter at most ${MAX_PICKED_VALUES} values to redact in a column`;
  }
  return undefined;
}

/** A redaction in words, for the change note and the audit summary. */
function describeRedaction(d: RedactionDone, rangeLimit?: number): string {
  const cells = `${d.cells.toLocaleString("en-GB")} ${d.cells === 1 ? "cell" : "cells"}`;
  switch (d.mode) {
    case "drop":
      return `removed the column ${d.column}`;
    case "rows":
      return `replaced ${cells} in ${d.column} (rows ${rowRanges(d.rows ?? [], rangeLimit)}) with “${REDACTED}”`;
    case "values":
      return `replaced ${cells} in ${d.column} whose value was one of ${d.values} ${d.values === 1 ? "value" : "values"} given with “${REDACTED}”`;
    default:
      return `replaced ${d.cells === 1 ? "1 flagged value" : `${d.cells.toLocaleString("en-GB")} flagged values`} in ${d.column} with “${REDACTED}”`;
  }
}

/** Files up to this size are checked while the officer waits; larger ones by a job with progress. */
export const INLINE_CHECK_BYTES = 5 * 1024 * 1024;
/** JSON larger than this is screened as a document rather than parsed into a table in memory. */
const MAX_JSON_TABLE_BYTES = 200 * 1024 * 1024;

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/£/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 90);
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const dateText = (v: unknown) =>
  v instanceof Date ? v.toISOString().slice(0, 10) : v ? String(v).slice(0, 10) : null;

/**
 * The open-data catalogue: datasets, resources and every version of every file; the quality and
 * personal-data gate every file passes before it can be published; the Transparency Code compliance view.
 * Files are kept on disk under STEWARD_DATA_DIR/files/opendata/<resource>/<version>/ (large files stream
 * there and DuckDB reads them in place); the database keeps metadata and reports.
 */
export class OpenDataService {
  readonly datastore: Datastore;
  readonly filesDir: string;
  private catalogueCache: { stamp: string; datasets: Dataset[] } | undefined;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly deps: {
      dataDir: string;
      jobs: JobsService;
      mail: MailService;
      organisation: OrganisationService;
      igTeamEmail: string;
      assets?: {
        get(id: string): Promise<{ id: string; reference: string; name: string } | undefined>;
      };
    },
  ) {
    this.filesDir = join(deps.dataDir, "files", "opendata");
    this.datastore = new Datastore();
  }

  // ---------- reading ----------

  private toVersion(r: Record<string, unknown>): Version {
    return {
      id: String(r.id),
      resourceId: String(r.resource_id),
      version: Number(r.version),
      derivedFrom: (r.derived_from as string | null) ?? null,
      fileName: String(r.file_name),
      mediaType: String(r.media_type),
      bytes: Number(r.bytes),
      sha256: (r.sha256 as string | null) ?? null,
      changeNote: String(r.change_note ?? ""),
      state: r.state as Version["state"],
      jobId: (r.job_id as string | null) ?? null,
      rowCount: num(r.row_count),
      report: (r.report as Version["report"]) ?? null,
      gate: r.gate as Version["gate"],
      review: (r.review as ReviewRecord | null) ?? null,
      publishedAt: (r.published_at as Date | null) ?? null,
      createdAt: r.created_at as Date,
      withdrawal: r.withdrawn_at
        ? {
            at: r.withdrawn_at as Date,
            byId: (r.withdrawn_by as string | null) ?? null,
            by: (r.withdrawn_by_name as string | null) ?? null,
            reason: String(r.withdrawn_reason ?? ""),
          }
        : null,
    };
  }

  /** Versions with the name of whoever withdrew one. */
  private versions(db: DbOrTrx = this.db) {
    return db
      .selectFrom("opendata_versions as v")
      .leftJoin("users as wu", "wu.id", "v.withdrawn_by")
      .selectAll("v")
      .select("wu.display_name as withdrawn_by_name");
  }

  private async load(
    where: { ids?: string[]; status?: string[] },
    db: DbOrTrx = this.db,
  ): Promise<Dataset[]> {
    let q = db
      .selectFrom("opendata_datasets as d")
      .leftJoin("service_areas as s", "s.id", "d.service_area_id")
      .selectAll("d")
      .select("s.name as service_area_name");
    if (where.ids)
      q = q.where(
        "d.id",
        "in",
        where.ids.length ? where.ids : ["00000000-0000-0000-0000-000000000000"],
      );
    if (where.status) q = q.where("d.status", "in", where.status as Dataset["status"][]);
    const rows = await q.orderBy("d.title").execute();
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const resources = await db
      .selectFrom("opendata_resources")
      .selectAll()
      .where("dataset_id", "in", ids)
      .orderBy("position")
      .orderBy("created_at")
      .execute();
    const resourceIds = resources.map((r) => r.id);
    const versions = resourceIds.length
      ? await this.versions(db)
          .where("v.resource_id", "in", resourceIds)
          .orderBy("v.version", "desc")
          .execute()
      : [];
    const versionsBy = new Map<string, Version[]>();
    for (const v of versions) {
      const list = versionsBy.get(v.resource_id) ?? [];
      list.push(this.toVersion(v as unknown as Record<string, unknown>));
      versionsBy.set(v.resource_id, list);
    }
    const resourcesBy = new Map<string, Resource[]>();
    for (const r of resources) {
      const vs = versionsBy.get(r.id) ?? [];
      const list = resourcesBy.get(r.dataset_id) ?? [];
      list.push({
        id: r.id,
        datasetId: r.dataset_id,
        name: r.name,
        description: r.description,
        format: r.format as ResourceFormat,
        linkUrl: r.link_url,
        schemaName: r.schema_name,
        period: r.period,
        position: r.position,
        createdAt: r.created_at,
        versions: vs,
        latest: vs[0],
        published: vs.find((v) => v.publishedAt),
      });
      resourcesBy.set(r.dataset_id, list);
    }
    return rows.map((r) => ({
      id: r.id,
      slug: r.slug,
      title: r.title,
      description: r.description,
      serviceAreaId: r.service_area_id,
      serviceAreaName: r.service_area_name,
      contactName: r.contact_name,
      contactEmail: r.contact_email,
      themes: r.themes,
      keywords: r.keywords,
      licence: r.licence,
      frequency: r.frequency,
      temporalStart: dateText(r.temporal_start),
      temporalEnd: dateText(r.temporal_end),
      spatial: r.spatial,
      sourceAssetId: r.source_asset_id,
      publicationClass: r.publication_class,
      template: r.template,
      status: r.status,
      publishedAt: r.published_at,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      resources: resourcesBy.get(r.id) ?? [],
    }));
  }

  async get(idOrSlug: string): Promise<Dataset | undefined> {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrSlug);
    const row = await this.db
      .selectFrom("opendata_datasets")
      .select("id")
      .where(isUuid ? "id" : "slug", "=", idOrSlug)
      .executeTakeFirst();
    if (!row) return undefined;
    return (await this.load({ ids: [row.id] }))[0];
  }

  /** A dataset the public may see: published, with only its published versions. */
  async getPublished(idOrSlug: string): Promise<Dataset | undefined> {
    const all = await this.publishedCatalogue();
    return all.find((d) => d.slug === idOrSlug || d.id === idOrSlug);
  }

  async staffList(filter: { status?: string; q?: string } = {}): Promise<Dataset[]> {
    let q = this.db
      .selectFrom("opendata_datasets")
      .select("id")
      .orderBy("updated_at", "desc")
      .limit(500);
    if (filter.status) q = q.where("status", "=", filter.status as Dataset["status"]);
    if (filter.q) q = q.where("title", "ilike", `%${filter.q.replace(/[%_\\]/g, "\\$&")}%`);
    const ids = (await q.execute()).map((r) => r.id);
    const list = await this.load({ ids });
    return list.sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime());
  }

  /** Versions waiting for a personal-data decision. */
  async awaitingReview(): Promise<{ dataset: Dataset; resource: Resource; version: Version }[]> {
    const rows = await this.db
      .selectFrom("opendata_versions as v")
      .innerJoin("opendata_resources as r", "r.id", "v.resource_id")
      .select(["r.dataset_id", "v.id"])
      .where("v.gate", "=", "blocked")
      .execute();
    const datasets = await this.load({ ids: [...new Set(rows.map((r) => r.dataset_id))] });
    const out: { dataset: Dataset; resource: Resource; version: Version }[] = [];
    for (const d of datasets)
      for (const r of d.resources)
        if (r.latest?.gate === "blocked") out.push({ dataset: d, resource: r, version: r.latest });
    return out;
  }

  /**
   * Every published dataset with its published versions only, cached in memory until any dataset changes
   * (each write touches its dataset's updated_at, so one cheap query tells whether the cache is current).
   */
  async publishedCatalogue(): Promise<Dataset[]> {
    const stamp = await sql<{
      s: string;
    }>`SELECT count(*)::text || '/' || coalesce(max(updated_at)::text, '') AS s FROM opendata_datasets`.execute(
      this.db,
    );
    const key = stamp.rows[0]?.s ?? "";
    if (this.catalogueCache?.stamp === key) return this.catalogueCache.datasets;
    const datasets = (await this.load({ status: ["published"] })).map((d) => ({
      ...d,
      resources: d.resources
        .map((r) => ({ ...r, versions: r.versions.filter((v) => v.publishedAt) }))
        .map((r) => ({ ...r, latest: r.versions[0], published: r.versions[0] }))
        .filter((r) => r.format === "LINK" || r.published),
    }));
    this.catalogueCache = { stamp: key, datasets };
    return datasets;
  }

  // ---------- writing the catalogue ----------

  private async checkInput(input: DatasetInput): Promise<void> {
    if (!(input.licence in LICENCES)) throw new OpenDataInputError("licence", "Choose a licence");
    if (!(input.frequency in FREQUENCIES))
      throw new OpenDataInputError("frequency", "Choose how often it is updated");
    if (!(input.publicationClass in PUBLICATION_CLASSES))
      throw new OpenDataInputError("publicationClass", "Choose a class of the publication scheme");
    if (input.template && !codeTemplate(input.template))
      throw new OpenDataInputError("template", "Choose a Transparency Code dataset");
    if (input.temporalStart && input.temporalEnd && input.temporalEnd < input.temporalStart)
      throw new OpenDataInputError(
        "temporalEnd",
        "The end of the period covered must be after its start",
      );
    if (input.sourceAssetId && this.deps.assets) {
      const asset = await this.deps.assets.get(input.sourceAssetId).catch(() => undefined);
      if (!asset)
        throw new OpenDataInputError(
          "sourceAssetId",
          "Choose an information asset from the register",
        );
    }
  }

  private columns(input: DatasetInput) {
    return {
      title: input.title,
      description: input.description,
      service_area_id: input.serviceAreaId,
      contact_name: input.contactName,
      contact_email: input.contactEmail,
      themes: input.themes,
      keywords: input.keywords,
      licence: input.licence,
      frequency: input.frequency,
      temporal_start: input.temporalStart,
      temporal_end: input.temporalEnd,
      spatial: input.spatial,
      source_asset_id: input.sourceAssetId,
      publication_class: input.publicationClass,
      template: input.template,
    };
  }

  async create(ctx: AuditContext, input: DatasetInput): Promise<Dataset> {
    await this.checkInput(input);
    const slug = input.slug?.trim() || slugify(input.title);
    if (!/^[a-z0-9][a-z0-9-]{1,99}$/.test(slug))
      throw new OpenDataInputError(
        "slug",
        "The web address must be lower-case letters, numbers and hyphens",
      );
    const id = await this.db.transaction().execute(async (trx) => {
      const taken = await trx
        .selectFrom("opendata_datasets")
        .select("id")
        .where("slug", "=", slug)
        .executeTakeFirst();
      if (taken) throw new OpenDataInputError("slug", "A dataset already uses that web address");
      const row = await trx
        .insertInto("opendata_datasets")
        .values({ ...this.columns(input), slug, created_by: ctx.actorId })
        .returning("id")
        .executeTakeFirstOrThrow();
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "open-dataset",
          entityId: row.id,
          summary: `Dataset “${input.title}” created as a draft`,
          changes: { ...input, slug },
        },
        trx,
      );
      return row.id;
    });
    return (await this.load({ ids: [id] }))[0];
  }

  async update(ctx: AuditContext, id: string, input: DatasetInput): Promise<Dataset> {
    await this.checkInput(input);
    await this.db.transaction().execute(async (trx) => {
      const before = (await this.load({ ids: [id] }, trx))[0];
      if (!before) throw new OpenDataInputError("id", "No such dataset");
      await trx
        .updateTable("opendata_datasets")
        .set({ ...this.columns(input), updated_at: new Date() })
        .where("id", "=", id)
        .execute();
      const { slug: _slug, ...rest } = input;
      await this.audit.record(
        ctx,
        {
          action: "update",
          entityType: "open-dataset",
          entityId: id,
          summary: `Dataset “${input.title}” edited`,
          changes: diff(
            before as unknown as Record<string, unknown>,
            rest as unknown as Record<string, unknown>,
          ),
        },
        trx,
      );
    });
    return (await this.load({ ids: [id] }))[0];
  }

  async addResource(
    ctx: AuditContext,
    datasetId: string,
    input: {
      name: string;
      description?: string;
      format: string;
      linkUrl?: string | null;
      schemaName?: string | null;
      period?: string | null;
    },
  ): Promise<Resource> {
    if (!FORMATS.includes(input.format as ResourceFormat))
      throw new OpenDataInputError("format", "Choose a format");
    checkLinkUrl(input.format, input.linkUrl);
    if (input.schemaName && !namedSchema(input.schemaName))
      throw new OpenDataInputError("schemaName", "Choose a schema");
    const id = await this.db.transaction().execute(async (trx) => {
      const dataset = await trx
        .selectFrom("opendata_datasets")
        .select(["id", "title", "template"])
        .where("id", "=", datasetId)
        .executeTakeFirst();
      if (!dataset) throw new OpenDataInputError("datasetId", "No such dataset");
      input = { ...input, period: periodCode(input.period, dataset.template) };
      const position = await trx
        .selectFrom("opendata_resources")
        .select(sql<number>`coalesce(max(position), 0) + 1`.as("p"))
        .where("dataset_id", "=", datasetId)
        .executeTakeFirstOrThrow();
      const row = await trx
        .insertInto("opendata_resources")
        .values({
          dataset_id: datasetId,
          name: input.name,
          description: input.description ?? "",
          format: input.format,
          link_url: input.format === "LINK" ? (input.linkUrl ?? null) : null,
          schema_name: input.schemaName || null,
          period: input.period || null,
          position: Number(position.p),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await this.touch(trx, datasetId);
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "open-resource",
          entityId: row.id,
          summary: `Resource “${input.name}” added to “${dataset.title}”`,
          changes: { ...input, datasetId },
        },
        trx,
      );
      return row.id;
    });
    return this.resource(id) as Promise<Resource>;
  }

  /** A resource's name, description, period (read as addResource reads it) and, for a link, its address. */
  async updateResource(
    ctx: AuditContext,
    resourceId: string,
    input: { name: string; description?: string; period?: string | null; linkUrl?: string | null },
  ): Promise<Resource> {
    const resource = await this.resource(resourceId);
    if (!resource) throw new OpenDataInputError("resource", "No such resource");
    const [dataset] = await this.load({ ids: [resource.datasetId] });
    const period = periodCode(input.period, dataset?.template);
    checkLinkUrl(resource.format, input.linkUrl);
    const after = {
      name: input.name,
      description: input.description ?? "",
      period,
      linkUrl: resource.format === "LINK" ? (input.linkUrl ?? null) : null,
    };
    const before = {
      name: resource.name,
      description: resource.description,
      period: resource.period,
      linkUrl: resource.linkUrl,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("opendata_resources")
        .set({
          name: after.name,
          description: after.description,
          period: after.period,
          link_url: after.linkUrl,
        })
        .where("id", "=", resourceId)
        .execute();
      await this.touch(trx, resource.datasetId);
      await this.audit.record(
        ctx,
        {
          action: "update",
          entityType: "open-resource",
          entityId: resourceId,
          summary: `Resource “${after.name}” edited`,
          changes: diff(before, after),
        },
        trx,
      );
    });
    return (await this.resource(resourceId)) as Resource;
  }

  async resource(id: string): Promise<Resource | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const row = await this.db
      .selectFrom("opendata_resources")
      .select("dataset_id")
      .where("id", "=", id)
      .executeTakeFirst();
    if (!row) return undefined;
    const [d] = await this.load({ ids: [row.dataset_id] });
    return d?.resources.find((r) => r.id === id);
  }

  async version(id: string): Promise<Version | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const row = await this.versions().where("v.id", "=", id).executeTakeFirst();
    return row ? this.toVersion(row as unknown as Record<string, unknown>) : undefined;
  }

  private async touch(db: DbOrTrx, datasetId: string) {
    await db
      .updateTable("opendata_datasets")
      .set({ updated_at: new Date() })
      .where("id", "=", datasetId)
      .execute();
  }

  versionDir(resourceId: string, versionId: string): string {
    return join(this.filesDir, resourceId, versionId);
  }

  /** The stored upload of a version. */
  originalPath(v: Pick<Version, "resourceId" | "id" | "fileName">): string {
    const ext = (v.fileName.toLowerCase().split(".").pop() ?? "bin").replace(/[^a-z0-9]/g, "");
    return join(this.versionDir(v.resourceId, v.id), `original.${ext}`);
  }

  /** The CSV the checks read: the upload itself, or the first visible sheet of a workbook. */
  tablePath(v: Pick<Version, "resourceId" | "id" | "fileName">): string {
    return formatFromFileName(v.fileName) !== "CSV"
      ? join(this.versionDir(v.resourceId, v.id), "table.csv")
      : this.originalPath(v);
  }

  parquetPath(v: Pick<Version, "resourceId" | "id">): string {
    return join(this.versionDir(v.resourceId, v.id), "data.parquet");
  }

  /**
   * Stores a new file for a resource as its next version (the earlier ones stay available) and checks it:
   * small files at once, large ones in a job whose progress the resource page shows.
   */
  async addVersion(
    ctx: AuditContext,
    resourceId: string,
    file: {
      fileName: string;
      data?: Buffer;
      path?: string;
      changeNote?: string;
      derivedFrom?: string | null;
    },
    options: {
      inline?: boolean;
      progress?: (percent: number, message: string) => Promise<void>;
    } = {},
  ): Promise<Version> {
    const resource = await this.resource(resourceId);
    if (!resource) throw new OpenDataInputError("resourceId", "No such resource");
    if (resource.format === "LINK")
      throw new OpenDataInputError("file", "A link has no file to upload");
    const format = formatFromFileName(file.fileName);
    if (!format)
      throw new OpenDataInputError(
        "file",
        "The file must be a CSV, XLSX, JSON, GeoJSON or PDF file",
      );
    const allowed: Record<string, string[]> = {
      CSV: ["CSV"],
      XLSX: ["XLSX", "CSV"],
      JSON: ["JSON"],
      GeoJSON: ["GeoJSON", "JSON"],
      PDF: ["PDF"],
    };
    if (!allowed[resource.format]?.includes(format))
      throw new OpenDataInputError(
        "file",
        `This resource is ${resource.format}: upload a ${resource.format} file`,
      );
    const bytes = file.data ? file.data.length : file.path ? (await stat(file.path)).size : 0;
    if (bytes === 0) throw new OpenDataInputError("file", "The selected file is empty");
    const versionId = await this.db.transaction().execute(async (trx) => {
      const next = await trx
        .selectFrom("opendata_versions")
        .select(sql<number>`coalesce(max(version), 0) + 1`.as("n"))
        .where("resource_id", "=", resourceId)
        .executeTakeFirstOrThrow();
      const row = await trx
        .insertInto("opendata_versions")
        .values({
          resource_id: resourceId,
          version: Number(next.n),
          derived_from: file.derivedFrom ?? null,
          file_name: file.fileName.replace(/[/\\]/g, "_").slice(0, 200),
          media_type: MEDIA_TYPES[format],
          bytes,
          change_note: (file.changeNote ?? "").slice(0, 2000),
          created_by: ctx.actorId,
        })
        .returning(["id", "version"])
        .executeTakeFirstOrThrow();
      await this.touch(trx, resource.datasetId);
      await this.audit.record(
        ctx,
        {
          action: "upload",
          entityType: "open-resource",
          entityId: resourceId,
          summary: `Version ${row.version} of “${resource.name}” uploaded (${file.fileName})`,
          changes: {
            versionId: row.id,
            fileName: file.fileName,
            bytes,
            changeNote: file.changeNote ?? "",
          },
        },
        trx,
      );
      return row.id;
    });
    const stored = { resourceId, id: versionId, fileName: file.fileName };
    await mkdir(this.versionDir(resourceId, versionId), { recursive: true });
    const target = this.originalPath(stored);
    const store = async () => {
      let sha256: string;
      if (file.data) {
        await writeFile(target, file.data);
        sha256 = createHash("sha256").update(file.data).digest("hex");
      } else sha256 = await copyAndHash(file.path as string, target);
      await this.db
        .updateTable("opendata_versions")
        .set({ sha256 })
        .where("id", "=", versionId)
        .execute();
    };
    const inline = options.inline ?? bytes <= INLINE_CHECK_BYTES;
    if (inline && file.path && format === "CSV") {
      // The check reads the upload itself while it is copied into the store and hashed.
      const stored = store();
      stored.catch(() => {}); // awaited by checkVersion, even if it fails before it gets there
      await this.checkVersion(versionId, options.progress, { readFrom: file.path, stored });
    } else if (inline) {
      await store();
      await this.checkVersion(versionId, options.progress);
    } else {
      await store();
      const jobId = await this.deps.jobs.enqueue("opendata.check", { versionId });
      await this.db
        .updateTable("opendata_versions")
        .set({ job_id: jobId ?? null })
        .where("id", "=", versionId)
        .execute();
    }
    return (await this.version(versionId)) as Version;
  }

  /** The gate: validation against the schema and the personal-data screen. Decides whether the version may be published. */
  async checkVersion(
    versionId: string,
    progress?: (percent: number, message: string) => Promise<void>,
    /** A CSV upload checked from where it is while `stored` copies it into the store. */
    upload?: { readFrom: string; stored: Promise<void> },
  ): Promise<Version> {
    const version = await this.version(versionId);
    if (!version) throw new Error(`No version ${versionId}`);
    const resource = await this.resource(version.resourceId);
    if (!resource) throw new Error(`No resource ${version.resourceId}`);
    const [dataset] = await this.load({ ids: [resource.datasetId] });
    const format = formatFromFileName(version.fileName) ?? resource.format;
    const checking = this.runChecks(
      version,
      format,
      resource.schemaName ?? dataset?.template ?? null,
      progress,
      upload?.readFrom,
    ).catch((err) =>
      emptyReport(err instanceof Error ? err.message : "the file could not be read"),
    );
    // The report is recorded only once the file is stored (a failed copy fails the upload).
    const [report] = await Promise.all([checking, upload?.stored]);
    // Compared with what the public last saw, or else with the version before.
    const earlier = resource.versions
      .filter((v) => v.version < version.version && v.report?.kind === "tabular")
      .sort((a, b) => b.version - a.version);
    const previous = earlier.find((v) => v.publishedAt) ?? earlier[0];
    if (previous?.report && report.kind === "tabular" && !report.unreadable)
      report.changes = describeChanges(previous.version, previous.report, report);
    const gate: Version["gate"] =
      report.unreadable || !report.valid ? "invalid" : report.findings.length ? "blocked" : "clean";
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("opendata_versions")
        .set({
          state: report.unreadable ? "failed" : "checked",
          report: JSON.stringify(report),
          fields: report.schema ? JSON.stringify(report.schema) : null,
          row_count: report.kind === "tabular" ? report.rows : null,
          gate,
        })
        .where("id", "=", versionId)
        .execute();
      await this.touch(trx, resource.datasetId);
      await this.audit.record(
        systemActor,
        {
          action: "check",
          entityType: "open-resource",
          entityId: resource.id,
          summary: `Version ${version.version} of “${resource.name}” checked: ${gate}. ${report.summary}`,
          changes: {
            versionId,
            gate,
            rows: report.rows,
            errors: report.errorTotal,
            findings: report.findings.map((f) => `${f.rule}${f.column ? ` in ${f.column}` : ""}`),
          },
        },
        trx,
      );
    });
    return (await this.version(versionId)) as Version;
  }

  private async runChecks(
    version: Version,
    format: ResourceFormat,
    schemaName: string | null,
    progress?: (percent: number, message: string) => Promise<void>,
    /** Where the CSV is read from when it is not (yet) the stored copy. */
    readFrom?: string,
  ): Promise<CheckReport> {
    const original = this.originalPath(version);
    // JSON records and GeoJSON features are checked and queried as the table they are.
    let jsonTable = false;
    if ((format === "JSON" || format === "GeoJSON") && version.bytes <= MAX_JSON_TABLE_BYTES) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFile(original, "utf8"));
      } catch {
        parsed = undefined;
      }
      const table = parsed === undefined ? undefined : jsonToTable(parsed);
      if (table && "csv" in table) {
        await writeFile(this.tablePath(version), table.csv);
        jsonTable = true;
      }
    }
    if (TABULAR.includes(format) || jsonTable) {
      let extra: Finding[] = [];
      if (format === "XLSX") {
        const { csv, findings } = await inspectXlsx(await readFile(original));
        await writeFile(this.tablePath(version), csv);
        extra = findings;
      }
      const schema: TableSchema | undefined = namedSchema(schemaName);
      const report = await checkTable({
        csvPath: format === "CSV" && readFrom ? readFrom : this.tablePath(version),
        schema,
        parquetPath: this.parquetPath(version),
        tempDir: join(this.versionDir(version.resourceId, version.id), "tmp"),
        progress,
      });
      await rm(join(this.versionDir(version.resourceId, version.id), "tmp"), {
        recursive: true,
        force: true,
      });
      report.findings = [...extra, ...report.findings];
      report.summary = report.summary.replace(
        /(no personal data found|\d+ possible personal-data findings? to review)\.$/,
        () =>
          report.findings.length
            ? `${report.findings.length} possible personal-data finding${report.findings.length === 1 ? "" : "s"} to review.`
            : "no personal data found.",
      );
      return report;
    }
    if (format === "JSON" || format === "GeoJSON") {
      const text = await readFile(original, "utf8");
      const report = emptyReport();
      report.kind = "document";
      try {
        const parsed = JSON.parse(text) as { type?: string };
        if (
          format === "GeoJSON" &&
          !["FeatureCollection", "Feature"].includes(String(parsed?.type))
        )
          report.unreadable = "it is JSON but not GeoJSON (it needs a FeatureCollection).";
      } catch {
        report.unreadable = "it is not valid JSON.";
      }
      report.findings = report.unreadable
        ? []
        : screenText(text.length > 50_000_000 ? text.slice(0, 50_000_000) : text);
      report.valid = !report.unreadable;
      report.summary = report.unreadable
        ? `The file could not be read: ${report.unreadable}`
        : report.findings.length
          ? `${report.findings.length} possible personal-data finding${report.findings.length === 1 ? "" : "s"} to review.`
          : "Valid; no personal data found.";
      return report;
    }
    const report = emptyReport();
    report.kind = "document";
    report.valid = true;
    report.findings = [
      {
        rule: "not-screened",
        label: "A document that cannot be screened automatically",
        advice:
          "Read it through (including any annexes and metadata) and confirm it holds no personal data, or that what it holds may be published.",
        count: 1,
        examples: [{ value: version.fileName }],
      },
    ];
    report.summary =
      "A PDF document: a person must confirm it holds no personal data before it is published.";
    return report;
  }

  /**
   * A named person's decision on a blocked version: either the findings are not personal data (with the
   * reason), or redact: a new version is made with the columns dropped or the matching cells replaced,
   * and checked again. Either way the decision is audited.
   */
  async review(
    ctx: AuditContext,
    versionId: string,
    decision:
      | { kind: "not-personal-data"; reason: string }
      | { kind: "redact"; reason: string; redactions: Redaction[] },
  ): Promise<Version> {
    const version = await this.version(versionId);
    if (!version) throw new OpenDataInputError("version", "No such version");
    if (version.gate !== "blocked")
      throw new OpenDataInputError(
        "decision",
        "This version is not waiting for a personal-data review",
      );
    if (decision.reason.trim().length < 10)
      throw new OpenDataInputError(
        "reason",
        "Explain the decision in a sentence (at least 10 characters)",
      );
    const resource = (await this.resource(version.resourceId)) as Resource;
    const findings = (version.report?.findings ?? []).map(
      (f) => `${f.label}${f.column ? ` in ${f.column}` : ""}`,
    );
    if (decision.kind === "not-personal-data") {
      const record: ReviewRecord = {
        decision: "not-personal-data",
        reason: decision.reason.trim(),
        by: ctx.actorLabel,
        byId: ctx.actorId,
        at: new Date().toISOString(),
        findings,
      };
      await this.db.transaction().execute(async (trx) => {
        await trx
          .updateTable("opendata_versions")
          .set({ gate: "cleared", review: JSON.stringify(record) })
          .where("id", "=", versionId)
          .execute();
        await this.touch(trx, resource.datasetId);
        await this.audit.record(
          ctx,
          {
            action: "review",
            entityType: "open-resource",
            entityId: resource.id,
            summary: `Personal-data findings in version ${version.version} of “${resource.name}” reviewed: not personal data`,
            changes: { versionId, decision: record.decision, reason: record.reason, findings },
          },
          trx,
        );
      });
      return (await this.version(versionId)) as Version;
    }
    if (!decision.redactions.length)
      throw new OpenDataInputError(
        "redactions",
        "Choose what to redact: a column, its flagged values, or cells",
      );
    const format = formatFromFileName(version.fileName);
    if (!format || !TABULAR.includes(format))
      throw new OpenDataInputError(
        "redactions",
        "Only tables can be redacted here: upload a corrected file instead",
      );
    for (const r of decision.redactions) {
      const problem = redactionProblem(r, version.report?.rows ?? 0);
      if (problem) throw new OpenDataInputError("redactions", problem);
    }
    const source = this.tablePath(version);
    const columns = (version.report?.schema?.fields ?? []).map((f) => f.name);
    const dir = this.versionDir(version.resourceId, version.id);
    const tmp = join(dir, "redacted.csv");
    const done = await this.redactCsv(source, tmp, decision.redactions, columns, join(dir, "tmp"));
    const described = done.map((d) => describeRedaction(d)).join("; ");
    // The change note has room for 2,000 characters: long lists of rows are shortened there, and kept in
    // full in the review record and the audit trail.
    const note = `Redacted from version ${version.version}: ${described}.`;
    const redacted = await this.addVersion(
      ctx,
      resource.id,
      {
        fileName: `${version.fileName.replace(/\.(csv|xlsx)$/i, "")}-redacted.csv`,
        path: tmp,
        changeNote:
          note.length <= 2000
            ? note
            : `Redacted from version ${version.version}: ${done.map((d) => describeRedaction(d, 12)).join("; ")}.`,
        derivedFrom: version.id,
      },
      { inline: true },
    );
    await rm(tmp, { force: true });
    const record: ReviewRecord = {
      decision: "redacted",
      reason: decision.reason.trim(),
      by: ctx.actorLabel,
      byId: ctx.actorId,
      at: new Date().toISOString(),
      findings,
      redactedVersionId: redacted.id,
      redactions: done,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("opendata_versions")
        .set({ review: JSON.stringify(record) })
        .where("id", "=", versionId)
        .execute();
      await this.audit.record(
        ctx,
        {
          action: "redact",
          entityType: "open-resource",
          entityId: resource.id,
          summary: `Version ${version.version} of “${resource.name}” redacted as version ${redacted.version}: ${described}`,
          changes: {
            versionId,
            redactedVersionId: redacted.id,
            reason: record.reason,
            // Which cells, never what they held: the audit trail cannot be erased.
            redactions: done,
          },
        },
        trx,
      );
    });
    return redacted;
  }

  /**
   * Writes `target`: the CSV at `source` with the redactions made, and counts the cells each one replaced.
   * Rows are numbered exactly as the check report numbers them (checker.ts): the file is read the same way
   * (`loadCsv`) into a table, and row n is `rowid + 2`: the header is row 1. Rows are *records*, not
   * physical lines, as in a spreadsheet: a blank line is no row, so the lines after it are numbered one less
   * than a text editor would, and a quoted cell over several lines is one row.
   */
  private async redactCsv(
    source: string,
    target: string,
    redactions: Redaction[],
    known: string[],
    tempDir: string,
  ): Promise<RedactionDone[]> {
    await mkdir(tempDir, { recursive: true });
    const instance = await openDuck({ tempDir });
    const conn = await instance.connect();
    try {
      await loadCsv(conn, source, "raw");
      const header = (await conn.runAndReadAll("DESCRIBE raw"))
        .getRowObjectsJS()
        .map((r) => String(r.column_name));
      const line = "(rowid + 2)";
      const drop = new Set<string>();
      // Every redaction of a column is one condition; a column's conditions are joined with OR.
      const planned: { column: string; when?: string; redaction: Redaction }[] = [];
      for (const r of redactions) {
        const column =
          header.find((h) => h === r.column) ??
          header.find((h) => known.includes(h) && h.toLowerCase() === r.column.toLowerCase());
        if (!column) throw new OpenDataInputError("redactions", `There is no column ${r.column}`);
        const v = valueSql(column);
        if (r.mode === "drop") drop.add(column);
        const when =
          r.mode === "drop"
            ? undefined
            : r.mode === "rows"
              ? `${line} IN (${r.rows.map((n) => String(Math.trunc(n))).join(", ")})`
              : r.mode === "values"
                ? `${v} IN (${[...new Set(r.values.map((x) => x.trim()).filter(Boolean))].map(literal).join(", ")})`
                : (() => {
                    const rule = SCREEN_RULES.find((s) => s.id === r.rule);
                    return rule ? rule.sql(v) : `${v} IS NOT NULL`;
                  })();
        planned.push({ column, when, redaction: r });
      }
      const counted = planned.filter((p) => p.when && !drop.has(p.column));
      const [counts] = counted.length
        ? (
            await conn.runAndReadAll(
              `SELECT ${counted.map((p, i) => `count_if(${p.when}) AS c${i}`).join(", ")} FROM raw`,
            )
          ).getRowObjectsJS()
        : [{}];
      const replaced = new Map<string, string[]>();
      for (const p of counted)
        replaced.set(p.column, [...(replaced.get(p.column) ?? []), `(${p.when})`]);
      const replace = [...replaced].map(
        ([column, when]) =>
          `CASE WHEN ${when.join(" OR ")} THEN ${literal(REDACTED)} ELSE ${ident(column)} END AS ${ident(column)}`,
      );
      const select = `SELECT *${drop.size ? ` EXCLUDE (${[...drop].map(ident).join(", ")})` : ""}${replace.length ? ` REPLACE (${replace.join(", ")})` : ""}`;
      await conn.run(
        `COPY (${select} FROM raw ORDER BY rowid) TO ${literal(target)} (FORMAT csv, HEADER true)`,
      );
      // A redaction in a column that is removed anyway is reported as the removal.
      const made = planned.filter((p) => p.redaction.mode === "drop" || !drop.has(p.column));
      return made.map(({ column, redaction: r }) => {
        const i = counted.findIndex((p) => p.redaction === r);
        const done: RedactionDone = {
          column,
          mode: r.mode,
          cells: i < 0 ? 0 : Number((counts as Record<string, unknown>)[`c${i}`] ?? 0),
        };
        if (r.mode === "cells" && r.rule) done.rule = r.rule;
        if (r.mode === "rows") done.rows = r.rows;
        if (r.mode === "values")
          done.values = new Set(r.values.map((x) => x.trim()).filter(Boolean)).size;
        return done;
      });
    } finally {
      conn.closeSync();
      instance.closeSync();
      await rm(tempDir, { recursive: true, force: true });
    }
  }

  /** What stands between a dataset and publication, in plain words; empty when it can be published. */
  publicationBlockers(dataset: Dataset): string[] {
    const out: string[] = [];
    if (!dataset.resources.length) out.push("Add at least one resource (a file or a link)");
    if (!dataset.description.trim()) out.push("Describe the dataset");
    for (const r of dataset.resources) {
      if (r.format === "LINK") continue;
      const v = r.latest;
      if (!v) out.push(`Upload a file for “${r.name}”`);
      else if (v.withdrawal) {
        // A withdrawn version is never published again: the previous published one stays, or a new file.
        if (!r.published)
          out.push(`Upload a corrected file for “${r.name}” (version ${v.version} was withdrawn)`);
      } else if (v.state === "checking" || v.gate === "pending")
        out.push(`Wait for the checks of “${r.name}” to finish`);
      else if (v.gate === "invalid")
        out.push(`Fix the problems in “${r.name}” (version ${v.version}) and upload it again`);
      else if (v.gate === "blocked")
        out.push(`Review the possible personal data in “${r.name}” (version ${v.version})`);
    }
    return out;
  }

  async publish(ctx: AuditContext, datasetId: string): Promise<Dataset> {
    const [dataset] = await this.load({ ids: [datasetId] });
    if (!dataset) throw new OpenDataInputError("id", "No such dataset");
    const blockers = this.publicationBlockers(dataset);
    if (blockers.length)
      throw new OpenDataInputError(
        "publish",
        `This dataset cannot be published yet: ${blockers.join("; ")}.`,
      );
    const newVersions = dataset.resources.flatMap((r) =>
      r.latest && !r.latest.publishedAt && !r.latest.withdrawal ? [{ r, v: r.latest }] : [],
    );
    await this.db.transaction().execute(async (trx) => {
      const now = new Date();
      if (newVersions.length)
        await trx
          .updateTable("opendata_versions")
          .set({ published_at: now })
          .where(
            "id",
            "in",
            newVersions.map((n) => n.v.id),
          )
          .where("published_at", "is", null)
          .where("withdrawn_at", "is", null)
          .execute();
      await trx
        .updateTable("opendata_datasets")
        .set({ status: "published", published_at: dataset.publishedAt ?? now, updated_at: now })
        .where("id", "=", datasetId)
        .execute();
      await this.audit.record(
        ctx,
        {
          action: "publish",
          entityType: "open-dataset",
          entityId: datasetId,
          summary: `Dataset “${dataset.title}” published${newVersions.length ? ` with ${newVersions.map((n) => `${n.r.name} v${n.v.version}`).join(", ")}` : ""}`,
          changes: {
            versions: newVersions.map((n) => ({
              resource: n.r.name,
              version: n.v.version,
              gate: n.v.gate,
              changeNote: n.v.changeNote,
              review: n.v.review,
            })),
          },
        },
        trx,
      );
    });
    return (await this.load({ ids: [datasetId] }))[0];
  }

  /**
   * Takes one published version back at once (personal data published by mistake, say) while the rest of
   * the dataset stays up: it loses its publication, so the previous published version (or none) is what the
   * public pages, the CKAN API, DCAT and the downloads show, and it is never published again. Its public
   * derivatives (exports, filter buckets) are deleted; the upload and the Parquet file stay for the record.
   */
  async withdrawVersion(ctx: AuditContext, versionId: string, reason: string): Promise<Version> {
    const why = reason.trim();
    if (why.length < 10)
      throw new OpenDataInputError(
        "reason",
        "Explain why the version is withdrawn in a sentence (at least 10 characters)",
      );
    if (why.length > 2000)
      throw new OpenDataInputError("reason", "Explain why in 2,000 characters or fewer");
    if (!/^[0-9a-f-]{36}$/i.test(versionId))
      throw new OpenDataInputError("version", "No such version");
    const version = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom("opendata_versions as v")
        .innerJoin("opendata_resources as r", "r.id", "v.resource_id")
        .select([
          "v.id",
          "v.version",
          "v.resource_id",
          "v.published_at",
          "v.withdrawn_at",
          "r.name",
          "r.dataset_id",
        ])
        .where("v.id", "=", versionId)
        .forUpdate("v")
        .executeTakeFirst();
      if (!row) throw new OpenDataInputError("version", "No such version");
      if (row.withdrawn_at)
        throw new OpenDataInputError("version", "This version has already been withdrawn");
      if (!row.published_at)
        throw new OpenDataInputError("version", "Only a published version can be withdrawn");
      const now = new Date();
      await trx
        .updateTable("opendata_versions")
        .set({
          withdrawn_at: now,
          withdrawn_by: ctx.actorId,
          withdrawn_reason: why,
          published_at: null,
        })
        .where("id", "=", versionId)
        .execute();
      await this.touch(trx, row.dataset_id);
      await this.audit.record(
        ctx,
        {
          action: "withdraw",
          entityType: "open-resource",
          entityId: row.resource_id,
          summary: `Version ${row.version} of “${row.name}” withdrawn from publication: ${why}`,
          changes: {
            versionId,
            version: row.version,
            reason: why,
            publishedAt: { from: row.published_at.toISOString(), to: null },
          },
        },
        trx,
      );
      return { id: row.id, resourceId: row.resource_id };
    });
    await this.removePublicDerivatives(version);
    return (await this.version(versionId)) as Version;
  }

  /**
   * Deletes what the public side made from a version (the CSV and JSON exports, the filter buckets beside
   * its Parquet file) and forgets the datastore's cached reading of it.
   */
  private async removePublicDerivatives(v: Pick<Version, "resourceId" | "id">): Promise<void> {
    const dir = this.versionDir(v.resourceId, v.id);
    const parquet = basename(this.parquetPath(v));
    const entries = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(
      entries
        .filter((name) => name.startsWith("export.") || name.startsWith(`${parquet}.by-`))
        .map((name) => rm(join(dir, name), { recursive: true, force: true })),
    );
    this.datastore.forget(this.parquetPath(v));
  }

  async setStatus(
    ctx: AuditContext,
    datasetId: string,
    status: "draft" | "private" | "withdrawn",
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom("opendata_datasets")
        .select(["status", "title"])
        .where("id", "=", datasetId)
        .executeTakeFirst();
      if (!before) throw new OpenDataInputError("id", "No such dataset");
      await trx
        .updateTable("opendata_datasets")
        .set({ status, updated_at: new Date() })
        .where("id", "=", datasetId)
        .execute();
      await this.audit.record(
        ctx,
        {
          action: status === "withdrawn" ? "withdraw" : "update",
          entityType: "open-dataset",
          entityId: datasetId,
          summary: `Dataset “${before.title}” is now ${status}`,
          changes: { status: { from: before.status, to: status } },
        },
        trx,
      );
    });
  }

  // ---------- the Transparency Code ----------

  async compliance(year: number, today = new Date()) {
    const datasets = await this.load({
      ids: (
        await this.db
          .selectFrom("opendata_datasets")
          .select("id")
          .where("template", "is not", null)
          .execute()
      ).map((r) => r.id),
    });
    const todayIso = today.toISOString().slice(0, 10);
    return CODE_TEMPLATES.map((template) => {
      const mine = datasets.filter((d) => d.template === template.key && d.status !== "withdrawn");
      const periods = periodsOf(template, year).map((period) => {
        const published = mine
          .filter((d) => d.status === "published")
          .flatMap((d) =>
            d.resources
              .filter((r) => r.period === period.code)
              .flatMap((r) => r.versions.filter((v) => v.publishedAt)),
          )
          .map((v) => v.publishedAt as Date)
          .sort((a, b) => a.getTime() - b.getTime())[0];
        const publishedOn = published?.toISOString().slice(0, 10);
        const status = publishedOn
          ? publishedOn <= period.due
            ? "published"
            : "published-late"
          : todayIso > period.due
            ? "late"
            : todayIso > period.end
              ? "due"
              : "not-yet-due";
        return { ...period, status, publishedOn };
      });
      return { template, datasets: mine, missing: mine.length === 0, periods };
    });
  }

  /**
   * Reminds the owning service (the dataset's contact, else the information governance team) 14 days before
   * a Transparency Code deadline and on the day after it passes, once each.
   */
  async sendReminders(today = new Date()): Promise<{ sent: number }> {
    let sent = 0;
    const todayIso = today.toISOString().slice(0, 10);
    const soon = new Date(today.getTime() + 14 * 86400_000).toISOString().slice(0, 10);
    for (const year of [councilYear(today) - 1, councilYear(today)]) {
      for (const row of await this.compliance(year, today)) {
        for (const p of row.periods) {
          const kind =
            p.status === "late"
              ? "overdue"
              : (p.status === "due" || p.status === "not-yet-due") && p.due <= soon
                ? "due-soon"
                : undefined;
          if (!kind) continue;
          if (
            kind === "overdue" &&
            p.due < new Date(today.getTime() - 60 * 86400_000).toISOString().slice(0, 10)
          )
            continue;
          const inserted = await this.db
            .insertInto("opendata_reminders")
            .values({ template: row.template.key, period: p.code, kind })
            .onConflict((oc) => oc.doNothing())
            .returning("template")
            .executeTakeFirst();
          if (!inserted) continue;
          const to =
            row.datasets.find((d) => d.contactEmail)?.contactEmail ?? this.deps.igTeamEmail;
          const subject =
            kind === "overdue"
              ? `Overdue: ${row.template.title} for ${p.label} was due on ${p.due}`
              : `Due by ${p.due}: ${row.template.title} for ${p.label}`;
          await this.deps.mail.send(
            to,
            subject,
            `The Local Government Transparency Code requires "${row.template.title}" for ${p.label} to be published by ${p.due}.\n\n` +
              `Upload the file to the dataset, check the validation and personal-data report, and publish it.\n` +
              `Today is ${todayIso}.`,
          );
          sent++;
        }
      }
    }
    return { sent };
  }

  /** Service areas that publish, with the slug CKAN calls the organisation's name. */
  async publishers() {
    const [areas, catalogue] = await Promise.all([
      this.deps.organisation.serviceAreas(),
      this.publishedCatalogue(),
    ]);
    return areas.map((a) => ({
      ...a,
      slug: slugify(a.name),
      datasetCount: catalogue.filter((d) => d.serviceAreaId === a.id).length,
    }));
  }

  async sourceAsset(id: string | null) {
    if (!id || !this.deps.assets) return undefined;
    return this.deps.assets.get(id).catch(() => undefined);
  }

  classes() {
    return PUBLICATION_CLASSES as Record<PublicationClass, string>;
  }

  close(): void {
    this.datastore.close();
  }
}

function emptyReport(unreadable?: string): CheckReport {
  return {
    kind: "tabular",
    rows: 0,
    rowsPassing: 0,
    schemaInferred: false,
    missingColumns: [],
    extraColumns: [],
    errorCounts: [],
    errorTotal: 0,
    errors: [],
    findings: [],
    unreadable,
    valid: false,
    summary: unreadable ? `The file could not be read: ${unreadable}` : "",
    seconds: 0,
  };
}

/**
 * The period code of what an officer typed (the compliance view counts a file by it), or null when nothing
 * was typed; refused with what to write otherwise.
 */
function periodCode(text: string | null | undefined, template: string | null | undefined) {
  if (!text?.trim()) return null;
  const read = readPeriod(text, codeTemplate(template));
  if ("error" in read) throw new OpenDataInputError("period", read.error);
  return read.code;
}

/** A link resource needs a web address. */
function checkLinkUrl(format: string, linkUrl: string | null | undefined): void {
  if (format === "LINK" && !/^https?:\/\/\S+$/.test(linkUrl ?? ""))
    throw new OpenDataInputError("linkUrl", "Enter the link's address, starting https://");
}

/** "52 rows (version 1 had 40); column Notes added; column Ward removed", or that nothing differs. */
export function describeChanges(
  previousVersion: number,
  before: CheckReport,
  after: CheckReport,
): string {
  const columns = (r: CheckReport) => [
    ...(r.schema?.fields.map((f) => f.name) ?? []).filter((c) => !r.missingColumns.includes(c)),
    ...r.extraColumns,
  ];
  const was = new Set(columns(before));
  const now = new Set(columns(after));
  const parts: string[] = [];
  const rows = (n: number) => `${n.toLocaleString("en-GB")} row${n === 1 ? "" : "s"}`;
  if (after.rows !== before.rows)
    parts.push(
      `${rows(after.rows)} (version ${previousVersion} had ${before.rows.toLocaleString("en-GB")})`,
    );
  const added = [...now].filter((c) => !was.has(c));
  const removed = [...was].filter((c) => !now.has(c));
  if (added.length) parts.push(`column${added.length === 1 ? "" : "s"} ${added.join(", ")} added`);
  if (removed.length)
    parts.push(`column${removed.length === 1 ? "" : "s"} ${removed.join(", ")} removed`);
  const text = parts.join("; ");
  return parts.length
    ? `${text[0].toUpperCase()}${text.slice(1)}.`
    : `Same columns and ${rows(after.rows)} as version ${previousVersion}.`;
}

/**
 * Copies a file (in the kernel: no pass through JavaScript) and returns the SHA-256 of the stored copy,
 * read back from the page cache by the system's openssl (file-hash.ts).
 */
async function copyAndHash(from: string, to: string): Promise<string> {
  await copyFile(from, to);
  return sha256File(to);
}
