package postgres

import (
	"bytes"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

func TestAUUIDIsEncodedAsItsBytesWithoutAFallback(t *testing.T) {
	m := pgtype.NewMap()
	encodeUUIDsDirectly(m)
	u := uuid.New()
	plan := m.PlanEncode(pgtype.UUIDOID, pgtype.BinaryFormatCode, u)
	if _, ok := plan.(*uuidPlan); !ok {
		t.Fatalf("plan for uuid.UUID is %T, want the direct plan", plan)
	}
	buf, err := plan.Encode(u, nil)
	if err != nil || !bytes.Equal(buf, u[:]) {
		t.Fatalf("encoded %x, %v; want %x", buf, err, u[:])
	}
	text, err := m.Encode(pgtype.UUIDOID, pgtype.TextFormatCode, u, nil)
	if err != nil || string(text) != u.String() {
		t.Fatalf("text %q, %v; want %q", text, err, u.String())
	}
}
