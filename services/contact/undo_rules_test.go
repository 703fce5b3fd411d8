package contact_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

// auditedJob is an import job with what tells it apart and who undid it.
type auditedJob struct {
	ID        string     `json:"id"`
	FileName  string     `json:"file_name"`
	Sheets    []string   `json:"sheets"`
	CreatedBy string     `json:"created_by"`
	Undone    int        `json:"undone"`
	UndoneAt  *time.Time `json:"undone_at"`
	UndoneBy  string     `json:"undone_by"`
}

// keptParty is a party an undo kept, and why.
type keptParty struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Reasons []string `json:"reasons"`
}

// undoAnswer is the answer of POST /imports/{id}/undo, as these tests read it.
type undoAnswer struct {
	Job                     auditedJob  `json:"job"`
	Deleted                 int         `json:"deleted"`
	DeletedAfterBulkChanges int         `json:"deleted_after_bulk_changes"`
	Kept                    int         `json:"kept"`
	KeptIDs                 []string    `json:"kept_ids"`
	KeptParties             []keptParty `json:"kept_parties"`
}

func undoAs(t *testing.T, h *servicetest.Harness, tok, id string) undoAnswer {
	t.Helper()
	r := h.Do(t, "POST", imports+"/"+id+"/undo", tok, nil)
	mustStatus(t, r, 200)
	var u undoAnswer
	r.JSON(t, &u)
	return u
}

func jobOf(t *testing.T, h *servicetest.Harness, id string) auditedJob {
	t.Helper()
	r := h.Do(t, "GET", imports+"/"+id, h.Token(t, auth.Director), nil)
	mustStatus(t, r, 200)
	var j auditedJob
	r.JSON(t, &j)
	return j
}

// Undoing an import deletes the parties it created, which a colleague may
// not delete one at a time: only its uploader, a lead, a manager or an
// admin may undo it, and the job says who did.
func TestOnlyTheUploaderOrAStewardUndoesAnImport(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan, minh := staffToken(t, "user-lan", auth.Sales), staffToken(t, "user-minh", auth.Sales)
	file := func(n int) []byte {
		return fmt.Appendf(nil, "Họ và tên,Điện thoại\nCao Thị Bốn %d,0916 100 %03d\nCao Thị Năm %d,0916 200 %03d\n", n, n, n, n)
	}
	job := importFile(t, h, lan, "small2.csv", file(1), "people", 30*time.Second)

	for _, tok := range []string{minh, staffToken(t, "user-hoa", auth.Trainer)} {
		r := h.Do(t, "POST", imports+"/"+job.ID+"/undo", tok, nil)
		mustStatus(t, r, 403)
		var p struct {
			Detail    string `json:"detail"`
			CreatedBy string `json:"created_by"`
		}
		r.JSON(t, &p)
		if p.CreatedBy != "user-lan" || !strings.Contains(p.Detail, "uploaded by user-lan") || !strings.Contains(p.Detail, "a lead, a manager or an admin may undo it") {
			t.Fatalf("the refusal does not name the uploader: %s", r.Body)
		}
	}
	if n := testkit.Count(t, h.Pool, `SELECT (SELECT count(*) FROM person) * 10 + (SELECT count(*) FROM history WHERE field = 'deleted')`); n != 20 {
		t.Fatalf("people*10 + deletions = %d after refused undos, want 20", n)
	}
	if j := jobOf(t, h, job.ID); j.UndoneAt != nil || j.UndoneBy != "" {
		t.Fatalf("a refused undo is recorded: %+v", j)
	}

	u := undoAs(t, h, lan, job.ID)
	if u.Deleted != 2 || u.Job.UndoneBy != "user-lan" || u.Job.UndoneAt == nil {
		t.Fatalf("the uploader's undo: %+v", u)
	}
	if j := jobOf(t, h, job.ID); j.UndoneBy != "user-lan" || j.Undone != 2 || j.CreatedBy != "user-lan" {
		t.Fatalf("the job after its uploader's undo: %+v", j)
	}

	// The stewards may undo a colleague's import; the list says who did.
	for i, steward := range []auth.Role{auth.Lead, auth.Manager} {
		job := importFile(t, h, lan, fmt.Sprintf("small%d.csv", i+3), file(i+3), "people", 30*time.Second)
		if u := undoAs(t, h, h.Token(t, steward), job.ID); u.Deleted != 2 || u.Job.UndoneBy != "user-"+string(steward) {
			t.Fatalf("the %s's undo: %+v", steward, u)
		}
	}
	r := h.Do(t, "GET", imports+"?limit=3", minh, nil)
	mustStatus(t, r, 200)
	var list struct{ Items []auditedJob }
	r.JSON(t, &list)
	var by []string
	for _, j := range list.Items {
		by = append(by, j.UndoneBy)
	}
	if !slices.Equal(by, []string{"user-manager", "user-lead", "user-lan"}) {
		t.Fatalf("the list says the imports were undone by %q: %s", by, r.Body)
	}
}

