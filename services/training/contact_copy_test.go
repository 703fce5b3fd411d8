package training_test

import (
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

// A unit and a person the contact service deleted and then restored are
// in the local copy again, as the restored events carry what created does.
func TestARestoredContactIsInTheCopyAgain(t *testing.T) {
	f := start(t)
	f.unit("u-kim-lien", "")
	f.person("p-nam", "u-kim-lien")
	f.waitUnits(1)
	f.publish("u-kim-lien", contract.OrganizationDeleted{ID: "u-kim-lien", DeletedBy: "user-lead"})
	f.publish("p-nam", contract.PersonDeleted{ID: "p-nam", DeletedBy: "user-lead"})
	f.waitUnits(0)
	f.publish("u-kim-lien", contract.OrganizationRestored{OrganizationCreated: contract.OrganizationCreated{
		Organization: contract.OrganizationSnapshot{ID: "u-kim-lien", Name: "Trường Tiểu học Kim Liên"}}, RestoredBy: "user-lead", Reason: "xoá nhầm"})
	f.publish("p-nam", contract.PersonRestored{PersonCreated: contract.PersonCreated{
		Person: contract.PersonSnapshot{ID: "p-nam", FullName: "Lê Văn Nam", OrganizationIDs: []string{"u-kim-lien"}}}, RestoredBy: "user-lead", Reason: "xoá nhầm"})
	f.waitUnits(1)
	testkit.Eventually(t, 10*time.Second, "the person back", func() bool {
		return testkit.Count(t, f.Pool, `SELECT count(*) FROM contact_person WHERE id='p-nam' AND NOT deleted AND organization_ids = '{u-kim-lien}'`) == 1
	})
}
