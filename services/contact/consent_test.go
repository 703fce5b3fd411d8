package contact_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
)

// A consent is decided at an instant: one ahead of the server's clock is a
// typo however its day reads in the offset it was written with. The
// clock stands at 2026-11-02 09:00 in Vietnam (02:00 UTC).
func TestAConsentAheadOfNowIsRefusedWhateverOffsetItIsWrittenIn(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	p := createPerson(t, h, tok, `{"full_name":"Trần Thị Bình"}`)
	for _, at := range []string{
		"2026-11-02T23:59:00-12:00", // the 2nd where it was written; the 3rd, 18:59, in Vietnam
		"2026-11-02T20:00:00Z",      // the 2nd in UTC; the 3rd, 03:00, in Vietnam
		"2026-11-02T10:00:00+07:00", // today in Vietnam, an hour ahead
	} {
		r := h.Do(t, "PATCH", people+"/"+p.ID, tok, fmt.Sprintf(`{"consents":{"phone":{"granted":true,"at":%q,"source":"call"}}}`, at))
		mustStatus(t, r, 422)
		mustName(t, r, "consents.phone.at", "must not be in the future (it is 2026-11-02 09:00 +07:00 now)")
	}
	r := h.Do(t, "PATCH", people+"/"+p.ID, tok, `{"consents":{"phone":{"granted":true,"at":"2026-11-02T02:03:00Z","source":"call"}}}`)
	mustStatus(t, r, 200) // three minutes ahead: clocks differ that much
	r = h.Do(t, "POST", people, tok, `{"full_name":"Lê Văn Cường","consents":{"zalo":{"granted":true,"at":"2026-11-01T23:00:00-12:00","source":"form"}}}`)
	mustStatus(t, r, 422)
	mustName(t, r, "consents.zalo.at", "in the future")
}

// A consent is the person's latest decision about a channel: an older one
// entered later (an old paper form after the person withdrew) is refused,
// and a decision cannot be removed, only replaced by a newer one. Nothing
// refused is written. The clock stands at 2026-11-02 09:00 in Vietnam.
func TestAnOlderConsentOrARemovedOneIsRefusedByAnEdit(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan, minh := staffToken(t, "sales-lan", auth.Sales), staffToken(t, "sales-minh", auth.Sales)
	p := createPerson(t, h, lan, `{"full_name":"Phạm Thị Đồng Ý","consents":{"zalo":{"granted":true,"at":"2026-09-01T09:00:00+07:00","source":"phiếu đăng ký"}}}`)
	path := people + "/" + p.ID
	mustStatus(t, h.Do(t, "PATCH", path, lan, `{"consents":{"zalo":{"granted":false,"at":"2026-10-28T09:00:00+07:00","source":"gọi điện: chị từ chối nhận Zalo"}}}`), 200)

	before := written(t, h)
	r := h.Do(t, "PATCH", path, minh, `{"consents":{"zalo":{"granted":true,"at":"2020-01-01T09:00:00+07:00","source":"phiếu cũ 2020"}}}`)
	mustName(t, r, "consents.zalo.at", "is before the stored decision (refused on 2026-10-28 09:00 +07:00), which is newer")
	r = h.Do(t, "PATCH", path, minh, `{"consents":{"zalo":{"granted":true,"at":"2026-10-28T02:00:00Z","source":"phiếu"}}}`)
	mustName(t, r, "consents.zalo.at", "is the time of the stored decision (refused on 2026-10-28 09:00 +07:00)")
	mustName(t, h.Do(t, "PATCH", path, minh, `{"consents":{"zalo":null}}`), "consents.zalo", "cannot be removed")
	mustName(t, h.Do(t, "PATCH", path, minh, `{"consents":null}`), "consents.zalo", "cannot be removed")
	if n := written(t, h); n != before {
		t.Fatalf("refused edits wrote %d rows", n-before)
	}

	// The consents as read may be sent back; a newer decision replaces the
	// stored one, and one of the same instant may correct its source.
	var read map[string]any
	h.Do(t, "GET", path, minh, nil).JSON(t, &read)
	body, _ := json.Marshal(map[string]any{"consents": read["consents"], "full_name": read["full_name"]})
	mustStatus(t, h.Do(t, "PATCH", path, minh, string(body)), 200)
	mustStatus(t, h.Do(t, "PATCH", path, minh, `{"consents":{"zalo":{"granted":false,"at":"2026-10-28T09:00:00+07:00","source":"gọi điện ngày 28/10"}}}`), 200)
	r = h.Do(t, "PATCH", path, minh, `{"consents":{"zalo":{"granted":true,"at":"2026-11-01T09:00:00+07:00","source":"chị nhắn tin đồng ý lại"}},"full_name":"Phạm Thị Đồng Ý"}`)
	mustStatus(t, r, 200)
	var got struct {
		Consents map[string]struct {
			Granted bool
			Source  string
		}
	}
	r.JSON(t, &got)
	if z := got.Consents["zalo"]; !z.Granted || z.Source != "chị nhắn tin đồng ý lại" {
		t.Fatalf("the newer decision did not replace the stored one: %s", r.Body)
	}
}
