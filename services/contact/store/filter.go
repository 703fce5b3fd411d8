package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Filter selects parties. A party is selected if its name has NameWords
// (folded, party.Fold), or it holds one of Keys (party_key keys the query
// could be, party.Key.String), a phone ending in the digits PhoneEnd, an
// email at EmailDomain (lower case), or (people) the Zalo id ZaloID (of
// up to MaxZaloID bytes).
type Filter struct {
	NameWords   []string
	Keys        []string
	PhoneEnd    string
	EmailDomain string
	ZaloID      string
	Kind        string
	Stage       string
	Tag         string
	Owner       string
	Province    string
	Supervising string
	// Under selects the organisations below this one at any depth.
	Under         string
	NextActionDue *time.Time
	// ReminderDays selects people with a yearly reminder on one of these
	// days of the year (party.MonthDay); ReminderOn, one for each, is the
	// day (midnight UTC) it falls on within the window (party.Window), by
	// which they are listed.
	ReminderDays []int16
	ReminderOn   []time.Time
	// reminderPart, when set, narrows the people ReminderDays selects to
	// those with a date on these (searchByReminder).
	reminderPart []int16
	// LinkedTo selects people whose relationships name this party, or the
	// survivor it was merged into; Relationship, people with a link of this
	// kind (to LinkedTo when both are set).
	LinkedTo     string
	Relationship string
	// LinkedToTag selects people with a link (of kind Relationship, when
	// set) to a party carrying this tag key.
	LinkedToTag string
	// Missing selects parties lacking every one of these gaps
	// (party.OrganisationGaps, party.PersonGaps, or a custom field's).
	Missing []string
	// CustomKinds are, for each custom field gap among Missing
	// ("custom:level"), the organisation kinds that carry the field: only
	// their organisations lack it.
	CustomKinds map[string][]string
	// holderIDs are the parties holding the keys, if lookUpHolders found
	// them few (holdersKnown).
	holderIDs    []string
	holdersKnown bool
	// tier narrows a name search to one of its tiers (nameTier).
	tier nameTier
}

// Position is where a page ends: the last item's sort key. A list of the
// follow-ups due is sorted by their day first (Due, YYYY-MM-DD), one of
// the dates within a window by the day the soonest falls on (On), any
// other by name (Filter.listing). A name search lists the parties its name
// matches only by a prefix (Prefix) after the others (nameTier), each tier
// in that order.
//
// A cursor carries the tier, the follow-up's day (a date staff set to
// work on, no fact about the customer) and the id, never the name nor
// the day of a birthday or an important date: a cursor lands in URLs,
// browser histories and proxy logs. Search reads those from the row the
// id names (anchor.go), so a renamed party's page goes on from its new
// place.
type Position struct {
	Prefix bool   `json:"p,omitempty"`
	Due    string `json:"d,omitempty"`
	ID     string `json:"i"`
	Name   string `json:"-"`
	On     string `json:"-"`
	// unread: Name and On are still to be read from the row ID names (a
	// position decoded from a cursor, as Search receives it).
	unread bool
}

// resolve returns f with what it names looked up before the query: the
// survivors of merged parties it names, and the few parties holding its
// keys (lookUpHolders).
func (f Filter) resolve(ctx context.Context, db DB, t Type) (Filter, error) {
	f, err := f.survivors(ctx, db)
	if err != nil {
		return f, err
	}
	return f.lookUpHolders(ctx, db, t)
}

// survivors returns f with the parties it names (linked_to,
// supervising_unit) replaced by their survivors if they were merged, as
// the links to them were. They are looked up before the query rather than
// inside it, so the planner sees the id itself and plans for a school's
// ten teachers, not for a value any number of people might hold.
func (f Filter) survivors(ctx context.Context, db DB) (Filter, error) {
	for _, id := range []*string{&f.LinkedTo, &f.Supervising, &f.Under} {
		if *id == "" {
			continue
		}
		err := db.QueryRow(ctx, `SELECT survivor_id::text FROM party_alias WHERE alias_id = $1`, *id).Scan(id)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return f, fmt.Errorf("resolve alias %s: %w", *id, err)
		}
	}
	return f, nil
}

