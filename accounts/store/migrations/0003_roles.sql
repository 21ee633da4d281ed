-- 0003_roles: the IAM roles of the tenant's member accounts that audits follow (who may assume
-- each role, what it may do), recorded by `govd org import`. govd never changes IAM; these rows
-- only feed who-can-access, what-can-access and the findings. See docs/audit.md.

CREATE TABLE govd.roles (
  tenant text NOT NULL,
  arn text NOT NULL CHECK (arn ~ '^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$'),
  account_id text NOT NULL,
  trust_policy text NOT NULL,
  identity_policies text NOT NULL,  -- JSON array of {"name": ..., "document": ...}
  boundary_policy text,             -- NULL: no permissions boundary
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant, arn),
  FOREIGN KEY (tenant, account_id) REFERENCES govd.accounts (tenant, account_id)
);

ALTER TABLE govd.roles ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON govd.roles
  USING (tenant IN (SELECT r.tenant FROM govd.tenant_roles r WHERE r.db_role = current_user))
  WITH CHECK (tenant IN (SELECT r.tenant FROM govd.tenant_roles r WHERE r.db_role = current_user));

-- Roles follow IAM: a re-import replaces a role whose policies changed (audited as role.update).
GRANT SELECT, INSERT, UPDATE ON govd.roles TO govd_app;