// A bulk change is no work with a customer: an import's parties a lead
// tagged (and untagged) are deleted by its undo, which says so; the parties
// someone did work on are kept, each with why. Uploading the file again
// with another mapping then points at those parties, not at the undo that
// ran, and once they are deleted by hand the file may be imported again.
func TestABulkChangeKeepsNoImportedPartyFromAnUndo(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan, lead := staffToken(t, "user-lan", auth.Sales), h.Token(t, auth.Lead)
	file := []byte("Họ và tên,Điện thoại,Nhãn\nCao Văn Một,0916 100 001,đợt 3\nCao Văn Hai,0916 100 002,đợt 3\nCao Văn Ba,0916 100 003,đợt 3\n" +
		"Cao Văn Bốn,0916 100 004,đợt 3\nCao Văn Năm,0916 100 005,đợt 3\nCao Văn Sáu,0916 100 006,đợt 3\nCao Văn Bảy,0916 100 007,đợt 3\n")
	job := importFile(t, h, lan, "small.csv", file, "people", 30*time.Second)
	ids := namePairs(t, h, `SELECT doc->>'full_name', id::text FROM person`)

	r := h.Do(t, "POST", people+"/bulk-changes", lead, `{"filter":{"tag":"đợt 3"},"add_tags":["tiềm năng"]}`)
	mustStatus(t, r, 200)
	var bulk struct {
		ID      string `json:"id"`
		Changed int    `json:"changed"`
	}
	r.JSON(t, &bulk)
	if bulk.ID == "" || bulk.Changed != 7 {
		t.Fatalf("bulk change: %s", r.Body)
	}
	mustStatus(t, h.Do(t, "POST", people+"/bulk-changes", lead, `{"filter":{"tag":"đợt 3"},"remove_tags":["tiềm năng"]}`), 200)
	// Its history entries say which bulk change wrote them.
	r = h.Do(t, "GET", people+"/"+ids["Cao Văn Một"]+"/history", lan, nil)
	mustStatus(t, r, 200)
	if !strings.Contains(string(r.Body), `"bulk_id":"`+bulk.ID+`"`) {
		t.Fatalf("the history does not name the bulk change: %s", r.Body)
	}

	// Work with four of them, each its own way.
	mustStatus(t, h.Do(t, "PATCH", people+"/"+ids["Cao Văn Bốn"], lan, `{"notes":"gọi lại thứ Hai"}`), 200)
	create(t, h, lan, "/api/contact/v1/interactions", fmt.Sprintf(`{"party_id":%q,"kind":"call","outcome":"quan tâm"}`, ids["Cao Văn Năm"]))
	mustStatus(t, h.Do(t, "POST", people+"/"+ids["Cao Văn Sáu"]+"/owner", lan, `{"owner_id":"user-hoa","reason":"chị Hoà ở gần"}`), 200)
	createPerson(t, h, lan, fmt.Sprintf(`{"full_name":"Trần Thị Vợ","relationships":[{"kind":"related_to","party_id":%q,"label":"vợ"}]}`, ids["Cao Văn Bảy"]))
	twin := createPerson(t, h, lan, `{"full_name":"Cao Văn Ba","zalo_id":"ba.cao"}`)
	mustStatus(t, h.Do(t, "POST", people+"/"+ids["Cao Văn Ba"]+"/merge", lan, fmt.Sprintf(`{"merged_id":%q}`, twin.ID)), 200)

	u := undoAs(t, h, lan, job.ID)
	if u.Deleted != 2 || u.DeletedAfterBulkChanges != 2 || u.Kept != 5 || len(u.KeptParties) != 5 || !slices.Equal(u.KeptIDs, partyIDs(u.KeptParties)) {
		t.Fatalf("undo after bulk changes: %+v", u)
	}
	why := map[string][]string{}
	for _, k := range u.KeptParties {
		why[k.Name] = k.Reasons
	}
	want := map[string][]string{"Cao Văn Bốn": {"edited"}, "Cao Văn Năm": {"interaction"}, "Cao Văn Sáu": {"owner_changed"}, "Cao Văn Bảy": {"linked_from"},
		"Cao Văn Ba": {"edited", "merged_into"}} // the merge gave it the Zalo id
	for name, reasons := range want {
		if !slices.Equal(why[name], reasons) {
			t.Errorf("%s kept for %q, want %q", name, why[name], reasons)
		}
	}
	for _, name := range []string{"Cao Văn Một", "Cao Văn Hai"} {
		mustStatus(t, h.Do(t, "GET", people+"/"+ids[name], lan, nil), 404)
	}

	// The file again with another mapping: the 409 names the kept parties
	// and why, and does not send the user back to the undo.
	remap := map[string]string{"resource": "people", "mapping": `{"Nhãn":""}`}
	r = uploadForm(t, h, lan, "small.csv", file, remap)
	mustStatus(t, r, 409)
	var p struct {
		Detail      string      `json:"detail"`
		KeptParties []keptParty `json:"kept_parties"`
	}
	r.JSON(t, &p)
	if strings.Contains(p.Detail, "/undo") || !strings.Contains(p.Detail, "undoing it by user-lan kept 5 of the parties it created") ||
		len(p.KeptParties) != 5 || !slices.Equal(partyIDs(p.KeptParties), u.KeptIDs) || len(p.KeptParties[0].Reasons) == 0 {
		t.Fatalf("409 after an undo that kept parties: %s", r.Body)
	}
	for _, name := range []string{"Cao Văn Ba", "Cao Văn Bốn", "Cao Văn Năm", "Cao Văn Sáu", "Cao Văn Bảy"} {
		mustStatus(t, h.Do(t, "DELETE", people+"/"+ids[name], lead, nil), 204)
	}
	mustStatus(t, uploadForm(t, h, lan, "small.csv", file, remap), 202)
}

