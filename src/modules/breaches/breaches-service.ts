import { type Selectable, sql } from "kysely";
import type { AuditContext, AuditService } from "../../platform/audit/audit-service.ts";
import { diff, systemActor } from "../../platform/audit/audit-service.ts";
import type { UsersService } from "../../platform/auth/users-service.ts";
import type { Db } from "../../platform/db/database.ts";
import type { MailService } from "../../platform/mail/mail-service.ts";
import type { OrganisationService } from "../organisation/organisation-service.ts";
import { type Assessment, assess } from "./assessment.ts";
import {
  alertPointsReached,
  alertSubject,
  type BreachClock,
  breachClock,
  deadlineFor,
} from "./clock.ts";
import { formatLocal } from "./local-time.ts";
import type { BreachesTable } from "./tables.ts";
import { DATA_CATEGORIES, labelOf, OUTCOMES } from "./vocabularies.ts";

/** A mistake in what someone entered, for the form's error summary. */
export class BreachInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** What a breach needs from the asset register: which assets there are and what each holds. */
export interface BreachAssetSource {
  options(): Promise<BreachAsset[]>;
}
export interface BreachAsset {
  id: string;
  name: string;
  /** Values from breaches' DATA_CATEGORIES. */
  dataCategories: string[];
  subjectTypes: string[];
  specialCategory: boolean;
  serviceAreaId?: string | null;
}
export const noAssets: BreachAssetSource = { options: async () => [] };

export type BreachStatus = "reported" | "investigating" | "closed";
export type Outcome = "not-reportable" | "report-to-ico" | "report-and-tell-people";

export interface Person {
  id: string;
  name: string;
}

/** A breach case: what was reported, with the triage (the ICO report form's fields) filled in. */
export interface Breach extends Triage {
  id: string;
  reference: string;
  status: BreachStatus;
  reportedBy: Person;
  reportedAt: Date;
  summary: string;
  occurredAt: Date | null;
  discoveredAt: Date | null;
  dataInvolved: string;
  whoKnows: string | null;
  recommendedOutcome: Outcome | null;
  decision: Outcome | null;
  decisionRationale: string | null;
  decidedBy: Person | null;
  decidedAt: Date | null;
  delayReason: string | null;
  lessonsLearned: string | null;
  closureSummary: string | null;
  closedBy: Person | null;
  closedAt: Date | null;
  /** When the ICO was first told, from the notifications recorded. */
  icoNotifiedAt: Date | null;
  specialCategory: boolean;
  /** When the closed file was anonymised under the retention schedule (rule STW-02). */
  anonymisedAt: Date | null;
}

export interface Notification {
  id: string;
  recipient: string;
  notifiedAt: Date;
  reference: string | null;
  method: string | null;
  peopleCount: number | null;
  details: string | null;
  recordedBy: string | null;
}

export interface BreachAction {
  id: string;
  description: string;
  ownerName: string;
  dueOn: string | null;
  doneAt: Date | null;
}

export interface BreachCase {
  breach: Breach;
  clock: BreachClock;
  assessment: Assessment;
  notifications: Notification[];
  actions: BreachAction[];
  alerts: { pointHours: number; sentAt: Date; recipients: string[] }[];
}

export interface BreachReport {
  summary: string;
  occurredAt: Date | null;
  discoveredAt: Date | null;
  dataInvolved: string;
  whoKnows: string | null;
}

export interface Triage {
  title: string;
  awareAt: Date;
  awareAtNote: string | null;
  serviceAreaId: string | null;
  howDiscovered: string | null;
  cause: string | null;
  dataCategories: string[];
  subjectTypes: string[];
  recordsCount: number | null;
  peopleCount: number | null;
  assetIds: string[];
  consequences: string | null;
  likelihood: string | null;
  severity: string | null;
  isCyber: boolean | null;
  cia: string[];
  staffInvolved: boolean | null;
  staffTrained: string | null;
  trainingDetail: string | null;
  encrypted: string | null;
  recovered: boolean | null;
  containedAt: Date | null;
  containment: string | null;
  recovery: string | null;
  othersTold: string | null;
}

export interface NewNotification {
  recipient: string;
  notifiedAt: Date;
  reference: string | null;
  method: string | null;
  peopleCount: number | null;
  details: string | null;
  delayReason: string | null;
}

type BreachRow = Selectable<BreachesTable>;

