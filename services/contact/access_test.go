package contact_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
)

// A user reports a refused search by the trace id its answer gave; the
// operator finds the request's access line by it: route, parameter names,
// status and user, and nothing of the customer searched for.
func TestARefusedSearchGivesTheTraceIdOfItsAccessLineWhichHoldsNoName(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	p := createPerson(t, h, tok, `{"full_name":"Nguyễn Văn Bảo","phones":["0912 345 678"]}`)
	mustStatus(t, h.Do(t, "GET", people+"/"+p.ID, tok, nil), 200)

	const trace = "4bf92f3577b34da6a3ce929d0e0e4736"
	r := send(t, h, "GET", people+"?q=Nguy%E1%BB%85n+V%C4%83n+B%E1%BA%A3o&foo=0912345678", tok, "", nil,
		map[string]string{"traceparent": "00-" + trace + "-00f067aa0ba902b7-01"})
	mustStatus(t, r, 422)
	var answer struct {
		TraceID string `json:"trace_id"`
	}
	r.JSON(t, &answer)
	if answer.TraceID != trace || !strings.HasPrefix(r.Header.Get("traceparent"), "00-"+trace+"-") {
		t.Fatalf("trace_id %q, traceparent %q; want the caller's trace %s", answer.TraceID, r.Header.Get("traceparent"), trace)
	}

	routes := map[string]map[string]any{}
	for line := range strings.Lines(h.Logs.String()) {
		var l map[string]any
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		if l["msg"] == "request" {
			routes[l["method"].(string)+" "+l["route"].(string)+" "+l["trace_id"].(string)] = l
		}
	}
	refused := routes["GET /api/contact/v1/people "+trace]
	if refused == nil || refused["query"] != "foo,q" || refused["status"] != 422.0 || refused["user_id"] != "user-sales" {
		t.Fatalf("the refused search's line: %v\nall: %v", refused, routes)
	}
	var got bool
	for k := range routes {
		got = got || strings.HasPrefix(k, "GET /api/contact/v1/people/{id} ")
	}
	if !got {
		t.Errorf("no line for the read by id, logged by its route: %v", routes)
	}
	logs := h.Logs.String()
	for _, personal := range []string{"Nguy", "Bảo", "0912345678", "345 678"} {
		if strings.Contains(logs, personal) {
			t.Errorf("the log holds %q:\n%s", personal, logs)
		}
	}
	for _, l := range routes {
		if line, _ := json.Marshal(l); strings.Contains(string(line), p.ID) {
			t.Errorf("an access line holds the path: %s", line)
		}
	}
}
