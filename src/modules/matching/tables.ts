import type { ColumnType, Generated } from "kysely";

type Json<T> = ColumnType<T | null, string | null, string | null>;

export interface MatchingProjectsTable {
  id: Generated<string>;
  name: string;
  purpose: Generated<string>;
  lawful_basis: Generated<string>;
  dpia_reference: Generated<string>;
  id_column: Generated<string>;
  viewer_roles: Generated<string[]>;
  viewer_user_ids: Generated<string[]>;
  delete_results_on: ColumnType<string | null, string | null, string | null>;
  pseudonym_key: string | null;
  status: Generated<"active" | "deleted">;
  results_deleted_at: Date | null;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface MatchingDatasetsTable {
  id: Generated<string>;
  project_id: string;
  name: string;
  file_name: string;
  format: "csv" | "parquet";
  path: string | null;
  columns: string[] | null;
  size_bytes: ColumnType<string, number, number>;
  uploaded_by: string | null;
  uploaded_at: Generated<Date>;
  deleted_at: Date | null;
}

export interface MatchingRunsTable {
  id: Generated<string>;
  project_id: string;
  job_id: string | null;
  status: Generated<"queued" | "running" | "done" | "failed" | "deleted">;
  settings: Json<Record<string, unknown>>;
  metrics: Json<Record<string, unknown>>;
  results_dir: string | null;
  error: string | null;
  used_labels: Generated<number>;
  started_by: string | null;
  created_at: Generated<Date>;
  finished_at: Date | null;
  deleted_at: Date | null;
}

export interface MatchingReviewsTable {
  id: Generated<string>;
  project_id: string;
  run_id: string | null;
  left_id: string;
  right_id: string;
  decision: "match" | "not-a-match";
  note: string | null;
  match_probability: number | null;
  decided_by: string | null;
  decided_by_label: string;
  decided_at: Generated<Date>;
}

declare module "../../platform/db/schema.ts" {
  interface Database {
    matching_projects: MatchingProjectsTable;
    matching_datasets: MatchingDatasetsTable;
    matching_runs: MatchingRunsTable;
    matching_reviews: MatchingReviewsTable;
  }
}
