package contact_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
)

// found returns the ids of the first page a search of path for q finds.
func found(t *testing.T, h *servicetest.Harness, tok, path, q string) []string {
	t.Helper()
	r := h.Do(t, "GET", path+"?q="+url.QueryEscape(q), tok, nil)
	mustStatus(t, r, 200)
	var pg struct{ Items []item }
	r.JSON(t, &pg)
	ids := []string{}
	for _, it := range pg.Items {
		ids = append(ids, it.ID)
	}
	return ids
}

// mustFind fails unless a search of path for each of qs finds exactly want.
func mustFind(t *testing.T, h *servicetest.Harness, tok, path string, want []string, qs ...string) {
	t.Helper()
	for _, q := range qs {
		if got := found(t, h, tok, path, q); !sameSet(got, want) {
			t.Errorf("q=%q found %v, want %v", q, got, want)
		}
	}
}

func TestAPersonIsFoundByTheLastDigitsOfAPhoneButNotByThree(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	an := createPerson(t, h, tok, `{"full_name":"Nguyễn Văn An","phones":["0912 345 678","024 3825 1111"]}`)
	binh := createPerson(t, h, tok, `{"full_name":"Trần Thị Bình","phones":["0987 005 678"]}`)
	createPerson(t, h, tok, `{"full_name":"Lê Văn Cường","phones":["0903 456 789"]}`)

	mustFind(t, h, tok, people, []string{an.ID, binh.ID}, "5678", "...5678", "…5678", "*5678", "56 78", "5.678")
	mustFind(t, h, tok, people, []string{an.ID}, "45678", "2345678", "234-5678", "...2345678", "12345678", "12 345 678", "1111", "825 1111")
	mustFind(t, h, tok, people, []string{binh.ID}, "05678", "...7005678")
	// Fewer than 4 digits search names only; more than 8 are no end.
	mustFind(t, h, tok, people, []string{}, "678", "...678", "*678", "999 5678")
}

func TestAPhoneChangedByAPatchIsFoundByItsNewEndOnly(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	p := createPerson(t, h, tok, `{"full_name":"Phạm Thị Hoa","phones":["0912 000 111"]}`)
	mustFind(t, h, tok, people, []string{p.ID}, "0111")
	mustStatus(t, h.Do(t, "PATCH", people+"/"+p.ID, tok, `{"phones":["0913 222 333"]}`), 200)
	mustFind(t, h, tok, people, []string{p.ID}, "2333", "...3222333")
	mustFind(t, h, tok, people, []string{}, "0111", "2000111")
	// A write that leaves the phones alone keeps their ends.
	mustStatus(t, h.Do(t, "PATCH", people+"/"+p.ID, tok, `{"notes":"gọi lại"}`), 200)
	mustStatus(t, h.Do(t, "POST", people+"/"+p.ID+"/owner", h.Token(t, auth.Lead), `{"owner_id":"user-other","reason":"chia lại khách"}`), 200)
	mustFind(t, h, tok, people, []string{p.ID}, "2333")
}

