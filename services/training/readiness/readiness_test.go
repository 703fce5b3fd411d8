package readiness

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/services/training/calendar"
	"github.com/rapportcrm/rapport/services/training/course"
)

func TestTemplatesHaveUniqueKeysBothLabelsAndAKnownKind(t *testing.T) {
	seen := map[string]bool{}
	all := slices.Concat(CommonItems(), InPersonItems(), OnlineItems())
	for _, it := range all {
		t.Run(it.Key, func(t *testing.T) {
			if seen[it.Key] {
				t.Errorf("duplicate key")
			}
			seen[it.Key] = true
			if it.LabelVI == "" || it.LabelEN == "" {
				t.Errorf("missing label: %+v", it)
			}
			if !slices.Contains([]Kind{Boolean, Count, Text, Photo}, it.Kind) {
				t.Errorf("unknown kind %q", it.Kind)
			}
			if !slices.Contains(sections(), it.Section) {
				t.Errorf("unknown section %q", it.Section)
			}
		})
	}
}

func TestItemsForAModeAreCommonItemsPlusThatModesItems(t *testing.T) {
	tests := []struct {
		mode    course.Mode
		own     []Item
		foreign []Item
	}{
		{course.InPerson, InPersonItems(), OnlineItems()},
		{course.Online, OnlineItems(), InPersonItems()},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			got := Keys(ItemsFor(tt.mode))
			want := Keys(slices.Concat(CommonItems(), tt.own))
			if len(got) != len(want) {
				t.Fatalf("got %d items, want %d", len(got), len(want))
			}
			for _, k := range want {
				if !slices.Contains(got, k) {
					t.Errorf("missing %s", k)
				}
			}
			for _, k := range Keys(tt.foreign) {
				if slices.Contains(got, k) {
					t.Errorf("%s belongs to the other mode", k)
				}
			}
		})
	}
}

func TestItemsForKeepsTheSourcesSectionOrder(t *testing.T) {
	items := ItemsFor(course.InPerson)
	order := sections()
	for i := 1; i < len(items); i++ {
		if slices.Index(order, items[i-1].Section) > slices.Index(order, items[i].Section) {
			t.Fatalf("%s (%s) before %s (%s)", items[i-1].Key, items[i-1].Section, items[i].Key, items[i].Section)
		}
	}
}

func count(n int) *int { return &n }

