-- 0002_findings: the audit findings of each tenant and their status, so that a finding resolved by
-- a later reconcile is shown as resolved (not forgotten) and an archived one stays archived.
-- finding_id is policy::FindingId (a hash of type, resource, principal and statement): the same
-- problem keeps its row across runs. See docs/audit.md ("Findings").

CREATE TABLE govd.findings (
  tenant text NOT NULL,
  finding_id text NOT NULL CHECK (finding_id ~ '^[0-9a-f]{16}$'),
  type text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
  resource text NOT NULL,
  principal text NOT NULL,
  statement text NOT NULL,
  message text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'resolved', 'archived')),
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  resolved_at timestamptz,     -- when it was last found gone; NULL while active
  PRIMARY KEY (tenant, finding_id),
  CHECK ((status = 'resolved') = (resolved_at IS NOT NULL) OR status = 'archived')
);
CREATE INDEX findings_by_status ON govd.findings (tenant, status);

ALTER TABLE govd.findings ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON govd.findings
  USING (tenant IN (SELECT r.tenant FROM govd.tenant_roles r WHERE r.db_role = current_user))
  WITH CHECK (tenant IN (SELECT r.tenant FROM govd.tenant_roles r WHERE r.db_role = current_user));

-- Findings are never deleted: they move to resolved or archived.
GRANT SELECT, INSERT, UPDATE ON govd.findings TO govd_app;
