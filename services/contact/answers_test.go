package contact_test

import (
	"fmt"
	"maps"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
)

// A write answers the record as a read of it answers it, byte for byte in
// every value: a client that keeps the answer (an offline list, a cache
// compared by value) must not see a time change its offset or lose its
// nanoseconds when read back.
func TestAWriteAnswersTheRecordAsAReadDoes(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	const interactions = "/api/contact/v1/interactions"
	same := func(t *testing.T, write servicetest.Response, path string) {
		t.Helper()
		var wrote, read map[string]any
		write.JSON(t, &wrote)
		h.Do(t, "GET", path, tok, nil).JSON(t, &read)
		for k := range maps.Keys(wrote) {
			if w, r := fmt.Sprint(wrote[k]), fmt.Sprint(read[k]); w != r {
				t.Errorf("%s: %s: the write answered %s, a read %s", path, k, w, r)
			}
		}
	}
	r := h.Do(t, "POST", people, tok, `{"full_name":"Nguyễn Văn An","consents":{"email":{"granted":true,"at":"2026-10-20T10:00:00.123456789+07:00","source":"form"}}}`)
	mustStatus(t, r, 201)
	var p struct{ ID string }
	r.JSON(t, &p)
	same(t, r, people+"/"+p.ID)

	r = h.Do(t, "PATCH", people+"/"+p.ID, tok, `{"consents":{"sms":{"granted":true,"at":"2026-10-21T08:30:00.5+07:00","source":"call"}}}`)
	mustStatus(t, r, 200)
	same(t, r, people+"/"+p.ID)

	r = h.Do(t, "POST", interactions, tok, fmt.Sprintf(`{"party_id":%q,"kind":"call","occurred_at":"2026-10-20T10:00:00.123456789+07:00"}`, p.ID))
	mustStatus(t, r, 201)
	var it struct{ ID string }
	r.JSON(t, &it)
	same(t, r, interactions+"/"+it.ID)
	r = h.Do(t, "POST", interactions, tok, fmt.Sprintf(`{"party_id":%q,"kind":"note"}`, p.ID))
	mustStatus(t, r, 201)
	r.JSON(t, &it)
	same(t, r, interactions+"/"+it.ID)
	r = h.Do(t, "PATCH", interactions+"/"+it.ID, tok, `{"occurred_at":"2026-10-19T09:00:00.987654321+07:00"}`)
	mustStatus(t, r, 200)
	same(t, r, interactions+"/"+it.ID)

	r = h.Do(t, "POST", orgs, tok, `{"name":"Trường A","kinds":["school"]}`)
	mustStatus(t, r, 201)
	var o struct{ ID string }
	r.JSON(t, &o)
	same(t, r, orgs+"/"+o.ID)

	r = h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"Phụ huynh","resource":"people","filter":{"tag":"phụ huynh"}}`)
	mustStatus(t, r, 201)
	var seg struct{ ID string }
	r.JSON(t, &seg)
	same(t, r, "/api/contact/v1/segments/"+seg.ID)
}
