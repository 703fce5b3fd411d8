package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/services/training/course"
)

// Organization is the local copy of a contact organisation (a unit).
type Organization struct {
	ID                string `db:"id"`
	Name              string `db:"name"`
	SupervisingUnitID string `db:"supervising_unit_id"`
}

// UpsertOrganization keeps the local copy current.
func UpsertOrganization(ctx context.Context, db DB, o Organization) error {
	_, err := db.Exec(ctx, `INSERT INTO contact_organization (id, name, supervising_unit_id) VALUES ($1, $2, $3)
ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, supervising_unit_id = EXCLUDED.supervising_unit_id, deleted = false`,
		o.ID, o.Name, o.SupervisingUnitID)
	return err
}

// DeleteOrganization marks a unit gone; courses keep their history.
func DeleteOrganization(ctx context.Context, db DB, id, mergedInto string) error {
	_, err := db.Exec(ctx, `INSERT INTO contact_organization (id, deleted, merged_into) VALUES ($1, true, nullif($2, ''))
ON CONFLICT (id) DO UPDATE SET deleted = true, merged_into = nullif($2, '')`, id, mergedInto)
	return err
}

// survivors is the chain (asked, id, depth) from each unit id of $1 to the
// units it was merged into, as far as merges went (a survivor merged later
// into a third unit), within a bound only a loop in the copy could reach:
// the contact service's alias lookup, on the local copy.
const survivors = `WITH RECURSIVE chain (asked, id, depth) AS (
  SELECT a, a, 0 FROM unnest($1::text[]) a
  UNION ALL
  SELECT c.asked, o.merged_into, c.depth + 1 FROM chain c JOIN contact_organization o ON o.id = c.id
  WHERE o.deleted AND o.merged_into IS NOT NULL AND c.depth < 32
)`

// KnownUnits returns the live unit of the local copy each of ids names, by
// the id asked. An old id of a merged unit names its survivor (survivors):
// a screen or a script that kept the old id still reaches the unit.
func KnownUnits(ctx context.Context, db DB, ids []string) (map[string]Organization, error) {
	rows, _ := db.Query(ctx, survivors+`
SELECT c.asked, o.id, o.name, o.supervising_unit_id FROM chain c JOIN contact_organization o ON o.id = c.id AND NOT o.deleted`, ids)
	m := make(map[string]Organization, len(ids))
	var asked string
	var o Organization
	_, err := pgx.ForEachRow(rows, []any{&asked, &o.ID, &o.Name, &o.SupervisingUnitID}, func() error {
		m[asked] = o
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("known units: %w", err)
	}
	return m, nil
}

// UpsertPerson keeps the local copy of a contact person current. The name
// is kept for the lead's screens only; it never goes to logs or events.
//
// A unit the copy knows was merged stands for its survivor: a snapshot
// taken before the unit's merge may arrive after it, as the two are events
// of different aggregates, and would otherwise tie the person to a unit no
// course lists any more. It returns the units stored.
func UpsertPerson(ctx context.Context, db DB, id, name string, orgIDs []string) ([]string, error) {
	if orgIDs == nil {
		orgIDs = []string{}
	}
	var stored []string
	err := db.QueryRow(ctx, survivors+`,
last AS (SELECT DISTINCT ON (asked) id FROM chain ORDER BY asked, depth DESC)
INSERT INTO contact_person (id, name, organization_ids)
VALUES ($2, $3, (SELECT coalesce(array_agg(DISTINCT id ORDER BY id), '{}') FROM last))
ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, organization_ids = EXCLUDED.organization_ids, deleted = false
RETURNING organization_ids`, orgIDs, id, name).Scan(&stored)
	if err != nil {
		return nil, fmt.Errorf("put person %s: %w", id, err)
	}
	return stored, nil
}

// DeletePerson marks a person gone. The courses they were a contact of
// follow with FollowContactPeople: an open one drops them, an ended one
// keeps them as its history.
func DeletePerson(ctx context.Context, db DB, id, mergedInto string) error {
	_, err := db.Exec(ctx, `INSERT INTO contact_person (id, deleted, merged_into) VALUES ($1, true, nullif($2, ''))
ON CONFLICT (id) DO UPDATE SET deleted = true, merged_into = nullif($2, '')`, id, mergedInto)
	return err
}

// MergePerson re-points participants from a merged person to the survivor,
// in every course, ended ones included: it is the same person under the id
// that stays.
func MergePerson(ctx context.Context, db DB, loser, survivor string) error {
	if err := DeletePerson(ctx, db, loser, survivor); err != nil {
		return err
	}
	_, err := db.Exec(ctx, `UPDATE participant SET contact_person_ids =
  (SELECT array_agg(DISTINCT p ORDER BY p) FROM unnest(array_replace(contact_person_ids, $1, $2)) p)
WHERE $1 = ANY(contact_person_ids)`, loser, survivor)
	return err
}

// FollowContactPeople sets the contact people of the participants a change
// of the local copy may concern (those that list personID, and those of
// unitIDs) to the live people who work at their unit now, as
// ContactPeopleOf lists them, in courses that have not ended
// (course.OpenStates). An ended course keeps its contacts as they were.
func FollowContactPeople(ctx context.Context, db DB, personID string, unitIDs []string) error {
	open := make([]string, 0, len(course.OpenStates()))
	for _, s := range course.OpenStates() {
		open = append(open, string(s))
	}
	if unitIDs == nil {
		unitIDs = []string{}
	}
	// Two people of one unit may change at once, on two lanes of the
	// consumer: each statement below would count the unit's people without
	// the other's uncommitted change, and the later commit would leave the
	// participant missing one of them. Locking the participants first, in
	// id order, makes the second wait, and its count, a new statement,
	// sees the first's change.
	// The participants concerned are read once, as they are locked: a
	// person who is nobody's contact, as in a bulk import, costs nothing more.
	rows, _ := db.Query(ctx, `SELECT pa.id FROM participant pa JOIN course c ON c.id = pa.course_id
WHERE c.state = ANY($3) AND ($1 = ANY(pa.contact_person_ids) OR pa.unit_id = ANY($2))
ORDER BY pa.id FOR UPDATE OF pa`, personID, unitIDs, open)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("lock the participants of %s: %w", personID, err)
	}
	if len(ids) == 0 {
		return nil
	}
	_, err = db.Exec(ctx, `WITH now_there AS (
  SELECT pa.id, coalesce((SELECT array_agg(cp.id ORDER BY cp.id) FROM contact_person cp
                          WHERE pa.unit_id = ANY(cp.organization_ids) AND NOT cp.deleted), '{}') AS ids
  FROM participant pa WHERE pa.id = ANY($1)
)
UPDATE participant pa SET contact_person_ids = n.ids FROM now_there n
WHERE pa.id = n.id AND pa.contact_person_ids IS DISTINCT FROM n.ids`, ids)
	if err != nil {
		return fmt.Errorf("follow contact people of %s: %w", personID, err)
	}
	return nil
}

