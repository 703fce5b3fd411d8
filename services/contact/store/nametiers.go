package store

import (
	"context"
	"fmt"
	"slices"
)

// A name search lists its parties in two tiers. First those it finds
// whole: every word of the query is a whole word of the name ("hoa" finds
// "Hòa" and "Hóa" here, folded, but not "Hoàng"), or a key found the party
// (a phone's end, a Zalo id, an email domain) and its name does not match
// by a prefix alone. Then the parties whose name matches only because a
// word of it begins with the query's last word: the thousands of "Hoàng"
// (a very common family name) that would otherwise bury the one "Hoa"
// (a common given name) staff are looking for. Each tier is read by its
// own keyset query in name order, so a page costs about what it did when
// the search had one order, and a position says which tier it is in
// (Position.Prefix), so pages cross from one to the other exactly.
type nameTier int

const (
	// anyTier is the whole match, in no tier: counts, selections.
	anyTier nameTier = iota
	// wholeTier is the parties the search finds whole.
	wholeTier
	// prefixTier is the parties whose name matches only by a prefix.
	prefixTier
)

// tiers are the tiers a list of f's parties after `after` reads, in order:
// a name search's from the tier after is in, any other list whole, and so
// the dates within a window, which are listed by their day.
func (f Filter) tiers(after *Position) []nameTier {
	switch {
	case len(f.NameWords) == 0, f.byReminder():
		return []nameTier{anyTier}
	case after != nil && after.Prefix:
		return []nameTier{prefixTier}
	}
	return []nameTier{wholeTier, prefixTier}
}

// nameQuery is the match of f's name words in f's tier.
func (f Filter) nameQuery() nameQuery {
	switch f.tier {
	case wholeTier:
		return wholeWords(f.NameWords)
	case prefixTier:
		return prefixOnly(f.NameWords)
	}
	return newNameQuery(f.NameWords)
}

// held is the condition of a party holding one of f's keys, in f's tier,
// or "" if f names no key or its tier is the prefix tier, which a key
// does not find (a holder whose name matches by a prefix is there by its
// name).
func (f Filter) held(t Type, arg func(any) string) string {
	var cond string
	if f.holdersKnown {
		cond = "p.id = ANY(" + arg(f.holderIDs) + "::uuid[])"
	} else if held := f.holders(t, arg); held != "" {
		cond = "p.id IN (" + held + ")"
	}
	switch {
	case cond == "" || f.tier == prefixTier:
		return ""
	case f.tier == wholeTier:
		return "(" + cond + " AND " + notPrefixMatch(f.NameWords, arg) + ")"
	}
	return cond
}

// notPrefixMatch is the condition of a party p whose name does not match
// words by a prefix alone (prefixOnly): a key holder listed with the whole
// matches.
func notPrefixMatch(words []string, arg func(any) string) string {
	return "NOT p.search_vec @@ to_tsquery('simple', " + arg(prefixOnly(words).tsquery()) + ")"
}

// searchNameTiers returns up to limit positions after `after` of the
// parties f's name or keys match (f.onlyNameOrKeys): its whole tier, then
// its prefix tier, each through the word lists (searchByName).
func searchNameTiers(ctx context.Context, db DB, t Type, f Filter, after Position, limit int) ([]Position, error) {
	var out []Position
	if !after.Prefix {
		pos, err := searchByName(ctx, db, t, wholeWords(f.NameWords), &after, limit)
		if err != nil {
			return nil, fmt.Errorf("search %s by whole name words: %w", t, err)
		}
		if f.keyed() {
			// The parties holding a key, few as a rule, join the page
			// apart: in one query with the name, the OR would cost the
			// name search its word lists.
			held, err := searchByKeys(ctx, db, t, f, after, limit)
			if err != nil {
				return nil, err
			}
			pos = slices.Compact(slices.SortedFunc(slices.Values(append(pos, held...)), comparePos))
			pos = pos[:min(limit, len(pos))]
		}
		if len(pos) == limit {
			return pos, nil
		}
		out, after = pos, Position{Prefix: true, ID: "00000000-0000-0000-0000-000000000000"}
	}
	pos, err := searchByName(ctx, db, t, prefixOnly(f.NameWords), &after, limit-len(out))
	if err != nil {
		return nil, fmt.Errorf("search %s by name prefix: %w", t, err)
	}
	for i := range pos {
		pos[i].Prefix = true
	}
	return append(out, pos...), nil
}
