package httpapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/pkg/problem"
)

func TestTheMuxsOwnAnswersAreProblems(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/x/v1/things", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	mux.HandleFunc("GET /api/x/v1/gone", func(w http.ResponseWriter, _ *http.Request) { problem.Write(w, problem.NotFound("no such thing")) })
	h := Unrouted(mux)
	for _, c := range []struct {
		method, path string
		status       int
		detail       string
	}{
		{"GET", "/api/x/v1/nothing", 404, "no route /api/x/v1/nothing"},
		{"DELETE", "/api/x/v1/things", 405, "DELETE is not allowed on /api/x/v1/things; it allows GET, HEAD"},
		{"GET", "/api/x/v1/gone", 404, "no such thing"},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(c.method, c.path, nil))
		var p problem.Problem
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || w.Code != c.status || p.Status != c.status ||
			w.Header().Get("Content-Type") != problem.ContentType || !strings.Contains(p.Detail, c.detail) {
			t.Errorf("%s %s: %d %q %s", c.method, c.path, w.Code, w.Header().Get("Content-Type"), w.Body)
		}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/api/x/v1/things", nil))
	if w.Code != 200 || w.Body.String() != "ok" {
		t.Fatalf("a routed answer changed: %d %s", w.Code, w.Body)
	}
}
