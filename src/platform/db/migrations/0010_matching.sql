-- Record linkage projects (issue 6), with privacy by design: a project records its purpose, lawful basis,
-- the DPIA that covers it, who may see its results and when they must be deleted, and cannot run without
-- them. Uploaded datasets and run results live under STEWARD_DATA_DIR/matching/<project>/ and are deleted
-- (files removed, review rows removed) on the project's date by the matching.delete-due job.
CREATE TABLE matching_projects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  purpose text NOT NULL DEFAULT '',
  lawful_basis text NOT NULL DEFAULT '',
  dpia_reference text NOT NULL DEFAULT '',
  id_column text NOT NULL DEFAULT '',
  viewer_roles text[] NOT NULL DEFAULT '{}',
  viewer_user_ids text[] NOT NULL DEFAULT '{}',
  delete_results_on date,
  -- Key for the stable pseudonyms shown instead of record ids; wiped when the results are deleted.
  pseudonym_key text,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deleted')),
  results_deleted_at timestamptz,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX matching_projects_due ON matching_projects (delete_results_on) WHERE status = 'active';

CREATE TABLE matching_datasets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id uuid NOT NULL REFERENCES matching_projects (id) ON DELETE CASCADE,
  name text NOT NULL,
  file_name text NOT NULL,
  format text NOT NULL CHECK (format IN ('csv', 'parquet')),
  path text,
  columns text[],
  size_bytes bigint NOT NULL DEFAULT 0,
  uploaded_by uuid REFERENCES users (id),
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE INDEX matching_datasets_project ON matching_datasets (project_id, uploaded_at);

CREATE TABLE matching_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id uuid NOT NULL REFERENCES matching_projects (id) ON DELETE CASCADE,
  job_id text,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed', 'deleted')),
  settings jsonb,
  metrics jsonb,
  results_dir text,
  error text,
  used_labels integer NOT NULL DEFAULT 0,
  started_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  deleted_at timestamptz
);
CREATE INDEX matching_runs_project ON matching_runs (project_id, created_at DESC);

-- Clerical review decisions on pairs; they are the project's labels for evaluation and training.
CREATE TABLE matching_reviews (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id uuid NOT NULL REFERENCES matching_projects (id) ON DELETE CASCADE,
  run_id uuid REFERENCES matching_runs (id) ON DELETE SET NULL,
  left_id text NOT NULL,
  right_id text NOT NULL,
  decision text NOT NULL CHECK (decision IN ('match', 'not-a-match')),
  note text,
  match_probability double precision,
  decided_by uuid REFERENCES users (id),
  decided_by_label text NOT NULL,
  decided_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project_id, left_id, right_id)
);
