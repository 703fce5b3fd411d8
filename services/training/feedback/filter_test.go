package feedback

import (
	"errors"
	"net/url"
	"testing"

	"github.com/rapportcrm/rapport/services/training/course"
)

func TestAFeedbackFilterNamesEachBadValue(t *testing.T) {
	for query, bad := range map[string]int{
		"course_id=c1&status=raised&unit_id=u1&urgent=true": 0,
		"urgent=false":                          0,
		"urgent=yes":                            1,
		"status=open&unit_id=u%091&urgent=TRUE": 3,
	} {
		q, _ := url.ParseQuery(query)
		f, err := ParseFilter(q)
		if bad == 0 && (err != nil || f.Urgent == nil) {
			t.Errorf("%s: %+v %v", query, f, err)
		}
		var v *course.ValidationError
		if bad > 0 && (!errors.As(err, &v) || len(v.Fields) != bad) {
			t.Errorf("%s: %v, want %d problems", query, err, bad)
		}
	}
}
