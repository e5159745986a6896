-- Open data: the catalogue (DCAT-style datasets and their resources), every version of every file with its
-- validation and personal-data screening report, the review decisions that clear a blocked file, and the
-- Transparency Code reminders already sent. Files live under STEWARD_DATA_DIR/files/opendata/.
CREATE TABLE opendata_datasets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,99}$'),
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  service_area_id uuid REFERENCES service_areas (id),
  contact_name text,
  contact_email text,
  themes text[] NOT NULL DEFAULT '{}',
  keywords text[] NOT NULL DEFAULT '{}',
  licence text NOT NULL DEFAULT 'OGL-UK-3.0',
  frequency text NOT NULL DEFAULT 'irregular',
  temporal_start date,
  temporal_end date,
  spatial text,
  source_asset_id uuid,
  publication_class text NOT NULL DEFAULT 'lists-and-registers',
  template text,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'private', 'published', 'withdrawn')),
  published_at timestamptz,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX opendata_datasets_status ON opendata_datasets (status, updated_at DESC);
CREATE INDEX opendata_datasets_template ON opendata_datasets (template) WHERE template IS NOT NULL;

CREATE TABLE opendata_resources (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  dataset_id uuid NOT NULL REFERENCES opendata_datasets (id) ON DELETE CASCADE,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  format text NOT NULL CHECK (format IN ('CSV', 'XLSX', 'JSON', 'GeoJSON', 'PDF', 'LINK')),
  link_url text,
  schema_name text,
  period text,
  position integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX opendata_resources_dataset ON opendata_resources (dataset_id, position);

CREATE TABLE opendata_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resource_id uuid NOT NULL REFERENCES opendata_resources (id) ON DELETE CASCADE,
  version integer NOT NULL,
  derived_from uuid REFERENCES opendata_versions (id),
  file_name text NOT NULL,
  media_type text NOT NULL,
  bytes bigint NOT NULL DEFAULT 0,
  sha256 text,
  change_note text NOT NULL DEFAULT '',
  state text NOT NULL DEFAULT 'checking' CHECK (state IN ('checking', 'checked', 'failed')),
  job_id text,
  row_count bigint,
  fields jsonb,
  report jsonb,
  gate text NOT NULL DEFAULT 'pending' CHECK (gate IN ('pending', 'clean', 'blocked', 'cleared', 'invalid')),
  review jsonb,
  published_at timestamptz,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (resource_id, version)
);

CREATE TABLE opendata_reminders (
  template text NOT NULL,
  period text NOT NULL,
  kind text NOT NULL,
  sent_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (template, period, kind)
);
