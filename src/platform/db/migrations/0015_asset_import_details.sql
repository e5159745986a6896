-- A spreadsheet import in progress remembers where its register was found (sheet, heading row, the rows
-- left out, each row's number in the sheet), the other sheets the user may choose instead, and what to
-- do with service areas the council does not have.
ALTER TABLE asset_import_drafts ADD COLUMN details jsonb;
