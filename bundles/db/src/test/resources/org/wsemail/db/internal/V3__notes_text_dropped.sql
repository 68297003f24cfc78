-- The text goes; every row keeps its bytes.
ALTER TABLE notes DROP COLUMN text;
ALTER TABLE notes ADD CONSTRAINT notes_utf8_present CHECK (utf8 IS NOT NULL);
