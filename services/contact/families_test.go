package contact_test

import (
	"bytes"
	"context"
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
	"github.com/rapportcrm/rapport/services/contact/importing/importtest"
)

// classListCSV is a school's class list: a student per row, the parents
// beside. Rows 2 and 3 are brother and sister.
const classListCSV = "Họ và tên,Ngày sinh,Họ tên cha,SĐT cha,Họ tên mẹ,SĐT mẹ\n" +
	"Lê Minh An,02/03/2015,Lê Văn Bình,0912000111,Phạm Thị Cúc,0987 000 222\n" + // 2 a new father, a stored mother
	"Lê Minh Châu,05/09/2017,,+84912000111,pham thi cuc,0987000222\n" + // 3 her brother: the same parents
	"Trần Gia Huy,01/01/2016,Đỗ Văn Tâm,0912000111,,\n" + // 4 row 2's father's phone, another name
	"Ngô Bảo,01/01/2016,Trần Văn Sai,0903000999,,\n" + // 5 a stored person's phone, another name
	"Hồ Na,01/01/2016,Hồ Văn Sơn,0912,,\n" + // 6 no phone
	"Vũ Lan,01/01/2016,,,,0977000444\n" + // 7 a phone nobody holds, no name
	"Đinh Tú,01/01/2016,,,Mai Thị Hồng,0977000555\n" // 8 a new mother

type importProgress struct {
	Created        int `json:"created"`
	Failed         int `json:"failed"`
	ParentsCreated int `json:"parents_created"`
	ParentsLinked  int `json:"parents_linked"`
}

// familyOf returns, by person, the people they are parent of, of the
// people named.
// progressOf returns the progress of the import job id.
func progressOf(t *testing.T, h *servicetest.Harness, tok, id string) importProgress {
	t.Helper()
	var job struct{ Progress importProgress }
	h.Do(t, "GET", imports+"/"+id, tok, nil).JSON(t, &job)
	return job.Progress
}

// sameFamilies fails t unless the people linked to others are those of
// want, each with their links as familyOf writes them.
func sameFamilies(t *testing.T, h *servicetest.Harness, want map[string]string) {
	t.Helper()
	if got := familyOf(t, h); !maps.Equal(got, want) {
		t.Fatalf("families %v, want %v", got, want)
	}
}

func familyOf(t *testing.T, h *servicetest.Harness) map[string]string {
	t.Helper()
	return namePairs(t, h, `SELECT p.name, string_agg(r->>'kind' || ' ' || q.name, ', ' ORDER BY q.name)
FROM person p CROSS JOIN jsonb_array_elements(p.doc->'relationships') AS l(r)
JOIN person q ON q.id = (r->>'party_id')::uuid GROUP BY p.name`)
}

