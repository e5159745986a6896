-- Personal data breaches (UK GDPR Art. 33/34) against the 72-hour clock, and DPIAs (Art. 35/36).
-- Instants are timestamptz (UTC); pages show Europe/London local time.

CREATE TABLE breaches (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  number integer GENERATED ALWAYS AS IDENTITY UNIQUE,
  status text NOT NULL DEFAULT 'reported' CHECK (status IN ('reported', 'investigating', 'closed')),
  -- The report, in the reporter's words
  reported_by uuid NOT NULL REFERENCES users (id),
  reported_at timestamptz NOT NULL DEFAULT now(),
  summary text NOT NULL,
  occurred_at timestamptz,
  discovered_at timestamptz,
  data_involved text NOT NULL,
  who_knows text,
  -- The clock starts when the council became aware
  aware_at timestamptz NOT NULL,
  aware_at_note text,
  -- Triage and assessment: the ICO report form's fields
  title text,
  service_area_id uuid REFERENCES service_areas (id) ON DELETE SET NULL,
  how_discovered text,
  cause text,
  data_categories text[] NOT NULL DEFAULT '{}',
  subject_types text[] NOT NULL DEFAULT '{}',
  records_count integer CHECK (records_count >= 0),
  people_count integer CHECK (people_count >= 0),
  asset_ids uuid[] NOT NULL DEFAULT '{}',
  consequences text,
  likelihood text,
  severity text,
  is_cyber boolean,
  cia text[] NOT NULL DEFAULT '{}',
  staff_involved boolean,
  staff_trained text,
  training_detail text,
  encrypted text,
  recovered boolean,
  contained_at timestamptz,
  containment text,
  recovery text,
  others_told text,
  -- The decision, with who made it
  recommended_outcome text,
  decision text CHECK (decision IN ('not-reportable', 'report-to-ico', 'report-and-tell-people')),
  decision_rationale text,
  decided_by uuid REFERENCES users (id),
  decided_at timestamptz,
  delay_reason text,
  -- Learning and closure
  lessons_learned text,
  closure_summary text,
  closed_by uuid REFERENCES users (id),
  closed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX breaches_open ON breaches (aware_at) WHERE status <> 'closed';
CREATE INDEX breaches_reported_by ON breaches (reported_by);

CREATE TABLE breach_notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  breach_id uuid NOT NULL REFERENCES breaches (id) ON DELETE CASCADE,
  recipient text NOT NULL CHECK (recipient IN ('ico', 'data-subjects', 'police', 'other')),
  notified_at timestamptz NOT NULL,
  reference text,
  method text,
  people_count integer CHECK (people_count >= 0),
  details text,
  recorded_by uuid REFERENCES users (id),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX breach_notifications_breach ON breach_notifications (breach_id);

CREATE TABLE breach_actions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  breach_id uuid NOT NULL REFERENCES breaches (id) ON DELETE CASCADE,
  description text NOT NULL,
  owner_name text NOT NULL,
  due_on date,
  done_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX breach_actions_breach ON breach_actions (breach_id);

-- One row per alert point reached: the primary key makes each alert go out once, across processes.
CREATE TABLE breach_alerts (
  breach_id uuid NOT NULL REFERENCES breaches (id) ON DELETE CASCADE,
  point_hours integer NOT NULL,
  sent_at timestamptz NOT NULL DEFAULT now(),
  recipients text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (breach_id, point_hours)
);

-- DPIA questions and risk types, editable by the DPO; every change is a new version.
CREATE TABLE dpia_templates (
  version integer PRIMARY KEY,
  content jsonb NOT NULL,
  note text,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dpias (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  number integer GENERATED ALWAYS AS IDENTITY UNIQUE,
  title text NOT NULL,
  description text NOT NULL,
  service_area_id uuid REFERENCES service_areas (id) ON DELETE SET NULL,
  status text NOT NULL DEFAULT 'screened' CHECK (status IN ('screened', 'draft', 'approved', 'revising')),
  screening_result text NOT NULL CHECK (screening_result IN ('required', 'recommended', 'not-needed')),
  screening jsonb NOT NULL,
  template_version integer NOT NULL REFERENCES dpia_templates (version),
  content jsonb NOT NULL DEFAULT '{}',
  asset_ids uuid[] NOT NULL DEFAULT '{}',
  processing_ids uuid[] NOT NULL DEFAULT '{}',
  approved_version integer,
  review_date date,
  review_owner text,
  owner_id uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dpias_owner ON dpias (owner_id);

-- Every sign-off freezes a version.
CREATE TABLE dpia_versions (
  dpia_id uuid NOT NULL REFERENCES dpias (id) ON DELETE CASCADE,
  version integer NOT NULL,
  content jsonb NOT NULL,
  signoff jsonb NOT NULL,
  residual_high boolean NOT NULL,
  signed_off_by uuid NOT NULL REFERENCES users (id),
  signed_off_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (dpia_id, version)
);

CREATE TABLE dpia_reminders (
  dpia_id uuid NOT NULL REFERENCES dpias (id) ON DELETE CASCADE,
  review_date date NOT NULL,
  kind text NOT NULL,
  sent_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (dpia_id, review_date, kind)
);
