package http

import (
	"github.com/rapportcrm/rapport/services/training/desklog"
	"github.com/rapportcrm/rapport/services/training/feedback"
	"github.com/rapportcrm/rapport/services/training/staffing"
)

// The request bodies the handlers decode, and the answers they build, that
// no other package names: named so that the OpenAPI test can hold each
// schema of openapi.json to its type.

type moduleInput struct {
	Name     string `json:"name"`
	Payroll  bool   `json:"payroll"`
	LeadDays int    `json:"lead_days"`
}

// reasonInput is the body of the commands that only say why.
type reasonInput struct {
	Reason string `json:"reason"`
}

type noteInput struct {
	Note string `json:"note"`
}

type commandInput struct {
	FirstSession day    `json:"first_session"`
	LastSession  day    `json:"last_session"`
	Reason       string `json:"reason"`
}

type sessionInput struct {
	Date        day              `json:"date"`
	HalfDay     staffing.HalfDay `json:"half_day"`
	Venue       string           `json:"venue"`
	MeetingLink string           `json:"meeting_link"`
}

type unitInput struct {
	UnitID string `json:"unit_id"`
}

type confirmInput struct {
	Attendees       int    `json:"attendees"`
	BringsLaptops   bool   `json:"brings_laptops"`
	BringsDocuments bool   `json:"brings_documents"`
	BringsData      bool   `json:"brings_data"`
	Note            string `json:"note"`
}

type attendanceInput struct {
	UnitID  string `json:"unit_id"`
	Present *bool  `json:"present"`
	Reason  string `json:"reason"`
}

type absenceInput struct {
	UnitID string `json:"unit_id"`
	Reason string `json:"reason"`
}

type reportInput struct {
	AbsentUnits      []absenceInput `json:"absent_units"`
	SupervisorSpoke  *bool          `json:"supervisor_spoke"`
	SupervisorReason string         `json:"supervisor_reason"`
	Difficulties     string         `json:"difficulties"`
	DataEntryPercent *int           `json:"data_entry_percent"`
	Progress         string         `json:"progress"`
	Escalate         bool           `json:"escalate"`
	Escalation       string         `json:"escalation"`
}

type checkInput struct {
	OK       bool   `json:"ok"`
	Count    *int   `json:"count"`
	Text     string `json:"text"`
	PhotoURL string `json:"photo_url"`
	Note     string `json:"note"`
}

type feedbackInput struct {
	CourseID string `json:"course_id"`
	UnitID   string `json:"unit_id"`
	Text     string `json:"text"`
	Urgent   bool   `json:"urgent"`
}

type statusInput struct {
	Status feedback.Status `json:"status"`
	Note   string          `json:"note"`
}

type workloadInput struct {
	Activity desklog.Activity `json:"activity"`
	Count    int              `json:"count"`
	Note     string           `json:"note"`
}

type handoverInput struct {
	Department string `json:"department"`
	Units      int    `json:"units"`
}

type deskInput struct {
	Kind         desklog.Kind    `json:"kind"`
	Day          day             `json:"day"`
	Workload     []workloadInput `json:"workload"`
	HandedOver   []handoverInput `json:"handed_over"`
	Backlog      *int            `json:"backlog"`
	Difficulties string          `json:"difficulties"`
	Proposals    string          `json:"proposals"`
}

// createdID answers a create whose record is read elsewhere.
type createdID struct {
	ID string `json:"id"`
}

// whole answers a whole list: no next_cursor, it is never paged.
type whole[T any] struct {
	Items []T `json:"items"`
}

type checklistJSON struct {
	Items      []itemJSON  `json:"items"`
	Checks     []checkJSON `json:"checks"`
	Incomplete []string    `json:"incomplete"`
}
