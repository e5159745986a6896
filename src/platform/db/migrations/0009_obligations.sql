-- Keep obligations current: the retention schedule and disposal, data-sharing agreements, processors
-- and their contracts, and training.

-- The retention schedule: one rule per record class.
CREATE TABLE retention_rules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL,
  business_function text NOT NULL,
  activity text,
  record_type text NOT NULL,
  trigger_event text NOT NULL,          -- closure, creation, date-of-birth, end-of-tenancy, ... or permanent
  period_years integer CHECK (period_years IS NULL OR period_years BETWEEN 0 AND 200),
  period_months integer NOT NULL DEFAULT 0 CHECK (period_months BETWEEN 0 AND 11),
  disposal_action text NOT NULL CHECK (disposal_action IN ('destroy', 'archive', 'review')),
  authority text,
  notes text,
  owner_id uuid REFERENCES users (id),
  service_area_id uuid REFERENCES service_areas (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((trigger_event = 'permanent') = (period_years IS NULL))
);
CREATE UNIQUE INDEX retention_rules_code_key ON retention_rules (lower(code));

-- A spreadsheet read but not yet applied: the preview.
CREATE TABLE obligation_import_drafts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  filename text NOT NULL,
  rows jsonb NOT NULL,
  problems jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Records held as collections: files or boxes, each with its trigger date.
CREATE TABLE record_collections (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  reference text NOT NULL,
  description text NOT NULL,
  rule_id uuid NOT NULL REFERENCES retention_rules (id),
  location text,
  owner_id uuid REFERENCES users (id),
  service_area_id uuid REFERENCES service_areas (id),
  trigger_date date,
  disposal_due date,                   -- null for permanent records
  status text NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'deferred', 'disposed')),
  deferred_until date,
  defer_reason text,
  disposed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX record_collections_reference_key ON record_collections (lower(reference));
CREATE INDEX record_collections_due_idx ON record_collections (status, disposal_due);

-- Legal holds stop disposal until lifted: on a collection, a whole record class, or one of Steward's own records.
CREATE TABLE legal_holds (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('litigation', 'inquiry', 'ico-investigation', 'other')),
  reason text NOT NULL,
  collection_id uuid REFERENCES record_collections (id),
  rule_id uuid REFERENCES retention_rules (id),
  source text,
  record_id text,
  placed_by_label text NOT NULL,
  placed_at timestamptz NOT NULL DEFAULT now(),
  lifted_at timestamptz,
  lifted_by_label text,
  lift_reason text,
  CHECK (num_nonnulls(collection_id, rule_id, record_id) = 1),
  CHECK ((record_id IS NULL) = (source IS NULL))
);
CREATE INDEX legal_holds_active_idx ON legal_holds (lifted_at);

-- Certificates of destruction are kept for good: no change, no deletion.
CREATE SEQUENCE destruction_certificate_number;
CREATE TABLE destruction_certificates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  number text NOT NULL UNIQUE,
  record_reference text NOT NULL,
  description text NOT NULL,
  rule_code text NOT NULL,
  authority text,
  action text NOT NULL CHECK (action IN ('destroyed', 'transferred to archives', 'deleted', 'anonymised')),
  method text,
  collection_id uuid REFERENCES record_collections (id),
  source text,
  approved_by_label text NOT NULL,
  disposed_at timestamptz NOT NULL DEFAULT now()
);
CREATE FUNCTION destruction_certificates_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'certificates of destruction are kept for good: % refused', TG_OP;
END;
$$;
CREATE TRIGGER destruction_certificates_no_change BEFORE UPDATE OR DELETE ON destruction_certificates
  FOR EACH ROW EXECUTE FUNCTION destruction_certificates_refuse_change();

-- Each run of the job that applies the schedule to Steward's own records.
CREATE TABLE own_record_runs (
  id bigserial PRIMARY KEY,
  ran_at timestamptz NOT NULL DEFAULT now(),
  summary jsonb NOT NULL
);

