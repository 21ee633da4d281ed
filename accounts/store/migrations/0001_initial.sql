-- 0001_initial: organisation (OUs, accounts, guardrails), shared buckets and prefixes, grants,
-- the hash-chained audit log, tenant isolation by row-level security, NOTIFY on grant changes.
-- Runs inside the migration transaction, as the database owner. See docs/store.md.

-- The group role of every tenant's login role. Roles are cluster-wide: several databases (or two
-- daemons migrating at once) may try to create it.
DO $$
BEGIN
  CREATE ROLE govd_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$$;

-- Timestamps cross the wire as microseconds since the Unix epoch; exact both ways.
CREATE FUNCTION govd.from_us(us bigint) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE STRICT
  RETURN timestamptz 'epoch' + make_interval(secs => us / 1000000)
         + (us % 1000000) * interval '1 microsecond';
CREATE FUNCTION govd.to_us(ts timestamptz) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT
  RETURN (extract(epoch FROM ts) * 1000000)::bigint;

-- Which database role may see which tenant. Written only by the owner (govd.add_tenant_role).
CREATE TABLE govd.tenant_roles (
  db_role name NOT NULL,
  tenant text NOT NULL CHECK (tenant ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  PRIMARY KEY (db_role, tenant)
);

CREATE TABLE govd.ous (
  tenant text NOT NULL,
  ou_id text NOT NULL CHECK (ou_id ~ '^[A-Za-z0-9_-]{1,68}$'),
  parent_id text,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
  PRIMARY KEY (tenant, ou_id),
  FOREIGN KEY (tenant, parent_id) REFERENCES govd.ous (tenant, ou_id)
);
CREATE UNIQUE INDEX ous_one_root ON govd.ous (tenant) WHERE parent_id IS NULL;

-- An account appears once per tenant that manages it (the central account is in every tenant).
CREATE TABLE govd.accounts (
  tenant text NOT NULL,
  account_id text NOT NULL CHECK (account_id ~ '^[0-9]{12}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
  kind text NOT NULL CHECK (kind IN ('central', 'child')),
  ou_id text NOT NULL,
  PRIMARY KEY (tenant, account_id),
  FOREIGN KEY (tenant, ou_id) REFERENCES govd.ous (tenant, ou_id)
);

CREATE TABLE govd.guardrails (
  guardrail_id bigserial PRIMARY KEY,
  tenant text NOT NULL,
  target_kind text NOT NULL CHECK (target_kind IN ('root', 'ou', 'account')),
  target_id text NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
  document text NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TABLE govd.buckets (
  bucket text PRIMARY KEY,
  tenant text NOT NULL,
  owner_account text NOT NULL,
  generation bigint NOT NULL DEFAULT 1,
  due_at timestamptz,          -- when the reconciler should look at it next; NULL: in sync
  lease_owner text,            -- the reconciler holding it, until lease_until
  lease_until timestamptz,
  FOREIGN KEY (tenant, owner_account) REFERENCES govd.accounts (tenant, account_id)
);
CREATE INDEX buckets_due ON govd.buckets (tenant, due_at) WHERE due_at IS NOT NULL;

CREATE TABLE govd.prefixes (
  bucket text NOT NULL REFERENCES govd.buckets (bucket),
  prefix text NOT NULL,
  tenant text NOT NULL,
  embargo_until timestamptz,   -- data under the prefix cannot be granted before this time
  PRIMARY KEY (bucket, prefix)
);

CREATE TABLE govd.grants (
  grant_id bigserial PRIMARY KEY,
  tenant text NOT NULL,
  owner_account text NOT NULL,
  bucket text NOT NULL REFERENCES govd.buckets (bucket),
  prefix text NOT NULL,
  grantee text NOT NULL,
  actions text NOT NULL CHECK (actions IN ('read', 'read+list')),
  expires_at timestamptz,
  requested_by text NOT NULL,
  approved_by text,
  reason text NOT NULL,
  state text NOT NULL CHECK (state IN ('requested', 'approved', 'applying', 'active', 'revoking',
                                       'revoked', 'rejected', 'expired', 'failed')),
  state_reason text,           -- why the last transition happened (failure cause, rejection)
  generation bigint NOT NULL DEFAULT 1,
  deadline timestamptz,        -- in-flight states (applying, revoking) must move on by then
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  FOREIGN KEY (tenant, owner_account) REFERENCES govd.accounts (tenant, account_id)
);
CREATE INDEX grants_by_state ON govd.grants (tenant, state);
CREATE INDEX grants_expiring ON govd.grants (tenant, expires_at) WHERE expires_at IS NOT NULL;

-- Append-only, hash-chained per tenant (row_hash covers the canonical bytes in docs/store.md).
CREATE TABLE govd.audit_log (
  seq bigserial PRIMARY KEY,
  tenant text NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  object text NOT NULL,
  before_json text NOT NULL CHECK (before_json::jsonb IS NOT NULL),
  after_json text NOT NULL CHECK (after_json::jsonb IS NOT NULL),
  at timestamptz NOT NULL,
  prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  row_hash text NOT NULL CHECK (row_hash ~ '^[0-9a-f]{64}$')
);
CREATE INDEX audit_log_by_tenant ON govd.audit_log (tenant, seq);

CREATE FUNCTION govd.refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'govd.audit_log is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON govd.audit_log
  FOR EACH ROW EXECUTE FUNCTION govd.refuse_audit_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON govd.audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION govd.refuse_audit_change();

-- Wakes reconcilers (LISTEN govd_grants) when a grant changes; delivered on commit.
CREATE FUNCTION govd.notify_grant_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('govd_grants', NEW.tenant || ' ' || NEW.grant_id || ' ' || NEW.state);
  RETURN NULL;
END
$$;
CREATE TRIGGER grants_notify AFTER INSERT OR UPDATE ON govd.grants
  FOR EACH ROW EXECUTE FUNCTION govd.notify_grant_change();

-- Row-level security: a role sees and writes only the tenants govd.tenant_roles maps it to.
-- Keyed on current_user, which a tenant role cannot change to another tenant's role (it is not
-- a member of it); no session setting is trusted. The owner (migrations, admin) bypasses RLS.
ALTER TABLE govd.tenant_roles ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON govd.tenant_roles FOR SELECT USING (db_role = current_user);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['ous', 'accounts', 'guardrails', 'buckets', 'prefixes', 'grants',
                           'audit_log'] LOOP
    EXECUTE format('ALTER TABLE govd.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON govd.%I USING (tenant IN '
                   '(SELECT r.tenant FROM govd.tenant_roles r WHERE r.db_role = current_user)) '
                   'WITH CHECK (tenant IN '
                   '(SELECT r.tenant FROM govd.tenant_roles r WHERE r.db_role = current_user))', t);
  END LOOP;
END
$$;

GRANT USAGE ON SCHEMA govd TO govd_app;
GRANT SELECT ON govd.tenant_roles TO govd_app;
GRANT SELECT, INSERT, UPDATE ON govd.ous, govd.accounts, govd.guardrails, govd.buckets,
  govd.prefixes, govd.grants TO govd_app;
GRANT SELECT, INSERT ON govd.audit_log TO govd_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA govd TO govd_app;
GRANT SELECT ON govd.schema_migrations TO govd_app;

-- Admin: lets login role `role` act for `tenant` (run by the owner, e.g. a provisioning script).
CREATE FUNCTION govd.add_tenant_role(role name, tenant_name text) RETURNS void
  LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO govd.tenant_roles (db_role, tenant) VALUES (role, tenant_name)
    ON CONFLICT DO NOTHING;
  EXECUTE format('GRANT govd_app TO %I', role);
END
$$;
REVOKE ALL ON FUNCTION govd.add_tenant_role(name, text) FROM PUBLIC;
