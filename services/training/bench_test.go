package training_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/training/calendar"
)

// BenchmarkCourseLifecycle walks a course of 200 units and 10 sessions
// through its lifecycle and posts 10,000 attendance records over HTTP
// (8 clients), reporting commands (HTTP requests, reads included) per second.
func BenchmarkCourseLifecycle(b *testing.B) {
	f := start(b)
	units := make([]string, 200)
	for i := range units {
		units[i] = fmt.Sprintf("unit-%03d", i)
		f.unit(units[i], "dvcq-1")
	}
	f.waitUnits(int64(len(units)))
	b.ResetTimer()
	callsBefore, began := f.calls.Load(), time.Now()
	for range b.N {
		f.Clock.Set(calendar.NewDate(2026, 11, 2).At(9, 0))
		days := []string{}
		for d := 0; d < 10; d++ {
			days = append(days, calendar.NewDate(2026, 11, 16+d).String())
		}
		courseID, sessions := f.scheduledCourse(units, days...)
		for _, s := range sessions {
			f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/assignments", map[string]any{"session_id": s, "person_id": "bench-" + courseID, "duty": "trainer"}), 201, nil)
		}
		for _, u := range units {
			f.ok(f.do(auth.Sales, "POST", "/courses/"+courseID+"/participants", map[string]any{"unit_id": u}), 201, nil)
		}
		f.startCourse(courseID, calendar.NewDate(2026, 11, 16))

		const records, clients = 10000, 8
		var wg sync.WaitGroup
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := c; i < records; i += clients {
					s, u := sessions[i%len(sessions)], units[(i/len(sessions))%len(units)]
					// Each pass over the 2,000 unit-sessions flips the value, so
					// every record after the first pass is a correction (200).
					body := map[string]any{"unit_id": u, "present": true}
					if i/(len(sessions)*len(units))%2 == 1 {
						body = map[string]any{"unit_id": u, "present": false, "reason": "về sớm"}
					}
					r := f.do(auth.Lead, "POST", "/courses/"+courseID+"/sessions/"+s+"/attendance", body)
					if r.Status != 201 && r.Status != 200 {
						b.Errorf("attendance: %d %s", r.Status, r.Body)
						return
					}
				}
			}()
		}
		wg.Wait()
		f.Clock.Set(calendar.NewDate(2026, 11, 25).At(17, 0))
		f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/complete", nil), 200, nil)
		f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/cancel", map[string]any{"reason": "x"}), 409, nil) // illegal now
	}
	rate := float64(f.calls.Load()-callsBefore) / time.Since(began).Seconds()
	b.ReportMetric(rate, "commands/s")
	raw := testkit.BaselineTxRate(b, f.Pool, 10_000, 4)
	b.ReportMetric(raw, "raw-pgx-tx/s")
	fmt.Printf("training: %.0f commands/s; baseline (same run): plain pgx insert transactions %.0f tx/s; ratio %.3f\n", rate, raw, rate/raw)
}
