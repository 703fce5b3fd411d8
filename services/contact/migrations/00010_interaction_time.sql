-- +goose Up
-- The staff activity report reads the interactions of a window of days.
CREATE INDEX interaction_occurred_idx ON interaction (occurred_at);

-- +goose Down
DROP INDEX interaction_occurred_idx;
