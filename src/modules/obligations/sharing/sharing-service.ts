import { sql } from "kysely";
import { z } from "zod";
import {
  type AuditContext,
  type AuditService,
  diff,
} from "../../../platform/audit/audit-service.ts";
import type { Db, DbOrTrx } from "../../../platform/db/database.ts";
import { UUID } from "../../../platform/db/ids.ts";
import { addDays, type IsoDate, isRealDate, today } from "../dates.ts";
import { ObligationConflictError, ObligationInputError } from "../errors.ts";
import { coverageOf, type FlowCoverage, type FlowToCover, partnerKeys } from "../flow-cover.ts";

export type { FlowCoverage } from "../flow-cover.ts";

export const PARTNER_KINDS = {
  nhs: "NHS body",
  police: "Police",
  council: "Another council",
  "fire-rescue": "Fire and rescue",
  education: "School or college",
  charity: "Charity or voluntary organisation",
  government: "Central government",
  other: "Other",
} as const;
export type PartnerKind = keyof typeof PARTNER_KINDS;

export const AGREEMENT_STATUSES = {
  draft: "Draft",
  active: "Active",
  terminated: "Terminated",
} as const;
export type AgreementStatus = keyof typeof AGREEMENT_STATUSES;

/** The lawful bases of UK GDPR Art. 6(1), as agreements name them. */
export const LAWFUL_BASES = {
  "public-task": "Public task (Art. 6(1)(e))",
  "legal-obligation": "Legal obligation (Art. 6(1)(c))",
  "vital-interests": "Vital interests (Art. 6(1)(d))",
  consent: "Consent (Art. 6(1)(a))",
  contract: "Contract (Art. 6(1)(b))",
  "legitimate-interests": "Legitimate interests (Art. 6(1)(f))",
} as const;

/** An agreement is reminded this many days before its review or end date. */
export const REMIND_DAYS = 30;

export interface Partner {
  id: string;
  name: string;
  kind: PartnerKind;
  kindLabel: string;
  contactName: string | null;
  contactEmail: string | null;
  activeAgreements: number;
}

/** What the agreement's dates say today, whatever its recorded status. */
export type AgreementState =
  | "draft"
  | "active"
  | "review-due"
  | "review-overdue"
  | "expired"
  | "terminated";

export const STATE_LABELS: Record<AgreementState, string> = {
  draft: "Draft",
  active: "Active",
  "review-due": "Review due",
  "review-overdue": "Review overdue",
  expired: "Expired",
  terminated: "Terminated",
};

