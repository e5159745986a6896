import type { Trx } from "../../../platform/db/database.ts";
import type { IsoDate } from "../dates.ts";

/** One of Steward's own records that the schedule may dispose of. */
export interface OwnRecord {
  /** The record's id in its module. */
  id: string;
  /** What people call it (a case reference such as FOI-2020-0012); goes on the certificate. */
  reference: string;
  /** The date the retention period runs from (closure, creation). */
  triggerDate: IsoDate;
}

/**
 * A kind of Steward's own records put under the retention schedule: closed request cases, breach files,
 * matching results. The module that owns the records implements this and connects it with
 * `services.retention.connect(source)` in platform/services.ts; the retention job does the rest (holds,
 * certificates, the audit entry) and calls `dispose` inside its own transaction, so the disposal, the
 * certificates and the audit record commit together or not at all.
 */
export interface OwnRecordSource {
  /** Stable key, e.g. "request-cases". */
  key: string;
  /** Plural label for people, e.g. "Closed information request cases". */
  label: string;
  /** The schedule rule that governs these records (e.g. STW-01); its period is read at every run. */
  ruleCode: string;
  /** What dispose does: delete the records, or strip the personal data and keep statistics. */
  action: "deleted" | "anonymised";
  /** Records whose trigger date is on or before `cutoff`, oldest first, at most `limit`. */
  expired(cutoff: IsoDate, limit: number): Promise<OwnRecord[]>;
  /** Deletes or anonymises exactly these records using the given transaction. */
  dispose(trx: Trx, ids: string[]): Promise<void>;
}

export interface OwnRecordRunSummary {
  source: string;
  label: string;
  ruleCode: string;
  disposed: number;
  held: number;
  /** Why nothing was done, when nothing could be. */
  skipped?: string;
}
