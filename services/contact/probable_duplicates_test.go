package contact_test

import (
	"slices"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
)

// A problem naming a stored party names it by its name as well as its id,
// whichever way the row duplicates it: its phone, its tax code, its id;
// and a phone the party refuses is quoted as the row holds it.
func TestImportProblemsNameTheStoredPartyAndQuoteTheRefusedPhone(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	binh := create(t, h, tok, people, `{"full_name":"Nguyễn Văn Bình","phones":["0912345678"]}`)
	school := create(t, h, tok, orgs, `{"name":"Trường THCS Lê Lợi","kinds":["school"],"tax_code":"0101234567"}`)

	teachers := "ID,Họ và tên,Điện thoại\n" +
		",Lê Thị Hoa,0912 345 678\n" + // 2 Bình's phone
		",Trần Văn Nam,09O4 777 999\n" + // 3 a letter O
		",Phạm Thu,\"0987 000 111, 12345\"\n" + // 4 the second is no phone
		binh + ",Nguyễn Văn Bình,\n" // 5 Bình again, by id
	job := importFile(t, h, tok, "teachers.csv", []byte(teachers), "people", 30*time.Second)
	want := []importProblem{
		{Row: 2, Column: "Điện thoại", Message: "same phone +84912345678 as existing person Nguyễn Văn Bình (" + binh + ")"},
		{Row: 3, Column: "Điện thoại", Message: `holds "09O4 777 999", which is not a valid phone number`},
		{Row: 4, Column: "Điện thoại", Message: `holds "12345", which is not a valid phone number`},
		{Row: 5, Column: "ID", Message: "same id " + binh + " as existing person Nguyễn Văn Bình (" + binh + ")"},
	}
	if got := problemsOf(t, h, tok, job.ID); job.Progress.Created != 0 || !slices.Equal(got, want) {
		t.Errorf("people problems (%+v):\n got %+v\nwant %+v", job.Progress, got, want)
	}

	job = importFile(t, h, tok, "schools.csv", []byte("Tên đơn vị,Mã số thuế\nTHCS Lê Lợi,0101234567\n"), "organizations", 30*time.Second)
	want = []importProblem{{Row: 2, Column: "Mã số thuế", Message: "same tax code 0101234567 as existing organisation Trường THCS Lê Lợi (" + school + ")"}}
	if got := problemsOf(t, h, tok, job.ID); !slices.Equal(got, want) {
		t.Errorf("organisation problems:\n got %+v\nwant %+v", got, want)
	}
}