export interface Agreement {
  id: string;
  reference: string;
  title: string;
  purpose: string;
  lawfulBasis: string;
  lawfulBasisLabel: string;
  dataItems: string;
  signatories: string | null;
  framework: string | null;
  startDate: IsoDate;
  reviewDate: IsoDate | null;
  endDate: IsoDate | null;
  status: AgreementStatus;
  state: AgreementState;
  stateLabel: string;
  ownerId: string | null;
  ownerName: string | null;
  ownerEmail: string | null;
  signedFilename: string | null;
  partners: { id: string; name: string; kind: PartnerKind }[];
  flowIds: string[];
}

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Must be ${max} characters or fewer`)
    .optional()
    .transform((v) => (v ? v : null));

const optionalDate = (message: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      if (!isRealDate(v)) {
        ctx.addIssue({ code: "custom", message });
        return z.NEVER;
      }
      return v;
    });

export const partnerInput = z.object({
  name: z.string().trim().min(1, "Enter the partner's name").max(200),
  kind: z.enum(Object.keys(PARTNER_KINDS) as [PartnerKind, ...PartnerKind[]], {
    message: "Select the kind of organisation",
  }),
  contactName: optionalText(200),
  contactEmail: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) {
        ctx.addIssue({
          code: "custom",
          message: "Enter an email address like name@example.nhs.uk",
        });
        return z.NEVER;
      }
      return v.toLowerCase();
    }),
});
export type PartnerInput = z.output<typeof partnerInput>;

export const agreementInput = z
  .object({
    title: z.string().trim().min(1, "Enter the agreement's title").max(300),
    partnerIds: z.preprocess(
      (v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]),
      z
        .array(z.string().regex(UUID, "Select the partners"))
        .min(1, "Select at least one partner organisation"),
    ),
    purpose: z.string().trim().min(1, "Enter the purpose of the sharing").max(4000),
    lawfulBasis: z.enum(Object.keys(LAWFUL_BASES) as [string, ...string[]], {
      message: "Select the lawful basis",
    }),
    dataItems: z.string().trim().min(1, "Enter the data items shared").max(4000),
    signatories: optionalText(2000),
    framework: optionalText(300),
    startDate: z
      .string()
      .trim()
      .refine(isRealDate, "Enter the start date as a real date, like 2026-04-01"),
    reviewDate: optionalDate("Enter the review date as a real date, like 2027-04-01"),
    endDate: optionalDate("Enter the end date as a real date, like 2029-03-31"),
    status: z.enum(Object.keys(AGREEMENT_STATUSES) as [AgreementStatus, ...AgreementStatus[]], {
      message: "Select the status",
    }),
    ownerId: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v && UUID.test(v) ? v : null)),
  })
  .superRefine((v, ctx) => {
    if (v.endDate && v.endDate < v.startDate)
      ctx.addIssue({
        code: "custom",
        path: ["endDate"],
        message: "The end date must be after the start date",
      });
    if (v.reviewDate && v.reviewDate < v.startDate)
      ctx.addIssue({
        code: "custom",
        path: ["reviewDate"],
        message: "The review date must be after the start date",
      });
  });
export type AgreementInput = z.output<typeof agreementInput>;

export function agreementState(
  a: { status: AgreementStatus; reviewDate: IsoDate | null; endDate: IsoDate | null },
  on: IsoDate,
): AgreementState {
  if (a.status === "terminated") return "terminated";
  if (a.endDate && a.endDate < on) return "expired";
  if (a.status === "draft") return "draft";
  if (a.reviewDate && a.reviewDate < on) return "review-overdue";
  if (a.reviewDate && a.reviewDate <= addDays(on, REMIND_DAYS)) return "review-due";
  return "active";
}

/**
 * Partner organisations and the data-sharing agreements with them. The asset register's flow map
 * asks `isFlowCovered` whether a flow of personal data to a partner has an agreement in force.
 */
export class SharingService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
  ) {}

  // ---- Partners ----

  async partners(): Promise<Partner[]> {
    const on = today();
    const rows = await this.db
      .selectFrom("sharing_partners as p")
      .selectAll("p")
      .select(
        sql<string>`(select count(*) from sharing_agreement_parties ap join sharing_agreements a on a.id = ap.agreement_id
          where ap.partner_id = p.id and a.status = 'active' and (a.end_date is null or a.end_date >= ${on}))`.as(
          "active_agreements",
        ),
      )
      .orderBy(sql`lower(p.name)`)
      .execute();
    return rows.map((p) => ({
      id: p.id,
      name: p.name,
      kind: p.kind as PartnerKind,
      kindLabel: PARTNER_KINDS[p.kind as PartnerKind] ?? p.kind,
      contactName: p.contact_name,
      contactEmail: p.contact_email,
      activeAgreements: Number(p.active_agreements),
    }));
  }

  async partner(id: string): Promise<Partner | undefined> {
    return (await this.partners()).find((p) => p.id === id);
  }

  async partnerByName(name: string): Promise<Partner | undefined> {
    const key = name.trim().toLowerCase();
    return (await this.partners()).find((p) => p.name.toLowerCase() === key);
  }

  async addPartner(ctx: AuditContext, input: PartnerInput): Promise<string> {
    return this.db.transaction().execute(async (trx) => {
      const clash = await trx
        .selectFrom("sharing_partners")
        .select("id")
        .where(sql`lower(name)`, "=", input.name.toLowerCase())
        .executeTakeFirst();
      if (clash) throw new ObligationInputError("name", `${input.name} is already a partner`);
      const row = await trx
        .insertInto("sharing_partners")
        .values({
          name: input.name,
          kind: input.kind,
          contact_name: input.contactName,
          contact_email: input.contactEmail,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "sharing-partner",
          entityId: row.id,
          summary: `Partner ${input.name} added`,
          changes: { ...input },
        },
        trx,
      );
      return row.id;
    });
  }

  // ---- Agreements ----

  private async load(db: DbOrTrx, ids?: string[]): Promise<Agreement[]> {
    let q = db
      .selectFrom("sharing_agreements as a")
      .leftJoin("users as u", "u.id", "a.owner_id")
      .select([
        "a.id",
        "a.reference",
        "a.title",
        "a.purpose",
        "a.lawful_basis",
        "a.data_items",
        "a.signatories",
        "a.framework",
        "a.start_date",
        "a.review_date",
        "a.end_date",
        "a.status",
        "a.owner_id",
        "a.signed_filename",
        "u.display_name as owner_name",
        "u.email as owner_email",
      ]);
    if (ids) {
      if (!ids.length) return [];
      q = q.where("a.id", "in", ids);
    }
    const rows = await q.orderBy("a.reference").execute();
    if (!rows.length) return [];
    const agreementIds = rows.map((r) => r.id);
    const [parties, flows] = await Promise.all([
      db
        .selectFrom("sharing_agreement_parties as ap")
        .innerJoin("sharing_partners as p", "p.id", "ap.partner_id")
        .select(["ap.agreement_id", "p.id", "p.name", "p.kind"])
        .where("ap.agreement_id", "in", agreementIds)
        .orderBy("p.name")
        .execute(),
      db
        .selectFrom("sharing_agreement_flows")
        .selectAll()
        .where("agreement_id", "in", agreementIds)
        .execute(),
    ]);
    const on = today();
    return rows.map((r) => {
      const status = r.status;
      const state = agreementState({ status, reviewDate: r.review_date, endDate: r.end_date }, on);
      return {
        id: r.id,
        reference: r.reference,
        title: r.title,
        purpose: r.purpose,
        lawfulBasis: r.lawful_basis,
        lawfulBasisLabel:
          LAWFUL_BASES[r.lawful_basis as keyof typeof LAWFUL_BASES] ?? r.lawful_basis,
        dataItems: r.data_items,
        signatories: r.signatories,
        framework: r.framework,
        startDate: r.start_date,
        reviewDate: r.review_date,
        endDate: r.end_date,
        status,
        state,
        stateLabel: STATE_LABELS[state],
        ownerId: r.owner_id,
        ownerName: r.owner_name,
        ownerEmail: r.owner_email,
        signedFilename: r.signed_filename,
        partners: parties
          .filter((p) => p.agreement_id === r.id)
          .map((p) => ({ id: p.id, name: p.name, kind: p.kind as PartnerKind })),
        flowIds: flows.filter((f) => f.agreement_id === r.id).map((f) => f.flow_id),
      };
    });
  }

  async agreements(filter: { state?: string; partnerId?: string } = {}): Promise<Agreement[]> {
    let list = await this.load(this.db);
    if (filter.state) list = list.filter((a) => a.state === filter.state);
    if (filter.partnerId)
      list = list.filter((a) => a.partners.some((p) => p.id === filter.partnerId));
    return list;
  }

  async agreement(id: string): Promise<Agreement | undefined> {
    if (!UUID.test(id)) return undefined;
    return (await this.load(this.db, [id]))[0];
  }

  async saveAgreement(ctx: AuditContext, input: AgreementInput, id?: string): Promise<string> {
    return this.db.transaction().execute(async (trx) => {
      const partners = await trx
        .selectFrom("sharing_partners")
        .select("id")
        .where("id", "in", input.partnerIds)
        .execute();
      if (partners.length !== new Set(input.partnerIds).size)
        throw new ObligationInputError("partnerIds", "Select partners from the list");
      const values = {
        title: input.title,
        purpose: input.purpose,
        lawful_basis: input.lawfulBasis,
        data_items: input.dataItems,
        signatories: input.signatories,
        framework: input.framework,
        start_date: input.startDate,
        review_date: input.reviewDate,
        end_date: input.endDate,
        status: input.status,
        owner_id: input.ownerId,
      };
      let agreementId: string;
      if (id) {
        const [before] = await this.load(trx, [id]);
        if (!before) throw new ObligationConflictError("That agreement is not in the register.");
        await trx
          .updateTable("sharing_agreements")
          .set({ ...values, updated_at: new Date() })
          .where("id", "=", id)
          .execute();
        await trx.deleteFrom("sharing_agreement_parties").where("agreement_id", "=", id).execute();
        agreementId = id;
        await this.audit.record(
          ctx,
          {
            action: "update",
            entityType: "sharing-agreement",
            entityId: id,
            summary: `Data-sharing agreement ${before.reference} changed`,
            changes: diff(
              {
                title: before.title,
                purpose: before.purpose,
                lawfulBasis: before.lawfulBasis,
                dataItems: before.dataItems,
                signatories: before.signatories,
                framework: before.framework,
                startDate: before.startDate,
                reviewDate: before.reviewDate,
                endDate: before.endDate,
                status: before.status,
                ownerId: before.ownerId,
                partnerIds: before.partners.map((p) => p.id).sort(),
              },
              { ...input, partnerIds: [...input.partnerIds].sort() },
            ),
          },
          trx,
        );
      } else {
        const { n } = await sql<{
          n: string;
        }>`SELECT nextval('sharing_agreement_number')::text AS n`
          .execute(trx)
          .then((r) => r.rows[0]);
        const reference = `DSA-${n.padStart(4, "0")}`;
        const row = await trx
          .insertInto("sharing_agreements")
          .values({ ...values, reference })
          .returning("id")
          .executeTakeFirstOrThrow();
        agreementId = row.id;
        await this.audit.record(
          ctx,
          {
            action: "create",
            entityType: "sharing-agreement",
            entityId: agreementId,
            summary: `Data-sharing agreement ${reference} added: ${input.title}`,
            changes: { ...input },
          },
          trx,
        );
      }
      await trx
        .insertInto("sharing_agreement_parties")
        .values(
          [...new Set(input.partnerIds)].map((p) => ({ agreement_id: agreementId, partner_id: p })),
        )
        .execute();
      return agreementId;
    });
  }

  async attachSignedCopy(
    ctx: AuditContext,
    id: string,
    file: { filename: string; mimetype: string; data: Buffer },
  ): Promise<void> {
    if (!/\.(pdf|docx?|odt|png|jpe?g|tiff?)$/i.test(file.filename))
      throw new ObligationInputError(
        "signedCopy",
        "The signed copy must be a PDF, Word document or scan (PNG, JPEG, TIFF)",
      );
    if (file.data.length === 0)
      throw new ObligationInputError("signedCopy", "The selected file is empty");
    await this.db.transaction().execute(async (trx) => {
      const a = await trx
        .selectFrom("sharing_agreements")
        .select(["reference"])
        .where("id", "=", id)
        .executeTakeFirst();
      if (!a) throw new ObligationConflictError("That agreement is not in the register.");
      await trx
        .updateTable("sharing_agreements")
        .set({
          signed_filename: file.filename.replace(/[^\w. ()-]/g, "_").slice(0, 200),
          signed_mimetype: file.mimetype.slice(0, 100),
          signed_copy: file.data,
          updated_at: new Date(),
        })
        .where("id", "=", id)
        .execute();
      await this.audit.record(
        ctx,
        {
          action: "upload",
          entityType: "sharing-agreement",
          entityId: id,
          summary: `Signed copy of ${a.reference} uploaded (${file.filename}, ${file.data.length} bytes)`,
        },
        trx,
      );
    });
  }

  async signedCopy(
    id: string,
  ): Promise<{ filename: string; mimetype: string; data: Buffer } | undefined> {
    if (!UUID.test(id)) return undefined;
    const r = await this.db
      .selectFrom("sharing_agreements")
      .select(["signed_filename", "signed_mimetype", "signed_copy"])
      .where("id", "=", id)
      .executeTakeFirst();
    if (!r?.signed_copy || !r.signed_filename) return undefined;
    return {
      filename: r.signed_filename,
      mimetype: r.signed_mimetype ?? "application/octet-stream",
      data: r.signed_copy,
    };
  }

  /** Records which of the asset register's data flows the agreement covers (flow ids from services.assets). */
  async setFlows(ctx: AuditContext, id: string, flowIds: string[]): Promise<void> {
    const wanted = [...new Set(flowIds.filter((f) => UUID.test(f)))];
    await this.db.transaction().execute(async (trx) => {
      const a = await trx
        .selectFrom("sharing_agreements")
        .select("reference")
        .where("id", "=", id)
        .executeTakeFirst();
      if (!a) throw new ObligationConflictError("That agreement is not in the register.");
      await trx.deleteFrom("sharing_agreement_flows").where("agreement_id", "=", id).execute();
      if (wanted.length)
        await trx
          .insertInto("sharing_agreement_flows")
          .values(wanted.map((flow_id) => ({ agreement_id: id, flow_id })))
          .execute();
      await this.audit.record(
        ctx,
        {
          action: "update",
          entityType: "sharing-agreement",
          entityId: id,
          summary: `${a.reference} now covers ${wanted.length} data flow${wanted.length === 1 ? "" : "s"}`,
          changes: { flowIds: wanted },
        },
        trx,
      );
    });
  }

  /**
   * Agreements in force on a date (active, started, not ended) with this partner, found by id or by
   * name (the flow map records partners by name).
   */
  async agreementsCovering(
    partner: { id?: string; name?: string },
    on: IsoDate = today(),
  ): Promise<Agreement[]> {
    let partnerId = partner.id && UUID.test(partner.id) ? partner.id : undefined;
    if (!partnerId && partner.name) partnerId = (await this.partnerByName(partner.name))?.id;
    if (!partnerId) return [];
    return (await this.agreements({ partnerId })).filter(
      (a) => a.status === "active" && a.startDate <= on && (!a.endDate || a.endDate >= on),
    );
  }

  /**
   * Whether a flow of personal data to a partner is covered: an agreement in force linked to this
   * flow or, when none in force is linked to it, any agreement in force with the partner.
   * The asset register's flow map flags a flow when `covered` is false (see coverFlows).
   */
  async isFlowCovered(flow: FlowToCover): Promise<FlowCoverage> {
    return (await this.coverFlows([flow], flow.on))[0];
  }

  /** isFlowCovered for many flows at once: the register is read once, however many flows. */
  async coverFlows(flows: FlowToCover[], on: IsoDate = today()): Promise<FlowCoverage[]> {
    if (!flows.length) return [];
    const [all, partners] = await Promise.all([this.agreements(), this.partners()]);
    const idByName = new Map(partners.map((p) => [p.name.trim().toLowerCase(), p.id]));
    return flows.map((flow) => {
      const partnerIds = new Set<string>();
      if (flow.partnerId && UUID.test(flow.partnerId)) partnerIds.add(flow.partnerId);
      for (const name of partnerKeys(flow)) {
        const id = idByName.get(name);
        if (id) partnerIds.add(id);
      }
      return coverageOf(all, flow, {
        linkedTo: (a, flowId) => a.flowIds.includes(flowId),
        withPartner: (a) => a.partners.some((p) => partnerIds.has(p.id)),
        inForce: (a) =>
          a.status === "active" &&
          a.startDate <= (flow.on ?? on) &&
          (!a.endDate || a.endDate >= (flow.on ?? on)),
        ended: (a) => a.status === "terminated" || (!!a.endDate && a.endDate < (flow.on ?? on)),
        ref: (a) => ({
          id: a.id,
          reference: a.reference,
          title: a.title,
          stateLabel: a.stateLabel,
          endDate: a.endDate,
        }),
      });
    });
  }

  /** Links one data flow (by its id in the asset register) to the agreement, keeping its other links. */
  async linkFlow(
    ctx: AuditContext,
    id: string,
    flow: { id: string; reference: string },
    linked = true,
  ): Promise<void> {
    if (!UUID.test(id) || !UUID.test(flow.id))
      throw new ObligationInputError("register", "Select an agreement from the register");
    await this.db.transaction().execute(async (trx) => {
      const a = await trx
        .selectFrom("sharing_agreements")
        .select(["reference", "title"])
        .where("id", "=", id)
        .executeTakeFirst();
      if (!a) throw new ObligationInputError("register", "Select an agreement from the register");
      const changed = linked
        ? await trx
            .insertInto("sharing_agreement_flows")
            .values({ agreement_id: id, flow_id: flow.id })
            .onConflict((oc) => oc.columns(["agreement_id", "flow_id"]).doNothing())
            .executeTakeFirst()
        : await trx
            .deleteFrom("sharing_agreement_flows")
            .where("agreement_id", "=", id)
            .where("flow_id", "=", flow.id)
            .executeTakeFirst();
      const rows =
        "numInsertedOrUpdatedRows" in changed
          ? Number(changed.numInsertedOrUpdatedRows ?? 0)
          : Number(changed.numDeletedRows);
      if (!rows) return;
      const what = linked ? "now covers" : "no longer covers";
      const entry = {
        action: linked ? "link-flow" : "unlink-flow",
        changes: { agreement: a.reference, flow: flow.reference, linked },
      };
      await this.audit.record(
        ctx,
        {
          ...entry,
          entityType: "sharing-agreement",
          entityId: id,
          summary: `${a.reference} ${what} data flow ${flow.reference}`,
        },
        trx,
      );
      await this.audit.record(
        ctx,
        {
          ...entry,
          entityType: "data-flow",
          entityId: flow.id,
          summary: `Data flow ${flow.reference} ${linked ? "linked to" : "unlinked from"} data-sharing agreement ${a.reference} ${a.title}`,
        },
        trx,
      );
    });
  }

  async counts(): Promise<{
    active: number;
    reviewDue: number;
    overdue: number;
    expired: number;
    drafts: number;
  }> {
    const list = await this.agreements();
    const n = (s: AgreementState) => list.filter((a) => a.state === s).length;
    return {
      active: n("active") + n("review-due") + n("review-overdue"),
      reviewDue: n("review-due"),
      overdue: n("review-overdue"),
      expired: n("expired"),
      drafts: n("draft"),
    };
  }
}
