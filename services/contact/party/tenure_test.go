package party

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestTenureFollowsTheWorksAtLinksThroughTheHistory(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	at := func(id string) []Relationship {
		return []Relationship{{Kind: RelWorksAt, PartyID: id, Title: "Hiệu trưởng"}}
	}
	parent := []Relationship{{Kind: RelParentOf, PartyID: "s"}}
	school := []string{"s", "merged"}
	tests := []struct {
		name    string
		changes []LinkChange
		now     []Relationship
		want    string
	}{
		{"created with the link", nil, at("s"), "[{since} ]"},
		{"never linked", nil, at("t"), "[]"},
		{"created with it, then moved", []LinkChange{{day(10), at("s"), at("t"), false}}, at("t"), "[{since} 10]"},
		{"joined", []LinkChange{{day(10), at("t"), at("s"), false}}, at("s"), "[{10} ]"},
		{"joined, left, came back", []LinkChange{{day(3), nil, at("s"), false}, {day(10), at("s"), nil, false}, {day(20), nil, at("s"), false}}, at("s"),
			"[{3} 10] [{20} ]"},
		{"another link changed meanwhile", []LinkChange{{day(3), at("s"), append(at("s"), parent...), false}}, append(at("s"), parent...), "[{since} ]"},
		{"the school merged into another", []LinkChange{{day(5), at("merged"), at("s"), false}}, at("s"), "[{since} ]"},
		{"a merged person's changes interleaved", []LinkChange{{day(3), nil, at("s"), false}, {day(5), parent, nil, false}, {day(9), nil, at("s"), false}}, at("s"),
			"[{3} ]"},
		{"a merged person's removal interleaved", []LinkChange{{day(3), at("s"), nil, false}, {day(5), nil, at("s"), false}, {day(9), at("s"), parent, false}}, parent,
			"[{since} 3] [{5} 9]"},
		// Merged into one created without it: the merged person worked
		// there since their record began, and the merge changes nothing.
		{"brought by a merge", []LinkChange{{day(8), nil, at("s"), true}}, at("s"), "[{since} ]"},
		{"added by the merged person's edit, then brought by a merge", []LinkChange{{day(3), nil, at("s"), false}, {day(8), parent, append(parent, at("s")...), true}},
			append(parent, at("s")...), "[{3} ]"},
		{"taken away with no history", []LinkChange{{day(3), nil, at("s"), false}, {day(5), nil, parent, false}}, nil, "[{3} 5]"},
	}
	for _, tt := range tests {
		got := []string{}
		for _, p := range Tenure(school, tt.changes, tt.now) {
			got = append(got, fmt.Sprintf("[{%s} %s]", short(p.From, "since"), short(p.To, "")))
		}
		if s := strings.Join(got, " "); s != tt.want && !(len(got) == 0 && tt.want == "[]") {
			t.Errorf("%s: %s, want %s", tt.name, s, tt.want)
		}
	}
}

func short(t time.Time, zero string) string {
	if t.IsZero() {
		return zero
	}
	return fmt.Sprint(t.Day())
}
