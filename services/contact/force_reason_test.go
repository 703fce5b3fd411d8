package contact_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

// Why a party was created beside one it matched travels with it: in its
// created and updated events, and in a force_reason column of the CSV and
// XLSX exports, which an import lists among its ignored columns (the
// reason is this record's history, not something a file sets), so the
// export imported back finds every party as stored.
func TestAForcedPartysReasonIsInItsEventsAndExports(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	const why, whyOrg = "hai người dùng chung số trường", "cơ sở 2 dùng chung mã số thuế"
	create(t, h, tok, people, `{"full_name":"Trần Văn Bình","phones":["0912345678"]}`)
	forced := create(t, h, tok, people, `{"full_name":"Binh Tran","phones":["0912345678"],"force":true,"force_reason":"`+why+`"}`)
	create(t, h, tok, orgs, `{"name":"Trường A","kinds":["school"],"tax_code":"0101234567"}`)
	forcedOrg := create(t, h, tok, orgs, `{"name":"Trường A (cơ sở 2)","kinds":["school"],"tax_code":"0101234567","force":true,"force_reason":"`+whyOrg+`"}`)
	mustStatus(t, h.Do(t, "PATCH", people+"/"+forced, tok, `{"tags":["phụ huynh"]}`), 200)
	mustStatus(t, h.Do(t, "PATCH", orgs+"/"+forcedOrg, tok, `{"tags":["cơ sở"]}`), 200)

	wait := func(subject, id string) event.Event {
		t.Helper()
		e := testkit.WaitForEvent(t, h.JS, "CONTACT", subject, 10*time.Second, func(e event.Event) bool { return e.AggregateID == id })
		if err := contract.Rapport().Check(e); err != nil {
			t.Errorf("%s: %v", subject, err)
		}
		return e
	}
	if c, _ := contract.Decode[contract.PersonCreated](wait("contact.person.created", forced)); c.Person.ForceReason != why {
		t.Errorf("person.created carries force_reason %q", c.Person.ForceReason)
	}
	if u, _ := contract.Decode[contract.PersonUpdated](wait("contact.person.updated", forced)); u.Person.ForceReason != why {
		t.Errorf("person.updated carries force_reason %q", u.Person.ForceReason)
	}
	if c, _ := contract.Decode[contract.OrganizationCreated](wait("contact.organization.created", forcedOrg)); c.Organization.ForceReason != whyOrg {
		t.Errorf("organization.created carries force_reason %q", c.Organization.ForceReason)
	}
	if u, _ := contract.Decode[contract.OrganizationUpdated](wait("contact.organization.updated", forcedOrg)); u.Organization.ForceReason != whyOrg {
		t.Errorf("organization.updated carries force_reason %q", u.Organization.ForceReason)
	}

	for _, c := range []struct{ path, resource, forced, why, tag string }{
		{people, "people", forced, why, "ph%E1%BB%A5+huynh"}, {orgs, "organizations", forcedOrg, whyOrg, "c%C6%A1+s%E1%BB%9F"},
	} {
		for _, format := range []string{"csv", "xlsx"} {
			read := readCSV
			if format == "xlsx" {
				read = readXLSX
			}
			rows := read(t, h.Do(t, "GET", c.path+"/export?format="+format, tok, nil))
			col := slices.Index(rows[0], "force_reason")
			if col < 0 {
				t.Fatalf("%s %s export has no force_reason column: %q", c.resource, format, rows[0])
			}
			for _, row := range rows[1:] {
				var got string // a workbook's row ends at its last filled cell
				if col < len(row) {
					got = row[col]
				}
				if want := map[bool]string{true: c.why}[row[0] == c.forced]; got != want {
					t.Errorf("%s %s export: %s has force_reason %q, want %q", c.resource, format, row[0], got, want)
				}
			}
			// The forced party alone; beside the party it matched, see
			// TestAnExportHoldingForcedPartiesImportsBackWhole.
			r := h.Do(t, "GET", c.path+"/export?tag="+c.tag+"&format="+format, tok, nil)
			mustStatus(t, r, 200)
			job := importFile(t, h, tok, "export."+format, r.Body, c.resource, 30*time.Second)
			if job.Status != "done" || job.Progress.Created != 0 || job.Progress.Failed != 0 || job.Progress.AlreadyStored != 1 ||
				!slices.Contains(job.IgnoredColumns, "force_reason") {
				t.Errorf("%s %s export imported back: %+v %+v", c.resource, format, job, problemsOf(t, h, tok, job.ID))
			}
		}
	}
	if body := string(h.Do(t, "GET", people+"/export", tok, nil).Body); strings.Count(body, why) != 1 {
		t.Errorf("the people export names the reason %d times", strings.Count(body, why))
	}
}
