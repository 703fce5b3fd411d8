package course

import (
	"errors"
	"testing"
	"time"
)

func TestFollowUpTasksAreDueAtTheEndOfTheirDay(t *testing.T) {
	completed := local(2025, 4, 12, 16, 30)
	c := Course{ID: "c-1", Objectives: Objectives{Contract: true}}
	want := map[TaskKind]struct {
		owner    Role
		due      time.Time
		required bool
	}{
		TaskContract:                {RoleTrainer, local(2025, 4, 19, 23, 59).Add(59 * time.Second), true},
		TaskContractLiquidation:     {RoleTrainer, local(2025, 4, 26, 23, 59).Add(59 * time.Second), false},
		TaskDebtCollection:          {RoleTrainer, local(2025, 5, 12, 23, 59).Add(59 * time.Second), false},
		TaskUpdateUnitData:          {RoleTrainer, local(2025, 4, 13, 23, 59).Add(59 * time.Second), true},
		TaskRecordSurveyResults:     {RoleTrainer, local(2025, 4, 13, 23, 59).Add(59 * time.Second), true},
		TaskReportToSupervisingUnit: {RoleLead, local(2025, 4, 15, 23, 59).Add(59 * time.Second), true},
	}
	tasks := FollowUpTasks(completed, c)
	if len(tasks) != len(want) {
		t.Fatalf("got %d tasks, want %d", len(tasks), len(want))
	}
	for _, task := range tasks {
		t.Run(string(task.Kind), func(t *testing.T) {
			w, ok := want[task.Kind]
			if !ok {
				t.Fatalf("unexpected task %q", task.Kind)
			}
			if task.Owner != w.owner || !task.Due.Equal(w.due) || task.Required != w.required {
				t.Errorf("task = %+v, want owner %s due %v required %v", task, w.owner, w.due, w.required)
			}
			if task.Status != TaskOpen || task.CourseID != "c-1" {
				t.Errorf("task = %+v, want open task of c-1", task)
			}
		})
	}
}

func TestCompletionLateInTheUTCDayCountsFromTheLocalDay(t *testing.T) {
	// 18:00 UTC on the 12th is 01:00 on the 13th in Hanoi: the CRM update is due the 14th.
	tasks := FollowUpTasks(time.Date(2025, 4, 12, 18, 0, 0, 0, time.UTC), Course{})
	for _, task := range tasks {
		if task.Kind == TaskUpdateUnitData && !task.Due.Equal(local(2025, 4, 14, 23, 59).Add(59*time.Second)) {
			t.Errorf("due = %v", task.Due)
		}
	}
}

func TestOverdueOnlyAfterTheDueTimeAndOnlyWhileOpen(t *testing.T) {
	due := local(2025, 4, 13, 23, 59)
	open := Task{Due: due, Status: TaskOpen}
	tests := []struct {
		name string
		task Task
		now  time.Time
		want bool
	}{
		{"open task before its due time", open, due.Add(-time.Minute), false},
		{"open task at its due time", open, due, false},
		{"open task after its due time", open, due.Add(time.Second), true},
		{"done task long after its due time", open.MarkDone(due), due.Add(48 * time.Hour), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Overdue(tt.task, tt.now); got != tt.want {
				t.Errorf("Overdue = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMarkDoneKeepsTheFirstCompletionTime(t *testing.T) {
	first := local(2025, 4, 13, 9, 0)
	task := Task{Status: TaskOpen}.MarkDone(first).MarkDone(first.Add(time.Hour))
	if task.Status != TaskDone || !task.DoneAt.Equal(first) {
		t.Errorf("task = %+v", task)
	}
}

func TestCourseClosesOnlyWhenRequiredTasksAreDone(t *testing.T) {
	done := func(k TaskKind) Task { return Task{Kind: k, Required: true, Status: TaskDone} }
	open := func(k TaskKind, required bool) Task { return Task{Kind: k, Required: required, Status: TaskOpen} }
	tests := []struct {
		name     string
		tasks    []Task
		wantOpen []TaskKind
	}{
		{"no tasks", nil, nil},
		{"all required done", []Task{done(TaskUpdateUnitData), done(TaskRecordSurveyResults)}, nil},
		{"an optional task open does not block", []Task{done(TaskUpdateUnitData), open(TaskContract, false)}, nil},
		{"required tasks open block and are listed",
			[]Task{open(TaskUpdateUnitData, true), done(TaskRecordSurveyResults), open(TaskDebtCollection, true)},
			[]TaskKind{TaskUpdateUnitData, TaskDebtCollection}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CanClose(tt.tasks)
			if tt.wantOpen == nil {
				if err != nil {
					t.Fatalf("CanClose = %v, want nil", err)
				}
				return
			}
			var oe *OpenTasksError
			if !errors.As(err, &oe) || !errors.Is(err, ErrOpenTasks) {
				t.Fatalf("CanClose = %v, want *OpenTasksError", err)
			}
			if len(oe.Tasks) != len(tt.wantOpen) {
				t.Fatalf("open = %+v, want %v", oe.Tasks, tt.wantOpen)
			}
			for i, k := range tt.wantOpen {
				if oe.Tasks[i].Kind != k {
					t.Errorf("open[%d] = %s, want %s", i, oe.Tasks[i].Kind, k)
				}
			}
		})
	}
}
