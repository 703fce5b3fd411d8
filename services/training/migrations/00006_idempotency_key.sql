-- +goose Up
-- The answers to creates sent with an Idempotency-Key (pkg/httpapi
-- Idempotency): a retry of the same request gets the kept answer rather than
-- a second record. status is NULL while the first request runs. Rows live
-- a day (expires_at) and are cleared as new keys are claimed.
CREATE TABLE idempotency_key (
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
CREATE INDEX idempotency_key_expires ON idempotency_key (expires_at);

-- +goose Down
DROP TABLE idempotency_key;
