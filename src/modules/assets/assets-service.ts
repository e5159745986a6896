import { type Insertable, type RawBuilder, type Selectable, sql } from "kysely";
import type { AuditContext, AuditService } from "../../platform/audit/audit-service.ts";
import { diff } from "../../platform/audit/audit-service.ts";
import type { Principal } from "../../platform/auth/policy.ts";
import { hasRole } from "../../platform/auth/policy.ts";
import type { Db, DbOrTrx } from "../../platform/db/database.ts";
import { UUID } from "../../platform/db/ids.ts";
import { ASSET_FIELDS, ASSET_FORM_FIELDS, type AssetInput } from "./asset-fields.ts";
import { RegisterConflictError, RegisterInputError } from "./errors.ts";
import { column, isRealDate, schemaFor } from "./fields.ts";
import type { InformationAssetsTable } from "./tables.ts";
import { riskRating, sensitivity } from "./vocabularies.ts";

export interface Asset extends AssetInput {
  id: string;
  reference: string;
  ownerLabel: string | null;
  ownerEmail: string | null;
  /** An owner named in an imported sheet who has no account yet. */
  ownerPending: string | null;
  administratorLabel: string | null;
  administratorPending: string | null;
  serviceAreaName: string | null;
  specialCategory: boolean;
  criminalOffence: boolean;
  reviewOverdue: boolean;
  importId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AssetRisk {
  id: string;
  assetId: string;
  description: string;
  likelihood: number;
  impact: number;
  score: number;
  rating: string;
  mitigation: string | null;
  ownerId: string | null;
  ownerLabel: string | null;
}

export interface AssetReview {
  id: string;
  reviewedBy: string | null;
  reviewedByLabel: string;
  reviewedAt: Date;
  outcome: "confirmed" | "corrected";
  changes: Record<string, unknown> | null;
  notes: string | null;
  nextReviewDue: string;
}

export const ASSET_SORTS = {
  name: "name",
  reference: "reference",
  service: "service area",
  owner: "owner",
  reviewDue: "review due",
  updated: "last changed",
} as const;
export type AssetSort = keyof typeof ASSET_SORTS;

export interface AssetFilter {
  serviceAreaId?: string;
  ownerId?: string;
  marking?: string;
  holdsPersonalData?: boolean;
  specialCategory?: boolean;
  dataSubjectCategory?: string;
  thirdPartyHosted?: boolean;
  reviewOverdue?: boolean;
  search?: string;
  sort?: AssetSort;
  descending?: boolean;
  page?: number;
  pageSize?: number;
}

export interface AssetPage {
  items: Asset[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
}

export interface RiskInput {
  description: string;
  likelihood: number;
  impact: number;
  mitigation: string | null;
  ownerId: string | null;
}

/** How often owners review their assets, and how long before the due date they are reminded. */
export const REVIEW_MONTHS = 12;
export const REMINDER_DAYS = [30, 7] as const;

const assetSchema = schemaFor(ASSET_FIELDS);

export function today(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export function addMonths(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.toISOString().slice(0, 10);
}

function escapeLike(s: string): string {
  return s.replace(/[%_\\]/g, "\\$&");
}

/** Parses any input (form strings, API JSON, spreadsheet cells) into a valid asset, or says what is wrong. */
export function parseAsset(input: unknown): AssetInput {
  const parsed = assetSchema.safeParse(input ?? {});
  if (!parsed.success) throw RegisterInputError.fromZod(parsed.error);
  const value = parsed.data as unknown as AssetInput;
  const problems: { field: string; message: string }[] = [];
  if (!value.holdsPersonalData) {
    if (value.dataSubjectCategories.length)
      problems.push({
        field: "dataSubjectCategories",
        message: "Remove the categories of data subjects, or say the asset holds personal data",
      });
    if (value.personalDataCategories.length)
      problems.push({
        field: "personalDataCategories",
        message: "Remove the categories of personal data, or say the asset holds personal data",
      });
  }
  if (value.reference && !/^[\w./-]+$/.test(value.reference))
    problems.push({
      field: "reference",
      message: "Asset reference must only include letters, numbers, dots, hyphens and underscores",
    });
  if (problems.length) throw new RegisterInputError(problems);
  return value;
}

type AssetRow = Selectable<InformationAssetsTable>;

/** The register's filters as SQL conditions on the alias `a`. */
function assetConditions(filter: AssetFilter): RawBuilder<boolean>[] {
  const c: RawBuilder<boolean>[] = [];
  const uuidOrNothing = (v: string) => (UUID.test(v) ? v : "00000000-0000-0000-0000-000000000000");
  if (filter.serviceAreaId)
    c.push(sql`a.service_area_id = ${uuidOrNothing(filter.serviceAreaId)}::uuid`);
  if (filter.ownerId) c.push(sql`a.owner_id = ${uuidOrNothing(filter.ownerId)}::uuid`);
  if (filter.marking) c.push(sql`a.marking = ${filter.marking}`);
  if (filter.holdsPersonalData !== undefined)
    c.push(sql`a.holds_personal_data = ${filter.holdsPersonalData}`);
  if (filter.specialCategory !== undefined)
    c.push(sql`a.special_category = ${filter.specialCategory}`);
  if (filter.dataSubjectCategory)
    c.push(sql`a.data_subject_categories @> ARRAY[${filter.dataSubjectCategory}]::text[]`);
  if (filter.thirdPartyHosted === true)
    c.push(sql`(a.hosting = 'third-party' OR a.hosted_by IS NOT NULL)`);
  if (filter.thirdPartyHosted === false)
    c.push(sql`(a.hosting IS DISTINCT FROM 'third-party' AND a.hosted_by IS NULL)`);
  if (filter.reviewOverdue === true) c.push(sql`a.review_due < current_date`);
  if (filter.reviewOverdue === false)
    c.push(sql`(a.review_due IS NULL OR a.review_due >= current_date)`);
  const text = filter.search?.trim();
  if (text) {
    const like = `%${escapeLike(text)}%`;
    c.push(
      sql`(a.name ILIKE ${like} OR a.reference ILIKE ${like} OR a.description ILIKE ${like} OR a.system_name ILIKE ${like} OR a.hosted_by ILIKE ${like})`,
    );
  }
  return c;
}

/** The Information Asset Register. Other modules read it through this service, never its tables. */
export class AssetsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
  ) {}

