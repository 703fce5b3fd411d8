package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// StaffActivity is what one staff member logged in a window of time, and
// where the parties they own stand now.
type StaffActivity struct {
	StaffID string `json:"staff_id"`
	// Interactions counts what they logged, ByKind splits it by kind.
	Interactions int            `json:"interactions"`
	ByKind       map[string]int `json:"by_kind"`
	// PartiesContacted counts the distinct parties those interactions were with.
	PartiesContacted  int        `json:"parties_contacted"`
	LastInteractionAt *time.Time `json:"last_interaction_at"`
	// LoggedByOthers counts those of their interactions another staff
	// member logged (a steward crediting a call they made), and
	// LoggedForOthers the interactions they logged as made by another:
	// the report counts a call as its staff member's work, and these say
	// where that is not who logged it.
	LoggedByOthers  int `json:"logged_by_others"`
	LoggedForOthers int `json:"logged_for_others"`
	// PartiesOwned counts the live parties they own; OverdueNextActions
	// those of them whose next action date has passed.
	PartiesOwned       int `json:"parties_owned"`
	OverdueNextActions int `json:"overdue_next_actions"`
}

// Activity reports every staff member who made or logged an interaction
// in [from, to) or owns a party, by staff id. Overdue means a next action
// date before today (YYYY-MM-DD).
func Activity(ctx context.Context, db DB, from, to time.Time, today string) ([]StaffActivity, error) {
	byStaff := map[string]*StaffActivity{}
	get := func(id string) *StaffActivity {
		a, ok := byStaff[id]
		if !ok {
			a = &StaffActivity{StaffID: id, ByKind: map[string]int{}}
			byStaff[id] = a
		}
		return a
	}
	// One row per staff member and kind, and one per staff member for the
	// distinct parties, which cannot be added up across kinds.
	rows, err := db.Query(ctx, `SELECT staff_id, kind, GROUPING(kind) = 1, count(*), count(DISTINCT party_id), max(occurred_at),
 count(*) FILTER (WHERE logged_by <> staff_id)
FROM interaction WHERE occurred_at >= $1 AND occurred_at < $2
GROUP BY GROUPING SETS ((staff_id, kind), (staff_id))`, from, to)
	if err != nil {
		return nil, fmt.Errorf("interactions from %s to %s: %w", from, to, err)
	}
	var staff string
	var kind *string
	var total bool
	var n, parties, byOthers int
	var last time.Time
	_, err = pgx.ForEachRow(rows, []any{&staff, &kind, &total, &n, &parties, &last, &byOthers}, func() error {
		a := get(staff)
		if total {
			at := last
			a.Interactions, a.PartiesContacted, a.LastInteractionAt, a.LoggedByOthers = n, parties, &at, byOthers
		} else {
			a.ByKind[*kind] = n
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("interactions from %s to %s: %w", from, to, err)
	}
	rows, err = db.Query(ctx, `SELECT logged_by, count(*) FROM interaction
WHERE occurred_at >= $1 AND occurred_at < $2 AND logged_by <> staff_id GROUP BY logged_by`, from, to)
	if err != nil {
		return nil, fmt.Errorf("interactions logged for others from %s to %s: %w", from, to, err)
	}
	_, err = pgx.ForEachRow(rows, []any{&staff, &n}, func() error {
		get(staff).LoggedForOthers = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("interactions logged for others from %s to %s: %w", from, to, err)
	}
	rows, err = db.Query(ctx, `SELECT owner_id, count(*), count(*) FILTER (WHERE next_action_on < $1::date)
FROM (SELECT owner_id, next_action_on FROM organization UNION ALL SELECT owner_id, next_action_on FROM person) p
WHERE owner_id IS NOT NULL GROUP BY owner_id`, today)
	if err != nil {
		return nil, fmt.Errorf("parties owned: %w", err)
	}
	var owned, overdue int
	_, err = pgx.ForEachRow(rows, []any{&staff, &owned, &overdue}, func() error {
		a := get(staff)
		a.PartiesOwned, a.OverdueNextActions = owned, overdue
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("parties owned: %w", err)
	}
	out := make([]StaffActivity, 0, len(byStaff))
	for _, a := range byStaff {
		out = append(out, *a)
	}
	slices.SortFunc(out, func(a, b StaffActivity) int { return strings.Compare(a.StaffID, b.StaffID) })
	return out, nil
}
