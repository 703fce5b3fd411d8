// Package readiness is the lead's checklist the day before a course: the templates,
// what counts as checked, and what is still at risk.
package readiness

import (
	"net/url"
	"strings"
	"time"

	"github.com/rapportcrm/rapport/services/training/calendar"
	"github.com/rapportcrm/rapport/services/training/course"
)

// Kind is the answer an item expects.
type Kind string

// Item kinds.
const (
	Boolean Kind = "boolean" // done or not ("Wifi mạnh")
	Count   Kind = "count"   // a number from the confirmation calls
	Text    Kind = "text"    // a name, a link, a yes/no with its reason
	Photo   Kind = "photo"   // proof sent back from the venue
)

// Item is one line of a checklist template.
type Item struct {
	Key      string
	Section  string
	LabelVI  string
	LabelEN  string
	Kind     Kind
	Required bool
}

// Check is the lead's answer to one item. Only the field matching the item's kind
// decides completeness; Note is free for context ("wifi yếu, đã mượn router").
type Check struct {
	Key       string
	OK        bool   // Boolean items
	Count     *int   // Count items; optional on Photo items (seats counted on the photo)
	Text      string // Text items
	PhotoURL  string // Photo items
	Note      string
	CheckedBy string
	CheckedAt time.Time
}

// Validate refuses answers that cannot be stored as given: negative counts, photo
// links that are not web addresses, checks for items not on the list, and a check
// of a count, photo or text item without its answer (Missing).
func (c Check) Validate(items []Item) error {
	var v course.ValidationError
	if it, ok := find(items, c.Key); !ok {
		v.Add("key", "not an item of this checklist")
	} else if field := Missing(it, c); field != "" {
		v.Add(field, field+" is required for this item")
	}
	if c.Count != nil && *c.Count < 0 {
		v.Add("count", "must not be negative")
	}
	if c.PhotoURL != "" {
		if u, err := url.Parse(c.PhotoURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			v.Add("photo_url", "must be an http(s) address")
		}
	}
	return v.Err()
}

// Missing names the field a check of it must carry and does not: "count",
// "photo_url" or "text" ("" when nothing is missing). A bare {"ok":true} on such an
// item would be stored as checked yet leave the item incomplete, and a later bare
// check would undo an answered one; only a boolean item is answered by ok alone.
func Missing(it Item, c Check) string {
	switch it.Kind {
	case Count:
		if c.Count == nil {
			return "count"
		}
	case Photo:
		if strings.TrimSpace(c.PhotoURL) == "" {
			return "photo_url"
		}
	case Text:
		if strings.TrimSpace(c.Text) == "" {
			return "text"
		}
	}
	return ""
}

func find(items []Item, key string) (Item, bool) {
	for _, it := range items {
		if it.Key == key {
			return it, true
		}
	}
	return Item{}, false
}

// Satisfied reports whether c answers it. A "no" on a boolean item is recorded but
// does not satisfy it: weak wifi is exactly what the check exists to catch.
func Satisfied(it Item, c Check) bool {
	if c.Key != it.Key {
		return false
	}
	switch it.Kind {
	case Boolean:
		return c.OK
	case Count:
		return c.Count != nil && *c.Count >= 0
	case Text:
		return strings.TrimSpace(c.Text) != ""
	case Photo:
		return c.PhotoURL != ""
	}
	return false
}

// Incomplete lists the required items not satisfied by their latest check. Checks are
// taken in order, later ones replacing earlier ones, so re-checking fixes an item.
func Incomplete(items []Item, checks []Check) []Item {
	latest := make(map[string]Check, len(checks))
	for _, c := range checks {
		latest[c.Key] = c
	}
	var out []Item
	for _, it := range items {
		if !it.Required {
			continue
		}
		if c, ok := latest[it.Key]; !ok || !Satisfied(it, c) {
			out = append(out, it)
		}
	}
	return out
}

// Keys are the items' keys, the form course.Facts expects.
func Keys(items []Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Key
	}
	return out
}

// ReadinessCheckDue is when missing items become "readiness at risk": 12:00 local on
// the day before the first session. The lead checks in the morning ("trước TH 1 ngày");
// noon leaves the afternoon to fix what is missing while suppliers and units can
// still be reached.
func ReadinessCheckDue(firstSession calendar.Date) time.Time {
	return firstSession.AddDays(-1).At(12, 0)
}

// AtRisk lists the required items still incomplete once the check is due; before
// that the lead is still working through the list and nothing is at risk yet.
func AtRisk(mode course.Mode, checks []Check, firstSession calendar.Date, now time.Time) []Item {
	if now.Before(ReadinessCheckDue(firstSession)) {
		return nil
	}
	return Incomplete(ItemsFor(mode), checks)
}
