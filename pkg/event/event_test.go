package event

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

func sample() Event {
	return Event{
		ID: NewID(), Type: "rapport.contact.person.created.v1", Source: "/rapport/contact",
		Subject: "contact.person.created", AggregateType: "person", AggregateID: "p-1",
		Sequence: 3, Time: time.Date(2026, 11, 24, 9, 0, 0, 5, time.UTC),
		Data: json.RawMessage(`{"name":"Nguyễn Văn An"}`),
	}
}

func TestAnEventSurvivesTheTripThroughNATSHeaders(t *testing.T) {
	want := sample()
	m := want.Msg(nats.Header{"traceparent": []string{"00-x"}})
	if m.Header.Get(nats.MsgIdHdr) != want.ID.String() {
		t.Fatalf("Nats-Msg-Id %q, want the event id", m.Header.Get(nats.MsgIdHdr))
	}
	if m.Header.Get("traceparent") != "00-x" {
		t.Fatal("extra headers were dropped")
	}
	got, err := Decode(m.Subject, m.Header, m.Data)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != want.ID || got.Type != want.Type || got.Sequence != want.Sequence ||
		!got.Time.Equal(want.Time) || got.AggregateID != want.AggregateID || string(got.Data) != string(want.Data) {
		t.Fatalf("decoded %+v, want %+v", got, want)
	}
}

func TestDecodeRefusesWhatNoProducerSends(t *testing.T) {
	cases := map[string]func(*nats.Msg){
		"missing id":        func(m *nats.Msg) { m.Header.Del(HeaderID) },
		"id not a uuid":     func(m *nats.Msg) { m.Header.Set(HeaderID, "42") },
		"wrong specversion": func(m *nats.Msg) { m.Header.Set(HeaderSpecVersion, "0.3") },
		"bad time":          func(m *nats.Msg) { m.Header.Set(HeaderTime, "yesterday") },
		"negative sequence": func(m *nats.Msg) { m.Header.Set(HeaderSequence, "-1") },
		"body not json":     func(m *nats.Msg) { m.Data = []byte("{") },
		"xml content type":  func(m *nats.Msg) { m.Header.Set(HeaderContentType, "text/xml") },
		"flat subject":      func(m *nats.Msg) { m.Subject = "contact" },
	}
	for name, spoil := range cases {
		t.Run(name, func(t *testing.T) {
			m := sample().Msg(nil)
			spoil(m)
			if _, err := Decode(m.Subject, m.Header, m.Data); !errors.Is(err, ErrMalformed) {
				t.Fatalf("err = %v, want ErrMalformed", err)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	m := sample().Msg(nil)
	f.Add(m.Subject, m.Header.Get(HeaderID), m.Header.Get(HeaderTime), m.Header.Get(HeaderSequence), []byte(m.Data))
	f.Add("a.b.c", "", "", "x", []byte("null"))
	f.Fuzz(func(t *testing.T, subject, id, at, seq string, data []byte) {
		h := sample().Headers()
		h.Set(HeaderID, id)
		h.Set(HeaderTime, at)
		h.Set(HeaderSequence, seq)
		e, err := Decode(subject, h, data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		// Whatever decodes must encode and decode to the same event.
		again, err := Decode(e.Subject, e.Headers(), e.Data)
		if err != nil || again.ID != e.ID || again.Sequence != e.Sequence || !again.Time.Equal(e.Time) {
			t.Fatalf("round trip of %+v: %+v, %v", e, again, err)
		}
	})
}
