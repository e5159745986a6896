import { type Selectable, sql } from "kysely";
import {
  type AuditContext,
  type AuditService,
  diff,
  systemActor,
} from "../../../platform/audit/audit-service.ts";
import type { Db, DbOrTrx } from "../../../platform/db/database.ts";
import { UUID } from "../../../platform/db/ids.ts";
import { addMonths, endOfMonth, type IsoDate, isRealDate, readDate, today } from "../dates.ts";
import { deleteDraft, loadDraft, saveDraft } from "../drafts.ts";
import { ObligationConflictError, ObligationInputError } from "../errors.ts";
import { pick, type Sheet } from "../spreadsheet.ts";
import type { RecordCollectionsTable, RetentionRulesTable } from "../tables.ts";
import type { OwnRecordRunSummary, OwnRecordSource } from "./own-records.ts";
import {
  cutoffFor,
  DISPOSAL_ACTIONS,
  type DisposalAction,
  describePeriod,
  disposalDate,
  HOLD_KINDS,
  type HoldKind,
  type RuleInput,
  readDisposalAction,
  readPeriod,
  readTrigger,
  ruleInput,
  TRIGGERS,
  type Trigger,
} from "./schedule.ts";

export interface RetentionRule extends RuleInput {
  id: string;
  period: string;
  triggerLabel: string;
  disposalLabel: string;
  ownerName: string | null;
  serviceAreaName: string | null;
}

export interface RecordCollection {
  id: string;
  reference: string;
  description: string;
  ruleId: string;
  ruleCode: string;
  rulePeriod: string;
  disposalAction: DisposalAction;
  location: string | null;
  ownerId: string | null;
  ownerName: string | null;
  ownerEmail: string | null;
  serviceAreaName: string | null;
  triggerDate: IsoDate | null;
  disposalDue: IsoDate | null;
  status: "held" | "deferred" | "disposed";
  deferredUntil: IsoDate | null;
  deferReason: string | null;
  /** Under an active legal hold, on itself or on its record class. */
  onHold: boolean;
  /** The date it next comes up for a decision (its disposal date, or the end of a deferral). */
  dueOn: IsoDate | null;
}

export interface LegalHold {
  id: string;
  kind: HoldKind;
  kindLabel: string;
  reason: string;
  covers: string;
  collectionId: string | null;
  ruleId: string | null;
  source: string | null;
  recordId: string | null;
  placedBy: string;
  placedAt: Date;
  liftedAt: Date | null;
  liftedBy: string | null;
  liftReason: string | null;
}

export interface DestructionCertificate {
  id: string;
  number: string;
  recordReference: string;
  description: string;
  ruleCode: string;
  authority: string | null;
  action: string;
  method: string | null;
  source: string | null;
  approvedBy: string;
  disposedAt: Date;
}

export interface ImportPreview {
  id: string;
  kind: string;
  filename: string;
  rows: Record<string, unknown>[];
  problems: string[];
  /** Codes or references already in the register, which the import will update. */
  updates: number;
}

export interface CollectionInput {
  reference: string;
  description: string;
  ruleId: string;
  location: string | null;
  ownerId: string | null;
  serviceAreaId: string | null;
  triggerDate: IsoDate | null;
}

type RuleRow = Selectable<RetentionRulesTable> & {
  owner_name: string | null;
  service_area_name: string | null;
};

function presentRule(r: RuleRow): RetentionRule {
  const trigger = r.trigger_event as Trigger;
  return {
    id: r.id,
    code: r.code,
    businessFunction: r.business_function,
    activity: r.activity,
    recordType: r.record_type,
    trigger,
    periodYears: r.period_years,
    periodMonths: r.period_months,
    disposalAction: r.disposal_action,
    authority: r.authority,
    notes: r.notes,
    ownerId: r.owner_id,
    serviceAreaId: r.service_area_id,
    ownerName: r.owner_name,
    serviceAreaName: r.service_area_name,
    period: describePeriod({
      trigger,
      periodYears: r.period_years,
      periodMonths: r.period_months,
    }),
    triggerLabel: TRIGGERS[trigger] ?? r.trigger_event,
    disposalLabel: DISPOSAL_ACTIONS[r.disposal_action],
  };
}

/**
 * The retention schedule, the collections of records it governs, the monthly disposal due list,
 * legal holds and certificates of destruction; and the job that applies the schedule to Steward's own
 * records through the sources other modules connect.
 */
