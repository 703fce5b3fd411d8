-- +goose Up
-- One report per session. Sessions that already hold several keep them as
-- history: every report but the latest names the one that replaced it, and
-- only a report not replaced counts against the rule.
ALTER TABLE session_report ADD COLUMN replaced_by text;
UPDATE session_report r SET replaced_by = (
    SELECT l.id FROM session_report l WHERE l.session_id = r.session_id ORDER BY l.reported_at DESC, l.id DESC LIMIT 1)
WHERE EXISTS (SELECT 1 FROM session_report l WHERE l.session_id = r.session_id AND (l.reported_at, l.id) > (r.reported_at, r.id));
CREATE UNIQUE INDEX session_report_one ON session_report (session_id) WHERE replaced_by IS NULL;
CREATE INDEX session_report_course ON session_report (course_id, reported_at);

-- A completion keeps its note, and a task done by mistake can be reopened:
-- each completion and reopening is a step of the task's history.
ALTER TABLE task ADD COLUMN note text NOT NULL DEFAULT '';
CREATE TABLE task_change (
    task_id text        NOT NULL REFERENCES task (id),
    step    int         NOT NULL,
    action  text        NOT NULL CHECK (action IN ('completed', 'reopened')),
    by_user text        NOT NULL,
    at      timestamptz NOT NULL,
    note    text        NOT NULL DEFAULT '',
    PRIMARY KEY (task_id, step)
);
INSERT INTO task_change (task_id, step, action, by_user, at)
SELECT id, 1, 'completed', done_by, done_at FROM task WHERE status = 'done' AND done_by IS NOT NULL AND done_at IS NOT NULL;

-- +goose Down
DROP TABLE task_change;
ALTER TABLE task DROP COLUMN note;
DROP INDEX session_report_course;
DROP INDEX session_report_one;
ALTER TABLE session_report DROP COLUMN replaced_by;
