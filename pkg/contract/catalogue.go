// Package contract is the single source of truth for the events Rapport
// publishes: their Go payload types, subjects, versions and JSON shapes.
// Producers can only build events through a Catalogue, so an undocumented
// event type cannot be published.
package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/rapportcrm/rapport/pkg/event"
)

// Entry documents one event type.
type Entry struct {
	Subject     string // <context>.<aggregate>.<event>, e.g. training.course.completed
	Version     int    // bumped on a breaking change of the payload
	Payload     any    // a zero value of the payload struct
	Description string // when it is published and what a consumer may rely on
}

// Type is the versioned CloudEvents type, e.g. rapport.training.course.completed.v1.
func (e Entry) Type() string { return fmt.Sprintf("rapport.%s.v%d", e.Subject, e.Version) }

// Context is the bounded context (and stream) the event belongs to.
func (e Entry) Context() string { return strings.SplitN(e.Subject, ".", 2)[0] }

// Aggregate is the aggregate type the event is about.
func (e Entry) Aggregate() string { return strings.Split(e.Subject, ".")[1] }

// ErrUnknownType is returned for events the catalogue does not document.
var ErrUnknownType = errors.New("event type not in the catalogue")

var subjectForm = regexp.MustCompile(`^[a-z]+\.[a-z_]+\.[a-z_]+$`)

// Catalogue is a set of documented event types.
type Catalogue struct {
	byType    map[string]Entry
	byPayload map[reflect.Type]Entry
}

// New returns a catalogue of the given entries; it refuses malformed or
// ambiguous entries because a catalogue is fixed at build time.
func New(entries ...Entry) (*Catalogue, error) {
	c := &Catalogue{byType: map[string]Entry{}, byPayload: map[reflect.Type]Entry{}}
	for _, e := range entries {
		if !subjectForm.MatchString(e.Subject) {
			return nil, fmt.Errorf("catalogue entry %q: subject must be <context>.<aggregate>.<event>", e.Subject)
		}
		if e.Version < 1 || e.Payload == nil || strings.TrimSpace(e.Description) == "" {
			return nil, fmt.Errorf("catalogue entry %q: version, payload and description are required", e.Subject)
		}
		t := reflect.TypeOf(e.Payload)
		if t.Kind() != reflect.Struct {
			return nil, fmt.Errorf("catalogue entry %q: payload must be a struct, not %s", e.Subject, t)
		}
		if _, dup := c.byType[e.Type()]; dup {
			return nil, fmt.Errorf("catalogue entry %q listed twice", e.Type())
		}
		if other, dup := c.byPayload[t]; dup {
			return nil, fmt.Errorf("payload %s used by both %q and %q", t, other.Type(), e.Type())
		}
		c.byType[e.Type()] = e
		c.byPayload[t] = e
	}
	return c, nil
}

// MustNew is New for catalogues written in code, where an error is a programming mistake.
func MustNew(entries ...Entry) *Catalogue {
	c, err := New(entries...)
	if err != nil {
		panic(err)
	}
	return c
}

// Entries lists the catalogue sorted by type.
func (c *Catalogue) Entries() []Entry {
	out := make([]Entry, 0, len(c.byType))
	for _, e := range c.byType {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type() < out[j].Type() })
	return out
}

// Lookup finds the entry of a versioned type.
func (c *Catalogue) Lookup(eventType string) (Entry, bool) {
	e, ok := c.byType[eventType]
	return e, ok
}

// Contexts lists the bounded contexts that have events in the catalogue.
func (c *Catalogue) Contexts() []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range c.Entries() {
		if !seen[e.Context()] {
			seen[e.Context()] = true
			out = append(out, e.Context())
		}
	}
	return out
}

// Event builds the event for payload about one aggregate. The payload's Go
// type selects the entry; a type the catalogue does not know is refused.
func (c *Catalogue) Event(aggregateID string, at time.Time, payload any) (event.Event, error) {
	entry, ok := c.byPayload[reflect.TypeOf(payload)]
	if !ok {
		return event.Event{}, fmt.Errorf("%w: payload %T", ErrUnknownType, payload)
	}
	if aggregateID == "" {
		return event.Event{}, fmt.Errorf("event %s: aggregate id is empty", entry.Type())
	}
	data, err := json.Marshal(payload)
	if err != nil {
		return event.Event{}, fmt.Errorf("encode %s: %w", entry.Type(), err)
	}
	return event.Event{
		ID:            event.NewID(),
		Type:          entry.Type(),
		Source:        "/rapport/" + entry.Context(),
		Subject:       entry.Subject,
		AggregateType: entry.Aggregate(),
		AggregateID:   aggregateID,
		Time:          at.UTC(),
		Data:          data,
	}, nil
}

// Check reports whether e is documented and its body has exactly the
// documented shape (no unknown fields, right types).
func (c *Catalogue) Check(e event.Event) error {
	entry, ok := c.byType[e.Type]
	if !ok {
		return fmt.Errorf("%w: %s", ErrUnknownType, e.Type)
	}
	if e.Subject != entry.Subject {
		return fmt.Errorf("event %s on subject %s, documented on %s", e.Type, e.Subject, entry.Subject)
	}
	dec := json.NewDecoder(bytes.NewReader(e.Data))
	dec.DisallowUnknownFields()
	v := reflect.New(reflect.TypeOf(entry.Payload)).Interface()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("event %s does not match its documented shape: %w", e.Type, err)
	}
	return nil
}

// Decode unmarshals e's body into the payload type T, tolerating unknown
// fields so that producers can add fields without breaking consumers.
func Decode[T any](e event.Event) (T, error) {
	var v T
	if err := json.Unmarshal(e.Data, &v); err != nil {
		return v, fmt.Errorf("decode %s %s: %w", e.Type, e.ID, err)
	}
	return v, nil
}