export class RetentionService {
  private readonly sources = new Map<string, OwnRecordSource>();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
  ) {}

  /** Puts a kind of Steward's own records under the schedule (see own-records.ts). */
  connect(source: OwnRecordSource): void {
    this.sources.set(source.key, source);
  }

  connectedSources(): OwnRecordSource[] {
    return [...this.sources.values()];
  }

  // ---- The schedule ----

  private selectRules(db: DbOrTrx = this.db) {
    return db
      .selectFrom("retention_rules as r")
      .leftJoin("users as u", "u.id", "r.owner_id")
      .leftJoin("service_areas as s", "s.id", "r.service_area_id")
      .selectAll("r")
      .select(["u.display_name as owner_name", "s.name as service_area_name"]);
  }

  async rules(filter: { search?: string } = {}): Promise<RetentionRule[]> {
    let q = this.selectRules();
    const text = filter.search?.trim();
    if (text) {
      const like = `%${text.replace(/[%_\\]/g, "\\$&")}%`;
      q = q.where((eb) =>
        eb.or([
          eb("r.code", "ilike", like),
          eb("r.business_function", "ilike", like),
          eb("r.activity", "ilike", like),
          eb("r.record_type", "ilike", like),
        ]),
      );
    }
    const rows = await q.orderBy(sql`lower(r.code)`).execute();
    return rows.map(presentRule);
  }

  async rule(id: string): Promise<RetentionRule | undefined> {
    if (!UUID.test(id)) return undefined;
    const row = await this.selectRules().where("r.id", "=", id).executeTakeFirst();
    return row ? presentRule(row) : undefined;
  }

  async ruleByCode(code: string, db: DbOrTrx = this.db): Promise<RetentionRule | undefined> {
    const row = await this.selectRules(db)
      .where(sql`lower(r.code)`, "=", code.trim().toLowerCase())
      .executeTakeFirst();
    return row ? presentRule(row) : undefined;
  }

  /** Rules for a select list: assets and processing activities point at one of these. */
  async ruleChoices(): Promise<{ id: string; code: string; label: string }[]> {
    return (await this.rules()).map((r) => ({
      id: r.id,
      code: r.code,
      label: `${r.code} – ${r.recordType} (${r.period})`,
    }));
  }

  private ruleValues(input: RuleInput) {
    return {
      code: input.code,
      business_function: input.businessFunction,
      activity: input.activity,
      record_type: input.recordType,
      trigger_event: input.trigger,
      period_years: input.periodYears,
      period_months: input.periodMonths,
      disposal_action: input.disposalAction,
      authority: input.authority,
      notes: input.notes,
      owner_id: input.ownerId,
      service_area_id: input.serviceAreaId,
    };
  }

  async saveRule(ctx: AuditContext, input: RuleInput, id?: string): Promise<RetentionRule> {
    return this.db.transaction().execute(async (trx) => {
      const clash = await trx
        .selectFrom("retention_rules")
        .select("id")
        .where(sql`lower(code)`, "=", input.code.toLowerCase())
        .executeTakeFirst();
      if (clash && clash.id !== id)
        throw new ObligationInputError("code", `${input.code} is already in the schedule`);
      let ruleId: string;
      if (id) {
        const before = await this.selectRules(trx).where("r.id", "=", id).executeTakeFirst();
        if (!before) throw new ObligationConflictError("That rule is no longer in the schedule.");
        await trx
          .updateTable("retention_rules")
          .set({ ...this.ruleValues(input), updated_at: new Date() })
          .where("id", "=", id)
          .execute();
        ruleId = id;
        const { id: _a, ownerName: _b, serviceAreaName: _c, ...was } = presentRule(before);
        await this.audit.record(
          ctx,
          {
            action: "update",
            entityType: "retention-rule",
            entityId: id,
            summary: `Retention rule ${input.code} changed`,
            changes: diff(was, input),
          },
          trx,
        );
        await this.recomputeDue(trx, id);
      } else {
        const row = await trx
          .insertInto("retention_rules")
          .values(this.ruleValues(input))
          .returning("id")
          .executeTakeFirstOrThrow();
        ruleId = row.id;
        await this.audit.record(
          ctx,
          {
            action: "create",
            entityType: "retention-rule",
            entityId: ruleId,
            summary: `Retention rule ${input.code} added: ${input.recordType}`,
            changes: { ...input },
          },
          trx,
        );
      }
      const saved = await this.selectRules(trx)
        .where("r.id", "=", ruleId)
        .executeTakeFirstOrThrow();
      return presentRule(saved);
    });
  }

  /** A changed period moves the disposal date of every collection still held under the rule. */
  private async recomputeDue(trx: DbOrTrx, ruleId: string): Promise<void> {
    const rule = await trx
      .selectFrom("retention_rules")
      .selectAll()
      .where("id", "=", ruleId)
      .executeTakeFirstOrThrow();
    const period = {
      trigger: rule.trigger_event as Trigger,
      periodYears: rule.period_years,
      periodMonths: rule.period_months,
    };
    const held = await trx
      .selectFrom("record_collections")
      .select(["id", "trigger_date"])
      .where("rule_id", "=", ruleId)
      .where("status", "!=", "disposed")
      .execute();
    for (const c of held)
      await trx
        .updateTable("record_collections")
        .set({
          disposal_due: c.trigger_date ? (disposalDate(period, c.trigger_date) ?? null) : null,
        })
        .where("id", "=", c.id)
        .execute();
  }

  // ---- Imports: read, preview, then apply all or nothing ----

  /** Reads a schedule spreadsheet into rules; every problem is listed, and nothing is saved yet. */
  async previewRuleImport(
    ctx: AuditContext,
    userId: string,
    filename: string,
    sheet: Sheet,
  ): Promise<ImportPreview> {
    const problems: string[] = [];
    const rows: RuleInput[] = [];
    const seen = new Map<string, number>();
    if (!sheet.rows.length) problems.push("The file has headings but no rules.");
    sheet.rows.forEach((row, i) => {
      const line = i + 2;
      const periodText = pick(row, "retention period", "period", "retention", "retain for");
      const period = readPeriod(periodText);
      const triggerText = pick(row, "trigger", "trigger event", "from", "retention trigger");
      const trigger = readTrigger(triggerText) ?? period?.trigger;
      const actionText = pick(row, "disposal action", "action", "disposal", "action at end");
      if (periodText && !period) {
        problems.push(`Row ${line}: period “${periodText}” is not a number of years or months`);
        return;
      }
      const parsed = ruleInput.safeParse({
        code: pick(row, "code", "reference", "ref", "class code", "id"),
        businessFunction: pick(row, "function", "business function", "service"),
        activity: pick(row, "activity"),
        recordType: pick(row, "record type", "records", "record class", "description"),
        trigger: trigger ?? "",
        periodYears: period ? (period.periodYears ?? "") : periodText,
        periodMonths: period ? period.periodMonths : 0,
        disposalAction: readDisposalAction(actionText) ?? "",
        authority: pick(row, "authority", "legislation", "statute", "guidance", "legal basis"),
        notes: pick(row, "notes", "comments"),
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        let message = issue.message;
        if (issue.path[0] === "trigger")
          message = triggerText
            ? `trigger “${triggerText}” is not one Steward knows (closure, creation, date of birth, end of tenancy…)`
            : "no trigger: add one, like “Closure + 6 years”";
        else if (issue.path[0] === "disposalAction")
          message = actionText
            ? `disposal action “${actionText}” should be destroy, transfer to archives or review`
            : "no disposal action: add destroy, transfer to archives or review";
        else if (issue.path[0] === "periodYears" && periodText && !period)
          message = `period “${periodText}” is not a number of years or months`;
        problems.push(`Row ${line}: ${message.charAt(0).toLowerCase()}${message.slice(1)}`);
        return;
      }
      const key = parsed.data.code.toLowerCase();
      if (seen.has(key)) {
        problems.push(`Row ${line}: ${parsed.data.code} is also on row ${seen.get(key)}`);
        return;
      }
      seen.set(key, line);
      rows.push(parsed.data);
    });
    return this.saveDraft(ctx, userId, "retention-rules", filename, rows, problems, async () => {
      if (!rows.length) return 0;
      const found = await this.db
        .selectFrom("retention_rules")
        .select("id")
        .where(
          sql`lower(code)`,
          "in",
          rows.map((r) => r.code.toLowerCase()),
        )
        .execute();
      return found.length;
    });
  }

  private async saveDraft(
    _ctx: AuditContext,
    userId: string,
    kind: string,
    filename: string,
    rows: object[],
    problems: string[],
    countUpdates: () => Promise<number>,
  ): Promise<ImportPreview> {
    const draft = await saveDraft(this.db, { userId, kind, filename, rows, problems });
    return {
      ...draft,
      rows: draft.rows as Record<string, unknown>[],
      updates: await countUpdates(),
    };
  }

  async draft(id: string, userId: string, kind: string): Promise<ImportPreview | undefined> {
    const d = await loadDraft(this.db, id, userId, kind);
    return d ? { ...d, updates: 0 } : undefined;
  }

  /** Applies a previewed schedule in one transaction: every rule is added or updated, or none is. */
  async applyRuleImport(ctx: AuditContext, draftId: string, userId: string): Promise<number> {
    const draft = await this.draft(draftId, userId, "retention-rules");
    if (!draft)
      throw new ObligationConflictError("That import has expired. Upload the file again.");
    if (draft.problems.length)
      throw new ObligationConflictError("Correct the problems in the file and upload it again.");
    // Validated when the preview was made; the draft belongs to this user and lives a day at most.
    const rows = draft.rows as unknown as RuleInput[];
    await this.db.transaction().execute(async (trx) => {
      for (const input of rows) {
        const existing = await trx
          .selectFrom("retention_rules")
          .select("id")
          .where(sql`lower(code)`, "=", input.code.toLowerCase())
          .executeTakeFirst();
        const { owner_id: _o, service_area_id: _s, ...fromSheet } = this.ruleValues(input);
        if (existing) {
          await trx
            .updateTable("retention_rules")
            .set({ ...fromSheet, updated_at: new Date() })
            .where("id", "=", existing.id)
            .execute();
          await this.recomputeDue(trx, existing.id);
        } else await trx.insertInto("retention_rules").values(this.ruleValues(input)).execute();
      }
      await deleteDraft(trx, draftId);
      await this.audit.record(
        ctx,
        {
          action: "import",
          entityType: "retention-schedule",
          summary: `Retention schedule imported from ${draft.filename}: ${rows.length} rules`,
          changes: { filename: draft.filename, codes: rows.map((r) => r.code) },
        },
        trx,
      );
    });
    return rows.length;
  }

  // ---- Collections and the disposal due list ----

  private selectCollections(db: DbOrTrx = this.db) {
    return db
      .selectFrom("record_collections as c")
      .innerJoin("retention_rules as r", "r.id", "c.rule_id")
      .leftJoin("users as u", "u.id", "c.owner_id")
      .leftJoin("service_areas as s", "s.id", "c.service_area_id")
      .selectAll("c")
      .select([
        "r.code as rule_code",
        "r.trigger_event",
        "r.period_years",
        "r.period_months",
        "r.disposal_action",
        "u.display_name as owner_name",
        "u.email as owner_email",
        "s.name as service_area_name",
        sql<boolean>`exists (select 1 from legal_holds h where h.lifted_at is null
          and (h.collection_id = c.id or h.rule_id = c.rule_id))`.as("on_hold"),
      ]);
  }

  private presentCollection(
    r: Selectable<RecordCollectionsTable> & {
      rule_code: string;
      trigger_event: string;
      period_years: number | null;
      period_months: number;
      disposal_action: DisposalAction;
      owner_name: string | null;
      owner_email: string | null;
      service_area_name: string | null;
      on_hold: boolean;
    },
  ): RecordCollection {
    return {
      id: r.id,
      reference: r.reference,
      description: r.description,
      ruleId: r.rule_id,
      ruleCode: r.rule_code,
      rulePeriod: describePeriod({
        trigger: r.trigger_event as Trigger,
        periodYears: r.period_years,
        periodMonths: r.period_months,
      }),
      disposalAction: r.disposal_action,
      location: r.location,
      ownerId: r.owner_id,
      ownerName: r.owner_name,
      ownerEmail: r.owner_email,
      serviceAreaName: r.service_area_name,
      triggerDate: r.trigger_date,
      disposalDue: r.disposal_due,
      status: r.status,
      deferredUntil: r.deferred_until,
      deferReason: r.defer_reason,
      onHold: r.on_hold,
      dueOn: r.status === "deferred" ? r.deferred_until : r.disposal_due,
    };
  }

  async collections(
    filter: { ruleId?: string; status?: string; page?: number; pageSize?: number } = {},
  ): Promise<{ items: RecordCollection[]; hasMore: boolean }> {
    const pageSize = Math.min(Math.max(filter.pageSize ?? 50, 1), 500);
    const page = Math.max(filter.page ?? 1, 1);
    let q = this.selectCollections();
    if (filter.ruleId && UUID.test(filter.ruleId)) q = q.where("c.rule_id", "=", filter.ruleId);
    if (filter.status === "held" || filter.status === "deferred" || filter.status === "disposed")
      q = q.where("c.status", "=", filter.status);
    const rows = await q
      .orderBy("c.disposal_due", sql`asc nulls last`)
      .orderBy("c.id")
      .limit(pageSize + 1)
      .offset((page - 1) * pageSize)
      .execute();
    return {
      items: rows.slice(0, pageSize).map((r) => this.presentCollection(r)),
      hasMore: rows.length > pageSize,
    };
  }

  async collection(id: string): Promise<RecordCollection | undefined> {
    if (!UUID.test(id)) return undefined;
    const row = await this.selectCollections().where("c.id", "=", id).executeTakeFirst();
    return row ? this.presentCollection(row) : undefined;
  }

  private async insertCollection(trx: DbOrTrx, input: CollectionInput): Promise<string> {
    const rule = await trx
      .selectFrom("retention_rules")
      .selectAll()
      .where("id", "=", input.ruleId)
      .executeTakeFirst();
    if (!rule) throw new ObligationInputError("ruleId", "Select the retention rule");
    const clash = await trx
      .selectFrom("record_collections")
      .select("id")
      .where(sql`lower(reference)`, "=", input.reference.toLowerCase())
      .executeTakeFirst();
    if (clash)
      throw new ObligationInputError("reference", `${input.reference} is already registered`);
    const due = input.triggerDate
      ? disposalDate(
          {
            trigger: rule.trigger_event as Trigger,
            periodYears: rule.period_years,
            periodMonths: rule.period_months,
          },
          input.triggerDate,
        )
      : undefined;
    const row = await trx
      .insertInto("record_collections")
      .values({
        reference: input.reference,
        description: input.description,
        rule_id: input.ruleId,
        location: input.location,
        owner_id: input.ownerId,
        service_area_id: input.serviceAreaId,
        trigger_date: input.triggerDate,
        disposal_due: due ?? null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async addCollection(ctx: AuditContext, input: CollectionInput): Promise<string> {
    return this.db.transaction().execute(async (trx) => {
      const id = await this.insertCollection(trx, input);
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "record-collection",
          entityId: id,
          summary: `Records ${input.reference} registered: ${input.description}`,
          changes: { ...input },
        },
        trx,
      );
      return id;
    });
  }

  /** Reads a register of files or boxes; nothing is saved until the preview is confirmed. */
  async previewCollectionImport(
    ctx: AuditContext,
    userId: string,
    filename: string,
    sheet: Sheet,
  ): Promise<ImportPreview> {
    const problems: string[] = [];
    const rows: (Omit<CollectionInput, "ruleId"> & {
      ruleCode: string;
      ownerEmail: string | null;
    })[] = [];
    const rules = new Map((await this.rules()).map((r) => [r.code.toLowerCase(), r]));
    const users = await this.db
      .selectFrom("users")
      .select(["id", "email"])
      .where("disabled_at", "is", null)
      .execute();
    const byEmail = new Map(users.map((u) => [u.email.toLowerCase(), u.id]));
    const seen = new Set<string>();
    if (!sheet.rows.length) problems.push("The file has headings but no records.");
    sheet.rows.forEach((row, i) => {
      const line = i + 2;
      const reference = pick(row, "reference", "ref", "box", "file reference", "box number");
      const description = pick(row, "description", "title", "contents");
      const ruleCode = pick(row, "retention rule", "rule", "code", "retention code", "class code");
      const triggerText = pick(
        row,
        "trigger date",
        "closed",
        "date closed",
        "closure date",
        "date",
      );
      const ownerEmail = pick(row, "owner email", "owner", "email").toLowerCase();
      const triggerDate = triggerText ? readDate(triggerText) : undefined;
      const problem = !reference
        ? "no reference"
        : reference.length > 100
          ? "the reference is longer than 100 characters"
          : !description
            ? "no description"
            : !rules.has(ruleCode.toLowerCase())
              ? ruleCode
                ? `retention rule ${ruleCode} is not in the schedule`
                : "no retention rule"
              : triggerText && !triggerDate
                ? `trigger date “${triggerText}” is not a date (use 31/03/2026 or 2026-03-31)`
                : ownerEmail && !byEmail.has(ownerEmail)
                  ? `no account for owner ${ownerEmail}`
                  : seen.has(reference.toLowerCase())
                    ? `${reference} appears twice`
                    : undefined;
      if (problem) {
        problems.push(`Row ${line}: ${problem}`);
        return;
      }
      seen.add(reference.toLowerCase());
      rows.push({
        reference,
        description: description.slice(0, 1000),
        ruleCode: ruleCode.toUpperCase(),
        location: pick(row, "location", "store", "where held").slice(0, 300) || null,
        ownerId: ownerEmail ? (byEmail.get(ownerEmail) ?? null) : null,
        ownerEmail: ownerEmail || null,
        serviceAreaId: null,
        triggerDate: triggerDate ?? null,
      });
    });
    return this.saveDraft(
      ctx,
      userId,
      "record-collections",
      filename,
      rows,
      problems,
      async () => 0,
    );
  }

  async applyCollectionImport(ctx: AuditContext, draftId: string, userId: string): Promise<number> {
    const draft = await this.draft(draftId, userId, "record-collections");
    if (!draft)
      throw new ObligationConflictError("That import has expired. Upload the file again.");
    if (draft.problems.length)
      throw new ObligationConflictError("Correct the problems in the file and upload it again.");
    await this.db.transaction().execute(async (trx) => {
      for (const raw of draft.rows) {
        const r = raw as unknown as CollectionInput & { ruleCode: string };
        const rule = await this.ruleByCode(r.ruleCode, trx);
        if (!rule) throw new ObligationConflictError(`Retention rule ${r.ruleCode} has gone.`);
        try {
          await this.insertCollection(trx, { ...r, ruleId: rule.id });
        } catch (err) {
          if (err instanceof ObligationInputError) throw new ObligationConflictError(err.message);
          throw err;
        }
      }
      await deleteDraft(trx, draftId);
      await this.audit.record(
        ctx,
        {
          action: "import",
          entityType: "record-collection",
          summary: `${draft.rows.length} record collections imported from ${draft.filename}`,
        },
        trx,
      );
    });
    return draft.rows.length;
  }

  /**
   * What reaches its date by the end of the month: every collection still held whose disposal date
   * (or the end of its deferral) falls on or before it. Those under a legal hold are listed apart.
   */
  async dueList(
    options: { month?: string; ownerId?: string; now?: Date } = {},
  ): Promise<{ monthEnd: IsoDate; due: RecordCollection[]; onHold: RecordCollection[] }> {
    const month =
      options.month && /^\d{4}-\d{2}$/.test(options.month) && isRealDate(`${options.month}-01`)
        ? `${options.month}-01`
        : today(options.now);
    const monthEnd = endOfMonth(month);
    let q = this.selectCollections()
      .where("c.status", "!=", "disposed")
      .where((eb) =>
        eb.or([
          eb.and([eb("c.status", "=", "held"), eb("c.disposal_due", "<=", monthEnd)]),
          eb.and([eb("c.status", "=", "deferred"), eb("c.deferred_until", "<=", monthEnd)]),
        ]),
      );
    if (options.ownerId && UUID.test(options.ownerId))
      q = q.where("c.owner_id", "=", options.ownerId);
    const rows = (
      await q.orderBy("c.disposal_due").orderBy("c.reference").limit(2000).execute()
    ).map((r) => this.presentCollection(r));
    return { monthEnd, due: rows.filter((r) => !r.onHold), onHold: rows.filter((r) => r.onHold) };
  }

  /** The owner approves: the records are disposed of and a certificate of destruction is kept for good. */
  async approveDisposal(
    ctx: AuditContext,
    collectionId: string,
    input: { method: string | null },
    now = new Date(),
  ): Promise<DestructionCertificate> {
    return this.db.transaction().execute(async (trx) => {
      const row = await this.selectCollections(trx)
        .where("c.id", "=", collectionId)
        .forUpdate("c")
        .executeTakeFirst();
      if (!row) throw new ObligationConflictError("Those records are not in the register.");
      const c = this.presentCollection(row);
      if (c.status === "disposed")
        throw new ObligationConflictError(`${c.reference} has already been disposed of.`);
      if (c.onHold)
        throw new ObligationConflictError(
          `${c.reference} is under a legal hold. The hold must be lifted before disposal.`,
        );
      if (!c.dueOn || c.dueOn > endOfMonth(today(now)))
        throw new ObligationConflictError(`${c.reference} is not yet due for disposal.`);
      const rule = await trx
        .selectFrom("retention_rules")
        .select(["code", "authority", "disposal_action"])
        .where("id", "=", c.ruleId)
        .executeTakeFirstOrThrow();
      const action = rule.disposal_action === "archive" ? "transferred to archives" : "destroyed";
      const certificate = await this.issueCertificate(trx, {
        recordReference: c.reference,
        description: c.description,
        ruleCode: rule.code,
        authority: rule.authority,
        action,
        method: input.method,
        collectionId: c.id,
        source: null,
        approvedBy: ctx.actorLabel,
      });
      await trx
        .updateTable("record_collections")
        .set({ status: "disposed", disposed_at: now, updated_at: now })
        .where("id", "=", c.id)
        .execute();
      await this.audit.record(
        ctx,
        {
          action: "dispose",
          entityType: "record-collection",
          entityId: c.id,
          summary: `${c.reference} ${action} under ${rule.code}; certificate ${certificate.number}`,
          changes: { certificate: certificate.number, method: input.method },
        },
        trx,
      );
      return certificate;
    });
  }

  async deferDisposal(
    ctx: AuditContext,
    collectionId: string,
    input: { until: IsoDate; reason: string },
    now = new Date(),
  ): Promise<void> {
    if (input.until <= today(now))
      throw new ObligationInputError("until", "The new review date must be in the future");
    if (input.until > addMonths(today(now), 120))
      throw new ObligationInputError("until", "Defer by 10 years at most; review it again then");
    await this.db.transaction().execute(async (trx) => {
      const c = await trx
        .selectFrom("record_collections")
        .selectAll()
        .where("id", "=", collectionId)
        .forUpdate()
        .executeTakeFirst();
      if (!c) throw new ObligationConflictError("Those records are not in the register.");
      if (c.status === "disposed")
        throw new ObligationConflictError(`${c.reference} has already been disposed of.`);
      await trx
        .updateTable("record_collections")
        .set({
          status: "deferred",
          deferred_until: input.until,
          defer_reason: input.reason,
          updated_at: now,
        })
        .where("id", "=", c.id)
        .execute();
      await this.audit.record(
        ctx,
        {
          action: "defer",
          entityType: "record-collection",
          entityId: c.id,
          summary: `Disposal of ${c.reference} deferred to ${input.until}: ${input.reason}`,
          changes: {
            deferredUntil: { from: c.deferred_until, to: input.until },
            reason: input.reason,
          },
        },
        trx,
      );
    });
  }

  // ---- Legal holds ----

  async placeHold(
    ctx: AuditContext,
    input: {
      kind: HoldKind;
      reason: string;
      collectionId?: string;
      ruleId?: string;
      source?: string;
      recordId?: string;
    },
  ): Promise<string> {
    const target = [input.collectionId, input.ruleId, input.recordId].filter(Boolean).length;
    if (target !== 1) throw new ObligationInputError("form", "Choose what the hold covers");
    if (input.recordId && !input.source)
      throw new ObligationInputError("source", "Select the kind of record");
    return this.db.transaction().execute(async (trx) => {
      let covers = "";
      if (input.collectionId) {
        const c = UUID.test(input.collectionId)
          ? await trx
              .selectFrom("record_collections")
              .select("reference")
              .where("id", "=", input.collectionId)
              .executeTakeFirst()
          : undefined;
        if (!c) throw new ObligationConflictError("Those records are not in the register.");
        covers = c.reference;
      } else if (input.ruleId) {
        const r = UUID.test(input.ruleId)
          ? await trx
              .selectFrom("retention_rules")
              .select("code")
              .where("id", "=", input.ruleId)
              .executeTakeFirst()
          : undefined;
        if (!r) throw new ObligationInputError("ruleId", "Select the record class");
        covers = `every record under ${r.code}`;
      } else covers = `${input.source} ${input.recordId}`;
      const row = await trx
        .insertInto("legal_holds")
        .values({
          kind: input.kind,
          reason: input.reason,
          collection_id: input.collectionId ?? null,
          rule_id: input.ruleId ?? null,
          source: input.recordId ? (input.source ?? null) : null,
          record_id: input.recordId ?? null,
          placed_by_label: ctx.actorLabel,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await this.audit.record(
        ctx,
        {
          action: "legal-hold",
          entityType: "legal-hold",
          entityId: row.id,
          summary: `Legal hold (${HOLD_KINDS[input.kind]}) placed on ${covers}: ${input.reason}`,
          changes: { ...input },
        },
        trx,
      );
      return row.id;
    });
  }

  async liftHold(ctx: AuditContext, holdId: string, reason: string): Promise<void> {
    if (!UUID.test(holdId)) throw new ObligationConflictError("No such hold.");
    await this.db.transaction().execute(async (trx) => {
      const hold = await trx
        .selectFrom("legal_holds")
        .selectAll()
        .where("id", "=", holdId)
        .forUpdate()
        .executeTakeFirst();
      if (!hold) throw new ObligationConflictError("No such hold.");
      if (hold.lifted_at) throw new ObligationConflictError("That hold has already been lifted.");
      await trx
        .updateTable("legal_holds")
        .set({ lifted_at: new Date(), lifted_by_label: ctx.actorLabel, lift_reason: reason })
        .where("id", "=", holdId)
        .execute();
      await this.audit.record(
        ctx,
        {
          action: "legal-hold-lifted",
          entityType: "legal-hold",
          entityId: holdId,
          summary: `Legal hold lifted: ${reason}`,
        },
        trx,
      );
    });
  }

  async holds(options: { includeLifted?: boolean } = {}): Promise<LegalHold[]> {
    let q = this.db
      .selectFrom("legal_holds as h")
      .leftJoin("record_collections as c", "c.id", "h.collection_id")
      .leftJoin("retention_rules as r", "r.id", "h.rule_id")
      .selectAll("h")
      .select(["c.reference as collection_reference", "r.code as rule_code"]);
    if (!options.includeLifted) q = q.where("h.lifted_at", "is", null);
    const rows = await q.orderBy("h.placed_at", "desc").limit(500).execute();
    return rows.map((h) => ({
      id: h.id,
      kind: h.kind as HoldKind,
      kindLabel: HOLD_KINDS[h.kind as HoldKind] ?? h.kind,
      reason: h.reason,
      covers: h.collection_reference
        ? h.collection_reference
        : h.rule_code
          ? `Every record under ${h.rule_code}`
          : `${this.sources.get(h.source ?? "")?.label ?? h.source}: ${h.record_id}`,
      collectionId: h.collection_id,
      ruleId: h.rule_id,
      source: h.source,
      recordId: h.record_id,
      placedBy: h.placed_by_label,
      placedAt: h.placed_at,
      liftedAt: h.lifted_at,
      liftedBy: h.lifted_by_label,
      liftReason: h.lift_reason,
    }));
  }

  // ---- Certificates of destruction ----

  private async issueCertificate(
    trx: DbOrTrx,
    c: Omit<DestructionCertificate, "id" | "number" | "disposedAt"> & {
      collectionId: string | null;
    },
  ): Promise<DestructionCertificate> {
    const { n } = await sql<{
      n: string;
    }>`SELECT nextval('destruction_certificate_number')::text AS n`
      .execute(trx)
      .then((r) => r.rows[0]);
    const number = `COD-${new Date().getUTCFullYear()}-${n.padStart(5, "0")}`;
    const row = await trx
      .insertInto("destruction_certificates")
      .values({
        number,
        record_reference: c.recordReference,
        description: c.description,
        rule_code: c.ruleCode,
        authority: c.authority,
        action: c.action,
        method: c.method,
        collection_id: c.collectionId,
        source: c.source,
        approved_by_label: c.approvedBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return this.presentCertificate(row);
  }

  private presentCertificate(r: {
    id: string;
    number: string;
    record_reference: string;
    description: string;
    rule_code: string;
    authority: string | null;
    action: string;
    method: string | null;
    source: string | null;
    approved_by_label: string;
    disposed_at: Date;
  }): DestructionCertificate {
    return {
      id: r.id,
      number: r.number,
      recordReference: r.record_reference,
      description: r.description,
      ruleCode: r.rule_code,
      authority: r.authority,
      action: r.action,
      method: r.method,
      source: r.source,
      approvedBy: r.approved_by_label,
      disposedAt: r.disposed_at,
    };
  }

  async certificates(
    options: { page?: number; pageSize?: number } = {},
  ): Promise<{ items: DestructionCertificate[]; hasMore: boolean }> {
    const pageSize = Math.min(Math.max(options.pageSize ?? 50, 1), 500);
    const page = Math.max(options.page ?? 1, 1);
    const rows = await this.db
      .selectFrom("destruction_certificates")
      .selectAll()
      .orderBy("disposed_at", "desc")
      .orderBy("number", "desc")
      .limit(pageSize + 1)
      .offset((page - 1) * pageSize)
      .execute();
    return {
      items: rows.slice(0, pageSize).map((r) => this.presentCertificate(r)),
      hasMore: rows.length > pageSize,
    };
  }

  async certificate(id: string): Promise<DestructionCertificate | undefined> {
    if (!UUID.test(id)) return undefined;
    const row = await this.db
      .selectFrom("destruction_certificates")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return row ? this.presentCertificate(row) : undefined;
  }

  // ---- Steward's own records ----

  /**
   * Applies the schedule to Steward's own records: for each connected source, records past their
   * period are disposed of unless a legal hold covers them (on the record class, or on the record by
   * id or reference). The disposal, a certificate per record and one audit entry commit together.
   *
   * The audit trail itself is never deleted: it is append-only and hash-chained, and removing old
   * entries would break the chain that proves nothing was altered. Its rule (STW-04) says "review";
   * each run counts the entries past that period and reports them for the DPO's review.
   */
  async applyToOwnRecords(
    ctx: AuditContext = systemActor,
    now = new Date(),
  ): Promise<{ sources: OwnRecordRunSummary[]; auditEntriesPastPeriod: number }> {
    const on = today(now);
    const holds = await this.db
      .selectFrom("legal_holds")
      .select(["rule_id", "source", "record_id"])
      .where("lifted_at", "is", null)
      .execute();
    const summaries: OwnRecordRunSummary[] = [];
    for (const source of this.sources.values()) {
      const base = {
        source: source.key,
        label: source.label,
        ruleCode: source.ruleCode,
        disposed: 0,
        held: 0,
      };
      const rule = await this.ruleByCode(source.ruleCode);
      if (!rule) {
        summaries.push({ ...base, skipped: `rule ${source.ruleCode} is not in the schedule` });
        continue;
      }
      const cutoff = cutoffFor(rule, on);
      if (!cutoff || rule.disposalAction !== "destroy") {
        summaries.push({
          ...base,
          skipped: `rule ${rule.code} is ${rule.period}, ${rule.disposalLabel.toLowerCase()}`,
        });
        continue;
      }
      const expired = await source.expired(cutoff, 1000);
      const classHeld = holds.some((h) => h.rule_id === rule.id);
      const heldIds = new Set(
        holds
          .filter((h) => h.source === source.key && h.record_id)
          .map((h) => String(h.record_id).toLowerCase()),
      );
      const isHeld = (r: { id: string; reference: string }) =>
        classHeld || heldIds.has(r.id.toLowerCase()) || heldIds.has(r.reference.toLowerCase());
      const toDispose = expired.filter((r) => !isHeld(r));
      const held = expired.filter(isHeld);
      if (toDispose.length) {
        await this.db.transaction().execute(async (trx) => {
          await source.dispose(
            trx,
            toDispose.map((r) => r.id),
          );
          const numbers: string[] = [];
          for (const r of toDispose) {
            const cert = await this.issueCertificate(trx, {
              recordReference: r.reference,
              description: `${source.label}: ${r.reference} (trigger date ${r.triggerDate})`,
              ruleCode: rule.code,
              authority: rule.authority,
              action: source.action,
              method: "By Steward's retention job",
              collectionId: null,
              source: source.key,
              approvedBy: `${ctx.actorLabel} under the retention schedule`,
            });
            numbers.push(cert.number);
          }
          await this.audit.record(
            ctx,
            {
              action: "retention-dispose",
              entityType: "own-records",
              entityId: source.key,
              summary: `${toDispose.length} ${source.label.toLowerCase()} ${source.action} under ${rule.code} (${rule.period}); ${held.length} kept under legal hold`,
              changes: {
                disposed: toDispose.map((r) => r.reference),
                keptUnderHold: held.map((r) => r.reference),
                certificates: numbers,
                cutoff,
              },
            },
            trx,
          );
        });
      }
      summaries.push({ ...base, disposed: toDispose.length, held: held.length });
    }
    const auditRule = await this.ruleByCode("STW-04");
    const auditCutoff = auditRule ? cutoffFor(auditRule, on) : undefined;
    let auditEntriesPastPeriod = 0;
    if (auditCutoff) {
      const { n } = await this.db
        .selectFrom("audit_events")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("occurred_at", "<", new Date(`${auditCutoff}T00:00:00Z`))
        .executeTakeFirstOrThrow();
      auditEntriesPastPeriod = Number(n);
    }
    await this.db
      .insertInto("own_record_runs")
      .values({ summary: JSON.stringify([...summaries, { auditEntriesPastPeriod }]) })
      .execute();
    // Clear what is owed nothing: lifted holds and old drafts stay; runs older than two years go.
    await this.db
      .deleteFrom("own_record_runs")
      .where("ran_at", "<", new Date(now.getTime() - 2 * 366 * 86_400_000))
      .execute();
    return { sources: summaries, auditEntriesPastPeriod };
  }

  async lastOwnRecordRuns(limit = 10): Promise<{ ranAt: Date; summary: unknown[] }[]> {
    const rows = await this.db
      .selectFrom("own_record_runs")
      .selectAll()
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ranAt: r.ran_at, summary: r.summary }));
  }

  /** Counts for the obligations overview. */
  async counts(
    now = new Date(),
  ): Promise<{ rules: number; dueThisMonth: number; onHold: number; holds: number }> {
    const [{ n: rules }, list, holds] = await Promise.all([
      this.db
        .selectFrom("retention_rules")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .executeTakeFirstOrThrow(),
      this.dueList({ now }),
      this.db
        .selectFrom("legal_holds")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("lifted_at", "is", null)
        .executeTakeFirstOrThrow(),
    ]);
    return {
      rules: Number(rules),
      dueThisMonth: list.due.length,
      onHold: list.onHold.length,
      holds: Number(holds.n),
    };
  }
}

export { DISPOSAL_ACTIONS, HOLD_KINDS, TRIGGERS };