/** Who reported a file that has since been anonymised under the retention schedule. */
const REMOVED_PERSON: Person = { id: "", name: "Removed under the retention schedule" };

const reference = (n: number) => `BR-${String(n).padStart(4, "0")}`;

export interface BreachServiceOptions {
  igTeamEmail: string;
  publicUrl: string;
  now?: () => Date;
}

/** Personal data breaches: report, triage, assess, decide, notify, learn, close — every step audited. */
export class BreachesService {
  private assets: BreachAssetSource = noAssets;
  private readonly now: () => Date;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly mail: MailService,
    private readonly users: UsersService,
    private readonly organisation: OrganisationService,
    private readonly options: BreachServiceOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Wire in the asset register once it exists. */
  useAssets(source: BreachAssetSource): void {
    this.assets = source;
  }

  assetOptions(): Promise<BreachAsset[]> {
    return this.assets.options();
  }

  // ---- Reporting: any member of staff ----

  async report(ctx: AuditContext, reporterId: string, input: BreachReport): Promise<Breach> {
    const now = this.now();
    if (input.discoveredAt && input.discoveredAt > now)
      throw new BreachInputError("discovered", "When you found out must be now or in the past");
    if (input.occurredAt && input.occurredAt > now)
      throw new BreachInputError("occurred", "When it happened must be now or in the past");
    if (input.occurredAt && input.discoveredAt && input.occurredAt > input.discoveredAt)
      throw new BreachInputError("occurred", "When it happened must be before you found out");
    const awareAt = input.discoveredAt ?? now;
    const row = await this.db.transaction().execute(async (trx) => {
      const created = await trx
        .insertInto("breaches")
        .values({
          reported_by: reporterId,
          reported_at: now,
          summary: input.summary,
          occurred_at: input.occurredAt,
          discovered_at: input.discoveredAt,
          data_involved: input.dataInvolved,
          who_knows: input.whoKnows,
          aware_at: awareAt,
          aware_at_note: input.discoveredAt
            ? "When the member of staff reporting it found out"
            : "When it was reported",
          title: input.summary.slice(0, 80),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "breach",
          entityId: created.id,
          summary: `Breach ${reference(created.number)} reported`,
        },
        trx,
      );
      return created;
    });
    const breach = await this.toBreach(row as BreachRow, null);
    // Alert the team at once. No personal data in the email: the reference and a link.
    await this.mail.send(
      this.options.igTeamEmail,
      `Personal data breach reported: ${breach.reference}`,
      [
        `A suspected personal data breach, ${breach.reference}, was reported by ${breach.reportedBy.name} at ${formatLocal(breach.reportedAt)}.`,
        `The 72 hours to notify the ICO run from ${formatLocal(awareAt)} to ${formatLocal(deadlineFor(awareAt))}.`,
        "",
        `Triage it now: ${this.link(`/breaches/${breach.id}`)}`,
      ].join("\n"),
    );
    return breach;
  }

  /** What a reporter may see of their own report: that it arrived, and where it has got to. */
  async receipt(ctx: AuditContext, id: string) {
    const row = await this.row(id);
    if (!row) return undefined;
    await this.audit.record(ctx, {
      action: "view",
      entityType: "breach",
      entityId: id,
      summary: `Receipt for ${reference(row.number)} viewed`,
    });
    return {
      id: row.id,
      reference: reference(row.number),
      reportedBy: row.reported_by,
      reportedAt: row.reported_at,
      status: row.status,
    };
  }

