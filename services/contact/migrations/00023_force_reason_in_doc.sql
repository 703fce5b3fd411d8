-- +goose Up
-- Why a party was created although it shares a phone, email or tax code
-- with another was kept only in the force_reason column, which no answer
-- read. New forced parties carry it in their document too, so GET and
-- lists show it; the ones created before are given it here.
UPDATE organization SET doc = doc || jsonb_build_object('force_reason', force_reason)
 WHERE force_reason IS NOT NULL AND NOT doc ? 'force_reason';
UPDATE person SET doc = doc || jsonb_build_object('force_reason', force_reason)
 WHERE force_reason IS NOT NULL AND NOT doc ? 'force_reason';

-- +goose Down
UPDATE organization SET doc = doc - 'force_reason' WHERE doc ? 'force_reason';
UPDATE person SET doc = doc - 'force_reason' WHERE doc ? 'force_reason';
