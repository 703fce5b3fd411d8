package service

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// Query is a search: free text q plus filters.
type Query struct {
	Q           string `json:"q,omitempty"`
	Kind        string `json:"kind,omitempty"`
	Stage       string `json:"stage,omitempty"`
	Tag         string `json:"tag,omitempty"`
	Owner       string `json:"owner,omitempty"`
	Province    string `json:"province,omitempty"`
	Supervising string `json:"supervising_unit,omitempty"`
	// Under selects the organisations below this one at any depth: every
	// Phòng and school under a Sở, where supervising_unit selects the
	// units directly below it.
	Under         string `json:"under,omitempty"`
	NextActionDue string `json:"next_action_due,omitempty"` // YYYY-MM-DD: next action on or before
	// DatesWithin selects people whose birthday or an important date falls
	// within this many days from today (1 is today only); a saved segment
	// keeps the window, so "birthdays this week" moves with the calendar.
	DatesWithin int `json:"dates_within,omitempty"`
	// LinkedTo selects the people whose relationships name this party: the
	// staff of a school, the parents of a student. A merged party's id
	// names its survivor.
	LinkedTo string `json:"linked_to,omitempty"`
	// Relationship selects people by a kind of link they have (parent_of:
	// every parent), or, with LinkedTo, by how they are linked to it.
	Relationship string `json:"relationship,omitempty"`
	// LinkedToTag selects the people whose relationships name a party
	// carrying this tag: with relationship=parent_of, the parents of a
	// class whose students an import tagged "6A1 2026".
	LinkedToTag string `json:"linked_to_tag,omitempty"`
	// Missing selects the parties lacking each of these comma-separated
	// gaps (party.OrganisationGaps, party.PersonGaps): the units to
	// complete before a course, the parents no channel reaches.
	Missing string `json:"missing,omitempty"`
}

// organisationOnly and peopleOnly are the filters that apply to one
// resource: on the other they could only ever select nothing.
var (
	organisationOnly = []string{"kind", "stage", "province", "supervising_unit", "under"}
	peopleOnly       = []string{"dates_within", "linked_to", "relationship", "linked_to_tag"}
)

