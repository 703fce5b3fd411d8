package desklog

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/services/training/calendar"
	"github.com/rapportcrm/rapport/services/training/course"
)

func ptr(n int) *int { return &n }

func entry(k Kind) Entry {
	return Entry{
		Kind:       k,
		Day:        calendar.Date{Year: 2025, Month: 4, Day: 14},
		AuthorID:   "u-lead",
		RecordedAt: time.Date(2025, 4, 14, 8, 0, 0, 0, calendar.Zone()),
	}
}

func TestValidDeskLogEntriesAreAccepted(t *testing.T) {
	start := entry(StartOfDay)
	start.Workload = []Workload{{Activity: DepartmentSupport, Count: 3}, {Activity: OnlineTraining, Count: 1, Note: "trường THCS"}}
	end := entry(EndOfDay)
	end.HandedOver = []Handover{{Department: "Kinh doanh", Units: 2}, {Department: "Hỗ trợ", Units: 5}}
	end.Backlog = ptr(0)
	end.Difficulties, end.Proposals = "Đơn vị chưa gửi dữ liệu", "Gọi nhắc trước 2 ngày"
	quietEnd := entry(EndOfDay)
	quietEnd.Backlog = ptr(4)

	for name, e := range map[string]Entry{"start of day with workload": start, "end of day with handovers": end, "end of day with nothing handed over": quietEnd} {
		t.Run(name, func(t *testing.T) {
			if err := e.Validate(); err != nil {
				t.Fatalf("Validate = %v", err)
			}
		})
	}
	if end.HandedOverTotal() != 7 {
		t.Errorf("HandedOverTotal = %d, want 7", end.HandedOverTotal())
	}
}

func TestInvalidDeskLogEntriesNameEveryBadField(t *testing.T) {
	tests := []struct {
		name   string
		kind   Kind
		modify func(*Entry)
		fields []string
	}{
		{"end of day without a backlog figure", EndOfDay, func(e *Entry) {}, []string{"backlog"}},
		{"negative backlog", EndOfDay, func(e *Entry) { e.Backlog = ptr(-1) }, []string{"backlog"}},
		{"handover without department or units", EndOfDay, func(e *Entry) {
			e.Backlog = ptr(0)
			e.HandedOver = []Handover{{Units: 0}}
		}, []string{"handed_over[0].department", "handed_over[0].units"}},
		{"same department twice", EndOfDay, func(e *Entry) {
			e.Backlog = ptr(0)
			e.HandedOver = []Handover{{Department: "Kinh doanh", Units: 1}, {Department: "kinh doanh ", Units: 1}}
		}, []string{"handed_over[1].department"}},
		{"workload typed into the end-of-day form", EndOfDay, func(e *Entry) {
			e.Backlog = ptr(0)
			e.Workload = []Workload{{Activity: SectorReport, Count: 1}}
		}, []string{"workload"}},
		{"end-of-day figures typed into the start-of-day form", StartOfDay, func(e *Entry) {
			e.Backlog = ptr(2)
			e.HandedOver = []Handover{{Department: "Kinh doanh", Units: 1}}
		}, []string{"backlog", "handed_over"}},
		{"unknown or repeated activity, negative count", StartOfDay, func(e *Entry) {
			e.Workload = []Workload{{Activity: "gardening"}, {Activity: SectorReport, Count: -1}, {Activity: SectorReport}}
		}, []string{"workload[0].activity", "workload[1].count", "workload[2].activity"}},
		{"unknown kind and no author", "lunch", func(e *Entry) { e.AuthorID = "" }, []string{"kind", "author_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := entry(tt.kind)
			tt.modify(&e)
			err := e.Validate()
			var v *course.ValidationError
			if !errors.As(err, &v) {
				t.Fatalf("Validate = %v, want *course.ValidationError", err)
			}
			if len(v.Fields) != len(tt.fields) {
				t.Errorf("fields = %+v, want %v", v.Fields, tt.fields)
			}
			for _, f := range tt.fields {
				if !v.Has(f) {
					t.Errorf("no problem reported for %s in %+v", f, v.Fields)
				}
			}
		})
	}
}

func TestAnEntrysDayIsTodayOrAWeekBackAtMost(t *testing.T) {
	today := calendar.Date{Year: 2025, Month: 4, Day: 14}
	for _, c := range []struct {
		day calendar.Date
		ok  bool
	}{
		{today, true},
		{today.AddDays(-1), true},
		{today.AddDays(-MaxDaysBack), true},
		{today.AddDays(-MaxDaysBack - 1), false},
		{today.AddDays(1), false},
		{calendar.Date{Year: 2020, Month: 1, Day: 1}, false},
	} {
		e := entry(StartOfDay)
		e.Day = c.day
		var v *course.ValidationError
		err := e.Validate()
		if c.ok != (err == nil) || (!c.ok && (!errors.As(err, &v) || !v.Has("day"))) {
			t.Errorf("day %v: %v", c.day, err)
		}
	}
}

func TestWorkloadAndHandoversAnswerInSnakeCase(t *testing.T) {
	b, _ := json.Marshal([]any{Workload{Activity: DepartmentSupport, Count: 5}, Handover{Department: "Kế toán", Units: 3}})
	if want := `[{"activity":"department_support","count":5,"note":""},{"department":"Kế toán","units":3}]`; string(b) != want {
		t.Errorf("%s, want %s", b, want)
	}
}
