package store

import (
	"context"
	"errors"
	"fmt"
	"math"
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

// answered is the document of party p as answered: the stored one with
// the party's follow-up, which its interactions set (SetFollowUp) and the
// document never holds.
const answered = `p.doc || jsonb_strip_nulls(jsonb_build_object('next_action_on', p.next_action_on))`

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

// Search returns up to limit documents, as answered, after pos, in the
// order of f (Filter.listing): a name search's tiers (nameTier) and,
// inside each, by folded name and id, the follow-ups due by their day
// first; the dates within a window by the soonest's day first, untiered.
func Search(ctx context.Context, db DB, t Type, f Filter, after *Position, limit int) ([][]byte, []Position, error) {
	f, err := f.resolve(ctx, db, t)
	if err != nil {
		return nil, nil, err
	}
	if after != nil {
		after = &Position{Prefix: after.Prefix, Due: after.Due, ID: after.ID, unread: true}
	}
	if f.onlyNameOrKeys() {
		from := Position{ID: "00000000-0000-0000-0000-000000000000"}
		if after != nil {
			from = *after
		}
		pos, err := searchNameTiers(ctx, db, t, f, from, limit)
		if err != nil {
			return nil, nil, err
		}
		docs, err := docsInOrder(ctx, db, t, pos)
		return docs, pos, err
	}
	if f.byReminder() {
		return searchByReminder(ctx, db, t, f, after, limit)
	}
	var docs [][]byte
	var pos []Position
	for i, tier := range f.tiers(after) {
		if i > 0 {
			after = nil // a later tier is read from its start
		}
		f.tier = tier
		d, p, err := searchTier(ctx, db, t, f, after, limit-len(docs))
		if err != nil {
			return nil, nil, err
		}
		if len(d) == 0 && after != nil {
			// A page after a row that is gone is empty (anchorLives):
			// told apart here from the end of the tier.
			if err := checkAnchor(ctx, db, string(t), after.ID); err != nil {
				return nil, nil, err
			}
		}
		if docs, pos = append(docs, d...), append(pos, p...); len(docs) == limit {
			break
		}
	}
	return docs, pos, nil
}

// searchTier returns up to limit documents of f's tier, as answered,
// after `after` (nil: from the start), in the order of f (Filter.listing),
// by the general query.
func searchTier(ctx context.Context, db DB, t Type, f Filter, after *Position, limit int) ([][]byte, []Position, error) {
	l := f.listing(t)
	if after != nil {
		l.after(t, f, *after)
	}
	docs, pos, err := l.page(ctx, db, f, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("search %s: %w", t, err)
	}
	for i := range pos {
		pos[i].Prefix = f.tier == prefixTier
	}
	return docs, pos, nil
}

// Select returns the ids of the parties a filter selects, in no order.
func Select(ctx context.Context, db DB, t Type, f Filter) ([]string, error) {
	f, err := f.resolve(ctx, db, t)
	if err != nil {
		return nil, err
	}
	where, args := f.where(t)
	rows, err := db.Query(ctx, `SELECT p.id::text FROM `+string(t)+` p WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("select %s: %w", t, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// Count counts the parties a filter selects.
func Count(ctx context.Context, db DB, t Type, f Filter) (int64, error) {
	f, err := f.resolve(ctx, db, t)
	if err != nil {
		return 0, err
	}
	where, args := f.where(t)
	var n int64
	err = db.QueryRow(ctx, `SELECT count(*) FROM `+string(t)+` p WHERE `+where, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", t, err)
	}
	return n, nil
}

// Segment is a saved, named filter.
type Segment struct {
	ID        string    `json:"id" db:"id"`
	Name      string    `json:"name" db:"name"`
	Resource  string    `json:"resource" db:"resource"`
	Filter    []byte    `json:"-" db:"filter"`
	CreatedBy string    `json:"created_by" db:"created_by"`
	CreatedAt time.Time `json:"created_at" db:"created_at"`
}

// foldSQL folds a text as party.Fold does (migration 00022 folds tags
// alike): lower case, without diacritics, đ as d.
const foldSQL = `lower(translate(regexp_replace(normalize(%s, NFD), '[\u0300-\u036f]', '', 'g'), 'đĐ', 'dD'))`

// SegmentNamed returns the id of the segment of resource whose name folds
// as name does, if one is saved. It waits for any other transaction
// checking a name of the resource until that one ends, so two saving the
// same name at once cannot both find none.
func SegmentNamed(ctx context.Context, tx pgx.Tx, resource, name string) (string, bool, error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('contact.segment.' || $1))`, resource); err != nil {
		return "", false, fmt.Errorf("lock the segment names of %s: %w", resource, err)
	}
	var id string
	err := tx.QueryRow(ctx, `SELECT id::text FROM segment WHERE resource = $1 AND `+fmt.Sprintf(foldSQL, "name")+` = `+
		fmt.Sprintf(foldSQL, "$2::text")+` LIMIT 1`, resource, name).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("find the segment named %q: %w", name, err)
	}
	return id, true, nil
}

