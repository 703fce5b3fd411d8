package problem

import (
	"net/url"
	"reflect"
	"slices"
	"testing"
)

func TestKnownParamsNamesEveryUnknownOrRepeatedParameter(t *testing.T) {
	q, _ := url.ParseQuery("status=open&stauts=done&limit=5&tag=a&tag=b&zone=x")
	p := From(KnownParams(q, "status", "limit", "tag", "cursor"))
	want := []FieldError{
		{Field: "stauts", Message: "is not a parameter of this resource"},
		{Field: "tag", Message: "is given more than once; it takes one value"},
		{Field: "zone", Message: "is not a parameter of this resource"},
	}
	if p == nil || p.Status != 422 || !reflect.DeepEqual(p.Errors, want) {
		t.Fatalf("got %+v, want a 422 with %+v", p, want)
	}
	ok, _ := url.ParseQuery("status=open&limit=5")
	if err := KnownParams(ok, "status", "limit"); err != nil {
		t.Fatal(err)
	}
}

func TestAQueryStringReadOnlyInPartIsRefusedNamingThePairs(t *testing.T) {
	for raw, want := range map[string][]string{
		"tag=vip&q=an":            nil,
		"tag=vip%3Bhn":            nil,
		"tag=vip;hn":              {"tag"},
		"q=khoa;x&format=csv":     {"q"},
		"q=50%&tag=a;b&owner=lan": {"q", "tag"},
		"foo=1;bar&q=xyz":         {"foo"},
		"":                        nil,
	} {
		p := From(CheckQuery(raw))
		var got []string
		if p != nil {
			if p.Status != 422 {
				t.Errorf("%q: status %d", raw, p.Status)
			}
			for _, e := range p.Errors {
				got = append(got, e.Field)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q: names %q, want %q", raw, got, want)
		}
	}
}
