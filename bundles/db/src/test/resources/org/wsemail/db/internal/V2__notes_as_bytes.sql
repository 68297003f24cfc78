-- The bytes beside the text; the conversion fills them.
ALTER TABLE notes ADD COLUMN utf8 ${large_bytes};
