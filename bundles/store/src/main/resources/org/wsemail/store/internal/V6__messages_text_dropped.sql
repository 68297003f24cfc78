-- Every message has its signed XML as bytes: the text goes, and the bytes are required.
ALTER TABLE messages DROP COLUMN signed_xml;
ALTER TABLE messages ADD CONSTRAINT messages_signed_message_present CHECK (signed_message IS NOT NULL);
