package page

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/pkg/problem"
)

func TestALimitOutsideItsRangeIsRefused(t *testing.T) {
	for _, l := range []string{"0", "-1", "501", "ten"} {
		_, err := Parse(url.Values{"limit": {l}})
		if p := problem.From(err); p == nil || p.Status != 422 || p.Errors[0].Field != "limit" {
			t.Errorf("limit %s: %v", l, err)
		}
	}
	r, err := Parse(url.Values{})
	if err != nil || r.Limit != DefaultLimit {
		t.Fatalf("default: %+v %v", r, err)
	}
}

func TestAListTakesOnlyItsFiltersEachOnce(t *testing.T) {
	for query, field := range map[string]string{"stauts=open": "stauts", "status=a&status=b": "status", "limit=5&limit=6": "limit"} {
		q, _ := url.ParseQuery(query)
		_, err := Parse(q, "status")
		if p := problem.From(err); p == nil || p.Status != 422 || len(p.Errors) != 1 || p.Errors[0].Field != field {
			t.Errorf("%s: %v", query, err)
		}
	}
	q, _ := url.ParseQuery("status=open&limit=5&cursor=")
	if r, err := Parse(q, "status"); err != nil || r.Limit != 5 {
		t.Fatalf("a good query: %+v %v", r, err)
	}
}

func TestACursorRoundTripsAndATamperedOneIsRefused(t *testing.T) {
	type pos struct {
		Name string `json:"n"`
		ID   string `json:"i"`
	}
	r, _ := Parse(url.Values{"tag": {"vip"}}, "tag")
	r.Cursor = r.Encode(pos{"Đào", "x"})
	var got pos
	if err := r.Decode(&got); err != nil || got.Name != "Đào" {
		t.Fatalf("%+v %v", got, err)
	}
	for _, c := range []string{"%%%", "!!." + r.query, r.Encode("a\u0000b")} {
		r.Cursor = c
		if p := problem.From(r.Decode(&got)); p == nil || p.Errors[0].Field != "cursor" || !strings.Contains(p.Errors[0].Message, "is not a cursor") {
			t.Errorf("a tampered cursor %q was accepted: %v", c, p)
		}
	}
}

// get is a request of the people list with query q.
func get(q string) *http.Request { return httptest.NewRequest("GET", "/people?"+q, nil) }

func TestACursorPagesOnlyTheQueryItCameFrom(t *testing.T) {
	first, _ := Parse(query(t, "tag=a&q=Lan&limit=2"), "tag", "q")
	cursor := first.Within("/people").Encode("k-9")
	for _, same := range []string{"tag=a&q=Lan", "q=Lan&tag=a", "q=Lan&limit=7&tag=a", "tag=a&q=Lan&stage=", "limit=1&tag=a&q=Lan"} {
		var pos string
		if _, err := FromRequest(get(same+"&cursor="+cursor), &pos, "tag", "q", "stage"); err != nil || pos != "k-9" {
			t.Errorf("%s: %q %v", same, pos, err)
		}
	}
	for _, other := range []string{"tag=b&q=Lan", "tag=a", "tag=a&q=lan", "tag=a&q=Lan&stage=lead", "", "tag=a%26q%3DLan"} {
		var pos string
		_, err := FromRequest(get(other+"&cursor="+cursor), &pos, "tag", "q", "stage")
		if p := problem.From(err); p == nil || p.Status != 422 || p.Errors[0].Field != "cursor" || !strings.Contains(p.Errors[0].Message, "start again without a cursor") {
			t.Errorf("%s: %v", other, err)
		}
	}
	if strings.Contains(cursor, "Lan") || len(cursor) > len(Request{}.Encode("k-9"))+10 {
		t.Errorf("the cursor %q holds the filters or grew with them", cursor)
	}
	old := base64.RawURLEncoding.EncodeToString([]byte(`"k-9"`))
	if _, err := FromRequest(get("tag=a&q=Lan&cursor="+old), new(string), "tag", "q"); problem.From(err) == nil {
		t.Error("a cursor naming no query was accepted")
	}
}

func TestWithinKeepsACursorInItsScope(t *testing.T) {
	a, _ := Parse(url.Values{})
	cursor := a.Within("/people/1/timeline").Encode(3)
	for scope, ok := range map[string]bool{"/people/1/timeline": true, "/people/2/timeline": false, "": false} {
		r := a
		if scope != "" {
			r = r.Within(scope)
		}
		r.Cursor = cursor
		if err := r.Decode(new(int)); (err == nil) != ok {
			t.Errorf("%q: %v", scope, err)
		}
	}
}

func TestOfKeepsLimitItemsAndPointsPastTheLast(t *testing.T) {
	r, _ := Parse(url.Values{"limit": {"2"}, "status": {"open"}}, "status")
	p := Of([]int{1, 2, 3}, r, func(last int) any { return last })
	if len(p.Items) != 2 || p.NextCursor == "" {
		t.Fatalf("%+v", p)
	}
	var next int
	r.Cursor = p.NextCursor
	if err := r.Decode(&next); err != nil || next != 2 {
		t.Fatalf("next cursor points at %d (%v)", next, err)
	}
	if last := Of([]int{1}, r, func(int) any { return nil }); last.NextCursor != "" || last.Items == nil {
		t.Fatalf("last page %+v", last)
	}
}

func TestFromRequestDecodesTheCursorOrKeepsTheStart(t *testing.T) {
	pos := "start"
	if _, err := FromRequest(get(""), &pos); err != nil || pos != "start" {
		t.Fatalf("without a cursor: %q %v", pos, err)
	}
	start, _ := Parse(url.Values{})
	if _, err := FromRequest(get("cursor="+start.Within("/people").Encode("k-9")), &pos); err != nil || pos != "k-9" {
		t.Fatalf("with a cursor: %q %v", pos, err)
	}
	if _, err := FromRequest(get("cursor="+start.Within("/organizations").Encode("k-9")), &pos); problem.From(err) == nil {
		t.Fatal("a cursor of another list was accepted")
	}
	if _, err := FromRequest(get("cursor=!!"), &pos); problem.From(err) == nil {
		t.Fatal("a tampered cursor was accepted")
	}
}

func query(t *testing.T, raw string) url.Values {
	t.Helper()
	q, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	return q
}
