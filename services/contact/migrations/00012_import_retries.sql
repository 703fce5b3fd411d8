-- +goose Up
-- A job whose attempt failed for a reason other than its file (the database
-- went away, say) waits until not_before and runs again, past the chunks it
-- wrote; attempts counts the failed attempts, so one that keeps failing ends.
ALTER TABLE import_job ADD COLUMN attempts int NOT NULL DEFAULT 0, ADD COLUMN not_before timestamptz;

-- +goose Down
ALTER TABLE import_job DROP COLUMN attempts, DROP COLUMN not_before;
