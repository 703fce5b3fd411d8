package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/outbox"
	"github.com/rapportcrm/rapport/services/contact/importing"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// parentBatch is how many of a class list's parents one transaction finds
// or creates and links.
const parentBatch = 1000

// parentKinds are the kinds of link a class list gives a parent to a child.
var parentKinds = []party.RelationKind{party.RelParentOf, party.RelGuardianOf}

// childID is the id of the person the row at line of an import creates when
// the row names parents: derived from the job and the line, so that the
// parents, linked once every row is written, find their children after a
// restart as before it.
func childID(importID string, line int) string {
	return uuid.NewSHA1(uuid.MustParse(importID), []byte(strconv.Itoa(line))).String()
}

// storedParents groups the stored people holding a parent's keys by parent.
func storedParents(ps []*importing.Parent, holders []store.KeyHolder) map[*importing.Parent][]importing.StoredPerson {
	byKey := map[string][]store.KeyHolder{}
	for _, h := range holders {
		byKey[h.Key] = append(byKey[h.Key], h)
	}
	out := make(map[*importing.Parent][]importing.StoredPerson, len(ps))
	for _, p := range ps {
		var stored []importing.StoredPerson
		for _, k := range p.Keys {
			for _, h := range byKey[k.String()] {
				if !slices.ContainsFunc(stored, func(s importing.StoredPerson) bool { return s.ID == h.ID }) {
					stored = append(stored, importing.StoredPerson{ID: h.ID, Name: h.Name})
				}
			}
		}
		out[p] = stored
	}
	return out
}

func parentKeys(ps []*importing.Parent) []string {
	var keys []string
	for _, p := range ps {
		keys = append(keys, keyStrings(p.Keys)...)
	}
	return keys
}

// refuseParents returns, by index in pending, what refuses each row for
// the parents it names: the stored people make them impossible to tell
// (several hold their phones, or one does under another name, or none does
// and no row names them), or the row's student is already a stored child of
// one of them (importing.StoredStudent). Such a row is refused with its
// chunk, so that no student is created whose parents cannot be linked, nor
// one their parent already has.
func refuseParents[T any](ctx context.Context, db store.DB, f *importing.Families, pending []candidate[T]) (map[int]parentCheck, error) {
	lines := make([]int, len(pending))
	for i, cand := range pending {
		lines[i] = cand.row.Line
	}
	stored, err := findParents(ctx, db, f, lines)
	if err != nil || len(stored) == 0 {
		return nil, err
	}
	out := map[int]parentCheck{}
	matched := map[*importing.Parent]string{} // the stored person each parent is
	for i, line := range lines {
		for _, p := range f.Of(line) {
			id, why := p.Match(stored[p])
			if why != "" {
				c, check := p.ChildAt(line), out[i]
				check.problems = append(check.problems, store.ImportProblem{Row: line, Column: c.Column, Message: fmt.Sprintf("names %s, but %s", c.Who, why)})
				out[i] = check
			} else if id != "" {
				matched[p] = id
			}
		}
	}
	if len(matched) == 0 {
		return out, nil
	}
	children, err := storedChildren(ctx, db, matched)
	if err != nil {
		return nil, err
	}
	for i, cand := range pending {
		if check, ok := sameStoredStudent(f, cand.row.Line, any(cand.party), matched, children); ok {
			check.problems = out[i].problems
			out[i] = check
		}
	}
	return out, nil
}

// findParents returns the parents the rows at lines name, each with the
// stored people holding their phones or emails; none if the rows name none.
func findParents(ctx context.Context, db store.DB, f *importing.Families, lines []int) (map[*importing.Parent][]importing.StoredPerson, error) {
	var ps []*importing.Parent
	for _, line := range lines {
		for _, p := range f.Of(line) {
			if !slices.Contains(ps, p) {
				ps = append(ps, p)
			}
		}
	}
	if len(ps) == 0 {
		return nil, nil
	}
	holders, err := store.PeopleWithKeys(ctx, db, parentKeys(ps), false)
	if err != nil {
		return nil, err
	}
	return storedParents(ps, holders), nil
}

