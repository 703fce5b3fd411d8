package service

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/postgres"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// MaxBulk bounds the parties one bulk change may touch, so that its single
// transaction holds its row locks for seconds, not minutes. A variable only
// so that a test can lower it.
var MaxBulk = 10_000

// BulkChange is one change made to every party a filter or a saved segment
// selects: the 3,500 parents picked out as likely to enrol are tagged at
// once, a list of schools moves to the next stage.
type BulkChange struct {
	// Filter or SegmentID (exactly one) selects the parties, as a search
	// or the segment would now.
	Filter     *Query   `json:"filter,omitempty"`
	SegmentID  string   `json:"segment_id,omitempty"`
	AddTags    []string `json:"add_tags,omitempty"`
	RemoveTags []string `json:"remove_tags,omitempty"`
	// Stage is the lifecycle stage to set (organisations only).
	Stage string `json:"stage,omitempty"`
	// CustomFields are custom field values to set, or with null to remove
	// (organisations only), as a JSON merge patch of each organisation's
	// custom_fields: a level given to a list of schools at once, or the
	// values of a field to retire cleared so that an admin can remove it.
	CustomFields map[string]any `json:"custom_fields,omitempty"`
}

// BulkResult says how many parties the selection held and how many of them
// the change changed (a party that already had the tag is not changed).
type BulkResult struct {
	// ID names the change on the history entries it wrote (bulk_id).
	ID      string `json:"id"`
	Matched int    `json:"matched"`
	Changed int    `json:"changed"`
}

// Bulk applies c to every party it selects, in one transaction: each
// changed party gets its history entry and its updated event, and either
// every party is changed or none is. The parties are read, written, and
// their history and events appended in one statement each, whatever their
// number: a tag or a stage is neither a name, a key nor a link, so none of
// the per-party checks of an edit applies.
func (p *Parties[T]) Bulk(ctx context.Context, c BulkChange) (BulkResult, error) {
	var res BulkResult
	f, err := p.bulkSelection(ctx, c)
	if err != nil {
		return res, err
	}
	actor, now, id := Actor(ctx), p.s.now(), event.NewID().String()
	err = postgres.InTx(ctx, p.s.Pool, func(tx pgx.Tx) error {
		// The fields are held before any party is locked, as every write
		// of an organisation holds them, so that no lock waits on another
		// in the opposite order.
		var fields party.CustomFieldSchema
		if len(c.CustomFields) > 0 {
			var err error
			if fields, err = p.fields(ctx, tx); err != nil {
				return err
			}
			if err := definedFields(fields, c.CustomFields); err != nil {
				return err
			}
		}
		// Locked in id order, as a hand-over locks, so that two bulk
		// changes cannot deadlock.
		selected, err := store.LockSelected(ctx, tx, p.k.table, f, MaxBulk+1)
		if err != nil {
			return err
		}
		if len(selected) > MaxBulk {
			field := "filter"
			if c.SegmentID != "" {
				field = "segment_id"
			}
			return problem.Invalid("too many parties for one bulk change", problem.FieldError{Field: field,
				Message: fmt.Sprintf("selects more than %d parties, which one bulk change takes at most: narrow the selection", MaxBulk)})
		}
		res = BulkResult{ID: id, Matched: len(selected)}
		// Its history entries carry its id: an import's undo tells them
		// from work with the customer (store.UntouchedImports).
		w := rewrites{bulkID: id}
		var refusals refusals
		for _, d := range selected {
			var before T
			if err := json.Unmarshal(d.Doc, &before); err != nil {
				return fmt.Errorf("decode %s %s: %w", p.k.table, d.ID, err)
			}
			next, refused := applyBulk(p.k, c, fields, before)
			if len(refused) > 0 {
				refusals.add(refused, p.k.columns(before).Name, d.ID)
				continue
			}
			if _, err := rewrite(p.s, p.k, &w, d.ID, before, next, now); err != nil {
				return err
			}
		}
		if len(refusals) > 0 {
			return refusals.invalid(len(selected))
		}
		res.Changed = len(w.docs)
		return w.save(ctx, tx, p.k.table, actor, now)
	})
	return res, err
}

// applyBulk returns v with c's tags, stage and custom fields, checked
// against fields, and why v cannot take its custom fields, by field.
func applyBulk[T any](k kind[T], c BulkChange, fields party.CustomFieldSchema, v T) (T, map[string]string) {
	tags := k.tags(&v)
	*tags = party.Retag(*tags, c.AddTags, c.RemoveTags)
	if c.Stage != "" {
		*k.stage(&v) = party.Stage(c.Stage)
	}
	if len(c.CustomFields) == 0 {
		return v, nil
	}
	return k.custom(v, fields, c.CustomFields)
}

// definedFields refuses the custom fields of set that no kind defines, for
// a value: a typing mistake would otherwise be reported against every
// organisation selected. Removing one is allowed: it may be a value kept
// from an earlier schema.
func definedFields(fields party.CustomFieldSchema, set map[string]any) error {
	names := fields.Names()
	var bad []problem.FieldError
	for _, name := range slices.Sorted(maps.Keys(set)) {
		if set[name] != nil && !slices.Contains(names, name) {
			bad = append(bad, problem.FieldError{Field: "custom_fields." + name,
				Message: "is no custom field of any kind of organisation: they are " + strings.Join(names, ", ")})
		}
	}
	if len(bad) > 0 {
		return problem.Invalid("the bulk change names an unknown custom field", bad...)
	}
	return nil
}

// refusals counts the selected parties that cannot take a bulk change's
// custom fields, by field and reason, with a few of them for example.
type refusals map[problem.FieldError]*refusal

