import { sql } from "kysely";
import type { Db, Trx } from "../../platform/db/database.ts";
import type { OwnRecord, OwnRecordSource } from "../obligations/retention/own-records.ts";

export const ANONYMISED_SUMMARY = "(anonymised under the retention schedule)";

/** Breach files are numbered BR-0001; the certificate and holds use the same reference. */
const REFERENCE = sql<string>`'BR-' || lpad(number::text, 4, '0')`;
/** The day the file was closed, in the council's time zone: the trigger the schedule counts from. */
const CLOSED_ON = sql<string>`to_char(closed_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD')`;

/**
 * Closed breach files under the retention schedule (rule STW-02, closure + 6 years, destroy). The
 * personal data in a file past its period is destroyed: the reporter and the officers named, what was
 * written about the people affected and the incident (the report, assessment notes, notification
 * details, actions and their owners, the alert recipients). What the SIRO's annual report and the ICO
 * reporting counts are made from stays, without anyone in it: the dates (aware, contained, decided,
 * notified, closed), service area, cause, categories of data and people, counts, severity, the
 * decision and the ICO's reference. Open files and files inside their period are never touched.
 */
export function breachFilesRetentionSource(db: Db): OwnRecordSource {
  return {
    key: "breach-files",
    label: "Closed personal data breach files",
    ruleCode: "STW-02",
    action: "anonymised",
    async expired(cutoff, limit): Promise<OwnRecord[]> {
      const rows = await db
        .selectFrom("breaches")
        .select(["id", REFERENCE.as("reference"), CLOSED_ON.as("closed")])
        .where("status", "=", "closed")
        .where("closed_at", "is not", null)
        .where("anonymised_at", "is", null)
        .where(sql<boolean>`(closed_at AT TIME ZONE 'Europe/London')::date <= ${cutoff}::date`)
        .orderBy("closed_at")
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        reference: r.reference,
        triggerDate: r.closed as OwnRecord["triggerDate"],
      }));
    },
    async dispose(trx: Trx, ids: string[]): Promise<void> {
      if (ids.length === 0) return;
      // Only closed files, whatever ids are passed: an open case is never anonymised.
      const closed = (
        await trx
          .selectFrom("breaches")
          .select("id")
          .where("id", "in", ids)
          .where("status", "=", "closed")
          .forUpdate()
          .execute()
      ).map((r) => r.id);
      if (closed.length === 0) return;
      await trx.deleteFrom("breach_actions").where("breach_id", "in", closed).execute();
      await trx.deleteFrom("breach_alerts").where("breach_id", "in", closed).execute();
      await trx
        .updateTable("breach_notifications")
        .set({ details: null, recorded_by: null })
        .where("breach_id", "in", closed)
        .execute();
      const now = new Date();
      await trx
        .updateTable("breaches")
        .set({
          reported_by: null,
          summary: ANONYMISED_SUMMARY,
          data_involved: "",
          who_knows: null,
          aware_at_note: null,
          title: null,
          how_discovered: null,
          consequences: null,
          training_detail: null,
          containment: null,
          recovery: null,
          others_told: null,
          decision_rationale: null,
          decided_by: null,
          delay_reason: null,
          lessons_learned: null,
          closure_summary: null,
          closed_by: null,
          anonymised_at: now,
          updated_at: now,
        })
        .where("id", "in", closed)
        .execute();
    },
  };
}
