-- processed_input_id was to say how far decisions were committed, but nothing ever advanced it past
-- the checkpoint: it always equalled checkpoint_input_id. A restarted evaluator finds committed
-- decisions by their key (risk_decisions' unique index), not by a cursor.
ALTER TABLE risk_partition_cursors DROP COLUMN processed_input_id;
