package importing

import (
	"fmt"

	"github.com/rapportcrm/rapport/pkg/staff"
)

// checkOwner refuses a row whose owner, from its column or the upload's
// defaults, cannot be a staff id (staff.ID), as the API refuses
// one: Rapport has no staff directory to look a name up in, and a party
// owned by "Nguyễn Thị Lan" is owned by nobody who signs in. The cell is
// quoted, as the report is read beside the file.
func (v *rowValues) checkOwner() {
	owner := v.text(FieldOwnerID)
	if owner == "" {
		return
	}
	if err := staff.ID(owner); err != nil {
		v.report(FieldOwnerID, fmt.Sprintf("holds %q, which is no staff id: it %v", owner, err))
	}
}
