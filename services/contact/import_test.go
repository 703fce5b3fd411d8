package contact_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
	"github.com/rapportcrm/rapport/services/contact/importing"
	"github.com/rapportcrm/rapport/services/contact/importing/importtest"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/xuri/excelize/v2"
)

const imports = "/api/contact/v1/imports"

type importJob struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Format   string `json:"format"`
	Error    string `json:"error"`
	Progress struct {
		Processed, Created, Failed, Skipped int
		AlreadyStored                       int `json:"already_stored"`
	} `json:"progress"`
	DuplicateOfUpload bool              `json:"duplicate_of_upload"`
	IgnoredColumns    []string          `json:"ignored_columns"`
	Defaults          map[string]string `json:"defaults"`
	Undone            int               `json:"undone"`
}

type importProblem struct {
	Row              int    `json:"row"`
	Column           string `json:"column"`
	Message          string `json:"message"`
	DuplicateOfRow   int    `json:"duplicate_of_row"`
	Sheet            string `json:"sheet"`
	DuplicateOfSheet string `json:"duplicate_of_sheet"`
}

// problemsOf returns an import's problem report.
func problemsOf(t testing.TB, h *servicetest.Harness, tok, id string) []importProblem {
	t.Helper()
	r := h.Do(t, "GET", imports+"/"+id+"/problems", tok, nil)
	mustStatus(t, r, 200)
	var report struct{ Items []importProblem }
	r.JSON(t, &report)
	return report.Items
}

// uploadForm sends a multipart upload; fields other than "file" are form values.
func uploadForm(t testing.TB, h *servicetest.Harness, tok, filename string, file []byte, fields map[string]string) servicetest.Response {
	t.Helper()
	return postForm(t, h, tok, imports, filename, file, fields)
}

// postForm posts a multipart form holding file, unless nil, and fields.
func postForm(t testing.TB, h *servicetest.Harness, tok, path, filename string, file []byte, fields map[string]string) servicetest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if file != nil {
		fw, err := mw.CreateFormFile("file", filename)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(file)
	}
	_ = mw.Close()
	return send(t, h, "POST", path, tok, mw.FormDataContentType(), &body, nil)
}

