package party

import (
	"reflect"
	"slices"
	"testing"
)

func TestRelinkFollowsAMergeAndDropsWhatItWouldRepeat(t *testing.T) {
	p := Person{ID: "me", Relationships: []Relationship{
		{Kind: RelWorksAt, PartyID: "old-school", Title: "Kế toán"},
		{Kind: RelWorksAt, PartyID: "school", Title: "Kế toán trưởng"},
		{Kind: RelParentOf, PartyID: "old-child"},
		{Kind: RelRelatedTo, PartyID: "old-child", Label: "cháu"},
		{Kind: RelParentOf, PartyID: "other"},
	}}
	tests := []struct {
		name string
		gone []string
		to   string
		want []Relationship
	}{
		{"merged organisation: its link repeats the survivor's", []string{"old-school"}, "school", []Relationship{
			{Kind: RelWorksAt, PartyID: "school", Title: "Kế toán trưởng"},
			{Kind: RelParentOf, PartyID: "old-child"},
			{Kind: RelRelatedTo, PartyID: "old-child", Label: "cháu"},
			{Kind: RelParentOf, PartyID: "other"},
		}},
		{"merged person, and a party it had absorbed", []string{"old-child", "older-child"}, "child", []Relationship{
			{Kind: RelWorksAt, PartyID: "old-school", Title: "Kế toán"},
			{Kind: RelWorksAt, PartyID: "school", Title: "Kế toán trưởng"},
			{Kind: RelParentOf, PartyID: "child"},
			{Kind: RelRelatedTo, PartyID: "child", Label: "cháu"},
			{Kind: RelParentOf, PartyID: "other"},
		}},
		{"merged into the person itself", []string{"other"}, "me", []Relationship{
			{Kind: RelWorksAt, PartyID: "old-school", Title: "Kế toán"},
			{Kind: RelWorksAt, PartyID: "school", Title: "Kế toán trưởng"},
			{Kind: RelParentOf, PartyID: "old-child"},
			{Kind: RelRelatedTo, PartyID: "old-child", Label: "cháu"},
		}},
		{"deleted person", []string{"old-child"}, "", []Relationship{
			{Kind: RelWorksAt, PartyID: "old-school", Title: "Kế toán"},
			{Kind: RelWorksAt, PartyID: "school", Title: "Kế toán trưởng"},
			{Kind: RelParentOf, PartyID: "other"},
		}},
		{"nobody linked", []string{"stranger"}, "", p.Relationships},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.Relink(tt.gone, tt.to)
			if !reflect.DeepEqual(got.Relationships, tt.want) {
				t.Errorf("Relink(%q, %q) =\n%+v\nwant\n%+v", tt.gone, tt.to, got.Relationships, tt.want)
			}
		})
	}
	if p.Relationships[0].PartyID != "old-school" {
		t.Error("Relink changed the person it was given")
	}
}

func TestRelinkMovesASupervisingUnitAndNeverMakesALoop(t *testing.T) {
	o := Organisation{ID: "unit", SupervisingUnitID: "old-so"}
	if got := o.Relink([]string{"old-so"}, "so").SupervisingUnitID; got != "so" {
		t.Errorf("merged supervising unit: %q, want so", got)
	}
	if got := o.Relink([]string{"old-so"}, "unit").SupervisingUnitID; got != "" {
		t.Errorf("supervising unit merged into the unit: %q, want none", got)
	}
	if got := o.Relink([]string{"old-so"}, "").SupervisingUnitID; got != "" {
		t.Errorf("deleted supervising unit: %q, want none", got)
	}
	if got := o.Relink([]string{"x"}, "y").SupervisingUnitID; got != "old-so" {
		t.Errorf("unrelated merge: %q, want old-so", got)
	}
}

func TestAParentGainsOnlyTheLinksTheyLackAndLosesOnlyThoseNamed(t *testing.T) {
	cuc := Person{FullName: "Phạm Thị Cúc", Relationships: []Relationship{
		{Kind: RelParentOf, PartyID: "an"}, {Kind: RelRelatedTo, PartyID: "binh", Label: "chồng"}}}
	linked := cuc.WithLinks(Relationship{Kind: RelParentOf, PartyID: "an"}, Relationship{Kind: RelParentOf, PartyID: "chau"},
		Relationship{Kind: RelGuardianOf, PartyID: "tu"})
	if len(linked.Relationships) != 4 || len(cuc.Relationships) != 2 {
		t.Fatalf("linked: %+v (before: %+v), want the 2 links lacking added", linked.Relationships, cuc.Relationships)
	}
	// The husband is no child: a related_to link to one of the ids stays.
	back := linked.WithoutLinks([]RelationKind{RelParentOf, RelGuardianOf}, []string{"chau", "tu", "binh"})
	if !slices.Equal(back.Relationships, cuc.Relationships) {
		t.Errorf("taken back: %+v, want %+v", back.Relationships, cuc.Relationships)
	}
	if none := (Person{Relationships: []Relationship{{Kind: RelParentOf, PartyID: "an"}}}).WithoutLinks([]RelationKind{RelParentOf}, []string{"an"}); none.Relationships != nil {
		t.Errorf("no link left: %+v", none.Relationships)
	}
}
