package training_test

import (
	"bytes"
	"net/http"
	"sync"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

// A training request submitted twice at once with one Idempotency-Key (a
// double click, a retry after a timeout) makes one request and one course;
// both answers name it.
func TestADoubleSubmittedRequestWithOneKeyMakesOneCourse(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.waitUnits(1)
	tok := f.Token(t, auth.Sales)
	body := []byte(`{"unit_ids":["u1"],"module_code":"ke-toan","mode":"online","meeting_link":"https://zoom.us/j/123",` +
		`"proposed_dates":["2026-11-20"],"objectives":{"contract":true}}`)
	post := func(key string, body []byte) servicetest.Response {
		req, err := http.NewRequest("POST", f.URL+"/api/training/v1/requests", bytes.NewReader(body))
		if err != nil {
			t.Error(err)
			return servicetest.Response{}
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		return servicetest.Send(t, req)
	}
	answers := make([]idOf, 2)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := post("req-1", body)
			if r.Status != 201 {
				t.Errorf("status %d, want 201: %s", r.Status, r.Body)
				return
			}
			r.JSON(t, &answers[i])
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	if answers[0].CourseID == "" || answers[0] != answers[1] {
		t.Fatalf("answers %+v, want one request and course", answers)
	}
	if n := testkit.Count(t, f.Pool, `SELECT count(*) FROM course`); n != 1 {
		t.Fatalf("%d courses, want 1", n)
	}
	if n := testkit.Count(t, f.Pool, `SELECT count(*) FROM request`); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
	f.problem(post("req-1", bytes.Replace(body, []byte("2026-11-20"), []byte("2026-11-27"), 1)), 422)
}
