package store

import (
	"context"
	"slices"
	"testing"

	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact/migrations"
	"github.com/rapportcrm/rapport/services/contact/party"
)

// TestTheNameKeyInSQLAgreesWithGo checks that party_name_key, which the
// lookups of probable duplicates and their index read, gives every name
// the key party.NameKey gives it in Go: each ASCII character, the
// typographic punctuation NameKey reads as a space, and characters it
// keeps, around and inside names.
func TestTheNameKeyInSQLAgreesWithGo(t *testing.T) {
	pool := testkit.NewDatabase(t).Service(t, "contact", migrations.FS)
	names := []string{"Trường THCS Dup.", "Trần  Văn Bình…", "Trường “Hoa Sen” – Hà Nội", "H'Hen Niê", "...", "",
		"Trường «Lê Lợi» • cơ sở 2", "Ω·ω", "Trần T.Cúc"}
	for r := rune(0x20); r < 0x7f; r++ {
		names = append(names, "a"+string(r)+"b", string(r)+"x "+string(r))
	}
	var keys []string
	err := pool.QueryRow(context.Background(), `SELECT array_agg(party_name_key(n) ORDER BY i) FROM unnest($1::text[]) WITH ORDINALITY AS q(n, i)`,
		folded(names)).Scan(&keys)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range names {
		if want := party.NameKey(name); keys[i] != want {
			t.Errorf("party_name_key of %q's search name is %q, party.NameKey %q", name, keys[i], want)
		}
	}
}

// TestOrganisationsNamedFindsAnOrganisationWrittenWithOtherPunctuation
// stores a school and asks for it by the key of its name written with a
// full stop, in its province and in another.
func TestOrganisationsNamedFindsAnOrganisationWrittenWithOtherPunctuation(t *testing.T) {
	pool := testkit.NewDatabase(t).Service(t, "contact", migrations.FS)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO organization (id, doc, name, search_name, province, created_at, updated_at)
VALUES ('0190a3c2-6b1e-7c4d-9a2f-3e5b7d9c1f20', '{}', 'Trường THCS Dup', 'truong thcs dup', 'Hà Nội', now(), now())`); err != nil {
		t.Fatal(err)
	}
	key := party.NameKey("Trường THCS, Dup.")
	found, err := OrganisationsNamed(ctx, pool, []string{key, key}, []string{"Hà Nội", "Huế"})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].At != "Hà Nội" {
		t.Fatalf("found %+v", found)
	}
}

// TestOrganisationsNamedWithoutAProvinceFindsEveryProvincesNamesake
// stores one school of a name in Hà Nội, one in Huế and one without a
// province: asked without a province, all three are found; asked in Hà
// Nội, that one and the one without; asked in Đà Nẵng, the one without.
func TestOrganisationsNamedWithoutAProvinceFindsEveryProvincesNamesake(t *testing.T) {
	pool := testkit.NewDatabase(t).Service(t, "contact", migrations.FS)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO organization (id, doc, name, search_name, province, created_at, updated_at)
VALUES ('0190a3c2-6b1e-7c4d-9a2f-3e5b7d9c1f20', '{}', 'Trường THCS Dup', 'truong thcs dup', 'Hà Nội', now(), now()),
 ('0190a3c2-6b1e-7c4d-9a2f-3e5b7d9c1f21', '{}', 'Trường THCS Dup', 'truong thcs dup', 'Huế', now(), now()),
 ('0190a3c2-6b1e-7c4d-9a2f-3e5b7d9c1f22', '{}', 'Trường THCS Dup', 'truong thcs dup', NULL, now(), now()),
 ('0190a3c2-6b1e-7c4d-9a2f-3e5b7d9c1f23', '{}', 'Trường THCS Khác', 'truong thcs khac', NULL, now(), now())`); err != nil {
		t.Fatal(err)
	}
	key := party.NameKey("Trường THCS Dup")
	for _, c := range []struct {
		province string
		want     []string
	}{
		{"", []string{"Hà Nội", "Huế", ""}},
		{"Hà Nội", []string{"Hà Nội", ""}},
		{"Đà Nẵng", []string{""}},
	} {
		found, err := OrganisationsNamed(ctx, pool, []string{key}, []string{c.province})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range found {
			got = append(got, f.At)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("asked in %q: found in %q, want %q", c.province, got, c.want)
		}
	}
}

func folded(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = party.Fold(n) // as search_name is stored
	}
	return out
}