  /** Who may change an asset: its owner, information-governance officers, the DPO (and administrators). */
  canEdit(user: Principal | undefined, asset: Pick<Asset, "ownerId"> | undefined): boolean {
    if (!user) return false;
    if (hasRole(user, "ig-officer", "dpo")) return true;
    return !!asset && asset.ownerId === user.id;
  }

  /** Who may add assets: owners (for themselves), information-governance officers, the DPO. */
  canCreate(user: Principal | undefined): boolean {
    return hasRole(user, "ig-officer", "dpo", "asset-owner");
  }

  canManage(user: Principal | undefined): boolean {
    return hasRole(user, "ig-officer", "dpo");
  }

  private selectAssets(db: DbOrTrx = this.db) {
    return db
      .selectFrom("information_assets as a")
      .leftJoin("users as o", "o.id", "a.owner_id")
      .leftJoin("users as ad", "ad.id", "a.administrator_id")
      .leftJoin("service_areas as s", "s.id", "a.service_area_id")
      .selectAll("a")
      .select([
        "o.display_name as owner_label",
        "o.email as owner_email",
        "ad.display_name as administrator_label",
        "s.name as service_area_name",
      ]);
  }

  private present(
    row: AssetRow & {
      owner_label: string | null;
      owner_email: string | null;
      administrator_label: string | null;
      service_area_name: string | null;
    },
    now = today(),
  ): Asset {
    const input = Object.fromEntries(
      ASSET_FIELDS.map((f) => [f.name, (row as Record<string, unknown>)[column(f.name)]]),
    ) as unknown as AssetInput;
    return {
      ...input,
      id: row.id,
      reference: row.reference,
      ownerLabel: row.owner_label,
      ownerEmail: row.owner_email,
      ownerPending: row.owner_name,
      administratorLabel: row.administrator_label,
      administratorPending: row.administrator_name,
      serviceAreaName: row.service_area_name,
      specialCategory: row.special_category,
      criminalOffence: row.criminal_offence,
      reviewOverdue: !!row.review_due && row.review_due < now,
      importId: row.import_id,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  /** The register, filtered, sorted and a page at a time. */
  async list(filter: AssetFilter = {}): Promise<AssetPage> {
    const pageSize = Math.min(Math.max(filter.pageSize ?? 25, 1), 500);
    const page = Math.max(filter.page ?? 1, 1);
    const conditions = assetConditions(filter);
    const where = conditions.length
      ? sql<boolean>`${sql.join(conditions, sql` AND `)}`
      : sql<boolean>`true`;
    let q = this.selectAssets().where(where);
    const count = this.db.selectFrom("information_assets as a").where(where);
    const dir = filter.descending ? "desc" : "asc";
    switch (filter.sort ?? "name") {
      case "reference":
        q = q.orderBy(sql`lower(a.reference)`, dir);
        break;
      case "service":
        q = q
          .orderBy("s.name", (ob) => (dir === "desc" ? ob.desc() : ob.asc()).nullsLast())
          .orderBy(sql`lower(a.name)`);
        break;
      case "owner":
        q = q
          .orderBy("o.display_name", (ob) => (dir === "desc" ? ob.desc() : ob.asc()).nullsLast())
          .orderBy(sql`lower(a.name)`);
        break;
      case "reviewDue":
        q = q
          .orderBy("a.review_due", (ob) => (dir === "desc" ? ob.desc() : ob.asc()).nullsLast())
          .orderBy(sql`lower(a.name)`);
        break;
      case "updated":
        q = q.orderBy("a.updated_at", dir);
        break;
      default:
        q = q.orderBy(sql`lower(a.name)`, dir);
    }
    const [rows, totalRow] = await Promise.all([
      q
        .orderBy("a.id")
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute(),
      count.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
    ]);
    const total = Number(totalRow.n);
    const now = today();
    return {
      items: rows.map((r) => this.present(r, now)),
      total,
      page,
      pageSize,
      pages: Math.max(1, Math.ceil(total / pageSize)),
    };
  }

  async get(id: string, db: DbOrTrx = this.db): Promise<Asset | undefined> {
    if (!UUID.test(id)) return undefined;
    const row = await this.selectAssets(db).where("a.id", "=", id).executeTakeFirst();
    return row ? this.present(row) : undefined;
  }

  async getByReference(reference: string): Promise<Asset | undefined> {
    const row = await this.selectAssets()
      .where(sql`lower(a.reference)`, "=", reference.toLowerCase())
      .executeTakeFirst();
    return row ? this.present(row) : undefined;
  }

  /** Short facts about several assets at once (names for flows, processing activities, the map). */
  async getMany(ids: string[]): Promise<Asset[]> {
    const wanted = [...new Set(ids.filter((id) => UUID.test(id)))];
    if (!wanted.length) return [];
    const rows = await this.selectAssets().where("a.id", "in", wanted).execute();
    return rows.map((r) => this.present(r));
  }

  /** Every asset holding personal data about a kind of data subject (for subject access searches). */
  async assetsHoldingPersonalDataOf(subjectCategory: string): Promise<Asset[]> {
    const rows = await this.selectAssets()
      .where("a.holds_personal_data", "=", true)
      .where(sql<boolean>`a.data_subject_categories @> ARRAY[${subjectCategory}]::text[]`)
      .orderBy("s.name")
      .orderBy(sql`lower(a.name)`)
      .execute();
    return rows.map((r) => this.present(r));
  }

  /** The assets a person owns, soonest review first. */
  async ownedBy(userId: string): Promise<Asset[]> {
    if (!UUID.test(userId)) return [];
    const rows = await this.selectAssets()
      .where("a.owner_id", "=", userId)
      .orderBy("a.review_due", (ob) => ob.asc().nullsFirst())
      .orderBy(sql`lower(a.name)`)
      .execute();
    return rows.map((r) => this.present(r));
  }

  /** Counts for the information-governance team's overview. */
  async reviewCounts(): Promise<{ overdue: number; dueSoon: number; noOwner: number }> {
    const row = await this.db
      .selectFrom("information_assets")
      .select([
        sql<string>`count(*) FILTER (WHERE review_due < current_date)`.as("overdue"),
        sql<string>`count(*) FILTER (WHERE review_due >= current_date AND review_due < current_date + 30)`.as(
          "due_soon",
        ),
        sql<string>`count(*) FILTER (WHERE owner_id IS NULL)`.as("no_owner"),
      ])
      .executeTakeFirstOrThrow();
    return {
      overdue: Number(row.overdue),
      dueSoon: Number(row.due_soon),
      noOwner: Number(row.no_owner),
    };
  }

  /** Checks references to accounts and service areas; returns the row to store. */
  private async toRow(
    db: DbOrTrx,
    value: AssetInput,
    reference: string,
  ): Promise<Omit<Insertable<InformationAssetsTable>, "id">> {
    const problems: { field: string; message: string }[] = [];
    for (const field of ["ownerId", "administratorId"] as const) {
      const id = value[field];
      if (!id) continue;
      const user = await db
        .selectFrom("users")
        .select(["id", "disabled_at"])
        .where("id", "=", id)
        .executeTakeFirst();
      if (!user || user.disabled_at)
        problems.push({
          field,
          message: `Select an active account as the ${field === "ownerId" ? "owner" : "administrator"}`,
        });
    }
    if (value.serviceAreaId) {
      const area = await db
        .selectFrom("service_areas")
        .select("id")
        .where("id", "=", value.serviceAreaId)
        .executeTakeFirst();
      if (!area)
        problems.push({ field: "serviceAreaId", message: "Select a service area from the list" });
    }
    if (problems.length) throw new RegisterInputError(problems);
    return assetRow(value, reference);
  }

  private async nextReference(db: DbOrTrx): Promise<string> {
    for (;;) {
      const { rows } = await sql<{
        n: string;
      }>`SELECT nextval('information_asset_number') AS n`.execute(db);
      const reference = `IA-${String(rows[0].n).padStart(4, "0")}`;
      const taken = await db
        .selectFrom("information_assets")
        .select("id")
        .where(sql`lower(reference)`, "=", reference.toLowerCase())
        .executeTakeFirst();
      if (!taken) return reference;
    }
  }

  private async assertReferenceFree(db: DbOrTrx, reference: string, exceptId?: string) {
    let q = db
      .selectFrom("information_assets")
      .select("id")
      .where(sql`lower(reference)`, "=", reference.toLowerCase());
    if (exceptId) q = q.where("id", "!=", exceptId);
    if (await q.executeTakeFirst())
      throw new RegisterInputError([
        { field: "reference", message: `An asset with reference ${reference} already exists` },
      ]);
  }

  async create(ctx: AuditContext, input: unknown): Promise<Asset> {
    const value = parseAsset(input);
    return this.db.transaction().execute(async (trx) => {
      if (value.reference) await this.assertReferenceFree(trx, value.reference);
      const reference = value.reference ?? (await this.nextReference(trx));
      const row = await this.toRow(trx, value, reference);
      row.review_due ??= addMonths(today(), REVIEW_MONTHS);
      const { id } = await trx
        .insertInto("information_assets")
        .values(row)
        .returning("id")
        .executeTakeFirstOrThrow();
      const asset = (await this.get(id, trx)) as Asset;
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "asset",
          entityId: id,
          summary: `Asset ${reference} ${asset.name} added to the register`,
          changes: { ...value, reference, reviewDue: asset.reviewDue },
        },
        trx,
      );
      return asset;
    });
  }

