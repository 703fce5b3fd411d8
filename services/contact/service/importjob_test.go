package service

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"golang.org/x/sync/errgroup"

	"github.com/rapportcrm/rapport/services/contact/importing"
	"github.com/rapportcrm/rapport/services/contact/importing/importtest"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// testRows returns n generated organisation rows, some broken and some
// repeating a phone or an email of an earlier row: in the same batch, in an
// earlier batch and in an earlier chunk.
func testRows(n int) []importing.Row {
	table := importtest.Organisations(n, 7)
	var rows []importing.Row
	for values := range table.Rows {
		row := importing.Row{Line: len(rows) + 2}
		for i, v := range values {
			row.Cells = append(row.Cells, importing.Cell{Header: table.Header[i], Value: v})
		}
		rows = append(rows, row)
	}
	phone, email := 5, 6 // columns of the generated table
	for i := range rows {
		switch {
		case i%97 == 0:
			rows[i].Cells[phone].Value = "12ab"
		case i%11 == 0 && i >= importChunk+10:
			rows[i].Cells[phone].Value = rows[i-importChunk-10].Cells[phone].Value
		case i%13 == 0 && i >= checkBatch:
			rows[i].Cells[email].Value = rows[i-checkBatch-1].Cells[email].Value
		case i%17 == 0 && i >= 3:
			rows[i].Cells[email].Value = rows[i-3].Cells[email].Value
		}
	}
	return rows
}

// TestCheckingOnSeveralGoroutinesReportsWhatOneCheckerWould runs the
// import's concurrent check and compares every chunk with one Checker
// taking the rows in order: the same rows kept, the same problems, and each
// duplicate pointing at the first row holding its key.
func TestCheckingOnSeveralGoroutinesReportsWhatOneCheckerWould(t *testing.T) {
	rows := testRows(2*importChunk + 1234)
	opts := importing.Options{}

	one := importing.NewChecker(opts)
	var want []chunk[party.Organisation]
	ch := chunk[party.Organisation]{}
	for _, row := range rows {
		o, problems := one.Organisation(row)
		ch.rows++
		if len(problems) > 0 {
			ch.problems = append(ch.problems, storeProblems(problems)...)
		} else {
			ch.pending = append(ch.pending, candidate[party.Organisation]{row: row, party: o})
		}
		if ch.rows == importChunk {
			want = append(want, ch)
			ch = chunk[party.Organisation]{no: ch.no + 1}
		}
	}
	want = append(want, ch)
	duplicates := 0
	for _, c := range want {
		for _, p := range c.problems {
			if p.DuplicateOfRow != nil {
				duplicates++
			}
		}
	}
	if duplicates < 100 {
		t.Fatalf("the rows hold only %d duplicates; the test needs many", duplicates)
	}

	g, ctx := errgroup.WithContext(context.Background())
	var got []chunk[party.Organisation]
	chunks, _ := checkChunks(ctx, g, opts, (*importing.Checker).OrganisationFields, party.Organisation.DuplicateKeys, nil, nil, rowsOf(rows))
	for c := range chunks {
		got = append(got, c)
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d chunks, want %d", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if g.no != w.no || g.rows != w.rows || len(g.pending) != len(w.pending) {
			t.Fatalf("chunk %d: no %d, %d rows, %d kept; want %d, %d, %d", i, g.no, g.rows, len(g.pending), w.no, w.rows, len(w.pending))
		}
		for j := range w.pending {
			if g.pending[j].row.Line != w.pending[j].row.Line || !reflect.DeepEqual(g.pending[j].party, w.pending[j].party) {
				t.Fatalf("chunk %d, kept row %d: line %d, want %d", i, j, g.pending[j].row.Line, w.pending[j].row.Line)
			}
		}
		if !reflect.DeepEqual(g.problems, w.problems) {
			t.Fatalf("chunk %d problems differ:\n got %s\nwant %s", i, describe(g.problems), describe(w.problems))
		}
	}
}

// TestAChunkWrittenBeforeARestartIsSkippedButItsKeysAreRemembered skips
// chunk 0 and checks that a later row repeating one of its keys is still
// reported as a duplicate.
func TestAChunkWrittenBeforeARestartIsSkippedButItsKeysAreRemembered(t *testing.T) {
	rows := testRows(importChunk + 100)
	last := &rows[len(rows)-1]
	last.Cells[5].Value = rows[1].Cells[5].Value // row 1 is in chunk 0
	g, ctx := errgroup.WithContext(context.Background())
	var got []chunk[party.Organisation]
	chunks, _ := checkChunks(ctx, g, importing.Options{}, (*importing.Checker).OrganisationFields, party.Organisation.DuplicateKeys, map[int]bool{0: true}, nil, rowsOf(rows))
	for c := range chunks {
		got = append(got, c)
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].no != 1 {
		t.Fatalf("chunks %v, want only chunk 1", len(got))
	}
	found := false
	for _, p := range got[0].problems {
		found = found || (p.Row == last.Line && p.DuplicateOfRow != nil && *p.DuplicateOfRow == rows[1].Line)
	}
	if !found {
		t.Fatalf("the repeated phone of row %d is not reported: %s", rows[1].Line, describe(got[0].problems))
	}
}

