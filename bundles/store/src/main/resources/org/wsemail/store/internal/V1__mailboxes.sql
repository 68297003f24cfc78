-- Users of the local domain and their mailboxes.
CREATE TABLE users (
    address VARCHAR(320) NOT NULL PRIMARY KEY,
    password_hash VARCHAR(256) NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- One row per message per mailbox. signed_xml is the message exactly as the sending server signed it.
CREATE TABLE messages (
    id BIGINT NOT NULL GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mailbox VARCHAR(320) NOT NULL REFERENCES users (address) ON DELETE CASCADE,
    message_id VARCHAR(255) NOT NULL,
    sender VARCHAR(320) NOT NULL,
    subject VARCHAR(2000) NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    flags INTEGER NOT NULL,
    size_bytes BIGINT NOT NULL,
    signed_xml ${large_text} NOT NULL,
    stored_at TIMESTAMP NOT NULL,
    CONSTRAINT messages_once_per_mailbox UNIQUE (mailbox, message_id)
);

-- A mailbox is listed in (sent_at, id) order: an index in exactly that order spares a sort.
CREATE INDEX messages_by_mailbox_order ON messages (mailbox, sent_at, id);
