-- Several server nodes share the queue: a node claims due entries for a lease (next_attempt moves to
-- the lease's end and claimed_by names the node); the claim ends when the entry is settled. Entries of
-- a node that died fall due again when their lease runs out.
ALTER TABLE queue_entries ADD COLUMN claimed_by VARCHAR(200);
