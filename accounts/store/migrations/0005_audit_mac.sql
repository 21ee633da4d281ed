-- 0005_audit_mac: each audit row may carry a MAC (hex HMAC-SHA256 of its canonical bytes, the
-- previous hash included) under a key the database never sees (`audit.key-file`). Rows written
-- before a key was configured keep '' and are reported as not authenticated. The append-only
-- triggers of 0001 still refuse UPDATE, DELETE and TRUNCATE. See docs/store.md.

ALTER TABLE govd.audit_log
  ADD COLUMN mac text NOT NULL DEFAULT '' CHECK (mac = '' OR mac ~ '^[0-9a-f]{64}$');
