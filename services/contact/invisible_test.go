package contact_test

import (
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
)

// Zero-width spaces and other invisible characters pasted from Zalo or
// Word are dropped on the way in: an email carrying one is caught by the
// duplicate check, a tag carrying one is the same tag, and a name is
// stored without it; through the API and through an import alike.
func TestInvisibleCharactersPastedIntoAPartyAreDropped(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)

	mai := createPerson(t, h, tok, "{\"full_name\":\"Đỗ Thị Mai\",\"emails\":[\"mai\u200b@truong.edu.vn\"]}")
	var stored struct{ Emails []string }
	h.Do(t, "GET", people+"/"+mai.ID, tok, nil).JSON(t, &stored)
	if !slices.Equal(stored.Emails, []string{"mai@truong.edu.vn"}) {
		t.Fatalf("emails %+q, want the address without the zero-width space", stored.Emails)
	}
	r := h.Do(t, "POST", people, tok, `{"full_name":"Đỗ T. Mai","emails":["mai@truong.edu.vn"]}`)
	mustStatus(t, r, 409)
	// An address still invalid once they are gone is refused, as before.
	r = h.Do(t, "POST", people, tok, "{\"full_name\":\"Lý Thị Na\",\"emails\":[\"na\u200b@truong\"]}")
	mustStatus(t, r, 422)
	mustName(t, r, "emails[0]", "not a valid email")

	hoa := createPerson(t, h, tok, "{\"full_name\":\"Lê\u200b Văn\ufeff Tám\",\"phones\":[\"0912\u2060345\u200c678\"],\"tags\":[\"vip\u200b\"],"+
		"\"zalo_id\":\"\u200d0912345678\"}")
	if hoa.FullName != "Lê Văn Tám" || !slices.Equal(hoa.Phones, []string{"+84912345678"}) {
		t.Fatalf("stored %+q %+q, want the name and phone without invisible characters", hoa.FullName, hoa.Phones)
	}
	var tagged struct {
		Tags   []string
		ZaloID string `json:"zalo_id"`
	}
	h.Do(t, "GET", people+"/"+hoa.ID, tok, nil).JSON(t, &tagged)
	if !slices.Equal(tagged.Tags, []string{"vip"}) || tagged.ZaloID != "0912345678" {
		t.Fatalf("tags %+q, zalo id %+q, want vip and the id alone", tagged.Tags, tagged.ZaloID)
	}
	if got := names(t, h, tok, people+"?tag=vip&q="+url.QueryEscape("Lê Văn Tám")); !slices.Equal(got, []string{"Lê Văn Tám"}) {
		t.Fatalf("tag=vip finds %q, want Lê Văn Tám", got)
	}

	// An import reads its cells through the same rules.
	csv := "Họ và tên,Email,Nhãn\nNgô\u200b Thị Lan,lan\u200b@truong.edu.vn,vip\ufeff\nĐỗ Mai,mai@truong.edu.vn\u200b,\n"
	job := importFile(t, h, tok, "ds.csv", []byte(csv), "people", 30*time.Second)
	if job.Progress.Created != 1 || job.Progress.Failed+job.Progress.AlreadyStored != 1 {
		t.Fatalf("import %+v, want Lan created and Mai seen as stored", job.Progress)
	}
	if got := names(t, h, tok, people+"?tag=vip&q=lan%40truong.edu.vn"); !slices.Equal(got, []string{"Ngô Thị Lan"}) {
		t.Fatalf("the imported person is found as %q, want Ngô Thị Lan, tagged vip", got)
	}
}
