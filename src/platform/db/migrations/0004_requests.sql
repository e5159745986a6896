-- Information requests: FOI, EIR, subject access and other data rights, police (DPA 2018 Sch. 2),
-- internal reviews and ICO complaints; the working-day calendar's local adjustments; the disclosure log.

-- Bank holidays an administrator added (a state funeral) or removed, applied over the shipped list.
CREATE TABLE calendar_adjustments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  date date NOT NULL,
  kind text NOT NULL CHECK (kind IN ('added', 'removed')),
  title text NOT NULL,
  divisions text[],                          -- null: every part of the UK
  reason text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX calendar_adjustments_date_kind ON calendar_adjustments (date, kind);

CREATE SEQUENCE request_reference_seq;

CREATE TABLE request_cases (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  reference text NOT NULL UNIQUE,
  type text NOT NULL,                        -- foi, eir, sar, police, internal-review, eir-reconsideration, ico-complaint
  data_right text,                           -- sar: access, rectification, erasure, restriction, objection, portability
  parent_id uuid REFERENCES request_cases (id),
  status text NOT NULL DEFAULT 'received',
  outcome text,
  channel text NOT NULL DEFAULT 'web',        -- web, email, post, phone, whatdotheyknow
  received date NOT NULL,
  extended boolean NOT NULL DEFAULT false,
  police_target_days integer,
  summary text NOT NULL,
  request_text text NOT NULL,
  requester_name text,
  requester_email text,
  requester_address text,
  requester_organisation text,
  reply_to text,                             -- where answers go (a WhatDoTheyKnow address, say)
  wdtk_request text,                         -- WhatDoTheyKnow request number
  subject_category text,                     -- SAR: the kind of person (resident, tenant, employee...)
  identity_evidence text,                    -- what was seen, never a copy
  identity_checked_by text,
  identity_checked_on date,
  police_exemption text,                     -- Sch. 2 paragraph relied on
  police_decided_by text,
  service_area_id uuid REFERENCES service_areas (id),
  topic text,
  assigned_to uuid REFERENCES users (id),
  due_date date,                             -- as the clock stands (null: on hold)
  clock_status text NOT NULL DEFAULT 'running',
  cost_estimate jsonb,                       -- [{ activity, hours }]
  closed_on date,
  status_token_hash text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX request_cases_open_due ON request_cases (due_date, reference) WHERE closed_on IS NULL;
CREATE INDEX request_cases_assigned ON request_cases (assigned_to) WHERE closed_on IS NULL;
CREATE INDEX request_cases_received ON request_cases (received);
CREATE INDEX request_cases_parent ON request_cases (parent_id);
CREATE INDEX request_cases_requester ON request_cases (lower(requester_email));

-- Events that move the clock (clarification, fees notice, identity, extension).
CREATE TABLE request_clock_events (
  id bigserial PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES request_cases (id),
  type text NOT NULL,
  date date NOT NULL,
  note text,
  recorded_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX request_clock_events_case ON request_clock_events (case_id);

-- Every due date a case has had, and why it changed (events, calendar changes).
CREATE TABLE request_due_dates (
  id bigserial PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES request_cases (id),
  due date,
  reason text NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX request_due_dates_case ON request_due_dates (case_id);

CREATE TABLE request_exemptions (
  id bigserial PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES request_cases (id),
  code text NOT NULL,
  public_interest text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX request_exemptions_case ON request_exemptions (case_id);

CREATE TABLE request_contributions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES request_cases (id),
  service_area_id uuid REFERENCES service_areas (id),
  contact_email text NOT NULL,
  question text NOT NULL,
  due_date date NOT NULL,
  status text NOT NULL DEFAULT 'asked',       -- asked, received, cancelled
  response text,
  reminded_at timestamptz,
  escalated_at timestamptz,
  received_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX request_contributions_open ON request_contributions (due_date) WHERE status = 'asked';
CREATE INDEX request_contributions_case ON request_contributions (case_id);

CREATE TABLE request_correspondence (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES request_cases (id),
  direction text NOT NULL,                   -- in, out
  from_address text,
  to_address text,
  subject text NOT NULL,
  body text NOT NULL,
  message_id text,
  outbox_id text,
  at timestamptz NOT NULL DEFAULT now(),
  recorded_by text NOT NULL
);
CREATE INDEX request_correspondence_case ON request_correspondence (case_id);
CREATE UNIQUE INDEX request_correspondence_message ON request_correspondence (message_id) WHERE message_id IS NOT NULL;

CREATE TABLE request_attachments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES request_cases (id),
  correspondence_id uuid REFERENCES request_correspondence (id),
  filename text NOT NULL,
  mimetype text NOT NULL,
  size integer NOT NULL,
  data bytea NOT NULL,
  purpose text NOT NULL DEFAULT 'received',  -- received, collected, response
  hidden_data jsonb,                         -- findings of the hidden personal data check
  withheld_reason text,                      -- SAR: why a document is withheld
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX request_attachments_case ON request_attachments (case_id);

CREATE TABLE request_letter_templates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  subject text NOT NULL,
  body text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- SAR: each asset holding personal data of the kind of person, searched and confirmed by its owner.
CREATE TABLE request_searches (
  id bigserial PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES request_cases (id),
  asset_id text NOT NULL,
  asset_name text NOT NULL,
  owner text,
  confirmed_by text,
  confirmed_at timestamptz,
  note text
);
CREATE UNIQUE INDEX request_searches_case_asset ON request_searches (case_id, asset_id);

CREATE TABLE disclosure_log (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid REFERENCES request_cases (id),
  reference text NOT NULL,
  type text NOT NULL,                        -- foi, eir
  title text NOT NULL,
  request_text text NOT NULL,
  response_text text NOT NULL,
  outcome text NOT NULL,
  service text,
  topic text,
  related_links jsonb NOT NULL DEFAULT '[]',
  received date NOT NULL,
  published_on date NOT NULL,
  search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') ||
    setweight(to_tsvector('english'::regconfig, coalesce(request_text, '')), 'B') ||
    setweight(to_tsvector('english'::regconfig, coalesce(response_text, '')), 'C')
  ) STORED,
  title_search tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(title, ''))) STORED
);
CREATE INDEX disclosure_log_search ON disclosure_log USING gin (search);
CREATE INDEX disclosure_log_title_search ON disclosure_log USING gin (title_search);
CREATE INDEX disclosure_log_published ON disclosure_log (published_on DESC, id);
CREATE INDEX disclosure_log_case ON disclosure_log (case_id);
