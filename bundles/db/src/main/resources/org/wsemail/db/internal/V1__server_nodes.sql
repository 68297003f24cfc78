-- The server nodes sharing this database: each records itself when it starts and beats a heartbeat.
-- instance tells two starts of one node apart (and two nodes wrongly given one name).
CREATE TABLE server_nodes (
    name VARCHAR(200) NOT NULL PRIMARY KEY,
    host VARCHAR(255) NOT NULL,
    instance VARCHAR(36) NOT NULL,
    started_at TIMESTAMP NOT NULL,
    heartbeat_at TIMESTAMP NOT NULL,
    stopped_at TIMESTAMP
);
