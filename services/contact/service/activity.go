package service

import (
	"context"
	"fmt"
	"time"

	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// MaxActivityDays bounds the window of the activity report.
const MaxActivityDays = 366

// ActivityReport is, per staff member, what they logged in a window of days
// and how the parties they own stand today.
type ActivityReport struct {
	From  party.Date            `json:"from"`
	To    party.Date            `json:"to"`
	Staff []store.StaffActivity `json:"staff"`
}

// Activity reports the days from to to, both included, in the business
// time zone, so that a manager sees whether staff really call and care for
// their contacts. A missing to is today; a missing from is the week ending on to.
func (s *Service) Activity(ctx context.Context, from, to party.Date) (ActivityReport, error) {
	today := s.today()
	from, to, err := activityWindow(from, to, today)
	if err != nil {
		return ActivityReport{}, err
	}
	start, end := from.Start(s.Location), to.Start(s.Location).AddDate(0, 0, 1)
	staff, err := store.Activity(ctx, s.Pool, start, end, today.String())
	return ActivityReport{From: from, To: to, Staff: staff}, err
}

// activityWindow fills in a missing end (today) or start (six days before
// the end) and refuses a window that ends before it starts or is longer
// than MaxActivityDays.
func activityWindow(from, to, today party.Date) (party.Date, party.Date, error) {
	if to.IsZero() {
		to = today
	}
	end := to.Start(time.UTC)
	if from.IsZero() {
		from = party.DateOf(end.AddDate(0, 0, -6))
	}
	start := from.Start(time.UTC)
	switch days := int(end.Sub(start).Hours()/24) + 1; {
	case days < 1:
		return from, to, problem.Invalid("the window ends before it starts", problem.FieldError{Field: "from", Message: "must not be after to (" + to.String() + ")"})
	case days > MaxActivityDays:
		return from, to, problem.Invalid("the window is too long", problem.FieldError{Field: "to",
			Message: fmt.Sprintf("must be at most %d days after from: the window holds at most %d days, both included", MaxActivityDays-1, MaxActivityDays)})
	}
	return from, to, nil
}
