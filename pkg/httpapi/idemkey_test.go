package httpapi

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"testing"
)

func TestIdempotencyKeysAreReadBareOrQuoted(t *testing.T) {
	for _, tc := range []struct {
		name    string
		values  []string
		key     string
		present bool
		bad     bool
	}{
		{"absent", nil, "", false, false},
		{"bare", []string{"k-1"}, "k-1", true, false},
		{"quoted as the draft writes it", []string{`"k-1"`}, "k-1", true, false},
		{"empty", []string{""}, "", true, true},
		{"quotes alone", []string{`""`}, "", true, true},
		{"twice", []string{"a", "b"}, "", true, true},
		{"not ASCII", []string{"Đỗ Thị Mai"}, "", true, true},
		{"too long", []string{string(bytes.Repeat([]byte("k"), 256))}, "", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest("POST", "/", nil)
			for _, v := range tc.values {
				r.Header.Add("Idempotency-Key", v)
			}
			key, present, err := ParseIdempotencyKey(r)
			if key != tc.key || present != tc.present || (err != nil) != tc.bad {
				t.Fatalf("got %q %v %v, want %q %v bad=%v", key, present, err, tc.key, tc.present, tc.bad)
			}
		})
	}
}

func form(t *testing.T, file string) (string, []byte) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("resource", "people")
	fw, err := mw.CreateFormFile("file", "ds.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write([]byte(file))
	_ = mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

func TestAFingerprintTellsRequestsApartButNotFormBoundaries(t *testing.T) {
	const js = "application/json"
	base := Fingerprint("POST", "/p", "", js, []byte(`{"a":1}`))
	ct1, f1 := form(t, "Họ và tên\nMai\n")
	ct2, f2 := form(t, "Họ và tên\nMai\n") // a new random boundary
	ct3, f3 := form(t, "Họ và tên\nLan\n")
	for _, tc := range []struct {
		name string
		a, b string
		same bool
	}{
		{"the same request", base, Fingerprint("POST", "/p", "", js, []byte(`{"a":1}`)), true},
		{"another body", base, Fingerprint("POST", "/p", "", js, []byte(`{"a":2}`)), false},
		{"another path", base, Fingerprint("POST", "/q", "", js, []byte(`{"a":1}`)), false},
		{"another query", base, Fingerprint("POST", "/p", "x=1", js, []byte(`{"a":1}`)), false},
		{"a form sent again", Fingerprint("POST", "/p", "", ct1, f1), Fingerprint("POST", "/p", "", ct2, f2), true},
		{"a form with another file", Fingerprint("POST", "/p", "", ct1, f1), Fingerprint("POST", "/p", "", ct3, f3), false},
	} {
		if (tc.a == tc.b) != tc.same {
			t.Errorf("%s: same=%v, want %v", tc.name, tc.a == tc.b, tc.same)
		}
	}
}

func TestAKeptAnswerIsReplayedWaitedForOrRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		kept Kept
		want idemOutcome
	}{
		{"answered", Kept{Fingerprint: "f", Status: 201}, idemReplay},
		{"running", Kept{Fingerprint: "f"}, idemWait},
		{"another request", Kept{Fingerprint: "g", Status: 201}, idemMismatch},
		{"another request, running", Kept{Fingerprint: "g"}, idemMismatch},
	} {
		if got := judge("f", tc.kept); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	for status, want := range map[int]bool{200: true, 201: true, 202: true, 409: false, 422: false, 500: false} {
		if keep(status) != want {
			t.Errorf("keep(%d) = %v", status, !want)
		}
	}
	h := keptHeader(http.Header{"Etag": {`"1"`}, "Location": {"/x"}, "Traceparent": {"00-1"}, "Content-Type": {"application/json"}})
	if len(h) != 3 || h.Get("Traceparent") != "" {
		t.Errorf("kept headers %v, want ETag, Location and Content-Type", h)
	}
}
