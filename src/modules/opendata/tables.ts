import type { ColumnType, Generated } from "kysely";

type Json<T> = ColumnType<T, string, string>;

export interface OpendataDatasetsTable {
  id: Generated<string>;
  slug: string;
  title: string;
  description: Generated<string>;
  service_area_id: string | null;
  contact_name: string | null;
  contact_email: string | null;
  themes: Generated<string[]>;
  keywords: Generated<string[]>;
  licence: Generated<string>;
  frequency: Generated<string>;
  temporal_start: ColumnType<string | null, string | null, string | null>;
  temporal_end: ColumnType<string | null, string | null, string | null>;
  spatial: string | null;
  source_asset_id: string | null;
  publication_class: Generated<string>;
  template: string | null;
  status: Generated<"draft" | "private" | "published" | "withdrawn">;
  published_at: Date | null;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface OpendataResourcesTable {
  id: Generated<string>;
  dataset_id: string;
  name: string;
  description: Generated<string>;
  format: string;
  link_url: string | null;
  schema_name: string | null;
  period: string | null;
  position: Generated<number>;
  created_at: Generated<Date>;
}

export interface OpendataVersionsTable {
  id: Generated<string>;
  resource_id: string;
  version: number;
  derived_from: string | null;
  file_name: string;
  media_type: string;
  bytes: ColumnType<string, number, number>;
  sha256: string | null;
  change_note: Generated<string>;
  state: Generated<"checking" | "checked" | "failed">;
  job_id: string | null;
  row_count: ColumnType<string | null, number | null, number | null>;
  fields: Json<unknown> | null;
  report: Json<unknown> | null;
  gate: Generated<"pending" | "clean" | "blocked" | "cleared" | "invalid">;
  review: Json<unknown> | null;
  published_at: Date | null;
  created_by: string | null;
  created_at: Generated<Date>;
  withdrawn_at: Date | null;
  withdrawn_by: string | null;
  withdrawn_reason: string | null;
}

export interface OpendataRemindersTable {
  template: string;
  period: string;
  kind: string;
  sent_at: Generated<Date>;
}

declare module "../../platform/db/schema.ts" {
  interface Database {
    opendata_datasets: OpendataDatasetsTable;
    opendata_resources: OpendataResourcesTable;
    opendata_versions: OpendataVersionsTable;
    opendata_reminders: OpendataRemindersTable;
  }
}
