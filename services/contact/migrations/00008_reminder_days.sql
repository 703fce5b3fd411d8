-- +goose Up
-- reminder_days holds the days of the year (month*100+day) of a person's
-- birthday and important dates, so "whose dates fall in the next n days"
-- is one GIN lookup (reminder_days && the window's days) over a million
-- people instead of a scan of every document. The service computes it
-- (party.Person.ReminderDays); this backfill reads the same dates from the
-- stored documents. Organisations have no such dates: their column stays
-- empty and unindexed (it exists because both tables share one row shape).
ALTER TABLE organization ADD COLUMN reminder_days smallint[] NOT NULL DEFAULT '{}';
ALTER TABLE person ADD COLUMN reminder_days smallint[] NOT NULL DEFAULT '{}';
UPDATE person SET reminder_days = ARRAY(
    SELECT DISTINCT (substr(d, 6, 2)::int * 100 + substr(d, 9, 2)::int)::smallint
    FROM (SELECT doc->>'birthday' AS d
          UNION ALL
          SELECT x->>'date' FROM jsonb_array_elements(COALESCE(doc->'important_dates', '[]')) x) dates
    WHERE d ~ '^\d{4}-\d{2}-\d{2}$'
    ORDER BY 1)
WHERE doc ? 'birthday' OR doc ? 'important_dates';
CREATE INDEX person_reminder_days_idx ON person USING gin (reminder_days);

-- +goose Down
DROP INDEX person_reminder_days_idx;
ALTER TABLE person DROP COLUMN reminder_days;
ALTER TABLE organization DROP COLUMN reminder_days;
