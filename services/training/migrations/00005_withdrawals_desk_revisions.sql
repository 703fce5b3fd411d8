-- +goose Up
-- The submitter may withdraw a request before its course is scheduled.
ALTER TABLE request DROP CONSTRAINT request_status_check;
ALTER TABLE request ADD CONSTRAINT request_status_check CHECK (status IN ('submitted', 'refused', 'withdrawn'));
ALTER TABLE request ADD COLUMN withdrawn_by text, ADD COLUMN withdrawn_reason text, ADD COLUMN withdrawn_at timestamptz;

-- A desk-log entry corrected by its author keeps what it said before.
CREATE TABLE desk_log_revision (
    desk_log_id text        NOT NULL REFERENCES desk_log (id),
    revised_at  timestamptz NOT NULL,
    revised_by  text        NOT NULL,
    previous    jsonb       NOT NULL,
    PRIMARY KEY (desk_log_id, revised_at)
);

-- +goose Down
DROP TABLE desk_log_revision;
DELETE FROM request WHERE status = 'withdrawn' AND course_id IS NULL;
UPDATE request SET status = 'submitted' WHERE status = 'withdrawn';
ALTER TABLE request DROP COLUMN withdrawn_by, DROP COLUMN withdrawn_reason, DROP COLUMN withdrawn_at;
ALTER TABLE request DROP CONSTRAINT request_status_check;
ALTER TABLE request ADD CONSTRAINT request_status_check CHECK (status IN ('submitted', 'refused'));
