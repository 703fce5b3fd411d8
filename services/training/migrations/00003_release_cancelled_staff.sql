-- +goose Up
-- A cancelled course used to take new assignments after its cancellation,
-- which kept their people booked (assignment_one_place) on days a live
-- course needed them. Cancelling releases a course's staff; do it for those.
UPDATE assignment SET active = false
WHERE active AND course_id IN (SELECT id FROM course WHERE state = 'cancelled');

-- +goose Down
-- Nothing to undo: which of those assignments were made after the
-- cancellation is not recorded, and none of them should hold anyone.
SELECT 1;
