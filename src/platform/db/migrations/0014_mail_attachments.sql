-- Attachments of outgoing mail, by reference to a file a module already keeps (a case's document),
-- not a copy: [{ "source": "request-document", "id": "…", "filename": "…" }]. The mail job reads the
-- file when it sends, so a retry or a restart sends the same bytes without storing them twice.
ALTER TABLE mail_outbox ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]'::jsonb;
