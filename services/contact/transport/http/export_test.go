package http

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/service"
)

// BenchmarkWriteXLSX times the workbook of an export of 48,000 people,
// their rows as the store gives them, without the database: what the
// workbook itself costs (GET /people/export?format=xlsx).
func BenchmarkWriteXLSX(b *testing.B) {
	const n = 48_000
	columns := []string{"id", "full_name", "phones", "emails", "zalo_id", "birthday", "important_dates", "workplace", "title",
		"parent_of", "guardian_of", "related_to", "consent:email", "consent:sms", "consent:zalo", "consent:phone", "tags", "owner_id", "next_action_on", "notes"}
	types := make([]party.FieldType, len(columns))
	types[5], types[18] = party.FieldDate, party.FieldDate
	exp := service.Export{Name: "people", Columns: columns, Types: types, Rows: func(_ context.Context, yield func([]string) error) error {
		for i := range n {
			row := make([]string, len(columns))
			row[0] = fmt.Sprintf("0193a1b2-%04x-7000-8000-%012x", i%65536, i)
			row[1] = fmt.Sprintf("Nguyễn Thị Thanh Hương %d", i)
			row[2] = fmt.Sprintf("+849%08d", (i*7919+12345)%100_000_000)
			row[3] = fmt.Sprintf("p%d@gmail.com", i)
			row[4] = fmt.Sprintf("09%08d", i)
			if i%2 == 0 {
				row[5] = fmt.Sprintf("%d-%02d-%02d", 1960+i%45, 1+i%12, 1+i%28)
			}
			if i%5 == 0 {
				row[7], row[8] = "Trường THCS Kim Đồng [0193a1b2-0000-7000-8000-000000000001]", "Giáo viên"
			}
			row[16], row[17] = "hội thảo 2026", fmt.Sprintf("user-%02d", i%50)
			if err := yield(row); err != nil {
				return err
			}
		}
		return nil
	}}
	b.ReportAllocs()
	var size int64
	for b.Loop() {
		w := &countingWriter{w: io.Discard}
		if err := writeXLSX(context.Background(), w, exp); err != nil {
			b.Fatal(err)
		}
		size = w.n
	}
	b.ReportMetric(float64(size)/1000, "kB")
}
