-- What was delivered to whom: a message id delivered once to a recipient is not delivered again
-- (a sender's retry after a lost confirmation, a replay of relayed mail). Entries are kept for the
-- acceptance window of relayed mail, then purged.
CREATE TABLE delivery_log (
    message_id VARCHAR(255) NOT NULL,
    recipient VARCHAR(320) NOT NULL,
    delivered_at TIMESTAMP NOT NULL,
    PRIMARY KEY (message_id, recipient)
);

CREATE INDEX delivery_log_by_time ON delivery_log (delivered_at);
