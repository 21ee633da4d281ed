-- 0004_grant_bucket_of_tenant: a grant's bucket (and an embargoed prefix's bucket) must belong to
-- the row's own tenant and, for a grant, to its owner account. The foreign keys of 0001 named the
-- bucket alone, and PostgreSQL checks foreign keys without row-level security, so a tenant's
-- database role could insert an approved grant on another tenant's bucket (issue 16). Composite
-- keys close that: the referenced bucket row must carry the same tenant (and owner account).
-- Refuses to run, naming the rows, where existing rows already break the rule.

DO $$
DECLARE
  bad record;
BEGIN
  SELECT g.grant_id, g.tenant, g.bucket INTO bad
    FROM govd.grants g JOIN govd.buckets b ON b.bucket = g.bucket
   WHERE b.tenant <> g.tenant OR b.owner_account <> g.owner_account
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'grant % of tenant % names bucket %, which belongs to another tenant or account; '
                    'remove or fix such grants before migrating', bad.grant_id, bad.tenant, bad.bucket;
  END IF;
  SELECT p.bucket, p.prefix, p.tenant INTO bad
    FROM govd.prefixes p JOIN govd.buckets b ON b.bucket = p.bucket
   WHERE b.tenant <> p.tenant
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'prefix % of bucket % is recorded for tenant %, but the bucket belongs to another '
                    'tenant; remove or fix such prefixes before migrating', bad.prefix, bad.bucket, bad.tenant;
  END IF;
END
$$;

ALTER TABLE govd.buckets
  ADD CONSTRAINT buckets_tenant_owner_bucket UNIQUE (tenant, owner_account, bucket),
  ADD CONSTRAINT buckets_tenant_bucket UNIQUE (tenant, bucket);

ALTER TABLE govd.grants
  DROP CONSTRAINT grants_bucket_fkey,
  ADD CONSTRAINT grants_bucket_of_tenant FOREIGN KEY (tenant, owner_account, bucket)
    REFERENCES govd.buckets (tenant, owner_account, bucket);

ALTER TABLE govd.prefixes
  DROP CONSTRAINT prefixes_bucket_fkey,
  ADD CONSTRAINT prefixes_bucket_of_tenant FOREIGN KEY (tenant, bucket) REFERENCES govd.buckets (tenant, bucket);