  async reportsBy(userId: string) {
    const rows = await this.db
      .selectFrom("breaches")
      .select(["id", "number", "reported_at", "status"])
      .where("reported_by", "=", userId)
      .orderBy("reported_at", "desc")
      .limit(50)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      reference: reference(r.number),
      reportedAt: r.reported_at,
      status: r.status,
    }));
  }

  // ---- The team's list and the case ----

  async list(filter: { state?: "open" | "closed" | "all" } = {}) {
    let q = this.db.selectFrom("breaches").selectAll();
    const state = filter.state ?? "open";
    if (state === "open") q = q.where("status", "<>", "closed");
    if (state === "closed") q = q.where("status", "=", "closed");
    const rows = (await q.orderBy("aware_at").limit(500).execute()) as BreachRow[];
    const ico = await this.icoTimes(rows.map((r) => r.id));
    const now = this.now();
    const names = await this.nameCache();
    const items = await Promise.all(
      rows.map(async (r) => {
        const breach = await this.toBreach(r, ico.get(r.id) ?? null, names);
        return { breach, clock: this.clockOf(breach, now), assessment: this.assessmentOf(breach) };
      }),
    );
    // Most urgent first: running clocks by time left, then the rest newest first.
    const running = (c: BreachClock) => c.state === "running" || c.state === "overdue";
    return items.sort((a, b) => {
      if (running(a.clock) !== running(b.clock)) return running(a.clock) ? -1 : 1;
      if (running(a.clock)) return a.clock.msLeft - b.clock.msLeft;
      return b.breach.reportedAt.getTime() - a.breach.reportedAt.getTime();
    });
  }

  /** The whole case; every read is recorded in the audit trail. */
  async get(ctx: AuditContext, id: string, purpose = "viewed"): Promise<BreachCase | undefined> {
    const row = await this.row(id);
    if (!row) return undefined;
    await this.audit.record(ctx, {
      action: purpose === "viewed" ? "view" : "export",
      entityType: "breach",
      entityId: id,
      summary: `Breach ${reference(row.number)} ${purpose}`,
    });
    return this.caseOf(row);
  }

  private async caseOf(row: BreachRow): Promise<BreachCase> {
    const [notifications, actions, alerts] = await Promise.all([
      this.db
        .selectFrom("breach_notifications")
        .selectAll()
        .where("breach_id", "=", row.id)
        .orderBy("notified_at")
        .execute(),
      this.db
        .selectFrom("breach_actions")
        .selectAll()
        .where("breach_id", "=", row.id)
        .orderBy("created_at")
        .execute(),
      this.db
        .selectFrom("breach_alerts")
        .selectAll()
        .where("breach_id", "=", row.id)
        .orderBy("point_hours", "desc")
        .execute(),
    ]);
    const icoAt =
      notifications.filter((n) => n.recipient === "ico").map((n) => n.notified_at)[0] ?? null;
    const breach = await this.toBreach(row, icoAt);
    const names = await this.nameCache();
    return {
      breach,
      clock: this.clockOf(breach, this.now()),
      assessment: this.assessmentOf(breach),
      notifications: await Promise.all(
        notifications.map(async (n) => ({
          id: n.id,
          recipient: n.recipient,
          notifiedAt: n.notified_at,
          reference: n.reference,
          method: n.method,
          peopleCount: n.people_count,
          details: n.details,
          recordedBy: n.recorded_by ? (await names(n.recorded_by)).name : null,
        })),
      ),
      actions: actions.map((a) => ({
        id: a.id,
        description: a.description,
        ownerName: a.owner_name,
        dueOn: a.due_on,
        doneAt: a.done_at,
      })),
      alerts: alerts.map((a) => ({
        pointHours: a.point_hours,
        sentAt: a.sent_at,
        recipients: a.recipients,
      })),
    };
  }

  clockOf(breach: Breach, now: Date): BreachClock {
    return breachClock(
      {
        awareAt: breach.awareAt,
        icoNotifiedAt: breach.icoNotifiedAt,
        notReportable: breach.decision === "not-reportable",
      },
      now,
    );
  }

  assessmentOf(breach: Breach): Assessment {
    return assess({
      dataCategories: breach.dataCategories,
      subjectTypes: breach.subjectTypes,
      likelihood: breach.likelihood,
      severity: breach.severity,
      encrypted: breach.encrypted,
      recovered: breach.recovered,
      peopleCount: breach.peopleCount,
    });
  }

  // ---- Triage and assessment ----

  async triage(ctx: AuditContext, id: string, input: Triage): Promise<void> {
    const now = this.now();
    if (input.awareAt > now)
      throw new BreachInputError(
        "aware",
        "When the council became aware must be now or in the past",
      );
    if (input.containedAt && input.containedAt > now)
      throw new BreachInputError("contained", "When it was contained must be now or in the past");
    await this.db.transaction().execute(async (trx) => {
      const before = (await trx
        .selectFrom("breaches")
        .selectAll()
        .where("id", "=", id)
        .forUpdate()
        .executeTakeFirst()) as BreachRow | undefined;
      if (!before) throw new BreachInputError("form", "No such breach");
      if (before.status === "closed")
        throw new BreachInputError("form", "This breach is closed: reopen it to change it");
      if (before.aware_at.getTime() !== input.awareAt.getTime() && !input.awareAtNote)
        throw new BreachInputError(
          "awareAtNote",
          "Explain why the council became aware at a different time: it moves the 72-hour deadline",
        );
      const values = {
        title: input.title,
        aware_at: input.awareAt,
        aware_at_note: input.awareAtNote,
        service_area_id: input.serviceAreaId,
        how_discovered: input.howDiscovered,
        cause: input.cause,
        data_categories: input.dataCategories,
        subject_types: input.subjectTypes,
        records_count: input.recordsCount,
        people_count: input.peopleCount,
        asset_ids: input.assetIds,
        consequences: input.consequences,
        likelihood: input.likelihood,
        severity: input.severity,
        is_cyber: input.isCyber,
        cia: input.cia,
        staff_involved: input.staffInvolved,
        staff_trained: input.staffTrained,
        training_detail: input.trainingDetail,
        encrypted: input.encrypted,
        recovered: input.recovered,
        contained_at: input.containedAt,
        containment: input.containment,
        recovery: input.recovery,
        others_told: input.othersTold,
      };
      await trx
        .updateTable("breaches")
        .set({ ...values, status: "investigating", updated_at: now })
        .where("id", "=", id)
        .execute();
      const old = Object.fromEntries(
        Object.keys(values).map((k) => [k, before[k as keyof BreachRow]]),
      );
      await this.audit.record(
        ctx,
        {
          action: "update",
          entityType: "breach",
          entityId: id,
          summary: `Breach ${reference(before.number)} assessed`,
          changes: diff(jsonable(old), jsonable(values)),
        },
        trx,
      );
    });
  }

  /** Records the decision and who made it. Departing from the recommendation needs reasons. */
  async decide(
    ctx: AuditContext,
    id: string,
    deciderId: string,
    input: { decision: Outcome; rationale: string | null },
  ): Promise<void> {
    // Read outside the transaction: the embedded database serves one connection at a time, so a
    // transaction must not wait on another connection (the names come from the users service).
    const current = await this.row(id);
    if (!current) throw new BreachInputError("form", "No such breach");
    const recommended = this.assessmentOf(await this.toBreach(current, null)).outcome;
    await this.db.transaction().execute(async (trx) => {
      const row = (await trx
        .selectFrom("breaches")
        .selectAll()
        .where("id", "=", id)
        .forUpdate()
        .executeTakeFirst()) as BreachRow | undefined;
      if (!row) throw new BreachInputError("form", "No such breach");
      if (row.status === "closed") throw new BreachInputError("form", "This breach is closed");
      if (input.decision !== recommended && !input.rationale)
        throw new BreachInputError(
          "rationale",
          `Explain why you decided differently from the recommendation (${labelOf(OUTCOMES, recommended).toLowerCase()})`,
        );
      const now = this.now();
      await trx
        .updateTable("breaches")
        .set({
          decision: input.decision,
          decision_rationale: input.rationale,
          recommended_outcome: recommended,
          decided_by: deciderId,
          decided_at: now,
          status: row.status === "reported" ? "investigating" : row.status,
          updated_at: now,
        })
        .where("id", "=", id)
        .execute();
      await this.audit.record(
        ctx,
        {
          action: "decide",
          entityType: "breach",
          entityId: id,
          summary: `Breach ${reference(row.number)}: ${labelOf(OUTCOMES, input.decision)}`,
          changes: { decision: input.decision, recommended, rationale: input.rationale },
        },
        trx,
      );
    });
  }

  async recordNotification(
    ctx: AuditContext,
    id: string,
    recorderId: string,
    input: NewNotification,
  ): Promise<void> {
    const now = this.now();
    if (input.notifiedAt > now)
      throw new BreachInputError("notified", "The date must be now or in the past");
    await this.db.transaction().execute(async (trx) => {
      const row = (await trx
        .selectFrom("breaches")
        .selectAll()
        .where("id", "=", id)
        .forUpdate()
        .executeTakeFirst()) as BreachRow | undefined;
      if (!row) throw new BreachInputError("form", "No such breach");
      if (input.notifiedAt < row.aware_at)
        throw new BreachInputError(
          "notified",
          "The date must be after the council became aware of the breach",
        );
      const late = input.recipient === "ico" && input.notifiedAt > deadlineFor(row.aware_at);
      if (late && !input.delayReason && !row.delay_reason)
        throw new BreachInputError(
          "delayReason",
          "The ICO was told more than 72 hours after the council became aware: give the reasons for the delay (Art. 33(1))",
        );
      await trx
        .insertInto("breach_notifications")
        .values({
          breach_id: id,
          recipient: input.recipient,
          notified_at: input.notifiedAt,
          reference: input.reference,
          method: input.method,
          people_count: input.peopleCount,
          details: input.details,
          recorded_by: recorderId,
        })
        .execute();
      if (input.delayReason)
        await trx
          .updateTable("breaches")
          .set({ delay_reason: input.delayReason, updated_at: now })
          .where("id", "=", id)
          .execute();
      await this.audit.record(
        ctx,
        {
          action: "notify",
          entityType: "breach",
          entityId: id,
          summary: `Breach ${reference(row.number)}: notification to ${input.recipient} recorded`,
          changes: { ...jsonable({ ...input }) },
        },
        trx,
      );
    });
  }

  async setDelayReason(ctx: AuditContext, id: string, reason: string): Promise<void> {
    await this.simpleUpdate(ctx, id, { delay_reason: reason }, "reason for delay recorded");
  }

  async addAction(
    ctx: AuditContext,
    id: string,
    input: { description: string; ownerName: string; dueOn: string | null },
  ) {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom("breaches")
        .select(["number"])
        .where("id", "=", id)
        .executeTakeFirst();
      if (!row) throw new BreachInputError("form", "No such breach");
      const action = await trx
        .insertInto("breach_actions")
        .values({
          breach_id: id,
          description: input.description,
          owner_name: input.ownerName,
          due_on: input.dueOn,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "breach-action",
          entityId: action.id,
          summary: `Breach ${reference(row.number)}: action added for ${input.ownerName}`,
          changes: { ...input, breachId: id },
        },
        trx,
      );
    });
  }

  async completeAction(ctx: AuditContext, breachId: string, actionId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const done = await trx
        .updateTable("breach_actions")
        .set({ done_at: this.now() })
        .where("id", "=", actionId)
        .where("breach_id", "=", breachId)
        .where("done_at", "is", null)
        .returning("description")
        .executeTakeFirst();
      if (!done) return;
      await this.audit.record(
        ctx,
        {
          action: "update",
          entityType: "breach-action",
          entityId: actionId,
          summary: "Breach action done",
          changes: { breachId },
        },
        trx,
      );
    });
  }

  async saveLessons(ctx: AuditContext, id: string, lessons: string): Promise<void> {
    await this.simpleUpdate(ctx, id, { lessons_learned: lessons }, "lessons learned recorded");
  }

  /** What still stands between a case and closure. */
  closureProblems(c: BreachCase): { field: string; text: string }[] {
    const problems: { field: string; text: string }[] = [];
    const b = c.breach;
    if (!b.decision)
      problems.push({ field: "decision", text: "Record the decision on whether it is reportable" });
    if (
      b.decision &&
      b.decision !== "not-reportable" &&
      !c.notifications.some((n) => n.recipient === "ico")
    )
      problems.push({ field: "notification", text: "Record the notification to the ICO" });
    if (
      b.decision === "report-and-tell-people" &&
      !c.notifications.some((n) => n.recipient === "data-subjects")
    )
      problems.push({ field: "notification", text: "Record how the people affected were told" });
    if (c.clock.delayReasonRequired && !b.delayReason)
      problems.push({
        field: "delayReason",
        text: "Record the reasons for the delay past 72 hours",
      });
    if (!b.lessonsLearned) problems.push({ field: "lessons", text: "Record the lessons learned" });
    if (c.actions.some((a) => !a.doneAt))
      problems.push({ field: "actions", text: "Complete the open actions" });
    return problems;
  }

  async close(ctx: AuditContext, id: string, closerId: string, summary: string): Promise<void> {
    const row = await this.row(id);
    if (!row) throw new BreachInputError("form", "No such breach");
    const problems = this.closureProblems(await this.caseOf(row));
    if (problems.length) throw new BreachInputError(problems[0].field, problems[0].text);
    await this.simpleUpdate(
      ctx,
      id,
      { status: "closed", closure_summary: summary, closed_by: closerId, closed_at: this.now() },
      "closed",
      "close",
    );
  }

  async reopen(ctx: AuditContext, id: string): Promise<void> {
    const row = await this.row(id);
    if (row?.anonymised_at)
      throw new BreachInputError(
        "form",
        "This file was anonymised under the retention schedule, so it cannot be reopened",
      );
    await this.simpleUpdate(
      ctx,
      id,
      { status: "investigating", closed_at: null, closed_by: null },
      "reopened",
      "reopen",
    );
  }

  private async simpleUpdate(
    ctx: AuditContext,
    id: string,
    values: Partial<Record<keyof BreachRow, unknown>>,
    what: string,
    action = "update",
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = (await trx
        .selectFrom("breaches")
        .selectAll()
        .where("id", "=", id)
        .forUpdate()
        .executeTakeFirst()) as BreachRow | undefined;
      if (!before) throw new BreachInputError("form", "No such breach");
      await trx
        .updateTable("breaches")
        .set({ ...(values as Record<string, never>), updated_at: this.now() })
        .where("id", "=", id)
        .execute();
      const old = Object.fromEntries(
        Object.keys(values).map((k) => [k, before[k as keyof BreachRow]]),
      );
      await this.audit.record(
        ctx,
        {
          action,
          entityType: "breach",
          entityId: id,
          summary: `Breach ${reference(before.number)}: ${what}`,
          changes: diff(jsonable(old), jsonable(values)),
        },
        trx,
      );
    });
  }

  // ---- The escalating alerts ----

  /**
   * Sends each alert point reached (48, 24, 12, 4 hours left, and expiry) once to the DPO and SIRO (and the
   * IG team). The alert rows' primary key decides who sends: a second process finds nothing new to send.
   * A case found late gets one email for the most urgent point, not a burst of them.
   */
  async sendClockAlerts(): Promise<number> {
    const now = this.now();
    const open = await this.db
      .selectFrom("breaches")
      .select(["id", "number", "aware_at"])
      .where("status", "<>", "closed")
      .where((eb) => eb.or([eb("decision", "is", null), eb("decision", "<>", "not-reportable")]))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("breach_notifications")
              .select(sql`1`.as("one"))
              .whereRef("breach_notifications.breach_id", "=", "breaches.id")
              .where("recipient", "=", "ico"),
          ),
        ),
      )
      .where("aware_at", "<=", new Date(now.getTime() - 24 * 3_600_000))
      .execute();
    let sent = 0;
    // One read of the points already sent, so a quiet run costs two queries however many cases are open.
    const already = new Set(
      open.length
        ? (
            await this.db
              .selectFrom("breach_alerts")
              .select(["breach_id", "point_hours"])
              .where(
                "breach_id",
                "in",
                open.map((b) => b.id),
              )
              .execute()
          ).map((r) => `${r.breach_id}@${r.point_hours}`)
        : [],
    );
    let recipients: string[] | undefined;
    for (const b of open) {
      const reached = alertPointsReached(b.aware_at, now).filter(
        (p) => !already.has(`${b.id}@${p}`),
      );
      if (reached.length === 0) continue;
      recipients ??= await this.alertRecipients();
      const inserted = await this.db
        .insertInto("breach_alerts")
        .values(reached.map((p) => ({ breach_id: b.id, point_hours: p, recipients })))
        .onConflict((oc) => oc.columns(["breach_id", "point_hours"]).doNothing())
        .returning("point_hours")
        .execute();
      if (inserted.length === 0) continue;
      const point = Math.min(...inserted.map((r) => r.point_hours));
      const ref = reference(b.number);
      const deadline = deadlineFor(b.aware_at);
      const body = [
        `Personal data breach ${ref}: ${alertSubject(point)}.`,
        `The council became aware at ${formatLocal(b.aware_at)}; the ICO must be told by ${formatLocal(deadline)} unless the breach is decided not reportable.`,
        point === 0 ? "If the ICO is told now, the reasons for the delay must be recorded." : "",
        "",
        `Open the case: ${this.link(`/breaches/${b.id}`)}`,
      ]
        .filter((l, i) => l !== "" || i === 3)
        .join("\n");
      for (const to of recipients)
        await this.mail.send(to, `Breach ${ref}: ${alertSubject(point)}`, body);
      await this.audit.record(systemActor, {
        action: "alert",
        entityType: "breach",
        entityId: b.id,
        summary: `Breach ${ref}: ${alertSubject(point)} — alert sent`,
        changes: { pointHours: point, recipients },
      });
      sent++;
    }
    return sent;
  }

  private async alertRecipients(): Promise<string[]> {
    const roles = await this.organisation.governanceRoles();
    const out = new Set<string>();
    for (const r of roles.filter((r) => r.role === "dpo" || r.role === "siro")) {
      const user = r.userId ? await this.users.get(r.userId) : undefined;
      if (user && !user.disabled) out.add(user.email);
    }
    out.add(this.options.igTeamEmail);
    return [...out];
  }

  // ---- Helpers ----

  private link(path: string): string {
    return `${this.options.publicUrl.replace(/\/$/, "")}${path}`;
  }

  private async row(id: string): Promise<BreachRow | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    return (await this.db
      .selectFrom("breaches")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst()) as BreachRow | undefined;
  }

  private async icoTimes(ids: string[]): Promise<Map<string, Date>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom("breach_notifications")
      .select(["breach_id", (eb) => eb.fn.min("notified_at").as("first")])
      .where("recipient", "=", "ico")
      .where("breach_id", "in", ids)
      .groupBy("breach_id")
      .execute();
    return new Map(rows.map((r) => [r.breach_id, new Date(r.first as unknown as string)]));
  }

  private async nameCache() {
    const cache = new Map<string, Promise<Person>>();
    return (id: string): Promise<Person> => {
      let p = cache.get(id);
      if (!p) {
        p = this.users.get(id).then((u) => ({ id, name: u?.displayName ?? "Unknown" }));
        cache.set(id, p);
      }
      return p;
    };
  }

  /** Every breach, for trends and exports. */
  async all(): Promise<{ breach: Breach; clock: BreachClock }[]> {
    const rows = (await this.db
      .selectFrom("breaches")
      .selectAll()
      .orderBy("reported_at")
      .execute()) as BreachRow[];
    const ico = await this.icoTimes(rows.map((r) => r.id));
    const names = await this.nameCache();
    const now = this.now();
    return Promise.all(
      rows.map(async (r) => {
        const breach = await this.toBreach(r, ico.get(r.id) ?? null, names);
        return { breach, clock: this.clockOf(breach, now) };
      }),
    );
  }

  private async toBreach(
    r: BreachRow,
    icoNotifiedAt: Date | null,
    names?: (id: string) => Promise<Person>,
  ): Promise<Breach> {
    const name = names ?? (await this.nameCache());
    return {
      id: r.id,
      reference: reference(r.number),
      status: r.status,
      reportedBy: r.reported_by ? await name(r.reported_by) : REMOVED_PERSON,
      reportedAt: r.reported_at,
      summary: r.summary,
      occurredAt: r.occurred_at,
      discoveredAt: r.discovered_at,
      dataInvolved: r.data_involved,
      whoKnows: r.who_knows,
      awareAt: r.aware_at,
      awareAtNote: r.aware_at_note,
      title: r.title ?? r.summary.slice(0, 80),
      serviceAreaId: r.service_area_id,
      howDiscovered: r.how_discovered,
      cause: r.cause,
      dataCategories: r.data_categories,
      subjectTypes: r.subject_types,
      recordsCount: r.records_count,
      peopleCount: r.people_count,
      assetIds: r.asset_ids,
      consequences: r.consequences,
      likelihood: r.likelihood,
      severity: r.severity,
      isCyber: r.is_cyber,
      cia: r.cia,
      staffInvolved: r.staff_involved,
      staffTrained: r.staff_trained,
      trainingDetail: r.training_detail,
      encrypted: r.encrypted,
      recovered: r.recovered,
      containedAt: r.contained_at,
      containment: r.containment,
      recovery: r.recovery,
      othersTold: r.others_told,
      recommendedOutcome: r.recommended_outcome as Outcome | null,
      decision: r.decision as Outcome | null,
      decisionRationale: r.decision_rationale,
      decidedBy: r.decided_by ? await name(r.decided_by) : null,
      decidedAt: r.decided_at,
      delayReason: r.delay_reason,
      lessonsLearned: r.lessons_learned,
      closureSummary: r.closure_summary,
      closedBy: r.closed_by ? await name(r.closed_by) : null,
      closedAt: r.closed_at,
      icoNotifiedAt,
      anonymisedAt: r.anonymised_at,
      specialCategory: r.data_categories.some((c) =>
        DATA_CATEGORIES.some((d) => d.value === c && (d.special || d.criminal)),
      ),
    };
  }
}

/** Dates as ISO strings, so audit diffs compare and store cleanly. */
function jsonable(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]),
  );
}
