package http

import (
	"errors"
	"net/http"

	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/training/course"
	"github.com/rapportcrm/rapport/services/training/feedback"
	"github.com/rapportcrm/rapport/services/training/service"
	"github.com/rapportcrm/rapport/services/training/staffing"
	"github.com/rapportcrm/rapport/services/training/store"
)

// mapError turns the domain's typed errors into problems, once, here.
// A late request is a 422 (the input breaks a business rule; resubmitting
// the same body can never succeed) carrying rule, required_days,
// actual_days, short_by_days and the stored request_id a manager may approve.
func mapError(err error) *problem.Problem {
	var (
		refused    *service.RefusedError
		late       *course.LateRequestError
		forbidden  *course.ForbiddenError
		illegal    *course.IllegalTransitionError
		refusedCh  *course.ChangeRefusedError
		pre        *course.PreconditionError
		open       *course.OpenTasksError
		invalid    *course.ValidationError
		double     *staffing.DoubleBookingError
		feedbackSt *feedback.IllegalStatusChangeError
		notCrew    *course.NotOnCourseError
		gone       *course.DeletedUnitsError
		reopen     *course.TaskNotReopenableError
		submitter  *course.NotSubmitterError
	)
	switch {
	case errors.As(err, &refused) || errors.As(err, &late):
		if late == nil {
			late = refused.Late
		}
		p := &problem.Problem{Type: "https://rapport.dev/problems/late-request", Title: "Late request", Status: http.StatusUnprocessableEntity, Detail: late.Error()}
		p = p.With("rule", late.Rule).With("required_days", late.RequiredDays).With("actual_days", late.ActualDays).With("short_by_days", late.ShortByDays)
		if refused != nil {
			p = p.With("request_id", refused.RequestID)
		}
		return p
	case errors.As(err, &submitter):
		return problem.Forbidden(submitter.Error()).With("submitted_by", submitter.SubmittedBy)
	case errors.As(err, &forbidden):
		return problem.Forbidden(forbidden.Error())
	case errors.As(err, &notCrew):
		return problem.Forbidden(notCrew.Error()).With("person_id", notCrew.PersonID).With("course_id", notCrew.CourseID)
	case errors.As(err, &reopen):
		return problem.Conflict(reopen.Error()).With("status", string(reopen.Status)).With("course_state", string(reopen.CourseState))
	case errors.As(err, &illegal):
		return problem.Conflict(illegal.Error()).With("current_state", string(illegal.From)).With("command", string(illegal.Command))
	case errors.As(err, &refusedCh):
		return problem.Conflict(refusedCh.Error()).With("current_state", string(refusedCh.State)).With("change", string(refusedCh.Change))
	case errors.As(err, &pre):
		p := problem.Conflict(pre.Error()).With("precondition", pre.Precondition).With("command", string(pre.Command))
		if errors.As(err, &open) {
			// By id, to open the task at once, and kind, to know whom to chase.
			tasks := []map[string]string{}
			for _, t := range open.Tasks {
				tasks = append(tasks, map[string]string{"id": t.ID, "kind": string(t.Kind)})
			}
			p = p.With("open_tasks", tasks)
		}
		if errors.As(err, &gone) {
			p = p.With("deleted_unit_ids", gone.UnitIDs)
		}
		return p
	case errors.As(err, &invalid):
		fields := make([]problem.FieldError, len(invalid.Fields))
		for i, f := range invalid.Fields {
			fields[i] = problem.FieldError{Field: f.Field, Message: f.Message}
		}
		return problem.Invalid("the input is not valid", fields...)
	case errors.As(err, &double):
		return problem.Conflict(double.Error()).With("person_id", double.PersonID).With("conflicting_session_id", double.Conflict.ID)
	case errors.As(err, &feedbackSt):
		return problem.Conflict(feedbackSt.Error()).With("current_status", string(feedbackSt.From))
	case errors.Is(err, store.ErrNotFound):
		return problem.NotFound(err.Error())
	case errors.Is(err, service.ErrConflict):
		return problem.Conflict("the resource changed meanwhile; reload and retry")
	}
	return nil
}
