import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { AuditContext, AuditService } from "../../../platform/audit/audit-service.ts";
import {
  type Calendar,
  type CalendarAdjustments,
  createCalendar,
  DIVISIONS,
  type Division,
  type IsoDate,
  isDivision,
  isIsoDate,
} from "../../../platform/calendar/index.ts";
import type { Db, Trx } from "../../../platform/db/database.ts";

export interface CalendarAdjustment {
  id: string;
  date: IsoDate;
  kind: "added" | "removed";
  title: string;
  divisions: Division[] | null;
  reason: string | null;
  createdBy: string;
  createdAt: Date;
}

export class CalendarInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Called inside the transaction that changed the calendar: recalculates open cases, returns how many moved. */
export type CalendarChanged = (trx: Trx, calendar: Calendar, why: string) => Promise<number>;

/** Seconds another process may go on using a calendar it read before an administrator's change. */
const CACHE_SECONDS = 30;

function asCalendarAdjustments(list: CalendarAdjustment[]): CalendarAdjustments {
  return {
    added: list
      .filter((a) => a.kind === "added")
      .map((a) => ({ date: a.date, title: a.title, divisions: a.divisions ?? undefined })),
    removed: list
      .filter((a) => a.kind === "removed")
      .map((a) => ({ date: a.date, divisions: a.divisions ?? undefined })),
  };
}

/**
 * The working-day calendar as the council uses it: the shipped bank holidays plus the days an
 * administrator added (a state funeral) or removed, stored and audited. Every deadline in the
 * requests module comes from `calendar()`.
 */
export class RequestCalendarService {
  private cached: { calendar: Calendar; at: number } | undefined;
  private onChange: CalendarChanged = async () => 0;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    /** Where the changes are also written for `steward deadline`, which runs without the database. */
    private readonly exportFile?: string,
  ) {}

  /**
   * Writes the administrators' changes to `exportFile` (written whole, then renamed into place), so
   * the command-line calculator gives the same dates as the case pages. Called after every change
   * and when the web server starts.
   */
  async writeExport(): Promise<void> {
    if (!this.exportFile) return;
    const list = await this.adjustments();
    const file: CalendarAdjustments & { note: string } = {
      note: "Bank holidays added or removed by an administrator in Steward; read by `steward deadline`. Do not edit: change them on the Bank holidays page.",
      ...asCalendarAdjustments(list),
    };
    await mkdir(dirname(this.exportFile), { recursive: true });
    const temporary = `${this.exportFile}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`);
    await rename(temporary, this.exportFile);
  }

  /** The cases service registers here to recalculate open cases when the calendar changes. */
  whenChanged(handler: CalendarChanged): void {
    this.onChange = handler;
  }

  async calendar(): Promise<Calendar> {
    if (this.cached && Date.now() - this.cached.at < CACHE_SECONDS * 1000)
      return this.cached.calendar;
    const calendar = this.build(await this.adjustments());
    this.cached = { calendar, at: Date.now() };
    return calendar;
  }

  async adjustments(db: Db | Trx = this.db): Promise<CalendarAdjustment[]> {
    const rows = await db.selectFrom("calendar_adjustments").selectAll().orderBy("date").execute();
    return rows.map((r) => ({
      id: r.id,
      date: r.date as IsoDate,
      kind: r.kind,
      title: r.title,
      divisions: (r.divisions?.filter(isDivision) as Division[] | undefined) ?? null,
      reason: r.reason,
      createdBy: r.created_by,
      createdAt: r.created_at,
    }));
  }

  private build(list: CalendarAdjustment[]): Calendar {
    return createCalendar(asCalendarAdjustments(list));
  }

  /** Adds a bank holiday or removes a shipped one; open cases are recalculated in the same transaction. */
  async adjust(
    ctx: AuditContext,
    input: {
      date: string;
      kind: "added" | "removed";
      title: string;
      divisions: string[];
      reason?: string;
    },
  ): Promise<{ adjustment: CalendarAdjustment; recalculated: number }> {
    if (!isIsoDate(input.date))
      throw new CalendarInputError("date", "Enter a real date, like 19 9 2022");
    const divisions = input.divisions.length === 0 ? null : input.divisions;
    if (divisions && !divisions.every(isDivision))
      throw new CalendarInputError("divisions", `Choose from ${DIVISIONS.join(", ")}`);
    const title = input.title.trim();
    if (!title) throw new CalendarInputError("title", "Enter the name of the day");
    const result = await this.db.transaction().execute(async (trx) => {
      const clash = await trx
        .selectFrom("calendar_adjustments")
        .select("id")
        .where("date", "=", input.date)
        .where("kind", "=", input.kind)
        .executeTakeFirst();
      if (clash)
        throw new CalendarInputError(
          "date",
          `There is already a change ${input.kind === "added" ? "adding" : "removing"} a day on ${input.date}`,
        );
      const row = await trx
        .insertInto("calendar_adjustments")
        .values({
          date: input.date,
          kind: input.kind,
          title,
          divisions,
          reason: input.reason?.trim() || null,
          created_by: ctx.actorLabel,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const calendar = this.build(await this.adjustments(trx));
      const what = `${input.kind === "added" ? "Bank holiday added" : "Bank holiday removed"}: ${input.date} ${title}`;
      const recalculated = await this.onChange(trx, calendar, what);
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "bank-holiday",
          entityId: row.id,
          summary: `${what}; ${recalculated} open case${recalculated === 1 ? "" : "s"} with a new due date`,
          changes: { ...input, divisions, recalculated },
        },
        trx,
      );
      this.cached = { calendar, at: Date.now() };
      const adjustment = (await this.adjustments(trx)).find((a) => a.id === row.id);
      if (!adjustment) throw new Error("adjustment vanished");
      return { adjustment, recalculated };
    });
    await this.writeExport();
    return result;
  }

  /** Undoes an administrator's change; open cases are recalculated. */
  async undo(ctx: AuditContext, id: string): Promise<{ recalculated: number }> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new CalendarInputError("id", "No such change");
    const result = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .deleteFrom("calendar_adjustments")
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new CalendarInputError("id", "No such change");
      const calendar = this.build(await this.adjustments(trx));
      const what = `Calendar change undone: ${row.kind === "added" ? "added" : "removed"} ${row.date} ${row.title}`;
      const recalculated = await this.onChange(trx, calendar, what);
      await this.audit.record(
        ctx,
        {
          action: "delete",
          entityType: "bank-holiday",
          entityId: row.id,
          summary: `${what}; ${recalculated} open case${recalculated === 1 ? "" : "s"} with a new due date`,
          changes: { date: row.date, kind: row.kind, title: row.title, recalculated },
        },
        trx,
      );
      this.cached = { calendar, at: Date.now() };
      return { recalculated };
    });
    await this.writeExport();
    return result;
  }
}
