-- +goose Up
-- undone counts the parties an import created that undoing it deleted;
-- undone_at is when it was last undone.
ALTER TABLE import_job ADD COLUMN undone int NOT NULL DEFAULT 0, ADD COLUMN undone_at timestamptz;

-- +goose Down
ALTER TABLE import_job DROP COLUMN undone, DROP COLUMN undone_at;
