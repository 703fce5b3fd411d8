-- +goose Up
-- The stored party a row of an import stands for (importing.StoredParty),
-- on the problem saying its id names that party: a job restarted past the
-- chunks it wrote rebuilds from its problems which rows of those chunks
-- were not created and which stored party each stands for, so that rows
-- of later chunks naming them link or are refused as in a job never cut
-- off. NULL for every other problem.
ALTER TABLE import_problem ADD COLUMN stored_party uuid;

-- Jobs that may still be resumed (running, waiting for a retry, or failed
-- and uploaded again) get it from the messages written so far: a row
-- whose id names a live party ("same id ... as existing <noun> <id>", the
-- survivor's for a merged one) stands for it when each of its problems is
-- about that party (its phones, emails or tax code).
UPDATE import_problem p SET stored_party = same.live
FROM (SELECT import_id, row_no, (regexp_match(message, '^same id \S+ as existing (?:person|organisation) ([0-9a-f-]{36})'))[1]::uuid AS live
      FROM import_problem
      WHERE message LIKE 'same id %'
        AND import_id IN (SELECT id FROM import_job WHERE status <> 'done')) AS same
WHERE p.import_id = same.import_id AND p.row_no = same.row_no AND p.message LIKE 'same id %'
  AND NOT EXISTS (SELECT 1 FROM import_problem o
                  WHERE o.import_id = p.import_id AND o.row_no = p.row_no
                    AND o.message !~ (' as existing (person|organisation) ' || same.live::text || '(, which it was merged into)?$'));

-- +goose Down
ALTER TABLE import_problem DROP COLUMN stored_party;
