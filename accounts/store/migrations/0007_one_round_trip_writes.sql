-- 0007_one_round_trip_writes: a grant request and an audit append each in one statement, so the
-- tenant's audit-chain lock is taken and released inside the server (issue 20); an index that
-- lists a tenant's grants of one state in grant_id order without a sort. See docs/store.md.
-- The functions run as their caller (SECURITY INVOKER): row-level security applies as before.

-- One field of an audit row's canonical bytes: "<decimal byte length>:<bytes>\n".
CREATE FUNCTION govd.audit_field(value text) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN convert_to(octet_length(convert_to(value, 'UTF8'))::text || ':', 'UTF8')
         || convert_to(value, 'UTF8') || '\x0a'::bytea;

-- The hex SHA-256 of an audit row's canonical bytes: bit for bit AuditRowHash in
-- accounts/store/audit_chain.cc ("govd-audit-v1\n", then seq, tenant, actor, action, object,
-- before_json, after_json, at_us and prev_hash as fields).
CREATE FUNCTION govd.audit_row_hash(seq bigint, tenant text, actor text, action text, object text,
                                    before_json text, after_json text, at_us bigint,
                                    prev_hash text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN encode(sha256(convert_to(E'govd-audit-v1\n', 'UTF8')
                       || govd.audit_field(seq::text) || govd.audit_field(tenant)
                       || govd.audit_field(actor) || govd.audit_field(action)
                       || govd.audit_field(object) || govd.audit_field(before_json)
                       || govd.audit_field(after_json) || govd.audit_field(at_us::text)
                       || govd.audit_field(prev_hash)), 'hex');

-- Queues the caller behind the tenant's other appenders until its transaction ends, then gives
-- the next row's seq and the hash it chains to. Each statement of a plpgsql function takes a new
-- snapshot (READ COMMITTED), so the head read after the lock is the predecessor's committed row.
CREATE FUNCTION govd.audit_chain_head(p_tenant text, OUT o_seq bigint, OUT o_prev_hash text)
  LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('govd.audit/' || p_tenant, 0));
  SELECT a.row_hash INTO o_prev_hash FROM govd.audit_log a
   WHERE a.tenant = p_tenant ORDER BY a.seq DESC LIMIT 1;
  o_prev_hash := coalesce(o_prev_hash, repeat('0', 64));
  o_seq := nextval('govd.audit_log_seq_seq');
END
$$;

-- Appends one audit row without a MAC (no audit key configured: the hash chain is all there is,
-- and whoever holds the database could recompute it anyway). With a key, govd calls
-- govd.audit_chain_head and computes the hash and the MAC itself.
CREATE FUNCTION govd.append_audit(p_tenant text, p_actor text, p_action text, p_object text,
                                  p_before_json text, p_after_json text, p_at_us bigint,
                                  OUT o_seq bigint, OUT o_prev_hash text, OUT o_row_hash text)
  LANGUAGE plpgsql AS $$
BEGIN
  SELECT h.o_seq, h.o_prev_hash INTO o_seq, o_prev_hash FROM govd.audit_chain_head(p_tenant) h;
  o_row_hash := govd.audit_row_hash(o_seq, p_tenant, p_actor, p_action, p_object, p_before_json,
                                    p_after_json, p_at_us, o_prev_hash);
  INSERT INTO govd.audit_log (seq, tenant, actor, action, object, before_json, after_json, at,
                              prev_hash, row_hash)
  VALUES (o_seq, p_tenant, p_actor, p_action, p_object, p_before_json, p_after_json,
          govd.from_us(p_at_us), o_prev_hash, o_row_hash);
END
$$;

-- A grant as the audit log records it: bit for bit GrantJson in accounts/store/store_grants.cc
-- (compact JSON, keys sorted, times as microseconds).
CREATE FUNCTION govd.grant_json(g govd.grants) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN '{"actions":' || to_json(g.actions)::text
         || ',"approved_by":' || to_json(coalesce(g.approved_by, ''))::text
         || ',"bucket":' || to_json(g.bucket)::text
         || ',"deadline_us":' || coalesce(govd.to_us(g.deadline)::text, 'null')
         || ',"expires_at_us":' || coalesce(govd.to_us(g.expires_at)::text, 'null')
         || ',"generation":' || g.generation::text
         || ',"grantee":' || to_json(g.grantee)::text
         || ',"id":' || g.grant_id::text
         || ',"owner_account":' || to_json(g.owner_account)::text
         || ',"prefix":' || to_json(g.prefix)::text
         || ',"reason":' || to_json(g.reason)::text
         || ',"requested_by":' || to_json(g.requested_by)::text
         || ',"state":' || to_json(g.state)::text
         || ',"state_reason":' || to_json(coalesce(g.state_reason, ''))::text || '}';

-- Checks and records a grant request (the owner is a child account of the tenant, the bucket
-- is that account's, no embargoed prefix overlaps) and, when p_audit, its "grant.request" audit
-- row. A refused request writes nothing and says why in o_refused ('owner', 'bucket' or
-- 'embargo', with the embargoed prefix and its release time); govd words the error.
CREATE FUNCTION govd.request_grant(p_tenant text, p_owner text, p_bucket text, p_prefix text,
                                   p_grantee text, p_actions text, p_expires_us bigint,
                                   p_actor text, p_reason text, p_now_us bigint, p_audit boolean,
                                   OUT o_grant govd.grants, OUT o_refused text,
                                   OUT o_embargoed_prefix text, OUT o_embargo_until text)
  LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM govd.accounts a WHERE a.tenant = p_tenant
                    AND a.account_id = p_owner AND a.kind = 'child') THEN
    o_refused := 'owner';
    RETURN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM govd.buckets b WHERE b.tenant = p_tenant AND b.bucket = p_bucket
                    AND b.owner_account = p_owner) THEN
    o_refused := 'bucket';
    RETURN;
  END IF;
  SELECT p.prefix, p.embargo_until::text INTO o_embargoed_prefix, o_embargo_until
    FROM govd.prefixes p
   WHERE p.bucket = p_bucket AND p.embargo_until > govd.from_us(p_now_us)
     AND (starts_with(p_prefix, p.prefix) OR starts_with(p.prefix, p_prefix))
   ORDER BY p.prefix LIMIT 1;
  IF FOUND THEN
    o_refused := 'embargo';
    RETURN;
  END IF;
  INSERT INTO govd.grants (tenant, owner_account, bucket, prefix, grantee, actions, expires_at,
                           requested_by, reason, state, created_at, updated_at)
  VALUES (p_tenant, p_owner, p_bucket, p_prefix, p_grantee, p_actions, govd.from_us(p_expires_us),
          p_actor, p_reason, 'requested', govd.from_us(p_now_us), govd.from_us(p_now_us))
  RETURNING * INTO o_grant;
  IF p_audit THEN
    PERFORM govd.append_audit(p_tenant, p_actor, 'grant.request', 'grant/' || o_grant.grant_id,
                              'null', govd.grant_json(o_grant), p_now_us);
  END IF;
END
$$;

-- Lists a tenant's grants of one state in grant_id order from the index alone; it replaces
-- grants_by_state (tenant, state), of which it is a prefix.
CREATE INDEX grants_by_state_id ON govd.grants (tenant, state, grant_id)
  INCLUDE (owner_account, bucket, prefix, grantee, actions, expires_at, requested_by, approved_by,
           reason, state_reason, generation, deadline, created_at, updated_at);
DROP INDEX govd.grants_by_state;
