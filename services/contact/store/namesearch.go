package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
)

// Name search reads <table>_word (word, search_name, id), whose primary key
// returns one word's parties already in result order. The words of a query
// are whole words except the last, which is a prefix (people type ahead),
// read as two tiers (nameTier): all of them whole words first, then the
// last a prefix of a longer word only. Each tier is one nameQuery. One
// word drives the search, the others are checked on the folded name:
//
//   - a word with few parties (under smallWord): read them all and sort;
//   - else a whole word: walk its parties in name order in chunks until the
//     page is full, up to a budget; past it the combination is rare and the
//     GIN index on search_vec finds it faster;
//   - else (a single common prefix): merge the ordered lists of the words it
//     expands to.
//
// Filters other than the name use the general query: they are selective
// on their own. Keys besides a name (a word that may also be a Zalo id,
// digits that may end a phone) are looked up apart and merged in.
const (
	smallWord   = 5000
	chunkSize   = 1000
	chunkBudget = 5
	maxExpand   = 32
)

type nameQuery struct {
	words  []string // whole words
	prefix string   // what a word starts with, or "" for no such word
	// notWhole: the prefix is not a whole word of the name, only the start
	// of a longer one (the prefix tier).
	notWhole bool
}

// newNameQuery is the match of a query's words, its last a prefix:
// every party either tier lists.
func newNameQuery(words []string) nameQuery {
	return nameQuery{words: words[:len(words)-1], prefix: words[len(words)-1]}
}

// wholeWords is the match of a query's words all whole: the whole tier.
func wholeWords(words []string) nameQuery {
	return nameQuery{words: words}
}

// prefixOnly is the match of a query's words whose last begins a longer
// word of the name and is not a word of it: the prefix tier.
func prefixOnly(words []string) nameQuery {
	q := newNameQuery(words)
	q.notWhole = true
	return q
}

// tsquery is the same match as matches, for the GIN fallback and counts.
func (q nameQuery) tsquery() string {
	terms := slices.Clone(q.words)
	if q.prefix != "" {
		terms = append(terms, q.prefix+":*")
	}
	if q.notWhole {
		terms = append(terms, "!"+q.prefix)
	}
	return strings.Join(terms, " & ")
}

// matches reports whether a folded name has every whole word and a word
// starting with the prefix (and, notWhole, not the prefix whole). The
// name's words are its runs of letters and digits, as the word lists
// (Postgres's parser) and the query's words have them: "gd&dt" is two
// words, "(viet" one.
func (q nameQuery) matches(searchName string) bool {
	fields := nameWords(searchName)
	for _, w := range q.words {
		if !slices.Contains(fields, w) {
			return false
		}
	}
	if q.prefix == "" {
		return true
	}
	if q.notWhole && slices.Contains(fields, q.prefix) {
		return false
	}
	return slices.ContainsFunc(fields, func(f string) bool { return strings.HasPrefix(f, q.prefix) })
}

// nameWords are the words of a folded name, as nameQuery.matches reads
// them.
func nameWords(searchName string) []string {
	return strings.FieldsFunc(searchName, func(r rune) bool { return !('a' <= r && r <= 'z' || '0' <= r && r <= '9') })
}

// wordsOf is nameWords in SQL, of the folded name %s (with an empty word
// first or last when the name starts or ends with punctuation, which no
// query word is).
const wordsOf = `regexp_split_to_array(%s, '[^a-z0-9]+')`

// onlyNameOrKeys reports whether f filters by name alone, or by name or
// keys (Search then adds the parties holding a key to the name's).
func (f Filter) onlyNameOrKeys() bool {
	// Asked of where itself, so that a filter added later cannot be
	// forgotten here and silently dropped from name searches.
	rest := f
	rest.NameWords, rest.Keys, rest.PhoneEnd, rest.EmailDomain, rest.ZaloID = nil, nil, "", "", ""
	rest.holderIDs, rest.holdersKnown = nil, false
	cond, _ := rest.where(Person)
	return len(f.NameWords) > 0 && cond == "TRUE"
}

// searchByName returns up to limit positions after `after` whose names
// match, in (search_name, id) order. A position read from a cursor gets
// its name from its row, read with the words' counts (wordCounts).
func searchByName(ctx context.Context, db DB, t Type, q nameQuery, after *Position, limit int) ([]Position, error) {
	anchor := ""
	if after.unread {
		anchor = after.ID
	}
	counts, name, err := wordCounts(ctx, db, t, q, anchor)
	if err != nil {
		return nil, err
	}
	if after.unread {
		if name == nil {
			return nil, ErrCursorGone
		}
		after.Name, after.unread = *name, false
	}
	return searchAfter(ctx, db, t, q, counts, *after, limit)
}

