package course

import (
	"errors"
	"testing"
)

func TestOnlyTheSubmitterWithdrawsARequestBeforeItsCourseIsScheduled(t *testing.T) {
	ok := Withdrawal{SubmittedBy: "sales-lan", By: "sales-lan", Status: "submitted", CourseState: Requested, Reason: "gửi trùng"}
	for _, c := range []struct {
		name   string
		modify func(*Withdrawal)
		want   error
	}{
		{"the submitter, course requested", func(*Withdrawal) {}, nil},
		{"a refused request, no course", func(w *Withdrawal) { w.Status, w.CourseState = "refused", "" }, nil},
		{"an admin", func(w *Withdrawal) { w.By, w.ByAdmin = "admin-1", true }, nil},
		{"a colleague", func(w *Withdrawal) { w.By = "sales-minh" }, ErrNotSubmitter},
		{"a scheduled course", func(w *Withdrawal) { w.CourseState = Scheduled }, ErrIllegalTransition},
		{"already withdrawn", func(w *Withdrawal) { w.Status, w.CourseState = "withdrawn", Cancelled }, ErrIllegalTransition},
		{"no reason", func(w *Withdrawal) { w.Reason = " " }, ErrInvalid},
	} {
		w := ok
		c.modify(&w)
		if err := DecideWithdrawal(w); !errors.Is(err, c.want) || (c.want == nil && err != nil) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}
