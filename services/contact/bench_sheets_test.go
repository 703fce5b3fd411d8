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
	"github.com/rapportcrm/rapport/services/contact/party"
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

// BenchmarkExport times GET /people/export of CONTACT_BENCH_EXPORT_ROWS
// generated people (default 48,000), as XLSX and as CSV.
func BenchmarkExport(b *testing.B) {
	n := 48_000
	if s := os.Getenv("CONTACT_BENCH_EXPORT_ROWS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	h := servicetest.Start(b, contact.Service(), servicetest.Options{})
	tok := h.Token(b, auth.Director)
	copyPeople(b, h, n, []string{"owner_id"}, func(i int, p *party.Person) []any {
		p.OwnerID = fmt.Sprintf("user-%02d", i%50)
		p.Phones = []string{fmt.Sprintf("+849%08d", (i*7919+12345)%100_000_000)}
		p.Emails = []string{fmt.Sprintf("p%d@gmail.com", i)}
		p.ZaloID = "09" + fmt.Sprintf("%08d", i)
		p.Tags = []string{"hội thảo 2026"}
		if i%2 == 0 {
			p.Birthday = party.DateOf(time.Date(1960+i%45, time.January, 1+(i*37)%365, 0, 0, 0, 0, time.UTC))
		}
		return []any{p.OwnerID}
	})
	for _, format := range []string{"xlsx", "csv"} {
		b.Run(format, func(b *testing.B) {
			var total time.Duration
			size := 0
			for i := 0; i < b.N; i++ {
				start := time.Now()
				r := h.Do(b, "GET", people+"/export?format="+format, tok, nil)
				total += time.Since(start)
				if r.Status != 200 {
					b.Fatalf("export: %d %.300s", r.Status, r.Body)
				}
				size = len(r.Body)
			}
			fmt.Printf("contact export of %d people as %s (%d kB): %.3fs\n", n, format, size/1000, (total / time.Duration(b.N)).Seconds())
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
