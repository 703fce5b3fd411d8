package contract

// CourseInfo is what every course event carries so that survey, notification
// and reporting never call the training service back: the course, its units
// and their supervising units, its contact people, dates and staff.
type CourseInfo struct {
	CourseID           string   `json:"course_id"`
	RequestID          string   `json:"request_id"`
	ModuleCode         string   `json:"module_code"`
	ModuleName         string   `json:"module_name"`
	Mode               string   `json:"mode"` // in_person or online
	State              string   `json:"state"`
	UnitIDs            []string `json:"unit_ids"`
	SupervisingUnitIDs []string `json:"supervising_unit_ids"`
	ContactPersonIDs   []string `json:"contact_person_ids"`
	FirstSession       string   `json:"first_session,omitempty"` // YYYY-MM-DD, Asia/Ho_Chi_Minh
	LastSession        string   `json:"last_session,omitempty"`
	LeadID             string   `json:"lead_id,omitempty"`
	TrainerIDs         []string `json:"trainer_ids"`
	AssistantIDs       []string `json:"assistant_ids"`
}

// CourseChange is the shape of every course lifecycle event.
type CourseChange struct {
	Course CourseInfo `json:"course"`
	From   string     `json:"from"` // state before the command
	By     string     `json:"by"`   // staff user id
	Reason string     `json:"reason,omitempty"`
}

// CourseRescheduled is published when the lead moves a course to new dates:
// course carries the new ones, previous_* the dates it left, so a timeline
// reads "5 Dec → 12 Dec". Its sessions moved or were dropped with the dates.
type CourseRescheduled struct {
	Course               CourseInfo `json:"course"`
	From                 string     `json:"from"`
	By                   string     `json:"by"`
	Reason               string     `json:"reason,omitempty"`
	PreviousFirstSession string     `json:"previous_first_session,omitempty"` // YYYY-MM-DD
	PreviousLastSession  string     `json:"previous_last_session,omitempty"`
}

// LateException is a manager's approval of a late request.
type LateException struct {
	ApprovedBy string `json:"approved_by"`
	Reason     string `json:"reason"`
	ApprovedAt string `json:"approved_at"`
}

// RequestSubmitted is published when a request enters the process (in time,
// or late with a manager's exception) and its course is created.
type RequestSubmitted struct {
	RequestID     string         `json:"request_id"`
	Course        CourseInfo     `json:"course"`
	ProposedDates []string       `json:"proposed_dates"`
	HandoverNotes string         `json:"handover_notes"`
	SubmittedBy   string         `json:"submitted_by"`
	Exception     *LateException `json:"exception,omitempty"`
}

// RequestRefused is published when a request breaks the lead-time rule.
type RequestRefused struct {
	RequestID    string   `json:"request_id"`
	ModuleCode   string   `json:"module_code"`
	UnitIDs      []string `json:"unit_ids"`
	FirstSession string   `json:"first_session"`
	SubmittedBy  string   `json:"submitted_by"`
	Rule         string   `json:"rule"`
	RequiredDays int      `json:"required_days"`
	ShortByDays  int      `json:"short_by_days"`
}

// Course lifecycle events: one type per transition, all of the CourseChange shape.
type (
	CourseScheduled CourseChange
	CourseCancelled CourseChange
	CoursePlanned   CourseChange
	CourseReady     CourseChange
	CourseStarted   CourseChange
	CourseCompleted CourseChange
	CourseClosed    CourseChange
)

// ReadinessAtRisk is raised the day before the first session for each
// required checklist item still incomplete.
type ReadinessAtRisk struct {
	Course  CourseInfo `json:"course"`
	ItemKey string     `json:"item_key"`
	Section string     `json:"section"`
	LabelVI string     `json:"label_vi"`
	LabelEN string     `json:"label_en"`
	DueAt   string     `json:"due_at"` // RFC 3339
}

// StaffingPlanOverdue is raised once when a course has no staffing plan at its deadline
// (Saturday 09:00 of the week before).
type StaffingPlanOverdue struct {
	Course CourseInfo `json:"course"`
	DueAt  string     `json:"due_at"`
}