// linkParents finds or creates the parents a class list names, once every
// row is written, parentBatch at a time from chunk number first on, past
// the batches written before a restart (skip). importWriters write batches
// at once, as they write the rows' chunks: no two batches name one parent,
// and a stored person two batches link waits for the first to commit.
func (s *Service) linkParents(ctx context.Context, job store.Import, token string, f *importing.Families, first int, skip map[int]bool) error {
	if f == nil {
		return nil
	}
	type batch struct {
		no      int
		parents []*importing.Parent
	}
	g, gctx := errgroup.WithContext(ctx)
	batches := make(chan batch)
	g.Go(func() error {
		defer close(batches)
		for i, no := 0, first; i < len(f.Parents); i, no = i+parentBatch, no+1 {
			if !skip[no] && !trySend(gctx, batches, batch{no, f.Parents[i:min(i+parentBatch, len(f.Parents))]}) {
				return gctx.Err()
			}
		}
		return nil
	})
	for range importWriters {
		g.Go(func() error {
			for b := range batches {
				if err := s.writeParents(gctx, job, token, b.no, b.parents); err != nil {
					return fmt.Errorf("import %s: write the parents of chunk %d: %w", job.ID, b.no, err)
				}
			}
			return nil
		})
	}
	return g.Wait()
}

// parentsWrite is what one batch of parents writes: the parents created
// (rows, with their created events), and the stored ones linked.
type parentsWrite struct {
	rows     []store.Row
	events   []*event.Event
	linked   rewrites
	links    []store.ParentLink
	problems []store.ImportProblem
}

// writeParents links, in one transaction, the parents ps to the children
// the import created: a stored person holding their phone or email is
// linked, a parent no stored person is gets created. Their keys are
// locked first, as a person created through the API locks them, so that
// no one creates the same parent meanwhile. A parent the stored people
// make impossible to tell now, which they did not when the rows were
// written, is reported on each child's row.
func (s *Service) writeParents(ctx context.Context, job store.Import, token string, no int, ps []*importing.Parent) error {
	k := s.People.k
	created := 0
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var ids []string
		for _, p := range ps {
			for _, c := range p.Children {
				ids = append(ids, childID(job.ID, c.Line))
			}
		}
		owners, err := store.ImportedPeople(ctx, tx, job.ID, ids)
		if err != nil {
			return err
		}
		live := slices.DeleteFunc(slices.Clone(ps), func(p *importing.Parent) bool {
			return !slices.ContainsFunc(p.Children, func(c importing.Child) bool { _, ok := owners[childID(job.ID, c.Line)]; return ok })
		})
		keys := parentKeys(live)
		if err := store.LockKeys(ctx, tx, keys); err != nil {
			return err
		}
		holders, err := store.PeopleWithKeys(ctx, tx, keys, true)
		if err != nil {
			return err
		}
		stored := storedParents(live, holders)
		docs := map[string]store.KeyHolder{}
		for _, h := range holders {
			docs[h.ID] = h
		}
		now := s.now()
		w := parentsWrite{linked: rewrites{importID: job.ID}}
		changed := map[string]*party.Person{} // stored people linked, by id, as they will be
		var order []string
		for _, p := range live {
			var links []party.Relationship
			var children []importing.Child
			for _, c := range p.Children {
				id := childID(job.ID, c.Line)
				if _, ok := owners[id]; ok {
					links, children = append(links, party.Relationship{Kind: c.Kind, PartyID: id}), append(children, c)
				}
			}
			id, why := p.Match(stored[p])
			switch {
			case why != "":
				for _, c := range children {
					w.problems = append(w.problems, store.ImportProblem{Row: c.Line, Column: c.Column,
						Message: fmt.Sprintf("was imported, but not linked to %s: %s", c.Who, why)})
				}
			case id == "":
				owner := owners[childID(job.ID, children[0].Line)]
				var invalid *party.ValidationError
				if err := w.create(s, k, p, links, owner, now); errors.As(err, &invalid) {
					for _, c := range children {
						w.problems = append(w.problems, store.ImportProblem{Row: c.Line, Column: c.Column,
							Message: fmt.Sprintf("was imported, but %s could not be created: %v", c.Who, err)})
					}
				} else if err != nil {
					return err
				}
			default:
				v, ok := changed[id]
				if !ok {
					v = new(party.Person)
					if err := json.Unmarshal(docs[id].Doc, v); err != nil {
						return fmt.Errorf("decode person %s: %w", id, err)
					}
					changed[id], order = v, append(order, id)
				}
				*v = v.WithLinks(links...)
			}
		}
		for _, id := range order {
			if err := w.link(s, k, docs[id], *changed[id], now); err != nil {
				return err
			}
		}
		created = len(w.rows)
		return w.save(ctx, tx, job, token, no, now)
	})
	if err == nil {
		s.metrics.rows.WithLabelValues(job.Resource, "parent_created").Add(float64(created))
	}
	return err
}