  /** Replaces the asset's fields with `input` (a full record). Returns what changed. */
  async update(
    ctx: AuditContext,
    id: string,
    input: unknown,
    options: {
      trx?: DbOrTrx;
      summary?: string;
      /** Names of an owner and administrator with no account (a spreadsheet import); kept otherwise. */
      pending?: { owner: string | null; administrator: string | null };
    } = {},
  ): Promise<{ asset: Asset; changes: Record<string, { from: unknown; to: unknown }> }> {
    const value = parseAsset(input);
    const run = async (trx: DbOrTrx) => {
      const before = await this.get(id, trx);
      if (!before) throw new RegisterConflictError("No such asset.");
      const reference = value.reference ?? before.reference;
      if (reference.toLowerCase() !== before.reference.toLowerCase())
        await this.assertReferenceFree(trx, reference, id);
      const row = await this.toRow(trx, { ...value, reference }, reference);
      const pending = options.pending ?? {
        owner: before.ownerPending,
        administrator: before.administratorPending,
      };
      row.owner_name = row.owner_id ? null : pending.owner;
      row.administrator_name = row.administrator_id ? null : pending.administrator;
      await trx
        .updateTable("information_assets")
        .set({ ...row, updated_at: new Date() })
        .where("id", "=", id)
        .execute();
      const pick = (a: AssetInput) =>
        Object.fromEntries(ASSET_FIELDS.map((f) => [f.name, a[f.name as keyof AssetInput]]));
      const changes = diff(
        { ...pick(before), ownerPending: before.ownerPending },
        { ...pick({ ...value, reference }), ownerPending: row.owner_name ?? null },
      );
      if (Object.keys(changes).length)
        await this.audit.record(
          ctx,
          {
            action: "update",
            entityType: "asset",
            entityId: id,
            summary: options.summary ?? `Asset ${reference} ${value.name} changed`,
            changes,
          },
          trx,
        );
      return { asset: (await this.get(id, trx)) as Asset, changes };
    };
    if (options.trx) return run(options.trx);
    return this.db.transaction().execute(run);
  }

