-- +goose Up
-- The tags column holds the keys of the tags (party.TagKey: lower case,
-- no diacritics, single spaces), which the tag filter compares, so that
-- ?tag=vip finds a party tagged "VIP" and ?tag=hoi thao one tagged
-- "Hội thảo", as bulk changes and duplicate tags already compare them. The
-- documents keep the tags as written. The backfill folds as party.Fold
-- does: decomposed, marks dropped, đ as d, white space collapsed, lower
-- case (TestTheTagKeyBackfillAgreesWithTheService).
UPDATE organization SET tags = ARRAY(SELECT lower(btrim(regexp_replace(translate(regexp_replace(normalize(t, NFD), '[\u0300-\u036f]', '', 'g'), 'đĐ', 'dD'), '\s+', ' ', 'g'))) FROM unnest(tags) AS t) WHERE tags <> '{}';
UPDATE person SET tags = ARRAY(SELECT lower(btrim(regexp_replace(translate(regexp_replace(normalize(t, NFD), '[\u0300-\u036f]', '', 'g'), 'đĐ', 'dD'), '\s+', ' ', 'g'))) FROM unnest(tags) AS t) WHERE tags <> '{}';

-- +goose Down
UPDATE organization SET tags = ARRAY(SELECT jsonb_array_elements_text(coalesce(doc->'tags', '[]'))) WHERE tags <> '{}';
UPDATE person SET tags = ARRAY(SELECT jsonb_array_elements_text(coalesce(doc->'tags', '[]'))) WHERE tags <> '{}';
