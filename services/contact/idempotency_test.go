package contact_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

// A call posted twice at once with the same Idempotency-Key (a double tap,
// a retry after a slow answer) is logged once, and both posts answer 201
// with the same interaction; the second says it is a replay.
func TestADoubleSubmittedCallWithOneKeyIsLoggedOnce(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	const path = "/api/contact/v1/interactions"
	school := create(t, h, tok, orgs, `{"name":"Trường Tiểu học Đông Thái","kinds":["school"]}`)
	body := fmt.Sprintf(`{"party_id":%q,"kind":"call","occurred_at":"2026-11-02T08:00:00+07:00","outcome":"hẹn gọi lại"}`, school)
	key := map[string]string{"Idempotency-Key": "call-4711"}

	answers := make([]servicetest.Response, 2)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = send(t, h, "POST", path, tok, "application/json", strings.NewReader(body), key)
		}()
	}
	wg.Wait()
	var ids [2]struct{ ID string }
	replayed := 0
	for i, r := range answers {
		mustStatus(t, r, 201)
		r.JSON(t, &ids[i])
		if r.Header.Get("Idempotent-Replayed") == "true" {
			replayed++
		}
	}
	if ids[0].ID == "" || ids[0].ID != ids[1].ID {
		t.Fatalf("two answers name %q and %q, want one interaction", ids[0].ID, ids[1].ID)
	}
	if replayed != 1 {
		t.Errorf("%d answers say Idempotent-Replayed, want the second only", replayed)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM interaction WHERE party_id=$1`, school); n != 1 {
		t.Fatalf("%d interactions logged, want 1", n)
	}

	// A later retry gets the same answer again.
	r := send(t, h, "POST", path, tok, "application/json", strings.NewReader(body), key)
	mustStatus(t, r, 201)
	if !strings.Contains(string(r.Body), ids[0].ID) || r.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry answered %s %v, want the first interaction replayed", r.Body, r.Header)
	}

	// The same key with another body is another request: refused.
	other := strings.Replace(body, "hẹn gọi lại", "không nghe máy", 1)
	r = send(t, h, "POST", path, tok, "application/json", strings.NewReader(other), key)
	mustStatus(t, r, 422)
	mustName(t, r, "Idempotency-Key", "another")

	// Another staff member's key is theirs: the same key logs their call.
	r = send(t, h, "POST", path, h.Token(t, auth.Lead), "application/json", strings.NewReader(body), key)
	mustStatus(t, r, 201)
	if r.Header.Get("Idempotent-Replayed") != "" {
		t.Fatal("another caller's request was answered from this caller's key")
	}

	// Without the header, each post logs a call, as before.
	create(t, h, tok, path, body)
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM interaction WHERE party_id=$1`, school); n != 3 {
		t.Fatalf("%d interactions logged, want 3", n)
	}
}

// A create refused (here, a duplicate without force) keeps no answer: the
// corrected request, sent with the same key, runs.
func TestAKeyOfARefusedCreateServesTheCorrectedRequest(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	createPerson(t, h, tok, `{"full_name":"Đỗ Thị Mai","emails":["mai@truong.edu.vn"]}`)
	key := map[string]string{"Idempotency-Key": `"p-1"`}
	r := send(t, h, "POST", people, tok, "application/json", strings.NewReader(`{"full_name":"Đỗ T. Mai","emails":["mai@truong.edu.vn"]}`), key)
	mustStatus(t, r, 409)
	forced := `{"full_name":"Đỗ T. Mai","emails":["mai@truong.edu.vn"],"force":true,"force_reason":"hai người dùng chung hộp thư"}`
	r = send(t, h, "POST", people, tok, "application/json", strings.NewReader(forced), key)
	mustStatus(t, r, 201)
	again := send(t, h, "POST", people, tok, "application/json", strings.NewReader(forced), key)
	mustStatus(t, again, 201)
	if string(again.Body) != string(r.Body) || again.Header.Get("Etag") != r.Header.Get("Etag") || again.Header.Get("Location") != r.Header.Get("Location") {
		t.Fatalf("replay %v %s differs from the answer %v %s", again.Header, again.Body, r.Header, r.Body)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM person`); n != 2 {
		t.Fatalf("%d people, want 2", n)
	}
}