// set lists the filters q sets, by their parameter names.
func (q Query) set() []string {
	var out []string
	for name, v := range map[string]bool{"kind": q.Kind != "", "stage": q.Stage != "", "province": q.Province != "",
		"supervising_unit": q.Supervising != "", "under": q.Under != "", "dates_within": q.DatesWithin != 0, "linked_to": q.LinkedTo != "",
		"relationship": q.Relationship != "", "linked_to_tag": q.LinkedToTag != ""} {
		if v {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// Filter turns a query over parties of type t into a store filter: q
// matches folded name words, the last by prefix (store.Search lists the
// names holding it whole first), or whatever else party.ReadSearch
// reads it as (a phone, email or tax code in any written form, the end of
// a phone, an email domain, a Zalo id); dates_within counts from today;
// a custom field gap (missing=custom:level) must be a field of fields.
func (q Query) Filter(t store.Type, today party.Date, fields party.CustomFieldSchema) (store.Filter, error) {
	f := store.Filter{Kind: q.Kind, Stage: q.Stage, Tag: party.TagKey(q.Tag), Owner: q.Owner, Supervising: q.Supervising, Under: q.Under,
		LinkedTo: q.LinkedTo, Relationship: q.Relationship, LinkedToTag: party.TagKey(q.LinkedToTag)}
	// A filter value that can match nothing is a mistake worth saying, not
	// an empty page.
	var bad []problem.FieldError
	other, resource, gaps := peopleOnly, "organisations", fields.OrganisationGaps()
	if t == store.Person {
		other, resource, gaps = organisationOnly, "people", party.PersonGaps
	}
	for _, name := range q.set() {
		if slices.Contains(other, name) {
			bad = append(bad, problem.FieldError{Field: name, Message: "does not apply to " + resource})
		}
	}
	if q.DatesWithin != 0 {
		if q.DatesWithin < 1 || q.DatesWithin > party.MaxReminderWindow {
			bad = append(bad, problem.FieldError{Field: "dates_within", Message: party.ReminderWindowRule()})
		}
		f.ReminderDays, f.ReminderOn = window(today, q.DatesWithin)
	}
	if q.Owner != "" {
		// An owner no staff member can be lists nobody, as if they owned nothing.
		bad = append(bad, staffIDFields("owner", q.Owner)...)
	}
	if q.Tag != "" && f.Tag == "" {
		bad = append(bad, problem.FieldError{Field: "tag", Message: "is blank: name a tag"})
	}
	if q.LinkedToTag != "" && f.LinkedToTag == "" {
		bad = append(bad, problem.FieldError{Field: "linked_to_tag", Message: "is blank: name a tag"})
	}
	if q.Kind != "" && !party.Kind(q.Kind).Valid() {
		bad = append(bad, problem.FieldError{Field: "kind", Message: "must be one of unit, supervising_unit, partner, vendor, school"})
	}
	if q.Stage != "" && !party.Stage(q.Stage).Valid() {
		bad = append(bad, problem.FieldError{Field: "stage", Message: "must be one of lead, prospect, customer, inactive"})
	}
	if q.Supervising != "" && !party.ValidID(q.Supervising) {
		bad = append(bad, problem.FieldError{Field: "supervising_unit", Message: "must be an organisation id"})
	}
	if q.Under != "" && !party.ValidID(q.Under) {
		bad = append(bad, problem.FieldError{Field: "under", Message: "must be an organisation id"})
	}
	if q.LinkedTo != "" && !party.ValidID(q.LinkedTo) {
		bad = append(bad, problem.FieldError{Field: "linked_to", Message: "must be the id of an organisation or a person"})
	}
	if q.Relationship != "" && !party.RelationKind(q.Relationship).Valid() {
		bad = append(bad, problem.FieldError{Field: "relationship", Message: "must be one of works_at, parent_of, guardian_of, related_to"})
	}
	if q.Missing != "" {
		var unknown string
		if f.Missing, unknown = party.ParseGaps(q.Missing, gaps); unknown != "" {
			bad = append(bad, problem.FieldError{Field: "missing", Message: fmt.Sprintf("%q is not something %s may lack: one or more of %s, separated by commas",
				unknown, resource, strings.Join(gaps, ", "))})
		}
		for _, gap := range f.Missing {
			if name, ok := strings.CutPrefix(gap, party.CustomGapPrefix); ok {
				if f.CustomKinds == nil {
					f.CustomKinds = map[string][]string{}
				}
				for _, k := range fields.KindsDefining(name) {
					f.CustomKinds[gap] = append(f.CustomKinds[gap], string(k))
				}
			}
		}
	}
	if q.Province != "" {
		f.Province = q.Province
		cur, ok := party.CurrentProvince(q.Province)
		if !ok {
			// It matches nothing stored, as a party's province is refused
			// unless known: an empty page would read as "none there".
			bad = append(bad, problem.FieldError{Field: "province", Message: party.UnknownProvince})
		}
		f.Province = cur
	}
	if q.NextActionDue != "" {
		// "today" moves with the calendar, as dates_within does, so a
		// segment of the follow-ups due is still right tomorrow.
		var d party.Date
		var err error
		switch q.NextActionDue {
		case "today":
			d = today
		default:
			d, err = party.ParseDate(q.NextActionDue)
		}
		if err != nil {
			bad = append(bad, problem.FieldError{Field: "next_action_due", Message: err.Error() + `, or "today"`})
		}
		f.NextActionDue = nextActionTime(d)
	}
	if len(bad) > 0 {
		return f, problem.Invalid("bad filter", bad...)
	}
	if strings.TrimSpace(q.Q) != "" {
		text := party.ReadSearch(q.Q)
		if text.Name {
			f.NameWords = strings.Fields(nonWord.ReplaceAllString(party.Fold(q.Q), " "))
		}
		f.Keys = keyStrings(text.Keys)
		f.PhoneEnd, f.EmailDomain = text.PhoneEnd, text.EmailDomain
		// Only people have a Zalo id, and only one the index holds is found.
		if t == store.Person && len(text.ZaloID) <= store.MaxZaloID {
			f.ZaloID = text.ZaloID
		}
		if len(f.NameWords) == 0 && len(f.Keys) == 0 && f.PhoneEnd == "" && f.EmailDomain == "" && f.ZaloID == "" {
			f.Keys = []string{"none:"} // nothing searchable matches nothing
		}
	}
	return f, nil
}

// Search lists parties matching q after the cursor position; a list of
// the dates within a window answers each person's (withUpcoming).
func (p *Parties[T]) Search(ctx context.Context, q Query, after *store.Position, limit int) ([]T, []store.Position, error) {
	today := p.s.today() // one day for the window and the dates answered
	f, err := p.s.filter(ctx, p.s.Pool, p.k.table, q, store.ReadFields, today)
	if err != nil {
		return nil, nil, err
	}
	docs, pos, err := store.Search(ctx, p.s.Pool, p.k.table, f, after, limit)
	if err != nil {
		return nil, nil, err
	}
	out := make([]T, len(docs))
	page := make([]*T, len(docs))
	for i, d := range docs {
		if err := jsonUnmarshal(d, &out[i]); err != nil {
			return nil, nil, err
		}
		withUpcoming(&out[i], q, today)
		page[i] = &out[i]
	}
	return out, pos, named(ctx, p.s.Pool, page...)
}
