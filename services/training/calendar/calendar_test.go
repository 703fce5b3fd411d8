package calendar

import (
	"encoding/json"
	"testing"
	"time"
)

func TestZoneIsSevenHoursAheadOfUTC(t *testing.T) {
	_, offset := time.Date(2025, 7, 1, 12, 0, 0, 0, Zone()).Zone()
	if offset != 7*3600 {
		t.Fatalf("offset = %d, want %d", offset, 7*3600)
	}
}

func TestDateOfCountsTheDayInVietnamNotInTheInstantsZone(t *testing.T) {
	tests := []struct {
		name string
		at   time.Time
		want Date
	}{
		{"late evening UTC is already tomorrow in Hanoi", time.Date(2025, 3, 1, 18, 0, 0, 0, time.UTC), Date{2025, 3, 2}},
		{"early morning UTC is the same day", time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC), Date{2025, 3, 1}},
		{"23:59 local stays on the local day", time.Date(2025, 12, 31, 23, 59, 0, 0, Zone()), Date{2025, 12, 31}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DateOf(tt.at); got != tt.want {
				t.Errorf("DateOf = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDaysUntilCountsCalendarDaysAcrossMonthsAndYears(t *testing.T) {
	tests := []struct {
		name     string
		from, to Date
		want     int
	}{
		{"same day", Date{2025, 3, 1}, Date{2025, 3, 1}, 0},
		{"across february in a leap year", Date{2024, 2, 20}, Date{2024, 3, 1}, 10},
		{"across the new year", Date{2025, 12, 25}, Date{2026, 1, 4}, 10},
		{"backwards is negative", Date{2025, 3, 10}, Date{2025, 3, 1}, -9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.from.DaysUntil(tt.to); got != tt.want {
				t.Errorf("DaysUntil = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestWeekStartIsTheMondayOfTheWeek(t *testing.T) {
	monday := Date{2025, 3, 10}
	for i := range 7 {
		d := monday.AddDays(i)
		t.Run(d.Weekday().String(), func(t *testing.T) {
			if got := d.WeekStart(); got != monday {
				t.Errorf("WeekStart(%v) = %v, want %v", d, got, monday)
			}
		})
	}
}

func TestParseDateRefusesDaysThatDoNotExist(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{"2025-03-10", Date{2025, 3, 10}, false},
		{"2024-02-29", Date{2024, 2, 29}, false},
		{"2025-02-29", Date{}, true},
		{"10/03/2025", Date{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseDate = %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestNewDateNormalisesOverflowingDays(t *testing.T) {
	if got := NewDate(2025, 2, 30); got != (Date{2025, 3, 2}) {
		t.Errorf("NewDate(2025-02-30) = %v", got)
	}
}

func TestDatesTravelAsISOStringsInJSON(t *testing.T) {
	type payload struct {
		First Date `json:"first"`
	}
	b, err := json.Marshal(payload{Date{2025, 3, 10}})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"first":"2025-03-10"}` {
		t.Fatalf("marshal = %s", b)
	}
	var back payload
	if err := json.Unmarshal(b, &back); err != nil || back.First != (Date{2025, 3, 10}) {
		t.Fatalf("unmarshal = %v, %v", back, err)
	}
}

func TestEndOfDayIsTheLastLocalSecond(t *testing.T) {
	got := Date{2025, 3, 14}.EndOfDay()
	want := time.Date(2025, 3, 14, 16, 59, 59, 0, time.UTC)
	if !got.Equal(want) {
		t.Errorf("EndOfDay = %v, want %v", got, want)
	}
}