// An organisation's stage set in bulk keeps it no more than a tag does.
func TestAnImportedOrganisationsStageSetInBulkKeepsItNot(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	job := importFile(t, h, tok, "truong.csv", []byte("Tên đơn vị;Loại\nTrường THCS Cao Bá Quát;school\nTrường THCS Chu Văn An;school\n"), "organizations", 30*time.Second)
	mustStatus(t, h.Do(t, "POST", orgs+"/bulk-changes", h.Token(t, auth.Lead), `{"filter":{"kind":"school"},"stage":"prospect"}`), 200)
	if u := undoAs(t, h, tok, job.ID); u.Deleted != 2 || u.DeletedAfterBulkChanges != 2 || u.Kept != 0 || len(u.KeptParties) != 0 {
		t.Fatalf("undo after a stage set in bulk: %+v", u)
	}
}

func partyIDs(ps []keptParty) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

// A morning's imports are told apart by the file each uploaded, and a
// workbook's by its sheets.
func TestTheImportListTellsJobsApartByFileName(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	a := importFile(t, h, tok, "DS 6A1.csv", []byte("Họ và tên,Điện thoại\nNguyễn Văn An,0912000001\n"), "people", 30*time.Second)
	workbook := classWorkbook(t, [][]string{{"Lớp 6A2"}, {"Lớp 6A3"}}, map[string][][]any{
		"Lớp 6A2": {{"Họ và tên", "Điện thoại"}, {"Lê Thị Bình", "0912000002"}},
		"Lớp 6A3": {{"Họ và tên", "Điện thoại"}, {"Trần Văn Cường", "0912000003"}},
	})
	b := importFile(t, h, tok, "Khối 6.xlsx", workbook, "people", 30*time.Second)

	r := h.Do(t, "GET", imports, h.Token(t, auth.Director), nil)
	mustStatus(t, r, 200)
	var list struct{ Items []auditedJob }
	r.JSON(t, &list)
	if len(list.Items) != 2 || list.Items[0].ID != b.ID || list.Items[0].FileName != "Khối 6.xlsx" || !slices.Equal(list.Items[0].Sheets, []string{"Lớp 6A2", "Lớp 6A3"}) ||
		list.Items[1].FileName != "DS 6A1.csv" || list.Items[1].Sheets == nil || len(list.Items[1].Sheets) != 0 || list.Items[1].CreatedBy != "user-sales" {
		t.Fatalf("the list of imports: %s", r.Body)
	}
	if j := jobOf(t, h, a.ID); j.FileName != "DS 6A1.csv" {
		t.Fatalf("GET /imports/{id}: %+v", j)
	}
}

