-- A mailbox's size for its quota, summed from the index alone.
CREATE INDEX messages_sizes_by_mailbox ON messages (mailbox, size_bytes);