// create adds a new parent p with links to their children, owned by the
// first child's owner, so that one member of staff cares for the family.
func (w *parentsWrite) create(s *Service, k kind[party.Person], p *importing.Parent, links []party.Relationship, owner string, now time.Time) error {
	v, err := party.NewPerson(party.Person{FullName: p.Name, Phones: p.Phones(), Emails: p.Emails(), OwnerID: owner, Relationships: links}, s.businessNow())
	if err != nil {
		return err
	}
	v.ID = event.NewID().String()
	r, err := row(k, v)
	if err != nil {
		return err
	}
	e, err := s.Catalogue.Event(v.ID, now, k.created(v))
	if err != nil {
		return err
	}
	w.rows, w.events = append(w.rows, r), append(w.events, &e)
	return nil
}

// link writes the stored person h as next, with the links the import gave
// them, and records the links for an undo to take back.
func (w *parentsWrite) link(s *Service, k kind[party.Person], h store.KeyHolder, next party.Person, now time.Time) error {
	var before party.Person
	if err := json.Unmarshal(h.Doc, &before); err != nil {
		return fmt.Errorf("decode person %s: %w", h.ID, err)
	}
	if changed, err := rewrite(s, k, &w.linked, h.ID, before, next, now); err != nil || !changed {
		return err // unchanged: already linked, by hand
	}
	var children []string
	for _, r := range next.Relationships {
		if slices.Contains(parentKinds, r.Kind) && !slices.ContainsFunc(before.Relationships, func(b party.Relationship) bool { return b == r }) {
			children = append(children, r.PartyID)
		}
	}
	w.links = append(w.links, store.ParentLink{PersonID: h.ID, Version: h.Version + 1, Children: children})
	return nil
}

// save writes the batch and records it as the import's chunk no.
func (w *parentsWrite) save(ctx context.Context, tx pgx.Tx, job store.Import, token string, no int, now time.Time) error {
	if err := store.CopyParties(ctx, tx, store.Person, w.rows, job.ID, job.CreatedBy, now); err != nil {
		return err
	}
	if err := w.linked.save(ctx, tx, store.Person, job.CreatedBy, now); err != nil {
		return err
	}
	if err := store.InsertParentLinks(ctx, tx, job.ID, w.links); err != nil {
		return err
	}
	if err := outbox.Append(ctx, tx, w.events...); err != nil {
		return err
	}
	if err := store.InsertProblems(ctx, tx, job.ID, w.problems); err != nil {
		return err
	}
	if err := store.ParentsWritten(ctx, tx, job.ID, len(w.rows), len(w.linked.docs)); err != nil {
		return err
	}
	return store.ChunkWritten(ctx, tx, job.ID, token, no, store.ChunkCounts{})
}

// unlinkParents takes back the links an import gave people it did not
// create, from each person nobody changed since: their children, which
// the undo deletes, would otherwise be kept for being linked to. A person
// changed since keeps the links, and so their children are kept. It
// returns the people it took links back from.
func (s *Service) unlinkParents(ctx context.Context, tx pgx.Tx, importID, actor string, now time.Time) ([]string, error) {
	links, err := store.ParentLinks(ctx, tx, importID)
	if err != nil || len(links) == 0 {
		return nil, err
	}
	ids := make([]string, len(links))
	for i, l := range links {
		ids[i] = l.PersonID
	}
	locked, err := store.LockDocs(ctx, tx, store.Person, ids)
	if err != nil {
		return nil, err
	}
	w := rewrites{importID: importID}
	var unlinked []string
	for _, d := range locked {
		l := links[slices.IndexFunc(links, func(l store.ParentLink) bool { return l.PersonID == d.ID })]
		if d.Version != l.Version {
			continue
		}
		var before party.Person
		if err := json.Unmarshal(d.Doc, &before); err != nil {
			return nil, fmt.Errorf("decode person %s: %w", d.ID, err)
		}
		if _, err := rewrite(s, s.People.k, &w, d.ID, before, before.WithoutLinks(parentKinds, l.Children), now); err != nil {
			return nil, err
		}
		unlinked = append(unlinked, d.ID)
	}
	if len(unlinked) == 0 {
		return nil, nil
	}
	if err := w.save(ctx, tx, store.Person, actor, now); err != nil {
		return nil, err
	}
	return unlinked, store.ParentLinksTakenBack(ctx, tx, importID, unlinked, now)
}
