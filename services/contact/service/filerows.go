package service

import (
	"context"
	"sync"

	"github.com/rapportcrm/rapport/services/contact/importing"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// fileRows are the rows of a file that were not created, once their chunk
// is checked, and the stored party each stands for, if it stands for one
// (importing.StoredParty). A row naming another row of the file, written
// after it, links to that stored party, or is refused with it, by the same
// rule in the import and the preview. Chunks are checked concurrently, so
// it is locked; a nil fileRows knows no row.
type fileRows struct {
	mu     sync.Mutex
	stored map[int]string // line -> the stored party's id, or "" for none
}

func newFileRows() *fileRows { return &fileRows{stored: map[int]string{}} }

// writtenFileRows returns the fileRows of the chunks a job wrote before it
// was restarted, which it skips: the rows they did not create are the rows
// their stored problems are about, and the stored party a row stands for
// is on the problem saying its id names it (store.ImportProblem's
// StoredParty). Checking those chunks again against the database cannot
// tell it: their own rows are stored now, and would be found as the
// duplicates of themselves. Problems about created rows (a parent not
// linked) are written only once every chunk of rows is, when no chunk is
// left to read the record.
func writtenFileRows(ctx context.Context, db store.DB, jobID string, done []int) (*fileRows, error) {
	f := newFileRows()
	if len(done) == 0 {
		return f, nil
	}
	stored, err := store.RowsNotCreated(ctx, db, jobID)
	if err != nil {
		return nil, err
	}
	f.stored = stored
	return f, nil
}

// notCreated records that the row at line was not created, standing for
// the stored party id, or for none ("").
func (f *fileRows) notCreated(line int, id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stored[line] = id
}

// of returns the stored party the row at line stands for, and whether the
// row is known not to be created: a row refused for anything but being a
// stored party stands for none. A row not known, created or not checked
// yet (a chunk written before a restart), returns false.
func (f *fileRows) of(line int) (id string, known bool) {
	if f == nil {
		return "", false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	id, known = f.stored[line]
	return id, known
}

// fileLinkMiss is a link of a pending row to a row of the file that was
// refused, so the row naming it is refused too.
type fileLinkMiss struct {
	text  string
	line  int
	field importing.Field
}

// fileRowOf returns the line of the other row of the file a link of the
// row at line names, if it names one: its supervising unit, or a relative
// in a people file (a workplace is never a row of one).
func (r *importRun[T]) fileRowOf(line int, l link) (int, bool) {
	if l.want != r.p.k.table || *l.id == "" {
		return 0, false
	}
	other, ok := r.named.Line(*l.id)
	return other, ok && other != line
}

// linkFileRows points each link of the pending rows naming a row of the
// file that was not created at the stored party that row stands for, and
// returns, by row index, the links naming one that stands for none, which
// it clears: those rows are refused. Links naming rows created, or not
// known yet, are left for resolveLinks.
func (r *importRun[T]) linkFileRows(pending []candidate[T]) map[int][]fileLinkMiss {
	misses := map[int][]fileLinkMiss{}
	for i := range pending {
		for _, l := range linksOf(&pending[i].party) {
			line, ok := r.fileRowOf(pending[i].row.Line, l)
			if !ok {
				continue
			}
			switch id, known := r.fileRows.of(line); {
			case known && id != "":
				*l.id = id
			case known:
				misses[i] = append(misses[i], fileLinkMiss{text: *l.id, line: line, field: importing.LinkField(l.kind)})
				*l.id = ""
			}
		}
	}
	return misses
}
