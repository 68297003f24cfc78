-- The queue worker takes the next due entries in (next_attempt, id) order. With an index in exactly
-- that order Derby reads the first few from the index; with one on next_attempt alone it sorted every
-- due row, message text included, for each batch: quadratic in the backlog.
DROP INDEX queue_by_due_time;
CREATE INDEX queue_by_due_order ON queue_entries (next_attempt, id);
