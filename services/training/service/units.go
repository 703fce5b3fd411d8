package service

import (
	"context"

	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/services/training/store"
)

// CourseView is a course as the API answers it: what its events carry, and
// which of its units the contact service has deleted since they were
// registered (a merged one is re-pointed to its survivor, so never listed).
type CourseView struct {
	contract.CourseInfo
	DeletedUnitIDs []string `json:"deleted_unit_ids"`
}

// view adds to info the units the local contact copy has deleted.
func (s *Service) view(ctx context.Context, db store.DB, info contract.CourseInfo) (CourseView, error) {
	deleted, err := store.DeletedUnits(ctx, db, info.UnitIDs)
	return CourseView{CourseInfo: info, DeletedUnitIDs: deleted}, err
}