// MergeOrganization re-points courses, participants and attendance from a
// merged unit to the survivor. Where the survivor is already registered, the
// merged unit's rows are folded into it.
func MergeOrganization(ctx context.Context, db DB, loser, survivor string) error {
	if err := DeleteOrganization(ctx, db, loser, survivor); err != nil {
		return err
	}
	stmts := []string{
		`UPDATE course SET unit_ids = (SELECT array_agg(DISTINCT u ORDER BY u) FROM unnest(array_replace(unit_ids, $1, $2)) u) WHERE $1 = ANY(unit_ids)`,
		`UPDATE request SET unit_ids = (SELECT array_agg(DISTINCT u ORDER BY u) FROM unnest(array_replace(unit_ids, $1, $2)) u) WHERE $1 = ANY(unit_ids)`,
		`UPDATE participant p SET contact_person_ids = (SELECT array_agg(DISTINCT x ORDER BY x) FROM unnest(p.contact_person_ids || l.contact_person_ids) x)
FROM participant l WHERE l.unit_id = $1 AND p.unit_id = $2 AND p.course_id = l.course_id`,
		`DELETE FROM participant l WHERE l.unit_id = $1 AND EXISTS (SELECT 1 FROM participant p WHERE p.unit_id = $2 AND p.course_id = l.course_id)`,
		`UPDATE participant SET unit_id = $2 WHERE unit_id = $1`,
		`DELETE FROM attendance l WHERE l.unit_id = $1 AND EXISTS (SELECT 1 FROM attendance a WHERE a.unit_id = $2 AND a.session_id = l.session_id)`,
		`UPDATE attendance SET unit_id = $2 WHERE unit_id = $1`,
		`UPDATE contact_person SET organization_ids = (SELECT array_agg(DISTINCT o ORDER BY o) FROM unnest(array_replace(organization_ids, $1, $2)) o)
WHERE $1 = ANY(organization_ids)`,
	}
	for _, s := range stmts {
		if _, err := db.Exec(ctx, s, loser, survivor); err != nil {
			return fmt.Errorf("merge unit %s into %s: %w", loser, survivor, err)
		}
	}
	return nil
}

