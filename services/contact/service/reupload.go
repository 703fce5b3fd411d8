package service

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/services/contact/importing"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// reupload is what an upload does when the resource already has a job for
// the same file. Re-uploading a file must create nothing twice, and must
// not leave a user who fixed a mapping, or whose job failed, stuck with the
// earlier job.
type reupload int

const (
	// answerEarlier: the same upload again (a retry, a double click): the
	// earlier job is the answer and nothing is queued.
	answerEarlier reupload = iota
	// resumeEarlier: the earlier job failed after creating parties; it runs
	// again, with its mapping, past the chunks it wrote.
	resumeEarlier
	// replaceEarlier: the earlier job ended having created nothing, or
	// undoing it deleted all it created, so nothing can be created twice: a
	// new job with this upload's mapping replaces it.
	replaceEarlier
	// refuseUpload: the file's rows could be created twice (409).
	refuseUpload
)

// decideReupload applies the rules of reupload to the earlier job j, of
// whose parties left are still stored, given whether this upload reads the
// file as j did (the same mapping and defaults); for refuseUpload it says
// why and what to do instead. An undo that ran already is not where it
// sends the user: the parties it kept are theirs to look at (kept_parties).
func decideReupload(j store.Import, sameMapping bool, left int) (reupload, string) {
	switch {
	case j.Status == "pending" || j.Status == "running":
		if sameMapping {
			return answerEarlier, ""
		}
		return refuseUpload, fmt.Sprintf("this file is being imported (job %s) with another mapping or other defaults: "+
			"wait for that job to end, then upload it again", j.ID)
	case left == 0: // nothing it created is left
		return replaceEarlier, ""
	case j.Status == "failed" && sameMapping:
		return resumeEarlier, ""
	case sameMapping:
		return answerEarlier, ""
	case j.UndoneAt != nil:
		by := ""
		if j.UndoneBy != "" {
			by = " by " + j.UndoneBy
		}
		return refuseUpload, fmt.Sprintf("this file was imported by job %s, and undoing it%s kept %d of the parties it created, as someone worked on them since "+
			"(kept_parties lists them and why): importing it again with another mapping or other defaults would create them twice; "+
			"delete those that should go (DELETE /api/contact/v1/%s/{id}) and upload it again, or upload a file without their rows", j.ID, by, left, j.Resource)
	case j.Status == "failed":
		return refuseUpload, fmt.Sprintf("the import of this file (job %s) failed, and %d of the parties it created are still there: upload it with the mapping and defaults it had, "+
			"to resume it without creating any twice, or undo that import (POST /api/contact/v1/imports/%s/undo) first", j.ID, left, j.ID)
	}
	return refuseUpload, fmt.Sprintf("this file was imported by job %s, and %d of the parties it created are still there: importing it again with another mapping or other defaults would create them twice; "+
		"undo that import (POST /api/contact/v1/imports/%s/undo) first, or put the rows its report refused in a file of their own and upload that", j.ID, left, j.ID)
}

// left counts the parties an import never undone created that are still
// there: its rows' and the parents it created beside them.
func left(j store.Import) int { return j.Created + j.ParentsCreated - j.Undone }

// leftOf returns how many of the parties the earlier job j created are
// still stored, and, once an undo has run and kept some, the first of them
// with why each was kept. An undone job's parties are counted in the store:
// those its undo kept may have been deleted by hand since.
func leftOf(ctx context.Context, tx pgx.Tx, j store.Import) (int, []store.KeptParty, error) {
	if j.UndoneAt == nil {
		return left(j), nil, nil
	}
	t := segmentType(j.Resource)
	n, ids, err := store.ImportLeft(ctx, tx, t, j.ID, keptShown)
	if err != nil || n == 0 {
		return n, nil, err
	}
	kept, err := store.KeptReasons(ctx, tx, t, ids)
	return n, kept, err
}

// sameMapping reports whether a job's stored mapping reads a file as the
// explicit one does, however either spells the headers.
func sameMapping(stored []byte, explicit map[string]importing.Field) (bool, error) {
	var earlier map[string]importing.Field
	if len(stored) > 0 {
		if err := json.Unmarshal(stored, &earlier); err != nil {
			return false, fmt.Errorf("stored mapping: %w", err)
		}
	}
	return maps.Equal(importing.DefaultMapping().With(earlier), importing.DefaultMapping().With(explicit)), nil
}
