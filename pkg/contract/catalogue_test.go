package contract

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

type noteAdded struct {
	Text string `json:"text"`
}

type undocumented struct{}

func TestAnUndocumentedEventCannotBeBuilt(t *testing.T) {
	c := MustNew(Entry{Subject: "test.note.added", Version: 1, Payload: noteAdded{}, Description: "a note"})
	if _, err := c.Event("n-1", time.Now(), undocumented{}); !errors.Is(err, ErrUnknownType) {
		t.Fatalf("err = %v, want ErrUnknownType", err)
	}
	e, err := c.Event("n-1", time.Now(), noteAdded{Text: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Type != "rapport.test.note.added.v1" || e.Subject != "test.note.added" || e.AggregateType != "note" || e.Source != "/rapport/test" {
		t.Fatalf("event %+v", e)
	}
	if err := c.Check(e); err != nil {
		t.Fatalf("a built event fails its own check: %v", err)
	}
	e.Data = []byte(`{"text":"hi","extra":1}`)
	if err := c.Check(e); err == nil {
		t.Fatal("an event with an undocumented field passed the check")
	}
}

func TestMalformedCatalogueEntriesAreRefused(t *testing.T) {
	good := Entry{Subject: "test.note.added", Version: 1, Payload: noteAdded{}, Description: "a note"}
	for name, e := range map[string]Entry{
		"flat subject":   {Subject: "note", Version: 1, Payload: noteAdded{}, Description: "x"},
		"no version":     {Subject: "test.note.added", Payload: noteAdded{}, Description: "x"},
		"no description": {Subject: "test.note.added", Version: 1, Payload: noteAdded{}},
		"not a struct":   {Subject: "test.note.added", Version: 1, Payload: "x", Description: "x"},
	} {
		if _, err := New(e); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := New(good, good); err == nil {
		t.Error("a type listed twice was accepted")
	}
}

func TestTheProductCatalogueIsValidAndItsReferenceIsUpToDate(t *testing.T) {
	c := Rapport()
	for _, e := range c.Entries() {
		if !strings.HasPrefix(e.Type(), "rapport."+e.Context()+".") {
			t.Errorf("%s: type does not follow its subject", e.Type())
		}
	}
	doc, err := os.ReadFile("../../docs/events.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(doc) != c.Markdown() {
		t.Fatal("docs/events.md is out of date with pkg/contract: run `make generate`")
	}
}