func send(t testing.TB, h *servicetest.Harness, method, path, tok, contentType string, body io.Reader, header map[string]string) servicetest.Response {
	t.Helper()
	req, err := http.NewRequest(method, h.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	return servicetest.Send(t, req)
}

// importFile uploads file as resource, expects the job to be queued and
// returns it once it has ended.
func importFile(t testing.TB, h *servicetest.Harness, tok, filename string, file []byte, resource string, timeout time.Duration) importJob {
	t.Helper()
	r := uploadForm(t, h, tok, filename, file, map[string]string{"resource": resource})
	mustStatus(t, r, 202)
	var job importJob
	r.JSON(t, &job)
	return waitForImport(t, h, tok, job.ID, timeout)
}

// waitForImport polls the job until it is done or failed.
func waitForImport(t testing.TB, h *servicetest.Harness, tok, id string, timeout time.Duration) importJob {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		r := h.Do(t, "GET", imports+"/"+id, tok, nil)
		if r.Status != 200 {
			t.Fatalf("GET import: %d %s", r.Status, r.Body)
		}
		var job importJob // fresh: a field the answer leaves out is not kept from the last one
		r.JSON(t, &job)
		if job.Status == "done" || job.Status == "failed" {
			return job
		}
		if time.Now().After(deadline) {
			t.Fatalf("import %s still %s after %s", id, job.Status, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

const peopleCSV = "Họ và tên,Số điện thoại,Email\n" +
	"Nguyễn Văn Ánh,0912 345 678,anh@example.vn\n" + // 2 good
	"Lê Thị Hoa,12345,\n" + // 3 bad phone
	",0987 654 321,\n" + // 4 no name
	"Nguyễn Văn Ánh (bản sao),+84 912 345 678,\n" + // 5 same phone as row 2
	"Trần Văn Cũ,0903 000 111,\n" + // 6 same phone as a stored person of another name
	"Phạm Thị Đào,0988 111 222,dao@example.vn\n" // 7 good

func TestAnImportReportsBrokenRowsAndDuplicatesAndCreatesOnlyTheGoodRows(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	stored := createPerson(t, h, tok, `{"full_name":"Trần Thị Cũ","phones":["0903000111"]}`)

	r := uploadForm(t, h, tok, "khach-hang.csv", []byte(peopleCSV), map[string]string{"resource": "people"})
	mustStatus(t, r, 202)
	var queued importJob
	r.JSON(t, &queued)
	if queued.ID == "" || queued.Format != "csv" || queued.DuplicateOfUpload {
		t.Fatalf("queued job: %s", r.Body)
	}
	job := waitForImport(t, h, tok, queued.ID, 30*time.Second)
	if job.Status != "done" || job.Progress.Processed != 6 || job.Progress.Created != 2 || job.Progress.Failed != 4 {
		t.Fatalf("job: %+v", job)
	}

	report := problemsOf(t, h, h.Token(t, auth.Director), job.ID)
	want := []importProblem{
		{Row: 3, Column: "Số điện thoại"},
		{Row: 4, Column: "Họ và tên", Message: "required"}, // the name cell is empty
		{Row: 5, Column: "Số điện thoại", Message: "same phone +84912345678 as row 2", DuplicateOfRow: 2},
		{Row: 6, Column: "Số điện thoại", Message: "same phone +84903000111 as existing person Trần Thị Cũ (" + stored.ID + ")"},
	}
	if len(report) != len(want) {
		t.Fatalf("report: %+v", report)
	}
	for i, w := range want {
		got := report[i]
		if got.Row != w.Row || got.Column != w.Column || got.DuplicateOfRow != w.DuplicateOfRow || got.Message == "" ||
			(w.Message != "" && got.Message != w.Message) {
			t.Errorf("problem %d: got %+v, want %+v", i, got, w)
		}
	}

	for _, q := range []string{"nguyen van anh", "pham thi dao", "0988111222", "+84 912 345 678"} {
		var pg struct{ Items []item }
		r := h.Do(t, "GET", people+"?q="+url.QueryEscape(q), tok, nil)
		mustStatus(t, r, 200)
		r.JSON(t, &pg)
		if len(pg.Items) != 1 || pg.Items[0].OwnerID != "user-sales" {
			t.Errorf("search %q after import found %+v", q, pg.Items)
		}
	}
	// The imported party's keys are live: creating it again is a duplicate.
	mustStatus(t, h.Do(t, "POST", people, tok, `{"full_name":"Ánh","phones":["0912345678"]}`), 409)

	e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.person.created", 10*time.Second, func(e event.Event) bool {
		p, err := contract.Decode[contract.PersonCreated](e)
		return err == nil && p.Person.FullName == "Phạm Thị Đào"
	})
	if err := contract.Rapport().Check(e); err != nil {
		t.Fatal(err)
	}
	if n := testkit.Count(t, h.Pool, "SELECT count(*) FROM outbox WHERE subject='contact.person.created'"); n != 3 {
		t.Errorf("%d created events, want 3 (one API, two imported)", n)
	}
}

func TestReUploadingTheSameFileCreatesNothingNew(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Lead)
	first := importFile(t, h, tok, "a.csv", []byte(peopleCSV), "people", 30*time.Second)

	r := uploadForm(t, h, h.Token(t, auth.Sales), "same-file-renamed.csv", []byte(peopleCSV), map[string]string{"resource": "people"})
	mustStatus(t, r, 200)
	var again importJob
	r.JSON(t, &again)
	if again.ID != first.ID || !again.DuplicateOfUpload || again.Status != "done" {
		t.Fatalf("re-upload answered %s", r.Body)
	}
	time.Sleep(200 * time.Millisecond) // a second job, if one had been queued, would have run
	if n := testkit.Count(t, h.Pool, "SELECT (SELECT count(*) FROM import_job) * 1000 + (SELECT count(*) FROM person)"); n != 1003 {
		t.Fatalf("jobs*1000+people = %d, want one job and 3 people", n)
	}
}

// A province's list names each unit's supervising unit, which the list
// holds above or below it: the rows naming one are created after it, a
// level at a time; a row naming one that was not imported says so, and
// units naming each other are refused.
func TestAFileMayHoldTheSupervisingUnitsItsRowsName(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	file := "Tên đơn vị;Loại;Mã số thuế;Đơn vị chủ quản\n" +
		"Trường THCS Ninh Nhất;Trường học;;Phòng GD&ĐT Hoa Lư\n" + // 2 under row 4, below it
		"Sở GD&ĐT Ninh Bình;Đơn vị chủ quản;2700123456;\n" + // 3
		"Phòng GD&ĐT Hoa Lư;Đơn vị chủ quản;;2700123456\n" + // 4 under row 3, by tax code
		"Trường THCS Hoa Lư;Trường học;;phòng gd&đt hoa lư\n" + // 5 under row 4
		"Phòng GD&ĐT Kim Sơn;Đơn vị chủ quản;;Sở GD&ĐT Nam Định\n" + // 6 no such supervising unit
		"Trường THCS Kim Sơn;Trường học;;Phòng GD&ĐT Kim Sơn\n" + // 7 under row 6, not imported
		"Trường A;Trường học;;Trường B\n" + // 8 and 9 name each other
		"Trường B;Trường học;;Trường A\n"
	job := importFile(t, h, tok, "ninh-binh.csv", []byte(file), "organizations", 30*time.Second)
	if job.Status != "done" || job.Progress.Processed != 8 || job.Progress.Created != 4 || job.Progress.Failed != 4 {
		t.Fatalf("job: %+v", job)
	}
	loop := "as its supervising unit, and the supervising units above that row go round in a loop " +
		"(a unit named, directly or not, as its own supervising unit): name one outside the loop"
	want := []importProblem{
		{Row: 6, Column: "Đơn vị chủ quản", Message: `no organisation is named "Sở GD&ĐT Nam Định": write its name as it is stored, its tax code or its id, or add it to this file, or create it first`},
		{Row: 7, Column: "Đơn vị chủ quản", Message: `names row 6 of this file ("Phòng GD&ĐT Kim Sơn"), which was not imported: see that row's problems`},
		{Row: 8, Column: "Đơn vị chủ quản", Message: "names row 9 of this file " + loop},
		{Row: 9, Column: "Đơn vị chủ quản", Message: "names row 8 of this file " + loop},
	}
	if report := problemsOf(t, h, tok, job.ID); !slices.Equal(report, want) {
		t.Fatalf("report:\n got %+v\nwant %+v", report, want)
	}
	got := namePairs(t, h, `SELECT o.name, coalesce(s.name, '') FROM organization o
 LEFT JOIN organization s ON s.id = o.supervising_unit_id WHERE o.import_id = $1`, job.ID)
	want2 := map[string]string{"Sở GD&ĐT Ninh Bình": "", "Phòng GD&ĐT Hoa Lư": "Sở GD&ĐT Ninh Bình", "Trường THCS Hoa Lư": "Phòng GD&ĐT Hoa Lư",
		"Trường THCS Ninh Nhất": "Phòng GD&ĐT Hoa Lư"}
	if !maps.Equal(got, want2) {
		t.Fatalf("supervising units %v, want %v", got, want2)
	}
}

// namePairs runs a query of two text columns and maps the first's values to
// the second's.
func namePairs(t testing.TB, h *servicetest.Harness, sql string, args ...any) map[string]string {
	t.Helper()
	rows, err := h.Pool.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var key, value string
	if _, err := pgx.ForEachRow(rows, []any{&key, &value}, func() error {
		out[key] = value
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// A user who fixes a mapping, or whose job failed, uploads the same file
// again: a job that created nothing is replaced by one with the new mapping,
// a failed job resumes past the chunks it wrote, and a file whose rows were
// created is refused under another mapping, which would create them twice.
func TestAReUploadReplacesAJobThatCreatedNothingAndResumesAFailedOne(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	upload := func(file []byte, mapping string) servicetest.Response {
		t.Helper()
		fields := map[string]string{"resource": "people"}
		if mapping != "" {
			fields["mapping"] = mapping
		}
		return uploadForm(t, h, tok, "people.csv", file, fields)
	}
	var wrong importJob
	r := upload([]byte(peopleCSV), `{"Số điện thoại":"birthday"}`) // phones read as birthdays: every row refused
	mustStatus(t, r, 202)
	r.JSON(t, &wrong)
	if wrong = waitForImport(t, h, tok, wrong.ID, 30*time.Second); wrong.Progress.Created != 0 || wrong.Progress.Failed != 6 {
		t.Fatalf("the wrong mapping: %+v", wrong)
	}

	r = upload([]byte(peopleCSV), "")
	mustStatus(t, r, 202)
	var fixed importJob
	r.JSON(t, &fixed)
	if fixed.ID == wrong.ID || fixed.DuplicateOfUpload {
		t.Fatalf("the fixed mapping answered %s", r.Body)
	}
	if fixed = waitForImport(t, h, tok, fixed.ID, 30*time.Second); fixed.Progress.Created != 3 {
		t.Fatalf("the fixed mapping: %+v", fixed)
	}
	mustStatus(t, h.Do(t, "GET", imports+"/"+wrong.ID, tok, nil), 404)

	r = upload([]byte(peopleCSV), `{"Email":""}`)
	mustStatus(t, r, 409)
	if !strings.Contains(string(r.Body), "and 3 of the parties it created are still there") {
		t.Fatalf("another mapping after rows were created: %s", r.Body)
	}
	r = upload([]byte(peopleCSV), `{"HỌ VÀ TÊN":"name"}`) // the default, spelt otherwise
	mustStatus(t, r, 200)
	if n := testkit.Count(t, h.Pool, "SELECT (SELECT count(*) FROM import_job) * 1000 + (SELECT count(*) FROM person)"); n != 1003 {
		t.Fatalf("jobs*1000+people = %d, want one job and 3 people", n)
	}

	// A job that failed after writing its first chunk of 5,000 rows.
	const n, chunk = 6000, 5000
	var file bytes.Buffer
	if err := importtest.People(n, 3).WriteCSV(&file); err != nil {
		t.Fatal(err)
	}
	fp, err := importing.Fingerprint(bytes.NewReader(file.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	id, ctx := event.NewID().String(), context.Background()
	_, err = h.Pool.Exec(ctx, `INSERT INTO import_job (id, resource, format, fingerprint, status, error, created_by, created_at,
 finished_at, processed, created)
VALUES ($1, 'people', 'csv', $2, 'failed', 'write chunk 1: the database went away', 'user-sales', now(), now(), $3, $3)`, id, fp, chunk)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Pool.Exec(ctx, `INSERT INTO import_chunk (import_id, chunk_no) VALUES ($1, 0)`, id); err != nil {
		t.Fatal(err)
	}
	r = upload(file.Bytes(), `{"Số điện thoại":"phones"}`) // the default: the failed job's mapping
	mustStatus(t, r, 202)
	var resumed struct {
		importJob
		Resumed bool `json:"resumed"`
	}
	r.JSON(t, &resumed)
	if resumed.ID != id || !resumed.Resumed || resumed.Status != "pending" || resumed.Error != "" {
		t.Fatalf("the failed job's file answered %s", r.Body)
	}
	job := waitForImport(t, h, tok, id, time.Minute)
	if job.Status != "done" || job.Progress.Processed != n || job.Progress.Created != n {
		t.Fatalf("the resumed job ended %+v", job)
	}
	if got := testkit.Count(t, h.Pool, `SELECT count(*) FROM person WHERE import_id = $1`, id); got != n-chunk {
		t.Fatalf("%d people created on resuming, want %d: the written chunk was written again", got, n-chunk)
	}
}

// A database that goes away in the middle of an import (a restart, a
// failover) does not fail the job: the attempt's transactions roll back, the
// job waits a little, saying why, and runs again, creating every row once.
// holdLock begins a transaction holding table locked in mode, so that a
// test can stop an import's writers at a point of its choosing. It is
// rolled back when the test ends, unless committed before.
func holdLock(t *testing.T, h *servicetest.Harness, table, mode string) pgx.Tx {
	t.Helper()
	hold, err := h.Pool.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = hold.Rollback(context.Background()) })
	if _, err := hold.Exec(t.Context(), "LOCK TABLE "+table+" IN "+mode+" MODE"); err != nil {
		t.Fatal(err)
	}
	return hold
}

func TestAnImportWhoseDatabaseConnectionDiedIsRetried(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	const n = 12_000
	var file bytes.Buffer
	if err := importtest.People(n, 11).WriteCSV(&file); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// The chunks' transactions record themselves in import_chunk last:
	// holding that table makes the first one wait there, with its parties
	// written, until its connection is cut.
	hold := holdLock(t, h, "import_chunk", "SHARE")
	r := uploadForm(t, h, tok, "people.csv", file.Bytes(), map[string]string{"resource": "people"})
	mustStatus(t, r, 202)
	var job importJob
	r.JSON(t, &job)
	var pid int
	testkit.Eventually(t, 30*time.Second, "a chunk waiting for import_chunk", func() bool {
		return h.Pool.QueryRow(ctx, `SELECT pid FROM pg_stat_activity
 WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO import_chunk%' LIMIT 1`).Scan(&pid) == nil
	})
	if _, err := h.Pool.Exec(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
		t.Fatal(err)
	}
	id := job.ID
	testkit.Eventually(t, 10*time.Second, "the attempt to be retried", func() bool {
		job = importJob{} // fresh: "error" is left out once empty
		h.Do(t, "GET", imports+"/"+id, tok, nil).JSON(t, &job)
		return job.Status == "pending" && job.Error != ""
	})
	if !strings.Contains(job.Error, "terminating connection") {
		t.Errorf("the retried job says %q", job.Error)
	}
	if err := hold.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	job = waitForImport(t, h, tok, job.ID, time.Minute)
	if job.Status != "done" || job.Error != "" || job.Progress.Processed != n || job.Progress.Created != n {
		t.Fatalf("the retried job ended %+v", job)
	}
	if got := testkit.Count(t, h.Pool, `SELECT count(*) FROM person WHERE import_id = $1`, job.ID); got != n {
		t.Fatalf("%d people created, want %d", got, n)
	}
}

// A file that breaks halfway fails its job at once, saying where: another
// attempt would only break there again. A CSV file is read whole at upload,
// so the one to break in the job is a workbook, read at upload only to its
// first row.
func TestAFileThatBreaksHalfwayFailsWithoutARetry(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	job := importFile(t, h, tok, "broken.xlsx", brokenWorkbook(t), "people", 10*time.Second)
	if job.Status != "failed" || !strings.Contains(job.Error, "read the file") || !strings.Contains(job.Error, "row 3") {
		t.Fatalf("the broken file's job: %+v", job)
	}
}

// brokenWorkbook returns a workbook of people whose third row names a cell
// no spreadsheet has ("3A"), which its reader breaks on.
func brokenWorkbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for cell, value := range map[string]string{"A1": "Họ và tên", "B1": "Điện thoại", "A2": "Nguyễn Văn An", "B2": "0912345678",
		"A3": "Lê Thị Hoa", "B3": "0912345679"} {
		if err := f.SetCellValue("Sheet1", cell, value); err != nil {
			t.Fatal(err)
		}
	}
	var good bytes.Buffer
	if err := f.Write(&good); err != nil {
		t.Fatal(err)
	}
	return importtest.WithPart(t, good.Bytes(), "xl/worksheets/sheet1.xml", func(b []byte) []byte {
		return bytes.Replace(b, []byte(`r="A3"`), []byte(`r="3A"`), 1)
	})
}

// Nothing in a file is dropped unannounced: the columns that feed no field of
// the resource are listed with the job, and a person's notes are imported.
func TestAnImportNamesTheColumnsItIgnores(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Lead)
	// The second row holds a value past the last header: it is refused and
	// reported in its column, not created without it.
	file := "STT,Họ và tên,Mã số thuế,Chức vụ,Ghi chú,Zalo\n" +
		"1,Đỗ Minh Châu,0101234567,Hiệu phó,Gọi sau 17h,chau.do\n" +
		"2,Lê Văn Bảo,,,,,đã gửi báo giá\n"
	r := uploadForm(t, h, tok, "nguoi.csv", []byte(file), map[string]string{"resource": "people", "mapping": `{"CHỨC VỤ":"tags"}`})
	mustStatus(t, r, 202)
	var job importJob
	r.JSON(t, &job)
	if want := []string{"STT", "Mã số thuế"}; !slices.Equal(job.IgnoredColumns, want) {
		t.Errorf("upload ignores %q, want %q", job.IgnoredColumns, want)
	}
	job = waitForImport(t, h, tok, job.ID, 30*time.Second)
	if job.Progress.Created != 1 || job.Progress.Failed != 1 || !slices.Equal(job.IgnoredColumns, []string{"STT", "Mã số thuế"}) {
		t.Fatalf("job: %+v", job)
	}
	report := problemsOf(t, h, tok, job.ID)
	if len(report) != 1 || report[0].Row != 3 || report[0].Column != "column G" {
		t.Fatalf("report: %+v", report)
	}
	var pg struct {
		Items []struct {
			ID     string   `json:"id"`
			Notes  string   `json:"notes"`
			ZaloID string   `json:"zalo_id"`
			Tags   []string `json:"tags"`
		}
	}
	r = h.Do(t, "GET", people+"?q=do+minh+chau", tok, nil)
	mustStatus(t, r, 200)
	r.JSON(t, &pg)
	if len(pg.Items) != 1 || pg.Items[0].Notes != "Gọi sau 17h" || pg.Items[0].ZaloID != "chau.do" || !slices.Equal(pg.Items[0].Tags, []string{"Hiệu phó"}) {
		t.Fatalf("imported person: %s", r.Body)
	}

	// The same columns imported as organisations: the Zalo id is the one ignored.
	r = uploadForm(t, h, tok, "don-vi.csv", []byte(strings.Replace(file, "Đỗ Minh Châu", "Trường Tiểu học Kim Đồng", 1)), map[string]string{"resource": "organizations"})
	mustStatus(t, r, 202)
	r.JSON(t, &job)
	if want := []string{"STT", "Chức vụ", "Zalo"}; !slices.Equal(job.IgnoredColumns, want) {
		t.Errorf("organisations ignore %q, want %q", job.IgnoredColumns, want)
	}
}

func TestTheProblemReportDownloadsAsCSV(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Trainer)
	job := importFile(t, h, tok, "a.csv", []byte(peopleCSV), "people", 30*time.Second)
	for _, how := range []struct{ query, accept string }{{"?format=csv", ""}, {"", "text/csv"}} {
		r := send(t, h, "GET", imports+"/"+job.ID+"/problems"+how.query, tok, "", nil, map[string]string{"Accept": how.accept})
		mustStatus(t, r, 200)
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("headers %v", r.Header)
		}
		lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(string(r.Body), "\ufeff")), "\n")
		if len(lines) != 4 || lines[0] != "row,column,message,duplicate_of_row" ||
			lines[3] != "5,Số điện thoại,same phone +84912345678 as row 2,2" {
			t.Fatalf("CSV report:\n%s", r.Body)
		}
	}
	mustStatus(t, h.Do(t, "GET", imports+"/"+job.ID+"/problems?format=pdf", tok, nil), 422)
	mustStatus(t, h.Do(t, "GET", imports+"/"+event.NewID().String(), tok, nil), 404)
}

