import { type Insertable, type Selectable, sql } from "kysely";
import type { AuditContext, AuditService } from "../../../platform/audit/audit-service.ts";
import { diff } from "../../../platform/audit/audit-service.ts";
import type { Principal } from "../../../platform/auth/policy.ts";
import { hasRole } from "../../../platform/auth/policy.ts";
import type { Db, DbOrTrx } from "../../../platform/db/database.ts";
import { UUID } from "../../../platform/db/ids.ts";
import { RegisterConflictError, RegisterInputError } from "../errors.ts";
import { column, schemaFor } from "../fields.ts";
import type { ProcessingActivitiesTable } from "../tables.ts";
import { sensitivity } from "../vocabularies.ts";
import { PROCESSING_FIELDS, type ProcessingInput } from "./processing-fields.ts";

export interface LinkedAsset {
  id: string;
  reference: string;
  name: string;
}

export interface ProcessingActivity extends ProcessingInput {
  id: string;
  reference: string;
  serviceAreaName: string | null;
  ownerLabel: string | null;
  specialCategory: boolean;
  criminalOffence: boolean;
  assets: LinkedAsset[];
  createdAt: Date;
  updatedAt: Date;
}

const schema = schemaFor(PROCESSING_FIELDS);
const STORED = PROCESSING_FIELDS.filter((f) => f.name !== "assetReferences");

