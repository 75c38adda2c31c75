-- The platform chain's head, as each tenant chain has its own in audit_chain_heads. Without it,
-- removing the newest platform audit events left a chain that still verified: nothing said where it
-- had ended.
CREATE TABLE platform_audit_chain_head (
  -- One row: the chain is one for the whole platform.
  id   boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq  bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO platform_audit_chain_head (seq, hash)
SELECT coalesce(max(seq), 0), coalesce((SELECT hash FROM platform_audit_events ORDER BY seq DESC LIMIT 1), '')
FROM platform_audit_events;
-- Only the chain trigger moves it; the platform role reads it to verify the chain.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON platform_audit_chain_head FROM propdesk_platform;

-- Runs as the owner (SECURITY DEFINER), like the tenant chains' trigger: writers serialise on the head
-- row (instead of an advisory lock) and move it with every event.
CREATE OR REPLACE FUNCTION platform_audit_events_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
  head record;
BEGIN
  SELECT seq, hash INTO head FROM platform_audit_chain_head FOR UPDATE;
  NEW.seq := head.seq + 1;
  NEW.prev_hash := head.hash;
  NEW.occurred_at := date_trunc('microseconds', coalesce(NEW.occurred_at, now()));
  NEW.hash := encode(sha256(convert_to(audit_link_text(
    'platform', NEW.seq, NEW.id, NEW.occurred_at, NEW.actor_type, NEW.actor_id, NEW.actor_label,
    NULL, NEW.action, NEW.target_type, NEW.target_id, NEW.before, NEW.after, NEW.request_id, NEW.ip,
    NEW.user_agent, NEW.prev_hash), 'UTF8')), 'hex');
  UPDATE platform_audit_chain_head SET seq = NEW.seq, hash = NEW.hash;
  RETURN NEW;
END $$;