func TestAMergedPartyIsFoundThroughItsSurvivorAndADeletedOneIsNot(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Lead)
	a := createPerson(t, h, tok, `{"full_name":"Võ Thị Lan","phones":["0912 000 441"],"zalo_id":"zl-4410"}`)
	b := createPerson(t, h, tok, `{"full_name":"Vo Thi Lan","phones":["0912 000 552"],"emails":["lan@truongxyz.edu.vn"]}`)
	mustStatus(t, h.Do(t, "POST", people+"/"+a.ID+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"full_name":"survivor"}}`, b.ID)), 200)
	mustFind(t, h, tok, people, []string{a.ID}, "0441", "0552", "@truongxyz.edu.vn", "zl-4410")

	gone := createPerson(t, h, tok, `{"full_name":"Đỗ Văn Đi","phones":["0912 000 663"],"emails":["di@truongdi.vn"],"zalo_id":"zl-6630"}`)
	mustFind(t, h, tok, people, []string{gone.ID}, "0663", "truongdi.vn", "zl-6630")
	mustStatus(t, h.Do(t, "DELETE", people+"/"+gone.ID, tok, nil), 204)
	mustFind(t, h, tok, people, []string{}, "0663", "truongdi.vn", "zl-6630")
}

func TestAnImportedPersonIsFoundByAPhonesEndUntilTheImportIsUndone(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	file := []byte("Họ và tên;Điện thoại;Email;Zalo\nLê Văn A;0912 000 771;a@truongnhap.edu.vn;zl-7710\nLê Văn B;0912000882;b@truongnhap.edu.vn;\n")
	job := importFile(t, h, tok, "nhap.csv", file, "people", 30*time.Second)
	if job.Status != "done" || job.Progress.Created != 2 {
		t.Fatalf("import: %+v", job)
	}
	ids := namePairs(t, h, `SELECT doc->>'full_name', id::text FROM person`)
	mustFind(t, h, tok, people, []string{ids["Lê Văn A"]}, "0771", "...2000771", "zl-7710")
	mustFind(t, h, tok, people, []string{ids["Lê Văn A"], ids["Lê Văn B"]}, "@truongnhap.edu.vn")
	undoImport(t, h, tok, job.ID)
	mustFind(t, h, tok, people, []string{}, "0771", "0882", "@truongnhap.edu.vn", "zl-7710")
}

func TestPeopleAreFoundByTheirEmailsDomainWholeAndInAnyCase(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	lan := createPerson(t, h, tok, `{"full_name":"Nguyễn Thị Lan","emails":["Lan.Nguyen@TruongABC.edu.vn"]}`)
	minh := createPerson(t, h, tok, `{"full_name":"Trần Minh","emails":["minh@gmail.com","minh.tran@truongabc.edu.vn"]}`)
	createPerson(t, h, tok, `{"full_name":"Lê Hà","emails":["ha@truongabcd.edu.vn","ha@edu.vn.com"]}`)
	mustFind(t, h, tok, people, []string{lan.ID, minh.ID}, "@truongabc.edu.vn", "truongabc.edu.vn", "@TRUONGABC.EDU.VN", " TruongABC.edu.vn ")
	mustFind(t, h, tok, people, []string{minh.ID}, "gmail.com", "@gmail.com")
	// The domain whole: not a part, nor a domain it is under.
	mustFind(t, h, tok, people, []string{}, "edu.vn", "@edu.vn", "abc.edu.vn", "truongabc.edu", "@truongabc")

	school := create(t, h, tok, orgs, `{"name":"Trường THPT ABC","kinds":["school"],"emails":["info@truongabc.edu.vn"]}`)
	mustFind(t, h, tok, orgs, []string{school}, "@truongabc.edu.vn", "truongabc.edu.vn")
}

func TestAPersonIsFoundByTheirZaloIDExactly(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	p := createPerson(t, h, tok, `{"full_name":"Hoàng Văn Zalo","zalo_id":"  5836473829104756321 "}`)
	q := createPerson(t, h, tok, `{"full_name":"Bùi Thị Mai","zalo_id":"zl.mai1988"}`)
	mustFind(t, h, tok, people, []string{p.ID}, "5836473829104756321", " 5836473829104756321")
	mustFind(t, h, tok, people, []string{q.ID}, "zl.mai1988")
	mustFind(t, h, tok, people, []string{}, "583647382910475632", "zl.mai198", "ZL.MAI1988")
	mustStatus(t, h.Do(t, "PATCH", people+"/"+q.ID, tok, `{"zalo_id":"zl.mai1989"}`), 200)
	mustFind(t, h, tok, people, []string{q.ID}, "zl.mai1989")
	mustFind(t, h, tok, people, []string{}, "zl.mai1988")
	// Organisations have none: a search of them is by name, as ever.
	mustFind(t, h, tok, orgs, []string{}, "5836473829104756321")
	// A text too long for an index entry is stored all the same, and not
	// searched for.
	long := createPerson(t, h, tok, `{"full_name":"Đinh Văn Dài","zalo_id":"`+strings.Repeat("0123456789", 300)+`"}`)
	mustStatus(t, h.Do(t, "GET", people+"/"+long.ID, tok, nil), 200)
}

func TestAnOrganisationIsFoundByTheLastDigitsOfAPhone(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	school := create(t, h, tok, orgs, `{"name":"Trường Tiểu học Hải Châu","kinds":["school"],"phones":["0236 3822 123","0905 111 999"]}`)
	create(t, h, tok, orgs, `{"name":"Phòng GD&ĐT Hải Châu","kinds":["supervising_unit"],"phones":["0236 3822 124"]}`)
	mustFind(t, h, tok, orgs, []string{school}, "2123", "...3822 123", "1999", "*111999")
	mustFind(t, h, tok, people, []string{}, "2123")
}

// The parties whose phone ends in some digits join those whose name has
// the digits as a word, in one name order, and those whose name has only a
// word starting with them follow, whatever their phones: paged without
// gaps or repeats.
func TestThePartiesOfAPhonesEndAndOfANameArePagedAsOneList(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	for _, body := range []string{
		`{"full_name":"An","phones":["0912 001 234"]}`,
		`{"full_name":"Lớp 1234 Bình"}`,
		`{"full_name":"Cường","phones":["0913 001 234","0914 001 234"]}`,
		`{"full_name":"Dũng 12345"}`,
		`{"full_name":"Em","phones":["0915 001 234"],"zalo_id":"1234"}`,
		`{"full_name":"Giang 1234","phones":["0916 001 234"]}`,
		`{"full_name":"Hà","phones":["0912 001 235"]}`,
		`{"full_name":"Khánh 123"}`,
		`{"full_name":"Lớp 12345 Yến","phones":["0917 001 234"]}`,
	} {
		createPerson(t, h, tok, body)
	}
	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("the cursor never ends")
		}
		r := h.Do(t, "GET", people+"?q=1234&limit=2"+cursor, tok, nil)
		mustStatus(t, r, 200)
		var pg struct {
			Items      []item
			NextCursor string `json:"next_cursor"`
		}
		r.JSON(t, &pg)
		for _, it := range pg.Items {
			got = append(got, it.FullName)
		}
		if pg.NextCursor == "" {
			break
		}
		cursor = "&cursor=" + url.QueryEscape(pg.NextCursor)
	}
	if want := []string{"An", "Cường", "Em", "Giang 1234", "Lớp 1234 Bình", "Dũng 12345", "Lớp 12345 Yến"}; !slices.Equal(got, want) {
		t.Fatalf("paged through %q, want %q", got, want)
	}
}
