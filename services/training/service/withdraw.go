package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/services/training/course"
	"github.com/rapportcrm/rapport/services/training/store"
)

// Withdraw lets the submitter take back a request (course.DecideWithdrawal):
// a refused one is only marked withdrawn, so no manager admits it later; an
// admitted one also cancels its course, still requested, with the
// training.course.cancelled event every cancellation sends.
func (s *Service) Withdraw(ctx context.Context, a Actor, id, reason string) (store.Request, error) {
	now := s.clock.Now()
	reason = strings.TrimSpace(reason)
	var row store.Request
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		if row, err = store.LoadRequest(ctx, tx, id, true); err != nil {
			return err
		}
		w := course.Withdrawal{SubmittedBy: row.SubmittedBy, By: a.ID, ByAdmin: slices.Contains(a.Roles, auth.Admin),
			Status: row.Status, Reason: reason}
		var c store.Course
		if row.CourseID != nil {
			if c, err = store.LoadCourse(ctx, tx, *row.CourseID, true); err != nil {
				return err
			}
			w.CourseState = course.State(c.State)
		}
		if err := course.DecideWithdrawal(w); err != nil {
			return err
		}
		if err := store.WithdrawRequest(ctx, tx, id, a.ID, reason, now); err != nil {
			return fmt.Errorf("withdraw request %s: %w", id, err)
		}
		row.Status, row.WithdrawnBy, row.WithdrawnReason, row.WithdrawnAt = "withdrawn", &a.ID, &reason, &now
		if row.CourseID == nil {
			return nil
		}
		if err := store.SetCourseState(ctx, tx, c, string(course.Cancelled), reason, now); err != nil {
			return fmt.Errorf("%w: %v", ErrConflict, err)
		}
		info, err := store.CourseInfo(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		return s.emit(ctx, tx, c.ID, now, contract.CourseCancelled(contract.CourseChange{Course: info, From: c.State, By: a.ID, Reason: reason}))
	})
	return row, err
}