// ContactPeopleOf lists the live people of a unit in the local copy.
func ContactPeopleOf(ctx context.Context, db DB, unitID string) ([]string, error) {
	rows, _ := db.Query(ctx, `SELECT id FROM contact_person WHERE $1 = ANY(organization_ids) AND NOT deleted ORDER BY id`, unitID)
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// Participant is a unit registered to a course.
type Participant struct {
	ID               string    `db:"id" json:"id"`
	CourseID         string    `db:"course_id" json:"course_id"`
	UnitID           string    `db:"unit_id" json:"unit_id"`
	ContactPersonIDs []string  `db:"contact_person_ids" json:"contact_person_ids"`
	Status           string    `db:"status" json:"status"`
	Attendees        int       `db:"attendees" json:"attendees"`
	BringsLaptops    bool      `db:"brings_laptops" json:"brings_laptops"`
	BringsDocuments  bool      `db:"brings_documents" json:"brings_documents"`
	BringsData       bool      `db:"brings_data" json:"brings_data"`
	Note             string    `db:"note" json:"note"`
	UpdatedAt        time.Time `db:"updated_at" json:"updated_at"`
	// UnitDeleted says the contact service deleted the unit (not merged it:
	// a merged one is re-pointed to its survivor), so the lead learns it
	// before the day rather than on it.
	UnitDeleted bool `db:"unit_deleted" json:"unit_deleted"`
}

const participantCols = `id, course_id, unit_id, contact_person_ids, status, attendees, brings_laptops, brings_documents, brings_data, note, updated_at`

// participantRead is what a read of a participant selects: its columns and
// whether the local copy has its unit deleted.
const participantRead = participantCols + `, EXISTS (SELECT 1 FROM contact_organization o
  WHERE o.id = participant.unit_id AND o.deleted AND o.merged_into IS NULL) AS unit_deleted`

// DeletedUnits lists those of ids the contact service deleted (not merged:
// a merge re-points a course to the survivor), by id.
func DeletedUnits(ctx context.Context, db DB, ids []string) ([]string, error) {
	rows, _ := db.Query(ctx, `SELECT id FROM contact_organization WHERE id = ANY($1) AND deleted AND merged_into IS NULL ORDER BY id`, ids)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("deleted units: %w", err)
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}

// InsertParticipant registers a unit; a second registration is a unique violation.
func InsertParticipant(ctx context.Context, db DB, p Participant) error {
	_, err := db.Exec(ctx, `INSERT INTO participant (`+participantCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
		p.ID, p.CourseID, p.UnitID, p.ContactPersonIDs, p.Status, p.Attendees, p.BringsLaptops, p.BringsDocuments, p.BringsData, p.Note, p.UpdatedAt)
	return err
}

// UpdateParticipant stores a confirmation or a decline.
func UpdateParticipant(ctx context.Context, db DB, p Participant) error {
	_, err := db.Exec(ctx, `UPDATE participant SET status = $2, attendees = $3, brings_laptops = $4, brings_documents = $5, brings_data = $6,
note = $7, updated_at = $8 WHERE id = $1`, p.ID, p.Status, p.Attendees, p.BringsLaptops, p.BringsDocuments, p.BringsData, p.Note, p.UpdatedAt)
	return err
}

// LoadParticipant reads a participant of a course.
func LoadParticipant(ctx context.Context, db DB, courseID, id string) (Participant, error) {
	return one[Participant](ctx, db, "participant "+id, `SELECT `+participantRead+` FROM participant WHERE course_id = $1 AND id = $2 FOR UPDATE OF participant`, courseID, id)
}

// ParticipantByUnit reads the participant of a unit in a course.
func ParticipantByUnit(ctx context.Context, db DB, courseID, unitID string) (Participant, error) {
	return one[Participant](ctx, db, "unit "+unitID+" in course "+courseID,
		`SELECT `+participantRead+` FROM participant WHERE course_id = $1 AND unit_id = $2`, courseID, unitID)
}

// Participants lists a course's participants.
func Participants(ctx context.Context, db DB, courseID string) ([]Participant, error) {
	rows, _ := db.Query(ctx, `SELECT `+participantRead+` FROM participant WHERE course_id = $1 ORDER BY unit_id`, courseID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Participant])
}

// Attendance is one unit's presence at one session.
type Attendance struct {
	SessionID  string    `db:"session_id" json:"session_id"`
	CourseID   string    `db:"course_id" json:"course_id"`
	UnitID     string    `db:"unit_id" json:"unit_id"`
	Present    bool      `db:"present" json:"present"`
	Reason     string    `db:"reason" json:"reason,omitempty"`
	RecordedBy string    `db:"recorded_by" json:"recorded_by"`
	RecordedAt time.Time `db:"recorded_at" json:"recorded_at"`
}

// PutAttendance records presence; a later record replaces an earlier one.
func PutAttendance(ctx context.Context, db DB, a Attendance) error {
	_, err := db.Exec(ctx, `INSERT INTO attendance (session_id, course_id, unit_id, present, reason, recorded_by, recorded_at)
VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (session_id, unit_id) DO UPDATE SET present = EXCLUDED.present, reason = EXCLUDED.reason,
recorded_by = EXCLUDED.recorded_by, recorded_at = EXCLUDED.recorded_at`,
		a.SessionID, a.CourseID, a.UnitID, a.Present, a.Reason, a.RecordedBy, a.RecordedAt)
	return err
}

// AttendanceOf lists a session's attendance.
func AttendanceOf(ctx context.Context, db DB, sessionID string) ([]Attendance, error) {
	rows, _ := db.Query(ctx, `SELECT session_id, course_id, unit_id, present, reason, recorded_by, recorded_at FROM attendance
WHERE session_id = $1 ORDER BY unit_id`, sessionID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Attendance])
}