// Participant is the shape of participant events.
type Participant struct {
	ParticipantID     string     `json:"participant_id"`
	Course            CourseInfo `json:"course"`
	UnitID            string     `json:"unit_id"`
	UnitName          string     `json:"unit_name"`
	SupervisingUnitID string     `json:"supervising_unit_id"`
	ContactPersonIDs  []string   `json:"contact_person_ids"`
	Status            string     `json:"status"` // invited, confirmed, declined
	Attendees         int        `json:"attendees"`
	BringsLaptops     bool       `json:"brings_laptops"`
	BringsDocuments   bool       `json:"brings_documents"`
	BringsData        bool       `json:"brings_data"`
	Note              string     `json:"note,omitempty"`
	By                string     `json:"by"`
}

// Participant events.
type (
	ParticipantRegistered Participant
	ParticipantConfirmed  Participant
	ParticipantDeclined   Participant
)

// AttendanceRecorded is one unit's presence at one session.
type AttendanceRecorded struct {
	CourseID          string   `json:"course_id"`
	ModuleCode        string   `json:"module_code"`
	SessionID         string   `json:"session_id"`
	SessionDate       string   `json:"session_date"`
	HalfDay           string   `json:"half_day"`
	UnitID            string   `json:"unit_id"`
	SupervisingUnitID string   `json:"supervising_unit_id"`
	ContactPersonIDs  []string `json:"contact_person_ids"`
	Present           bool     `json:"present"`
	Reason            string   `json:"reason,omitempty"`
	RecordedBy        string   `json:"recorded_by"`
	// Corrects is the record this one replaces, when the unit's attendance
	// at the session was already recorded: one value per unit and session,
	// so a consumer shows this as a correction, not a second attendance.
	Corrects *AttendanceValue `json:"corrects,omitempty"`
}

// AttendanceValue is a recorded presence, as a correction names what it replaces.
type AttendanceValue struct {
	Present    bool   `json:"present"`
	Reason     string `json:"reason,omitempty"`
	RecordedBy string `json:"recorded_by"`
	RecordedAt string `json:"recorded_at"` // RFC 3339
}

// Absence is a unit missing from a reported session.
type Absence struct {
	UnitID string `json:"unit_id"`
	Reason string `json:"reason"`
}

// SessionReported is a trainer's half-day report.
type SessionReported struct {
	ReportID         string     `json:"report_id"`
	Course           CourseInfo `json:"course"`
	SessionID        string     `json:"session_id"`
	SessionDate      string     `json:"session_date"`
	HalfDay          string     `json:"half_day"`
	ReportedBy       string     `json:"reported_by"`
	AbsentUnits      []Absence  `json:"absent_units"`
	SupervisorSpoke  *bool      `json:"supervisor_spoke"`
	SupervisorReason string     `json:"supervisor_reason,omitempty"`
	Difficulties     string     `json:"difficulties,omitempty"`
	DataEntryPercent *int       `json:"data_entry_percent"`
	Progress         string     `json:"progress,omitempty"`
	Escalate         bool       `json:"escalate"`
}

// EscalationRaised is a problem beyond a trainer's power, addressed to the
// department head (manager) and the director.
type EscalationRaised struct {
	ReportID    string     `json:"report_id"`
	Course      CourseInfo `json:"course"`
	SessionID   string     `json:"session_id"`
	Text        string     `json:"text"`
	RaisedBy    string     `json:"raised_by"`
	AddressedTo []string   `json:"addressed_to"` // roles
}

// Task is the shape of follow-up task events.
type Task struct {
	TaskID    string     `json:"task_id"`
	Course    CourseInfo `json:"course"`
	Kind      string     `json:"kind"`
	OwnerRole string     `json:"owner_role"`
	OwnerID   string     `json:"owner_id"`
	Due       string     `json:"due"` // RFC 3339
	Required  bool       `json:"required"`
	Status    string     `json:"status"`
	By        string     `json:"by,omitempty"`
	// Note is what a completion said ("đã ký"), or why a task was reopened.
	Note string `json:"note,omitempty"`
}

// Task events.
type (
	TaskCreated   Task
	TaskCompleted Task
	TaskReopened  Task
	TaskOverdue   Task
)

// Feedback is the shape of feedback item events.
type Feedback struct {
	FeedbackID string     `json:"feedback_id"`
	Course     CourseInfo `json:"course"`
	UnitID     string     `json:"unit_id,omitempty"`
	Text       string     `json:"text"`
	Urgent     bool       `json:"urgent"`
	Status     string     `json:"status"`
	By         string     `json:"by"`
	Note       string     `json:"note,omitempty"`
}

