-- The council's shape: its service areas and who holds the statutory information-governance roles.
CREATE TABLE service_areas (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  directorate text,
  head_of_service text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE governance_roles (
  role text PRIMARY KEY CHECK (role IN ('siro', 'dpo', 'caldicott-guardian', 'chief-privacy-officer', 'ig-lead')),
  holder_name text NOT NULL,
  holder_title text NOT NULL,
  user_id uuid REFERENCES users (id),
  updated_at timestamptz NOT NULL DEFAULT now()
);