export function splitReferences(text: string | null | undefined): string[] {
  return [
    ...new Set(
      (text ?? "")
        .split(/[\s,;]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

/** The record of processing activities (UK GDPR Art. 30), each linked to the assets it uses. */
export class ProcessingService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
  ) {}

  /** The record is kept by the information-governance team and the DPO. */
  canEdit(user: Principal | undefined): boolean {
    return hasRole(user, "ig-officer", "dpo");
  }

  parse(input: unknown): ProcessingInput {
    const raw = { ...((input ?? {}) as Record<string, unknown>) };
    if (Array.isArray(raw.assetReferences)) raw.assetReferences = raw.assetReferences.join(", ");
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw RegisterInputError.fromZod(parsed.error);
    return parsed.data as unknown as ProcessingInput;
  }

  private select(db: DbOrTrx = this.db) {
    return db
      .selectFrom("processing_activities as p")
      .leftJoin("service_areas as s", "s.id", "p.service_area_id")
      .leftJoin("users as u", "u.id", "p.owner_id")
      .selectAll("p")
      .select(["s.name as service_area_name", "u.display_name as owner_label"]);
  }

  private async present(
    rows: (Selectable<ProcessingActivitiesTable> & {
      service_area_name: string | null;
      owner_label: string | null;
    })[],
    db: DbOrTrx = this.db,
  ): Promise<ProcessingActivity[]> {
    if (!rows.length) return [];
    const links = await db
      .selectFrom("processing_activity_assets as l")
      .innerJoin("information_assets as a", "a.id", "l.asset_id")
      .select(["l.activity_id", "a.id", "a.reference", "a.name"])
      .where(
        "l.activity_id",
        "in",
        rows.map((r) => r.id),
      )
      .orderBy("a.reference")
      .execute();
    return rows.map((r) => {
      const assets = links
        .filter((l) => l.activity_id === r.id)
        .map((l) => ({ id: l.id, reference: l.reference, name: l.name }));
      const input = Object.fromEntries(
        STORED.map((f) => [f.name, (r as Record<string, unknown>)[column(f.name)]]),
      ) as unknown as ProcessingInput;
      return {
        ...input,
        assetReferences: assets.map((a) => a.reference).join(", ") || null,
        id: r.id,
        reference: r.reference,
        serviceAreaName: r.service_area_name,
        ownerLabel: r.owner_label,
        specialCategory: r.special_category,
        criminalOffence: r.criminal_offence,
        assets,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      };
    });
  }

  async list(
    filter: { search?: string; serviceAreaId?: string; page?: number; pageSize?: number } = {},
  ) {
    const pageSize = Math.min(Math.max(filter.pageSize ?? 25, 1), 10_000);
    const page = Math.max(filter.page ?? 1, 1);
    let q = this.select();
    let count = this.db.selectFrom("processing_activities as p");
    const text = filter.search?.trim();
    if (text) {
      const like = `%${text.replace(/[%_\\]/g, "\\$&")}%`;
      const cond = sql<boolean>`(p.name ILIKE ${like} OR p.reference ILIKE ${like} OR p.purposes ILIKE ${like})`;
      q = q.where(cond);
      count = count.where(cond);
    }
    if (filter.serviceAreaId && UUID.test(filter.serviceAreaId)) {
      q = q.where("p.service_area_id", "=", filter.serviceAreaId);
      count = count.where("p.service_area_id", "=", filter.serviceAreaId);
    }
    const [rows, n] = await Promise.all([
      q
        .orderBy(sql`lower(p.name)`)
        .orderBy("p.id")
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute(),
      count.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
    ]);
    const total = Number(n.n);
    return {
      items: await this.present(rows),
      total,
      page,
      pageSize,
      pages: Math.max(1, Math.ceil(total / pageSize)),
    };
  }

  /** The whole record, for the ROPA export. */
  async all(): Promise<ProcessingActivity[]> {
    const rows = await this.select().orderBy(sql`lower(p.reference)`).execute();
    return this.present(rows);
  }

  async get(id: string, db: DbOrTrx = this.db): Promise<ProcessingActivity | undefined> {
    if (!UUID.test(id)) return undefined;
    const rows = await this.select(db).where("p.id", "=", id).execute();
    return (await this.present(rows, db))[0];
  }

  async forAsset(assetId: string): Promise<ProcessingActivity[]> {
    if (!UUID.test(assetId)) return [];
    const rows = await this.select()
      .where("p.id", "in", (eb) =>
        eb
          .selectFrom("processing_activity_assets")
          .select("activity_id")
          .where("asset_id", "=", assetId),
      )
      .orderBy(sql`lower(p.name)`)
      .execute();
    return this.present(rows);
  }

  private async resolve(db: DbOrTrx, value: ProcessingInput) {
    const problems: { field: string; message: string }[] = [];
    const refs = splitReferences(value.assetReferences);
    const found = refs.length
      ? await db
          .selectFrom("information_assets")
          .select(["id", "reference"])
          .where(
            sql`lower(reference)`,
            "in",
            refs.map((r) => r.toLowerCase()),
          )
          .execute()
      : [];
    const missing = refs.filter(
      (r) => !found.some((f) => f.reference.toLowerCase() === r.toLowerCase()),
    );
    if (missing.length)
      problems.push({
        field: "assetReferences",
        message: `No asset in the register has the reference ${missing.join(", ")}`,
      });
    if (value.ownerId) {
      const u = await db
        .selectFrom("users")
        .select("id")
        .where("id", "=", value.ownerId)
        .executeTakeFirst();
      if (!u)
        problems.push({
          field: "ownerId",
          message: "Select the responsible manager from the list",
        });
    }
    if (value.serviceAreaId) {
      const s = await db
        .selectFrom("service_areas")
        .select("id")
        .where("id", "=", value.serviceAreaId)
        .executeTakeFirst();
      if (!s)
        problems.push({ field: "serviceAreaId", message: "Select a service area from the list" });
    }
    if (value.reference && !/^[\w./-]+$/.test(value.reference))
      problems.push({
        field: "reference",
        message: "Reference must only include letters, numbers, dots, hyphens and underscores",
      });
    if (problems.length) throw new RegisterInputError(problems);
    const row: Record<string, unknown> = {};
    for (const f of STORED) row[column(f.name)] = value[f.name as keyof ProcessingInput];
    const { specialCategory, criminalOffence } = sensitivity(value.personalDataCategories);
    return {
      row: {
        ...(row as Omit<Insertable<ProcessingActivitiesTable>, "id" | "reference">),
        special_category: specialCategory,
        criminal_offence: criminalOffence,
      },
      assetIds: found.map((f) => f.id),
    };
  }

  private async assertReferenceFree(db: DbOrTrx, reference: string, exceptId?: string) {
    let q = db
      .selectFrom("processing_activities")
      .select("id")
      .where(sql`lower(reference)`, "=", reference.toLowerCase());
    if (exceptId) q = q.where("id", "!=", exceptId);
    if (await q.executeTakeFirst())
      throw new RegisterInputError([
        {
          field: "reference",
          message: `A processing activity with reference ${reference} already exists`,
        },
      ]);
  }

  private async nextReference(db: DbOrTrx): Promise<string> {
    for (;;) {
      const { rows } = await sql<{
        n: string;
      }>`SELECT nextval('processing_activity_number') AS n`.execute(db);
      const reference = `PA-${String(rows[0].n).padStart(4, "0")}`;
      const taken = await db
        .selectFrom("processing_activities")
        .select("id")
        .where(sql`lower(reference)`, "=", reference.toLowerCase())
        .executeTakeFirst();
      if (!taken) return reference;
    }
  }

  private async link(db: DbOrTrx, activityId: string, assetIds: string[]) {
    await db
      .deleteFrom("processing_activity_assets")
      .where("activity_id", "=", activityId)
      .execute();
    if (assetIds.length)
      await db
        .insertInto("processing_activity_assets")
        .values(assetIds.map((asset_id) => ({ activity_id: activityId, asset_id })))
        .execute();
  }

  async create(ctx: AuditContext, input: unknown): Promise<ProcessingActivity> {
    const value = this.parse(input);
    return this.db.transaction().execute(async (trx) => {
      if (value.reference) await this.assertReferenceFree(trx, value.reference);
      const { row, assetIds } = await this.resolve(trx, value);
      const reference = value.reference ?? (await this.nextReference(trx));
      const { id } = await trx
        .insertInto("processing_activities")
        .values({ ...row, reference })
        .returning("id")
        .executeTakeFirstOrThrow();
      await this.link(trx, id, assetIds);
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "processing-activity",
          entityId: id,
          summary: `Processing activity ${reference} ${value.name} added to the record`,
          changes: { ...value, reference },
        },
        trx,
      );
      return (await this.get(id, trx)) as ProcessingActivity;
    });
  }

  async update(ctx: AuditContext, id: string, input: unknown): Promise<ProcessingActivity> {
    const value = this.parse(input);
    return this.db.transaction().execute(async (trx) => {
      const before = await this.get(id, trx);
      if (!before) throw new RegisterConflictError("No such processing activity.");
      const reference = value.reference ?? before.reference;
      if (reference.toLowerCase() !== before.reference.toLowerCase())
        await this.assertReferenceFree(trx, reference, id);
      const { row, assetIds } = await this.resolve(trx, value);
      await trx
        .updateTable("processing_activities")
        .set({ ...row, reference, updated_at: new Date() })
        .where("id", "=", id)
        .execute();
      await this.link(trx, id, assetIds);
      const after = (await this.get(id, trx)) as ProcessingActivity;
      const pick = (p: ProcessingInput) =>
        Object.fromEntries(
          PROCESSING_FIELDS.map((f) => [f.name, p[f.name as keyof ProcessingInput]]),
        );
      const changes = diff(pick(before), pick(after));
      if (Object.keys(changes).length)
        await this.audit.record(
          ctx,
          {
            action: "update",
            entityType: "processing-activity",
            entityId: id,
            summary: `Processing activity ${reference} ${after.name} changed`,
            changes,
          },
          trx,
        );
      return after;
    });
  }

  async patch(ctx: AuditContext, id: string, fields: Record<string, unknown>) {
    const before = await this.get(id);
    if (!before) throw new RegisterConflictError("No such processing activity.");
    const merged = Object.fromEntries(
      PROCESSING_FIELDS.map((f) => [f.name, before[f.name as keyof ProcessingInput]]),
    );
    return this.update(ctx, id, { ...merged, ...fields });
  }

  async remove(ctx: AuditContext, id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = await this.get(id, trx);
      if (!before) throw new RegisterConflictError("No such processing activity.");
      await trx.deleteFrom("processing_activities").where("id", "=", id).execute();
      await this.audit.record(
        ctx,
        {
          action: "delete",
          entityType: "processing-activity",
          entityId: id,
          summary: `Processing activity ${before.reference} ${before.name} removed from the record`,
        },
        trx,
      );
    });
  }
}
