// Package feedback tracks opinions raised during courses until they are handled, so
// the department head can report what is still open ("theo dõi tiến độ xử lý các ý kiến").
package feedback

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rapportcrm/rapport/services/training/course"
)

// Status is how far the handling of a feedback item has gone.
type Status string

// Statuses. Rejected is terminal. A resolved item whose problem comes back is
// reopened (back to in progress, with a reason): its history keeps the first
// resolution and how long each round took, and the complaint stays one item
// instead of a new one with no link to the first.
const (
	Raised     Status = "raised"
	InProgress Status = "in_progress"
	Resolved   Status = "resolved"
	Rejected   Status = "rejected"
)

// Statuses lists every status.
func Statuses() []Status { return []Status{Raised, InProgress, Resolved, Rejected} }

// next is the whole status machine. Rejecting straight from raised covers opinions
// that need no work (a duplicate, a misunderstanding); resolving needs work, so it
// goes through in_progress.
func next(from Status) []Status {
	switch from {
	case Raised:
		return []Status{InProgress, Rejected}
	case InProgress:
		return []Status{Resolved, Rejected}
	case Resolved:
		return []Status{InProgress}
	}
	return nil
}

// Reopens reports whether going from one status to another reopens a resolved item.
func Reopens(from, to Status) bool { return from == Resolved && to == InProgress }

// ErrIllegalStatusChange is wrapped by every *IllegalStatusChangeError.
var ErrIllegalStatusChange = errors.New("illegal status change")

// IllegalStatusChangeError names the current status, usually changed by someone else.
type IllegalStatusChangeError struct {
	From Status `json:"from"`
	To   Status `json:"to"`
}

// Error names both statuses; the current one is usually news to the caller.
func (e *IllegalStatusChangeError) Error() string {
	return fmt.Sprintf("feedback that is %s cannot become %s", e.From, e.To)
}

// Unwrap lets errors.Is(err, ErrIllegalStatusChange) match.
func (e *IllegalStatusChangeError) Unwrap() error { return ErrIllegalStatusChange }

// CheckChange reports whether an item may go from one status to another.
func CheckChange(from, to Status) error {
	if !slices.Contains(next(from), to) {
		return &IllegalStatusChangeError{From: from, To: to}
	}
	return nil
}

// Change is one step of an item's history.
type Change struct {
	From Status
	To   Status
	By   string
	At   time.Time
	Note string
}

// Item is an opinion raised in a course.
type Item struct {
	ID       string
	CourseID string
	UnitID   string // optional: the unit that raised it
	Text     string
	// Urgent marks what hurts sales or debt collection: it goes up to the director.
	Urgent  bool
	Status  Status
	History []Change
}

// Raise starts an item's history, so "raised" has an author and a date like every
// later step.
func Raise(it Item, by string, at time.Time) (Item, error) {
	var v course.ValidationError
	if it.ID == "" {
		v.Add("id", "required")
	}
	if it.CourseID == "" {
		v.Add("course_id", "required")
	}
	if strings.TrimSpace(it.Text) == "" {
		v.Add("text", "required")
	}
	if by == "" {
		v.Add("by", "required")
	}
	if err := v.Err(); err != nil {
		return Item{}, err
	}
	it.Status = Raised
	it.History = []Change{{To: Raised, By: by, At: at}}
	return it, nil
}

// Move returns the item in its new status with the step appended to its history.
// Closing an item (resolved or rejected) needs a note: the customer will ask what
// was done, and "rejected" without a reason cannot be defended. Reopening a
// resolved one needs a note too: what came back.
func (it Item) Move(to Status, by string, at time.Time, note string) (Item, error) {
	if err := CheckChange(it.Status, to); err != nil {
		return it, err
	}
	var v course.ValidationError
	if by == "" {
		v.Add("by", "required")
	}
	if (to == Resolved || to == Rejected) && strings.TrimSpace(note) == "" {
		v.Add("note", "required to close a feedback item")
	}
	if Reopens(it.Status, to) && strings.TrimSpace(note) == "" {
		v.Add("note", "required to reopen a feedback item: say what came back")
	}
	if err := v.Err(); err != nil {
		return it, err
	}
	it.History = append(slices.Clone(it.History), Change{From: it.Status, To: to, By: by, At: at, Note: note})
	it.Status = to
	return it, nil
}

// Open reports whether the item still needs handling.
func (it Item) Open() bool { return it.Status == Raised || it.Status == InProgress }