type refusal struct {
	count    int
	examples []string
}

const refusalExamples = 3

func (r *refusals) add(refused map[string]string, name, id string) {
	if *r == nil {
		*r = refusals{}
	}
	for field, msg := range refused {
		key := problem.FieldError{Field: "custom_fields." + field, Message: msg}
		f := (*r)[key]
		if f == nil {
			f = &refusal{}
			(*r)[key] = f
		}
		f.count++
		if len(f.examples) < refusalExamples {
			f.examples = append(f.examples, fmt.Sprintf("%q (%s)", name, id))
		}
	}
}

// invalid is the 422 of a bulk change of selected parties that some of
// them cannot take: nothing is changed, and each field says how many
// refuse it and which.
func (r refusals) invalid(selected int) error {
	bad := make([]problem.FieldError, 0, len(r))
	for key, f := range r {
		bad = append(bad, problem.FieldError{Field: key.Field,
			Message: fmt.Sprintf("%s for %d of the %d organisations selected, such as %s: narrow the selection or change the value",
				key.Message, f.count, selected, strings.Join(f.examples, ", "))})
	}
	slices.SortFunc(bad, func(a, b problem.FieldError) int {
		return cmp.Or(cmp.Compare(a.Field, b.Field), cmp.Compare(a.Message, b.Message))
	})
	return problem.Invalid("the bulk change does not fit every organisation selected", bad...)
}

// bulkSelection checks c and returns the filter that selects its parties.
func (p *Parties[T]) bulkSelection(ctx context.Context, c BulkChange) (store.Filter, error) {
	var bad []problem.FieldError
	if len(c.AddTags)+len(c.RemoveTags) == 0 && c.Stage == "" && len(c.CustomFields) == 0 {
		bad = append(bad, problem.FieldError{Field: "add_tags", Message: "a bulk change needs add_tags, remove_tags, stage or custom_fields"})
	}
	if len(c.CustomFields) > 0 && p.k.custom == nil {
		bad = append(bad, problem.FieldError{Field: "custom_fields", Message: "people have no custom fields"})
	}
	// A blank tag would be dropped from every party: a change that reads
	// as done and did nothing.
	const blank = "is blank: name a tag"
	added := map[string]bool{}
	for i, t := range c.AddTags {
		added[party.TagKey(t)] = true
		field := fmt.Sprintf("add_tags[%d]", i)
		if party.TagKey(t) == "" {
			bad = append(bad, problem.FieldError{Field: field, Message: blank})
		} else if err := party.CheckTag(t); err != nil {
			bad = append(bad, problem.FieldError{Field: field, Message: err.Error()})
		}
	}
	for i, t := range c.RemoveTags {
		field := fmt.Sprintf("remove_tags[%d]", i)
		switch {
		case party.TagKey(t) == "":
			bad = append(bad, problem.FieldError{Field: field, Message: blank})
		case added[party.TagKey(t)]:
			bad = append(bad, problem.FieldError{Field: field, Message: "is also in add_tags"})
		}
	}
	switch {
	case c.Stage == "":
	case p.k.stage == nil:
		bad = append(bad, problem.FieldError{Field: "stage", Message: "people have no stage"})
	case !party.Stage(c.Stage).Valid():
		bad = append(bad, problem.FieldError{Field: "stage", Message: "must be one of lead, prospect, customer, inactive"})
	}
	q, err := p.bulkQuery(ctx, c)
	if err != nil {
		return store.Filter{}, err
	}
	f, err := p.s.filter(ctx, p.s.Pool, p.k.table, q, store.ReadFields, p.s.today())
	if err != nil {
		var fp *problem.Problem
		if !errors.As(err, &fp) {
			return f, err
		}
		for _, e := range fp.Errors {
			if c.SegmentID != "" {
				bad = append(bad, problem.FieldError{Field: "segment_id", Message: "its filter's " + e.Field + " " + e.Message})
				continue
			}
			bad = append(bad, problem.FieldError{Field: "filter." + e.Field, Message: e.Message})
		}
	}
	if len(bad) > 0 {
		return f, problem.Invalid("the bulk change is not valid", bad...)
	}
	return f, nil
}

// bulkQuery is c's selection as a query: its filter, or its segment's.
func (p *Parties[T]) bulkQuery(ctx context.Context, c BulkChange) (Query, error) {
	switch {
	case (c.Filter == nil) == (c.SegmentID == ""):
		return Query{}, problem.Invalid("say which parties to change", problem.FieldError{Field: "filter", Message: "send either filter or segment_id"})
	case c.Filter != nil && *c.Filter == (Query{}):
		// An empty filter selects everyone: far more likely a mistake
		// than the intent, and the same change is a segment away.
		return Query{}, problem.Invalid("an empty filter selects every party", problem.FieldError{Field: "filter", Message: "must set at least one condition"})
	case c.Filter != nil:
		return *c.Filter, nil
	}
	if !party.ValidID(c.SegmentID) {
		return Query{}, problem.Invalid("no such segment", problem.FieldError{Field: "segment_id", Message: "is not a segment id"})
	}
	seg, q, err := p.s.savedQuery(ctx, c.SegmentID)
	if errors.Is(err, store.ErrNotFound) {
		return q, problem.Invalid("no such segment", problem.FieldError{Field: "segment_id", Message: "is not a saved segment"})
	}
	if err == nil && segmentType(seg.Resource) != p.k.table {
		return q, problem.Invalid("the segment selects other parties", problem.FieldError{Field: "segment_id", Message: "is a segment of " + seg.Resource})
	}
	return q, err
}
