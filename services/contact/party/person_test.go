package party

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

var (
	consentTime = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	today       = Date{2026, time.November, 24}
	// now is 16:00 on today in Vietnam, the business time zone.
	now = time.Date(2026, time.November, 24, 16, 0, 0, 0, time.FixedZone("ICT", 7*3600))
)

func TestValidPersonIsNormalised(t *testing.T) {
	got, err := NewPerson(Person{
		ID:       "p1",
		FullName: " Nguye\u0302\u0303n  Văn   An ", // ễ decomposed
		Phones:   []string{"0912 345 678", "84912345678"},
		Emails:   []string{"An@Gmail.com"},
		ZaloID:   " 0912345678 ",
		Birthday: Date{1990, time.May, 19},
		ImportantDates: []ImportantDate{
			{"Ngày cưới", Date{2015, time.October, 10}},
			{"ngay cuoi", Date{2015, time.October, 10}},
		},
		Consents: map[Channel]Consent{ChannelZalo: {Granted: true, At: consentTime, Source: "web form"}},
		Relationships: []Relationship{
			{Kind: RelWorksAt, PartyID: "org-1", Title: " Kế toán trưởng ", PartyName: "looked up on reads"},
			{Kind: RelParentOf, PartyID: "p2"},
			{Kind: RelParentOf, PartyID: "p2", PartyName: "Nguyễn Thị Bé"},
		},
		Tags:  []string{"phụ huynh", "Phụ Huynh"},
		Notes: " Go\u0323i lại sau ",
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	want := Person{
		ID:             "p1",
		FullName:       "Nguyễn Văn An",
		Phones:         []string{"+84912345678"},
		Emails:         []string{"an@gmail.com"},
		ZaloID:         "0912345678",
		Birthday:       Date{1990, time.May, 19},
		ImportantDates: []ImportantDate{{"Ngày cưới", Date{2015, time.October, 10}}},
		Consents:       map[Channel]Consent{ChannelZalo: {Granted: true, At: consentTime, Source: "web form"}},
		Relationships: []Relationship{
			{Kind: RelWorksAt, PartyID: "org-1", Title: "Kế toán trưởng"},
			{Kind: RelParentOf, PartyID: "p2"},
		},
		Tags:  []string{"phụ huynh"},
		Notes: "Gọi lại sau",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("NewPerson:\n got %+v\nwant %+v", got, want)
	}
}

func TestInvalidPersonListsEveryBadField(t *testing.T) {
	tests := []struct {
		name   string
		person Person
		want   []FieldError
	}{
		{
			name:   "missing name",
			person: Person{Phones: []string{"0912345678"}},
			want:   []FieldError{{"full_name", "required"}},
		},
		{
			name: "bad phones and emails point at their index",
			person: Person{
				FullName: "Trần Thị Bích",
				Phones:   []string{"0912345678", "0123", "abc"},
				Emails:   []string{"bich@x.vn", "bich@"},
			},
			want: []FieldError{
				{"phones[1]", ErrInvalidPhone.Error()},
				{"phones[2]", ErrInvalidPhone.Error()},
				{"emails[1]", ErrInvalidEmail.Error()},
			},
		},
		{
			name: "impossible dates",
			person: Person{
				FullName:       "Lê Văn C",
				Birthday:       Date{2001, time.February, 30},
				ImportantDates: []ImportantDate{{"", Date{2020, 13, 1}}},
			},
			want: []FieldError{
				{"birthday", ErrInvalidYearlyDate.Error()},
				{"important_dates[0].label", "required"},
				{"important_dates[0].date", ErrInvalidYearlyDate.Error()},
			},
		},
		{
			name:   "a birthday tomorrow",
			person: Person{FullName: "Lê Văn C", Birthday: Date{2026, time.November, 25}},
			want:   []FieldError{{"birthday", "must not be after today (2026-11-24)"}},
		},
		{
			// Each is ahead of now however its day reads in its own offset;
			// a few minutes' skew between clocks is not.
			name: "a consent given ahead of now",
			person: Person{FullName: "Lê Văn C", Consents: map[Channel]Consent{
				ChannelEmail: {Granted: true, At: time.Date(2026, time.November, 25, 8, 0, 0, 0, time.UTC), Source: "form"},
				ChannelSMS:   {Granted: true, At: time.Date(2026, time.November, 24, 23, 59, 0, 0, time.FixedZone("", -12*3600)), Source: "form"},
				ChannelPhone: {Granted: true, At: time.Date(2026, time.November, 24, 23, 0, 0, 0, time.FixedZone("ICT", 7*3600)), Source: "form"},
				ChannelZalo:  {Granted: true, At: now.Add(4 * time.Minute).UTC(), Source: "form"},
			}},
			want: []FieldError{
				{"consents.email.at", "must not be in the future (it is 2026-11-24 16:00 +07:00 now)"},
				{"consents.phone.at", "must not be in the future (it is 2026-11-24 16:00 +07:00 now)"},
				{"consents.sms.at", "must not be in the future (it is 2026-11-24 16:00 +07:00 now)"},
			},
		},
		{
			name:   "a placeholder birthday",
			person: Person{FullName: "Lê Văn C", Birthday: Date{1899, time.December, 31}},
			want:   []FieldError{{"birthday", "must not be before 1900-01-01"}},
		},
		{
			name: "untraceable consent and unknown channel",
			person: Person{
				FullName: "Lê Văn C",
				Consents: map[Channel]Consent{
					ChannelSMS: {Granted: true},
					"fax":      {Granted: true, At: consentTime, Source: "paper"},
				},
			},
			want: []FieldError{
				{"consents.fax", "unknown channel"},
				{"consents.sms.at", "required: when the person decided"},
				{"consents.sms.source", "required: where the decision was recorded"},
			},
		},
		{
			name: "broken relationships",
			person: Person{
				ID: "p1", FullName: "Lê Văn C",
				Relationships: []Relationship{
					{Kind: RelRelatedTo, PartyID: "p2"},
					{Kind: "friend_of", PartyID: "p3"},
					{Kind: RelGuardianOf},
					{Kind: RelParentOf, PartyID: "p1"},
					{Kind: RelParentOf, PartyID: "p4", Title: "Bố"},
					{Kind: RelWorksAt, PartyID: "o1", Title: "Kế toán", Label: "chính"},
				},
			},
			want: []FieldError{
				{"relationships[0].label", "required: say how the two people are related"},
				{"relationships[1].kind", `unknown relationship "friend_of"`},
				{"relationships[2].party_id", "required"},
				{"relationships[3].party_id", "a person cannot be related to themselves"},
				{"relationships[4].title", "is a job title, for works_at links only: write how people are related in a related_to link's label"},
				{"relationships[5].label", "is for related_to links only, saying how the two people are related"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewPerson(tt.person, now)
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("err = %v, want *ValidationError", err)
			}
			if !reflect.DeepEqual(verr.Fields, tt.want) {
				t.Errorf("fields:\n got %q\nwant %q", verr.Fields, tt.want)
			}
		})
	}
}

func TestGivenNameIsTheLastWordOfTheFullName(t *testing.T) {
	tests := []struct{ full, want string }{
		{"Nguyễn Văn An", "An"},
		{"Tôn Nữ Thị Ánh Đào", "Đào"},
		{"Hùng", "Hùng"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := (Person{FullName: tt.full}).GivenName(); got != tt.want {
			t.Errorf("GivenName(%q) = %q, want %q", tt.full, got, tt.want)
		}
	}
}

func TestPersonDuplicateKeysAreItsPhonesAndEmails(t *testing.T) {
	p := Person{FullName: "A", Phones: []string{"+84912345678"}, Emails: []string{"a@x.vn"}}
	want := []Key{{KeyPhone, "+84912345678"}, {KeyEmail, "a@x.vn"}}
	if got := p.DuplicateKeys(); !reflect.DeepEqual(got, want) {
		t.Errorf("DuplicateKeys() = %v, want %v", got, want)
	}
}
