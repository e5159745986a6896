import type { ColumnType, Generated } from "kysely";
import type { NullableTimestamp, Timestamp } from "../../platform/db/schema.ts";

type TextArray = ColumnType<string[], string[] | undefined, string[]>;

export interface BreachesTable {
  id: Generated<string>;
  number: Generated<number>;
  status: ColumnType<"reported" | "investigating" | "closed", string | undefined, string>;
  /** Null once the file has been anonymised under the retention schedule. */
  reported_by: string | null;
  reported_at: Generated<Date>;
  summary: string;
  occurred_at: NullableTimestamp;
  discovered_at: NullableTimestamp;
  data_involved: string;
  who_knows: string | null;
  aware_at: Timestamp;
  aware_at_note: string | null;
  title: string | null;
  service_area_id: string | null;
  how_discovered: string | null;
  cause: string | null;
  data_categories: TextArray;
  subject_types: TextArray;
  records_count: number | null;
  people_count: number | null;
  asset_ids: TextArray;
  consequences: string | null;
  likelihood: string | null;
  severity: string | null;
  is_cyber: boolean | null;
  cia: TextArray;
  staff_involved: boolean | null;
  staff_trained: string | null;
  training_detail: string | null;
  encrypted: string | null;
  recovered: boolean | null;
  contained_at: NullableTimestamp;
  containment: string | null;
  recovery: string | null;
  others_told: string | null;
  recommended_outcome: string | null;
  decision: string | null;
  decision_rationale: string | null;
  decided_by: string | null;
  decided_at: NullableTimestamp;
  delay_reason: string | null;
  lessons_learned: string | null;
  closure_summary: string | null;
  closed_by: string | null;
  closed_at: NullableTimestamp;
  /** When the retention job anonymised the closed file (rule STW-02). */
  anonymised_at: NullableTimestamp;
  updated_at: Generated<Date>;
}

export interface BreachNotificationsTable {
  id: Generated<string>;
  breach_id: string;
  recipient: string;
  notified_at: Timestamp;
  reference: string | null;
  method: string | null;
  people_count: number | null;
  details: string | null;
  recorded_by: string | null;
  recorded_at: Generated<Date>;
}

export interface BreachActionsTable {
  id: Generated<string>;
  breach_id: string;
  description: string;
  owner_name: string;
  due_on: string | null;
  done_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface BreachAlertsTable {
  breach_id: string;
  point_hours: number;
  sent_at: Generated<Date>;
  recipients: TextArray;
}

declare module "../../platform/db/schema.ts" {
  interface Database {
    breaches: BreachesTable;
    breach_notifications: BreachNotificationsTable;
    breach_actions: BreachActionsTable;
    breach_alerts: BreachAlertsTable;
  }
}
