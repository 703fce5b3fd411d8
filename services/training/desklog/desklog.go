// Package desklog is the lead's check of desk work outside courses, at the start and
// the end of each day ("C. Đối với các việc ngoài tập huấn").
package desklog

import (
	"fmt"
	"strings"
	"time"

	"github.com/rapportcrm/rapport/services/training/calendar"
	"github.com/rapportcrm/rapport/services/training/course"
)

// Kind says which of the two daily checks an entry is.
type Kind string

// Entry kinds.
const (
	StartOfDay Kind = "start_of_day" // Đầu ngày
	EndOfDay   Kind = "end_of_day"   // Cuối ngày
)

// Activity is a kind of desk work listed at the start of the day.
type Activity string

// Activities from the source text.
const (
	DepartmentSupport   Activity = "department_support"    // Hỗ trợ khách hàng phát sinh từ các bộ phận
	SupervisingUnitCare Activity = "supervising_unit_care" // Chăm sóc đơn vị chủ quản
	SectorReport        Activity = "sector_report"         // Hỗ trợ báo cáo toàn ngành
	OnlineTraining      Activity = "online_training"       // Đào tạo lẻ trực tuyến
)

// Activities lists the known activities in the source text's order.
func Activities() []Activity {
	return []Activity{DepartmentSupport, SupervisingUnitCare, SectorReport, OnlineTraining}
}

func (a Activity) valid() bool {
	for _, k := range Activities() {
		if a == k {
			return true
		}
	}
	return false
}

// Workload is how much of one activity is on the desk this morning.
type Workload struct {
	Activity Activity `json:"activity"`
	Count    int      `json:"count"`
	Note     string   `json:"note"`
}

// Handover is units passed to another department still unprocessed
// ("Bàn giao cho bộ phận nào bao nhiêu đơn vị chưa xử lý xong?").
type Handover struct {
	Department string `json:"department"`
	Units      int    `json:"units"`
}

// Entry is one daily check. Start-of-day entries carry the workload; end-of-day
// entries carry handovers, the backlog, difficulties and proposals.
type Entry struct {
	Kind       Kind
	Day        calendar.Date
	AuthorID   string
	RecordedAt time.Time
	Workload   []Workload
	HandedOver []Handover
	// Backlog counts customers still unprocessed here at day end
	// ("Tại bộ phận còn tồn bao nhiêu khách hàng chưa xử lý?"); a pointer so a
	// forgotten figure is not read as "nothing left".
	Backlog      *int
	Difficulties string
	Proposals    string
}

// MaxDaysBack is how far back an entry may be written or corrected: a
// week covers a weekend and a few days off, while a desk check from longer
// ago is no check any more.
const MaxDaysBack = 7

// checkDay refuses a day after today, as a check of work not yet done, and
// one more than MaxDaysBack before it (days in Vietnam).
func checkDay(v *course.ValidationError, day, today calendar.Date) {
	switch {
	case today.Before(day):
		v.Add("day", fmt.Sprintf("is after today (%v): an entry checks a day that has begun", today))
	case day.Before(today.AddDays(-MaxDaysBack)):
		v.Add("day", fmt.Sprintf("is more than %d days before today (%v)", MaxDaysBack, today))
	}
}

// Validate lists every problem of an entry. Fields of the other kind are refused
// rather than ignored, so a figure typed into the wrong form is not silently lost.
func (e Entry) Validate() error {
	var v course.ValidationError
	if e.Day.IsZero() {
		v.Add("day", "required")
	} else if !e.RecordedAt.IsZero() {
		checkDay(&v, e.Day, calendar.DateOf(e.RecordedAt))
	}
	if e.AuthorID == "" {
		v.Add("author_id", "required")
	}
	if e.RecordedAt.IsZero() {
		v.Add("recorded_at", "required")
	}
	switch e.Kind {
	case StartOfDay:
		e.validateStart(&v)
	case EndOfDay:
		e.validateEnd(&v)
	default:
		v.Add("kind", "must be start_of_day or end_of_day")
	}
	return v.Err()
}

func (e Entry) validateStart(v *course.ValidationError) {
	seen := map[Activity]bool{}
	for i, w := range e.Workload {
		field := fmt.Sprintf("workload[%d]", i)
		if !w.Activity.valid() {
			v.Add(field+".activity", "unknown activity")
		} else if seen[w.Activity] {
			v.Add(field+".activity", "listed twice")
		}
		seen[w.Activity] = true
		if w.Count < 0 {
			v.Add(field+".count", "must not be negative")
		}
	}
	if len(e.HandedOver) > 0 {
		v.Add("handed_over", "belongs to the end-of-day entry")
	}
	if e.Backlog != nil {
		v.Add("backlog", "belongs to the end-of-day entry")
	}
}

func (e Entry) validateEnd(v *course.ValidationError) {
	seen := map[string]bool{}
	for i, h := range e.HandedOver {
		field := fmt.Sprintf("handed_over[%d]", i)
		dept := strings.TrimSpace(h.Department)
		switch {
		case dept == "":
			v.Add(field+".department", "required")
		case seen[strings.ToLower(dept)]:
			v.Add(field+".department", "listed twice")
		}
		seen[strings.ToLower(dept)] = true
		if h.Units <= 0 {
			v.Add(field+".units", "must be at least 1")
		}
	}
	switch {
	case e.Backlog == nil:
		v.Add("backlog", "required")
	case *e.Backlog < 0:
		v.Add("backlog", "must not be negative")
	}
	if len(e.Workload) > 0 {
		v.Add("workload", "belongs to the start-of-day entry")
	}
}

// HandedOverTotal is the number of units passed on unprocessed, the figure the
// department head compares day to day.
func (e Entry) HandedOverTotal() int {
	total := 0
	for _, h := range e.HandedOver {
		total += h.Units
	}
	return total
}
