import type { ColumnType, Generated, JSONColumnType } from "kysely";

type TextArray = ColumnType<string[], string[] | undefined, string[]>;
/** DATE columns come back as YYYY-MM-DD strings. */
type DateText = ColumnType<string | null, string | null | undefined, string | null>;
type Stamp = ColumnType<Date, Date | undefined, Date>;

export interface RetentionRulesTable {
  id: Generated<string>;
  code: string;
  business_function: string;
  activity: string | null;
  record_type: string;
  trigger_event: string;
  period_years: number | null;
  period_months: Generated<number>;
  disposal_action: "destroy" | "archive" | "review";
  authority: string | null;
  notes: string | null;
  owner_id: string | null;
  service_area_id: string | null;
  created_at: Generated<Date>;
  updated_at: Stamp;
}

export interface ObligationImportDraftsTable {
  id: Generated<string>;
  kind: string;
  user_id: string;
  filename: string;
  rows: JSONColumnType<Record<string, unknown>[], string, string>;
  problems: JSONColumnType<string[], string, string>;
  created_at: Generated<Date>;
}

export interface RecordCollectionsTable {
  id: Generated<string>;
  reference: string;
  description: string;
  rule_id: string;
  location: string | null;
  owner_id: string | null;
  service_area_id: string | null;
  trigger_date: DateText;
  disposal_due: DateText;
  status: ColumnType<
    "held" | "deferred" | "disposed",
    "held" | "deferred" | "disposed" | undefined
  >;
  deferred_until: DateText;
  defer_reason: string | null;
  disposed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: Generated<Date>;
  updated_at: Stamp;
}

export interface LegalHoldsTable {
  id: Generated<string>;
  kind: string;
  reason: string;
  collection_id: string | null;
  rule_id: string | null;
  source: string | null;
  record_id: string | null;
  placed_by_label: string;
  placed_at: Generated<Date>;
  lifted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  lifted_by_label: string | null;
  lift_reason: string | null;
}

export interface DestructionCertificatesTable {
  id: Generated<string>;
  number: string;
  record_reference: string;
  description: string;
  rule_code: string;
  authority: string | null;
  action: string;
  method: string | null;
  collection_id: string | null;
  source: string | null;
  approved_by_label: string;
  disposed_at: Generated<Date>;
}

export interface OwnRecordRunsTable {
  id: Generated<string>;
  ran_at: Generated<Date>;
  summary: JSONColumnType<unknown[], string, string>;
}

export interface SharingPartnersTable {
  id: Generated<string>;
  name: string;
  kind: string;
  contact_name: string | null;
  contact_email: string | null;
  created_at: Generated<Date>;
}

export interface SharingAgreementsTable {
  id: Generated<string>;
  reference: string;
  title: string;
  purpose: string;
  lawful_basis: string;
  data_items: string;
  signatories: string | null;
  framework: string | null;
  start_date: string;
  review_date: DateText;
  end_date: DateText;
  status: "draft" | "active" | "terminated";
  owner_id: string | null;
  signed_filename: string | null;
  signed_mimetype: string | null;
  signed_copy: Buffer | null;
  created_at: Generated<Date>;
  updated_at: Stamp;
}

export interface SharingAgreementPartiesTable {
  agreement_id: string;
  partner_id: string;
}

export interface SharingAgreementFlowsTable {
  agreement_id: string;
  flow_id: string;
}

export interface ProcessorsTable {
  id: Generated<string>;
  name: string;
  contract_reference: string | null;
  services: string | null;
  personal_data: string | null;
  data_location: string | null;
  international_transfers: string | null;
  art28_terms: TextArray;
  contract_start: DateText;
  contract_end: DateText;
  contract_review: DateText;
  owner_id: string | null;
  created_at: Generated<Date>;
  updated_at: Stamp;
}

export interface ProcessorAssetsTable {
  processor_id: string;
  asset_id: string;
}

/** The data flows (in the asset register) a processor's contract covers; ids only. */
export interface ProcessorFlowsTable {
  processor_id: string;
  flow_id: string;
}

export interface ProcessorAssurancesTable {
  id: Generated<string>;
  processor_id: string;
  scheme: string;
  certificate: string | null;
  expires_on: string;
}

export interface ProcessorAssessmentsTable {
  id: Generated<string>;
  processor_id: string;
  occasion: "before-go-live" | "major-change" | "periodic";
  assessed_on: string;
  outcome: "satisfactory" | "actions-required" | "unsatisfactory";
  notes: string | null;
  next_due: DateText;
  assessed_by_label: string;
}

export interface TrainingCoursesTable {
  id: Generated<string>;
  code: string;
  title: string;
  audience: "all-staff" | "councillors" | "everyone" | "roles";
  job_roles: TextArray;
  frequency_months: number | null;
  created_at: Generated<Date>;
}

export interface TrainingPeopleTable {
  id: Generated<string>;
  person_number: string;
  name: string;
  email: string | null;
  kind: "staff" | "councillor";
  job_role: string | null;
  service_area_id: string | null;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface TrainingCompletionsTable {
  id: Generated<string>;
  person_id: string;
  course_id: string;
  completed_on: string;
  source: Generated<string>;
}

export interface ObligationDigestsTable {
  recipient: string;
  week: string;
  items: number;
  sent_at: Generated<Date>;
}

declare module "../../platform/db/schema.ts" {
  interface Database {
    retention_rules: RetentionRulesTable;
    obligation_import_drafts: ObligationImportDraftsTable;
    record_collections: RecordCollectionsTable;
    legal_holds: LegalHoldsTable;
    destruction_certificates: DestructionCertificatesTable;
    own_record_runs: OwnRecordRunsTable;
    sharing_partners: SharingPartnersTable;
    sharing_agreements: SharingAgreementsTable;
    sharing_agreement_parties: SharingAgreementPartiesTable;
    sharing_agreement_flows: SharingAgreementFlowsTable;
    processors: ProcessorsTable;
    processor_assets: ProcessorAssetsTable;
    processor_flows: ProcessorFlowsTable;
    processor_assurances: ProcessorAssurancesTable;
    processor_assessments: ProcessorAssessmentsTable;
    training_courses: TrainingCoursesTable;
    training_people: TrainingPeopleTable;
    training_completions: TrainingCompletionsTable;
    obligation_digests: ObligationDigestsTable;
  }
}
