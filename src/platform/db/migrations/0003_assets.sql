-- Know what we hold: the Information Asset Register, the record of processing (Art. 30) and the data flows.

CREATE SEQUENCE information_asset_number;

CREATE TABLE information_assets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  reference text NOT NULL,
  name text NOT NULL,
  description text,
  purpose text,
  asset_type text NOT NULL,
  format text NOT NULL,
  system_name text,
  hosting text,
  hosted_by text,
  location text,
  public_domain boolean NOT NULL DEFAULT false,
  owner_id uuid REFERENCES users (id),
  owner_name text,                 -- an owner named in an imported sheet who has no account yet
  administrator_id uuid REFERENCES users (id),
  administrator_name text,
  service_area_id uuid REFERENCES service_areas (id),
  marking text NOT NULL DEFAULT 'official',
  holds_personal_data boolean NOT NULL DEFAULT false,
  data_subject_categories text[] NOT NULL DEFAULT '{}',
  personal_data_categories text[] NOT NULL DEFAULT '{}',
  special_category boolean NOT NULL DEFAULT false,
  criminal_offence boolean NOT NULL DEFAULT false,
  approximate_volume text,
  lawful_bases text[] NOT NULL DEFAULT '{}',
  special_conditions text[] NOT NULL DEFAULT '{}',
  retention text,
  shared_with text,
  business_criticality text,
  vital_record boolean NOT NULL DEFAULT false,
  recovery_time_objective text,
  backup_arrangements text,
  access_controls text,
  risk_rating text,
  review_due date,
  last_reviewed date,
  import_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX information_assets_reference_key ON information_assets (lower(reference));
CREATE INDEX information_assets_name_idx ON information_assets (lower(name), id);
CREATE INDEX information_assets_owner_idx ON information_assets (owner_id);
CREATE INDEX information_assets_service_idx ON information_assets (service_area_id);
CREATE INDEX information_assets_review_idx ON information_assets (review_due);
CREATE INDEX information_assets_subjects_idx ON information_assets USING gin (data_subject_categories);

CREATE TABLE asset_risks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  asset_id uuid NOT NULL REFERENCES information_assets (id) ON DELETE CASCADE,
  description text NOT NULL,
  likelihood int NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
  impact int NOT NULL CHECK (impact BETWEEN 1 AND 5),
  mitigation text,
  owner_id uuid REFERENCES users (id),
  owner_name text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX asset_risks_asset_idx ON asset_risks (asset_id);

CREATE TABLE asset_reviews (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  asset_id uuid NOT NULL REFERENCES information_assets (id) ON DELETE CASCADE,
  reviewed_by uuid REFERENCES users (id),
  reviewed_by_label text NOT NULL,
  reviewed_at timestamptz NOT NULL DEFAULT now(),
  outcome text NOT NULL CHECK (outcome IN ('confirmed', 'corrected')),
  changes jsonb,
  notes text,
  next_review_due date NOT NULL
);
CREATE INDEX asset_reviews_asset_idx ON asset_reviews (asset_id, reviewed_at);

-- One reminder per asset, review date and kind, however often the job runs.
CREATE TABLE asset_review_reminders (
  asset_id uuid NOT NULL REFERENCES information_assets (id) ON DELETE CASCADE,
  review_due date NOT NULL,
  kind text NOT NULL,
  sent_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (asset_id, review_due, kind)
);

CREATE SEQUENCE processing_activity_number;

CREATE TABLE processing_activities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  reference text NOT NULL,
  name text NOT NULL,
  business_function text,
  service_area_id uuid REFERENCES service_areas (id),
  owner_id uuid REFERENCES users (id),
  purposes text,
  controller text,
  joint_controller text,
  representative text,
  dpo_contact text,
  data_subject_categories text[] NOT NULL DEFAULT '{}',
  personal_data_categories text[] NOT NULL DEFAULT '{}',
  special_category boolean NOT NULL DEFAULT false,
  criminal_offence boolean NOT NULL DEFAULT false,
  recipient_categories text[] NOT NULL DEFAULT '{}',
  recipients_detail text,
  third_country_transfers text,
  transfer_safeguards text,
  retention text,
  security_measures text,
  lawful_bases text[] NOT NULL DEFAULT '{}',
  legitimate_interests text,
  special_conditions text[] NOT NULL DEFAULT '{}',
  schedule1_condition text,
  appropriate_policy_document text,
  rights_available text,
  automated_decision_making text,
  data_source text,
  consent_records text,
  processor_contract text,
  data_location text,
  dpia_status text,
  dpia_link text,
  breach_records text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX processing_activities_reference_key ON processing_activities (lower(reference));

CREATE TABLE processing_activity_assets (
  activity_id uuid NOT NULL REFERENCES processing_activities (id) ON DELETE CASCADE,
  asset_id uuid NOT NULL REFERENCES information_assets (id) ON DELETE CASCADE,
  PRIMARY KEY (activity_id, asset_id)
);
CREATE INDEX processing_activity_assets_asset_idx ON processing_activity_assets (asset_id);

CREATE SEQUENCE data_flow_number;

CREATE TABLE data_flows (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  reference text NOT NULL,
  name text NOT NULL,
  from_kind text NOT NULL CHECK (from_kind IN ('asset', 'service', 'partner')),
  from_asset_id uuid REFERENCES information_assets (id),
  from_service_area_id uuid REFERENCES service_areas (id),
  from_partner text,
  to_kind text NOT NULL CHECK (to_kind IN ('asset', 'service', 'partner')),
  to_asset_id uuid REFERENCES information_assets (id),
  to_service_area_id uuid REFERENCES service_areas (id),
  to_partner text,
  -- The service areas at each end (the asset's, or the service itself), kept for the map's filters.
  from_service_id uuid REFERENCES service_areas (id),
  to_service_id uuid REFERENCES service_areas (id),
  personal_data boolean NOT NULL DEFAULT false,
  data_categories text[] NOT NULL DEFAULT '{}',
  special_category boolean NOT NULL DEFAULT false,
  criminal_offence boolean NOT NULL DEFAULT false,
  purpose text,
  lawful_bases text[] NOT NULL DEFAULT '{}',
  method text,
  encrypted_in_transit boolean NOT NULL DEFAULT false,
  frequency text,
  volume text,
  leaves_uk boolean NOT NULL DEFAULT false,
  destination_country text,
  transfer_safeguard text,
  agreement text,
  external boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX data_flows_reference_key ON data_flows (lower(reference));
CREATE INDEX data_flows_from_asset_idx ON data_flows (from_asset_id);
CREATE INDEX data_flows_to_asset_idx ON data_flows (to_asset_id);
CREATE INDEX data_flows_from_service_idx ON data_flows (from_service_id);
CREATE INDEX data_flows_to_service_idx ON data_flows (to_service_id);

-- A spreadsheet being imported: kept between upload, mapping, preview and apply; removed when applied.
CREATE TABLE asset_import_drafts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id),
  filename text NOT NULL,
  headings jsonb NOT NULL,
  rows jsonb NOT NULL,
  risks jsonb,
  mapping jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