-- Partners and data-sharing agreements.
CREATE TABLE sharing_partners (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  kind text NOT NULL,
  contact_name text,
  contact_email text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sharing_partners_name_key ON sharing_partners (lower(name));

CREATE SEQUENCE sharing_agreement_number;
CREATE TABLE sharing_agreements (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  reference text NOT NULL UNIQUE,
  title text NOT NULL,
  purpose text NOT NULL,
  lawful_basis text NOT NULL,
  data_items text NOT NULL,
  signatories text,
  framework text,
  start_date date NOT NULL,
  review_date date,
  end_date date,
  status text NOT NULL CHECK (status IN ('draft', 'active', 'terminated')),
  owner_id uuid REFERENCES users (id),
  signed_filename text,
  signed_mimetype text,
  signed_copy bytea,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE sharing_agreement_parties (
  agreement_id uuid NOT NULL REFERENCES sharing_agreements (id) ON DELETE CASCADE,
  partner_id uuid NOT NULL REFERENCES sharing_partners (id),
  PRIMARY KEY (agreement_id, partner_id)
);
-- The data flows (in the asset register) an agreement covers; ids only, read through the assets service.
CREATE TABLE sharing_agreement_flows (
  agreement_id uuid NOT NULL REFERENCES sharing_agreements (id) ON DELETE CASCADE,
  flow_id uuid NOT NULL,
  PRIMARY KEY (agreement_id, flow_id)
);

-- Processors and their contracts.
CREATE TABLE processors (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  contract_reference text,
  services text,
  personal_data text,
  data_location text,
  international_transfers text,
  art28_terms text[] NOT NULL DEFAULT '{}',
  contract_start date,
  contract_end date,
  contract_review date,
  owner_id uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX processors_name_key ON processors (lower(name));
CREATE TABLE processor_assets (
  processor_id uuid NOT NULL REFERENCES processors (id) ON DELETE CASCADE,
  asset_id uuid NOT NULL,
  PRIMARY KEY (processor_id, asset_id)
);
CREATE TABLE processor_assurances (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  processor_id uuid NOT NULL REFERENCES processors (id) ON DELETE CASCADE,
  scheme text NOT NULL,
  certificate text,
  expires_on date NOT NULL
);
CREATE TABLE processor_assessments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  processor_id uuid NOT NULL REFERENCES processors (id) ON DELETE CASCADE,
  occasion text NOT NULL CHECK (occasion IN ('before-go-live', 'major-change', 'periodic')),
  assessed_on date NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('satisfactory', 'actions-required', 'unsatisfactory')),
  notes text,
  next_due date,
  assessed_by_label text NOT NULL
);

-- Training: courses, the people who must take them, completions.
CREATE TABLE training_courses (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL,
  title text NOT NULL,
  audience text NOT NULL CHECK (audience IN ('all-staff', 'councillors', 'everyone', 'roles')),
  job_roles text[] NOT NULL DEFAULT '{}',
  frequency_months integer CHECK (frequency_months IS NULL OR frequency_months BETWEEN 1 AND 120),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX training_courses_code_key ON training_courses (lower(code));
CREATE TABLE training_people (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_number text NOT NULL,
  name text NOT NULL,
  email text,
  kind text NOT NULL CHECK (kind IN ('staff', 'councillor')),
  job_role text,
  service_area_id uuid REFERENCES service_areas (id),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX training_people_number_key ON training_people (lower(person_number));
CREATE TABLE training_completions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id uuid NOT NULL REFERENCES training_people (id) ON DELETE CASCADE,
  course_id uuid NOT NULL REFERENCES training_courses (id) ON DELETE CASCADE,
  completed_on date NOT NULL,
  source text NOT NULL DEFAULT 'entered',
  UNIQUE (person_id, course_id, completed_on)
);

-- Reminder digests: at most one per recipient per week.
CREATE TABLE obligation_digests (
  recipient text NOT NULL,
  week text NOT NULL,
  items integer NOT NULL,
  sent_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (recipient, week)
);

-- Steward's own records under the schedule. Each source (closed request cases, breach files, matching
-- results) is connected by its module; the audit trail is kept in full (see the retention module).
INSERT INTO retention_rules (code, business_function, activity, record_type, trigger_event, period_years, disposal_action, authority, notes) VALUES
  ('STW-01', 'Information governance', 'Information requests', 'Closed FOI, EIR and subject access request cases', 'closure', 3, 'destroy', 'ICO guidance; LGA retention guidelines (information requests: closure + 3 years)', 'Applied by Steward to its own records.'),
  ('STW-02', 'Information governance', 'Personal data breaches', 'Breach files', 'closure', 6, 'destroy', 'UK GDPR Art. 33(5); Limitation Act 1980 s.5', 'Applied by Steward to its own records.'),
  ('STW-03', 'Information governance', 'Record linkage', 'Matching results', 'creation', 1, 'destroy', 'UK GDPR Art. 5(1)(e) storage limitation', 'Applied by Steward to its own records.'),
  ('STW-04', 'Information governance', 'Accountability', 'Audit trail of Steward', 'creation', 6, 'review', 'UK GDPR Art. 5(2) accountability; Limitation Act 1980 s.5', 'Kept in full: entries are hash-chained and the database refuses their deletion; reviewed, not destroyed.');
