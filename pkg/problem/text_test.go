package problem

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestStringWithNULNamesWhereTheCharacterIs(t *testing.T) {
	cases := map[string]string{
		`{"full_name":"A\u0000B"}`:                       "full_name",
		`{"tags":["a","\u0000"]}`:                        "tags[1]",
		`{"consents":{"zalo":{"note":"x\u0000"}},"n":1}`: "consents.zalo.note",
		`{"a":[{"b":1},{"c":"\u0000"}]}`:                 "a[1].c",
		`{"x\u0000":1}`:                                  "x\x00",
		`"\u0000"`:                                       "(body)",
		`{"ok":[1,2,{"deep":null}],"last":"\u0000"}`:     "last",
	}
	for doc, want := range cases {
		if got, found := StringWithNUL([]byte(doc)); !found || got != want {
			t.Errorf("%s: got %q, %v; want %q", doc, got, found, want)
		}
	}
	for _, doc := range []string{`{"a":"\\u0000"}`, `{"a":"b"}`, `{"a":`, `[1,"\u0001"]`} {
		if got, found := StringWithNUL([]byte(doc)); found {
			t.Errorf("%s: found %q", doc, got)
		}
	}
}

func TestABodyOrQueryWithNULIsRefusedNamingTheField(t *testing.T) {
	var dst input
	p := From(Decode(strings.NewReader(`{"name":"a","tags":["b\u0000"]}`), &dst, 100))
	if p == nil || p.Status != 422 || len(p.Errors) != 1 || p.Errors[0].Field != "tags[0]" {
		t.Fatalf("body: got %+v", p)
	}
	q, _ := url.ParseQuery("tag=%00&limit=5")
	p = From(KnownParams(q, "tag", "limit"))
	if p == nil || p.Status != 422 || len(p.Errors) != 1 || p.Errors[0].Field != "tag" {
		t.Fatalf("query: got %+v", p)
	}
}

func TestADateTimeNotInRFC3339IsA422NamingTheField(t *testing.T) {
	var dst struct {
		Consents map[string]struct {
			At time.Time `json:"at"`
		} `json:"consents"`
		OccurredAt time.Time `json:"occurred_at"`
	}
	for body, field := range map[string]string{
		`{"occurred_at":"2026-11-20 10:00"}`:                                            "occurred_at",
		`{"occurred_at":"2026-11-20T10:00:00Z","consents":{"zalo":{"at":"yesterday"}}}`: "consents.zalo.at",
		`{"occurred_at":1763600000}`:                                                    "occurred_at",
		`{"consents":{"sms":{"at":null},"zalo":{"at":{"when":"now"}}}}`:                 "consents.zalo.at",
		`{"occurred_at":true}`:                                                          "occurred_at",
	} {
		p := From(Decode(strings.NewReader(body), &dst, 1000))
		if p == nil || p.Status != 422 || len(p.Errors) != 1 || p.Errors[0].Field != field || !strings.Contains(p.Errors[0].Message, "RFC 3339") {
			t.Errorf("%s: got %+v", body, p)
		}
	}
}
