import type { ColumnType, Generated, JSONColumnType } from "kysely";

type TextArray = ColumnType<string[], string[] | undefined, string[]>;
type DateText = ColumnType<string | null, string | null | undefined, string | null>;

export interface InformationAssetsTable {
  id: Generated<string>;
  reference: string;
  name: string;
  description: string | null;
  purpose: string | null;
  asset_type: string;
  format: string;
  system_name: string | null;
  hosting: string | null;
  hosted_by: string | null;
  location: string | null;
  public_domain: Generated<boolean>;
  owner_id: string | null;
  owner_name: string | null;
  administrator_id: string | null;
  administrator_name: string | null;
  service_area_id: string | null;
  marking: string;
  holds_personal_data: Generated<boolean>;
  data_subject_categories: TextArray;
  personal_data_categories: TextArray;
  special_category: Generated<boolean>;
  criminal_offence: Generated<boolean>;
  approximate_volume: string | null;
  lawful_bases: TextArray;
  special_conditions: TextArray;
  retention: string | null;
  shared_with: string | null;
  business_criticality: string | null;
  vital_record: Generated<boolean>;
  recovery_time_objective: string | null;
  backup_arrangements: string | null;
  access_controls: string | null;
  risk_rating: string | null;
  review_due: DateText;
  last_reviewed: DateText;
  import_id: string | null;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface AssetRisksTable {
  id: Generated<string>;
  asset_id: string;
  description: string;
  likelihood: number;
  impact: number;
  mitigation: string | null;
  owner_id: string | null;
  owner_name: string | null;
  created_at: Generated<Date>;
}

export interface AssetReviewsTable {
  id: Generated<string>;
  asset_id: string;
  reviewed_by: string | null;
  reviewed_by_label: string;
  reviewed_at: Generated<Date>;
  outcome: "confirmed" | "corrected";
  changes: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  notes: string | null;
  next_review_due: string;
}

export interface AssetReviewRemindersTable {
  asset_id: string;
  review_due: string;
  kind: string;
  sent_at: Generated<Date>;
}

export interface ProcessingActivitiesTable {
  id: Generated<string>;
  reference: string;
  name: string;
  business_function: string | null;
  service_area_id: string | null;
  owner_id: string | null;
  purposes: string | null;
  controller: string | null;
  joint_controller: string | null;
  representative: string | null;
  dpo_contact: string | null;
  data_subject_categories: TextArray;
  personal_data_categories: TextArray;
  special_category: Generated<boolean>;
  criminal_offence: Generated<boolean>;
  recipient_categories: TextArray;
  recipients_detail: string | null;
  third_country_transfers: string | null;
  transfer_safeguards: string | null;
  retention: string | null;
  security_measures: string | null;
  lawful_bases: TextArray;
  legitimate_interests: string | null;
  special_conditions: TextArray;
  schedule1_condition: string | null;
  appropriate_policy_document: string | null;
  rights_available: string | null;
  automated_decision_making: string | null;
  data_source: string | null;
  consent_records: string | null;
  processor_contract: string | null;
  data_location: string | null;
  dpia_status: string | null;
  dpia_link: string | null;
  breach_records: string | null;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface ProcessingActivityAssetsTable {
  activity_id: string;
  asset_id: string;
}

export interface DataFlowsTable {
  id: Generated<string>;
  reference: string;
  name: string;
  from_kind: "asset" | "service" | "partner";
  from_asset_id: string | null;
  from_service_area_id: string | null;
  from_partner: string | null;
  to_kind: "asset" | "service" | "partner";
  to_asset_id: string | null;
  to_service_area_id: string | null;
  to_partner: string | null;
  from_service_id: string | null;
  to_service_id: string | null;
  personal_data: Generated<boolean>;
  data_categories: TextArray;
  special_category: Generated<boolean>;
  criminal_offence: Generated<boolean>;
  purpose: string | null;
  lawful_bases: TextArray;
  method: string | null;
  encrypted_in_transit: Generated<boolean>;
  frequency: string | null;
  volume: string | null;
  leaves_uk: Generated<boolean>;
  destination_country: string | null;
  transfer_safeguard: string | null;
  agreement: string | null;
  external: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface AssetImportDraftsTable {
  id: Generated<string>;
  user_id: string;
  filename: string;
  headings: JSONColumnType<string[], string, string>;
  rows: JSONColumnType<string[][], string, string>;
  risks: JSONColumnType<string[][] | null, string | null, string | null>;
  mapping: JSONColumnType<Record<string, string> | null, string | null, string | null>;
  details: ColumnType<unknown | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
}

declare module "../../platform/db/schema.ts" {
  interface Database {
    information_assets: InformationAssetsTable;
    asset_risks: AssetRisksTable;
    asset_reviews: AssetReviewsTable;
    asset_review_reminders: AssetReviewRemindersTable;
    processing_activities: ProcessingActivitiesTable;
    processing_activity_assets: ProcessingActivityAssetsTable;
    data_flows: DataFlowsTable;
    asset_import_drafts: AssetImportDraftsTable;
  }
}