  /** Changes some fields, keeping the rest (the API's PATCH). */
  async patch(ctx: AuditContext, id: string, fields: Record<string, unknown>): Promise<Asset> {
    const before = await this.get(id);
    if (!before) throw new RegisterConflictError("No such asset.");
    const merged: Record<string, unknown> = {};
    for (const f of ASSET_FIELDS) merged[f.name] = before[f.name as keyof AssetInput];
    return (await this.update(ctx, id, { ...merged, ...fields })).asset;
  }

  async remove(ctx: AuditContext, id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const asset = await this.get(id, trx);
      if (!asset) throw new RegisterConflictError("No such asset.");
      const flows = await trx
        .selectFrom("data_flows")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where((eb) => eb.or([eb("from_asset_id", "=", id), eb("to_asset_id", "=", id)]))
        .executeTakeFirstOrThrow();
      if (Number(flows.n) > 0)
        throw new RegisterConflictError(
          `${asset.reference} is an end of ${flows.n} data flow${flows.n === "1" ? "" : "s"}. Change or remove them first.`,
        );
      await trx.deleteFrom("information_assets").where("id", "=", id).execute();
      await this.audit.record(
        ctx,
        {
          action: "delete",
          entityType: "asset",
          entityId: id,
          summary: `Asset ${asset.reference} ${asset.name} removed from the register`,
        },
        trx,
      );
    });
  }

  /** The whole register in reference order (for the export). */
  async all(): Promise<Asset[]> {
    const rows = await this.selectAssets()
      .orderBy(sql`lower(a.reference)`)
      .orderBy("a.id")
      .execute();
    const now = today();
    return rows.map((r) => this.present(r, now));
  }

  async references(): Promise<string[]> {
    const rows = await this.db.selectFrom("information_assets").select("reference").execute();
    return rows.map((r) => r.reference);
  }

  /**
   * Applies an imported sheet in one transaction: all of it or, if anything fails, none. New rows are added
   * (one audit event records the import; each asset keeps the import's id, so its history shows it); rows
   * with `existingId` update that asset through {@link update}, so each change is audited like any other.
   * `addServiceArea` adds, in the same transaction, the service areas rows name in `newServiceArea`.
   */
  async importAssets(
    ctx: AuditContext,
    rows: ImportRow[],
    risks: ImportRisk[],
    meta: {
      filename: string;
      /** Assets in the sheet that need no change (their risks may still be added). */
      unchanged?: { reference: string; id: string }[];
      addServiceArea?: (name: string, trx: DbOrTrx) => Promise<{ id: string }>;
    },
  ): Promise<{
    importId: string;
    created: number;
    updated: number;
    risks: number;
    serviceAreas: number;
  }> {
    const importId = `import-${new Date()
      .toISOString()
      .replace(/[-:.TZ]/g, "")
      .slice(0, 14)}-${Math.random().toString(36).slice(2, 8)}`;
    const adding = rows.filter((r) => !r.existingId);
    const updating = rows.filter((r) => r.existingId);
    return this.db.transaction().execute(async (trx) => {
      // Service areas first, so the assets can name them.
      const areaIds = new Map<string, string>();
      for (const name of new Set(rows.map((r) => r.newServiceArea).filter((n) => !!n))) {
        if (!meta.addServiceArea)
          throw new RegisterConflictError(`Service area ${name} is not one of the council's.`);
        areaIds.set(name as string, (await meta.addServiceArea(name as string, trx)).id);
      }
      const withArea = (r: ImportRow): AssetInput =>
        r.newServiceArea
          ? { ...r.input, serviceAreaId: areaIds.get(r.newServiceArea) ?? null }
          : r.input;
      const taken = new Set(
        (await trx.selectFrom("information_assets").select("reference").execute()).map((r) =>
          r.reference.toLowerCase(),
        ),
      );
      for (const r of adding)
        if (r.input.reference) {
          const key = r.input.reference.toLowerCase();
          if (taken.has(key))
            throw new RegisterConflictError(
              `Reference ${r.input.reference} is already in the register.`,
            );
          taken.add(key);
        }
      const needed = adding.filter((r) => !r.input.reference).length;
      const fresh: string[] = [];
      while (fresh.length < needed) {
        const { rows: numbers } = await sql<{
          n: string;
        }>`SELECT nextval('information_asset_number') AS n
          FROM generate_series(1, ${needed - fresh.length})`.execute(trx);
        for (const { n } of numbers) {
          const ref = `IA-${String(n).padStart(4, "0")}`;
          if (!taken.has(ref.toLowerCase())) {
            taken.add(ref.toLowerCase());
            fresh.push(ref);
          }
        }
      }
      const dueDefault = addMonths(today(), REVIEW_MONTHS);
      const values = adding.map((r) => {
        const input = withArea(r);
        const row = assetRow(input, input.reference ?? (fresh.shift() as string));
        row.review_due ??= dueDefault;
        row.owner_name = input.ownerId ? null : r.ownerPending;
        row.administrator_name = input.administratorId ? null : r.administratorPending;
        row.import_id = importId;
        return row;
      });
      const ids = new Map<string, string>(
        (meta.unchanged ?? []).map((u) => [u.reference.toLowerCase(), u.id]),
      );
      for (let i = 0; i < values.length; i += 500) {
        const inserted = await trx
          .insertInto("information_assets")
          .values(values.slice(i, i + 500))
          .returning(["id", "reference"])
          .execute();
        for (const r of inserted) ids.set(r.reference.toLowerCase(), r.id);
      }
      const updated: string[] = [];
      for (const r of updating) {
        const { asset } = await this.update(ctx, r.existingId as string, withArea(r), {
          trx,
          summary: `Asset ${r.input.reference ?? ""} ${r.input.name} changed by the import of ${meta.filename}`,
          pending: { owner: r.ownerPending, administrator: r.administratorPending },
        });
        ids.set(asset.reference.toLowerCase(), asset.id);
        updated.push(asset.reference);
      }
      const riskRows = risks.map((r) => {
        const assetId = ids.get(r.reference.toLowerCase());
        if (!assetId) throw new RegisterConflictError(`No asset ${r.reference} for a risk.`);
        return {
          asset_id: assetId,
          description: r.description,
          likelihood: r.likelihood,
          impact: r.impact,
          mitigation: r.mitigation,
          owner_id: r.ownerId,
          owner_name: r.ownerName,
        };
      });
      for (let i = 0; i < riskRows.length; i += 1000)
        await trx
          .insertInto("asset_risks")
          .values(riskRows.slice(i, i + 1000))
          .execute();
      const parts = [
        `${values.length} asset${values.length === 1 ? "" : "s"} imported`,
        ...(updated.length ? [`${updated.length} updated`] : []),
      ];
      await this.audit.record(
        ctx,
        {
          action: "import",
          entityType: "asset-import",
          entityId: importId,
          summary: `${parts.join(", ")} from ${meta.filename}`,
          changes: {
            filename: meta.filename,
            assets: values.length,
            updated: updated.length,
            risks: riskRows.length,
            serviceAreas: [...areaIds.keys()],
            references: values.slice(0, 1000).map((v) => v.reference),
            updatedReferences: updated.slice(0, 1000),
          },
        },
        trx,
      );
      return {
        importId,
        created: values.length,
        updated: updated.length,
        risks: riskRows.length,
        serviceAreas: areaIds.size,
      };
    });
  }

  // Spreadsheet imports in progress: kept between upload, mapping, preview and apply.

  async saveImportDraft(
    userId: string,
    draft: {
      filename: string;
      headings: string[];
      rows: string[][];
      risks: string[][] | null;
      mapping: Record<string, string>;
      /** What the spreadsheet routes keep about the sheet (JSON; see spreadsheet/draft.ts). */
      details?: unknown;
    },
  ): Promise<string> {
    await this.db
      .deleteFrom("asset_import_drafts")
      .where("created_at", "<", new Date(Date.now() - 86_400_000))
      .execute();
    const row = await this.db
      .insertInto("asset_import_drafts")
      .values({
        user_id: userId,
        filename: draft.filename,
        headings: JSON.stringify(draft.headings),
        rows: JSON.stringify(draft.rows),
        risks: draft.risks ? JSON.stringify(draft.risks) : null,
        mapping: JSON.stringify(draft.mapping),
        details: draft.details === undefined ? null : JSON.stringify(draft.details),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async getImportDraft(id: string, userId: string) {
    if (!UUID.test(id)) return undefined;
    const r = await this.db
      .selectFrom("asset_import_drafts")
      .selectAll()
      .where("id", "=", id)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      id: r.id,
      filename: r.filename,
      headings: r.headings,
      rows: r.rows,
      risks: r.risks,
      mapping: r.mapping,
      details: r.details,
      createdAt: r.created_at,
    };
  }

  async setImportMapping(id: string, mapping: Record<string, string>): Promise<void> {
    await this.db
      .updateTable("asset_import_drafts")
      .set({ mapping: JSON.stringify(mapping) })
      .where("id", "=", id)
      .execute();
  }

  /** Another sheet of the same workbook, or new details (choices about service areas). */
  async updateImportDraft(
    id: string,
    change: {
      headings?: string[];
      rows?: string[][];
      mapping?: Record<string, string>;
      details?: unknown;
    },
  ): Promise<void> {
    const set: Record<string, string> = {};
    if (change.headings) set.headings = JSON.stringify(change.headings);
    if (change.rows) set.rows = JSON.stringify(change.rows);
    if (change.mapping) set.mapping = JSON.stringify(change.mapping);
    if (change.details !== undefined) set.details = JSON.stringify(change.details);
    if (!Object.keys(set).length) return;
    await this.db.updateTable("asset_import_drafts").set(set).where("id", "=", id).execute();
  }

  async deleteImportDraft(id: string): Promise<void> {
    await this.db.deleteFrom("asset_import_drafts").where("id", "=", id).execute();
  }

  /** Every risk in the register (for the export). */
  async allRisks(): Promise<AssetRisk[]> {
    const rows = await this.db
      .selectFrom("asset_risks as r")
      .innerJoin("information_assets as a", "a.id", "r.asset_id")
      .leftJoin("users as u", "u.id", "r.owner_id")
      .selectAll("r")
      .select("u.display_name as owner_label")
      .orderBy(sql`lower(a.reference)`)
      .orderBy("r.description")
      .orderBy("r.id")
      .execute();
    return rows.map((r) => ({
      id: r.id,
      assetId: r.asset_id,
      description: r.description,
      likelihood: r.likelihood,
      impact: r.impact,
      score: r.likelihood * r.impact,
      rating: riskRating(r.likelihood, r.impact),
      mitigation: r.mitigation,
      ownerId: r.owner_id,
      ownerLabel: r.owner_label ?? r.owner_name,
    }));
  }

  // Risks -------------------------------------------------------------------------------------

  async risks(assetId: string): Promise<AssetRisk[]> {
    if (!UUID.test(assetId)) return [];
    const rows = await this.db
      .selectFrom("asset_risks as r")
      .leftJoin("users as u", "u.id", "r.owner_id")
      .selectAll("r")
      .select("u.display_name as owner_label")
      .where("r.asset_id", "=", assetId)
      .orderBy(sql`r.likelihood * r.impact`, "desc")
      .orderBy("r.created_at")
      .execute();
    return rows.map((r) => ({
      id: r.id,
      assetId: r.asset_id,
      description: r.description,
      likelihood: r.likelihood,
      impact: r.impact,
      score: r.likelihood * r.impact,
      rating: riskRating(r.likelihood, r.impact),
      mitigation: r.mitigation,
      ownerId: r.owner_id,
      ownerLabel: r.owner_label ?? r.owner_name,
    }));
  }

  async addRisk(ctx: AuditContext, assetId: string, risk: RiskInput, trx?: DbOrTrx): Promise<void> {
    const run = async (t: DbOrTrx) => {
      const asset = await this.get(assetId, t);
      if (!asset) throw new RegisterConflictError("No such asset.");
      if (risk.ownerId) {
        const user = await t
          .selectFrom("users")
          .select("id")
          .where("id", "=", risk.ownerId)
          .executeTakeFirst();
        if (!user)
          throw new RegisterInputError([
            { field: "ownerId", message: "Select the risk owner from the list" },
          ]);
      }
      const { id } = await t
        .insertInto("asset_risks")
        .values({
          asset_id: assetId,
          description: risk.description,
          likelihood: risk.likelihood,
          impact: risk.impact,
          mitigation: risk.mitigation,
          owner_id: risk.ownerId,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "asset",
          entityId: assetId,
          summary: `Risk added to ${asset.reference}: ${risk.description.slice(0, 80)}`,
          changes: { riskId: id, ...risk, rating: riskRating(risk.likelihood, risk.impact) },
        },
        t,
      );
    };
    if (trx) await run(trx);
    else await this.db.transaction().execute(run);
  }

  async removeRisk(ctx: AuditContext, assetId: string, riskId: string): Promise<void> {
    if (!UUID.test(riskId)) throw new RegisterConflictError("No such risk.");
    await this.db.transaction().execute(async (trx) => {
      const risk = await trx
        .deleteFrom("asset_risks")
        .where("id", "=", riskId)
        .where("asset_id", "=", assetId)
        .returning(["description"])
        .executeTakeFirst();
      if (!risk) throw new RegisterConflictError("No such risk.");
      await this.audit.record(
        ctx,
        {
          action: "delete",
          entityType: "asset",
          entityId: assetId,
          summary: `Risk removed: ${risk.description.slice(0, 80)}`,
          changes: { riskId },
        },
        trx,
      );
    });
  }

  // Annual review -----------------------------------------------------------------------------

  /**
   * The owner's annual review: the entry as they have checked it. If nothing changed the review is
   * "confirmed", otherwise "corrected" with what changed; either way the next review falls due a year on.
   */
  async review(
    ctx: AuditContext,
    id: string,
    input: unknown,
    notes: string | null,
  ): Promise<AssetReview> {
    return this.db.transaction().execute(async (trx) => {
      const before = await this.get(id, trx);
      if (!before) throw new RegisterConflictError("No such asset.");
      const reviewedOn = today();
      const nextDue = addMonths(reviewedOn, REVIEW_MONTHS);
      const submitted = { ...(input as Record<string, unknown>) };
      // The review itself sets the dates: what the owner checks is everything else.
      submitted.reviewDue = nextDue;
      submitted.lastReviewed = reviewedOn;
      const { changes } = await this.update(ctx, id, submitted, {
        trx,
        summary: `Annual review of ${before.reference} ${before.name}`,
      });
      const { reviewDue: _due, lastReviewed: _last, ...corrections } = changes;
      const outcome = Object.keys(corrections).length ? "corrected" : "confirmed";
      const row = await trx
        .insertInto("asset_reviews")
        .values({
          asset_id: id,
          reviewed_by: ctx.actorId,
          reviewed_by_label: ctx.actorLabel,
          outcome,
          changes: outcome === "corrected" ? JSON.stringify(corrections) : null,
          notes,
          next_review_due: nextDue,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.audit.record(
        ctx,
        {
          action: "review",
          entityType: "asset",
          entityId: id,
          summary: `Review of ${before.reference} ${outcome}; next review due ${nextDue}`,
          changes: { outcome, corrected: Object.keys(corrections), notes },
        },
        trx,
      );
      return presentReview(row);
    });
  }

  async reviews(assetId: string): Promise<AssetReview[]> {
    if (!UUID.test(assetId)) return [];
    const rows = await this.db
      .selectFrom("asset_reviews")
      .selectAll()
      .where("asset_id", "=", assetId)
      .orderBy("reviewed_at", "desc")
      .execute();
    return rows.map(presentReview);
  }

  /**
   * Emails owners whose reviews fall due within REMINDER_DAYS, and once more when overdue. Each
   * reminder is sent once per asset and due date, however often this runs.
   */
  async sendReviewReminders(
    send: (to: string, subject: string, body: string) => Promise<unknown>,
    options: { now?: Date; baseUrl?: string } = {},
  ): Promise<{ sent: number }> {
    const now = today(options.now);
    const horizon = new Date(`${now}T00:00:00Z`);
    horizon.setUTCDate(horizon.getUTCDate() + Math.max(...REMINDER_DAYS));
    const rows = await this.db
      .selectFrom("information_assets as a")
      .innerJoin("users as u", "u.id", "a.owner_id")
      .select(["a.id", "a.reference", "a.name", "a.review_due", "u.email", "u.display_name"])
      .where("a.review_due", "is not", null)
      .where("a.review_due", "<=", horizon.toISOString().slice(0, 10))
      .where("u.disabled_at", "is", null)
      .execute();
    let sent = 0;
    for (const r of rows) {
      const due = r.review_due as string;
      const daysLeft = Math.round(
        (Date.parse(`${due}T00:00:00Z`) - Date.parse(`${now}T00:00:00Z`)) / 86_400_000,
      );
      const kind =
        daysLeft < 0 ? "overdue" : `${REMINDER_DAYS.filter((d) => daysLeft <= d).at(-1) ?? 0}-days`;
      const claimed = await this.db
        .insertInto("asset_review_reminders")
        .values({ asset_id: r.id, review_due: due, kind })
        .onConflict((oc) => oc.doNothing())
        .returning("asset_id")
        .executeTakeFirst();
      if (!claimed) continue;
      const link = `${options.baseUrl ?? ""}/assets/${r.id}/review`;
      const when = daysLeft < 0 ? `was due on ${due}` : `is due on ${due}`;
      await send(
        r.email,
        `${daysLeft < 0 ? "Overdue: " : ""}review ${r.reference} ${r.name} in the asset register`,
        [
          `Dear ${r.display_name},`,
          "",
          `You are the Information Asset Owner for ${r.reference} ${r.name}. Its annual review ${when}.`,
          "",
          `Check the entry, correct anything that has changed and confirm it: ${link}`,
          "",
          "The information governance team can see reviews that are overdue.",
        ].join("\n"),
      );
      sent++;
    }
    return { sent };
  }
}

/** The stored row for a valid asset. */
function assetRow(
  value: AssetInput,
  reference: string,
): Omit<Insertable<InformationAssetsTable>, "id"> {
  const row: Record<string, unknown> = {};
  for (const f of ASSET_FIELDS) row[column(f.name)] = value[f.name as keyof AssetInput];
  const { specialCategory, criminalOffence } = sensitivity(value.personalDataCategories);
  return {
    ...(row as Omit<Insertable<InformationAssetsTable>, "id">),
    reference,
    special_category: specialCategory,
    criminal_offence: criminalOffence,
  };
}

export interface ImportRow {
  input: AssetInput;
  ownerPending: string | null;
  administratorPending: string | null;
  /** The asset this row updates; absent for a new asset. */
  existingId?: string | null;
  /** A service area to add in the same transaction and give the asset. */
  newServiceArea?: string | null;
}

export interface ImportRisk {
  reference: string;
  description: string;
  likelihood: number;
  impact: number;
  mitigation: string | null;
  ownerId: string | null;
  ownerName: string | null;
}

function presentReview(r: {
  id: string;
  reviewed_by: string | null;
  reviewed_by_label: string;
  reviewed_at: Date;
  outcome: "confirmed" | "corrected";
  changes: Record<string, unknown> | null;
  notes: string | null;
  next_review_due: string;
}): AssetReview {
  return {
    id: r.id,
    reviewedBy: r.reviewed_by,
    reviewedByLabel: r.reviewed_by_label,
    reviewedAt: r.reviewed_at,
    outcome: r.outcome,
    changes: r.changes,
    notes: r.notes,
    nextReviewDue: r.next_review_due,
  };
}

export { ASSET_FIELDS, ASSET_FORM_FIELDS, isRealDate };
