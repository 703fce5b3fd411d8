package desklog

import (
	"slices"

	"github.com/rapportcrm/rapport/pkg/auth"
)

// MayReadRevisions says who may read what an entry said before its
// corrections: its author, and those who oversee the desk work (lead,
// manager, director, admin). A colleague's earlier wording is a draft its
// author replaced, not something to compare trainers by.
func MayReadRevisions(callerID string, roles []auth.Role, authorID string) bool {
	if callerID != "" && callerID == authorID {
		return true
	}
	return slices.ContainsFunc(roles, func(r auth.Role) bool {
		return r == auth.Lead || r == auth.Manager || r == auth.Director || r == auth.Admin
	})
}
