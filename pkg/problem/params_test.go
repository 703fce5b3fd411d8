package problem

import (
	"net/url"
	"reflect"
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
