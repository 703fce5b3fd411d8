-- +goose Up
-- The values every row of an upload takes (importing.Defaults), by field;
-- an organisation they name is stored by its id, looked up at upload.
ALTER TABLE import_job ADD COLUMN defaults jsonb NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE import_job DROP COLUMN defaults;
