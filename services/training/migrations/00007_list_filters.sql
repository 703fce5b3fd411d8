-- +goose Up
-- Each filter of the course, task and feedback lists has an index, so "my
-- courses", "a school's courses" or "urgent feedback" stay quick however many
-- rows the tables hold (store/lists.go writes only the filters given).
CREATE INDEX course_units ON course USING gin (unit_ids);
CREATE INDEX course_lead ON course (lead_id);
CREATE INDEX course_module ON course (module_code);
CREATE INDEX course_days ON course (first_session, last_session);
CREATE INDEX assignment_person ON assignment (person_id, course_id);
CREATE INDEX task_owner ON task (owner_id, status);
CREATE INDEX feedback_course ON feedback (course_id, status);
CREATE INDEX feedback_unit ON feedback (unit_id);
CREATE INDEX feedback_urgent ON feedback (id) WHERE urgent;

-- +goose Down
DROP INDEX feedback_urgent, feedback_unit, feedback_course, task_owner, assignment_person,
    course_days, course_module, course_lead, course_units;