func (f Filter) where(t Type) (string, []any) {
	var conds []string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	var or []string
	if len(f.NameWords) > 0 {
		or = append(or, "p.search_vec @@ to_tsquery('simple', "+arg(f.nameQuery().tsquery())+")")
	}
	if held := f.held(t, arg); held != "" {
		or = append(or, held)
	}
	if len(or) > 0 {
		conds = append(conds, "("+strings.Join(or, " OR ")+")")
	}
	if f.Kind != "" {
		conds = append(conds, "p.kinds @> ARRAY["+arg(f.Kind)+"::text]")
	}
	if f.Stage != "" {
		conds = append(conds, "p.stage = "+arg(f.Stage))
	}
	if f.Tag != "" {
		conds = append(conds, "p.tags @> ARRAY["+arg(f.Tag)+"::text]")
	}
	if f.Owner != "" {
		conds = append(conds, "p.owner_id = "+arg(f.Owner))
	}
	if f.Province != "" {
		conds = append(conds, "p.province = "+arg(f.Province))
	}
	if f.Under != "" {
		// Units cannot supervise each other round (SupervisingChain), and
		// UNION drops a unit met twice besides.
		conds = append(conds, `p.id IN (WITH RECURSIVE below AS (SELECT id FROM organization WHERE supervising_unit_id = `+arg(f.Under)+`::uuid
 UNION SELECT o.id FROM organization o JOIN below b ON o.supervising_unit_id = b.id) SELECT id FROM below)`)
	}
	if f.Supervising != "" {
		conds = append(conds, "p.supervising_unit_id = "+arg(f.Supervising)+"::uuid")
	}
	if f.NextActionDue != nil {
		conds = append(conds, "p.next_action_on <= "+arg(*f.NextActionDue))
	}
	if f.ReminderDays != nil {
		days := f.ReminderDays
		if f.reminderPart != nil {
			days = f.reminderPart
		}
		conds = append(conds, "p.reminder_days && "+arg(days)+"::smallint[]")
	}
	if f.LinkedTo != "" {
		// The expressions of person_links_idx and person_link_kinds_idx.
		id := arg(f.LinkedTo)
		conds = append(conds, "jsonb_path_query_array(p.doc, '$.relationships[*].party_id') ? "+id)
		if f.Relationship != "" {
			// Both in one link: a parent who teaches at the school is not
			// the school's parent.
			conds = append(conds, "p.doc->'relationships' @> jsonb_build_array(jsonb_build_object('kind', "+arg(f.Relationship)+"::text, 'party_id', "+id+"::text))")
		}
	}
	if f.Relationship != "" {
		conds = append(conds, "jsonb_path_query_array(p.doc, '$.relationships[*].kind') ? "+arg(f.Relationship))
	}
	if f.LinkedToTag != "" {
		// The tagged parties are few (a class, a course's units) and found
		// by the tags' GIN indexes; the people linking to them by
		// person_links_idx, and the link's kind checked on each.
		tagged := `ARRAY(SELECT id::text FROM person WHERE tags @> ARRAY[` + arg(f.LinkedToTag) + `::text]
 UNION ALL SELECT id::text FROM organization WHERE tags @> ARRAY[` + arg(f.LinkedToTag) + `::text])`
		cond := "jsonb_path_query_array(p.doc, '$.relationships[*].party_id') ?| " + tagged
		if f.Relationship != "" {
			cond += " AND EXISTS (SELECT 1 FROM jsonb_array_elements(p.doc->'relationships') l WHERE l->>'kind' = " + arg(f.Relationship) +
				" AND l->>'party_id' = ANY(" + tagged + "))"
		}
		conds = append(conds, cond)
	}
	for _, gap := range f.Missing {
		conds = append(conds, gapCondition(gap, f.CustomKinds[gap], arg))
	}
	if len(conds) == 0 {
		return "TRUE", args
	}
	return strings.Join(conds, " AND "), args
}

// gapCondition is the condition of a party lacking gap. Documents omit an
// empty member, so most gaps are a member absent; a custom field's is
// lacked only by the kinds carrying it.
func gapCondition(gap string, kinds []string, arg func(any) string) string {
	if name, ok := strings.CutPrefix(gap, "custom:"); ok {
		return "NOT coalesce(p.doc->'custom_fields' ? " + arg(name) + ", false) AND p.kinds && " + arg(kinds) + "::text[]"
	}
	switch gap {
	case "works_at":
		return `NOT coalesce(p.doc->'relationships' @> '[{"kind":"works_at"}]', false)`
	case "consent":
		return `NOT jsonb_path_exists(p.doc, '$.consents.* ? (@.granted == true)')`
	case "supervising_unit":
		return "p.supervising_unit_id IS NULL"
	default:
		// A member name of party's lists is written as a literal, so that
		// the planner matches the partial index of a rare gap (migration
		// 00045, missing=zalo_id) whatever the query's parameters.
		if strings.Trim(gap, "abcdefghijklmnopqrstuvwxyz_") == "" {
			return "NOT (p.doc ? '" + gap + "')"
		}
		return "NOT (p.doc ? " + arg(gap) + ")"
	}
}
