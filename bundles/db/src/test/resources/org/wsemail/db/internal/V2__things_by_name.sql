CREATE UNIQUE INDEX things_by_name ON things (name);
