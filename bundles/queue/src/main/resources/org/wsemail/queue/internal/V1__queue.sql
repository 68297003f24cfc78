-- The durable message queue: one entry per message and destination domain.
-- (${large_text}: text of any length, as the Database Manager names it for the database.)
CREATE TABLE queue_entries (
    id BIGINT NOT NULL GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id VARCHAR(255) NOT NULL,
    sender VARCHAR(320) NOT NULL,
    domain VARCHAR(253) NOT NULL,
    recipients VARCHAR(32000) NOT NULL,
    signed_xml ${large_text} NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    last_error VARCHAR(2000),
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT queue_once_per_domain UNIQUE (message_id, domain)
);

-- The worker takes the next due entries in (next_attempt, id) order: an index in exactly that order
-- lets the database walk it instead of sorting every due row, message text included.
CREATE INDEX queue_by_due_order ON queue_entries (next_attempt, id);
