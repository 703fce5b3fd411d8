-- +goose Up
-- The headers of an import's file whose columns feed no field, shown with the
-- job so that nobody takes a column that was skipped for one imported.
ALTER TABLE import_job ADD COLUMN ignored_columns text[] NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE import_job DROP COLUMN ignored_columns;
