-- +goose Up
-- Events a consumer has applied; a redelivery finds its row and has no effect.
CREATE TABLE inbox (
    consumer   text        NOT NULL,
    event_id   uuid        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
CREATE INDEX inbox_applied ON inbox (applied_at);

-- The last applied sequence of each aggregate, per consumer.
CREATE TABLE consumer_position (
    consumer       text   NOT NULL,
    aggregate_type text   NOT NULL,
    aggregate_id   text   NOT NULL,
    last_seq       bigint NOT NULL,
    PRIMARY KEY (consumer, aggregate_type, aggregate_id)
);

-- Failed attempts of a handler, counted outside the failing transaction.
CREATE TABLE consumer_failure (
    consumer   text        NOT NULL,
    event_id   uuid        NOT NULL,
    attempts   int         NOT NULL,
    last_error text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

-- Events a handler could not apply after the configured attempts.
CREATE TABLE dead_letter (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consumer         text        NOT NULL,
    event_id         uuid        NOT NULL,
    subject          text        NOT NULL,
    headers          jsonb       NOT NULL,
    payload          bytea       NOT NULL,
    error            text        NOT NULL,
    attempts         int         NOT NULL,
    dead_at          timestamptz NOT NULL DEFAULT now(),
    replay_requested timestamptz,
    replayed_at      timestamptz,
    UNIQUE (consumer, event_id)
);
CREATE INDEX dead_letter_replay ON dead_letter (consumer) WHERE replay_requested IS NOT NULL AND replayed_at IS NULL;

-- +goose Down
DROP TABLE dead_letter;
DROP TABLE consumer_failure;
DROP TABLE consumer_position;
DROP TABLE inbox;