// A class list names each student's parents beside them. The import finds
// each parent among the stored people by phone, or creates them once for
// all their children, and links them to the children; a row whose parent
// cannot be told is refused and says why. Undoing the import takes the
// links back from the stored parents.
func TestAClassListLinksEachStudentToTheirParents(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	cuc := create(t, h, tok, people, `{"full_name":"Phạm Thị Cúc","phones":["0987000222"]}`)
	khac := create(t, h, tok, people, `{"full_name":"Trần Văn Khác","phones":["0903000999"]}`)
	updated := testkit.Count(t, h.Pool, `SELECT count(*) FROM outbox WHERE subject='contact.person.updated'`)

	// The preview shows whom each row would link its student to, and
	// refuses what the import refuses.
	r := previewForm(t, h, tok, "?rows=7", []byte(classListCSV), map[string]string{"resource": "people"})
	mustStatus(t, r, 200)
	var p importPreview
	r.JSON(t, &p)
	siblings := "[{parent_of Lê Văn Bình [+84912000111]  0} {parent_of Phạm Thị Cúc [+84987000222] " + cuc + " 0}]"
	if len(p.Rows) != 7 || fmt.Sprint(p.Rows[0].Parents) != siblings || fmt.Sprint(p.Rows[1].Parents) != siblings ||
		len(p.Rows[2].Problems) != 1 || len(p.Rows[3].Problems) != 1 || p.Rows[3].Parents != nil {
		t.Fatalf("preview: %s", r.Body)
	}

	job := importFile(t, h, tok, "lop-1a.csv", []byte(classListCSV), "people", 30*time.Second)
	progress := progressOf(t, h, tok, job.ID)
	if want := (importProgress{Created: 3, Failed: 4, ParentsCreated: 2, ParentsLinked: 1}); progress != want {
		t.Fatalf("progress %+v, want %+v", progress, want)
	}
	want := []importProblem{
		{Row: 4, Column: "Họ tên cha", Message: "names the father Đỗ Văn Tâm, whose phone +84912000111 row 2 gives as Lê Văn Bình's: " +
			"a phone identifies one person; correct the name or the phone"},
		{Row: 5, Column: "Họ tên cha", Message: "names the father, but the stored person holding their phone +84903000999 is Trần Văn Khác (" + khac +
			"), not Trần Văn Sai: correct the name or the phone, or leave the name blank to link to Trần Văn Khác"},
		{Row: 6, Column: "SĐT cha", Message: `holds "0912", which is not a valid phone number`},
		{Row: 7, Column: "Họ tên mẹ", Message: "names the mother, but no stored person has the phone +84977000444, and no row gives their name: " +
			"add it, so that they can be created"},
	}
	if report := problemsOf(t, h, tok, job.ID); !slices.Equal(report, want) {
		t.Fatalf("report:\n got %+v\nwant %+v", report, want)
	}
	family := map[string]string{
		"Lê Văn Bình":  "parent_of Lê Minh An, parent_of Lê Minh Châu",
		"Phạm Thị Cúc": "parent_of Lê Minh An, parent_of Lê Minh Châu",
		"Mai Thị Hồng": "parent_of Đinh Tú",
	}
	sameFamilies(t, h, family)
	// A parent created is the first child's owner's, with the phone the
	// rows give; the stored mother's change is in her history and published.
	owners := namePairs(t, h, `SELECT name, owner_id || ' ' || array_to_string(ARRAY(SELECT jsonb_array_elements_text(doc->'phones')), ',')
FROM person WHERE name IN ('Lê Văn Bình', 'Mai Thị Hồng')`)
	if owners["Lê Văn Bình"] != "user-sales +84912000111" || owners["Mai Thị Hồng"] != "user-sales +84977000555" {
		t.Errorf("parents created: %v", owners)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM history WHERE party_id = $1 AND field = 'relationships' AND actor = 'user-sales'`, cuc); n != 1 {
		t.Errorf("%d history entries of the mother's links, want 1", n)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM outbox WHERE subject='contact.person.updated'`) - updated; n != 1 {
		t.Errorf("%d updated events, want 1 (the stored mother)", n)
	}

	// Undone, the students and the parents created go, and the stored
	// mother is as she was.
	u, body := undoImport(t, h, tok, job.ID)
	var undo struct {
		ParentsUnlinked int `json:"parents_unlinked"`
	}
	servicetest.Response{Body: body}.JSON(t, &undo)
	if u.Deleted != 5 || u.Kept != 0 || undo.ParentsUnlinked != 1 {
		t.Fatalf("undo: %s", body)
	}
	if got := familyOf(t, h); len(got) != 0 {
		t.Fatalf("links left after the undo: %v", got)
	}

	// The same file again: once someone changed the stored mother since,
	// an undo leaves her links, and so her children, as they are.
	job = importFile(t, h, tok, "lop-1a.csv", []byte(classListCSV), "people", 30*time.Second)
	if job.Progress.Created != 3 {
		t.Fatalf("imported again: %+v", job)
	}
	mustStatus(t, h.Do(t, "PATCH", people+"/"+cuc, tok, `{"tags":["hội phụ huynh"]}`), 200)
	u, body = undoImport(t, h, tok, job.ID)
	servicetest.Response{Body: body}.JSON(t, &undo)
	if u.Deleted != 3 || u.Kept != 2 || undo.ParentsUnlinked != 0 {
		t.Fatalf("undo after a change: %s", body)
	}
	if got := familyOf(t, h); !maps.Equal(got, map[string]string{"Phạm Thị Cúc": "parent_of Lê Minh An, parent_of Lê Minh Châu"}) {
		t.Fatalf("families after the undo: %v", got)
	}
}

