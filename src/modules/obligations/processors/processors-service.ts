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

/** What UK GDPR Art. 28(3) requires a processor contract to say. */
export const ART28_TERMS = {
  instructions: "Processes only on the council's documented instructions (Art. 28(3)(a))",
  confidentiality: "People processing the data are bound by confidentiality (Art. 28(3)(b))",
  security: "Appropriate security measures under Art. 32 (Art. 28(3)(c))",
  "sub-processors": "Sub-processors only with authorisation and the same terms (Art. 28(3)(d))",
  assistance:
    "Helps the council with data subjects' rights, breaches and DPIAs (Art. 28(3)(e), (f))",
  "deletion-return": "Deletes or returns the data at the end of the contract (Art. 28(3)(g))",
  audit: "Provides information and allows audits and inspections (Art. 28(3)(h))",
} as const;
export type Art28Term = keyof typeof ART28_TERMS;
export const ART28_KEYS = Object.keys(ART28_TERMS) as Art28Term[];

export const ASSURANCE_SCHEMES = {
  iso27001: "ISO/IEC 27001",
  "cyber-essentials-plus": "Cyber Essentials Plus",
  "cyber-essentials": "Cyber Essentials",
  dspt: "NHS Data Security and Protection Toolkit",
  "psn-compliance": "PSN compliance",
  "soc2-type2": "SOC 2 Type II",
  other: "Other",
} as const;
export type AssuranceScheme = keyof typeof ASSURANCE_SCHEMES;

export const ASSESSMENT_OCCASIONS = {
  "before-go-live": "Before the system goes live",
  "major-change": "After a major change",
  periodic: "Periodic review",
} as const;
export const ASSESSMENT_OUTCOMES = {
  satisfactory: "Satisfactory",
  "actions-required": "Satisfactory with actions",
  unsatisfactory: "Unsatisfactory",
} as const;

/** Assurance expiring within this many days is listed, and its owner reminded. */
export const ASSURANCE_WARNING_DAYS = 60;

export interface Assurance {
  id: string;
  scheme: AssuranceScheme;
  schemeLabel: string;
  certificate: string | null;
  expiresOn: IsoDate;
  expired: boolean;
  expiringSoon: boolean;
}

export interface Assessment {
  id: string;
  occasion: keyof typeof ASSESSMENT_OCCASIONS;
  occasionLabel: string;
  assessedOn: IsoDate;
  outcome: keyof typeof ASSESSMENT_OUTCOMES;
  outcomeLabel: string;
  notes: string | null;
  nextDue: IsoDate | null;
  assessedBy: string;
}

