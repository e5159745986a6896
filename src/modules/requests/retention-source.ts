import { sql } from "kysely";
import type { Db, Trx } from "../../platform/db/database.ts";
import type { OwnRecord, OwnRecordSource } from "../obligations/retention/own-records.ts";

export const ANONYMISED_SUMMARY = "(anonymised under the retention schedule)";

/**
 * Closed request cases under the retention schedule (rule STW-01). A case past its period is anonymised,
 * not deleted: the requester's details, the request's words, correspondence, documents, searches and
 * contributions go; the type, dates, outcome and exemptions stay, so timeliness reports for past years
 * still add up. Published disclosure-log answers (already without the requester's identity) stay public.
 */
export function requestCasesRetentionSource(db: Db): OwnRecordSource {
  return {
    key: "request-cases",
    label: "Closed information request cases",
    ruleCode: "STW-01",
    action: "anonymised",
    async expired(cutoff, limit): Promise<OwnRecord[]> {
      const rows = await db
        .selectFrom("request_cases")
        .select(["id", "reference", sql<string>`to_char(closed_on, 'YYYY-MM-DD')`.as("closed")])
        .where("closed_on", "is not", null)
        .where(sql<boolean>`closed_on <= ${cutoff}::date`)
        .where("summary", "<>", ANONYMISED_SUMMARY)
        .orderBy("closed_on")
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
      await trx.deleteFrom("request_attachments").where("case_id", "in", ids).execute();
      await trx.deleteFrom("request_correspondence").where("case_id", "in", ids).execute();
      await trx.deleteFrom("request_searches").where("case_id", "in", ids).execute();
      await trx.deleteFrom("request_contributions").where("case_id", "in", ids).execute();
      await trx
        .updateTable("request_cases")
        .set({
          summary: ANONYMISED_SUMMARY,
          request_text: "",
          requester_name: null,
          requester_email: null,
          requester_address: null,
          requester_organisation: null,
          reply_to: null,
          wdtk_request: null,
          identity_evidence: null,
          identity_checked_by: null,
          status_token_hash: null,
          updated_at: new Date(),
        })
        .where("id", "in", ids)
        .execute();
    },
  };
}