// A job cut off while it links a class list's parents (a database restart,
// a failover) is retried past the batches it wrote: it finds the students
// written before by their ids, creates or links each parent once, and every
// student ends with both parents; an undo takes it all back.
func TestAClassListCutOffWhileLinkingParentsLinksEachOnceOnItsRetry(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	ctx := context.Background()
	const n = 3000
	list := importtest.ClassList(n, 7)
	var file bytes.Buffer
	if err := list.WriteCSV(&file); err != nil {
		t.Fatal(err)
	}
	phones := map[string]bool{}
	var first []string
	siblings := 0 // the first row's mother's children
	for row := range list.Rows {
		if first == nil {
			first = row
		}
		if row[5] == first[5] {
			siblings++
		}
		phones[row[3]], phones[row[5]] = true, true
	}
	parents, batches := len(phones), (len(phones)+999)/1000
	if batches < 3 {
		t.Fatalf("%d parents: too few batches to cut one off between others", parents)
	}
	// The first family's mother is stored. Only linking a stored parent
	// writes import_parent_link: holding that table stops her batch, the
	// first, with every student written, while the other writer goes on.
	mother := create(t, h, tok, people, fmt.Sprintf(`{"full_name":%q,"phones":[%q]}`, first[4], first[5]))
	hold := holdLock(t, h, "import_parent_link", "SHARE")
	r := uploadForm(t, h, tok, "lop.csv", file.Bytes(), map[string]string{"resource": "people"})
	mustStatus(t, r, 202)
	var job importJob
	r.JSON(t, &job)
	id := job.ID
	testkit.Eventually(t, 30*time.Second, "every batch but the mother's written", func() bool {
		return testkit.Count(t, h.Pool, `SELECT count(*) FROM import_chunk WHERE import_id = $1`, id) == int64(1+batches-1)
	})
	var pid int
	err := h.Pool.QueryRow(ctx, `SELECT pid FROM pg_stat_activity
 WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO import_parent_link%' LIMIT 1`).Scan(&pid)
	if err != nil {
		t.Fatalf("the mother's batch is not waiting: %v", err)
	}
	if _, err := h.Pool.Exec(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, "the attempt to be retried", func() bool {
		job = importJob{}
		h.Do(t, "GET", imports+"/"+id, tok, nil).JSON(t, &job)
		return job.Status == "pending" && strings.Contains(job.Error, "terminating connection")
	})
	if err := hold.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	job = waitForImport(t, h, tok, id, time.Minute)
	progress := progressOf(t, h, tok, id)
	if want := (importProgress{Created: n, ParentsCreated: parents - 1, ParentsLinked: 1}); job.Status != "done" || progress != want {
		t.Fatalf("the retried job ended %s with %+v, want %+v", job.Status, progress, want)
	}
	if got := testkit.Count(t, h.Pool, `SELECT count(*) FROM person`); got != int64(1+n+parents-1) {
		t.Errorf("%d people, want the mother, %d students and %d parents created", got, n, parents-1)
	}
	if got := testkit.Count(t, h.Pool, `SELECT count(*) FROM (SELECT key FROM party_key GROUP BY key HAVING count(*) > 1) AS twice`); got != 0 {
		t.Errorf("%d phones held twice: a parent was created twice", got)
	}
	// Each student has two parents, and no link is written twice.
	children := `SELECT count(*) FROM (SELECT r->>'party_id' FROM person, jsonb_array_elements(doc->'relationships') AS l(r)
 WHERE r->>'kind' = 'parent_of' GROUP BY 1 HAVING count(*) = 2 AND count(DISTINCT id) = 2) AS two`
	if got := testkit.Count(t, h.Pool, children); got != n {
		t.Errorf("%d students with their two parents, want %d", got, n)
	}
	if got := testkit.Count(t, h.Pool, `SELECT jsonb_array_length(doc->'relationships') FROM person WHERE id = $1`, mother); got != int64(siblings) {
		t.Errorf("the stored mother has %d links, want her %d children", got, siblings)
	}
	if got := testkit.Count(t, h.Pool, `SELECT count(*) FROM history WHERE party_id = $1 AND field = 'relationships'`, mother); got != 1 {
		t.Errorf("%d history entries of the stored mother's links, want 1", got)
	}

	u, body := undoImport(t, h, tok, id)
	var undo struct {
		ParentsUnlinked int `json:"parents_unlinked"`
	}
	servicetest.Response{Body: body}.JSON(t, &undo)
	if u.Deleted != n+parents-1 || u.Kept != 0 || undo.ParentsUnlinked != 1 {
		t.Fatalf("undo: %s", body)
	}
	if got := testkit.Count(t, h.Pool, `SELECT count(*) FROM person WHERE id = $1 AND doc->'relationships' IS NULL`, mother); got != 1 {
		t.Fatalf("the stored mother after the undo: %v", namePairs(t, h, `SELECT name, doc::text FROM person`))
	}
}

