package contact_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

// Rapport has no staff directory: a staff id is the id staff sign in
// with, and every place that takes one refuses what cannot be one (white
// space around or inside it, a name, a blank), naming the field, and
// writes nothing. Case is kept as sent.
func TestAStaffIDThatCannotBeALoginIsRefusedWhereverOneIsGiven(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan, mgr := staffToken(t, "sales-lan", auth.Sales), staffToken(t, "mgr-thu", auth.Manager)
	p := createPerson(t, h, lan, `{"full_name":"Khách Của Tuấn","phones":["0912000001"],"owner_id":"sales-tuan"}`)
	before := written(t, h)

	mustName(t, h.Do(t, "POST", people, lan, `{"full_name":"Khách Mới","owner_id":" sales-lan"}`), "owner_id", "starts or ends with white space")
	mustName(t, h.Do(t, "POST", people, lan, `{"full_name":"Khách Mới","owner_id":"  "}`), "owner_id", "is blank")
	mustName(t, h.Do(t, "POST", orgs, lan, `{"name":"Trường TH Mới","kinds":["school"],"owner_id":"Nguyễn Thị Lan"}`), "owner_id", "holds a space, as a name does")
	mustName(t, h.Do(t, "POST", people+"/"+p.ID+"/owner", lan, `{"owner_id":" sales-lan","reason":"chị Lan nhận"}`), "owner_id", "starts or ends with white space")
	mustName(t, h.Do(t, "POST", "/api/contact/v1/handovers", mgr, `{"from_owner_id":"sales-tuan","to_owner_id":"  sales-minh ","reason":"Tuấn nghỉ việc"}`),
		"to_owner_id", "starts or ends with white space")
	mustName(t, h.Do(t, "POST", "/api/contact/v1/handovers", mgr, `{"from_owner_id":"sales tuan","to_owner_id":"sales-minh","reason":"Tuấn nghỉ việc"}`),
		"from_owner_id", "holds a space")
	mustName(t, h.Do(t, "GET", people+"?owner="+url.QueryEscape(" sales-tuan"), lan, nil), "owner", "starts or ends with white space")
	mustName(t, h.Do(t, "POST", "/api/contact/v1/segments", lan, `{"name":"của Lan","resource":"people","filter":{"owner":"Nguyễn Thị Lan"}}`),
		"filter.owner", "holds a space")
	mustName(t, h.Do(t, "POST", people+"/bulk-changes", lan, `{"filter":{"owner":"sales-\u200btuan"},"add_tags":["x"]}`),
		"filter.owner", "invisible or control character (U+200B)")
	if n := written(t, h); n != before {
		t.Fatalf("refused staff ids wrote %d rows", n-before)
	}
	if got := names(t, h, lan, people+"?owner=sales-tuan"); len(got) != 1 {
		t.Fatalf("owner=sales-tuan lists %q", got)
	}

	// Case is kept: an identity provider's ids may hold capitals, and no
	// rule says two ids differing in case are one person.
	if upper := createPerson(t, h, lan, `{"full_name":"Khách Chữ Hoa","owner_id":"SALES-LAN"}`); upper.OwnerID != "SALES-LAN" {
		t.Fatalf("owner %q, want it as sent", upper.OwnerID)
	}

	// A party stored with an owner that is no staff id, before the rule,
	// is handed over to a real one by that owner as stored.
	ctx := context.Background()
	if _, err := h.Pool.Exec(ctx, `UPDATE person SET owner_id = '  sales-minh ', doc = jsonb_set(doc, '{owner_id}', '"  sales-minh "') WHERE id = $1`, p.ID); err != nil {
		t.Fatal(err)
	}
	r := h.Do(t, "POST", "/api/contact/v1/handovers", mgr, `{"from_owner_id":"  sales-minh ","to_owner_id":"sales-minh","reason":"sửa mã nhân viên"}`)
	mustStatus(t, r, 201)
	if got := names(t, h, lan, people+"?owner=sales-minh"); len(got) != 1 {
		t.Fatalf("owner=sales-minh lists %q after the hand-over", got)
	}
}

// An import's owner column, and its defaults' owner_id, take staff ids
// only: a person's name there refuses the row in that column, quoting it.
func TestAnImportRefusesAnOwnerThatIsNoStaffIDInItsColumn(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan := staffToken(t, "sales-lan", auth.Sales)
	file := []byte("Họ và tên,Số điện thoại,owner_id\n" +
		"Trần Văn Một,0912000101,Nguyễn Thị Lan\n" +
		"Trần Văn Hai,0912000102,sales-lan\n")
	job := importFile(t, h, lan, "khach.csv", file, "people", 30*time.Second)
	if job.Status != "done" || job.Progress.Created != 1 || job.Progress.Failed != 1 {
		t.Fatalf("job: %+v", job)
	}
	report := problemsOf(t, h, lan, job.ID)
	if len(report) != 1 || report[0].Row != 2 || report[0].Column != "owner_id" ||
		!strings.Contains(report[0].Message, `holds "Nguyễn Thị Lan", which is no staff id: it holds a space, as a name does`) {
		t.Fatalf("report: %+v", report)
	}
	r := uploadForm(t, h, lan, "khac.csv", []byte("Họ và tên\nPhạm Thu\n"), map[string]string{"resource": "people", "defaults": `{"owner_id":" sales-lan"}`})
	mustName(t, r, "defaults.owner_id", "starts or ends with white space")
	r = previewForm(t, h, lan, "", file, map[string]string{"resource": "people"})
	mustStatus(t, r, 200)
	if !strings.Contains(string(r.Body), `holds \"Nguyễn Thị Lan\", which is no staff id`) {
		t.Fatalf("the preview does not refuse the owner: %s", r.Body)
	}
}

