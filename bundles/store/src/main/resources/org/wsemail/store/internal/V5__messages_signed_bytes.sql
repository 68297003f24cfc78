-- The signed message as its UTF-8 bytes (${large_bytes}: bytes of any length), which the database
-- copies as they are; as text, Derby wrote it one character at a time. The migration fills the
-- new column from the text of the messages there are.
ALTER TABLE messages ADD COLUMN signed_message ${large_bytes};
