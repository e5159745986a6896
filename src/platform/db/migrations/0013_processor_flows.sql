-- The data flows (in the asset register) a processor's contract covers: ids only, read through the
-- assets service, as sharing_agreement_flows does for data-sharing agreements. The flow map asks both
-- registers which agreement or contract covers each flow.
CREATE TABLE processor_flows (
  processor_id uuid NOT NULL REFERENCES processors (id) ON DELETE CASCADE,
  flow_id uuid NOT NULL,
  PRIMARY KEY (processor_id, flow_id)
);
CREATE INDEX processor_flows_flow ON processor_flows (flow_id);
CREATE INDEX sharing_agreement_flows_flow ON sharing_agreement_flows (flow_id);