// An interaction counts in the activity report as the work of the staff
// member it names: the caller, unless a steward (a lead, the manager, an
// admin) names another. The manager, who calls the unhappy customer, may
// log one; the director reads only.
func TestOnlyAStewardCreditsAnInteractionToAnotherStaffMember(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan, minh := staffToken(t, "sales-lan", auth.Sales), staffToken(t, "sales-minh", auth.Sales)
	lead, mgr := staffToken(t, "lead-hoa", auth.Lead), staffToken(t, "mgr-thu", auth.Manager)
	p := createPerson(t, h, lan, `{"full_name":"Khách Phàn Nàn","phones":["0912000201"]}`).ID
	const path = "/api/contact/v1/interactions"
	call := func(staff string) string {
		if staff == "" {
			return fmt.Sprintf(`{"party_id":%q,"kind":"call","outcome":"gọi"}`, p)
		}
		return fmt.Sprintf(`{"party_id":%q,"kind":"call","staff_id":%q,"outcome":"gọi hộ"}`, p, staff)
	}
	before := testkit.Count(t, h.Pool, `SELECT count(*) FROM interaction`)
	r := h.Do(t, "POST", path, minh, call("director-boss"))
	mustStatus(t, r, 403)
	if !strings.Contains(string(r.Body), `"staff_id":"director-boss"`) || !strings.Contains(string(r.Body), "only a lead, a manager or an admin") {
		t.Fatalf("the refusal does not say who may: %s", r.Body)
	}
	mustName(t, h.Do(t, "POST", path, lan, call("  ")), "staff_id", "is blank")
	mustName(t, h.Do(t, "POST", path, lead, call("sales lan")), "staff_id", "holds a space")
	mustStatus(t, h.Do(t, "POST", path, staffToken(t, "dir-an", auth.Director), call("")), 403)
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM interaction`); n != before {
		t.Fatalf("refused interactions wrote %d", n-before)
	}

	mustStatus(t, h.Do(t, "POST", path, lan, call("sales-lan")), 201) // her own id, named
	var own struct{ ID string }
	h.Do(t, "POST", path, lan, call("")).JSON(t, &own)
	var credited struct {
		StaffID  string `json:"staff_id"`
		LoggedBy string `json:"logged_by"`
	}
	r = h.Do(t, "POST", path, lead, call("sales-minh")) // the lead logs the call Minh made from the road
	mustStatus(t, r, 201)
	r.JSON(t, &credited)
	if credited.StaffID != "sales-minh" || credited.LoggedBy != "lead-hoa" {
		t.Fatalf("credited interaction: %s", r.Body)
	}
	r = h.Do(t, "POST", path, mgr, fmt.Sprintf(`{"party_id":%q,"kind":"call","outcome":"TP gọi xin lỗi khách"}`, p))
	mustStatus(t, r, 201)

	// A correction moving the call to another staff member is the same rule.
	r = h.Do(t, "PATCH", path+"/"+own.ID, lan, `{"staff_id":"sales-minh"}`)
	mustStatus(t, r, 403)
	mustName(t, h.Do(t, "PATCH", path+"/"+own.ID, mgr, `{"staff_id":"sales-minh "}`), "staff_id", "starts or ends with white space")
	mustStatus(t, h.Do(t, "PATCH", path+"/"+own.ID, mgr, `{"staff_id":"sales-minh"}`), 200)
	mustStatus(t, h.Do(t, "PATCH", path+"/"+own.ID, minh, `{"outcome":"gọi lại"}`), 200) // hers now, and Minh's to correct

	// The activity report counts each call as its staff member's, and
	// says how many of them someone else logged, and for whom each logged.
	var report struct {
		Staff []struct {
			StaffID         string `json:"staff_id"`
			Interactions    int    `json:"interactions"`
			LoggedByOthers  int    `json:"logged_by_others"`
			LoggedForOthers int    `json:"logged_for_others"`
		}
	}
	r = h.Do(t, "GET", "/api/contact/v1/activity", mgr, nil)
	mustStatus(t, r, 200)
	r.JSON(t, &report)
	got := map[string][3]int{}
	for _, s := range report.Staff {
		got[s.StaffID] = [3]int{s.Interactions, s.LoggedByOthers, s.LoggedForOthers}
	}
	want := map[string][3]int{"sales-lan": {1, 0, 1}, "sales-minh": {2, 2, 0}, "lead-hoa": {0, 0, 1}, "mgr-thu": {1, 0, 0}}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: interactions, logged by others, logged for others = %v, want %v (%s)", id, got[id], w, r.Body)
		}
	}
}