// Feedback events.
type (
	FeedbackRaised   Feedback
	FeedbackResolved Feedback
	FeedbackReopened Feedback
)

// trainingEntries are the events of the training context.
func trainingEntries() []Entry {
	return []Entry{
		{Subject: "training.request.submitted", Version: 1, Payload: RequestSubmitted{}, Description: "A request was admitted (in time, or late with a manager's exception) and its course created in state requested."},
		{Subject: "training.request.refused", Version: 1, Payload: RequestRefused{}, Description: "A request broke the lead-time rule; it waits for a manager's exception."},
		{Subject: "training.course.scheduled", Version: 1, Payload: CourseScheduled{}, Description: "The lead confirmed the course dates."},
		{Subject: "training.course.rescheduled", Version: 1, Payload: CourseRescheduled{}, Description: "The course moved to new dates (the previous ones included); same-length courses moved their sessions, others dropped those outside the new dates. The lead confirms with schedule."},
		{Subject: "training.course.cancelled", Version: 1, Payload: CourseCancelled{}, Description: "The course was cancelled before it started."},
		{Subject: "training.course.planned", Version: 1, Payload: CoursePlanned{}, Description: "The course plan was approved and every session has a trainer."},
		{Subject: "training.course.ready", Version: 1, Payload: CourseReady{}, Description: "The readiness checklist is complete."},
		{Subject: "training.course.readiness_at_risk", Version: 1, Payload: ReadinessAtRisk{}, Description: "Once per item: a required readiness item is still incomplete at noon the day before the first session."},
		{Subject: "training.course.staffing_plan_overdue", Version: 1, Payload: StaffingPlanOverdue{}, Description: "Once per course: no staffing plan by Saturday 09:00 of the week before."},
		{Subject: "training.course.started", Version: 1, Payload: CourseStarted{}, Description: "The first session started."},
		{Subject: "training.course.completed", Version: 1, Payload: CourseCompleted{}, Description: "The last session is done; follow-up tasks were created (survey may open)."},
		{Subject: "training.course.closed", Version: 1, Payload: CourseClosed{}, Description: "Every required follow-up task is done."},
		{Subject: "training.participant.registered", Version: 1, Payload: ParticipantRegistered{}, Description: "A unit was registered (invited) to a course."},
		{Subject: "training.participant.confirmed", Version: 1, Payload: ParticipantConfirmed{}, Description: "A unit confirmed it attends, with what it brings."},
		{Subject: "training.participant.declined", Version: 1, Payload: ParticipantDeclined{}, Description: "A unit declined the course."},
		{Subject: "training.attendance.recorded", Version: 1, Payload: AttendanceRecorded{}, Description: "A unit's presence or absence (with reason) at one session; a later record replaces an earlier one in place and names it in corrects."},
		{Subject: "training.session.reported", Version: 1, Payload: SessionReported{}, Description: "A trainer's half-day session report."},
		{Subject: "training.escalation.raised", Version: 1, Payload: EscalationRaised{}, Description: "A session report escalated a problem to the manager and the director."},
		{Subject: "training.task.created", Version: 1, Payload: TaskCreated{}, Description: "A follow-up task was created on course completion."},
		{Subject: "training.task.completed", Version: 1, Payload: TaskCompleted{}, Description: "A follow-up task was marked done, with the completion's note."},
		{Subject: "training.task.reopened", Version: 1, Payload: TaskReopened{}, Description: "A task done by mistake was reopened by the course's lead before the course closed; note says why."},
		{Subject: "training.task.overdue", Version: 1, Payload: TaskOverdue{}, Description: "Once per task: an open task passed its due time."},
		{Subject: "training.feedback.raised", Version: 1, Payload: FeedbackRaised{}, Description: "An opinion raised in a course is tracked until handled."},
		{Subject: "training.feedback.resolved", Version: 1, Payload: FeedbackResolved{}, Description: "A feedback item reached a closing status (resolved or rejected, see status)."},
		{Subject: "training.feedback.reopened", Version: 1, Payload: FeedbackReopened{}, Description: "A resolved feedback item came back: it is in progress again; note says why."},
	}
}