// searchAfter is searchByName once the words are counted and the position
// known.
func searchAfter(ctx context.Context, db DB, t Type, q nameQuery, counts []int, after Position, limit int) ([]Position, error) {
	words := string(t) + "_word"
	// The prefix's count is the last; whole words come first.
	driver, small := -1, false
	for i, n := range counts {
		if n < smallWord && (driver < 0 || n < counts[driver]) {
			driver, small = i, true
		}
	}
	if small {
		return readSmall(ctx, db, words, q, driver, after, limit)
	}
	if len(q.words) > 0 {
		longest := slices.MaxFunc(q.words, func(a, b string) int { return cmp.Compare(len(a), len(b)) })
		found, complete, err := walkWord(ctx, db, words, q, longest, after, limit)
		if err != nil || complete {
			return found, err
		}
		return searchGIN(ctx, db, t, q, after, limit)
	}
	return mergePrefix(ctx, db, t, words, q, after, limit)
}

// wordCounts counts each word's parties, then the prefix's if q has one,
// capped at smallWord (an index-only scan that stops early). Given the id
// of the party a cursor ends on (anchor), it reads that party's folded
// name too, in the same statement, which saves a page after the first a
// round trip: nil if the party is gone.
func wordCounts(ctx context.Context, db DB, t Type, q nameQuery, anchor string) (counts []int, name *string, err error) {
	words := string(t) + "_word"
	rows, err := db.Query(ctx, `
SELECT n, a FROM (
    SELECT i, (SELECT count(*) FROM (SELECT 1 FROM `+words+` WHERE word = w LIMIT $3) x) AS n, NULL::text AS a
    FROM unnest($1::text[]) WITH ORDINALITY AS u(w, i)
    UNION ALL
    SELECT 1e9, (SELECT count(*) FROM (SELECT 1 FROM `+words+` WHERE word >= $2 AND word < $2 || chr(1114111) LIMIT $3) x), NULL
    WHERE $2 <> ''
    UNION ALL
    SELECT 0, 0, search_name FROM `+string(t)+` WHERE id = nullif($4, '')::uuid
) c ORDER BY i`,
		q.words, q.prefix, smallWord, anchor)
	if err != nil {
		return nil, nil, fmt.Errorf("count name words: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n int
		var a *string
		if err := rows.Scan(&n, &a); err != nil {
			return nil, nil, err
		}
		if a != nil {
			name = a // the anchor's row, first (i = 0)
			continue
		}
		counts = append(counts, n)
	}
	return counts, name, rows.Err()
}

// readSmall reads every party of one rare word and filters and sorts them here.
func readSmall(ctx context.Context, db DB, words string, q nameQuery, driver int, after Position, limit int) ([]Position, error) {
	sql := `SELECT search_name, id::text FROM ` + words + ` WHERE word = $1`
	arg := ""
	if driver < len(q.words) {
		arg = q.words[driver]
	} else {
		sql = `SELECT search_name, id::text FROM ` + words + ` WHERE word >= $1 AND word < $1 || chr(1114111)`
		arg = q.prefix
	}
	all, err := positions(ctx, db, sql, arg)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, comparePos)
	all = slices.Compact(all) // a prefix can match two words of one name
	var out []Position
	for _, p := range all {
		if comparePos(p, after) > 0 && q.matches(p.Name) {
			if out = append(out, p); len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

// walkWord reads one whole word's parties in name order, chunk by chunk.
// complete is false when the budget ran out before the page was full.
func walkWord(ctx context.Context, db DB, words string, q nameQuery, word string, after Position, limit int) (out []Position, complete bool, err error) {
	cursor := after
	for range chunkBudget {
		chunk, err := positions(ctx, db, `SELECT search_name, id::text FROM `+words+`
WHERE word = $1 AND (search_name, id) > ($2, $3::uuid) ORDER BY search_name, id LIMIT $4`, word, cursor.Name, cursor.ID, chunkSize)
		if err != nil {
			return nil, false, err
		}
		for _, p := range chunk {
			if q.matches(p.Name) {
				if out = append(out, p); len(out) == limit {
					return out, true, nil
				}
			}
		}
		if len(chunk) < chunkSize {
			return out, true, nil
		}
		cursor = chunk[len(chunk)-1]
	}
	return nil, false, nil
}

// mergePrefix merges the ordered lists of the words a common prefix expands to.
func mergePrefix(ctx context.Context, db DB, t Type, words string, q nameQuery, after Position, limit int) ([]Position, error) {
	// A loose index scan: each step jumps to the next distinct word.
	rows, err := db.Query(ctx, `
WITH RECURSIVE w(word, n) AS (
    (SELECT word, 1 FROM `+words+` WHERE word >= $1 AND word < $1 || chr(1114111) ORDER BY word LIMIT 1)
    UNION ALL
    SELECT (SELECT x.word FROM `+words+` x WHERE x.word > w.word AND x.word < $1 || chr(1114111) ORDER BY x.word LIMIT 1), n + 1
    FROM w WHERE w.word IS NOT NULL AND n <= $2)
SELECT word FROM w WHERE word IS NOT NULL`, q.prefix, maxExpand)
	if err != nil {
		return nil, fmt.Errorf("expand prefix: %w", err)
	}
	var expanded []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			rows.Close()
			return nil, err
		}
		expanded = append(expanded, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(expanded) > maxExpand {
		return searchGIN(ctx, db, t, q, after, limit)
	}
	args, notWhole := []any{expanded, after.Name, after.ID, limit * 2}, ""
	if q.notWhole {
		// The prefix tier: not the prefix's own list, nor a name that also
		// holds it whole ("Hoàng Thị Hoa" under "hoang"), filtered in the
		// query so that each list still gives its first rows.
		expanded = slices.DeleteFunc(expanded, func(w string) bool { return w == q.prefix })
		args = append(args, q.prefix)
		notWhole = " AND NOT $5 = ANY(" + fmt.Sprintf(wordsOf, "search_name") + ")"
	}
	args[0] = expanded
	all, err := positions(ctx, db, `
SELECT p.search_name, p.id::text FROM unnest($1::text[]) AS u(w)
CROSS JOIN LATERAL (SELECT search_name, id FROM `+words+` WHERE word = u.w AND (search_name, id) > ($2, $3::uuid)`+notWhole+`
                    ORDER BY search_name, id LIMIT $4) p`, args...)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, comparePos)
	all = slices.Compact(all)
	return all[:min(limit, len(all))], nil
}

// searchGIN finds a rare combination of common words through search_vec.
// The matches are read whole (MATERIALIZED) and sorted: left to plan the
// ORDER BY ... LIMIT, Postgres walks the name index, reckoning the matches
// spread over it, and names sharing words are not: "tran thi" are all
// past "tran thanh", 86% of the way through a million names (1.2 s, and
// 25 ms read through the index of search_vec).
func searchGIN(ctx context.Context, db DB, t Type, q nameQuery, after Position, limit int) ([]Position, error) {
	return positions(ctx, db, `WITH found AS MATERIALIZED (
    SELECT search_name, id FROM `+string(t)+` WHERE search_vec @@ to_tsquery('simple', $1) AND (search_name, id) > ($2, $3::uuid))
SELECT search_name, id::text FROM found ORDER BY search_name, id LIMIT $4`,
		q.tsquery(), after.Name, after.ID, limit)
}

func positions(ctx context.Context, db DB, sql string, args ...any) ([]Position, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("name search: %w", err)
	}
	defer rows.Close()
	var out []Position
	for rows.Next() {
		var p Position
		if err := rows.Scan(&p.Name, &p.ID); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func comparePos(a, b Position) int {
	return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
}

// docsInOrder loads the documents, as answered, of positions, in their order.
func docsInOrder(ctx context.Context, db DB, t Type, ps []Position) ([][]byte, error) {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	rows, err := db.Query(ctx, `SELECT p.id::text, `+answered+` FROM `+string(t)+` p WHERE p.id = ANY($1::uuid[])`, ids)
	if err != nil {
		return nil, fmt.Errorf("load %s documents: %w", t, err)
	}
	defer rows.Close()
	byID := make(map[string][]byte, len(ps))
	for rows.Next() {
		var id string
		var doc []byte
		if err := rows.Scan(&id, &doc); err != nil {
			return nil, err
		}
		byID[id] = doc
	}
	docs := make([][]byte, 0, len(ps))
	for _, p := range ps {
		if d, ok := byID[p.ID]; ok {
			docs = append(docs, d)
		}
	}
	return docs, rows.Err()
}
