package contact_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/servicetest"
)

// laterPages times the second page of lists whose first pages the search
// benchmark times. A cursor names its last record by id alone, and the
// page after it reads that record's sort key (its folded name, the day its
// dates fall on) from the table: this is what that costs, beside the
// first pages measured in the same run.
func laterPages(b *testing.B, h *servicetest.Harness, tok string) {
	queries := []string{"q=" + url.QueryEscape("hoa"), "q=" + url.QueryEscape("tran thi"), "q=an", "q=nguyen",
		"owner=user-07", "", "next_action_due=today", "dates_within=7", "missing=works_at"}
	var all []time.Duration
	for _, q := range queries {
		first := h.Do(b, "GET", "/api/contact/v1/people?limit=50&"+q, tok, nil)
		var page struct {
			NextCursor string `json:"next_cursor"`
		}
		if first.Status != 200 || json.Unmarshal(first.Body, &page) != nil || page.NextCursor == "" {
			b.Fatalf("%s: first page: status %d, no cursor: %.200s", q, first.Status, first.Body)
		}
		second := "/api/contact/v1/people?limit=50&" + q + "&cursor=" + url.QueryEscape(page.NextCursor)
		var each []time.Duration
		for round := range 101 {
			start := time.Now()
			r := h.Do(b, "GET", second, tok, nil)
			if r.Status != 200 {
				b.Fatalf("%s: second page: status %d: %.200s", q, r.Status, r.Body)
			}
			if round > 0 {
				each = append(each, time.Since(start))
			}
		}
		q50, q99 := percentiles(each)
		fmt.Printf("  second page of %-45q p50 %5.1f ms  p99 %5.1f ms\n", q, ms(q50), ms(q99))
		all = append(all, each...)
	}
	p50, p99 := percentiles(all)
	b.ReportMetric(ms(p99), "pages_p99_ms")
	fmt.Printf("contact second pages, %d reads: p50 %.1f ms, p99 %.1f ms\n", len(all), ms(p50), ms(p99))
}
