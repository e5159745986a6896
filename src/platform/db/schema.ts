import type { ColumnType, Generated, JSONColumnType } from "kysely";

/**
 * Table types for Kysely: the platform's here; each module declares its own in its tables.ts by
 * augmenting this interface (`declare module "…/platform/db/schema.ts" { interface Database { … } }`).
 */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;
export type Json = ColumnType<unknown, string | undefined, string>;

export interface AppSettingsTable {
  key: string;
  value: Json;
  updated_at: Generated<Date>;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  display_name: string;
  job_title: string | null;
  password_hash: string;
  roles: ColumnType<string[], string[] | undefined, string[]>;
  disabled_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: Generated<Date>;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
  revoked_reason: string | null;
  client_ip: string | null;
  user_agent: string | null;
}

export interface SignInAttemptsTable {
  id: Generated<string>;
  email: string;
  client_ip: string;
  succeeded: boolean;
  at: Generated<Date>;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  token_prefix: string;
  created_at: Generated<Date>;
  expires_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface AuditEventsTable {
  id: Generated<string>;
  occurred_at: Timestamp;
  actor_id: string | null;
  actor_label: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  summary: string | null;
  changes: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  request_id: string | null;
  client_ip: string | null;
  prev_hash: string;
  hash: string;
}

export interface JobsTable {
  id: Generated<string>;
  name: string;
  payload: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  status: Generated<"queued" | "running" | "done" | "failed">;
  run_at: Timestamp;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  unique_key: string | null;
  locked_by: string | null;
  locked_at: NullableTimestamp;
  progress: number | null;
  progress_message: string | null;
  last_error: string | null;
  result: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  finished_at: NullableTimestamp;
}

export interface JobSchedulesTable {
  name: string;
  every_seconds: number;
  next_run_at: Timestamp;
}

export interface MailOutboxTable {
  id: Generated<string>;
  to_address: string;
  subject: string;
  body_text: string;
  status: Generated<"queued" | "sent" | "held" | "failed">;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Generated<Date>;
  sent_at: NullableTimestamp;
  /** [{ source, id, filename }]: files a module keeps, read when the message is sent. */
  attachments: Json;
}

export interface Database {
  app_settings: AppSettingsTable;
  users: UsersTable;
  sessions: SessionsTable;
  sign_in_attempts: SignInAttemptsTable;
  api_tokens: ApiTokensTable;
  audit_events: AuditEventsTable;
  jobs: JobsTable;
  job_schedules: JobSchedulesTable;
  mail_outbox: MailOutboxTable;
}
