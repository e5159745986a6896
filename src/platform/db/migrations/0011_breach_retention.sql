-- Closed breach files under the retention schedule (rule STW-02, closure + 6 years). Past its period a
-- file is anonymised: the people in it (the reporter, the officers named, the people affected as the
-- free text describes them) go; the dates, service area, cause, categories, counts, decision and ICO
-- notification dates stay, so the SIRO's annual report and the ICO reporting counts still add up.
ALTER TABLE breaches ALTER COLUMN reported_by DROP NOT NULL;
ALTER TABLE breaches ADD COLUMN anonymised_at timestamptz;
CREATE INDEX breaches_closed_not_anonymised ON breaches (closed_at)
  WHERE status = 'closed' AND anonymised_at IS NULL;
