import type { ColumnType, Generated } from "kysely";
import type { Json, NullableTimestamp } from "../../platform/db/schema.ts";

type NullableJson = ColumnType<unknown, string | null | undefined, string | null>;

type DateColumn = ColumnType<string, string, string>;
type NullableDate = ColumnType<string | null, string | null | undefined, string | null>;

export interface CalendarAdjustmentsTable {
  id: Generated<string>;
  date: DateColumn;
  kind: "added" | "removed";
  title: string;
  divisions: string[] | null;
  reason: string | null;
  created_by: string;
  created_at: Generated<Date>;
}

export interface RequestCasesTable {
  id: Generated<string>;
  reference: string;
  type: string;
  data_right: string | null;
  parent_id: string | null;
  status: Generated<string>;
  outcome: string | null;
  channel: Generated<string>;
  received: DateColumn;
  extended: Generated<boolean>;
  police_target_days: number | null;
  summary: string;
  request_text: string;
  requester_name: string | null;
  requester_email: string | null;
  requester_address: string | null;
  requester_organisation: string | null;
  reply_to: string | null;
  wdtk_request: string | null;
  subject_category: string | null;
  identity_evidence: string | null;
  identity_checked_by: string | null;
  identity_checked_on: NullableDate;
  police_exemption: string | null;
  police_decided_by: string | null;
  service_area_id: string | null;
  topic: string | null;
  assigned_to: string | null;
  due_date: NullableDate;
  clock_status: Generated<string>;
  cost_estimate: NullableJson;
  closed_on: NullableDate;
  status_token_hash: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface RequestClockEventsTable {
  id: Generated<string>;
  case_id: string;
  type: string;
  date: DateColumn;
  note: string | null;
  recorded_by: string;
  created_at: Generated<Date>;
}

export interface RequestDueDatesTable {
  id: Generated<string>;
  case_id: string;
  due: NullableDate;
  reason: string;
  changed_at: Generated<Date>;
}

export interface RequestExemptionsTable {
  id: Generated<string>;
  case_id: string;
  code: string;
  public_interest: string | null;
  created_at: Generated<Date>;
}

export interface RequestContributionsTable {
  id: Generated<string>;
  case_id: string;
  service_area_id: string | null;
  contact_email: string;
  question: string;
  due_date: DateColumn;
  status: Generated<string>;
  response: string | null;
  reminded_at: NullableTimestamp;
  escalated_at: NullableTimestamp;
  received_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface RequestCorrespondenceTable {
  id: Generated<string>;
  case_id: string;
  direction: "in" | "out";
  from_address: string | null;
  to_address: string | null;
  subject: string;
  body: string;
  message_id: string | null;
  outbox_id: string | null;
  at: Generated<Date>;
  recorded_by: string;
}

export interface RequestAttachmentsTable {
  id: Generated<string>;
  case_id: string;
  correspondence_id: string | null;
  filename: string;
  mimetype: string;
  size: number;
  data: Buffer;
  purpose: Generated<string>;
  hidden_data: NullableJson;
  withheld_reason: string | null;
  created_at: Generated<Date>;
}

export interface RequestLetterTemplatesTable {
  id: Generated<string>;
  name: string;
  subject: string;
  body: string;
  updated_at: Generated<Date>;
}

export interface RequestSearchesTable {
  id: Generated<string>;
  case_id: string;
  asset_id: string;
  asset_name: string;
  owner: string | null;
  confirmed_by: string | null;
  confirmed_at: NullableTimestamp;
  note: string | null;
}

export interface DisclosureLogTable {
  id: Generated<string>;
  case_id: string | null;
  reference: string;
  type: string;
  title: string;
  request_text: string;
  response_text: string;
  outcome: string;
  service: string | null;
  topic: string | null;
  related_links: Json;
  received: DateColumn;
  published_on: DateColumn;
  /** Generated full-text vectors (read-only). */
  search: ColumnType<string, never, never>;
  title_search: ColumnType<string, never, never>;
}

declare module "../../platform/db/schema.ts" {
  interface Database {
    calendar_adjustments: CalendarAdjustmentsTable;
    request_cases: RequestCasesTable;
    request_clock_events: RequestClockEventsTable;
    request_due_dates: RequestDueDatesTable;
    request_exemptions: RequestExemptionsTable;
    request_contributions: RequestContributionsTable;
    request_correspondence: RequestCorrespondenceTable;
    request_attachments: RequestAttachmentsTable;
    request_letter_templates: RequestLetterTemplatesTable;
    request_searches: RequestSearchesTable;
    disclosure_log: DisclosureLogTable;
  }
}
