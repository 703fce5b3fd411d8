-- +goose Up
-- The rows at or below the end of a form's list (its total, its signature
-- block and the signers' names: importing.Row.End) are no parties and
-- nothing is wrong with them: a job counts them apart (skipped), neither
-- created nor failed, and reports none. Jobs written before counted them
-- as failed and reported them, as they did.
ALTER TABLE import_job ADD COLUMN skipped integer NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE import_job DROP COLUMN skipped;
