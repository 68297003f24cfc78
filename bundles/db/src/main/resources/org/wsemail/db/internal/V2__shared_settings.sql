-- Settings every node of the domain shares (the plug-in list, plug-in priorities and enabled states):
-- the latest properties of each configuration, with a version that grows at each change.
CREATE TABLE shared_settings (
    pid VARCHAR(200) NOT NULL PRIMARY KEY,
    properties VARCHAR(32000) NOT NULL,
    version BIGINT NOT NULL,
    written_by VARCHAR(200) NOT NULL,
    written_at TIMESTAMP NOT NULL
);
