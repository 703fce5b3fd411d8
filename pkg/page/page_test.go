package page

import (
	"net/url"
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
	var got pos
	if err := Decode(Encode(pos{"Đào", "x"}), &got); err != nil || got.Name != "Đào" {
		t.Fatalf("%+v %v", got, err)
	}
	if err := Decode("%%%", &got); problem.From(err) == nil {
		t.Fatal("a tampered cursor was accepted")
	}
}

func TestOfKeepsLimitItemsAndPointsPastTheLast(t *testing.T) {
	p := Of([]int{1, 2, 3}, 2, func(last int) any { return last })
	if len(p.Items) != 2 || p.NextCursor == "" {
		t.Fatalf("%+v", p)
	}
	var next int
	if err := Decode(p.NextCursor, &next); err != nil || next != 2 {
		t.Fatalf("next cursor points at %d (%v)", next, err)
	}
	if last := Of([]int{1}, 2, func(int) any { return nil }); last.NextCursor != "" || last.Items == nil {
		t.Fatalf("last page %+v", last)
	}
}

func TestParseFromDecodesTheCursorOrKeepsTheStart(t *testing.T) {
	pos := "start"
	if _, err := ParseFrom(url.Values{}, &pos); err != nil || pos != "start" {
		t.Fatalf("without a cursor: %q %v", pos, err)
	}
	if _, err := ParseFrom(url.Values{"cursor": {Encode("k-9")}}, &pos); err != nil || pos != "k-9" {
		t.Fatalf("with a cursor: %q %v", pos, err)
	}
	if _, err := ParseFrom(url.Values{"cursor": {"!!"}}, &pos); problem.From(err) == nil {
		t.Fatal("a tampered cursor was accepted")
	}
}
