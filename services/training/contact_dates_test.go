package training_test

import (
	"testing"

	"github.com/rapportcrm/rapport/pkg/contract"
)

// Contact publishes a birthday or an important date without its year as
// --MM-DD (Teachers' Day, --11-20); training's copy of people takes such a
// person as any other, dates being no part of what it keeps.
func TestAPersonWithDatesWithoutAYearIsCopiedAsAnyOther(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.publish("p-giao", contract.PersonCreated{Person: contract.PersonSnapshot{ID: "p-giao", FullName: "Nguyễn Thị Giáo",
		Birthday: "--11-20", ImportantDates: []contract.ContactDate{{Label: "Ngày nhà giáo", Date: "--11-20"}, {Label: "Ngày cưới", Date: "2015-06-20"}},
		OrganizationIDs: []string{"u1"}}})
	f.waitUnits(1)
	f.waitPeople(1)
}
