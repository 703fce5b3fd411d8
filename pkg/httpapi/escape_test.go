package httpapi

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/pkg/problem"
)

// An answer is read by people and scripts, not embedded in a page: "&",
// "<" and ">" are written as typed, not as \u0026, \u003c, \u003e, in a
// plain body, in each wrapper and in a problem.
func TestAnswersKeepAmpersandsAsTyped(t *testing.T) {
	body := map[string]string{"name": "Phòng GD&ĐT <Đống Đa>"}
	for name, answer := range map[string]any{
		"plain":    body,
		"created":  Created{Body: body},
		"accepted": Accepted{Body: body},
		"tagged":   Tagged{Body: body, Version: 3},
	} {
		w := httptest.NewRecorder()
		if err := EncodeJSON(context.Background(), w, answer); err != nil {
			t.Fatal(err)
		}
		if got := w.Body.String(); !strings.Contains(got, `"Phòng GD&ĐT <Đống Đa>"`) {
			t.Errorf("%s: %s", name, got)
		}
	}
	w := httptest.NewRecorder()
	problem.Write(w, problem.Conflict("Phòng GD&ĐT is taken").With("name", "GD&ĐT"))
	if got := w.Body.String(); !strings.Contains(got, `"Phòng GD&ĐT is taken"`) || !strings.Contains(got, `"name":"GD&ĐT"`) {
		t.Errorf("problem: %s", got)
	}
}
