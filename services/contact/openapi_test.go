package contact_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

// documented sends requests through the API and checks each request and
// answer against the OpenAPI document the service serves: the document is
// a contract for clients, so its schemas must say what the API really takes
// and gives (a date-time where a date is served, a field it lacks).
type documented struct {
	h      *servicetest.Harness
	router routers.Router
}

func newDocumented(t *testing.T, h *servicetest.Harness) documented {
	t.Helper()
	r := h.Do(t, "GET", "/api/contact/openapi.json", "", nil)
	mustStatus(t, r, 200)
	doc, err := openapi3.NewLoader().LoadFromData(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return documented{h: h, router: router}
}

// do sends a JSON request (none when body is "") and fails t unless the
// request and the answer match the document and the answer has the status
// wanted.
func (d documented) do(t *testing.T, method, path, tok, body string, status int) servicetest.Response {
	t.Helper()
	contentType := ""
	if body != "" {
		contentType = "application/json"
	}
	return d.send(t, method, path, tok, contentType, []byte(body), status)
}

// doIfMatch is do with an If-Match header.
func (d documented) doIfMatch(t *testing.T, method, path, tok, body, etag string, status int) servicetest.Response {
	t.Helper()
	return d.sendWith(t, method, path, tok, http.Header{"Content-Type": {"application/json"}, "If-Match": {etag}}, []byte(body), status)
}

// send is do with any content type.
func (d documented) send(t *testing.T, method, path, tok, contentType string, body []byte, status int) servicetest.Response {
	t.Helper()
	header := http.Header{}
	if contentType != "" {
		header.Set("Content-Type", contentType)
	}
	return d.sendWith(t, method, path, tok, header, body, status)
}

// sendWith is send with any headers.
func (d documented) sendWith(t *testing.T, method, path, tok string, header http.Header, body []byte, status int) servicetest.Response {
	t.Helper()
	ctx := context.Background()
	req, err := http.NewRequest(method, d.h.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	req.Header.Set("Authorization", "Bearer "+tok)
	route, params, err := d.router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s is not in the document: %v", method, path, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		t.Fatalf("%s %s: the request does not match the document: %v", method, path, err)
	}
	req.Body = io.NopCloser(bytes.NewReader(body)) // the validator read it
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := servicetest.Response{Status: resp.StatusCode, Header: resp.Header, Body: got}
	if r.Status != status {
		t.Fatalf("%s %s answered %d, want %d: %s", method, path, r.Status, status, r.Body)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(got)), Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		t.Errorf("%s %s: the answer does not match the document: %v\n%s", method, path, err, got)
	}
	return r
}

