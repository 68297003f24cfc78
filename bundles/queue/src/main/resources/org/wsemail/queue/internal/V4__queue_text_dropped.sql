-- Every entry has its signed message as bytes: the text goes, and the bytes are required.
ALTER TABLE queue_entries DROP COLUMN signed_xml;
ALTER TABLE queue_entries ADD CONSTRAINT queue_signed_message_present CHECK (signed_message IS NOT NULL);
