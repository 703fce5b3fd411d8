package service

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/rapportcrm/rapport/services/contact/importing"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// A file uploaded again never creates a row twice, and never leaves its
// uploader stuck with a job that failed, created nothing, or was undone.
func TestAReUploadIsSettledByWhatTheEarlierJobDid(t *testing.T) {
	tests := []struct {
		status      string
		created     int
		undone      int  // the parties its undo deleted
		undoRan     bool // an undo ran (and may have deleted nothing)
		sameMapping bool
		want        reupload
		why         string // a part of the reason, for refuseUpload
	}{
		{"pending", 0, 0, false, true, answerEarlier, ""},
		{"running", 40, 0, false, true, answerEarlier, ""},
		{"running", 40, 0, false, false, refuseUpload, "being imported"},
		{"done", 40, 0, false, true, answerEarlier, ""},
		{"done", 40, 0, false, false, refuseUpload, "40 of the parties it created are still there: importing it again with another mapping or other defaults would create them twice; undo that import"},
		{"done", 0, 0, false, true, replaceEarlier, ""},
		{"done", 0, 0, false, false, replaceEarlier, ""},
		{"failed", 0, 0, false, false, replaceEarlier, ""},
		{"failed", 40, 0, false, true, resumeEarlier, ""},
		{"failed", 40, 0, false, false, refuseUpload, "failed, and 40 of the parties it created are still there: upload it with the mapping and defaults it had"},
		{"done", 40, 40, true, false, replaceEarlier, ""}, // undone: nothing it created is left
		{"failed", 40, 40, true, true, replaceEarlier, ""},
		{"done", 40, 10, true, true, answerEarlier, ""},
		// An undo that ran and kept parties is not where the user is sent
		// again: the parties it kept are, with why.
		{"done", 40, 10, true, false, refuseUpload, "undoing it by user-lan kept 30 of the parties it created, as someone worked on them since (kept_parties lists them and why)"},
		{"done", 40, 0, true, false, refuseUpload, "kept 40 of the parties it created"},
		{"failed", 40, 10, true, false, refuseUpload, "delete those that should go (DELETE /api/contact/v1/people/{id})"},
	}
	// A class list's job also created parents: they are left until undone too.
	j := store.Import{ID: "job-2", Status: "done", Created: 40, ParentsCreated: 25}
	if got, why := decideReupload(j, false, left(j)); got != refuseUpload || !strings.Contains(why, "65 of the parties it created are still there") {
		t.Errorf("a class list's parents left: got %d %q", got, why)
	}
	for _, tt := range tests {
		j := store.Import{ID: "job-1", Resource: string(importing.People), Status: tt.status, Created: tt.created, Undone: tt.undone}
		if tt.undoRan {
			at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
			j.UndoneAt, j.UndoneBy = &at, "user-lan"
		}
		got, why := decideReupload(j, tt.sameMapping, tt.created-tt.undone)
		if got != tt.want || (tt.want == refuseUpload) != (why != "") || !strings.Contains(why, tt.why) ||
			(tt.undoRan && strings.Contains(why, "/undo")) {
			t.Errorf("%s job with %d created, %d undone, same mapping %v: got %d %q, want %d (%q)", tt.status, tt.created, tt.undone, tt.sameMapping, got, why, tt.want, tt.why)
		}
	}
}

// Two mappings are the same when they read the file alike, whatever their
// headers' spelling; none stored is the default mapping.
func TestMappingsAreComparedAsTheyReadTheFile(t *testing.T) {
	tests := []struct {
		stored   string
		explicit map[string]importing.Field
		want     bool
	}{
		{"", nil, true},
		{"", map[string]importing.Field{"Họ và tên": importing.FieldName}, true}, // the default already
		{`{"GHI CHÚ":"tags"}`, map[string]importing.Field{"ghi chu": importing.FieldTags}, true},
		{`{"Ghi chú":"tags"}`, nil, false},
		{"", map[string]importing.Field{"Email": importing.FieldNone}, false},
	}
	for _, tt := range tests {
		got, err := sameMapping([]byte(tt.stored), tt.explicit)
		if err != nil || got != tt.want {
			t.Errorf("stored %s, explicit %v: %v, %v; want %v", tt.stored, tt.explicit, got, err, tt.want)
		}
	}
}

// A value Postgres refuses (SQLSTATE class 22) fails an import at once,
// as its file's fault; a connection cut is retried.
func TestAValuePostgresRefusesIsTheFilesFault(t *testing.T) {
	nul := fmt.Errorf("write chunk 0: %w", &pgconn.PgError{Code: "22021", Message: "invalid byte sequence for encoding \"UTF8\": 0x00"})
	if !dataException(nul) {
		t.Errorf("%v is not taken for the file's fault", nul)
	}
	if cut := fmt.Errorf("write chunk 0: %w", &pgconn.PgError{Code: "57P01"}); dataException(cut) || dataException(errors.New("EOF")) {
		t.Errorf("a connection cut is taken for the file's fault")
	}
}
