-- Files below etc that every node of the domain keeps the same (the domain's certificate authority,
-- the certificates it issued, its revocation list, the trusted roots): each file's latest content
-- (base64), its SHA-256 digest, and a version that grows at each change.
CREATE TABLE shared_files (
    path VARCHAR(400) NOT NULL PRIMARY KEY,
    content ${large_text} NOT NULL,
    digest CHAR(64) NOT NULL,
    version BIGINT NOT NULL,
    written_by VARCHAR(200) NOT NULL,
    written_at TIMESTAMP NOT NULL
);
