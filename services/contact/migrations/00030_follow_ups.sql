-- +goose Up
-- follow_up_done says an interaction completed the follow-up standing
-- before it although it came before that follow-up's day (party.FollowUp).
ALTER TABLE interaction ADD COLUMN follow_up_done boolean NOT NULL DEFAULT false;
-- A party keeps the follow-up the earlier rule (its latest interaction's,
-- none if that one agreed none) gave it until one of its interactions is
-- next logged, corrected or deleted: the rule reads the day an interaction
-- happened in the business time zone, which the schema does not know.
-- (Migration 00036 lists them for the service to settle by the rule.)

-- The follow-ups due are listed by day, oldest first, then by name: an
-- index in that order serves a page without sorting every party due. Only
-- parties with a follow-up are in it.
DROP INDEX organization_next_action_idx;
DROP INDEX person_next_action_on_idx;
CREATE INDEX organization_due_idx ON organization (next_action_on, search_name, id) WHERE next_action_on IS NOT NULL;
CREATE INDEX person_due_idx ON person (next_action_on, search_name, id) WHERE next_action_on IS NOT NULL;

-- +goose Down
DROP INDEX organization_due_idx;
DROP INDEX person_due_idx;
CREATE INDEX organization_next_action_idx ON organization (next_action_on);
CREATE INDEX person_next_action_on_idx ON person (next_action_on);
ALTER TABLE interaction DROP COLUMN follow_up_done;