// InsertSegment saves a segment.
func InsertSegment(ctx context.Context, db DB, s Segment) error {
	_, err := db.Exec(ctx, `INSERT INTO segment (id, name, resource, filter, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6)`,
		s.ID, s.Name, s.Resource, s.Filter, s.CreatedBy, s.CreatedAt)
	return err
}

// GetSegment loads a segment.
func GetSegment(ctx context.Context, db DB, id string) (Segment, error) {
	rows, err := db.Query(ctx, `SELECT id::text, name, resource, filter, created_by, created_at FROM segment WHERE id=$1`, id)
	if err != nil {
		return Segment{}, err
	}
	s, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Segment])
	if err == pgx.ErrNoRows {
		return s, ErrNotFound
	}
	return s, err
}

// AllSegments lists every segment by name.
func AllSegments(ctx context.Context, db DB) ([]Segment, error) {
	return ListSegments(ctx, db, SegmentPosition{}, "", math.MaxInt32)
}

// SegmentPosition is where a page of segments starts: after the segment
// of this id, whose name, which a cursor does not carry, is read from its
// row (anchor.go). The zero position is the start of the list.
type SegmentPosition struct {
	ID string `json:"i"`
}

// ListSegments lists up to limit segments by folded name after position,
// those of resource only unless it is "". The page after a segment
// deleted since is ErrCursorGone.
func ListSegments(ctx context.Context, db DB, after SegmentPosition, resource string, limit int) ([]Segment, error) {
	// By the names folded, so "Ánh" sorts with "anh", not after "Zalo" as
	// bytes would have it; the position's name is folded by the same
	// expression.
	cond, args := "TRUE", []any{resource, limit}
	if after.ID != "" {
		name := fmt.Sprintf(foldSQL, "(SELECT name FROM segment WHERE id = $3::uuid)")
		cond = anchorLives("segment", "$3") + ` AND (` + fmt.Sprintf(foldSQL, "name") + `, id) > (` + name + `, $3::uuid)`
		args = append(args, after.ID)
	}
	rows, err := db.Query(ctx, `SELECT id::text, name, resource, filter, created_by, created_at FROM segment
WHERE `+cond+` AND ($1 = '' OR resource = $1) ORDER BY `+fmt.Sprintf(foldSQL, "name")+`, id LIMIT $2`, args...)
	if err != nil {
		return nil, fmt.Errorf("list segments: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[Segment])
	if err != nil {
		return nil, fmt.Errorf("list segments: %w", err)
	}
	if len(out) == 0 && after.ID != "" {
		if err := checkAnchor(ctx, db, "segment", after.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DeleteSegment removes a segment.
func DeleteSegment(ctx context.Context, db DB, id string) error {
	tag, err := db.Exec(ctx, `DELETE FROM segment WHERE id=$1`, id)
	if err == nil && tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return err
}
