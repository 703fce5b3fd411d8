package course

import (
	"errors"
	"fmt"
	"strings"
)

// Withdraw is the submitter taking back a request. It is not one of
// Commands: it acts on the request, and cancels its course only while the
// lead has not scheduled it (state requested); after that the course is
// the lead's to cancel or reschedule.
const Withdraw Command = "withdraw"

// Withdrawal is what deciding a withdrawal looks at.
type Withdrawal struct {
	SubmittedBy string
	By          string
	ByAdmin     bool
	Status      string // the request's: submitted, refused or withdrawn
	CourseState State  // "" for a refused request, which has no course
	Reason      string
}

// ErrNotSubmitter is wrapped by every *NotSubmitterError.
var ErrNotSubmitter = errors.New("not the submitter")

// NotSubmitterError names who may withdraw the request.
type NotSubmitterError struct{ SubmittedBy string }

func (e *NotSubmitterError) Error() string {
	return fmt.Sprintf("only %s, who submitted the request, may withdraw it", e.SubmittedBy)
}

// Unwrap lets errors.Is(err, ErrNotSubmitter) match.
func (e *NotSubmitterError) Unwrap() error { return ErrNotSubmitter }

// DecideWithdrawal checks who (the submitter, or an admin), then the state
// (a request not yet withdrawn whose course, if any, is still requested),
// then the reason.
func DecideWithdrawal(w Withdrawal) error {
	if w.By != w.SubmittedBy && !w.ByAdmin {
		return &NotSubmitterError{SubmittedBy: w.SubmittedBy}
	}
	if w.Status == "withdrawn" {
		return &IllegalTransitionError{From: Cancelled, Command: Withdraw}
	}
	if w.CourseState != "" && w.CourseState != Requested {
		return &IllegalTransitionError{From: w.CourseState, Command: Withdraw}
	}
	if strings.TrimSpace(w.Reason) == "" {
		var v ValidationError
		v.Add("reason", "is required: say why the request is withdrawn")
		return v.Err()
	}
	return nil
}
