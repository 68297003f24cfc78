-- Indexes in exactly the order the reads ask for, so that Derby walks the index instead of sorting.
-- The queue worker takes the next due entries in (next_attempt, id) order: with an index on
-- next_attempt alone Derby sorted every due row, message text included, for each batch of 50,
-- which is quadratic in a backlog.
DROP INDEX queue_by_due_time;
CREATE INDEX queue_by_due_order ON queue_entries (next_attempt, id);
-- A mailbox is listed in (sent_at, id) order.
DROP INDEX messages_by_mailbox;
CREATE INDEX messages_by_mailbox_order ON messages (mailbox, sent_at, id);
