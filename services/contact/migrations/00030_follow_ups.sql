-- +goose Up
-- follow_up_done says an interaction completed the follow-up standing
-- before it although it came before that follow-up's day (party.FollowUp).
ALTER TABLE interaction ADD COLUMN follow_up_done boolean NOT NULL DEFAULT false;
-- A party keeps the follow-up the earlier rule (its latest interaction's,
-- none if that one agreed none) gave it until one of its interactions is
-- next logged, corrected or deleted: the rule reads the day an interaction
-- happened in the business time zone, which the schema does not know.

-- +goose Down
ALTER TABLE interaction DROP COLUMN follow_up_done;
