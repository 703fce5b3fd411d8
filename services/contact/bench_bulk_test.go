package contact_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/service"
)

// BenchmarkBulkChange times one POST /people/bulk-changes that tags the
// largest selection one change takes (service.MaxBulk people, one in ten
// of the table), next to one plain UPDATE of the same rows' tags in the
// same run: what the history entries, events and per-party checks cost.
func BenchmarkBulkChange(b *testing.B) {
	const every = 10
	n := service.MaxBulk * every
	h := servicetest.Start(b, contact.Service(), servicetest.Options{})
	ctx := context.Background()
	copyPeople(b, h, n, []string{"tags", "owner_id"}, func(i int, p *party.Person) []any {
		p.Tags, p.OwnerID = []string{"phụ huynh"}, fmt.Sprintf("user-%02d", i%50)
		if i%every == 0 {
			p.Tags = append(p.Tags, "khối 6")
		}
		return []any{p.Tags, p.OwnerID}
	})
	if _, err := h.Pool.Exec(ctx, "VACUUM ANALYZE person"); err != nil {
		b.Fatal(err)
	}
	tok := h.Token(b, auth.Sales)
	var bulk, plain time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		r := h.Do(b, "POST", people+"/bulk-changes", tok, fmt.Sprintf(`{"filter":{"tag":"khối 6"},"add_tags":["đợt %d"]}`, i))
		bulk += time.Since(start)
		var res service.BulkResult
		if r.Status != 200 || json.Unmarshal(r.Body, &res) != nil || res.Changed != service.MaxBulk {
			b.Fatalf("bulk change: %d %s", r.Status, r.Body)
		}
		b.StopTimer()
		start = time.Now()
		tag := fmt.Sprintf("lần %d", i)
		_, err := h.Pool.Exec(ctx, `UPDATE person SET tags = tags || $1::text, doc = jsonb_set(doc, '{tags}', doc->'tags' || to_jsonb($1::text))
WHERE tags @> ARRAY['khối 6']`, tag)
		plain += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	bulk, plain = bulk/time.Duration(b.N), plain/time.Duration(b.N)
	m := float64(service.MaxBulk)
	b.ReportMetric(m/bulk.Seconds(), "parties/s")
	b.ReportMetric(m/plain.Seconds(), "plain_update_rows/s")
	fmt.Printf("contact bulk change of %d of %d people, one request: %.2fs = %.0f parties/s; a plain UPDATE of the same rows' tags %.2fs = %.0f rows/s, ratio %.1f%%\n",
		service.MaxBulk, n, bulk.Seconds(), m/bulk.Seconds(), plain.Seconds(), m/plain.Seconds(), 100*plain.Seconds()/bulk.Seconds())
}
