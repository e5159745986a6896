-- One published version of a resource can be taken back (personal data published by mistake, say) while
-- the rest of the dataset stays up: when, by whom and why. A withdrawn version loses its published_at, so
-- the previous published version (or none) is what the public sees, and it is never published again.
ALTER TABLE opendata_versions
  ADD COLUMN withdrawn_at timestamptz,
  ADD COLUMN withdrawn_by uuid REFERENCES users (id),
  ADD COLUMN withdrawn_reason text;