func TestBadUploadsAreProblemsAndWriteNothing(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	good := []byte(peopleCSV)
	mapping, _ := json.Marshal(map[string]string{"Họ và tên": "shoe_size"})
	cases := []struct {
		name     string
		filename string
		file     []byte
		fields   map[string]string
		status   int
	}{
		{"no file", "", nil, map[string]string{"resource": "people"}, 422},
		{"unknown resource", "a.csv", good, map[string]string{"resource": "cats"}, 422},
		{"no resource", "a.csv", good, nil, 422},
		{"empty file", "a.csv", []byte{}, map[string]string{"resource": "people"}, 422},
		{"not a workbook", "a.xlsx", []byte("hello"), map[string]string{"resource": "people"}, 422},
		{"a broken workbook", "a.xlsx", []byte("PK\x03\x04broken"), map[string]string{"resource": "people"}, 422},
		{"not UTF-8", "a.csv", []byte("H\xe4 t\xean\nA\n"), map[string]string{"resource": "people"}, 422},
		{"no header", "a.csv", []byte("\n\n"), map[string]string{"resource": "people"}, 422},
		{"unknown mapping field", "a.csv", good, map[string]string{"resource": "people", "mapping": string(mapping)}, 422},
		{"mapping not JSON", "a.csv", good, map[string]string{"resource": "people", "mapping": "{"}, 422},
		{"mapping a field people lack", "a.csv", good, map[string]string{"resource": "people", "mapping": `{"Email":"tax_code"}`}, 422},
		{"mapping a field organisations lack", "a.csv", good, map[string]string{"resource": "organizations", "mapping": `{"Email":"zalo_id"}`}, 422},
		{"mapping a header the file lacks", "a.csv", good, map[string]string{"resource": "people", "mapping": `{"Ngày sinh":"birthday"}`}, 422},
		{"a header and no rows", "a.csv", []byte("Họ và tên,Email\n,\n"), map[string]string{"resource": "people"}, 422},
		{"two columns for one name", "a.csv", []byte("Họ và tên,Tên trường\nAn,THCS A\n"), map[string]string{"resource": "people"}, 422},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { mustStatus(t, uploadForm(t, h, tok, c.filename, c.file, c.fields), c.status) })
	}
	mustStatus(t, send(t, h, "POST", imports, tok, "application/json", strings.NewReader(`{}`), nil), 400)
	r := uploadForm(t, h, h.Token(t, auth.Director), "a.csv", good, map[string]string{"resource": "people"})
	mustStatus(t, r, 403)
	if n := testkit.Count(t, h.Pool, "SELECT (SELECT count(*) FROM import_job) + (SELECT count(*) FROM person) + (SELECT count(*) FROM outbox)"); n != 0 {
		t.Fatalf("%d rows written by bad uploads", n)
	}
}

// TestAJobLeftRunningByADeadReplicaIsFinishedByAnother: a replica claimed a
// three-chunk job, wrote its middle chunk and died (its heartbeat stopped).
// This replica takes the job over, writes the other two chunks concurrently
// and does not write the middle one again.
func TestAJobLeftRunningByADeadReplicaIsFinishedByAnother(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	const n, chunk = 12_000, 5000
	var file bytes.Buffer
	if err := importtest.Organisations(n, 7).WriteCSV(&file); err != nil {
		t.Fatal(err)
	}
	id := event.NewID().String()
	ctx := context.Background()
	_, err := h.Pool.Exec(ctx, `INSERT INTO import_job (id, resource, format, fingerprint, status, file, created_by, created_at,
 claim, heartbeat_at, processed, created, failed)
VALUES ($1, 'organizations', 'csv', 'fp-of-the-dead', 'running', $2, 'user-sales', now(), $3, now() - interval '1 hour', $4, 0, $4)`,
		id, file.Bytes(), event.NewID().String(), chunk)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Pool.Exec(ctx, `INSERT INTO import_chunk (import_id, chunk_no) VALUES ($1, 1)`, id); err != nil {
		t.Fatal(err)
	}
	job := waitForImport(t, h, tok, id, time.Minute)
	if job.Status != "done" || job.Progress.Processed != n || job.Progress.Created != n-chunk {
		t.Fatalf("job ended %+v", job)
	}
	// Rows 2..5001 and 10002..12001 of the file (its chunks 0 and 2).
	if got := testkit.Count(t, h.Pool, `SELECT count(*) FROM organization WHERE import_id = $1`, id); got != n-chunk {
		t.Fatalf("%d organisations created, want %d", got, n-chunk)
	}
	if got := testkit.Count(t, h.Pool, `SELECT count(*) FROM import_chunk WHERE import_id = $1`, id); got != 3 {
		t.Fatalf("%d chunks recorded, want 3", got)
	}
	// Chunk 1's rows were not written again: no tax code from it exists,
	// while every one of chunk 0 does.
	taxCodes := make([][]string, 3)
	i := 0
	for row := range importtest.Organisations(n, 7).Rows {
		taxCodes[i/chunk] = append(taxCodes[i/chunk], "tax_code:"+row[2])
		i++
	}
	for no, want := range []int64{chunk, 0} {
		if got := testkit.Count(t, h.Pool, `SELECT count(*) FROM party_key WHERE key = ANY($1)`, taxCodes[no]); got != want {
			t.Fatalf("%d tax codes of chunk %d exist, want %d", got, no, want)
		}
	}
}

