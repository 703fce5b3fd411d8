package httpapi

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/pkg/problem"
)

func TestIfMatchAllowsOnlyTheVersionsItNames(t *testing.T) {
	for _, c := range []struct {
		header string
		allows map[int64]bool
	}{
		{"", map[int64]bool{1: true, 7: true}},
		{"*", map[int64]bool{1: true, 7: true}},
		{`"7"`, map[int64]bool{7: true, 1: false, 70: false}},
		{` "1" , "7"`, map[int64]bool{1: true, 7: true, 2: false}},
		// Empty list elements are ignored.
		{`, "7",`, map[int64]bool{7: true, 1: false}},
		// If-Match compares strongly: a weak tag never matches.
		{`W/"7", "8"`, map[int64]bool{7: false, 8: true}},
		// A comma inside quotes belongs to the tag.
		{`"7,8"`, map[int64]bool{7: false, 8: false}},
	} {
		r := httptest.NewRequest("PATCH", "/", nil)
		if c.header != "" {
			r.Header.Set("If-Match", c.header)
		}
		m, err := ParseIfMatch(r)
		if err != nil {
			t.Fatalf("%q: %v", c.header, err)
		}
		for n, want := range c.allows {
			if got := m.Allows(n); got != want {
				t.Errorf("If-Match %q allows version %d: %v, want %v", c.header, n, got, want)
			}
		}
	}
}

func TestAnIfMatchThatIsNoListOfTagsIsA422(t *testing.T) {
	for _, h := range []string{`7`, `"7`, `"7" "8"`, `W/7`, `*, "7"`, `"7"x`} {
		r := httptest.NewRequest("PATCH", "/", nil)
		r.Header.Set("If-Match", h)
		_, err := ParseIfMatch(r)
		var p *problem.Problem
		if !errors.As(err, &p) || p.Status != 422 {
			t.Errorf("If-Match %q: %v, want a 422", h, err)
		}
	}
}

func TestATaggedAnswerCarriesItsETag(t *testing.T) {
	w := httptest.NewRecorder()
	if err := EncodeJSON(t.Context(), w, Tagged{Body: map[string]int{"a": 1}, Version: 3, Status: 201}); err != nil {
		t.Fatal(err)
	}
	if w.Code != 201 || w.Header().Get("ETag") != `"3"` || w.Body.String() != "{\"a\":1}\n" {
		t.Errorf("%d %q %q", w.Code, w.Header().Get("ETag"), w.Body.String())
	}
}

// Weak tags alone satisfy no version: the 412 they come to says so, and
// what to send instead.
func TestIfMatchOfWeakTagsAloneIsAPreconditionFailedSayingWhy(t *testing.T) {
	for _, h := range []string{`W/"7"`, `W/"7", W/"8"`} {
		r := httptest.NewRequest("PATCH", "/", nil)
		r.Header.Set("If-Match", h)
		_, err := ParseIfMatch(r)
		var p *problem.Problem
		if !errors.As(err, &p) || p.Status != 412 || !strings.Contains(p.Detail, "weak") {
			t.Errorf("If-Match %q: %v, want a 412 naming weak tags", h, err)
		}
	}
}
