-- Requests the nodes accepted recently (a UsernameToken's nonce, a signed request's signature value),
-- as the hex SHA-256 digest of what identifies them, kept until they could no longer be accepted:
-- a request accepted by one node is then a replay at every other.
CREATE TABLE seen_requests (
    digest CHAR(64) NOT NULL PRIMARY KEY,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX seen_requests_by_expiry ON seen_requests (expires_at);