// TestTheAPIAnswersAsItsDocumentSays walks every JSON operation with every
// field set, bad input included, and checks both ways against the document.
func TestTheAPIAnswersAsItsDocumentSays(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	d := newDocumented(t, h)
	tok, boss := h.Token(t, auth.Sales), h.Token(t, auth.Manager)

	var org, so, p1, p2 struct{ ID string }
	d.do(t, "POST", orgs, tok, `{"name":"Sở Giáo dục Bình Dương","kinds":["supervising_unit"]}`, 201).JSON(t, &so)
	d.do(t, "POST", orgs, tok, `{"name":"Trường Tiểu học Kim Đồng","kinds":["school","unit"],"tax_code":"0101234567",
 "province":"Bình Dương","district":"Thủ Dầu Một","ward":"Phú Cường","address":"12 Lê Lợi","phones":["0274 382 2222"],
 "emails":["vp@kimdong.edu.vn"],"website":"https://kimdong.edu.vn","supervising_unit_id":"`+so.ID+`","stage":"customer",
 "tags":["vip"],"owner_id":"user-sales","notes":"Kế toán nghỉ thứ Sáu."}`, 201).JSON(t, &org)
	d.do(t, "POST", people, tok, `{"full_name":"Đỗ Minh Châu","phones":["0987654321"],"emails":["chau@example.vn"],"zalo_id":"chau.do",
 "birthday":"1988-02-29","important_dates":[{"label":"Ngày cưới","date":"2015-10-10"}],
 "consents":{"zalo":{"granted":true,"at":"2026-10-01T09:00:00+07:00","source":"phiếu đăng ký"}},
 "relationships":[{"kind":"works_at","party_id":"`+org.ID+`","title":"Hiệu phó"}],"tags":["phụ huynh"],"notes":"Gọi sau 17h."}`, 201).JSON(t, &p1)
	d.do(t, "POST", people, tok, `{"full_name":"Đỗ M. Châu","phones":["0987 654 321"],"force":true,"force_reason":"hai số máy"}`, 201).JSON(t, &p2)
	d.do(t, "POST", people, tok, `{"full_name":"Bản sao","phones":["0987654321"]}`, 409)
	d.do(t, "POST", people, tok, `{"full_name":"","phones":["12"]}`, 422)

	d.do(t, "GET", orgs+"/"+org.ID, tok, "", 200)
	d.do(t, "GET", people+"/"+p1.ID, tok, "", 200)
	d.do(t, "GET", orgs+"?q=kim+dong&kind=school&stage=customer&tag=vip&province=Bình+Dương&supervising_unit="+so.ID+"&limit=1", tok, "", 200)
	d.do(t, "GET", people+"?q="+url.QueryEscape("do minh")+"&dates_within=366", tok, "", 200)
	d.do(t, "GET", people+"?missing=consent,works_at&relationship=parent_of", tok, "", 200)
	d.do(t, "GET", orgs+"?missing=birthday", tok, "", 422)
	read := d.do(t, "GET", people+"/"+p1.ID, tok, "", 200).Header.Get("ETag")
	changed := d.doIfMatch(t, "PATCH", people+"/"+p1.ID, tok, `{"notes":null,"consents":{"email":{"granted":false,"at":"2026-11-01T10:00:00Z","source":"email"}}}`, read, 200).Header.Get("ETag")
	d.doIfMatch(t, "PATCH", people+"/"+p1.ID, tok, `{"notes":"đã đổi"}`, read, 412)
	d.doIfMatch(t, "DELETE", people+"/"+p1.ID, tok, "", read, 412)
	d.doIfMatch(t, "PATCH", people+"/"+p1.ID, tok, `{"notes":"đã đổi"}`, changed, 200)
	d.do(t, "POST", "/api/contact/v1/interactions", tok, `{"party_id":"`+p1.ID+`","kind":"call","occurred_at":"2026-11-02T08:00:00+07:00",
 "outcome":"hẹn gặp","notes":"gọi lại","next_action_on":"2026-11-09"}`, 201)
	d.do(t, "GET", "/api/contact/v1/interactions?party_id="+p1.ID, tok, "", 200)
	var it struct{ ID string }
	d.do(t, "POST", "/api/contact/v1/interactions", tok, `{"party_id":"`+p1.ID+`","kind":"note","occurred_at":"2026-11-01T08:00:00+07:00"}`, 201).JSON(t, &it)
	d.do(t, "GET", "/api/contact/v1/interactions/"+it.ID, tok, "", 200)
	d.do(t, "PATCH", "/api/contact/v1/interactions/"+it.ID, tok, `{"kind":"call","outcome":null,"next_action_on":"2026-11-09"}`, 200)
	d.do(t, "PATCH", "/api/contact/v1/interactions/"+it.ID, tok, `{"party_id":"`+p2.ID+`"}`, 422)
	d.doIfMatch(t, "PATCH", "/api/contact/v1/interactions/"+it.ID, tok, `{"outcome":"gọi lại"}`, `"1"`, 412)
	d.doIfMatch(t, "DELETE", "/api/contact/v1/interactions/"+it.ID, tok, "", `"1"`, 412)
	d.do(t, "DELETE", "/api/contact/v1/interactions/"+it.ID, tok, "", 204)
	d.do(t, "GET", "/api/contact/v1/interactions/"+it.ID, tok, "", 404)
	d.doIfMatch(t, "POST", people+"/"+p1.ID+"/merge", tok, `{"merged_id":"`+p2.ID+`"}`, read, 412)
	d.do(t, "POST", people+"/"+p1.ID+"/merge", tok, `{"merged_id":"`+p2.ID+`"}`, 409)
	d.do(t, "POST", people+"/"+p1.ID+"/merge", tok, `{"merged_id":"`+p2.ID+`","keep":{"full_name":"survivor","force_reason":"survivor"}}`, 200)
	d.do(t, "POST", people+"/"+p1.ID+"/merge", tok, `{"merged_id":"`+p1.ID+`"}`, 422)
	d.doIfMatch(t, "POST", orgs+"/"+org.ID+"/owner", tok, `{"owner_id":"user-lead","reason":"chia lại địa bàn"}`, `"999"`, 412)
	d.do(t, "POST", orgs+"/"+org.ID+"/owner", tok, `{"owner_id":"user-lead","reason":"  "}`, 422)
	d.do(t, "POST", orgs+"/"+org.ID+"/owner", tok, `{"owner_id":"user-lead","reason":"chia lại địa bàn"}`, 200)
	d.do(t, "POST", orgs+"/"+org.ID+"/owner", tok, `{"owner_id":"user-sales","reason":"lấy lại"}`, 403)
	d.do(t, "GET", orgs+"/"+org.ID+"/care", tok, "", 200)
	d.do(t, "GET", people+"/"+p1.ID+"/history?limit=2", tok, "", 200)
	testkit.Eventually(t, 10*time.Second, "the interaction on the timeline", func() bool {
		return testkit.Count(t, h.Pool, `SELECT count(*) FROM timeline_entry`) > 0
	})
	d.do(t, "GET", people+"/"+p1.ID+"/timeline", tok, "", 200)
	d.do(t, "GET", orgs+"/"+org.ID+"/timeline?with=people&limit=5", tok, "", 200)
	d.do(t, "GET", people+"?linked_to="+org.ID+"&relationship=works_at", tok, "", 200)
	var ho struct{ ID string }
	d.do(t, "POST", "/api/contact/v1/handovers", boss, `{"from_owner_id":"user-lead","to_owner_id":"user-sales","reason":"nghỉ việc"}`, 201).JSON(t, &ho)
	d.do(t, "POST", "/api/contact/v1/handovers", boss, `{"from_owner_id":"user-lead","to_owner_id":"user-sales","reason":"nghỉ việc"}`, 422)
	d.do(t, "POST", "/api/contact/v1/handovers", tok, `{"from_owner_id":"user-lead","to_owner_id":"user-sales","reason":"nghỉ việc"}`, 403)
	d.do(t, "POST", "/api/contact/v1/handovers", boss, `{"from_owner_id":"user-lead","to_owner_id":"user-sales","reason":""}`, 422)
	d.do(t, "GET", "/api/contact/v1/handovers?limit=1", boss, "", 200)
	d.do(t, "GET", "/api/contact/v1/handovers/"+ho.ID, boss, "", 200)
	d.do(t, "GET", "/api/contact/v1/handovers", tok, "", 403)
	d.do(t, "GET", "/api/contact/v1/activity", boss, "", 200)
	d.do(t, "GET", "/api/contact/v1/field-definitions", tok, "", 200)
	admin, defs := h.Token(t, auth.Admin), "/api/contact/v1/field-definitions"
	d.doIfMatch(t, "PUT", defs, admin, `{"school":[{"name":"student_count","type":"number","required":false},
 {"name":"level","type":"string","required":false,"allowed":["THCS","THPT"]}],"unit":[{"name":"budget_chapter","type":"string"}]}`, `"1"`, 200)
	d.doIfMatch(t, "PUT", defs, admin, `{}`, `"1"`, 412)
	d.do(t, "PUT", defs, admin, `{"school":[{"name":"size","type":"number"},{"name":"size","type":"number"}]}`, 422)
	d.do(t, "PUT", defs, tok, `{}`, 403)
	d.do(t, "GET", defs+"/versions?limit=1", tok, "", 200)
	d.do(t, "GET", defs+"/versions?cursor=x", tok, "", 422)
	d.do(t, "POST", orgs, tok, `{"name":"Trường THCS Lê Lợi","kinds":["school"],"custom_fields":{"level":"THCS"}}`, 201)
	d.do(t, "PUT", defs, admin, `{}`, 409)
	var seg struct{ ID string }
	d.do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"Trường VIP","resource":"organizations","filter":{"kind":"school","tag":"vip"}}`, 201).JSON(t, &seg)
	d.do(t, "GET", "/api/contact/v1/segments", tok, "", 200)
	d.do(t, "GET", "/api/contact/v1/segments/"+seg.ID, tok, "", 200)
	d.do(t, "POST", orgs+"/bulk-changes", tok, `{"segment_id":"`+seg.ID+`","stage":"customer","add_tags":["đối tác"],"remove_tags":["cũ"]}`, 200)
	d.do(t, "POST", people+"/bulk-changes", tok, `{"filter":{"tag":"phụ huynh","q":"châu"},"add_tags":["tiềm năng"]}`, 200)
	d.do(t, "POST", people+"/bulk-changes", tok, `{"filter":{"tag":"phụ huynh"}}`, 422)
	d.do(t, "POST", orgs+"/bulk-changes", tok, `{"filter":{"kind":"school"},"custom_fields":{"level":"THPT","student_count":null}}`, 200)
	d.do(t, "POST", orgs+"/bulk-changes", tok, `{"filter":{"kind":"school"},"custom_fields":{"level":"Đại học"}}`, 422)
	d.do(t, "DELETE", "/api/contact/v1/segments/"+seg.ID, tok, "", 204)

	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	_ = mw.WriteField("resource", "people")
	_ = mw.WriteField("mapping", `{"Chức vụ":"tags"}`)
	fw, _ := mw.CreateFormFile("file", "nguoi.csv")
	_, _ = fw.Write([]byte("STT,Họ và tên,Điện thoại,Chức vụ\n1,Lê Văn Tám,0903111222,Kế toán\n2,,0903111333,\n"))
	_ = mw.Close()
	var job importJob
	d.send(t, "POST", imports, tok, mw.FormDataContentType(), form.Bytes(), 202).JSON(t, &job)
	waitForImport(t, h, tok, job.ID, 30*time.Second)
	d.do(t, "GET", imports+"/"+job.ID, tok, "", 200)
	d.do(t, "GET", imports+"?status=done&resource=people&limit=1", tok, "", 200)
	d.do(t, "GET", imports+"/"+job.ID+"/problems", tok, "", 200)

	d.do(t, "DELETE", people+"/"+p1.ID, h.Token(t, auth.Trainer), "", 403)
	d.do(t, "DELETE", people+"/"+p1.ID, tok, "", 204)
	d.do(t, "GET", people+"/"+p1.ID, tok, "", 404)
	d.do(t, "GET", people+"/"+p1.ID+"/history", tok, "", 200)
}
