package course

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rapportcrm/rapport/services/training/calendar"
)

// TaskKind is a piece of work left after the last session.
type TaskKind string

// Follow-up task kinds, from "Hoàn thiện các thủ tục ... Hợp đồng, thanh lý hợp đồng,
// thu nợ", "cập nhật thông tin ... lên CRM (sau 1 ngày)", "cập nhập KQ ks sau 1 ngày"
// and the report to the supervising unit.
const (
	TaskContract                TaskKind = "contract"
	TaskContractLiquidation     TaskKind = "contract_liquidation"
	TaskDebtCollection          TaskKind = "debt_collection"
	TaskUpdateUnitData          TaskKind = "update_unit_data"
	TaskRecordSurveyResults     TaskKind = "record_survey_results"
	TaskReportToSupervisingUnit TaskKind = "report_to_supervising_unit"
)

// TaskStatus is open until someone marks the task done.
type TaskStatus string

// Task statuses.
const (
	TaskOpen TaskStatus = "open"
	TaskDone TaskStatus = "done"
)

// Task is one follow-up of a completed course. Owner is a role on the course, not a
// person: the service resolves it to the course's lead or trainer, so a task follows
// the course when staff change.
type Task struct {
	ID       string
	CourseID string
	Kind     TaskKind
	Owner    Role
	Due      time.Time
	Required bool
	Status   TaskStatus
	DoneAt   time.Time
}

// followUp describes how a task kind is created. DueDays counts calendar days after
// the completion day; the task is due at the end of that day.
type followUp struct {
	kind     TaskKind
	owner    Role
	dueDays  int
	required func(Objectives) bool
}

func always(Objectives) bool { return true }

// followUps are the task rules. The two +1 day deadlines are in the source; the
// others are not, and are starting values to confirm with the department head.
func followUps() []followUp {
	return []followUp{
		{TaskContract, RoleTrainer, 7, func(o Objectives) bool { return o.Contract }},
		{TaskContractLiquidation, RoleTrainer, 14, func(o Objectives) bool { return o.Liquidation }},
		{TaskDebtCollection, RoleTrainer, 30, func(o Objectives) bool { return o.DebtCollection }},
		{TaskUpdateUnitData, RoleTrainer, 1, always},
		{TaskRecordSurveyResults, RoleTrainer, 1, always},
		{TaskReportToSupervisingUnit, RoleLead, 3, always},
	}
}

// FollowUpTasks creates the open tasks of a course completed at completedAt. Every
// kind is created so the formalities stay visible; contract, liquidation and debt
// collection are required only when they are among the course's objectives.
func FollowUpTasks(completedAt time.Time, c Course) []Task {
	day := calendar.DateOf(completedAt)
	rules := followUps()
	tasks := make([]Task, 0, len(rules))
	for _, r := range rules {
		tasks = append(tasks, Task{
			CourseID: c.ID,
			Kind:     r.kind,
			Owner:    r.owner,
			Due:      day.AddDays(r.dueDays).EndOfDay(),
			Required: r.required(c.Objectives),
			Status:   TaskOpen,
		})
	}
	return tasks
}

// MarkDone returns t done at the given time; a task done twice keeps its first date.
func (t Task) MarkDone(at time.Time) Task {
	if t.Status == TaskDone {
		return t
	}
	t.Status, t.DoneAt = TaskDone, at
	return t
}

// Overdue reports whether an open task has passed its due time.
func Overdue(t Task, now time.Time) bool {
	return t.Status != TaskDone && now.After(t.Due)
}

// ErrOpenTasks is wrapped by every *OpenTasksError.
var ErrOpenTasks = errors.New("required tasks still open")

// OpenTasksError lists what keeps a course from closing, so the lead can chase it.
type OpenTasksError struct {
	Tasks []Task
}

// Error lists kinds, what the lead chases people for, each with its id
// (when known) so the task can be opened at once.
func (e *OpenTasksError) Error() string {
	kinds := make([]string, len(e.Tasks))
	for i, t := range e.Tasks {
		kinds[i] = string(t.Kind)
		if t.ID != "" {
			kinds[i] += " (" + t.ID + ")"
		}
	}
	return fmt.Sprintf("required tasks still open: %s", strings.Join(kinds, ", "))
}

// Unwrap lets errors.Is(err, ErrOpenTasks) match.
func (e *OpenTasksError) Unwrap() error { return ErrOpenTasks }

// CanClose refuses to close a course while any required task is open; optional tasks
// never block, or nobody would ever close a course without a contract.
func CanClose(tasks []Task) error {
	var open []Task
	for _, t := range tasks {
		if t.Required && t.Status != TaskDone {
			open = append(open, t)
		}
	}
	if len(open) > 0 {
		return &OpenTasksError{Tasks: open}
	}
	return nil
}
