-- Text of any length, to be turned into bytes.
CREATE TABLE notes (
    id BIGINT NOT NULL PRIMARY KEY,
    text ${large_text} NOT NULL
);
