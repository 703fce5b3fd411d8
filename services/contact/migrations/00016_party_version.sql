-- +goose Up
-- version counts the writes of a party's document, starting at 1. Answers
-- carry it as an ETag, and a PATCH or DELETE whose If-Match names an older
-- version is refused, so that two staff editing one record cannot overwrite
-- each other's change unseen (a PATCH replaces whole arrays: phones,
-- relationships). Adding a column with a constant default rewrites nothing.
ALTER TABLE organization ADD COLUMN version bigint NOT NULL DEFAULT 1;
ALTER TABLE person ADD COLUMN version bigint NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE organization DROP COLUMN version;
ALTER TABLE person DROP COLUMN version;
