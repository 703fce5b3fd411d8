package consumer

import (
	"slices"
	"testing"
)

func TestSubjectFiltersMatchAsNATSReadsThem(t *testing.T) {
	for _, c := range []struct {
		filter, subject string
		want            bool
	}{
		{"training.course.cancelled", "training.course.cancelled", true},
		{"training.course.cancelled", "training.course.completed", false},
		{"training.course.*", "training.course.completed", true},
		{"training.*.completed", "training.task.completed", true},
		{"training.*", "training.course.completed", false},
		{"contact.person.>", "contact.person.updated", true},
		{"contact.person.>", "contact.person", false},
		{"contact.>", "contact.person.merged", true},
		{"contact.person.updated", "contact.person", false},
		{"contact.person", "contact.person.updated", false},
	} {
		if got := subjectMatches(c.filter, c.subject); got != c.want {
			t.Errorf("%s matches %s: %v, want %v", c.filter, c.subject, got, c.want)
		}
	}
}

func TestAConsumerReadsEverySubjectOfTheAggregatesItHandles(t *testing.T) {
	for _, c := range []struct{ in, want []string }{
		{nil, nil},
		{[]string{"training.course.cancelled", "training.course.completed", "training.participant.registered"},
			[]string{"training.course.>", "training.participant.>"}},
		{[]string{"contact.person.>", "contact.organization.>"}, []string{"contact.person.>", "contact.organization.>"}},
		{[]string{"contact.>", "contact.person.updated"}, []string{"contact.>"}},
		{[]string{"contact.*.deleted"}, []string{"contact.*.deleted"}},
	} {
		if got := aggregateFilters(c.in); !slices.Equal(got, c.want) {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
}
