import type { ColumnType, Generated } from "kysely";
import type { Json } from "../../platform/db/schema.ts";

type UuidArray = ColumnType<string[], string[] | undefined, string[]>;

export interface DpiaTemplatesTable {
  version: number;
  content: Json;
  note: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface DpiasTable {
  id: Generated<string>;
  number: Generated<number>;
  title: string;
  description: string;
  service_area_id: string | null;
  status: ColumnType<"screened" | "draft" | "approved" | "revising", string | undefined, string>;
  screening_result: "required" | "recommended" | "not-needed";
  screening: Json;
  template_version: number;
  content: Json;
  asset_ids: UuidArray;
  processing_ids: UuidArray;
  approved_version: number | null;
  review_date: string | null;
  review_owner: string | null;
  owner_id: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface DpiaVersionsTable {
  dpia_id: string;
  version: number;
  content: Json;
  signoff: Json;
  residual_high: boolean;
  signed_off_by: string;
  signed_off_at: Generated<Date>;
}

export interface DpiaRemindersTable {
  dpia_id: string;
  review_date: string;
  kind: string;
  sent_at: Generated<Date>;
}

declare module "../../platform/db/schema.ts" {
  interface Database {
    dpia_templates: DpiaTemplatesTable;
    dpias: DpiasTable;
    dpia_versions: DpiaVersionsTable;
    dpia_reminders: DpiaRemindersTable;
  }
}
