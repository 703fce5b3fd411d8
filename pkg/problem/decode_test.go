package problem

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type input struct {
	Name  string   `json:"name"`
	Count int      `json:"count"`
	Tags  []string `json:"tags"`
}

func TestStrictDecodingRefusesBadBodiesWithTheRightStatus(t *testing.T) {
	cases := []struct {
		name, body string
		status     int
		field      string
	}{
		{"unknown field", `{"name":"a","colour":"red"}`, 422, "colour"},
		{"wrong type", `{"name":"a","count":"three"}`, 422, "count"},
		{"invalid json", `{"name":`, 400, ""},
		{"not json at all", `name=a`, 400, ""},
		{"empty body", ``, 400, ""},
		{"two values", `{"name":"a"}{"name":"b"}`, 400, ""},
		{"oversized", `{"name":"` + strings.Repeat("x", 2000) + `"}`, 413, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(c.body))
			var dst input
			err := DecodeJSON(httptest.NewRecorder(), r, &dst, 1000)
			p := From(err)
			if p == nil || p.Status != c.status {
				t.Fatalf("err = %v, want status %d", err, c.status)
			}
			if c.field != "" && (len(p.Errors) != 1 || p.Errors[0].Field != c.field) {
				t.Fatalf("field errors %+v, want one for %q", p.Errors, c.field)
			}
		})
	}
}

func TestAGoodBodyDecodes(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"name":"Đào","count":2,"tags":["x"]}`))
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	var dst input
	if err := DecodeJSON(httptest.NewRecorder(), r, &dst, 0); err != nil {
		t.Fatal(err)
	}
	if dst.Name != "Đào" || dst.Count != 2 || len(dst.Tags) != 1 {
		t.Fatalf("decoded %+v", dst)
	}
}

func TestJSONMediaTypesAreAcceptedAndOthersRefused(t *testing.T) {
	for ct, ok := range map[string]bool{
		"":                                  true, // curl -d without -H
		"application/json":                  true,
		"Application/JSON; charset=UTF-8":   true,
		"application/merge-patch+json":      true,
		"application/jsonx":                 false,
		"text/json":                         false,
		"application/x-www-form-urlencoded": false,
		"multipart/form-data; boundary=x":   false,
		"application/json; charset":         false, // not a media type
	} {
		r := httptest.NewRequest(http.MethodPatch, "/", strings.NewReader(`{"name":"a"}`))
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		var dst input
		err := DecodeJSON(httptest.NewRecorder(), r, &dst, 0)
		if p := From(err); ok && err != nil || !ok && (p == nil || p.Status != http.StatusUnsupportedMediaType) {
			t.Errorf("Content-Type %q: %v", ct, err)
		}
	}
}

func TestAProblemIsWrittenAsProblemJSON(t *testing.T) {
	w := httptest.NewRecorder()
	Write(w, Invalid("bad", FieldError{Field: "phone", Message: "not a phone number"}).With("rule", "lead_time"))
	if w.Code != 422 || w.Header().Get("Content-Type") != ContentType {
		t.Fatalf("status %d, content type %q", w.Code, w.Header().Get("Content-Type"))
	}
	body := w.Body.String()
	for _, want := range []string{`"status":422`, `"field":"phone"`, `"rule":"lead_time"`, `"type":"https://rapport.dev/problems/invalid-input"`} {
		if !strings.Contains(body, want) {
			t.Fatalf("body %s lacks %s", body, want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"name":"a","count":1,"tags":[]}`, `{"x":1}`, `[`, `null`, `{"count":1e400}`, "\"\\ud800\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var dst input
		err := Decode(strings.NewReader(string(body)), &dst, 512)
		if err == nil {
			return
		}
		var p *Problem
		if !errors.As(err, &p) {
			t.Fatalf("decode error %v is not a problem", err)
		}
		if p.Status < 400 || p.Status > 499 {
			t.Fatalf("bad input answered %d", p.Status)
		}
	})
}

// day is a value written as a string but held in a struct, as a date is.
type day struct{ text string }

func (d *day) UnmarshalText(b []byte) error { d.text = string(b); return nil }

func TestAStringValueSentAsANumberIsAskedForAsAString(t *testing.T) {
	var dst struct {
		Birthday day `json:"birthday"`
	}
	p := From(Decode(strings.NewReader(`{"birthday":19850302}`), &dst, 1000))
	if p == nil || p.Status != 422 || len(p.Errors) != 1 || p.Errors[0].Field != "birthday" || p.Errors[0].Message != "must be a string" {
		t.Fatalf("got %+v", p)
	}
}

func TestAWrongTypeNamesTheElementOrMemberItIs(t *testing.T) {
	var dst struct {
		Phones  []string          `json:"phones"`
		Keep    map[string]string `json:"keep"`
		Address struct {
			Street string `json:"street"`
		} `json:"address"`
		Links []struct {
			ID string `json:"id"`
		} `json:"links"`
	}
	for body, want := range map[string]FieldError{
		`{"phones":["0913999003", 913999004]}`:    {"phones[1]", "must be a string"},
		`{"phones":[["0913999003"]]}`:             {"phones[0]", "must be a string"},
		`{"phones":"0913999003"}`:                 {"phones", "must be an array"},
		`{"keep":{"tax_code":"merged","name":1}}`: {"keep.name", "must be a string"},
		`{"address":{"street":true}}`:             {"address.street", "must be a string"},
		`{"links":[{"id":"a"},{"id":{"x":"é"}}]}`: {"links[1].id", "must be a string"},
		`{"keep":{"a\"b":"x"},"phones":[1]}`:      {"phones[0]", "must be a string"},
		`[1]`:                                     {"(body)", "must be an object"},
	} {
		p := From(Decode(strings.NewReader(body), &dst, 1000))
		if p == nil || p.Status != 422 || len(p.Errors) != 1 || p.Errors[0] != want {
			t.Errorf("%s: got %+v, want %+v", body, p, want)
		}
	}
}
