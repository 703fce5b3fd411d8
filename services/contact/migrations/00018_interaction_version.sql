-- +goose Up
-- version counts the writes of a logged interaction (a correction, or a
-- merge moving it to the survivor), starting at 1, as a party's version
-- does: a correction or delete whose If-Match names an older version is
-- refused, so that a manager and the staff member correcting one call at
-- once cannot overwrite each other's change unseen.
ALTER TABLE interaction ADD COLUMN version bigint NOT NULL DEFAULT 1;
-- +goose Down
ALTER TABLE interaction DROP COLUMN version;
