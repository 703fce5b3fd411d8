-- +goose Up
-- The sheets of an imported workbook of several sheets, in order: a row of
-- the report is numbered across them (importing.SheetRows), and shown as
-- its sheet's row with the sheet's name. Empty for a CSV file or a workbook
-- of one sheet, whose rows are numbered as they are.
ALTER TABLE import_job ADD COLUMN sheets text[] NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE import_job DROP COLUMN sheets;