export interface Processor {
  id: string;
  name: string;
  contractReference: string | null;
  services: string | null;
  personalData: string | null;
  dataLocation: string | null;
  internationalTransfers: string | null;
  art28Terms: Art28Term[];
  missingTerms: Art28Term[];
  contractStart: IsoDate | null;
  contractEnd: IsoDate | null;
  contractReview: IsoDate | null;
  ownerId: string | null;
  ownerName: string | null;
  ownerEmail: string | null;
  assetIds: string[];
  /** The asset register's data flows linked to this contract (ids, read through services.flows). */
  flowIds: string[];
  assurances: Assurance[];
  assessments: Assessment[];
  /** The next assessment date: the latest assessment's next-due date. */
  nextAssessment: IsoDate | null;
  reviewOverdue: boolean;
}

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Must be ${max} characters or fewer`)
    .optional()
    .transform((v) => (v ? v : null));

const optionalDate = (label: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      if (!isRealDate(v)) {
        ctx.addIssue({
          code: "custom",
          message: `Enter the ${label} as a real date, like 2027-03-31`,
        });
        return z.NEVER;
      }
      return v;
    });

const asList = (v: unknown) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]);

export const processorInput = z
  .object({
    name: z.string().trim().min(1, "Enter the supplier's name").max(200),
    contractReference: optionalText(100),
    services: optionalText(2000),
    personalData: optionalText(2000),
    dataLocation: optionalText(300),
    internationalTransfers: optionalText(1000),
    art28Terms: z.preprocess(asList, z.array(z.enum(ART28_KEYS as [Art28Term, ...Art28Term[]]))),
    assetIds: z.preprocess(asList, z.array(z.string().regex(UUID))),
    contractStart: optionalDate("contract start date"),
    contractEnd: optionalDate("contract end date"),
    contractReview: optionalDate("contract review date"),
    ownerId: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v && UUID.test(v) ? v : null)),
  })
  .superRefine((v, ctx) => {
    if (v.contractStart && v.contractEnd && v.contractEnd < v.contractStart)
      ctx.addIssue({
        code: "custom",
        path: ["contractEnd"],
        message: "The contract end date must be after its start date",
      });
  });
export type ProcessorInput = z.output<typeof processorInput>;

export const assuranceInput = z.object({
  scheme: z.enum(Object.keys(ASSURANCE_SCHEMES) as [AssuranceScheme, ...AssuranceScheme[]], {
    message: "Select the certification or assurance scheme",
  }),
  certificate: optionalText(200),
  expiresOn: z
    .string()
    .trim()
    .refine(isRealDate, "Enter the expiry date as a real date, like 2027-03-31"),
});

export const assessmentInput = z.object({
  occasion: z.enum(Object.keys(ASSESSMENT_OCCASIONS) as [string, ...string[]], {
    message: "Select why the assessment was made",
  }),
  assessedOn: z
    .string()
    .trim()
    .refine(isRealDate, "Enter the assessment date as a real date, like 2026-03-31"),
  outcome: z.enum(Object.keys(ASSESSMENT_OUTCOMES) as [string, ...string[]], {
    message: "Select the outcome",
  }),
  notes: optionalText(4000),
  nextDue: optionalDate("date of the next assessment"),
});

/**
 * Suppliers that process personal data for the council: their contracts, Art. 28 terms, security
 * assurance and the assessments made before go-live, after major changes and at set intervals.
 */
export class ProcessorsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
  ) {}

  private async load(db: DbOrTrx, ids?: string[]): Promise<Processor[]> {
    let q = db
      .selectFrom("processors as p")
      .leftJoin("users as u", "u.id", "p.owner_id")
      .selectAll("p")
      .select(["u.display_name as owner_name", "u.email as owner_email"]);
    if (ids) {
      if (!ids.length) return [];
      q = q.where("p.id", "in", ids);
    }
    const rows = await q.orderBy(sql`lower(p.name)`).execute();
    if (!rows.length) return [];
    const pids = rows.map((r) => r.id);
    const [assets, flows, assurances, assessments] = await Promise.all([
      db.selectFrom("processor_assets").selectAll().where("processor_id", "in", pids).execute(),
      db.selectFrom("processor_flows").selectAll().where("processor_id", "in", pids).execute(),
      db
        .selectFrom("processor_assurances")
        .selectAll()
        .where("processor_id", "in", pids)
        .orderBy("expires_on")
        .execute(),
      db
        .selectFrom("processor_assessments")
        .selectAll()
        .where("processor_id", "in", pids)
        .orderBy("assessed_on", "desc")
        .execute(),
    ]);
    const on = today();
    const soon = addDays(on, ASSURANCE_WARNING_DAYS);
    return rows.map((r) => {
      const terms = r.art28_terms.filter((t): t is Art28Term => t in ART28_TERMS);
      const mine = assessments.filter((a) => a.processor_id === r.id);
      const nextAssessment = mine[0]?.next_due ?? null;
      return {
        id: r.id,
        name: r.name,
        contractReference: r.contract_reference,
        services: r.services,
        personalData: r.personal_data,
        dataLocation: r.data_location,
        internationalTransfers: r.international_transfers,
        art28Terms: terms,
        missingTerms: ART28_KEYS.filter((t) => !terms.includes(t)),
        contractStart: r.contract_start,
        contractEnd: r.contract_end,
        contractReview: r.contract_review,
        ownerId: r.owner_id,
        ownerName: r.owner_name,
        ownerEmail: r.owner_email,
        assetIds: assets.filter((a) => a.processor_id === r.id).map((a) => a.asset_id),
        flowIds: flows.filter((f) => f.processor_id === r.id).map((f) => f.flow_id),
        assurances: assurances
          .filter((a) => a.processor_id === r.id)
          .map((a) => ({
            id: a.id,
            scheme: a.scheme as AssuranceScheme,
            schemeLabel: ASSURANCE_SCHEMES[a.scheme as AssuranceScheme] ?? a.scheme,
            certificate: a.certificate,
            expiresOn: a.expires_on,
            expired: a.expires_on < on,
            expiringSoon: a.expires_on >= on && a.expires_on <= soon,
          })),
        assessments: mine.map((a) => ({
          id: a.id,
          occasion: a.occasion,
          occasionLabel: ASSESSMENT_OCCASIONS[a.occasion],
          assessedOn: a.assessed_on,
          outcome: a.outcome,
          outcomeLabel: ASSESSMENT_OUTCOMES[a.outcome],
          notes: a.notes,
          nextDue: a.next_due,
          assessedBy: a.assessed_by_label,
        })),
        nextAssessment,
        reviewOverdue:
          (!!r.contract_review && r.contract_review < on) ||
          (!!nextAssessment && nextAssessment < on),
      };
    });
  }

  async list(): Promise<Processor[]> {
    return this.load(this.db);
  }

  async get(id: string): Promise<Processor | undefined> {
    if (!UUID.test(id)) return undefined;
    return (await this.load(this.db, [id]))[0];
  }

  /** The processors recorded against an asset (for the asset's page). */
  async forAsset(assetId: string): Promise<Processor[]> {
    if (!UUID.test(assetId)) return [];
    const rows = await this.db
      .selectFrom("processor_assets")
      .select("processor_id")
      .where("asset_id", "=", assetId)
      .execute();
    return this.load(
      this.db,
      rows.map((r) => r.processor_id),
    );
  }

  /**
   * Whether processor contracts cover data flows: a current contract (started, not ended) linked to
   * the flow or, when none is linked, one with the processor the flow names as its partner.
   */
  async coverFlows(flows: FlowToCover[], on: IsoDate = today()): Promise<FlowCoverage[]> {
    if (!flows.length) return [];
    const all = await this.list();
    return flows.map((flow) => {
      const names = partnerKeys(flow);
      const at = flow.on ?? on;
      return coverageOf(all, flow, {
        linkedTo: (p, flowId) => p.flowIds.includes(flowId),
        withPartner: (p) => names.has(p.name.trim().toLowerCase()),
        inForce: (p) =>
          (!p.contractStart || p.contractStart <= at) && (!p.contractEnd || p.contractEnd >= at),
        ended: (p) => !!p.contractEnd && p.contractEnd < at,
        ref: (p) => ({
          id: p.id,
          reference: p.contractReference ?? p.name,
          title: p.name,
          stateLabel:
            p.contractEnd && p.contractEnd < at
              ? "Ended"
              : p.contractStart && p.contractStart > at
                ? "Not started"
                : "Current",
          endDate: p.contractEnd,
        }),
      });
    });
  }

  /** Links one data flow (by its id in the asset register) to the processor's contract, or unlinks it. */
  async linkFlow(
    ctx: AuditContext,
    id: string,
    flow: { id: string; reference: string },
    linked = true,
  ): Promise<void> {
    if (!UUID.test(id) || !UUID.test(flow.id))
      throw new ObligationInputError("register", "Select a contract from the register");
    await this.db.transaction().execute(async (trx) => {
      const p = await trx
        .selectFrom("processors")
        .select(["name", "contract_reference"])
        .where("id", "=", id)
        .executeTakeFirst();
      if (!p) throw new ObligationInputError("register", "Select a contract from the register");
      const changed = linked
        ? Number(
            (
              await trx
                .insertInto("processor_flows")
                .values({ processor_id: id, flow_id: flow.id })
                .onConflict((oc) => oc.columns(["processor_id", "flow_id"]).doNothing())
                .executeTakeFirst()
            ).numInsertedOrUpdatedRows ?? 0,
          )
        : Number(
            (
              await trx
                .deleteFrom("processor_flows")
                .where("processor_id", "=", id)
                .where("flow_id", "=", flow.id)
                .executeTakeFirst()
            ).numDeletedRows,
          );
      if (!changed) return;
      const contract = p.contract_reference ? `${p.name} (${p.contract_reference})` : p.name;
      const entry = {
        action: linked ? "link-flow" : "unlink-flow",
        changes: {
          processor: p.name,
          contract: p.contract_reference,
          flow: flow.reference,
          linked,
        },
      };
      await this.audit.record(
        ctx,
        {
          ...entry,
          entityType: "processor",
          entityId: id,
          summary: `Contract with ${contract} ${linked ? "now covers" : "no longer covers"} data flow ${flow.reference}`,
        },
        trx,
      );
      await this.audit.record(
        ctx,
        {
          ...entry,
          entityType: "data-flow",
          entityId: flow.id,
          summary: `Data flow ${flow.reference} ${linked ? "linked to" : "unlinked from"} the processor contract with ${contract}`,
        },
        trx,
      );
    });
  }

  async save(ctx: AuditContext, input: ProcessorInput, id?: string): Promise<string> {
    return this.db.transaction().execute(async (trx) => {
      const clash = await trx
        .selectFrom("processors")
        .select("id")
        .where(sql`lower(name)`, "=", input.name.toLowerCase())
        .executeTakeFirst();
      if (clash && clash.id !== id)
        throw new ObligationInputError("name", `${input.name} is already in the register`);
      const values = {
        name: input.name,
        contract_reference: input.contractReference,
        services: input.services,
        personal_data: input.personalData,
        data_location: input.dataLocation,
        international_transfers: input.internationalTransfers,
        art28_terms: input.art28Terms,
        contract_start: input.contractStart,
        contract_end: input.contractEnd,
        contract_review: input.contractReview,
        owner_id: input.ownerId,
      };
      let processorId: string;
      if (id) {
        const [before] = await this.load(trx, [id]);
        if (!before) throw new ObligationConflictError("That supplier is not in the register.");
        await trx
          .updateTable("processors")
          .set({ ...values, updated_at: new Date() })
          .where("id", "=", id)
          .execute();
        processorId = id;
        const {
          id: _i,
          ownerName: _o,
          ownerEmail: _e,
          assurances: _a,
          assessments: _s,
          missingTerms: _m,
          nextAssessment: _n,
          reviewOverdue: _r,
          ...was
        } = before;
        await this.audit.record(
          ctx,
          {
            action: "update",
            entityType: "processor",
            entityId: id,
            summary: `Processor ${input.name} changed`,
            changes: diff(was, input),
          },
          trx,
        );
      } else {
        const row = await trx
          .insertInto("processors")
          .values(values)
          .returning("id")
          .executeTakeFirstOrThrow();
        processorId = row.id;
        await this.audit.record(
          ctx,
          {
            action: "create",
            entityType: "processor",
            entityId: processorId,
            summary: `Processor ${input.name} added`,
            changes: { ...input },
          },
          trx,
        );
      }
      await trx.deleteFrom("processor_assets").where("processor_id", "=", processorId).execute();
      const assetIds = [...new Set(input.assetIds)];
      if (assetIds.length)
        await trx
          .insertInto("processor_assets")
          .values(assetIds.map((asset_id) => ({ processor_id: processorId, asset_id })))
          .execute();
      return processorId;
    });
  }

  async addAssurance(
    ctx: AuditContext,
    processorId: string,
    input: z.output<typeof assuranceInput>,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const p = await this.nameOf(trx, processorId);
      const row = await trx
        .insertInto("processor_assurances")
        .values({
          processor_id: processorId,
          scheme: input.scheme,
          certificate: input.certificate,
          expires_on: input.expiresOn,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "processor",
          entityId: processorId,
          summary: `${p}: ${ASSURANCE_SCHEMES[input.scheme]} recorded, expires ${input.expiresOn}`,
          changes: { assuranceId: row.id, ...input },
        },
        trx,
      );
    });
  }

  async addAssessment(
    ctx: AuditContext,
    processorId: string,
    input: z.output<typeof assessmentInput>,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const p = await this.nameOf(trx, processorId);
      await trx
        .insertInto("processor_assessments")
        .values({
          processor_id: processorId,
          occasion: input.occasion as keyof typeof ASSESSMENT_OCCASIONS,
          assessed_on: input.assessedOn,
          outcome: input.outcome as keyof typeof ASSESSMENT_OUTCOMES,
          notes: input.notes,
          next_due: input.nextDue,
          assessed_by_label: ctx.actorLabel,
        })
        .execute();
      await this.audit.record(
        ctx,
        {
          action: "assess",
          entityType: "processor",
          entityId: processorId,
          summary: `${p} assessed (${ASSESSMENT_OCCASIONS[input.occasion as keyof typeof ASSESSMENT_OCCASIONS].toLowerCase()}): ${ASSESSMENT_OUTCOMES[input.outcome as keyof typeof ASSESSMENT_OUTCOMES]}`,
          changes: { ...input },
        },
        trx,
      );
    });
  }

  private async nameOf(trx: DbOrTrx, id: string): Promise<string> {
    const p = UUID.test(id)
      ? await trx.selectFrom("processors").select("name").where("id", "=", id).executeTakeFirst()
      : undefined;
    if (!p) throw new ObligationConflictError("That supplier is not in the register.");
    return p.name;
  }

  /** The three lists the strategy asks for. `thirdPartyAssets` comes from the asset register. */
  async gaps(
    thirdPartyAssets: { id: string; reference: string; name: string; hostedBy: string | null }[],
  ) {
    const list = await this.list();
    const covered = new Set(list.flatMap((p) => p.assetIds));
    return {
      missingTerms: list.filter((p) => p.missingTerms.length > 0),
      assuranceExpiring: list.flatMap((p) =>
        p.assurances
          .filter((a) => a.expired || a.expiringSoon)
          .map((a) => ({ processor: p, assurance: a })),
      ),
      uncontractedAssets: thirdPartyAssets.filter((a) => !covered.has(a.id)),
      reviewOverdue: list.filter((p) => p.reviewOverdue),
    };
  }
}
