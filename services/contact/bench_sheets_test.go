package contact_test

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
	"github.com/rapportcrm/rapport/services/contact/importing/importtest"
)

// BenchmarkPreview times POST /imports/preview?rows=1 of
// CONTACT_BENCH_PREVIEW_ROWS generated people (default 20,000) as a
// workbook of three sheets written as Excel writes one (its text in the
// shared strings table), and as CSV: a preview shows a few rows, and
// should cost about as much whatever the file's size.
func BenchmarkPreview(b *testing.B) {
	n := 20_000
	if s := os.Getenv("CONTACT_BENCH_PREVIEW_ROWS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	h := servicetest.Start(b, contact.Service(), servicetest.Options{})
	tok := h.Token(b, auth.Sales)
	table := importtest.People(n, 1)
	sheets := map[string][][]any{}
	names := []string{"Lớp 10A1", "Lớp 10A2", "Lớp 10A3"}
	i := 0
	for row := range table.Rows {
		name := names[i*len(names)/n]
		if len(sheets[name]) == 0 {
			sheets[name] = append(sheets[name], cellsOf(table.Header))
		}
		sheets[name] = append(sheets[name], cellsOf(row))
		i++
	}
	xlsx, err := importtest.Workbook(sheets, names...)
	if err != nil {
		b.Fatal(err)
	}
	var csv bytes.Buffer
	if err := table.WriteCSV(&csv); err != nil {
		b.Fatal(err)
	}
	for _, f := range []struct {
		format string
		file   []byte
	}{{"xlsx", xlsx}, {"csv", csv.Bytes()}} {
		b.Run(f.format, func(b *testing.B) {
			var total time.Duration
			for i := 0; i < b.N; i++ {
				start := time.Now()
				r := previewForm(b, h, tok, "?rows=1", f.file, map[string]string{"resource": "people"})
				total += time.Since(start)
				if r.Status != 200 {
					b.Fatalf("preview: %d %.300s", r.Status, r.Body)
				}
			}
			fmt.Printf("contact preview of %d rows as %s (%d kB): %.3fs\n", n, f.format, len(f.file)/1000, (total / time.Duration(b.N)).Seconds())
		})
	}
}

func cellsOf(row []string) []any {
	out := make([]any, len(row))
	for i, c := range row {
		out[i] = c
	}
	return out
}