func TestImportsShowInTheMetrics(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	job := importFile(t, h, tok, "a.csv", []byte(peopleCSV), "people", 30*time.Second)
	if job.Progress.Created != 3 || job.Progress.Failed != 3 {
		t.Fatalf("job: %+v", job)
	}
	// A job another replica is writing (fresh heartbeat, so this replica's
	// worker leaves it alone) counts as running.
	_, err := h.Pool.Exec(context.Background(), `INSERT INTO import_job (id, resource, format, fingerprint, status, created_by, created_at, claim, heartbeat_at)
VALUES ($1, 'people', 'csv', 'elsewhere', 'running', 'user-sales', now(), $2, now())`, event.NewID(), event.NewID())
	if err != nil {
		t.Fatal(err)
	}
	r := h.Do(t, "GET", "/metrics", "", nil)
	mustStatus(t, r, 200)
	for series, want := range map[string]string{
		`rapport_contact_import_rows_total{context="contact",resource="people",result="created"}`: "3",
		`rapport_contact_import_rows_total{context="contact",resource="people",result="failed"}`:  "3",
		`rapport_contact_imports_finished_total{context="contact",status="done"}`:                 "1",
		`rapport_contact_imports{context="contact",status="pending"}`:                             "0",
		`rapport_contact_imports{context="contact",status="running"}`:                             "1",
		`rapport_contact_import_oldest_pending_seconds{context="contact"}`:                        "0",
	} {
		if got := metricValue(string(r.Body), series); got != want {
			t.Errorf("%s = %q, want %s", series, got, want)
		}
	}
}

