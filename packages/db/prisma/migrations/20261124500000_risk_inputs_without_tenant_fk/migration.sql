-- risk_inputs takes every platform update (tens of thousands of rows a second). Its foreign key to
-- tenants made PostgreSQL look up and share-lock the one tenant row for every inserted row, which
-- cost more than the insert itself. Tenants are never deleted (they are suspended), row-level
-- security still confines every row to its tenant, and the ingest only writes rows for accounts it
-- found under that tenant's security context, so the key guarded nothing the write path does not.
ALTER TABLE risk_inputs DROP CONSTRAINT risk_inputs_tenant_id_fkey;
