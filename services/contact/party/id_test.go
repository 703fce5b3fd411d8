package party

import "testing"

func TestOnlyTheCanonicalFormIsAnID(t *testing.T) {
	for id, want := range map[string]bool{
		"01a20d5d-2a21-70c5-aa95-57f5ceb7f83a":          true,
		"01A20D5D-2A21-70C5-AA95-57F5CEB7F83A":          true,
		"urn:uuid:01a20d5d-2a21-70c5-aa95-57f5ceb7f83a": false,
		"{01a20d5d-2a21-70c5-aa95-57f5ceb7f83a}":        false,
		"01a20d5d2a2170c5aa9557f5ceb7f83a":              false,
		"zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz":          false,
		"":                                              false,
	} {
		if got := ValidID(id); got != want {
			t.Errorf("ValidID(%q) = %v, want %v", id, got, want)
		}
	}
}
