package contact_test

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
)

// Numbers Vietnam renumbered (11-digit mobiles in 2018, landline area
// codes in 2017) are read as the numbers they are today, wherever a phone
// is read: a create, a patch, a duplicate check, a search.
func TestAPhoneInARetiredFormatIsStoredMatchedAndFoundAsTodays(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)

	p := createPerson(t, h, tok, `{"full_name":"Lê Văn Số Cũ","phones":["0168 123 4567","04 3825 1234"]}`)
	if want := []string{"+84381234567", "+842438251234"}; !reflect.DeepEqual(p.Phones, want) {
		t.Fatalf("phones %q, want %q", p.Phones, want)
	}
	var o item
	r := h.Do(t, "POST", orgs, tok, `{"name":"Trường Tiểu học Hải Châu","kinds":["school"],"phones":["+84 511 3822 123","(08) 3825 1234"]}`)
	mustStatus(t, r, 201)
	r.JSON(t, &o)
	if want := []string{"+842363822123", "+842838251234"}; !reflect.DeepEqual(o.Phones, want) {
		t.Fatalf("organisation phones %q, want %q", o.Phones, want)
	}

	// A patch reads them so too.
	q := createPerson(t, h, tok, `{"full_name":"Phạm Thị Hoa","phones":["0912 000 111"]}`)
	r = h.Do(t, "PATCH", people+"/"+q.ID, tok, `{"phones":["0912 000 111","84 169 111 2222"]}`)
	mustStatus(t, r, 200)
	r.JSON(t, &q)
	if want := []string{"+84912000111", "+84391112222"}; !reflect.DeepEqual(q.Phones, want) {
		t.Fatalf("patched phones %q, want %q", q.Phones, want)
	}

	// The old and the current form of a number are one duplicate key.
	for _, body := range []string{
		`{"full_name":"Lê Số Mới","phones":["038 123 4567"]}`,
		`{"full_name":"Lê Số Mới","phones":["+84 168 123 4567"]}`,
		`{"full_name":"Lê Máy Bàn","phones":["024 3825 1234"]}`,
		`{"full_name":"Phạm Hoa","phones":["0169.111.2222"]}`,
	} {
		r := h.Do(t, "POST", people, tok, body)
		mustStatus(t, r, 409)
		if !strings.Contains(string(r.Body), p.ID) && !strings.Contains(string(r.Body), q.ID) {
			t.Errorf("409 for %s does not name the match: %s", body, r.Body)
		}
	}
	r = h.Do(t, "PATCH", people+"/"+q.ID, tok, `{"phones":["0912 000 111","0168-123-4567"]}`)
	mustStatus(t, r, 409)

	// A search by any form finds the number as stored.
	for query, want := range map[string]string{
		"0168 123 4567":    p.ID,
		"+84 168 123 4567": p.ID,
		"04 3825 1234":     p.ID,
		"84 4 3825 1234":   p.ID,
		"0169 111 2222":    q.ID,
	} {
		var pg struct{ Items []item }
		r := h.Do(t, "GET", people+"?q="+url.QueryEscape(query), tok, nil)
		mustStatus(t, r, 200)
		r.JSON(t, &pg)
		if len(pg.Items) != 1 || pg.Items[0].ID != want {
			t.Errorf("search %q found %+v, want %s", query, pg.Items, want)
		}
	}
	for _, query := range []string{"0511 3822 123", "08 3825 1234"} {
		var pg struct{ Items []item }
		r := h.Do(t, "GET", orgs+"?q="+url.QueryEscape(query), tok, nil)
		mustStatus(t, r, 200)
		r.JSON(t, &pg)
		if len(pg.Items) != 1 || pg.Items[0].ID != o.ID {
			t.Errorf("organisation search %q found %+v", query, pg.Items)
		}
	}
}

// An import reads a retired number as today's, for a party's phones and a
// parent's (so brothers and sisters whose rows write the mother's number
// in either form share her), matches it against the file's other rows and
// stored parties in either form, and keeps the cell as the file wrote it
// in the notes, so the change is not made unseen.
func TestAnImportReadsRetiredPhonesAsTodaysAndNotesThemAsWritten(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	stored := createPerson(t, h, tok, `{"full_name":"Võ Văn Đã Có","phones":["0236 3822 123"]}`)
	file := []byte("Họ và tên,Điện thoại,Ghi chú,Họ tên mẹ,SĐT mẹ\n" +
		"Số Di Động Cũ,0168 123 4567,,,\n" + // 2
		"Máy Bàn Cũ,04 3825 1234,Gọi giờ hành chính,,\n" + // 3
		"Con Cả,0912000111,,Trần Thị Mẹ,+84 169 111 2222\n" + // 4
		"Con Út,0912000112,,Trần Thị Mẹ,039 111 2222\n" + // 5
		"Trùng Số Mới,038 123 4567,,,\n" + // 6
		"Trùng Số Đã Có,0511 3822 123,,,\n") // 7
	job := importFile(t, h, tok, "so-cu.csv", file, "people", 30*time.Second)
	if job.Status != "done" || job.Progress.Created != 4 || job.Progress.Failed != 2 {
		t.Fatalf("job: %+v, report %+v", job, problemsOf(t, h, tok, job.ID))
	}
	report := problemsOf(t, h, tok, job.ID)
	if got := problemAt(report, 6, "Điện thoại"); got != "same phone +84381234567 as row 2" {
		t.Errorf("row 6: %q; report %+v", got, report)
	}
	if got := problemAt(report, 7, "Điện thoại"); got != "same phone +842363822123 as existing person Võ Văn Đã Có ("+stored.ID+")" {
		t.Errorf("row 7: %q; report %+v", got, report)
	}

	phones := samePhonesAndNotes(t, h, map[string]phonesAndNotes{
		"Số Di Động Cũ": {`["+84381234567"]`, "Điện thoại: 0168 123 4567"},
		"Máy Bàn Cũ":    {`["+842438251234"]`, "Gọi giờ hành chính\nĐiện thoại: 04 3825 1234"},
		"Con Cả":        {`["+84912000111"]`, "SĐT mẹ: +84 169 111 2222"},
		"Con Út":        {`["+84912000112"]`, ""},
		"Trần Thị Mẹ":   {`["+84391112222"]`, ""},
	})
	if n := len(phones); n != 6 {
		t.Errorf("%d people, want 6 (the stored one, four rows, one mother): %v", n, phones)
	}
}