func TestAnItemIsSatisfiedOnlyByTheAnswerItsKindExpects(t *testing.T) {
	tests := []struct {
		name  string
		item  Item
		check Check
		want  bool
	}{
		{"boolean yes", Item{Key: "wifi", Kind: Boolean}, Check{Key: "wifi", OK: true}, true},
		{"boolean no with a note", Item{Key: "wifi", Kind: Boolean}, Check{Key: "wifi", Note: "wifi yếu"}, false},
		{"count of zero is an answer", Item{Key: "zoom", Kind: Count}, Check{Key: "zoom", Count: count(0)}, true},
		{"count missing", Item{Key: "zoom", Kind: Count}, Check{Key: "zoom", OK: true}, false},
		{"text given", Item{Key: "sup", Kind: Text}, Check{Key: "sup", Text: "Không, bận họp"}, true},
		{"text blank", Item{Key: "sup", Kind: Text}, Check{Key: "sup", Text: "  "}, false},
		{"photo sent", Item{Key: "seating", Kind: Photo}, Check{Key: "seating", PhotoURL: "https://files.example/1.jpg"}, true},
		{"photo promised", Item{Key: "seating", Kind: Photo}, Check{Key: "seating", OK: true, Count: count(40)}, false},
		{"check for another item", Item{Key: "wifi", Kind: Boolean}, Check{Key: "parking", OK: true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Satisfied(tt.item, tt.check); got != tt.want {
				t.Errorf("Satisfied = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIncompleteListsRequiredItemsNotYetChecked(t *testing.T) {
	items := []Item{
		{Key: "wifi", Kind: Boolean, Required: true},
		{Key: "water", Kind: Boolean, Required: true},
		{Key: "parking", Kind: Boolean, Required: false},
		{Key: "attendees", Kind: Count, Required: true},
	}
	tests := []struct {
		name   string
		checks []Check
		want   []string
	}{
		{"nothing checked: every required item", nil, []string{"wifi", "water", "attendees"}},
		{"optional items never appear", []Check{{Key: "wifi", OK: true}, {Key: "water", OK: true}, {Key: "attendees", Count: count(30)}}, nil},
		{"a failed check leaves the item open", []Check{{Key: "wifi", OK: false}, {Key: "water", OK: true}, {Key: "attendees", Count: count(30)}}, []string{"wifi"}},
		{"a later check replaces an earlier one", []Check{{Key: "wifi"}, {Key: "wifi", OK: true}, {Key: "water", OK: true}}, []string{"attendees"}},
		{"a later failure reopens the item", []Check{{Key: "wifi", OK: true}, {Key: "wifi", Note: "mất mạng"}, {Key: "water", OK: true}, {Key: "attendees", Count: count(1)}}, []string{"wifi"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Keys(Incomplete(items, tt.checks)); !slices.Equal(got, tt.want) {
				t.Errorf("Incomplete = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCheckValidationRefusesAnswersThatCannotBeStored(t *testing.T) {
	items := ItemsFor(course.InPerson)
	tests := []struct {
		name  string
		check Check
		field string // empty: valid
	}{
		{"photo on the web", Check{Key: "seating", PhotoURL: "https://files.example/a.jpg", Count: count(60)}, ""},
		{"negative count", Check{Key: "attendees_confirmed", Count: count(-1)}, "count"},
		{"photo path on a phone", Check{Key: "seating", PhotoURL: "/sdcard/a.jpg"}, "photo_url"},
		{"item of the online list", Check{Key: "zoom_installed", Count: count(3)}, "key"},
		{"count item ticked without its count", Check{Key: "attendees_confirmed", OK: true}, "count"},
		{"count of zero is an answer", Check{Key: "attendees_confirmed", Count: count(0)}, ""},
		{"photo item ticked without its photo", Check{Key: "seating", OK: true, Count: count(40)}, "photo_url"},
		{"text item with blank text", Check{Key: "supervisor_speaks", OK: true, Text: "   "}, "text"},
		{"text item answered", Check{Key: "supervisor_speaks", Text: "Không, bận họp"}, ""},
		{"boolean item answered no", Check{Key: "wifi", Note: "wifi yếu"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check.Validate(items)
			var v *course.ValidationError
			if tt.field == "" && err != nil || tt.field != "" && (!errors.As(err, &v) || !v.Has(tt.field)) {
				t.Fatalf("Validate = %v, want problem with %q", err, tt.field)
			}
		})
	}
}

func TestReadinessIsAtRiskFromNoonTheDayBefore(t *testing.T) {
	first := calendar.Date{Year: 2025, Month: 4, Day: 14}
	due := time.Date(2025, 4, 13, 12, 0, 0, 0, calendar.Zone())
	if got := ReadinessCheckDue(first); !got.Equal(due) {
		t.Fatalf("ReadinessCheckDue = %v, want %v", got, due)
	}
	var allDone []Check
	for _, it := range ItemsFor(course.Online) {
		allDone = append(allDone, Check{Key: it.Key, OK: true, Count: count(5), Text: "x", PhotoURL: "https://x.example/p"})
	}
	tests := []struct {
		name   string
		checks []Check
		now    time.Time
		want   int
	}{
		{"before noon nothing is at risk yet", nil, due.Add(-time.Minute), 0},
		{"at noon every required item left is at risk", nil, due, len(Incomplete(ItemsFor(course.Online), nil))},
		{"a complete checklist is never at risk", allDone, due.Add(time.Hour), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AtRisk(course.Online, tt.checks, first, tt.now); len(got) != tt.want {
				t.Errorf("AtRisk = %v, want %d items", Keys(got), tt.want)
			}
		})
	}
}