// Two classes' lists share a father: the first creates him, the second
// links him to its student. Undoing both leaves nothing of either, in
// either order: the second list's links, taken back by its undo, are no
// work on the father that keeps him. Undone first, the first list keeps
// him for the second's student; once that is undone too, undoing the
// first again deletes him.
func TestTwoClassListsSharingAParentAreUndoneWholeInEitherOrder(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	const header = "Họ và tên,Ngày sinh,Họ tên cha,SĐT cha\n"
	first := []byte(header + "Lê Minh An,02/03/2015,Lê Văn Bình,0912000111\n")
	second := []byte(header + "Lê Minh Châu,05/09/2017,Lê Văn Bình,0912 000 111\n")
	both := map[string]string{"Lê Văn Bình": "parent_of Lê Minh An, parent_of Lê Minh Châu"}
	imported := func() (string, string) {
		t.Helper()
		a := importFile(t, h, tok, "lop-6a.csv", first, "people", 30*time.Second)
		b := importFile(t, h, tok, "lop-6b.csv", second, "people", 30*time.Second)
		progress := progressOf(t, h, tok, b.ID)
		if a.Progress.Created != 1 || progress != (importProgress{Created: 1, ParentsLinked: 1}) {
			t.Fatalf("imported %+v, then %+v", a.Progress, progress)
		}
		sameFamilies(t, h, both)
		return a.ID, b.ID
	}
	undone := func(id string, deleted, kept, unlinked int) {
		t.Helper()
		u, body := undoImport(t, h, tok, id)
		var undo struct {
			ParentsUnlinked int `json:"parents_unlinked"`
		}
		servicetest.Response{Body: body}.JSON(t, &undo)
		if u.Deleted != deleted || u.Kept != kept || undo.ParentsUnlinked != unlinked {
			t.Fatalf("undo: %s, want %d deleted, %d kept, %d unlinked", body, deleted, kept, unlinked)
		}
	}
	nobody := func() {
		t.Helper()
		if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM person`); n != 0 {
			t.Fatalf("%d people left: %v", n, familyOf(t, h))
		}
	}

	a, b := imported()
	undone(b, 1, 0, 1)
	undone(a, 2, 0, 0)
	nobody()

	a, b = imported()
	undone(a, 0, 2, 0) // Châu's father, and so An
	u, body := undoImport(t, h, tok, b)
	if u.Deleted != 1 || !slices.Equal(u.FinishedUndos, []finishedUndo{{a, 2, 0}}) {
		t.Fatalf("undo of the second list: %s, want 1 deleted, finishing the first list's undo with 2 deleted", body)
	}
	nobody()

	// Work on the father since is still work: a change after the second
	// list's undo keeps him, and An.
	a, b = imported()
	undone(b, 1, 0, 1)
	var father string
	if err := h.Pool.QueryRow(context.Background(), `SELECT id::text FROM person WHERE name = 'Lê Văn Bình'`).Scan(&father); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, h.Do(t, "PATCH", people+"/"+father, tok, `{"tags":["hội phụ huynh"]}`), 200)
	undone(a, 0, 2, 0)
}

// A parent may be a row of the class list itself (a parent registered as
// a contact of their own): their children's rows name them by that row's
// phone, and are linked to the person the row creates. An undo takes it
// all back.
func TestAClassListLinksStudentsToAParentWhoIsARowOfTheFile(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	list := "Họ và tên,SĐT,Họ tên cha,SĐT cha\n" +
		"Lê Văn Bình,0912000111,,\n" + // 2 the father, a row of his own
		"Lê Minh An,,Lê Văn Bình,0912 000 111\n" + // 3
		"Lê Minh Châu,,,+84912000111\n" + // 4 no name: row 2's
		"Trần Huy,,Trần Văn Sai,0912000111\n" // 5 another name
	r := previewForm(t, h, tok, "?rows=4", []byte(list), map[string]string{"resource": "people"})
	mustStatus(t, r, 200)
	var p importPreview
	r.JSON(t, &p)
	if len(p.Rows) != 4 || fmt.Sprint(p.Rows[1].Parents) != "[{parent_of Lê Văn Bình [+84912000111]  2}]" ||
		fmt.Sprint(p.Rows[2].Parents) != "[{parent_of Lê Văn Bình [+84912000111]  2}]" || len(p.Rows[3].Problems) != 1 {
		t.Fatalf("preview: %s", r.Body)
	}
	job := importFile(t, h, tok, "lop.csv", []byte(list), "people", 30*time.Second)
	progress := progressOf(t, h, tok, job.ID)
	if want := (importProgress{Created: 3, Failed: 1, ParentsLinked: 1}); progress != want {
		t.Fatalf("progress %+v, want %+v", progress, want)
	}
	want := []importProblem{{Row: 5, Column: "Họ tên cha", Message: "names the father Trần Văn Sai, whose phone +84912000111 row 2 gives its own person, " +
		"Lê Văn Bình: a phone identifies one person; correct the name or the phone, or leave the name blank to link to Lê Văn Bình"}}
	if report := problemsOf(t, h, tok, job.ID); !slices.Equal(report, want) {
		t.Fatalf("report:\n got %+v\nwant %+v", report, want)
	}
	sameFamilies(t, h, map[string]string{"Lê Văn Bình": "parent_of Lê Minh An, parent_of Lê Minh Châu"})
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM party_key WHERE key LIKE '%84912000111'`); n != 1 {
		t.Errorf("the father's phone is held %d times, want once", n)
	}
	u, body := undoImport(t, h, tok, job.ID)
	if u.Deleted != 3 || u.Kept != 0 {
		t.Fatalf("undo: %s", body)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM person`); n != 0 {
		t.Fatalf("%d people left after the undo", n)
	}
}
