package service

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// Export is a validated export ready to stream: its name, column headers
// and the rows, read from the database as they are written out.
type Export struct {
	Name    string
	Columns []string
	// Types are the columns' types, in order: a date or a number a
	// workbook can write as one ("" for text). The cells are written as the
	// importer reads them back either way.
	Types []party.FieldType
	// Rows calls yield with each row's cells, in search order.
	Rows func(ctx context.Context, yield func([]string) error) error
}

var (
	organisationColumns = []string{"id", "name", "kinds", "tax_code", "province", "current_province", "district", "ward", "address",
		"phones", "emails", "website", "stage", "tags", "owner_id", "next_action_on", "supervising_unit", "notes", "force_reason"}
	personColumns = []string{"id", "full_name", "phones", "emails", "zalo_id", "birthday", "important_dates", "workplace", "title",
		"parent_of", "guardian_of", "related_to", "consent:email", "consent:sms", "consent:zalo", "consent:phone", "tags", "owner_id", "next_action_on", "notes", "force_reason"}
	// consentChannels are the channels of the consent columns, in order.
	consentChannels = []party.Channel{party.ChannelEmail, party.ChannelSMS, party.ChannelZalo, party.ChannelPhone}
)

// Export streams every party matching q, not one page, in the order of its
// list (the dates within a window by the soonest's day, the follow-ups due
// by day, then name); the people of a list of the dates within a window
// with the columns of their upcoming dates (upcomingColumns). Lists are joined
// with "; ", which the importer splits again. A party another links to is
// written by name, as people read it, with what tells it from others of
// that name in brackets, which the importer looks up: an organisation's id
// (a supervising unit, a workplace), a relative's phone, email or id. A
// person's workplaces and their titles are joined in the same order.
func (p *Parties[T]) Export(ctx context.Context, q Query) (Export, error) {
	name, cols := "people", personColumns
	var fields FieldDefinitions
	if p.k.custom != nil { // a column per custom field, and a filter may name one
		var err error
		if fields, err = p.s.FieldDefinitions(ctx); err != nil {
			return Export{}, err
		}
		name, cols = "organizations", organisationColumns
	}
	today := p.s.today() // one day for the window and the dates written
	f, err := q.Filter(p.k.table, today, fields.Schema)
	if err != nil {
		return Export{}, err
	}
	custom := fields.Schema.Names()
	cols = slices.Clone(cols)
	for _, c := range custom {
		cols = append(cols, "custom:"+c) // the header the importer reads the field under
	}
	upcoming := q.DatesWithin != 0 && p.k.table == store.Person
	if upcoming { // beside the name: who, which date, when
		cols = slices.Insert(cols, upcomingAt, upcomingColumns...)
	}
	types := make([]party.FieldType, len(cols))
	for i, c := range cols {
		switch name, isCustom := strings.CutPrefix(c, "custom:"); {
		case c == "birthday", c == "next_action_on", c == "upcoming_date", c == "upcoming_on":
			types[i] = party.FieldDate
		case c == "upcoming_in_days", c == "upcoming_turns":
			types[i] = party.FieldNumber
		case isCustom:
			types[i] = fields.Schema.TypeOf(name)
		}
	}
	return Export{Name: name, Columns: cols, Types: types, Rows: func(ctx context.Context, yield func([]string) error) error {
		return store.Export(ctx, p.s.Pool, p.k.table, f, func(doc []byte, names map[string]string) error {
			var v T
			if err := json.Unmarshal(doc, &v); err != nil {
				return fmt.Errorf("export: decode %s: %w", p.k.table, err)
			}
			cells := exportCells(v, names)
			if o, ok := any(v).(party.Organisation); ok {
				for _, c := range custom {
					cells = append(cells, customCell(o.CustomFields[c]))
				}
			}
			if person, ok := any(v).(party.Person); ok && upcoming {
				cells = slices.Insert(cells, upcomingAt, upcomingCells(person.UpcomingDates(today, q.DatesWithin))...)
			}
			return yield(cells)
		})
	}}, nil
}

// SegmentExport streams the parties a saved segment selects now.
func (s *Service) SegmentExport(ctx context.Context, id string) (Export, error) {
	seg, q, err := s.savedQuery(ctx, id)
	if err != nil {
		return Export{}, err
	}
	var exp Export
	if seg.Resource == "people" {
		exp, err = s.People.Export(ctx, q)
	} else {
		exp, err = s.Organisations.Export(ctx, q)
	}
	exp.Name = seg.Name // the file is named as the list staff saved
	return exp, err
}

// customCell writes a custom field's value as the importer reads it back.
func customCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		return x
	}
	return fmt.Sprint(v) // a bool: true or false
}

// consentCell writes a consent as the importer reads it back: the decision,
// when (to the nanosecond, in the zone it was given in) and where; blank
// when the person never decided.
func consentCell(c party.Consent) string {
	if c.At.IsZero() {
		return ""
	}
	decision := "refused"
	if c.Granted {
		decision = "granted"
	}
	return decision + "; " + c.At.Format(time.RFC3339Nano) + "; " + c.Source
}

// exportCells returns a party's row; names are the names of the parties it
// links to, as the importer reads them back, by id (an id with no name is
// written as is).
func exportCells(v any, names map[string]string) []string {
	join := func(s []string) string { return strings.Join(s, "; ") }
	name := func(id string) string { return cmp.Or(names[id], id) }
	switch x := v.(type) {
	case party.Organisation:
		kinds := make([]string, len(x.Kinds))
		for i, k := range x.Kinds {
			kinds[i] = string(k)
		}
		return []string{x.ID, x.Name, join(kinds), x.TaxCode, x.Province, x.CurrentProvince, x.District, x.Ward, x.Address,
			join(x.Phones), join(x.Emails), x.Website, string(x.Stage), join(x.Tags), x.OwnerID, x.NextActionOn.String(), name(x.SupervisingUnitID), x.Notes, x.ForceReason}
	case party.Person:
		birthday := ""
		if !x.Birthday.IsZero() {
			birthday = x.Birthday.String()
		}
		var workplaces, titles []string
		relatives := map[party.RelationKind][]string{}
		for _, r := range x.Relationships {
			switch r.Kind {
			case party.RelWorksAt:
				workplaces, titles = append(workplaces, name(r.PartyID)), append(titles, r.Title)
			case party.RelRelatedTo:
				relatives[r.Kind] = append(relatives[r.Kind], r.Label+": "+name(r.PartyID))
			default:
				relatives[r.Kind] = append(relatives[r.Kind], name(r.PartyID))
			}
		}
		title := ""
		if slices.ContainsFunc(titles, func(t string) bool { return t != "" }) {
			title = join(titles) // a blank one keeps its place: "; Giáo viên"
		}
		dates := make([]string, len(x.ImportantDates))
		for i, d := range x.ImportantDates {
			dates[i] = d.Label + ": " + d.Date.String()
		}
		cells := []string{x.ID, x.FullName, join(x.Phones), join(x.Emails), x.ZaloID, birthday, join(dates), join(workplaces), title,
			join(relatives[party.RelParentOf]), join(relatives[party.RelGuardianOf]), join(relatives[party.RelRelatedTo])}
		for _, ch := range consentChannels {
			cells = append(cells, consentCell(x.Consents[ch]))
		}
		return append(cells, join(x.Tags), x.OwnerID, x.NextActionOn.String(), x.Notes, x.ForceReason)
	}
	return nil
}
