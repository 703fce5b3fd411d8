package party

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// Channel is a way of reaching a person that needs their consent.
type Channel string

// Consent channels; Zalo matters most in Vietnam.
const (
	ChannelEmail Channel = "email"
	ChannelSMS   Channel = "sms"
	ChannelZalo  Channel = "zalo"
	ChannelPhone Channel = "phone"
)

// Valid reports whether ch is one of the channels above.
func (ch Channel) Valid() bool {
	switch ch {
	case ChannelEmail, ChannelSMS, ChannelZalo, ChannelPhone:
		return true
	}
	return false
}

// Consent is a person's latest decision about one channel. When and where it
// was given are kept because a consent nobody can trace is worth nothing.
type Consent struct {
	Granted bool      `json:"granted"`
	At      time.Time `json:"at"`
	Source  string    `json:"source"` // e.g. "web form", "phone call 2025-03-01"
}

// ImportantDate is a date worth a reminder besides the birthday, such as a
// wedding anniversary or a child's first school day.
type ImportantDate struct {
	Label string `json:"label"`
	Date  Date   `json:"date"`
}

// Person is a contact: someone at a unit, a parent, a student, a partner's staff.
type Person struct {
	ID string `json:"id"`
	// FullName is written family name first, with diacritics ("Nguyễn Văn An").
	FullName       string              `json:"full_name"`
	Phones         []string            `json:"phones,omitempty"` // E.164
	Emails         []string            `json:"emails,omitempty"`
	ZaloID         string              `json:"zalo_id,omitempty"`
	Birthday       Date                `json:"birthday,omitzero"`
	ImportantDates []ImportantDate     `json:"important_dates,omitempty"`
	Consents       map[Channel]Consent `json:"consents,omitempty"`
	Relationships  []Relationship      `json:"relationships,omitempty"`
	Tags           []string            `json:"tags,omitempty"`
	OwnerID        string              `json:"owner_id,omitempty"` // staff user id
	Notes          string              `json:"notes,omitempty"`
	// NextActionOn is the person's follow-up, which their interactions set
	// (FollowUp): answered on every read, never stored in the document nor
	// taken from a write.
	NextActionOn Date `json:"next_action_on,omitzero"`
	// Upcoming are the person's dates falling within the window of a list
	// asked for with dates_within (UpcomingDates): answered by such a list
	// only, never stored, never in an event, and refused in a write.
	Upcoming []Upcoming `json:"upcoming,omitempty"`
	// MergedIDs are the ids of people merged into this one, so links to them
	// keep resolving after a merge.
	MergedIDs []string `json:"merged_ids,omitempty"`
	// ForceReason is why staff created the person although their phone or
	// email was another party's, or, having neither, a person of their name
	// worked where they work (a create with force); set only then.
	ForceReason string `json:"force_reason,omitempty"`
}

// GivenName returns the name a person is addressed by, the last word of the
// full name ("An" for "Nguyễn Văn An").
func (p Person) GivenName() string {
	words := strings.Fields(p.FullName)
	if len(words) == 0 {
		return ""
	}
	return words[len(words)-1]
}

// earliestBirthday bounds birthdays from below: an earlier one is a
// spreadsheet's placeholder (01/01/1800) or a typo, not a living contact.
var earliestBirthday = Date{1900, time.January, 1}

// NewPerson returns p normalised (trimmed name, E.164 phones, lower-case
// emails, deduplicated tags and dates) or a *ValidationError listing every
// invalid field. now is the current time in the business time zone: a
// birthday after its day is a typo (important dates, such as a contract's
// end, may lie ahead), and so is a consent decided after it. A birthday or
// important date may be a day of the year without its year (Yearless).
func NewPerson(p Person, now time.Time) (Person, error) {
	var c checks
	today := DateOf(now)
	p.FullName = cleanText(p.FullName)
	if p.FullName == "" {
		c.add("full_name", "required")
	}
	// A person's name is an item of a parent's, a relative's or a unit's
	// staff cell, an organisation's of a workplace cell.
	checkNoListSeparator(&c, "full_name", p.FullName)
	p.Phones = normalizeList(&c, "phones", p.Phones, storedPhone)
	p.Emails = normalizeList(&c, "emails", p.Emails, NormalizeEmail)
	p.ZaloID = strings.TrimSpace(StripInvisible(p.ZaloID))
	switch {
	case p.Birthday.IsZero():
	case !p.Birthday.ValidYearly():
		c.add("birthday", "%v", ErrInvalidYearlyDate)
	case p.Birthday.Yearless():
		// A day of the year is in no year: neither after today nor before 1900.
	case today.Before(p.Birthday):
		c.add("birthday", "must not be after today (%s)", today)
	case p.Birthday.Before(earliestBirthday):
		c.add("birthday", "must not be before %s", earliestBirthday)
	case p.Birthday == earliestBirthday:
		c.add("birthday", "is 1900-01-01, which a spreadsheet shows for an empty date cell: leave the birthday out if it is not known")
	}
	p.ImportantDates = checkImportantDates(&c, p.ImportantDates)
	for _, ch := range slices.Sorted(maps.Keys(p.Consents)) {
		checkConsent(&c, ch, p.Consents[ch], now)
	}
	p.Relationships = checkRelationships(&c, p.ID, p.Relationships)
	checkTags(&c, p.Tags)
	p.Tags = normalizeTags(p.Tags)
	p.OwnerID = strings.TrimSpace(p.OwnerID)
	p.Notes = cleanNotes(p.Notes)
	if err := c.err(); err != nil {
		return Person{}, err
	}
	return p, nil
}

func checkImportantDates(c *checks, dates []ImportantDate) []ImportantDate {
	var out []ImportantDate
	for i, d := range dates {
		d.Label = cleanText(d.Label)
		if d.Label == "" {
			c.add(indexed("important_dates", i)+".label", "required")
		}
		checkNoListSeparator(c, indexed("important_dates", i)+".label", d.Label)
		if !d.Date.ValidYearly() {
			c.add(indexed("important_dates", i)+".date", "%v", ErrInvalidYearlyDate)
		}
		if !containsDate(out, d) {
			out = append(out, d)
		}
	}
	return out
}

func containsDate(dates []ImportantDate, d ImportantDate) bool {
	for _, e := range dates {
		if e.Date == d.Date && Fold(e.Label) == Fold(d.Label) {
			return true
		}
	}
	return false
}

// checkConsent checks that a consent says when and where it was decided;
// a decision dated after now is a typo. The instant is compared, not its
// day: a day read in the offset it was written with would let
// "23:59-12:00" through, a day and a half ahead of Vietnam.
func checkConsent(c *checks, ch Channel, consent Consent, now time.Time) {
	field := "consents." + string(ch)
	if !ch.Valid() {
		c.add(field, "unknown channel")
		return
	}
	switch {
	case consent.At.IsZero():
		c.add(field+".at", "required: when the person decided")
	case consent.At.After(now.Add(ClockSkew)):
		c.add(field+".at", "must not be in the future (it is %s now)", now.Format("2006-01-02 15:04 -07:00"))
	}
	if strings.TrimSpace(consent.Source) == "" {
		c.add(field+".source", "required: where the decision was recorded")
	}
}