// TestAFileThatCannotBeReadStopsTheCheck ends the rows with an error.
func TestAFileThatCannotBeReadStopsTheCheck(t *testing.T) {
	rows := testRows(3 * checkBatch)
	broken := func(yield func(importing.Row, error) bool) {
		for i, r := range rows {
			if i == 2*checkBatch+5 {
				yield(importing.Row{}, fmt.Errorf("bad zip"))
				return
			}
			if !yield(r, nil) {
				return
			}
		}
	}
	g, ctx := errgroup.WithContext(context.Background())
	chunks, _ := checkChunks(ctx, g, importing.Options{}, (*importing.Checker).OrganisationFields, party.Organisation.DuplicateKeys, nil, nil, broken)
	for range chunks {
		t.Error("a chunk was sent although the file could not be read to its end")
	}
	if err := g.Wait(); err == nil {
		t.Fatal("no error")
	}
}

// Rows naming another row of the file as their supervising unit, above or
// below them, are held back and written after it, a level at a time after
// the file's chunks: a unit under a held unit one level later. Rows whose
// units go round in a loop come first, to be refused. Held rows count with
// the chunks written last, and are held again by a resumed job whose first
// chunk was written.
func TestRowsNamingAnotherRowAreHeldUntilItIsWritten(t *testing.T) {
	headers := []string{"Tên đơn vị", "Mã số thuế", "Đơn vị chủ quản"}
	var rows []importing.Row
	add := func(cells ...string) {
		row := importing.Row{Line: len(rows) + 2, Headers: headers}
		for i, c := range cells {
			row.Cells = append(row.Cells, importing.Cell{Header: headers[i], Value: c})
		}
		rows = append(rows, row)
	}
	add("Sở GD&ĐT Ninh Bình", "2700123456", "")           // 2
	add("Phòng GD&ĐT Hoa Lư", "", "2700123456")           // 3 by tax code: level 1
	add("Trường THCS Hoa Lư", "", "phong gd&dt hoa lu")   // 4 under a held row: level 2
	add("Trường Tiểu học Gia Viễn", "", "Phòng Gia Viễn") // 5 names a row below: level 2
	add("Phòng Gia Viễn", "", "Sở GD&ĐT Ninh Bình")       // 6 level 1
	add("Trường lỗi", "12", "")                           // 7 refused: a bad tax code
	add("Trường dưới trường lỗi", "", "Trường lỗi")       // 8 names a refused row: level 1, to be reported
	add("Trường A", "", "Trường B")                       // 9 and 10 name each other: a loop
	add("Trường B", "", "Trường A")                       // 10
	add("Trường C", "", "Trường A")                       // 11 under the loop
	add("Trường D", "", "Trường D")                       // 12 names itself: looked up among stored ones
	for range importChunk - len(rows) + 1 {               // fill chunk 0 and start chunk 1
		add(fmt.Sprintf("Trường số %d", len(rows)), "", "")
	}
	add("Trường THCS Ninh Nhất", "", "Phòng GD&ĐT Hoa Lư") // in chunk 1, level 2

	refs, err := importing.ReadFile(rowsOf(rows), importing.NewChecker(importing.Options{}), importing.Organisations)
	if err != nil {
		t.Fatal(err)
	}
	for _, skip := range []map[int]bool{nil, {0: true}} {
		g, ctx := errgroup.WithContext(context.Background())
		chunks, held := checkChunks(ctx, g, importing.Options{}, (*importing.Checker).OrganisationFields, party.Organisation.DuplicateKeys, skip, refs.Parties, rowsOf(rows))
		var sent []chunk[party.Organisation]
		for c := range chunks {
			sent = append(sent, c)
		}
		if err := g.Wait(); err != nil {
			t.Fatal(err)
		}
		if !skip[0] && (sent[0].rows != importChunk || sent[0].held != 8 || len(sent[0].pending) != importChunk-9) {
			t.Errorf("chunk 0: %d rows, %d held, %d kept", sent[0].rows, sent[0].held, len(sent[0].pending))
		}
		last := sent[len(sent)-1]
		if last.no != 1 || last.held != 1 || held.next != 2 {
			t.Errorf("chunk 1: no %d, %d held; next chunk %d", last.no, last.held, held.next)
		}
		var got [][]int
		for i, ch := range held.chunks() {
			if ch.no != held.next+i || ch.rows != len(ch.pending) || ch.loop != (i == 0) {
				t.Errorf("held chunk %d: no %d, %d rows, %d kept, loop %v", i, ch.no, ch.rows, len(ch.pending), ch.loop)
			}
			var lines []int
			for _, c := range ch.pending {
				lines = append(lines, c.row.Line, ch.names[c.row.Line])
			}
			got = append(got, lines)
		}
		// Pairs of a held row's line and the line of the row it names.
		want := [][]int{{9, 10, 10, 9, 11, 9}, {3, 2, 6, 2, 8, 7}, {4, 3, 5, 6, importChunk + 3, 3}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("skip %v: held chunks %v, want %v", skip, got, want)
		}
	}
}

func describe(ps []store.ImportProblem) string {
	s := ""
	for _, p := range ps {
		d := 0
		if p.DuplicateOfRow != nil {
			d = *p.DuplicateOfRow
		}
		s += fmt.Sprintf("[%d %s %q dup=%d] ", p.Row, p.Column, p.Message, d)
	}
	return s
}
