package party

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestOrganisationDiffListsOnlyChangedFields(t *testing.T) {
	base := Organisation{
		ID: "o1", Kinds: []Kind{KindUnit}, Name: "UBND xã A", Phones: []string{"+84912345678"},
		Stage: StageLead, CustomFields: map[string]any{"level": "primary", "staff": 12.0},
	}
	tests := []struct {
		name   string
		change func(o *Organisation)
		want   []Change
	}{
		{"unchanged", func(o *Organisation) {}, nil},
		{"nil and empty lists are the same", func(o *Organisation) { o.Tags = []string{} }, nil},
		{
			"name and stage",
			func(o *Organisation) { o.Name = "UBND xã B"; o.Stage = StageCustomer },
			[]Change{{"name", "UBND xã A", "UBND xã B"}, {"stage", StageLead, StageCustomer}},
		},
		{
			"a phone added",
			func(o *Organisation) { o.Phones = []string{"+84912345678", "+84987654321"} },
			[]Change{{"phones", []string{"+84912345678"}, []string{"+84912345678", "+84987654321"}}},
		},
		{
			"custom fields per key",
			func(o *Organisation) {
				o.CustomFields = map[string]any{"level": "secondary", "boarding": true}
			},
			[]Change{
				{"custom_fields.boarding", nil, true},
				{"custom_fields.level", "primary", "secondary"},
				{"custom_fields.staff", 12.0, nil},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			after := base
			tt.change(&after)
			if got := DiffOrganisation(base, after); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("DiffOrganisation:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestPersonDiffListsOnlyChangedFields(t *testing.T) {
	optIn := Consent{Granted: true, At: consentTime, Source: "web form"}
	base := Person{ID: "p1", FullName: "Nguyễn Văn An", Consents: map[Channel]Consent{ChannelZalo: optIn}}
	tests := []struct {
		name   string
		change func(p *Person)
		want   []Change
	}{
		{"unchanged", func(p *Person) {}, nil},
		{
			"same consent instant in another zone",
			func(p *Person) {
				c := optIn
				c.At = c.At.In(time.FixedZone("ICT", 7*3600))
				p.Consents = map[Channel]Consent{ChannelZalo: c}
			},
			nil,
		},
		{
			"birthday learnt",
			func(p *Person) { p.Birthday = Date{1990, time.May, 9} },
			[]Change{{"birthday", Date{}, Date{1990, time.May, 9}}},
		},
		{
			"opted out of zalo, into sms",
			func(p *Person) {
				out := Consent{Granted: false, At: consentTime.Add(time.Hour), Source: "phone call"}
				p.Consents = map[Channel]Consent{ChannelZalo: out, ChannelSMS: optIn}
			},
			[]Change{
				{"consents.sms", nil, optIn},
				{"consents.zalo", optIn, Consent{Granted: false, At: consentTime.Add(time.Hour), Source: "phone call"}},
			},
		},
		{
			"owner handed over",
			func(p *Person) { p.OwnerID = "staff-2" },
			[]Change{{"owner_id", "", "staff-2"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			after := base
			tt.change(&after)
			if got := DiffPerson(base, after); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("DiffPerson:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

// Every field a diff names is one a history filter takes.
func TestEveryDiffedFieldCanBeSelectedInTheHistory(t *testing.T) {
	at := consentTime
	full := Person{FullName: "A", Phones: []string{"+84912345678"}, Emails: []string{"a@b.vn"}, ZaloID: "z", Birthday: Date{1990, 1, 2},
		ImportantDates: []ImportantDate{{"x", Date{2020, 1, 1}}}, Consents: map[Channel]Consent{ChannelSMS: {Granted: true, At: at, Source: "s"}},
		Relationships: []Relationship{{Kind: "parent_of", PartyID: "p"}}, Tags: []string{"t"}, OwnerID: "o", Notes: "n", MergedIDs: []string{"m"}}
	for _, c := range DiffPerson(Person{}, full) {
		if _, err := HistoryFieldsOf(c.Field[:strings.IndexByte(c.Field+".", '.')], PersonHistoryFields); err != nil {
			t.Error(err)
		}
	}
	org := Organisation{Kinds: []Kind{KindSchool}, Name: "A", TaxCode: "1", Province: "p", District: "d", Ward: "w", Address: "a", Phones: []string{"x"},
		Emails: []string{"e"}, Website: "w", SupervisingUnitID: "s", Stage: "lead", Tags: []string{"t"}, OwnerID: "o", Notes: "n",
		CustomFields: map[string]any{"level": "x"}, MergedIDs: []string{"m"}}
	for _, c := range DiffOrganisation(Organisation{}, org) {
		if _, err := HistoryFieldsOf(c.Field[:strings.IndexByte(c.Field+".", '.')], OrganisationHistoryFields); err != nil {
			t.Error(err)
		}
	}
	if got, err := HistoryFieldsOf(" owner_id,consents,,owner_id", PersonHistoryFields); err != nil || !slices.Equal(got, []string{"owner_id", "consents"}) {
		t.Errorf("%q %v", got, err)
	}
	if _, err := HistoryFieldsOf("owner", PersonHistoryFields); err == nil || !strings.Contains(err.Error(), `"owner" is no field`) {
		t.Errorf("a misspelt field: %v", err)
	}
}