// metricValue returns the value of one series in a Prometheus text exposition.
func metricValue(exposition, series string) string {
	for line := range strings.Lines(exposition) {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func TestATitleBlockAboveTheHeaderIsNotImported(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	file := "SỞ GIÁO DỤC VÀ ĐÀO TẠO;;CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n" +
		"DANH SÁCH ĐƠN VỊ ĐĂNG KÝ TẬP HUẤN;;\n" +
		";;\n" +
		"Tên đơn vị;Mã số thuế;Tỉnh/Thành phố\n" +
		"Trường THCS Nguyễn Du;0101234567;Hà Nội\n"
	r := uploadForm(t, h, tok, "ds.csv", []byte(file), map[string]string{"resource": "organizations"})
	mustStatus(t, r, 202)
	var job importJob
	r.JSON(t, &job)
	if len(job.IgnoredColumns) != 0 {
		t.Errorf("ignored columns %q: the title was taken for the header", job.IgnoredColumns)
	}
	job = waitForImport(t, h, tok, job.ID, 30*time.Second)
	if job.Progress.Processed != 1 || job.Progress.Created != 1 {
		t.Fatalf("job: %+v", job)
	}
	r = h.Do(t, "GET", orgs+"?q=0101234567", tok, nil)
	mustStatus(t, r, 200)
	if !strings.Contains(string(r.Body), "Trường THCS Nguyễn Du") {
		t.Fatalf("search by tax code: %s", r.Body)
	}
}

// A row refused for one field has its duplicates reported with that
// problem, against earlier rows and stored parties alike, so one round of
// fixes is enough; it holds no key, so a later row sharing one is created.
func TestARefusedRowAlsoHasItsDuplicatesReported(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	stored := createPerson(t, h, tok, `{"full_name":"Trần Văn Cũ","phones":["0903000111"]}`)
	file := "Họ và tên,Số điện thoại,Email\n" +
		"Nguyễn Văn Ánh,0912 345 678,anh@example.vn\n" + // 2 created
		"Lê Thị Hoa,0912345678,hoa@\n" + // 3 bad email, same phone as row 2
		"Trần Văn Cũ,0903000111,cu@\n" + // 4 bad email, same phone as the stored person
		"Bùi Lan,0977 000 001,lan@\n" + // 5 bad email only
		"Bùi Thị Lan,0977000001,lan@example.vn\n" // 6 created: row 5 was not
	job := importFile(t, h, tok, "a.csv", []byte(file), "people", 30*time.Second)
	if job.Progress.Created != 2 || job.Progress.Failed != 3 {
		t.Fatalf("job: %+v", job)
	}
	report := problemsOf(t, h, tok, job.ID)
	bad := func(email string) string { return fmt.Sprintf("holds %q, which is %v", email, party.ErrInvalidEmail) }
	want := []importProblem{
		{Row: 3, Column: "Email", Message: bad("hoa@")},
		{Row: 3, Column: "Số điện thoại", Message: "same phone +84912345678 as row 2", DuplicateOfRow: 2},
		{Row: 4, Column: "Email", Message: bad("cu@")},
		{Row: 4, Column: "Số điện thoại", Message: "same phone +84903000111 as existing person Trần Văn Cũ (" + stored.ID + ")"},
		{Row: 5, Column: "Email", Message: bad("lan@")},
	}
	if !slices.Equal(report, want) {
		t.Fatalf("report:\n got %+v\nwant %+v", report, want)
	}
}

// A registration list as schools send it: a title, a header merged over two
// rows, a row numbering the columns, a note in brackets after a header, and
// the school's name beside the person's, left out by the mapping. Every
// column reaches its field, and a problem names the column as the header
// reads it.
func TestAFormWithAMergedTwoRowHeaderImportsEveryColumn(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Trainer)
	f := excelize.NewFile()
	cells := map[string]any{
		"A1": "DANH SÁCH CÁN BỘ ĐĂNG KÝ TẬP HUẤN",
		"A3": "STT", "B3": "Họ và tên", "C3": "Tên trường", "D3": "Liên hệ", "F3": "Ngày sinh (dd/mm/yyyy)",
		"D4": "Điện thoại", "E4": "Email",
		"A5": "(1)", "B5": "(2)", "C5": "(3)", "D5": "(4)", "E5": "(5)", "F5": "(6)",
		"A6": 1, "B6": "Phạm Thị Thu Hà", "C6": "THCS Lê Lợi", "D6": "0912 345 678", "E6": "ha.pt@lele.edu.vn", "F6": "12/03/1988",
		"A7": 2, "B7": "Đặng Quốc Việt", "C7": "THCS Lê Lợi", "D7": "091234", "E7": "viet.dq@lele.edu.vn",
	}
	for cell, v := range cells {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range [][2]string{{"A3", "A4"}, {"B3", "B4"}, {"C3", "C4"}, {"D3", "E3"}, {"F3", "F4"}} {
		if err := f.MergeCell("Sheet1", m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	var file bytes.Buffer
	if err := f.Write(&file); err != nil {
		t.Fatal(err)
	}

	// Unmapped, the school's name is a second name column: refused at upload.
	r := uploadForm(t, h, tok, "dang-ky.xlsx", file.Bytes(), map[string]string{"resource": "people"})
	mustStatus(t, r, 422)
	var p struct {
		Errors []struct{ Field, Message string }
	}
	r.JSON(t, &p)
	if len(p.Errors) != 1 || p.Errors[0].Field != "mapping.Tên trường" || !strings.Contains(p.Errors[0].Message, `as column "Họ và tên" does`) {
		t.Fatalf("conflict: %s", r.Body)
	}

	r = uploadForm(t, h, tok, "dang-ky.xlsx", file.Bytes(), map[string]string{"resource": "people", "mapping": `{"Tên trường":""}`})
	mustStatus(t, r, 202)
	var job importJob
	r.JSON(t, &job)
	if want := []string{"STT", "Tên trường"}; !slices.Equal(job.IgnoredColumns, want) {
		t.Errorf("ignored %q, want %q", job.IgnoredColumns, want)
	}
	job = waitForImport(t, h, tok, job.ID, 30*time.Second)
	if job.Progress.Processed != 2 || job.Progress.Created != 1 || job.Progress.Failed != 1 {
		t.Fatalf("job: %+v", job)
	}
	report := problemsOf(t, h, tok, job.ID)
	if len(report) != 1 || report[0].Row != 7 || report[0].Column != "Điện thoại (Liên hệ)" {
		t.Fatalf("report: %+v", report)
	}
	var pg struct {
		Items []struct {
			FullName string   `json:"full_name"`
			Phones   []string `json:"phones"`
			Emails   []string `json:"emails"`
			Birthday string   `json:"birthday"`
		}
	}
	r = h.Do(t, "GET", people+"?q=pham+thi+thu+ha", tok, nil)
	mustStatus(t, r, 200)
	r.JSON(t, &pg)
	if len(pg.Items) != 1 || !slices.Equal(pg.Items[0].Phones, []string{"+84912345678"}) ||
		!slices.Equal(pg.Items[0].Emails, []string{"ha.pt@lele.edu.vn"}) || pg.Items[0].Birthday != "1988-03-12" {
		t.Fatalf("imported person: %s", r.Body)
	}
	if n := testkit.Count(t, h.Pool, "SELECT count(*) FROM person"); n != 1 {
		t.Fatalf("%d people: the header or numbering rows were imported", n)
	}
}

// A list ends with its total and signature block: they and the signers'
// names below are no parties, and nothing is wrong with them: they are
// counted skipped, neither created nor failed, and left out of the
// report, which lists the children refused alone. The preview shows why
// each is skipped.
func TestAFormsTotalAndSignatureBlockAreSkippedNotFailed(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	file := "STT;Họ và tên;Điện thoại\n" +
		"1;Nguyễn Văn An;0912345678\n" +
		"2;Tổng Thị Cộng;0912345679\n" +
		"3;Lê Văn Ba;0912\n" +
		"4;Trần Thị Bốn;0912345679\n" +
		"Tổng cộng: 4 học sinh;;\n" +
		";;\n" +
		";;Hà Nội, ngày 24 tháng 11 năm 2026\n" +
		";Người lập biểu;\n" +
		";Lê Thị Lập;\n"
	r := previewForm(t, h, tok, "", []byte(file), map[string]string{"resource": "people"})
	mustStatus(t, r, 200)
	var preview struct {
		Rows []struct {
			Row      int
			Skipped  string
			Problems []importProblem
		}
	}
	r.JSON(t, &preview)
	skipped := map[int]string{}
	for _, row := range preview.Rows {
		if row.Skipped != "" {
			skipped[row.Row] = row.Skipped
			if len(row.Problems) > 0 {
				t.Errorf("preview of skipped row %d: problems %+v", row.Row, row.Problems)
			}
		}
	}
	below := `is below the end of the list at row 6 ("Tổng cộng: 4 học sinh"), so it is not imported`
	want := map[int]string{
		6: `ends the list ("Tổng cộng: 4 học sinh"): a total or signature block is not a party, so neither it nor the rows below it are imported`,
		8: below, 9: below, 10: below,
	}
	if !maps.Equal(skipped, want) {
		t.Errorf("preview: skipped %v, want %v", skipped, want)
	}

	job := importFile(t, h, tok, "ds.csv", []byte(file), "people", 30*time.Second)
	if p := job.Progress; p.Processed != 8 || p.Created != 2 || p.Failed != 2 || p.Skipped != 4 {
		t.Fatalf("job: %+v", p)
	}
	for _, p := range problemsOf(t, h, tok, job.ID) {
		if p.Row != 4 && p.Row != 5 {
			t.Errorf("reported: %+v", p)
		}
	}
	if n := testkit.Count(t, h.Pool, "SELECT count(*) FROM person WHERE name IN ('Lê Thị Lập', 'Người lập biểu')"); n != 0 {
		t.Fatalf("%d signature rows created as people", n)
	}
}

// A user who left the upload page finds their imports again: newest first,
// filtered by status and resource, a page at a time.
func TestImportsAreListedNewestFirst(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	first := importFile(t, h, tok, "a.csv", []byte(peopleCSV), "people", 30*time.Second)
	second := importFile(t, h, tok, "b.csv", []byte("Tên đơn vị\nTrường A\n"), "organizations", 30*time.Second)
	third := importFile(t, h, tok, "c.csv", []byte("Họ và tên\nLê Văn Tư\n"), "people", 30*time.Second)
	list := func(query string) (ids []string, next string) {
		t.Helper()
		r := h.Do(t, "GET", imports+query, h.Token(t, auth.Director), nil)
		mustStatus(t, r, 200)
		var pg struct {
			Items      []importJob `json:"items"`
			NextCursor string      `json:"next_cursor"`
		}
		r.JSON(t, &pg)
		for _, j := range pg.Items {
			ids = append(ids, j.ID)
		}
		return ids, pg.NextCursor
	}
	if ids, next := list(""); !slices.Equal(ids, []string{third.ID, second.ID, first.ID}) || next != "" {
		t.Fatalf("all: %q, next %q", ids, next)
	}
	ids, next := list("?resource=people&limit=1")
	if !slices.Equal(ids, []string{third.ID}) || next == "" {
		t.Fatalf("people, first page: %q, next %q", ids, next)
	}
	if ids, next = list("?resource=people&limit=1&cursor=" + next); !slices.Equal(ids, []string{first.ID}) {
		t.Fatalf("people, second page: %q, next %q", ids, next)
	}
	if ids, _ := list("?status=done&resource=organizations"); !slices.Equal(ids, []string{second.ID}) {
		t.Fatalf("done organisations: %q", ids)
	}
	if ids, _ := list("?status=pending"); len(ids) != 0 {
		t.Fatalf("pending: %q", ids)
	}
	for _, bad := range []string{"?status=finished", "?resource=cats", "?cursor=xyz", "?owner=me", "?limit=0"} {
		r := h.Do(t, "GET", imports+bad, tok, nil)
		mustStatus(t, r, 422)
	}
	mustStatus(t, h.Do(t, "GET", imports, "", nil), 401)
}

// A file names organisations as people write them: a supervising unit, or
// a person's workplace, by name (any case, with or without diacritics), tax
// code or id, a merged one's id included. Each is linked to the one stored
// organisation it names; a name no organisation has, or several have, is
// reported in its column and the row is not created.
func TestAnImportLinksTheOrganisationsItsRowsName(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	so := create(t, h, tok, orgs, `{"name":"Sở Giáo dục và Đào tạo Hà Nội","kinds":["supervising_unit"],"tax_code":"0101234567"}`)
	baDinh := create(t, h, tok, orgs, `{"name":"Phòng GD&ĐT Quận Ba Đình","kinds":["supervising_unit"]}`)
	dongDa := create(t, h, tok, orgs, `{"name":"Phòng GD&ĐT Quận Đống Đa","kinds":["supervising_unit"]}`)
	oldDongDa := create(t, h, tok, orgs, `{"name":"Phòng Giáo dục Đống Đa","kinds":["supervising_unit"]}`)
	mustStatus(t, h.Do(t, "POST", orgs+"/"+dongDa+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"name":"survivor"}}`, oldDongDa)), 200)
	kimDong := create(t, h, tok, orgs, `{"name":"Trường THCS Kim Đồng","kinds":["school"],"tax_code":"0109876543","province":"Hà Nội"}`)
	create(t, h, tok, orgs, `{"name":"Trường THCS Kim Đồng","kinds":["school"],"province":"Lâm Đồng"}`)

	units := "Tên đơn vị;Đơn vị chủ quản\n" +
		"Trường Tiểu học Ba Đình;phong gd&dt quan ba dinh\n" + // 2 by name
		"Trường Tiểu học Hoàn Kiếm;0101 234 567\n" + // 3 by tax code
		"Trường THCS Đống Đa;" + oldDongDa + "\n" + // 4 by the id of a merged unit
		"Trường THCS Cầu Giấy;Phòng GD&ĐT Quận Cầu Giấy\n" + // 5 no such name
		"Trường Mầm non Hoa Sen;Trường THCS Kim Đồng\n" + // 6 two have this name
		"Trường Mầm non Sen Hồng;0109999999\n" + // 7 no such tax code
		"Trường Mầm non Tuổi Thơ;\n" // 8 no supervising unit
	job := importFile(t, h, tok, "units.csv", []byte(units), "organizations", 30*time.Second)
	if job.Progress.Created != 4 || job.Progress.Failed != 3 {
		t.Fatalf("units: %+v", job)
	}
	want := []importProblem{
		{Row: 5, Column: "Đơn vị chủ quản", Message: `no organisation is named "Phòng GD&ĐT Quận Cầu Giấy": write its name as it is stored, its tax code or its id, or add it to this file, or create it first`},
		{Row: 6, Column: "Đơn vị chủ quản", Message: `2 organisations are named "Trường THCS Kim Đồng": write the tax code or the id of the one you mean`},
		{Row: 7, Column: "Đơn vị chủ quản", Message: `no organisation has the tax code 0109999999: write its name, or add it to this file, or create it first`},
	}
	if report := problemsOf(t, h, tok, job.ID); !slices.Equal(report, want) {
		t.Fatalf("units report:\n got %+v\nwant %+v", report, want)
	}
	// The column filters and the document must agree.
	inColumn := namePairs(t, h, `SELECT name, coalesce(supervising_unit_id::text, '') FROM organization WHERE import_id IS NOT NULL`)
	inDoc := namePairs(t, h, `SELECT name, coalesce(doc->>'supervising_unit_id', '') FROM organization WHERE import_id IS NOT NULL`)
	wantSupervisor := map[string]string{"Trường Tiểu học Ba Đình": baDinh, "Trường Tiểu học Hoàn Kiếm": so,
		"Trường THCS Đống Đa": dongDa, "Trường Mầm non Tuổi Thơ": ""}
	if !maps.Equal(inColumn, wantSupervisor) || !maps.Equal(inDoc, wantSupervisor) {
		t.Fatalf("supervising units %v in the column, %v in the document; want %v", inColumn, inDoc, wantSupervisor)
	}

	staff := "Họ và tên;Chức vụ;Đơn vị công tác;Điện thoại\n" +
		"Lê Thị Hoa;Hiệu trưởng;0109876543;0912000001\n" + // 2 by tax code, with a title
		"Trần Văn Nam;;PHÒNG GD&ĐT QUẬN BA ĐÌNH;0912000002\n" + // 3 by name, no title
		"Phạm Thu;Kế toán;;0912000003\n" + // 4 a title, no workplace
		"Ngô Bảo;Giáo viên;Trường THCS Kim Đồng;0912000004\n" // 5 two have this name
	job = importFile(t, h, tok, "staff.csv", []byte(staff), "people", 30*time.Second)
	if job.Progress.Created != 2 || job.Progress.Failed != 2 {
		t.Fatalf("staff: %+v", job)
	}
	want = []importProblem{
		{Row: 4, Column: "Chức vụ", Message: `is a job title, and the row names no workplace to hold it at: fill in "Đơn vị công tác", or clear the title`},
		{Row: 5, Column: "Đơn vị công tác", Message: `2 organisations are named "Trường THCS Kim Đồng": write the tax code or the id of the one you mean`},
	}
	if report := problemsOf(t, h, tok, job.ID); !slices.Equal(report, want) {
		t.Fatalf("staff report:\n got %+v\nwant %+v", report, want)
	}
	e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.person.created", 10*time.Second, func(e event.Event) bool {
		c, err := contract.Decode[contract.PersonCreated](e)
		return err == nil && c.Person.FullName == "Lê Thị Hoa"
	})
	if c, _ := contract.Decode[contract.PersonCreated](e); !slices.Equal(c.Person.OrganizationIDs, []string{kimDong}) {
		t.Fatalf("person.created carries %s", e.Data)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM person WHERE doc->'relationships' = $1::jsonb`,
		fmt.Sprintf(`[{"kind":"works_at","party_id":%q,"title":"Hiệu trưởng"}]`, kimDong)); n != 1 {
		t.Fatalf("%d people work at Kim Đồng as its head, want 1", n)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM person WHERE doc->'relationships' = $1::jsonb`,
		fmt.Sprintf(`[{"kind":"works_at","party_id":%q}]`, baDinh)); n != 1 {
		t.Fatalf("%d people work at Ba Đình's office, want 1", n)
	}

	// Titles with no workplace column would refuse every row: the upload is refused.
	r := uploadForm(t, h, tok, "titles.csv", []byte("Họ và tên;Chức vụ\nLê Văn Tư;Kế toán\n"), map[string]string{"resource": "people"})
	mustStatus(t, r, 422)
	if !strings.Contains(string(r.Body), "mapping.Chức vụ") {
		t.Fatalf("titles without a workplace: %s", r.Body)
	}
}

// A school's staff list names no school: the upload's defaults give every
// row the workplace, looked up once at upload and shown by id, a title for
// the rows without one, the conference's tag beside the rows' own, and an
// owner. Defaults that cannot be every row's are refused at upload, and the
// same file with other defaults is another upload.
func TestAnUploadsDefaultsFillEveryRow(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	school := create(t, h, tok, orgs, `{"name":"Trường THCS Kim Đồng","kinds":["school"]}`)
	file := []byte("Họ và tên;Chức vụ;Nhãn\nLê Thị Hoa;Hiệu trưởng;vip\nTrần Văn Nam;;\n")
	defaults := `{"workplace":"truong thcs kim dong","title":"Giáo viên","tags":"hội thảo 2026","owner_id":"user-lan"}`

	r := uploadForm(t, h, tok, "kim-dong.csv", file, map[string]string{"resource": "people", "defaults": defaults})
	mustStatus(t, r, 202)
	var job importJob
	r.JSON(t, &job)
	want := map[string]string{"workplace": school, "title": "Giáo viên", "tags": "hội thảo 2026", "owner_id": "user-lan"}
	if !maps.Equal(job.Defaults, want) {
		t.Fatalf("defaults %v, want %v", job.Defaults, want)
	}
	if job = waitForImport(t, h, tok, job.ID, 30*time.Second); job.Progress.Created != 2 {
		t.Fatalf("import: %+v", job)
	}
	got := namePairs(t, h, `SELECT doc->>'full_name', concat_ws(' | ', doc#>>'{relationships,0,party_id}', doc#>>'{relationships,0,title}',
 doc->>'tags', owner_id) FROM person`)
	wantPeople := map[string]string{
		"Lê Thị Hoa":   school + ` | Hiệu trưởng | ["vip", "hội thảo 2026"] | user-lan`,
		"Trần Văn Nam": school + ` | Giáo viên | ["hội thảo 2026"] | user-lan`,
	}
	if !maps.Equal(got, wantPeople) {
		t.Fatalf("people %v, want %v", got, wantPeople)
	}

	// An organisations file under one Phòng; supervising_unit_id reads as
	// supervising_unit, as its column does.
	phong := create(t, h, tok, orgs, `{"name":"Phòng GD&ĐT Hoa Lư","kinds":["supervising_unit"]}`)
	r = uploadForm(t, h, tok, "hoa-lu.csv", []byte("Tên đơn vị\nTrường THCS Ninh Nhất\nTrường Tiểu học Ninh Mỹ\n"),
		map[string]string{"resource": "organizations", "defaults": `{"supervising_unit_id":"Phòng GD&ĐT Hoa Lư","kinds":"Trường học"}`})
	mustStatus(t, r, 202)
	job = importJob{}
	r.JSON(t, &job)
	if want := map[string]string{"supervising_unit": phong, "kinds": "Trường học"}; !maps.Equal(job.Defaults, want) {
		t.Fatalf("defaults %v, want %v", job.Defaults, want)
	}
	waitForImport(t, h, tok, job.ID, 30*time.Second)
	got = namePairs(t, h, `SELECT name, concat_ws(' | ', supervising_unit_id, kinds) FROM organization WHERE import_id = $1`, job.ID)
	if want := map[string]string{"Trường THCS Ninh Nhất": phong + " | {school}", "Trường Tiểu học Ninh Mỹ": phong + " | {school}"}; !maps.Equal(got, want) {
		t.Fatalf("organisations %v, want %v", got, want)
	}

	// The same file with the same defaults is the same upload; with others
	// it would create its rows twice.
	r = uploadForm(t, h, tok, "kim-dong.csv", file, map[string]string{"resource": "people", "defaults": defaults})
	mustStatus(t, r, 200)
	r = uploadForm(t, h, tok, "kim-dong.csv", file, map[string]string{"resource": "people", "defaults": `{"workplace":"` + school + `","tags":"khác"}`})
	mustStatus(t, r, 409)

	other := []byte("Họ và tên\nPhạm Thu\n")
	for _, c := range []struct {
		name, defaults string
		fields         []string
	}{
		{"not JSON", `{"tags":`, []string{"defaults"}},
		{"not strings", `{"tags":["a"]}`, []string{"defaults"}},
		{"cannot be every row's", `{"phones":"0912345678","stage":"lead","birthday":"1990-01-01","tags":"  "}`,
			[]string{"defaults.birthday", "defaults.phones", "defaults.stage", "defaults.tags"}},
		{"no such workplace", `{"workplace":"Trường Không Có"}`, []string{"defaults.workplace"}},
		{"a title with no workplace", `{"title":"Giáo viên"}`, []string{"defaults.title"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := uploadForm(t, h, tok, "other.csv", other, map[string]string{"resource": "people", "defaults": c.defaults})
			mustStatus(t, r, 422)
			var p struct{ Errors []struct{ Field string } }
			r.JSON(t, &p)
			var fields []string
			for _, e := range p.Errors {
				fields = append(fields, e.Field)
			}
			if !slices.Equal(fields, c.fields) {
				t.Errorf("fields %q, want %q: %s", fields, c.fields, r.Body)
			}
		})
	}
	if n := testkit.Count(t, h.Pool, "SELECT count(*) FROM import_job"); n != 2 {
		t.Fatalf("%d jobs, want the two", n)
	}
}

// importPreview is the answer of POST /imports/preview.
type importPreview struct {
	Format         string
	Columns        []struct{ Header, Field string }
	IgnoredColumns []string `json:"ignored_columns"`
	Defaults       map[string]string
	Rows           []previewRow
}

// previewRow is a previewed row: the party it would create, or its
// problems, or the stored party it is as stored.
type previewRow struct {
	Row           int
	Sheet         string
	Party         map[string]any
	Problems      []importProblem
	Parents       []previewParent
	AlreadyStored string `json:"already_stored"`
}

// previewParent is a parent a previewed row names.
type previewParent struct {
	Kind     string   `json:"kind"`
	FullName string   `json:"full_name"`
	Phones   []string `json:"phones"`
	ID       string   `json:"id"`
	Row      int      `json:"row"`
}

// A preview runs the first rows of a file through every check of an import,
// against the stored parties, and shows how the columns are read and what
// each row would create, or why not; it writes nothing.
func TestAPreviewShowsWhatEachRowWouldCreateAndWritesNothing(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	stored := createPerson(t, h, tok, `{"full_name":"Nguyễn Văn An","phones":["0912345678"]}`)
	school := create(t, h, tok, orgs, `{"name":"Trường THCS Kim Đồng","kinds":["school"]}`)
	file := []byte("STT;Họ và tên;Điện thoại;Đơn vị công tác;Chức vụ\n" +
		"1;Lê Thị Hoa;0987 654 321;truong thcs kim dong;Hiệu trưởng\n" + // 2 would be created
		"2;Trần Nam;0912 345 678;;\n" + // 3 a stored person has the phone
		"3;Phạm Thu;abc;;\n" + // 4 not a phone
		"4;Lý Lan;;Trường Không Có;\n" + // 5 no such workplace
		"5;Đỗ Hà;;;\n") // 6 past the rows asked for
	before := testkit.Count(t, h.Pool, "SELECT (SELECT count(*) FROM person) + (SELECT count(*) FROM outbox) + (SELECT count(*) FROM import_job)")

	r := send(t, h, "POST", imports+"/preview?rows=4", tok, "", nil, nil)
	mustStatus(t, r, 400) // not a form
	r = previewForm(t, h, tok, "?rows=4", file, map[string]string{"resource": "people", "defaults": `{"tags":"hội thảo 2026"}`})
	mustStatus(t, r, 200)
	var p importPreview
	r.JSON(t, &p)
	columns := fmt.Sprint(p.Columns)
	if p.Format != "csv" || columns != "[{STT } {Họ và tên name} {Điện thoại phones} {Đơn vị công tác workplace} {Chức vụ title}]" ||
		!slices.Equal(p.IgnoredColumns, []string{"STT"}) || p.Defaults["tags"] != "hội thảo 2026" || len(p.Rows) != 4 {
		t.Fatalf("preview: %s", r.Body)
	}
	hoa := p.Rows[0].Party
	if p.Rows[0].Row != 2 || hoa["full_name"] != "Lê Thị Hoa" || fmt.Sprint(hoa["phones"]) != "[+84987654321]" || hoa["owner_id"] != stored.OwnerID ||
		fmt.Sprint(hoa["tags"]) != "[hội thảo 2026]" || fmt.Sprint(hoa["relationships"]) != "[map[kind:works_at party_id:"+school+" title:Hiệu trưởng]]" ||
		hoa["id"] != nil || len(p.Rows[0].Problems) != 0 {
		t.Errorf("row 2: %+v", p.Rows[0])
	}
	wantProblems := [][]importProblem{
		{{Row: 3, Column: "Điện thoại", Message: "same phone +84912345678 as existing person Nguyễn Văn An (" + stored.ID + ")"}},
		{{Row: 4, Column: "Điện thoại", Message: `holds "abc", which is not a valid phone number`}},
		{{Row: 5, Column: "Đơn vị công tác", Message: `no organisation is named "Trường Không Có": write its name as it is stored, its tax code or its id, or create it first`}},
	}
	for i, want := range wantProblems {
		if row := p.Rows[i+1]; row.Party != nil || !slices.Equal(row.Problems, want) {
			t.Errorf("row %d: %+v, want problems %+v", i+3, row, want)
		}
	}

	// A unit under a unit listed below it shows its supervising unit as
	// written; one under a unit the import would refuse is refused too.
	units := []byte("Tên đơn vị;Đơn vị chủ quản;Mã số thuế\nTrường Tiểu học Ninh Mỹ;Phòng GD&ĐT Hoa Lư;\nPhòng GD&ĐT Hoa Lư;;\n" +
		"Trường Mầm non Sai;Phòng GD&ĐT Sai;\nPhòng GD&ĐT Sai;;12ab\n")
	r = previewForm(t, h, tok, "", units, map[string]string{"resource": "organizations"})
	mustStatus(t, r, 200)
	p = importPreview{}
	r.JSON(t, &p)
	if len(p.Rows) != 4 || p.Rows[0].Party["supervising_unit_id"] != "Phòng GD&ĐT Hoa Lư" || p.Rows[1].Party["name"] != "Phòng GD&ĐT Hoa Lư" ||
		p.Rows[3].Party != nil || len(p.Rows[3].Problems) != 1 {
		t.Errorf("units preview: %s", r.Body)
	}
	want := []importProblem{{Row: 4, Column: "Đơn vị chủ quản", Message: `names row 5 of this file ("Phòng GD&ĐT Sai"), which was not imported: see that row's problems`}}
	if row := p.Rows[2]; row.Party != nil || !slices.Equal(row.Problems, want) {
		t.Errorf("a unit under a refused one: %+v", row)
	}

	mustStatus(t, previewForm(t, h, tok, "?rows=0", file, map[string]string{"resource": "people"}), 422)
	mustStatus(t, previewForm(t, h, tok, "?rows=101", file, map[string]string{"resource": "people"}), 422)
	mustStatus(t, previewForm(t, h, tok, "", file, map[string]string{"resource": "people", "mapping": `{"STT":"tax_code"}`}), 422)
	mustStatus(t, previewForm(t, h, h.Token(t, auth.Director), "", file, map[string]string{"resource": "people"}), 403)
	if after := testkit.Count(t, h.Pool, "SELECT (SELECT count(*) FROM person) + (SELECT count(*) FROM outbox) + (SELECT count(*) FROM import_job)"); after != before {
		t.Fatalf("a preview wrote %d rows", after-before)
	}
}

// previewForm posts an upload's form to the preview, with query.
func previewForm(t testing.TB, h *servicetest.Harness, tok, query string, file []byte, fields map[string]string) servicetest.Response {
	t.Helper()
	return postForm(t, h, tok, imports+"/preview"+query, "preview.csv", file, fields)
}

// Undoing an import deletes the parties it created that nobody has worked
// on since, with their keys, a history entry and a deleted event each; the
// parties someone edited, logged an interaction with or linked to are kept
// and listed. Once all it created is gone, the file may be imported again.
func TestUndoingAnImportDeletesWhatNobodyTouchedSince(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	file := []byte("Họ và tên;Điện thoại\nLê Văn A;0912000001\nLê Văn B;0912000002\nLê Văn C;0912000003\nLê Văn D;0912000004\nLê Văn E;0912000005\n")
	job := importFile(t, h, tok, "staff.csv", file, "people", 30*time.Second)
	ids := namePairs(t, h, `SELECT full_name, id::text FROM (SELECT doc->>'full_name' AS full_name, id FROM person) p`)
	mustStatus(t, h.Do(t, "PATCH", people+"/"+ids["Lê Văn B"], tok, `{"notes":"gọi lại thứ Hai"}`), 200)
	mustStatus(t, h.Do(t, "POST", "/api/contact/v1/interactions", tok, fmt.Sprintf(`{"party_id":%q,"kind":"call","outcome":"ok"}`, ids["Lê Văn C"])), 201)
	createPerson(t, h, tok, fmt.Sprintf(`{"full_name":"Trần Thị Vợ","relationships":[{"kind":"related_to","party_id":%q,"label":"vợ"}]}`, ids["Lê Văn D"]))

	mustStatus(t, h.Do(t, "POST", imports+"/"+job.ID+"/undo", h.Token(t, auth.Director), nil), 403)
	mustStatus(t, h.Do(t, "POST", imports+"/01900000-0000-7000-8000-000000000000/undo", tok, nil), 404)
	if _, err := h.Pool.Exec(context.Background(), `UPDATE import_job SET status='running' WHERE id=$1`, job.ID); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, h.Do(t, "POST", imports+"/"+job.ID+"/undo", tok, nil), 409)
	if _, err := h.Pool.Exec(context.Background(), `UPDATE import_job SET status='done' WHERE id=$1`, job.ID); err != nil {
		t.Fatal(err)
	}

	u, body := undoImport(t, h, tok, job.ID)
	kept := []string{ids["Lê Văn B"], ids["Lê Văn C"], ids["Lê Văn D"]}
	if u.Deleted != 2 || u.Kept != 3 || !slices.Equal(u.KeptIDs, kept) || u.Job.Undone != 2 {
		t.Fatalf("undo: %s", body)
	}
	for _, name := range []string{"Lê Văn A", "Lê Văn E"} {
		mustStatus(t, h.Do(t, "GET", people+"/"+ids[name], tok, nil), 404)
	}
	if n := testkit.Count(t, h.Pool, `SELECT (SELECT count(*) FROM outbox WHERE subject='contact.person.deleted') * 100
 + (SELECT count(*) FROM history WHERE field='deleted') * 10 + (SELECT count(*) FROM party_key WHERE key LIKE '%0912000001' OR key LIKE '%0912000005')`); n != 220 {
		t.Fatalf("deleted events*100 + history*10 + keys left = %d, want 220", n)
	}
	createPerson(t, h, tok, `{"full_name":"Lê Văn A","phones":["0912000001"]}`) // the phone is free again

	// Undoing again deletes nothing more; the file's rows that are left
	// still keep it from being imported twice, and the 409 says which and
	// why rather than sending the user to the undo again.
	if u, body = undoImport(t, h, tok, job.ID); u.Deleted != 0 || u.Kept != 3 || u.Job.Undone != 2 {
		t.Fatalf("undo again: %s", body)
	}
	r := uploadForm(t, h, tok, "staff.csv", file, map[string]string{"resource": "people", "mapping": `{"Điện thoại":""}`})
	mustStatus(t, r, 409)
	if !strings.Contains(string(r.Body), "kept 3 of the parties it created") || strings.Contains(string(r.Body), "/undo") ||
		!strings.Contains(string(r.Body), `"name":"Lê Văn B","reasons":["edited"]`) || !strings.Contains(string(r.Body), `"name":"Lê Văn C","reasons":["interaction"]`) ||
		!strings.Contains(string(r.Body), `"name":"Lê Văn D","reasons":["linked_from"]`) {
		t.Errorf("409: %s", r.Body)
	}

	// A unit and the school under it, both imported, go together; then the
	// file may be uploaded again.
	units := []byte("Tên đơn vị;Đơn vị chủ quản\nTrường THCS Ninh Nhất;Phòng GD&ĐT Hoa Lư\nPhòng GD&ĐT Hoa Lư;\n")
	job = importFile(t, h, tok, "units.csv", units, "organizations", 30*time.Second)
	if u, body = undoImport(t, h, tok, job.ID); u.Deleted != 2 || u.Kept != 0 {
		t.Fatalf("undo units: %s", body)
	}
	r = uploadForm(t, h, tok, "units.csv", units, map[string]string{"resource": "organizations", "defaults": `{"stage":"prospect"}`})
	mustStatus(t, r, 202)

	// A school someone works at is kept, and so is the unit above it.
	units = []byte("Tên đơn vị;Đơn vị chủ quản\nPhòng GD&ĐT Kim Sơn;\nTrường THCS Kim Sơn;Phòng GD&ĐT Kim Sơn\n")
	job = importFile(t, h, tok, "kim-son.csv", units, "organizations", 30*time.Second)
	school := namePairs(t, h, `SELECT name, id::text FROM organization WHERE import_id = $1`, job.ID)["Trường THCS Kim Sơn"]
	createPerson(t, h, tok, fmt.Sprintf(`{"full_name":"Phạm Thu","relationships":[{"kind":"works_at","party_id":%q}]}`, school))
	if u, body = undoImport(t, h, tok, job.ID); u.Deleted != 0 || u.Kept != 2 {
		t.Fatalf("undo units someone works at: %s", body)
	}
}

// importUndo is the answer of POST /imports/{id}/undo.
type importUndo struct {
	Job           importJob
	Deleted       int
	Kept          int
	KeptIDs       []string       `json:"kept_ids"`
	FinishedUndos []finishedUndo `json:"finished_undos"`
}

// finishedUndo is an earlier undo that an undo finished.
type finishedUndo struct {
	ImportID string `json:"import_id"`
	Deleted  int
	Kept     int
}

// Undoing the file of units before the school file naming them keeps the
// units, which the schools still link to; undoing the school file then
// finishes the units' undo, and so on down a chain of files, whatever the
// order they are undone in. A unit someone worked on stays.
func TestUndoingTheFilesOfUnitsSchoolsAndStaffInAnyOrderLeavesNothing(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	units := []byte("Tên đơn vị;Loại\nPhòng GD&ĐT Yên Mô;supervising_unit\nPhòng GD&ĐT Kim Sơn;supervising_unit\n")
	schools := []byte("Tên đơn vị;Đơn vị chủ quản\nTrường THCS Yên Mô;Phòng GD&ĐT Yên Mô\nTrường THCS Kim Sơn;Phòng GD&ĐT Kim Sơn\n")
	staff := []byte("Họ và tên;Chức vụ;Đơn vị công tác\nPhạm Thu;Hiệu trưởng;Trường THCS Yên Mô\n")
	imported := func() (u, s, p string) {
		t.Helper()
		u = importFile(t, h, tok, "units.csv", units, "organizations", 30*time.Second).ID
		s = importFile(t, h, tok, "schools.csv", schools, "organizations", 30*time.Second).ID
		p = importFile(t, h, tok, "staff.csv", staff, "people", 30*time.Second).ID
		if n := testkit.Count(t, h.Pool, `SELECT (SELECT count(*) FROM organization) * 10 + (SELECT count(*) FROM person)`); n != 41 {
			t.Fatalf("imported organisations*10 + people = %d, want 41", n)
		}
		return u, s, p
	}
	undone := func(id string, deleted, kept int, finished ...finishedUndo) {
		t.Helper()
		u, body := undoImport(t, h, tok, id)
		if u.Deleted != deleted || u.Kept != kept || !slices.Equal(u.FinishedUndos, finished) || u.Job.Undone != deleted {
			t.Fatalf("undo: %s\nwant %d deleted, %d kept, finishing %+v", body, deleted, kept, finished)
		}
	}
	left := func() int64 {
		t.Helper()
		return testkit.Count(t, h.Pool, `SELECT (SELECT count(*) FROM organization) + (SELECT count(*) FROM person)`)
	}

	u, s, p := imported()
	undone(u, 0, 2)
	undone(s, 1, 1, finishedUndo{u, 1, 1}) // Kim Sơn's school and unit; Yên Mô's school has a head teacher
	undone(p, 1, 0, finishedUndo{s, 1, 0}, finishedUndo{u, 1, 0})
	if n := left(); n != 0 {
		t.Fatalf("%d parties left", n)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM outbox WHERE subject LIKE 'contact.%.deleted'`); n != 5 {
		t.Fatalf("%d deleted events, want 5", n)
	}
	var job importJob
	h.Do(t, "GET", imports+"/"+u, tok, nil).JSON(t, &job)
	if job.Undone != 2 {
		t.Fatalf("the units' import counts %d undone, want 2", job.Undone)
	}

	// The other order deletes each file's parties with its own undo.
	u, s, p = imported()
	undone(p, 1, 0)
	undone(s, 2, 0)
	undone(u, 2, 0)
	if n := left(); n != 0 {
		t.Fatalf("%d parties left", n)
	}

	// Work on a kept unit keeps it: the school's undo finishes nothing.
	u, s, _ = imported()
	undone(u, 0, 2)
	var yenMo string
	if err := h.Pool.QueryRow(context.Background(), `SELECT id::text FROM organization WHERE name = 'Phòng GD&ĐT Yên Mô'`).Scan(&yenMo); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, h.Do(t, "PATCH", orgs+"/"+yenMo, tok, `{"tags":["đối tác"]}`), 200)
	undone(s, 1, 1, finishedUndo{u, 1, 1})
}

// undoImport undoes an import, expecting 200, and returns the answer.
func undoImport(t *testing.T, h *servicetest.Harness, tok, id string) (importUndo, []byte) {
	t.Helper()
	r := h.Do(t, "POST", imports+"/"+id+"/undo", tok, nil)
	mustStatus(t, r, 200)
	var u importUndo
	r.JSON(t, &u)
	return u, r.Body
}

// A people file names each person's relatives: people stored already, and
// rows of the same file, above or below, even two naming each other. A
// relative who cannot be told, or whose row was not imported, refuses the
// row, which says why.
func TestAPeopleFileLinksTheRelativesItsRowsName(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	create(t, h, tok, people, `{"full_name":"Nguyễn Thu Hà","phones":["0912000009"]}`)
	create(t, h, tok, people, `{"full_name":"Vũ Văn Cũ","phones":["0912000005"]}`)
	create(t, h, tok, people, `{"full_name":"Nguyễn An"}`)
	create(t, h, tok, people, `{"full_name":"Nguyễn An","emails":["an@example.vn"]}`)

	file := "Họ và tên,Điện thoại,Phụ huynh của,Người thân\n" +
		`Nguyễn Văn Bố,0912000001,"Nguyễn Minh Khang; Nguyễn Thu Hà (0912000009)",vợ: Trần Thị Mẹ (+84912000002)` + "\n" + // 2 a row below, a stored person, a row naming it back
		"Trần Thị Mẹ,0912000002,Nguyễn Minh Khang,chồng: nguyen van bo\n" + // 3
		"Nguyễn Minh Khang,,,\n" + // 4
		"Lê Văn Sai,0912000005,,anh: Nguyễn Minh Khang\n" + // 5 names a row, and has a stored person's phone
		"Lê Thị Theo,,,em: Lê Văn Sai\n" + // 6 names row 5, refused
		"Đinh Văn Xa,,Không Có Ai,\n" + // 7 no such person
		"Đinh Văn Hai,,Nguyễn An,\n" + // 8 two stored people have the name
		"Đinh Văn Ba,,,Trần Văn X\n" + // 9 no label
		"Phạm Văn Ông,,0912000009,\n" // 10 a stored person, by phone
	// A preview shows the relatives of the file as written: they are not stored yet.
	r := previewForm(t, h, tok, "?rows=9", []byte(file), map[string]string{"resource": "people"})
	mustStatus(t, r, 200)
	var p importPreview
	r.JSON(t, &p)
	if len(p.Rows) != 9 || fmt.Sprint(p.Rows[1].Party["relationships"]) != "[map[kind:parent_of party_id:Nguyễn Minh Khang] map[kind:related_to label:chồng party_id:nguyen van bo]]" ||
		len(p.Rows[1].Problems) != 0 || len(p.Rows[3].Problems) != 1 {
		t.Fatalf("preview: %s", r.Body)
	}
	// Row 6 names row 5, which a stored person's phone refuses: as the import
	// will, the preview refuses it too.
	cascade := []importProblem{{Row: 6, Column: "Người thân", Message: `names row 5 of this file ("Lê Văn Sai"), which was not imported: see that row's problems`}}
	if row := p.Rows[4]; row.Party != nil || !slices.Equal(row.Problems, cascade) {
		t.Errorf("preview of row 6: %+v", row)
	}
	job := importFile(t, h, tok, "families.csv", []byte(file), "people", 30*time.Second)
	if job.Progress.Created != 4 || job.Progress.Failed != 5 {
		t.Fatalf("job: %+v", job)
	}
	want := []importProblem{
		{Row: 5, Column: "Điện thoại", Message: "same phone +84912000005 as existing person Vũ Văn Cũ (" + namePairs(t, h, `SELECT 'id', id::text FROM person WHERE name = 'Vũ Văn Cũ'`)["id"] + ")"},
		{Row: 6, Column: "Người thân", Message: `names row 5 of this file ("Lê Văn Sai"), which was not imported: see that row's problems`},
		{Row: 7, Column: "Phụ huynh của", Message: `no person is named "Không Có Ai": write their name as it is stored, their phone, email or id, or add them to this file`},
		{Row: 8, Column: "Phụ huynh của", Message: `2 people are named "Nguyễn An": write the phone, email or id of the one you mean`},
		{Row: 9, Column: "Người thân", Message: `holds "Trần Văn X", which does not say how the two are related: write "how: who", for example "vợ: Trần Thị Mai", separated by ";"`},
	}
	if report := problemsOf(t, h, tok, job.ID); !slices.Equal(report, want) {
		t.Fatalf("report:\n got %+v\nwant %+v", report, want)
	}
	links := namePairs(t, h, `SELECT p.name, string_agg(r->>'kind' || ' ' || coalesce(r->>'label' || ' ', '') || q.name, ', ' ORDER BY n)
FROM person p CROSS JOIN jsonb_array_elements(p.doc->'relationships') WITH ORDINALITY AS l(r, n)
JOIN person q ON q.id = (r->>'party_id')::uuid WHERE p.import_id IS NOT NULL GROUP BY p.name`)
	wantLinks := map[string]string{
		"Nguyễn Văn Bố": "parent_of Nguyễn Minh Khang, parent_of Nguyễn Thu Hà, related_to vợ Trần Thị Mẹ",
		"Trần Thị Mẹ":   "parent_of Nguyễn Minh Khang, related_to chồng Nguyễn Văn Bố",
		"Phạm Văn Ông":  "parent_of Nguyễn Thu Hà",
	}
	if !maps.Equal(links, wantLinks) {
		t.Fatalf("links %v, want %v", links, wantLinks)
	}
}
