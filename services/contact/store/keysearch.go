package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Search by keys: the duplicate keys a query is (party_key), and the end
// of a phone, an email domain and a Zalo id, read through the indexes of
// migration 00031 on what every write already stores (the phone and email
// keys, the documents' Zalo ids).

// MaxZaloID is the longest Zalo id the index of people's Zalo ids
// (migration 00031) holds, and Filter.ZaloID finds, in bytes: a longer
// text (a note pasted into the field) would not fit an index entry.
const MaxZaloID = 256

// fewHolders is the most parties holding a filter's keys that are looked
// up before the query (lookUpHolders).
const fewHolders = 5000

// keyed reports whether f selects the parties holding some key.
func (f Filter) keyed() bool {
	return len(f.Keys) > 0 || f.PhoneEnd != "" || f.EmailDomain != "" || f.ZaloID != ""
}

// holders returns a query of the ids of the parties holding one of f's
// keys, or "" if f names none. It is one query, for one IN: with several
// INs ORed, every party would be checked against each.
func (f Filter) holders(t Type, arg func(any) string) string {
	if !f.keyed() {
		return ""
	}
	var held []string
	keys := func(cond string) {
		held = append(held, "SELECT party_id FROM party_key WHERE party_type = '"+string(t)+"' AND "+cond)
	}
	if len(f.Keys) > 0 {
		keys("key = ANY(" + arg(f.Keys) + ")")
	}
	if f.PhoneEnd != "" {
		// The keys of the phones ending in the digits are those whose
		// reverse starts with them reversed: one range of the index.
		from, to := startingWith(reverse(f.PhoneEnd))
		keys(`key LIKE 'phone:%' AND reverse(key) COLLATE "C" >= ` + arg(from) + ` AND reverse(key) COLLATE "C" < ` + arg(to))
	}
	if f.EmailDomain != "" {
		keys("key LIKE 'email:%' AND split_part(key, '@', -1) = " + arg(f.EmailDomain))
	}
	if f.ZaloID != "" {
		held = append(held, "SELECT id FROM person WHERE octet_length(doc->>'zalo_id') <= "+strconv.Itoa(MaxZaloID)+
			" AND doc->>'zalo_id' = "+arg(f.ZaloID))
	}
	return strings.Join(held, " UNION ALL ")
}

// lookUpHolders returns f with the parties holding its keys looked up
// before the query, if there are at most fewHolders: the query then holds
// their ids, and the planner reads them and sorts them. Inside the query,
// the planner guesses how many there are, from statistics that cannot
// know every school's email domain: guessing thousands where there are a
// hundred, it walks the whole name index for the first page (4 s over a
// million people). Past fewHolders, that walk is what a page takes.
func (f Filter) lookUpHolders(ctx context.Context, db DB, t Type) (Filter, error) {
	var args []any
	held := f.holders(t, func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) })
	if held == "" {
		return f, nil
	}
	rows, err := db.Query(ctx, `SELECT h.id::text FROM (`+held+`) AS h(id) LIMIT `+strconv.Itoa(fewHolders+1), args...)
	if err != nil {
		return f, fmt.Errorf("look up the %s holding keys: %w", t, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return f, fmt.Errorf("look up the %s holding keys: %w", t, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return f, fmt.Errorf("look up the %s holding keys: %w", t, err)
	}
	if len(ids) <= fewHolders {
		slices.Sort(ids)
		f.holderIDs, f.holdersKnown = slices.Compact(ids), true
	}
	return f, nil
}

// searchByKeys returns up to limit positions after `after` of the parties
// holding one of f's keys, in (search_name, id) order: those of a name
// search's whole tier, without the holders its name words match by a
// prefix alone (nameTier).
func searchByKeys(ctx context.Context, db DB, t Type, f Filter, after Position, limit int) ([]Position, error) {
	keys := Filter{Keys: f.Keys, PhoneEnd: f.PhoneEnd, EmailDomain: f.EmailDomain, ZaloID: f.ZaloID,
		holderIDs: f.holderIDs, holdersKnown: f.holdersKnown}
	where, args := keys.where(t)
	if len(f.NameWords) > 0 {
		where += " AND " + notPrefixMatch(f.NameWords, func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) })
	}
	args = append(args, after.Name, after.ID, limit)
	n := len(args)
	pos, err := positions(ctx, db, `SELECT p.search_name, p.id::text FROM `+string(t)+` p WHERE `+where+
		fmt.Sprintf(` AND (p.search_name, p.id) > ($%d, $%d::uuid) ORDER BY p.search_name, p.id LIMIT $%d`, n-2, n-1, n), args...)
	if err != nil {
		return nil, fmt.Errorf("search %s by keys: %w", t, err)
	}
	return pos, nil
}

// startingWith returns the range of the texts starting with prefix, in
// the "C" collation: from prefix to prefix with its last byte the next
// (the prefixes searched are digits).
func startingWith(prefix string) (from, to string) {
	last := len(prefix) - 1
	return prefix, prefix[:last] + string(rune(prefix[last]+1))
}

// reverse returns s with its characters in reverse order, as Postgres's
// reverse does.
func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}
