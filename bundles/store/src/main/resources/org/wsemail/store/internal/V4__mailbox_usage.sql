-- Each mailbox's size, kept up to date by every store and delete in the same transaction, so that a
-- quota check reads one row instead of summing the whole mailbox at every delivery.
ALTER TABLE users ADD COLUMN used_bytes BIGINT DEFAULT 0 NOT NULL;
UPDATE users SET used_bytes = (SELECT COALESCE(SUM(m.size_bytes), 0) FROM messages m WHERE m.mailbox = users.address);
-- Sizes are no longer summed.
DROP INDEX messages_sizes_by_mailbox;