// A hand-over that would move nothing (a double click, a staff member
// handed over already) is refused, naming the hand-over that moved their
// parties, and records nothing; one that moves parties answers 201 with
// its Location.
func TestAHandOverThatWouldMoveNothingIsRefused(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	minh, boss := staffToken(t, "user-minh", auth.Sales), h.Token(t, auth.Manager)
	createPerson(t, h, minh, `{"full_name":"Nguyễn Văn Bình"}`)
	create(t, h, minh, orgs, `{"name":"Trường MN Hoa Sen","kinds":["school"]}`)
	const handovers = "/api/contact/v1/handovers"
	body := `{"from_owner_id":"user-minh","to_owner_id":"user-lan","reason":"Minh nghỉ việc 30/11"}`

	r := h.Do(t, "POST", handovers, boss, body)
	mustStatus(t, r, 201)
	var ho struct {
		ID                    string
		Organizations, People int
	}
	r.JSON(t, &ho)
	if loc := r.Header.Get("Location"); loc != handovers+"/"+ho.ID || ho.Organizations != 1 || ho.People != 1 {
		t.Fatalf("hand-over: Location %q, %s", loc, r.Body)
	}
	mustStatus(t, h.Do(t, "GET", r.Header.Get("Location"), boss, nil), 200)
	recorded := func() int64 {
		return testkit.Count(t, h.Pool, `SELECT (SELECT count(*) FROM handover) * 100 + (SELECT count(*) FROM owner_audit WHERE handover_id IS NOT NULL) * 10
 + (SELECT count(*) FROM outbox WHERE subject LIKE 'contact.%.owner_changed')`)
	}
	before := recorded()

	r = h.Do(t, "POST", handovers, boss, body)
	mustName(t, r, "from_owner_id", "user-minh owns no party now")
	mustName(t, r, "from_owner_id", "hand-over "+ho.ID+" gave their 1 organisations and 1 people to user-lan")
	var p struct {
		HandoverID string `json:"handover_id"`
	}
	r.JSON(t, &p)
	if p.HandoverID != ho.ID {
		t.Fatalf("the refusal does not name the earlier hand-over: %s", r.Body)
	}
	r = h.Do(t, "POST", handovers, h.Token(t, auth.Admin), `{"from_owner_id":"user-nobody","to_owner_id":"user-lan","reason":"nhầm"}`)
	mustName(t, r, "from_owner_id", "owns no party now")
	if strings.Contains(string(r.Body), "handover_id") {
		t.Fatalf("a staff member never handed over is named a hand-over: %s", r.Body)
	}
	if after := recorded(); after != before {
		t.Fatalf("refused hand-overs recorded something: %d, was %d", after, before)
	}
}

// A leaver's botched import stays undoable after their whole portfolio
// was handed over: a hand-over, like a bulk change, is no work with any
// one customer. A party the new owner worked with is kept, for that work
// alone, and one given a new owner by itself is kept as a change of hands.
func TestAHandOverKeepsNoImportedPartyFromAnUndo(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan, hoa, lead := staffToken(t, "user-lan", auth.Sales), staffToken(t, "user-hoa", auth.Sales), h.Token(t, auth.Lead)
	file := []byte("Họ và tên,Điện thoại\nKhúc Văn Một,0916 200 001\nKhúc Văn Hai,0916 200 002\nKhúc Văn Ba,0916 200 003\nKhúc Văn Bốn,0916 200 004\n")
	job := importFile(t, h, lan, "leaver.csv", file, "people", 30*time.Second)
	ids := namePairs(t, h, `SELECT doc->>'full_name', id::text FROM person`)
	mustStatus(t, h.Do(t, "POST", people+"/"+ids["Khúc Văn Bốn"]+"/owner", lan, `{"owner_id":"user-minh","reason":"anh Minh quen nhà"}`), 200)

	mustStatus(t, h.Do(t, "POST", "/api/contact/v1/handovers", h.Token(t, auth.Manager),
		`{"from_owner_id":"user-lan","to_owner_id":"user-hoa","reason":"Lan nghỉ việc"}`), 201)
	create(t, h, hoa, "/api/contact/v1/interactions", fmt.Sprintf(`{"party_id":%q,"kind":"call","outcome":"đã gọi"}`, ids["Khúc Văn Ba"]))

	u := undoAs(t, h, lead, job.ID)
	if u.Deleted != 2 || u.Kept != 2 {
		t.Fatalf("undo after a hand-over: %+v", u)
	}
	why := map[string][]string{}
	for _, k := range u.KeptParties {
		why[k.Name] = k.Reasons
	}
	if want := map[string][]string{"Khúc Văn Ba": {"interaction"}, "Khúc Văn Bốn": {"owner_changed"}}; !maps.EqualFunc(why, want, slices.Equal) {
		t.Fatalf("kept %v, want %v", why, want)
	}
}
