package report

import (
	"errors"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/services/training/calendar"
	"github.com/rapportcrm/rapport/services/training/course"
)

func ptr[T any](v T) *T { return &v }

func validReport() SessionReport {
	return SessionReport{
		CourseID:         "c-1",
		SessionID:        "s-1",
		ReportedBy:       "u-trainer",
		ReportedAt:       time.Date(2025, 4, 14, 8, 5, 0, 0, calendar.Zone()),
		AbsentUnits:      []Absence{{UnitID: "unit-7", Reason: "kế toán nghỉ ốm"}},
		SupervisorSpoke:  ptr(true),
		DataEntryPercent: ptr(60),
		Progress:         "Đúng chương trình, phần 2/5",
	}
}

func TestAValidSessionReportIsAccepted(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*SessionReport)
	}{
		{"as filled", func(*SessionReport) {}},
		{"no absences", func(r *SessionReport) { r.AbsentUnits = nil }},
		{"supervisor did not speak, with the reason", func(r *SessionReport) { r.SupervisorSpoke, r.SupervisorReason = ptr(false), "bận họp" }},
		{"no unit entering data yet", func(r *SessionReport) { r.DataEntryPercent = ptr(0) }},
		{"everyone entering data", func(r *SessionReport) { r.DataEntryPercent = ptr(100) }},
		{"an escalation with its text", func(r *SessionReport) { r.Escalate, r.Escalation = true, "Đơn vị không chịu nhập liệu" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validReport()
			tt.modify(&r)
			if err := r.Validate(); err != nil {
				t.Fatalf("Validate = %v", err)
			}
		})
	}
}

func TestAnInvalidSessionReportNamesEveryBadField(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*SessionReport)
		fields []string
	}{
		{"supervisor question unanswered", func(r *SessionReport) { r.SupervisorSpoke = nil }, []string{"supervisor_spoke"}},
		{"supervisor did not speak and no reason", func(r *SessionReport) { r.SupervisorSpoke = ptr(false) }, []string{"supervisor_reason"}},
		{"share above 100", func(r *SessionReport) { r.DataEntryPercent = ptr(101) }, []string{"data_entry_percent"}},
		{"share below 0", func(r *SessionReport) { r.DataEntryPercent = ptr(-1) }, []string{"data_entry_percent"}},
		{"share forgotten", func(r *SessionReport) { r.DataEntryPercent = nil }, []string{"data_entry_percent"}},
		{"escalated without saying what", func(r *SessionReport) { r.Escalate = true }, []string{"escalation"}},
		{"an escalation text without escalate", func(r *SessionReport) { r.Escalation = "Đơn vị X từ chối nhập liệu" }, []string{"escalate"}},
		{"absent unit without a reason", func(r *SessionReport) { r.AbsentUnits = []Absence{{UnitID: "u1"}} }, []string{"absent_units[0].reason"}},
		{"absent unit listed twice", func(r *SessionReport) {
			r.AbsentUnits = []Absence{{UnitID: "u1", Reason: "a"}, {UnitID: "u1", Reason: "b"}}
		}, []string{"absent_units[1].unit_id"}},
		{"an empty report", func(r *SessionReport) { *r = SessionReport{} }, []string{
			"course_id", "session_id", "reported_by", "reported_at", "supervisor_spoke", "data_entry_percent", "progress",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validReport()
			tt.modify(&r)
			err := r.Validate()
			var v *course.ValidationError
			if !errors.As(err, &v) || !errors.Is(err, course.ErrInvalid) {
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

func TestWeeklyReportsAreDueFridayNightAndSaturdayNoon(t *testing.T) {
	z := calendar.Zone()
	friday := time.Date(2025, 4, 18, 23, 59, 59, 0, z)
	saturday := time.Date(2025, 4, 19, 12, 0, 0, 0, z)
	for i := range 7 {
		day := calendar.Date{Year: 2025, Month: 4, Day: 14}.AddDays(i)
		t.Run(day.Weekday().String(), func(t *testing.T) {
			if got := LeadWeeklyReportDue(day); !got.Equal(friday) {
				t.Errorf("lead report due %v, want %v", got, friday)
			}
			if got := ManagerWeeklyReportDue(day); !got.Equal(saturday) {
				t.Errorf("manager report due %v, want %v", got, saturday)
			}
		})
	}
}
