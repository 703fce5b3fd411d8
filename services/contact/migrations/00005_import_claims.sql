-- +goose Up
-- A running job belongs to the replica holding its claim token, which it
-- renews through heartbeat_at. A job whose heartbeat has stopped (its replica
-- crashed) is claimed again by another replica, and the old holder's writes
-- are refused because the token changed.
ALTER TABLE import_job ADD COLUMN claim uuid, ADD COLUMN heartbeat_at timestamptz;
CREATE INDEX import_job_running_idx ON import_job (heartbeat_at) WHERE status = 'running';

-- The chunks of a job already written. Chunks are written concurrently, so
-- a resumed job skips exactly these rather than a prefix of the file.
CREATE TABLE import_chunk (
    import_id uuid NOT NULL REFERENCES import_job (id) ON DELETE CASCADE,
    chunk_no  int  NOT NULL,
    PRIMARY KEY (import_id, chunk_no)
);

-- +goose Down
DROP TABLE import_chunk;
DROP INDEX import_job_running_idx;
ALTER TABLE import_job DROP COLUMN claim, DROP COLUMN heartbeat_at;
