package consumer

import (
	"slices"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/contract"
)

func TestEachTrainingEventGoesOnTheTimelinesOfThePartiesItConcerns(t *testing.T) {
	course := contract.CourseInfo{CourseID: "c-1", ModuleCode: "QLHS", UnitIDs: []string{"u-1", "u-2"}, ContactPersonIDs: []string{"p-1", "p-2"},
		FirstSession: "2026-12-07"}
	change := contract.CourseChange{Course: course, Reason: "đơn vị xin lùi"}
	cases := []struct {
		name    string
		payload any
		parties []string
		shows   map[string]any
	}{
		{"a request goes to the course's units and people", contract.RequestSubmitted{RequestID: "r-1", Course: course,
			ProposedDates: []string{"2026-12-07"}, Exception: &contract.LateException{Reason: "khách VIP"}},
			[]string{"u-1", "u-2", "p-1", "p-2"}, map[string]any{"request_id": "r-1", "exception_reason": "khách VIP"}},
		{"scheduled", contract.CourseScheduled(change), []string{"u-1", "u-2", "p-1", "p-2"}, map[string]any{"first_session": "2026-12-07"}},
		{"rescheduled says why and from which dates", contract.CourseRescheduled{Course: course, Reason: "đơn vị xin lùi",
			PreviousFirstSession: "2026-11-30", PreviousLastSession: "2026-12-01"}, []string{"u-1", "u-2", "p-1", "p-2"},
			map[string]any{"reason": "đơn vị xin lùi", "first_session": "2026-12-07", "previous_first_session": "2026-11-30",
				"previous_last_session": "2026-12-01"}},
		{"started", contract.CourseStarted(change), []string{"u-1", "u-2", "p-1", "p-2"}, nil},
		{"planned is the trainers' business", contract.CoursePlanned(change), nil, nil},
		{"a complaint raised for a unit goes to that unit alone", contract.FeedbackRaised{FeedbackID: "f-1", Course: course, UnitID: "u-2",
			Text: "phần mềm lỗi", Urgent: true, Status: "raised"}, []string{"u-2"},
			map[string]any{"text": "phần mềm lỗi", "urgent": true, "status": "raised", "unit_id": "u-2"}},
		{"its resolution too", contract.FeedbackResolved{FeedbackID: "f-1", Course: course, UnitID: "u-2", Text: "phần mềm lỗi",
			Status: "resolved", Note: "đã sửa"}, []string{"u-2"}, map[string]any{"status": "resolved", "note": "đã sửa"}},
		{"its reopening, with what came back", contract.FeedbackReopened{FeedbackID: "f-1", Course: course, UnitID: "u-2", Text: "phần mềm lỗi",
			Status: "in_progress", Note: "lỗi lại"}, []string{"u-2"}, map[string]any{"status": "in_progress", "note": "lỗi lại"}},
		{"attendance goes to the unit and its people", contract.AttendanceRecorded{CourseID: "c-1", UnitID: "u-1", ContactPersonIDs: []string{"p-1"},
			Present: false, Reason: "ốm"}, []string{"u-1", "p-1"}, map[string]any{"present": false, "reason": "ốm", "corrects": nil}},
		{"an opinion about the course goes to each of its units", contract.FeedbackRaised{FeedbackID: "f-2", Course: course,
			Text: "phòng học nóng", Status: "raised"}, []string{"u-1", "u-2"}, map[string]any{"urgent": false}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := contract.Rapport().Event("agg-1", time.Now(), c.payload)
			if err != nil {
				t.Fatal(err)
			}
			parties, summary, err := TrainingEntry(e)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(parties, c.parties) {
				t.Errorf("parties %v, want %v", parties, c.parties)
			}
			for k, v := range c.shows {
				if v == nil {
					if _, ok := summary[k]; ok {
						t.Errorf("summary[%s] = %v, want none", k, summary[k])
					}
					continue
				}
				if summary[k] != v {
					t.Errorf("summary[%s] = %v, want %v", k, summary[k], v)
				}
			}
		})
	}
}

func TestACorrectedAttendanceShowsWhatItCorrects(t *testing.T) {
	e, err := contract.Rapport().Event("s-1", time.Now(), contract.AttendanceRecorded{CourseID: "c-1", UnitID: "u-1", Present: true,
		Corrects: &contract.AttendanceValue{Present: false, Reason: "ốm", RecordedBy: "trainer-nam", RecordedAt: "2026-11-16T01:00:00Z"}})
	if err != nil {
		t.Fatal(err)
	}
	_, summary, err := TrainingEntry(e)
	if err != nil {
		t.Fatal(err)
	}
	was, _ := summary["corrects"].(map[string]any)
	if summary["present"] != true || was["present"] != false || was["reason"] != "ốm" {
		t.Fatalf("summary %v does not show the correction", summary)
	}
}

func TestEverySubjectTheTrainingTimelineTakesIsInTheCatalogue(t *testing.T) {
	known := map[string]bool{}
	for _, e := range contract.Rapport().Entries() {
		known[e.Subject] = true
	}
	for _, s := range TrainingTimelineSubjects {
		if !known[s] {
			t.Errorf("%s is not in the catalogue", s)
		}
	}
}
