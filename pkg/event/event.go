// Package event is the envelope every domain event travels in: CloudEvents 1.0
// attributes carried as NATS headers (binary mode) around a JSON body.
package event

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
)

// Header names of the binary CloudEvents mode, plus the two extensions that
// carry the aggregate identity and its sequence for ordered consumption.
const (
	HeaderID            = "ce-id"
	HeaderType          = "ce-type"
	HeaderSource        = "ce-source"
	HeaderSubject       = "ce-subject"
	HeaderTime          = "ce-time"
	HeaderSpecVersion   = "ce-specversion"
	HeaderAggregateType = "ce-aggregatetype"
	HeaderSequence      = "ce-sequence"
	HeaderContentType   = "content-type"

	specVersion = "1.0"
	contentType = "application/json"
)

// Event is one domain event: a fact about one aggregate, numbered within it.
type Event struct {
	ID            uuid.UUID       // UUIDv7, also the JetStream Nats-Msg-Id
	Type          string          // versioned type, e.g. rapport.training.course.completed.v1
	Source        string          // producing context, e.g. /rapport/training
	Subject       string          // NATS subject <context>.<aggregate>.<event>
	AggregateType string          // e.g. course
	AggregateID   string          // CloudEvents subject: the aggregate the fact is about
	Sequence      int64           // 1, 2, 3 ... within the aggregate
	Time          time.Time       // when the fact happened
	Data          json.RawMessage // JSON body
}

// ErrMalformed is wrapped by every Decode failure.
var ErrMalformed = errors.New("malformed event")

// NewID returns a fresh UUIDv7: time-ordered, so ids sort by creation.
func NewID() uuid.UUID {
	id, err := uuid.NewV7()
	if err != nil {
		// NewV7 fails only when the system's random source does; nothing sensible remains.
		panic(fmt.Sprintf("uuid v7: %v", err))
	}
	return id
}

// Headers returns the CloudEvents binary-mode headers of e.
func (e Event) Headers() nats.Header {
	h := nats.Header{}
	h.Set(HeaderID, e.ID.String())
	h.Set(HeaderType, e.Type)
	h.Set(HeaderSource, e.Source)
	h.Set(HeaderSubject, e.AggregateID)
	h.Set(HeaderTime, e.Time.UTC().Format(time.RFC3339Nano))
	h.Set(HeaderSpecVersion, specVersion)
	h.Set(HeaderAggregateType, e.AggregateType)
	h.Set(HeaderSequence, strconv.FormatInt(e.Sequence, 10))
	h.Set(HeaderContentType, contentType)
	h.Set(nats.MsgIdHdr, e.ID.String())
	return h
}

// Msg builds the NATS message for e; extra headers (trace context) are kept.
func (e Event) Msg(extra nats.Header) *nats.Msg {
	h := e.Headers()
	for k, v := range extra {
		h[k] = v
	}
	return &nats.Msg{Subject: e.Subject, Header: h, Data: e.Data}
}

// Decode reads an event from a NATS message's subject, headers and body. It
// refuses anything a producer of this platform would not have sent.
func Decode(subject string, h nats.Header, data []byte) (Event, error) {
	var e Event
	var errs []string
	get := func(k string) string {
		v := h.Get(k)
		if v == "" {
			errs = append(errs, "missing "+k)
		}
		return v
	}
	if v := get(HeaderSpecVersion); v != "" && v != specVersion {
		errs = append(errs, "unsupported specversion "+strconv.Quote(v))
	}
	if v := h.Get(HeaderContentType); v != "" && !strings.HasPrefix(v, contentType) {
		errs = append(errs, "unsupported content-type "+strconv.Quote(v))
	}
	if v := get(HeaderID); v != "" {
		id, err := uuid.Parse(v)
		if err != nil {
			errs = append(errs, "bad "+HeaderID)
		}
		e.ID = id
	}
	e.Type = get(HeaderType)
	e.Source = get(HeaderSource)
	e.AggregateID = get(HeaderSubject)
	e.AggregateType = get(HeaderAggregateType)
	if v := get(HeaderTime); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			errs = append(errs, "bad "+HeaderTime)
		}
		e.Time = t
	}
	if v := get(HeaderSequence); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			errs = append(errs, "bad "+HeaderSequence)
		}
		e.Sequence = n
	}
	if !json.Valid(data) {
		errs = append(errs, "body is not JSON")
	}
	if subject == "" || strings.Count(subject, ".") != 2 {
		errs = append(errs, "subject is not <context>.<aggregate>.<event>")
	}
	if len(errs) > 0 {
		return Event{}, fmt.Errorf("%w: %s", ErrMalformed, strings.Join(errs, "; "))
	}
	e.Subject = subject
	e.Data = json.RawMessage(data)
	return e, nil
}
