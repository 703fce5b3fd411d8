package feedback

import (
	"errors"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/services/training/course"
)

var allowed = map[Status][]Status{
	Raised:     {InProgress, Rejected},
	InProgress: {Resolved, Rejected},
	Resolved:   {InProgress}, // reopened, when the problem comes back
	Rejected:   nil,
}

func TestEveryStatusPairFollowsTheExpectedMap(t *testing.T) {
	for _, from := range Statuses() {
		for _, to := range Statuses() {
			t.Run(string(from)+"->"+string(to), func(t *testing.T) {
				want := false
				for _, s := range allowed[from] {
					want = want || s == to
				}
				err := CheckChange(from, to)
				if want && err != nil {
					t.Fatalf("CheckChange = %v, want nil", err)
				}
				var ie *IllegalStatusChangeError
				if !want && (!errors.As(err, &ie) || !errors.Is(err, ErrIllegalStatusChange) || ie.From != from) {
					t.Fatalf("CheckChange = %v, want *IllegalStatusChangeError from %s", err, from)
				}
			})
		}
	}
}

func TestFeedbackKeepsItsHistoryFromRaisedToResolved(t *testing.T) {
	at := time.Date(2025, 4, 14, 9, 0, 0, 0, time.UTC)
	it, err := Raise(Item{ID: "f-1", CourseID: "c-1", Text: "Không in được báo cáo B01"}, "u-trainer", at)
	if err != nil {
		t.Fatal(err)
	}
	started, err := it.Move(InProgress, "u-lead", at.Add(time.Hour), "")
	if err != nil {
		t.Fatal(err)
	}
	done, err := started.Move(Resolved, "u-lead", at.Add(2*time.Hour), "Đã cập nhật mẫu biểu")
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{
		{To: Raised, By: "u-trainer", At: at},
		{From: Raised, To: InProgress, By: "u-lead", At: at.Add(time.Hour)},
		{From: InProgress, To: Resolved, By: "u-lead", At: at.Add(2 * time.Hour), Note: "Đã cập nhật mẫu biểu"},
	}
	if done.Status != Resolved || done.Open() || len(done.History) != len(want) {
		t.Fatalf("item = %+v", done)
	}
	for i := range want {
		if done.History[i] != want[i] {
			t.Errorf("history[%d] = %+v, want %+v", i, done.History[i], want[i])
		}
	}
	if len(it.History) != 1 || len(started.History) != 2 {
		t.Errorf("earlier values changed: %d, %d", len(it.History), len(started.History))
	}
}

func TestMovesThatCannotBeDefendedAreRefused(t *testing.T) {
	at := time.Date(2025, 4, 14, 9, 0, 0, 0, time.UTC)
	raised, _ := Raise(Item{ID: "f-1", CourseID: "c-1", Text: "x"}, "u", at)
	tests := []struct {
		name   string
		to     Status
		by     string
		note   string
		wantIs error
	}{
		{"rejecting without a reason", Rejected, "u-tp", "", course.ErrInvalid},
		{"a change with no author", InProgress, "", "", course.ErrInvalid},
		{"resolving without working on it", Resolved, "u-tp", "done", ErrIllegalStatusChange},
		{"rejecting with a reason", Rejected, "u-tp", "trùng ý kiến f-0", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := raised.Move(tt.to, tt.by, at, tt.note)
			if !errors.Is(err, tt.wantIs) {
				t.Fatalf("Move = %v, want %v", err, tt.wantIs)
			}
			if err != nil && got.Status != Raised {
				t.Fatalf("refused move changed status to %s", got.Status)
			}
		})
	}
}

func TestAResolvedItemIsReopenedWithWhatCameBack(t *testing.T) {
	at := time.Date(2025, 4, 14, 9, 0, 0, 0, time.UTC)
	raised, _ := Raise(Item{ID: "f-1", CourseID: "c-1", Text: "thiếu tài liệu"}, "u", at)
	started, _ := raised.Move(InProgress, "u-tp", at, "")
	resolved, _ := started.Move(Resolved, "u-tp", at, "đã gửi")
	tests := []struct {
		name   string
		from   Item
		to     Status
		note   string
		wantIs error
	}{
		{"reopened with a reason", resolved, InProgress, "đơn vị lại báo thiếu", nil},
		{"reopened without a reason", resolved, InProgress, "  ", course.ErrInvalid},
		{"straight back to raised", resolved, Raised, "x", ErrIllegalStatusChange},
		{"a rejected item stays rejected", func() Item { r, _ := raised.Move(Rejected, "u-tp", at, "trùng"); return r }(), InProgress, "x", ErrIllegalStatusChange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.from.Move(tt.to, "u-lead", at.Add(time.Hour), tt.note)
			if !errors.Is(err, tt.wantIs) {
				t.Fatalf("Move = %v, want %v", err, tt.wantIs)
			}
			if err == nil && (!got.Open() || len(got.History) != 4 || !Reopens(got.History[3].From, got.History[3].To)) {
				t.Fatalf("reopened: %+v", got)
			}
		})
	}
}

func TestRaiseNeedsACourseAndAText(t *testing.T) {
	_, err := Raise(Item{ID: "f-1"}, "u", time.Now())
	var v *course.ValidationError
	if !errors.As(err, &v) || !v.Has("course_id") || !v.Has("text") {
		t.Fatalf("Raise = %v", err)
	}
}
