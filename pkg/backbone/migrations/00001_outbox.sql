-- +goose Up
-- Events waiting for (or kept after) publication. position orders the relay;
-- aggregate_seq orders consumers, per aggregate.
CREATE TABLE outbox (
    position       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id             uuid        NOT NULL UNIQUE,
    aggregate_type text        NOT NULL,
    aggregate_id   text        NOT NULL,
    aggregate_seq  bigint      NOT NULL,
    subject        text        NOT NULL,
    type           text        NOT NULL,
    source         text        NOT NULL,
    occurred_at    timestamptz NOT NULL,
    payload        jsonb       NOT NULL,
    headers        jsonb       NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now(),
    published_at   timestamptz,
    -- bumped by a re-publication so the broker's duplicate window does not swallow it
    republished    int         NOT NULL DEFAULT 0,
    UNIQUE (aggregate_type, aggregate_id, aggregate_seq)
);
CREATE INDEX outbox_unpublished ON outbox (position) WHERE published_at IS NULL;
CREATE INDEX outbox_created ON outbox (created_at);

-- The last sequence handed out per aggregate. Updating its row inside the
-- producing transaction also serialises writers of one aggregate, so commit
-- order and sequence order agree.
CREATE TABLE outbox_sequence (
    aggregate_type text   NOT NULL,
    aggregate_id   text   NOT NULL,
    last_seq       bigint NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id)
);

-- +goose StatementBegin
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(current_schema() || '_outbox', '');
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- +goose Down
DROP TABLE outbox_sequence;
DROP TABLE outbox;
DROP FUNCTION outbox_notify();
