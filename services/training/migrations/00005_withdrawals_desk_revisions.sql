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

-- Workload and handovers were stored under their Go field names.
UPDATE desk_log SET workload = (SELECT jsonb_agg(jsonb_build_object('activity', w->'Activity', 'count', w->'Count', 'note', w->'Note'))
    FROM jsonb_array_elements(workload) w) WHERE workload <> '[]' AND workload->0 ? 'Activity';
UPDATE desk_log SET handed_over = (SELECT jsonb_agg(jsonb_build_object('department', h->'Department', 'units', h->'Units'))
    FROM jsonb_array_elements(handed_over) h) WHERE handed_over <> '[]' AND handed_over->0 ? 'Department';

-- +goose Down
DROP TABLE desk_log_revision;
DELETE FROM request WHERE status = 'withdrawn' AND course_id IS NULL;
UPDATE request SET status = 'submitted' WHERE status = 'withdrawn';
ALTER TABLE request DROP COLUMN withdrawn_by, DROP COLUMN withdrawn_reason, DROP COLUMN withdrawn_at;
ALTER TABLE request DROP CONSTRAINT request_status_check;
ALTER TABLE request ADD CONSTRAINT request_status_check CHECK (status IN ('submitted', 'refused'));
