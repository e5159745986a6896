import { createHash, randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { AuditContext, AuditService } from "../../../platform/audit/audit-service.ts";
import {
  CASE_EVENT_TYPES,
  type Calendar,
  type CaseClockResult,
  type CaseEventType,
  type Division,
  type IsoDate,
  isIsoDate,
} from "../../../platform/calendar/index.ts";
import type { Db, DbOrTrx, Trx } from "../../../platform/db/database.ts";
import type { RequestCalendarService } from "../calendar/calendar-service.ts";
import { clockOf, statusAfterEvents } from "./case-clock.ts";
import {
  COST_ACTIVITIES,
  COST_LIMIT_POUNDS,
  COST_RATE_POUNDS,
  type CostActivity,
  exemption,
  isOutcome,
  isRequestType,
  OUTCOMES,
  type Outcome,
  REFERENCE_PREFIX,
  REQUEST_TYPES,
  type RequestType,
  STATUSES,
  type Status,
} from "./vocabulary.ts";

export class CaseInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface NewCase {
  type: RequestType;
  dataRight?: string | null;
  received: IsoDate;
  channel?: "web" | "email" | "post" | "phone" | "whatdotheyknow";
  summary: string;
  requestText: string;
  requesterName?: string | null;
  requesterEmail?: string | null;
  requesterAddress?: string | null;
  requesterOrganisation?: string | null;
  replyTo?: string | null;
  wdtkRequest?: string | null;
  subjectCategory?: string | null;
  policeExemption?: string | null;
  serviceAreaId?: string | null;
  topic?: string | null;
  parentId?: string | null;
  /** ICO complaints: the date the ICO asked for a reply by. */
  dueDate?: IsoDate | null;
}

export interface CaseSummary {
  id: string;
  reference: string;
  type: RequestType;
  typeLabel: string;
  status: Status;
  statusLabel: string;
  summary: string;
  received: IsoDate;
  dueDate: IsoDate | null;
  overdue: boolean;
  assignedTo: string | null;
  assignedName: string | null;
  serviceName: string | null;
  closedOn: IsoDate | null;
}

export interface CaseRecord extends CaseSummary {
  dataRight: string | null;
  parentId: string | null;
  outcome: Outcome | null;
  outcomeLabel: string | null;
  channel: string;
  extended: boolean;
  policeTargetDays: number | null;
  requestText: string;
  requesterName: string | null;
  requesterEmail: string | null;
  requesterAddress: string | null;
  requesterOrganisation: string | null;
  replyTo: string | null;
  wdtkRequest: string | null;
  subjectCategory: string | null;
  identityEvidence: string | null;
  identityCheckedBy: string | null;
  identityCheckedOn: IsoDate | null;
  policeExemption: string | null;
  policeDecidedBy: string | null;
  serviceAreaId: string | null;
  topic: string | null;
  costEstimate: CostEstimate | null;
  events: ClockEvent[];
  exemptions: CaseExemption[];
  dueDateHistory: { due: IsoDate | null; reason: string; changedAt: Date }[];
  linked: CaseSummary[];
}

export interface ClockEvent {
  id: string;
  type: CaseEventType;
  date: IsoDate;
  note: string | null;
  recordedBy: string;
}

export interface CaseExemption {
  id: string;
  code: string;
  label: string;
  qualified: boolean;
  publicInterest: string | null;
}

export interface CostEstimate {
  activities: { activity: CostActivity; label: string; hours: number }[];
  hours: number;
  pounds: number;
  overLimit: boolean;
  limitHours: number;
}

export interface CaseListFilter {
  overdue?: boolean;
  type?: string;
  assignedTo?: string;
  unassigned?: boolean;
  closed?: boolean;
  q?: string;
  page?: number;
  pageSize?: number;
}

export interface CasesSettings {
  division: Division;
  policeTargetDays: number;
}

const OPEN_STATUSES = Object.keys(STATUSES).filter((s) => s !== "closed" && s !== "withdrawn");

export function todayIso(now = new Date()): IsoDate {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(now);
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

const selectCase = (db: DbOrTrx) =>
  db
    .selectFrom("request_cases as c")
    .leftJoin("users as u", "u.id", "c.assigned_to")
    .leftJoin("service_areas as s", "s.id", "c.service_area_id")
    .selectAll("c")
    .select(["u.display_name as assigned_name", "s.name as service_name"]);

type CaseRow = Awaited<ReturnType<ReturnType<typeof selectCase>["executeTakeFirstOrThrow"]>>;

function summaryOf(r: CaseRow, today: IsoDate): CaseSummary {
  const type = r.type as RequestType;
  const status = r.status as Status;
  return {
    id: r.id,
    reference: r.reference,
    type,
    typeLabel: REQUEST_TYPES[type] ?? r.type,
    status,
    statusLabel: STATUSES[status] ?? r.status,
    summary: r.summary,
    received: r.received,
    dueDate: r.due_date,
    overdue: !r.closed_on && !!r.due_date && r.due_date < today,
    assignedTo: r.assigned_to,
    assignedName: r.assigned_name,
    serviceName: r.service_name,
    closedOn: r.closed_on,
  };
}

export function costEstimateOf(
  activities: { activity: string; hours: number }[],
): CostEstimate | null {
  const known = activities.filter(
    (a): a is { activity: CostActivity; hours: number } =>
      a.activity in COST_ACTIVITIES && Number.isFinite(a.hours) && a.hours >= 0,
  );
  if (known.length === 0) return null;
  const hours = Math.round(known.reduce((sum, a) => sum + a.hours, 0) * 100) / 100;
  const pounds = Math.round(hours * COST_RATE_POUNDS * 100) / 100;
  return {
    activities: known.map((a) => ({ ...a, label: COST_ACTIVITIES[a.activity] })),
    hours,
    pounds,
    overLimit: pounds > COST_LIMIT_POUNDS,
    limitHours: COST_LIMIT_POUNDS / COST_RATE_POUNDS,
  };
}

/**
 * Cases from receipt to closure. Every change and its audit record commit together; every change
 * to the clock recalculates the due date, keeping the earlier ones with the reason they changed.
 */
export class CasesService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly calendars: RequestCalendarService,
    private readonly settings: CasesSettings,
  ) {
    calendars.whenChanged((trx, calendar, why) => this.recalculateOpen(trx, calendar, why));
  }

  private async clockSettings(calendar?: Calendar) {
    return {
      division: this.settings.division,
      policeTargetDays: this.settings.policeTargetDays,
      calendar: calendar ?? (await this.calendars.calendar()),
    };
  }

  async create(
    ctx: AuditContext,
    input: NewCase,
    trx?: Trx,
  ): Promise<{ id: string; reference: string; dueDate: IsoDate | null; statusToken: string }> {
    if (!isRequestType(input.type)) throw new CaseInputError("type", "Choose a type of request");
    if (!isIsoDate(input.received))
      throw new CaseInputError("received", "Enter a real date of receipt");
    if (input.received > todayIso())
      throw new CaseInputError("received", "Date of receipt must be today or in the past");
    const settings = await this.clockSettings();
    const clock = clockOf(
      {
        type: input.type,
        dataRight: input.dataRight ?? null,
        received: input.received,
        policeTargetDays: null,
        events: [],
      },
      settings,
    );
    const dueDate = clock ? clock.due : (input.dueDate ?? null);
    const statusToken = randomBytes(18).toString("base64url");
    const run = async (t: Trx) => {
      const { n } = await sql<{ n: string }>`SELECT nextval('request_reference_seq') AS n`
        .execute(t)
        .then((r) => r.rows[0]);
      const reference = `${REFERENCE_PREFIX[input.type]}-${input.received.slice(0, 4)}-${String(n).padStart(5, "0")}`;
      const row = await t
        .insertInto("request_cases")
        .values({
          reference,
          type: input.type,
          data_right: input.type === "sar" ? (input.dataRight ?? "access") : null,
          parent_id: input.parentId ?? null,
          channel: input.channel ?? "web",
          received: input.received,
          police_target_days: input.type === "police" ? this.settings.policeTargetDays : null,
          summary: input.summary.trim().slice(0, 300),
          request_text: input.requestText,
          requester_name: input.requesterName ?? null,
          requester_email: input.requesterEmail?.toLowerCase() ?? null,
          requester_address: input.requesterAddress ?? null,
          requester_organisation: input.requesterOrganisation ?? null,
          reply_to: input.replyTo ?? null,
          wdtk_request: input.wdtkRequest ?? null,
          subject_category: input.subjectCategory ?? null,
          police_exemption: input.policeExemption ?? null,
          service_area_id: input.serviceAreaId ?? null,
          topic: input.topic ?? null,
          due_date: dueDate,
          clock_status: clock?.status ?? "running",
          status_token_hash: hashToken(statusToken),
        })
        .returning(["id"])
        .executeTakeFirstOrThrow();
      await t
        .insertInto("request_due_dates")
        .values({
          case_id: row.id,
          due: dueDate,
          reason: clock
            ? `Received ${input.received}: ${clock.deadline?.rule ?? "on hold"}`
            : `Received ${input.received}: the ICO's date`,
        })
        .execute();
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "request-case",
          entityId: row.id,
          summary: `${REQUEST_TYPES[input.type]} ${reference} logged (${input.channel ?? "web"}), due ${dueDate ?? "not set"}`,
          changes: { type: input.type, received: input.received, channel: input.channel ?? "web" },
        },
        t,
      );
      return { id: row.id, reference, dueDate, statusToken };
    };
    return trx ? run(trx) : this.db.transaction().execute(run);
  }

  /** The open (or closed) cases with due dates, soonest first; one row more than asked tells if there is a next page. */
  async list(filter: CaseListFilter = {}): Promise<{ cases: CaseSummary[]; hasMore: boolean }> {
    const pageSize = Math.min(Math.max(filter.pageSize ?? 50, 1), 500);
    const page = Math.max(filter.page ?? 1, 1);
    const today = todayIso();
    let q = selectCase(this.db);
    q = filter.closed ? q.where("c.closed_on", "is not", null) : q.where("c.closed_on", "is", null);
    if (filter.overdue) q = q.where("c.due_date", "<", today);
    if (filter.type && isRequestType(filter.type)) q = q.where("c.type", "=", filter.type);
    if (filter.assignedTo) q = q.where("c.assigned_to", "=", filter.assignedTo);
    if (filter.unassigned) q = q.where("c.assigned_to", "is", null);
    if (filter.q) {
      const term = filter.q.trim();
      q = q.where((eb) =>
        eb.or([
          eb("c.reference", "=", term.toUpperCase()),
          eb("c.summary", "ilike", `%${term.replace(/[%_\\]/g, "\\$&")}%`),
        ]),
      );
    }
    const rows = await (filter.closed
      ? q.orderBy("c.closed_on", "desc").orderBy("c.reference", "desc")
      : q.orderBy(sql`c.due_date NULLS LAST`).orderBy("c.reference")
    )
      .limit(pageSize + 1)
      .offset((page - 1) * pageSize)
      .execute();
    return {
      cases: rows.slice(0, pageSize).map((r) => summaryOf(r, today)),
      hasMore: rows.length > pageSize,
    };
  }

  async counts(): Promise<{ open: number; overdue: number; unassigned: number }> {
    const today = todayIso();
    const r = await this.db
      .selectFrom("request_cases")
      .where("closed_on", "is", null)
      .select((eb) => [
        eb.fn.countAll<string>().as("open"),
        sql<string>`count(*) FILTER (WHERE due_date < ${today})`.as("overdue"),
        sql<string>`count(*) FILTER (WHERE assigned_to IS NULL)`.as("unassigned"),
      ])
      .executeTakeFirstOrThrow();
    return { open: Number(r.open), overdue: Number(r.overdue), unassigned: Number(r.unassigned) };
  }

  async idForReference(reference: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom("request_cases")
      .select("id")
      .where("reference", "=", reference.trim().toUpperCase())
      .executeTakeFirst();
    return row?.id;
  }

  async get(id: string, db: DbOrTrx = this.db): Promise<CaseRecord | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const r = await selectCase(db).where("c.id", "=", id).executeTakeFirst();
    if (!r) return undefined;
    const today = todayIso();
    const [events, exemptions, history, linked] = await Promise.all([
      db
        .selectFrom("request_clock_events")
        .selectAll()
        .where("case_id", "=", id)
        .orderBy("date")
        .orderBy("id")
        .execute(),
      db
        .selectFrom("request_exemptions")
        .selectAll()
        .where("case_id", "=", id)
        .orderBy("id")
        .execute(),
      db
        .selectFrom("request_due_dates")
        .selectAll()
        .where("case_id", "=", id)
        .orderBy("id")
        .execute(),
      selectCase(db)
        .where((eb) =>
          eb.or([
            eb("c.parent_id", "=", id),
            ...(r.parent_id ? [eb("c.id", "=", r.parent_id)] : []),
          ]),
        )
        .orderBy("c.received")
        .execute(),
    ]);
    const outcome = r.outcome && isOutcome(r.outcome) ? r.outcome : null;
    return {
      ...summaryOf(r, today),
      dataRight: r.data_right,
      parentId: r.parent_id,
      outcome,
      outcomeLabel: outcome ? OUTCOMES[outcome] : null,
      channel: r.channel,
      extended: r.extended,
      policeTargetDays: r.police_target_days,
      requestText: r.request_text,
      requesterName: r.requester_name,
      requesterEmail: r.requester_email,
      requesterAddress: r.requester_address,
      requesterOrganisation: r.requester_organisation,
      replyTo: r.reply_to,
      wdtkRequest: r.wdtk_request,
      subjectCategory: r.subject_category,
      identityEvidence: r.identity_evidence,
      identityCheckedBy: r.identity_checked_by,
      identityCheckedOn: r.identity_checked_on,
      policeExemption: r.police_exemption,
      policeDecidedBy: r.police_decided_by,
      serviceAreaId: r.service_area_id,
      topic: r.topic,
      costEstimate: r.cost_estimate
        ? costEstimateOf(r.cost_estimate as { activity: string; hours: number }[])
        : null,
      events: events.map((e) => ({
        id: e.id,
        type: e.type as CaseEventType,
        date: e.date,
        note: e.note,
        recordedBy: e.recorded_by,
      })),
      exemptions: exemptions.map((e) => {
        const def = exemption(e.code);
        return {
          id: e.id,
          code: e.code,
          label: def?.label ?? e.code,
          qualified: def?.qualified ?? false,
          publicInterest: e.public_interest,
        };
      }),
      dueDateHistory: history.map((h) => ({
        due: h.due,
        reason: h.reason,
        changedAt: h.changed_at,
      })),
      linked: linked.map((l) => summaryOf(l, today)),
    };
  }

  /** The clock as it stands, explained: receipt, rule, days skipped, pauses, extensions, history. */
  async clock(record: CaseRecord): Promise<CaseClockResult | undefined> {
    return clockOf(record, await this.clockSettings());
  }

  /** Records that someone opened a case; SAR and police cases are always recorded. */
  async recordView(ctx: AuditContext, record: CaseRecord): Promise<void> {
    await this.audit.record(ctx, {
      action: "view",
      entityType: "request-case",
      entityId: record.id,
      summary: `Viewed ${record.reference}`,
    });
  }

  /** Recomputes one case's due date inside a transaction; records the change when it moved. */
  private async refreshClock(trx: Trx, id: string, reason: string, calendar?: Calendar) {
    const record = await this.get(id, trx);
    if (!record) throw new CaseInputError("id", "No such case");
    const clock = clockOf(record, await this.clockSettings(calendar));
    const due = clock ? clock.due : record.dueDate;
    const status = statusAfterEvents(record.status, record.events, clock);
    const extended = record.events.some((e) => e.type === "extension-applied");
    await trx
      .updateTable("request_cases")
      .set({
        due_date: due,
        clock_status: clock?.status ?? "running",
        status,
        extended,
        updated_at: new Date(),
      })
      .where("id", "=", id)
      .execute();
    if (due !== record.dueDate)
      await trx.insertInto("request_due_dates").values({ case_id: id, due, reason }).execute();
    return { before: record.dueDate, due, clock };
  }

  /** Called when the calendar changes: every open case's clock again, in the caller's transaction. */
  async recalculateOpen(trx: Trx, calendar: Calendar, why: string): Promise<number> {
    const settings = await this.clockSettings(calendar);
    let moved = 0;
    let after: string | undefined;
    for (;;) {
      let query = trx
        .selectFrom("request_cases")
        .select(["id", "type", "data_right", "received", "police_target_days", "due_date"])
        .where("closed_on", "is", null)
        .where("type", "!=", "ico-complaint");
      if (after) query = query.where("id", ">", after);
      const batch = await query.orderBy("id").limit(1000).execute();
      if (batch.length === 0) break;
      after = batch[batch.length - 1].id;
      const events = await trx
        .selectFrom("request_clock_events")
        .select(["case_id", "type", "date"])
        .where(
          "case_id",
          "in",
          batch.map((b) => b.id),
        )
        .orderBy("date")
        .orderBy("id")
        .execute();
      for (const row of batch) {
        const clock = clockOf(
          {
            type: row.type as RequestType,
            dataRight: row.data_right,
            received: row.received,
            policeTargetDays: row.police_target_days,
            events: events.filter((e) => e.case_id === row.id),
          },
          settings,
        );
        const due = clock?.due ?? null;
        if (due === row.due_date) continue;
        moved++;
        await trx
          .updateTable("request_cases")
          .set({ due_date: due, updated_at: new Date() })
          .where("id", "=", row.id)
          .execute();
        await trx
          .insertInto("request_due_dates")
          .values({ case_id: row.id, due, reason: `${why} (was ${row.due_date ?? "on hold"})` })
          .execute();
      }
    }
    return moved;
  }

  async addClockEvent(
    ctx: AuditContext,
    id: string,
    input: { type: string; date: string; note?: string },
  ): Promise<{ before: IsoDate | null; due: IsoDate | null }> {
    if (!(CASE_EVENT_TYPES as readonly string[]).includes(input.type))
      throw new CaseInputError("eventType", "Choose what happened");
    if (!isIsoDate(input.date)) throw new CaseInputError("eventDate", "Enter a real date");
    if (input.date > todayIso())
      throw new CaseInputError("eventDate", "The date must be today or in the past");
    // Read before the transaction: the embedded database serves one connection at a time.
    const calendar = await this.calendars.calendar();
    return this.db.transaction().execute(async (trx) => {
      const record = await this.get(id, trx);
      if (!record) throw new CaseInputError("id", "No such case");
      if (record.closedOn) throw new CaseInputError("eventType", "The case is closed");
      if (input.date < record.received)
        throw new CaseInputError(
          "eventDate",
          `The date must be on or after receipt (${record.received})`,
        );
      await trx
        .insertInto("request_clock_events")
        .values({
          case_id: id,
          type: input.type,
          date: input.date,
          note: input.note?.trim() || null,
          recorded_by: ctx.actorLabel,
        })
        .execute();
      const label = input.type.replaceAll("-", " ");
      const result = await this.refreshClock(trx, id, `${input.date}: ${label}`, calendar);
      await this.audit.record(
        ctx,
        {
          action: "update",
          entityType: "request-case",
          entityId: id,
          summary: `${record.reference}: ${label} on ${input.date}; due ${result.due ?? "on hold"}`,
          changes: {
            clockEvent: input.type,
            date: input.date,
            due: { from: result.before, to: result.due },
          },
        },
        trx,
      );
      return { before: result.before, due: result.due };
    });
  }

  private async update(
    ctx: AuditContext,
    id: string,
    summary: (r: CaseRecord) => string,
    change: (trx: Trx, r: CaseRecord) => Promise<Record<string, unknown>>,
  ): Promise<CaseRecord> {
    return this.db.transaction().execute(async (trx) => {
      const record = await this.get(id, trx);
      if (!record) throw new CaseInputError("id", "No such case");
      const changes = await change(trx, record);
      await trx
        .updateTable("request_cases")
        .set({ updated_at: new Date() })
        .where("id", "=", id)
        .execute();
      await this.audit.record(
        ctx,
        {
          action: "update",
          entityType: "request-case",
          entityId: id,
          summary: summary(record),
          changes,
        },
        trx,
      );
      return record;
    });
  }

  async assign(ctx: AuditContext, id: string, userId: string | null, userName: string | null) {
    await this.update(
      ctx,
      id,
      (r) => `${r.reference} assigned to ${userName ?? "nobody"}`,
      async (trx, r) => {
        await trx
          .updateTable("request_cases")
          .set({
            assigned_to: userId,
            status: r.status === "received" ? "in-progress" : r.status,
          })
          .where("id", "=", id)
          .execute();
        return { assignedTo: { from: r.assignedName, to: userName } };
      },
    );
  }

  async setDetails(
    ctx: AuditContext,
    id: string,
    input: { serviceAreaId: string | null; topic: string | null; subjectCategory: string | null },
  ) {
    await this.update(
      ctx,
      id,
      (r) => `${r.reference}: details updated`,
      async (trx, r) => {
        await trx
          .updateTable("request_cases")
          .set({
            service_area_id: input.serviceAreaId,
            topic: input.topic,
            subject_category: input.subjectCategory,
          })
          .where("id", "=", id)
          .execute();
        return {
          serviceAreaId: { from: r.serviceAreaId, to: input.serviceAreaId },
          topic: { from: r.topic, to: input.topic },
          subjectCategory: { from: r.subjectCategory, to: input.subjectCategory },
        };
      },
    );
  }

  async setStatus(ctx: AuditContext, id: string, status: Status) {
    if (!(status in STATUSES) || status === "closed")
      throw new CaseInputError("status", "Choose a state");
    await this.update(
      ctx,
      id,
      (r) => `${r.reference}: ${STATUSES[r.status]} → ${STATUSES[status]}`,
      async (trx, r) => {
        if (r.closedOn && status !== "withdrawn")
          throw new CaseInputError("status", "The case is closed; reopen it first");
        await trx
          .updateTable("request_cases")
          .set({
            status,
            closed_on: status === "withdrawn" ? todayIso() : null,
          })
          .where("id", "=", id)
          .execute();
        return { status: { from: r.status, to: status } };
      },
    );
  }

  async close(ctx: AuditContext, id: string, input: { outcome: string; closedOn: string }) {
    if (!isOutcome(input.outcome)) throw new CaseInputError("outcome", "Choose the outcome");
    if (!isIsoDate(input.closedOn)) throw new CaseInputError("closedOn", "Enter a real date");
    if (input.closedOn > todayIso())
      throw new CaseInputError("closedOn", "The date must be today or in the past");
    const outcome = input.outcome;
    await this.update(
      ctx,
      id,
      (r) => `${r.reference} closed: ${OUTCOMES[outcome]}`,
      async (trx, r) => {
        if (input.closedOn < r.received)
          throw new CaseInputError(
            "closedOn",
            `The date must be on or after receipt (${r.received})`,
          );
        const qualifiedWithoutReasons = r.exemptions.filter(
          (e) => e.qualified && !e.publicInterest,
        );
        if (qualifiedWithoutReasons.length > 0)
          throw new CaseInputError(
            "outcome",
            `Record the public interest test for ${qualifiedWithoutReasons.map((e) => e.label).join(", ")} first`,
          );
        await trx
          .updateTable("request_cases")
          .set({ status: "closed", outcome, closed_on: input.closedOn })
          .where("id", "=", id)
          .execute();
        return { outcome, closedOn: input.closedOn, due: r.dueDate };
      },
    );
  }

  async reopen(ctx: AuditContext, id: string) {
    await this.update(
      ctx,
      id,
      (r) => `${r.reference} reopened`,
      async (trx, r) => {
        await trx
          .updateTable("request_cases")
          .set({ status: "in-progress", outcome: null, closed_on: null })
          .where("id", "=", id)
          .execute();
        return { outcome: { from: r.outcome, to: null } };
      },
    );
  }

  async addExemption(
    ctx: AuditContext,
    id: string,
    input: { code: string; publicInterest?: string },
  ) {
    const def = exemption(input.code);
    if (!def) throw new CaseInputError("code", "Choose an exemption or exception");
    const reasons = input.publicInterest?.trim() || null;
    if (def.qualified && !reasons)
      throw new CaseInputError(
        "publicInterest",
        `${def.label} is qualified: record the public interest test (the factors for and against disclosure, and why the balance favours withholding)`,
      );
    await this.update(
      ctx,
      id,
      (r) => `${r.reference}: ${def.label} applied`,
      async (trx, r) => {
        if (r.exemptions.some((e) => e.code === def.code))
          throw new CaseInputError("code", `${def.label} is already recorded`);
        await trx
          .insertInto("request_exemptions")
          .values({ case_id: id, code: def.code, public_interest: reasons })
          .execute();
        return { exemption: def.code, publicInterest: reasons };
      },
    );
  }

  async removeExemption(ctx: AuditContext, id: string, exemptionId: string) {
    await this.update(
      ctx,
      id,
      (r) => `${r.reference}: exemption removed`,
      async (trx, r) => {
        const found = r.exemptions.find((e) => e.id === exemptionId);
        if (!found) throw new CaseInputError("code", "No such exemption on this case");
        await trx.deleteFrom("request_exemptions").where("id", "=", exemptionId).execute();
        return { removed: found.code };
      },
    );
  }

  async setCostEstimate(
    ctx: AuditContext,
    id: string,
    hours: Partial<Record<CostActivity, number>>,
  ) {
    const activities = Object.entries(hours)
      .filter(([, h]) => h !== undefined && h > 0)
      .map(([activity, h]) => ({ activity, hours: h as number }));
    const estimate = costEstimateOf(activities);
    await this.update(
      ctx,
      id,
      (r) =>
        `${r.reference}: cost estimate ${estimate ? `${estimate.hours} h, £${estimate.pounds}` : "cleared"}`,
      async (trx) => {
        await trx
          .updateTable("request_cases")
          .set({ cost_estimate: estimate ? JSON.stringify(activities) : null })
          .where("id", "=", id)
          .execute();
        return { hours: estimate?.hours ?? 0, pounds: estimate?.pounds ?? 0 };
      },
    );
    return estimate;
  }

  /** Identity evidence for data-rights requests: what was seen, by whom, when; never a copy. */
  async recordIdentity(
    ctx: AuditContext,
    id: string,
    input: { evidence: string; checkedOn: string },
  ) {
    const evidence = input.evidence.trim();
    if (!evidence) throw new CaseInputError("evidence", "Say what evidence was seen");
    if (evidence.length > 200)
      throw new CaseInputError(
        "evidence",
        "Describe the evidence in 200 characters or fewer; do not copy document numbers",
      );
    if (!isIsoDate(input.checkedOn)) throw new CaseInputError("checkedOn", "Enter a real date");
    const record = await this.get(id);
    if (!record) throw new CaseInputError("id", "No such case");
    if (record.type !== "sar")
      throw new CaseInputError("evidence", "Identity is only checked for data-rights requests");
    await this.update(
      ctx,
      id,
      (r) => `${r.reference}: identity verified`,
      async (trx) => {
        await trx
          .updateTable("request_cases")
          .set({
            identity_evidence: evidence,
            identity_checked_by: ctx.actorLabel,
            identity_checked_on: input.checkedOn,
          })
          .where("id", "=", id)
          .execute();
        return { identityEvidence: evidence, checkedOn: input.checkedOn };
      },
    );
    if (record.events.some((e) => e.type === "identity-requested"))
      await this.addClockEvent(ctx, id, { type: "identity-received", date: input.checkedOn });
  }

  async recordPoliceDecision(
    ctx: AuditContext,
    id: string,
    input: { exemption: string; decidedBy: string },
  ) {
    const def = exemption(input.exemption);
    if (def?.regime !== "dpa")
      throw new CaseInputError("exemption", "Choose the Schedule 2 exemption relied on");
    if (!input.decidedBy.trim()) throw new CaseInputError("decidedBy", "Enter who decided");
    await this.update(
      ctx,
      id,
      (r) => `${r.reference}: ${def.label}, decided by ${input.decidedBy.trim()}`,
      async (trx) => {
        await trx
          .updateTable("request_cases")
          .set({ police_exemption: def.code, police_decided_by: input.decidedBy.trim() })
          .where("id", "=", id)
          .execute();
        return { exemption: def.code, decidedBy: input.decidedBy.trim() };
      },
    );
  }

  /** An internal review, EIR reconsideration or ICO complaint about a case: a new case with its own clock. */
  async openLinked(
    ctx: AuditContext,
    parentId: string,
    input: { type: string; received: string; requestText: string; dueDate?: string },
  ) {
    const parent = await this.get(parentId);
    if (!parent) throw new CaseInputError("id", "No such case");
    const allowed: RequestType[] =
      parent.type === "eir"
        ? ["eir-reconsideration", "ico-complaint"]
        : ["internal-review", "ico-complaint"];
    if (!isRequestType(input.type) || !allowed.includes(input.type))
      throw new CaseInputError(
        "linkedType",
        "Choose internal review, reconsideration or ICO complaint",
      );
    if (!input.requestText.trim())
      throw new CaseInputError("linkedText", "Enter what the requester or ICO asked");
    if (input.type === "ico-complaint" && (!input.dueDate || !isIsoDate(input.dueDate)))
      throw new CaseInputError("linkedDue", "Enter the date the ICO asked for a reply by");
    return this.create(ctx, {
      type: input.type,
      dataRight: null,
      received: input.received,
      channel: parent.channel === "whatdotheyknow" ? "whatdotheyknow" : "email",
      summary: `${REQUEST_TYPES[input.type]} of ${parent.reference}: ${parent.summary}`,
      requestText: input.requestText.trim(),
      requesterName: parent.requesterName,
      requesterEmail: parent.requesterEmail,
      requesterAddress: parent.requesterAddress,
      replyTo: parent.replyTo,
      wdtkRequest: parent.wdtkRequest,
      serviceAreaId: parent.serviceAreaId,
      topic: parent.topic,
      parentId,
      dueDate: input.dueDate ?? null,
    });
  }

  /** For the requester's status page: only what they may see, and only with their token. */
  async statusFor(reference: string, token: string) {
    const row = await this.db
      .selectFrom("request_cases")
      .select([
        "id",
        "reference",
        "type",
        "status",
        "received",
        "due_date",
        "closed_on",
        "outcome",
        "status_token_hash",
        "summary",
      ])
      .where("reference", "=", reference.trim().toUpperCase())
      .executeTakeFirst();
    if (!row?.status_token_hash || row.status_token_hash !== hashToken(token)) return undefined;
    return {
      reference: row.reference,
      typeLabel: REQUEST_TYPES[row.type as RequestType] ?? row.type,
      status: row.status as Status,
      statusLabel: STATUSES[row.status as Status] ?? row.status,
      received: row.received,
      dueDate: row.due_date,
      closedOn: row.closed_on,
      outcomeLabel: row.outcome && isOutcome(row.outcome) ? OUTCOMES[row.outcome] : null,
      summary: row.summary,
    };
  }

  /** A new status link for a requester who proves they know the reference and email; undefined if they don't match. */
  async newStatusToken(reference: string, email: string) {
    const row = await this.db
      .selectFrom("request_cases")
      .select(["id", "reference", "requester_email"])
      .where("reference", "=", reference.trim().toUpperCase())
      .executeTakeFirst();
    if (!row?.requester_email || row.requester_email !== email.trim().toLowerCase())
      return undefined;
    const token = randomBytes(18).toString("base64url");
    await this.db
      .updateTable("request_cases")
      .set({ status_token_hash: hashToken(token) })
      .where("id", "=", row.id)
      .execute();
    return { reference: row.reference, email: row.requester_email, token };
  }

  static openStatuses(): string[] {
    return OPEN_STATUSES;
  }
}
