// Package course holds the rules of a training course: who may ask for one and when,
// the lifecycle a course moves through, and the work left once it is over.
//
// Everything here is pure: callers pass the clock, the facts and the actor in, and get
// a decision or a typed error back. Storage and transport live in other packages.
package course

import (
	"github.com/rapportcrm/rapport/services/training/calendar"
)

// Role is what a user does in the training process; permissions hang off it.
type Role string

// The roles of the training process (see DOMAIN.md, "Who uses it").
const (
	RoleSales    Role = "sales"    // submits requests
	RoleLead     Role = "lead"     // schedules, plans, approves, checks readiness
	RoleTrainer  Role = "trainer"  // runs sessions, reports, checks items
	RoleManager  Role = "manager"  // approves exceptions, tracks feedback
	RoleDirector Role = "director" // reads and comments only
	RoleAdmin    Role = "admin"    // may do everything
)

// Roles lists every role, for validation and for building permission tables.
func Roles() []Role {
	return []Role{RoleSales, RoleLead, RoleTrainer, RoleManager, RoleDirector, RoleAdmin}
}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	for _, k := range Roles() {
		if r == k {
			return true
		}
	}
	return false
}

// Mode is how a course is delivered; it decides the readiness checklist and whether
// a session needs a venue or a meeting link.
type Mode string

// Delivery modes.
const (
	InPerson Mode = "in_person"
	Online   Mode = "online"
)

// Valid reports whether m is a known mode.
func (m Mode) Valid() bool { return m == InPerson || m == Online }

// Objectives are what the course must achieve with the partner besides training;
// they decide which formalities become required follow-up tasks.
type Objectives struct {
	Contract       bool
	Liquidation    bool
	DebtCollection bool
}

// Course is the part of a course the rules need. Sessions and staff live with the
// staffing package; the course only needs its first and last day.
type Course struct {
	ID           string
	Module       Module
	Mode         Mode
	State        State
	FirstSession calendar.Date
	LastSession  calendar.Date
	Objectives   Objectives
}
