package course

import (
	"errors"
	"testing"
)

func TestFieldWorkIsTheCoursesCrewsAndAdmins(t *testing.T) {
	crew := Crew{CourseID: "c1", LeadID: "lead-hoa", Staff: []string{"trainer-nam", "assistant-mai"}}
	tests := []struct {
		name string
		w    Worker
		crew Crew
		ok   bool
	}{
		{"a staffed trainer", Worker{"trainer-nam", []Role{RoleTrainer}}, crew, true},
		{"a staffed assistant", Worker{"assistant-mai", []Role{RoleTrainer}}, crew, true},
		{"the course's lead", Worker{"lead-hoa", []Role{RoleLead}}, crew, true},
		{"an admin", Worker{"root", []Role{RoleAdmin}}, crew, true},
		{"a trainer not staffed", Worker{"trainer-binh", []Role{RoleTrainer}}, crew, false},
		{"another lead", Worker{"lead-lan", []Role{RoleLead}}, crew, false},
		{"any lead before the course has one", Worker{"lead-lan", []Role{RoleLead}}, Crew{CourseID: "c1"}, true},
		{"a trainer before the course has one", Worker{"trainer-binh", []Role{RoleTrainer}}, Crew{CourseID: "c1"}, false},
		{"a lead's id held with a trainer's role", Worker{"lead-hoa", []Role{RoleTrainer}}, crew, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := MayWork(tt.w, tt.crew, "record attendance")
			if tt.ok != (err == nil) {
				t.Fatalf("MayWork = %v, want ok %v", err, tt.ok)
			}
			if err != nil && (!errors.Is(err, ErrNotOnCourse) || !errors.Is(err, ErrForbidden)) {
				t.Fatalf("%v is not a forbidden not-on-course error", err)
			}
		})
	}
}

func TestATaskIsCompletedByItsOwnerTheCoursesLeadOrAnAdmin(t *testing.T) {
	crew := Crew{CourseID: "c1", LeadID: "lead-hoa", Staff: []string{"trainer-nam", "trainer-binh"}}
	tests := []struct {
		name  string
		w     Worker
		owner string
		ok    bool
	}{
		{"its owner", Worker{"trainer-nam", []Role{RoleTrainer}}, "trainer-nam", true},
		{"the course's lead, for a trainer's task", Worker{"lead-hoa", []Role{RoleLead}}, "trainer-nam", true},
		{"an admin", Worker{"root", []Role{RoleAdmin}}, "lead-hoa", true},
		{"another trainer of the course", Worker{"trainer-binh", []Role{RoleTrainer}}, "trainer-nam", false},
		{"a trainer, for the lead's task", Worker{"trainer-nam", []Role{RoleTrainer}}, "lead-hoa", false},
		{"another lead", Worker{"lead-lan", []Role{RoleLead}}, "lead-hoa", false},
		{"a trainer, for a task with no owner", Worker{"trainer-nam", []Role{RoleTrainer}}, "", false},
		{"the lead, for a task with no owner", Worker{"lead-hoa", []Role{RoleLead}}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := MayCompleteTask(tt.w, crew, tt.owner); tt.ok != (err == nil) {
				t.Fatalf("MayCompleteTask = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

func TestADoneTaskIsReopenedByTheLeadWithAReasonBeforeTheCourseCloses(t *testing.T) {
	crew := Crew{CourseID: "c1", LeadID: "lead-hoa"}
	lead := Worker{"lead-hoa", []Role{RoleLead}}
	tests := []struct {
		name   string
		w      Worker
		status TaskStatus
		state  State
		reason string
		want   error
	}{
		{"the lead, with a reason", lead, TaskDone, Completed, "chưa ký", nil},
		{"an admin", Worker{"root", []Role{RoleAdmin}}, TaskDone, Completed, "chưa ký", nil},
		{"the trainer who did it", Worker{"trainer-nam", []Role{RoleTrainer}}, TaskDone, Completed, "nhầm", ErrNotOnCourse},
		{"another lead", Worker{"lead-lan", []Role{RoleLead}}, TaskDone, Completed, "nhầm", ErrNotOnCourse},
		{"a task still open", lead, TaskOpen, Completed, "nhầm", ErrTaskNotReopenable},
		{"a closed course", lead, TaskDone, Closed, "nhầm", ErrTaskNotReopenable},
		{"no reason", lead, TaskDone, Completed, "  ", ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ReopenTask(tt.w, crew, tt.status, tt.state, tt.reason)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("ReopenTask = %v, want %v", err, tt.want)
			}
		})
	}
}
