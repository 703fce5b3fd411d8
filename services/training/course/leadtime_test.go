package course

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/services/training/calendar"
)

var (
	accounting = Module{Code: "ke-toan", Name: "Kế toán"}
	payroll    = Module{Code: "tinh-luong", Name: "Tính lương", Payroll: true}
	custom     = Module{Code: "thue", Name: "Thuế", LeadDays: 15}
)

func local(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, calendar.Zone())
}

func TestRequestsInTimeAreAccepted(t *testing.T) {
	first := calendar.Date{Year: 2025, Month: 4, Day: 11}
	tests := []struct {
		name      string
		submitted time.Time
		module    Module
	}{
		{"exactly ten days before a standard module", local(2025, 4, 1, 8, 0), accounting},
		{"late evening still counts as the local day", local(2025, 4, 1, 23, 59), accounting},
		{"exactly thirty days before a payroll module", local(2025, 3, 12, 9, 0), payroll},
		{"exactly the module's own lead time", local(2025, 3, 27, 9, 0), custom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := CheckLeadTime(tt.submitted, first, tt.module); err != nil {
				t.Fatalf("CheckLeadTime = %v, want nil", err)
			}
		})
	}
}

func TestLateRequestIsRefusedWithDaysShort(t *testing.T) {
	first := calendar.Date{Year: 2025, Month: 4, Day: 11}
	tests := []struct {
		name      string
		submitted time.Time
		module    Module
		want      LateRequestError
	}{
		{"nine days before a standard module", local(2025, 4, 2, 8, 0), accounting,
			LateRequestError{RuleStandard, 10, 9, 1}},
		{"UTC evening is the next local day", time.Date(2025, 4, 1, 17, 30, 0, 0, time.UTC), accounting,
			LateRequestError{RuleStandard, 10, 9, 1}},
		{"twenty-five days before a payroll module", local(2025, 3, 17, 8, 0), payroll,
			LateRequestError{RulePayroll, 30, 25, 5}},
		{"a module override beats the payroll flag", local(2025, 4, 1, 8, 0), Module{Code: "x", Payroll: true, LeadDays: 12},
			LateRequestError{RuleModule, 12, 10, 2}},
		{"a first session already past", local(2025, 4, 13, 8, 0), accounting,
			LateRequestError{RuleStandard, 10, -2, 12}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckLeadTime(tt.submitted, first, tt.module)
			var late *LateRequestError
			if !errors.As(err, &late) || !errors.Is(err, ErrLateRequest) {
				t.Fatalf("CheckLeadTime = %v, want *LateRequestError", err)
			}
			if *late != tt.want {
				t.Fatalf("error = %+v, want %+v", *late, tt.want)
			}
			short := fmt.Sprintf("(%d days short)", tt.want.ShortByDays)
			if tt.want.ShortByDays == 1 {
				short = "(1 day short)"
			}
			for _, part := range []string{tt.want.Rule, short} {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("message %q lacks %q", err, part)
				}
			}
		})
	}
}

func TestDefaultModulesFlagTheTwoPayrollModules(t *testing.T) {
	for _, m := range DefaultModules() {
		if rule, days := m.LeadRule(); rule != RulePayroll || days != 30 {
			t.Errorf("%s: rule %s %d days, want payroll 30", m.Name, rule, days)
		}
	}
}

func validRequest() Request {
	return Request{
		Units:         []string{"unit-1"},
		Module:        payroll,
		Mode:          InPerson,
		Venue:         "Hội trường UBND xã",
		ProposedDates: []calendar.Date{{Year: 2025, Month: 4, Day: 12}, {Year: 2025, Month: 4, Day: 11}},
		SubmittedBy:   "u-sales",
		SubmittedAt:   local(2025, 4, 1, 9, 0),
	}
}

func TestAdmitLetsAManagerExceptionThroughALateRequest(t *testing.T) {
	approved := &Exception{ApprovedBy: "u-tp", ApproverRole: RoleManager, Reason: "DVCQ yêu cầu", ApprovedAt: local(2025, 4, 1, 10, 0)}
	tests := []struct {
		name      string
		exception *Exception
		wantIs    error
	}{
		{"no exception leaves the request refused", nil, ErrLateRequest},
		{"a manager's exception with a reason admits it", approved, nil},
		{"an exception without a reason is invalid", &Exception{ApprovedBy: "u-tp", ApproverRole: RoleManager, ApprovedAt: approved.ApprovedAt}, ErrInvalid},
		{"a lead cannot approve an exception", &Exception{ApprovedBy: "u-l", ApproverRole: RoleLead, Reason: "x", ApprovedAt: approved.ApprovedAt}, ErrInvalid},
		{"an exception approved after the first day has passed admits nothing", &Exception{ApprovedBy: "u-tp", ApproverRole: RoleManager,
			Reason: "x", ApprovedAt: local(2025, 4, 12, 8, 0)}, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Admit(validRequest(), tt.exception)
			if !errors.Is(err, tt.wantIs) || (tt.wantIs == nil && err != nil) {
				t.Fatalf("Admit = %v, want %v", err, tt.wantIs)
			}
		})
	}
}

func TestTodayIsNoPastDate(t *testing.T) {
	r := validRequest()
	r.ProposedDates = []calendar.Date{calendar.DateOf(r.SubmittedAt)}
	if err := r.Validate(); err != nil {
		t.Fatalf("a request for today: %v", err)
	}
}

func TestRequestFirstSessionIsTheEarliestProposedDate(t *testing.T) {
	if got := validRequest().FirstSession(); got != (calendar.Date{Year: 2025, Month: 4, Day: 11}) {
		t.Errorf("FirstSession = %v", got)
	}
}

func TestInvalidRequestsReportEveryBadField(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Request)
		fields []string
	}{
		{"online without a meeting link", func(r *Request) { r.Mode = Online }, []string{"meeting_link"}},
		{"in person without a venue", func(r *Request) { r.Venue = " " }, []string{"venue"}},
		{"unknown mode", func(r *Request) { r.Mode = "hybrid" }, []string{"mode"}},
		{"no units and no dates", func(r *Request) { r.Units, r.ProposedDates = nil, nil }, []string{"units", "proposed_dates"}},
		{"blank unit id", func(r *Request) { r.Units = []string{""} }, []string{"units[0]"}},
		{"a date already past, on its item", func(r *Request) { r.ProposedDates[1] = calendar.NewDate(2025, 3, 31) }, []string{"proposed_dates[1]"}},
		{"a date repeated, on the repeat", func(r *Request) { r.ProposedDates = append(r.ProposedDates, r.ProposedDates[0]) }, []string{"proposed_dates[2]"}},
		{"a missing date", func(r *Request) { r.ProposedDates[0] = calendar.Date{} }, []string{"proposed_dates[0]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validRequest()
			tt.modify(&r)
			var v *ValidationError
			if err := r.Validate(); !errors.As(err, &v) {
				t.Fatalf("Validate = %v, want *ValidationError", err)
			}
			if len(v.Fields) != len(tt.fields) {
				t.Errorf("fields = %+v, want %v", v.Fields, tt.fields)
			}
			for _, f := range tt.fields {
				if !v.Has(f) {
					t.Errorf("missing field %q in %+v", f, v.Fields)
				}
			}
		})
	}
}
