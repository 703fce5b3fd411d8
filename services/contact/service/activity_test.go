package service

import (
	"errors"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/party"
)

func TestTheActivityWindowDefaultsToTheWeekEndingTodayAndIsBounded(t *testing.T) {
	today := party.Date{Year: 2026, Month: 3, Day: 2}
	d := func(y, m, day int) party.Date { return party.Date{Year: y, Month: time.Month(m), Day: day} }
	tests := []struct {
		name             string
		from, to         party.Date
		wantFrom, wantTo party.Date
		badField         string
	}{
		{"nothing given: the week ending today, across February", party.Date{}, party.Date{}, d(2026, 2, 24), today, ""},
		{"only an end", party.Date{}, d(2026, 1, 3), d(2025, 12, 28), d(2026, 1, 3), ""},
		{"only a start: up to today", d(2026, 1, 1), party.Date{}, d(2026, 1, 1), today, ""},
		{"one day", d(2026, 2, 1), d(2026, 2, 1), d(2026, 2, 1), d(2026, 2, 1), ""},
		{"a leap year's 366 days", d(2024, 1, 1), d(2024, 12, 31), d(2024, 1, 1), d(2024, 12, 31), ""},
		{"ends before it starts", d(2026, 2, 2), d(2026, 2, 1), party.Date{}, party.Date{}, "from"},
		{"367 days", d(2024, 1, 1), d(2025, 1, 1), party.Date{}, party.Date{}, "to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, to, err := activityWindow(tt.from, tt.to, today)
			if tt.badField != "" {
				var p *problem.Problem
				if !errors.As(err, &p) || len(p.Errors) != 1 || p.Errors[0].Field != tt.badField {
					t.Fatalf("err = %v, want a problem on %s", err, tt.badField)
				}
				return
			}
			if err != nil || from != tt.wantFrom || to != tt.wantTo {
				t.Fatalf("window %s..%s, %v; want %s..%s", from, to, err, tt.wantFrom, tt.wantTo)
			}
		})
	}
}
