package contact_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
	"github.com/rapportcrm/rapport/services/contact/party"
)

// BenchmarkHandover times one POST /handovers of a staff member who owns
// CONTACT_BENCH_HANDOVER people (default 100,000) among as many
// owned by others, next to one plain UPDATE of the same rows' owner in the
// same run: what the history entries, audit rows and events cost. Each
// round hands the portfolio on to the next staff member.
func BenchmarkHandover(b *testing.B) {
	n := 100_000
	if s := os.Getenv("CONTACT_BENCH_HANDOVER"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	const others = 1
	h := servicetest.Start(b, contact.Service(), servicetest.Options{})
	ctx := context.Background()
	copyPeople(b, h, n*(1+others), []string{"owner_id"}, func(i int, p *party.Person) []any {
		p.OwnerID = "user-lan"
		if i%(1+others) != 0 {
			p.OwnerID = fmt.Sprintf("user-%02d", i%50)
		}
		return []any{p.OwnerID}
	})
	if _, err := h.Pool.Exec(ctx, "VACUUM ANALYZE person"); err != nil {
		b.Fatal(err)
	}
	tok := h.Token(b, auth.Manager)
	var handover, plain time.Duration
	from := "user-lan"
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		to := fmt.Sprintf("user-ho%d", i)
		start := time.Now()
		r := h.Do(b, "POST", "/api/contact/v1/handovers", tok, fmt.Sprintf(`{"from_owner_id":%q,"to_owner_id":%q,"reason":"nghỉ việc"}`, from, to))
		handover += time.Since(start)
		var res struct{ People int }
		if r.Status != 201 || json.Unmarshal(r.Body, &res) != nil || res.People != n {
			b.Fatalf("hand-over: %d %s", r.Status, r.Body)
		}
		b.StopTimer()
		start = time.Now()
		tag, err := h.Pool.Exec(ctx, `UPDATE person SET owner_id = $2 WHERE owner_id = $1`, to, to+"-plain")
		plain += time.Since(start)
		if err != nil || tag.RowsAffected() != int64(n) {
			b.Fatalf("plain update: %v, %d rows", err, tag.RowsAffected())
		}
		from = to + "-plain"
		b.StartTimer()
	}
	handover, plain = handover/time.Duration(b.N), plain/time.Duration(b.N)
	m := float64(n)
	b.ReportMetric(m/handover.Seconds(), "parties/s")
	b.ReportMetric(m/plain.Seconds(), "plain_update_rows/s")
	fmt.Printf("contact hand-over of %d of %d people, one request: %.2fs = %.0f parties/s; a plain UPDATE of the same rows' owner %.2fs = %.0f rows/s, ratio %.1f%%\n",
		n, n*(1+others), handover.Seconds(), m/handover.Seconds(), plain.Seconds(), m/plain.Seconds(), 100*plain.Seconds()/handover.Seconds())
}
