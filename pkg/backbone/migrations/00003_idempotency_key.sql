-- +goose Up
-- The answers to creates sent with an Idempotency-Key (pkg/httpapi
-- Idempotency): a retry of the same request gets the kept answer rather than
-- a second record. status is NULL while the first request runs. Rows live
-- a day (expires_at) and are cleared as new keys are claimed. A backbone
-- table, as the outbox is: every service's creates use it. IF NOT EXISTS,
-- for a development database that took it from a service's own migration
-- before it moved here.
CREATE TABLE IF NOT EXISTS idempotency_key (
    user_id     text        NOT NULL,
    route       text        NOT NULL,
    key         text        NOT NULL,
    fingerprint text        NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    status      integer,
    header      jsonb,
    body        bytea,
    PRIMARY KEY (user_id, route, key)
);
CREATE INDEX IF NOT EXISTS idempotency_key_expires ON idempotency_key (expires_at);

-- +goose Down
DROP TABLE idempotency_key;
