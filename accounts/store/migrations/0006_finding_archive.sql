-- 0006_finding_archive: why a finding was archived, and archive rules.
-- archive_reason: archiving needs a reason (shown by `govctl audit findings` and the HTML report,
-- and audited); unarchiving clears it. Findings archived before this migration keep '' and are
-- shown as archived without a recorded reason.
-- finding_archive_rules: IAM Access Analyzer's archive rules: a named filter per tenant (finding
-- type, bucket, principal; NULL/'' = any, at least one set) that archives matching NEW findings
-- as they are raised, with its reason. Created, listed and deleted through the control API;
-- each change audited. See docs/audit.md ("Findings").

ALTER TABLE govd.findings
  ADD COLUMN archive_reason text NOT NULL DEFAULT '',
  ADD CONSTRAINT archive_reason_only_when_archived CHECK (status = 'archived' OR archive_reason = '');

CREATE TABLE govd.finding_archive_rules (
  tenant text NOT NULL,
  name text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  finding_type text,
  bucket text NOT NULL DEFAULT '',
  principal text NOT NULL DEFAULT '',
  reason text NOT NULL CHECK (reason <> ''),
  created_at timestamptz NOT NULL,
  created_by text NOT NULL,
  PRIMARY KEY (tenant, name),
  CHECK (finding_type IS NOT NULL OR bucket <> '' OR principal <> '')
);

ALTER TABLE govd.finding_archive_rules ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON govd.finding_archive_rules
  USING (tenant IN (SELECT r.tenant FROM govd.tenant_roles r WHERE r.db_role = current_user))
  WITH CHECK (tenant IN (SELECT r.tenant FROM govd.tenant_roles r WHERE r.db_role = current_user));

GRANT SELECT, INSERT, DELETE ON govd.finding_archive_rules TO govd_app;
