package contact_test

import (
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
