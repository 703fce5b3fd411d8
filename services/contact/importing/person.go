package importing

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rapportcrm/rapport/services/contact/party"
)

// importantDates reads the row's important dates, each "label: date",
// separated by ";" or line breaks as exports write them: "Ngày cưới:
// 2015-06-20; Ngày vào lớp 1: 05/09/2024". The date is after the last
// colon, so a label may hold one.
func (v *rowValues) importantDates() []party.ImportantDate {
	var out []party.ImportantDate
	for _, item := range splitNames(v.text(FieldImportantDates), false) {
		i := strings.LastIndex(item, ":")
		var d party.Date
		err := party.ErrInvalidDate
		if i >= 0 {
			d, err = parseYearlyCellDate(strings.TrimSpace(item[i+1:]))
		}
		var bare numberNotDateError
		if errors.As(err, &bare) && strings.TrimSpace(item[:i]) != "" {
			v.report(FieldImportantDates, fmt.Sprintf("holds %q, whose date %v", item, bare))
			continue
		}
		if err != nil || strings.TrimSpace(item[:max(i, 0)]) == "" {
			v.report(FieldImportantDates, fmt.Sprintf(`holds %q, which is not an important date: write each as "label: date", `+
				`for example "Ngày cưới: 20/06/2015" or, without a year, "Ngày nhà giáo: 20/11", separated by ";"`, item))
			continue
		}
		out = append(out, party.ImportantDate{Label: item[:i], Date: d})
	}
	return out
}

// consentWords are the folded words a consent cell may start with, by
// whether they grant it: exports write "granted" and "refused", forms
// tick a box ("x") or write "có" and "không".
var consentWords = map[string]bool{
	"granted": true, "yes": true, "y": true, "x": true, "true": true, "1": true, "co": true, "dong y": true,
	"refused": false, "withdrawn": false, "no": false, "n": false, "false": false, "0": false,
	"khong": false, "khong dong y": false, "tu choi": false,
}

// consents reads the row's consent cells. A cell holds the decision, then
// optionally when and where it was made, separated by ";": "granted;
// 2026-03-01T09:00:00+07:00; web form" as exports write it, or just "có"
// under a form's "Đồng ý nhận Zalo". A decision without its time was made
// by the time the file was uploaded, and one without its source is traced
// to this import's row, since a consent nobody can trace is worth nothing.
func (v *rowValues) consents() map[party.Channel]party.Consent {
	var out map[party.Channel]party.Consent
	for _, cf := range consentFields {
		cell := v.text(cf.field)
		if cell == "" {
			continue
		}
		parts := strings.SplitN(cell, ";", 3)
		for len(parts) < 3 {
			parts = append(parts, "")
		}
		granted, ok := consentWords[headerKey(parts[0])]
		if !ok {
			v.report(cf.field, fmt.Sprintf(`holds %q, which is not a consent: write "granted" or "refused" ("có" or "không"), `+
				`then, if known, "; " when it was given and "; " where`, cell))
			continue
		}
		c := party.Consent{Granted: granted, At: v.c.opts.Received, Source: strings.TrimSpace(parts[2])}
		if at := strings.TrimSpace(parts[1]); at != "" {
			t, err := parseCellTime(at, v.c.opts.Location)
			if err != nil {
				v.report(cf.field, fmt.Sprintf(`gives %q as when the consent was given, which is not a time: write it as 2026-03-01 09:30, `+
					`01/03/2026 or 2026-03-01T09:30:00+07:00`, at))
				continue
			}
			c.At = t
		}
		if c.Source == "" {
			c.Source = fmt.Sprintf("import %s, %s", v.c.opts.Import, v.c.opts.Sheets.Row(v.line))
			if v.c.opts.Import == "" {
				c.Source = "import, " + v.c.opts.Sheets.Row(v.line)
			}
		}
		if out == nil {
			out = map[party.Channel]party.Consent{}
		}
		out[cf.channel] = c
	}
	return out
}

// cellTimeLayouts are the layouts of a time written without a zone.
var cellTimeLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2/1/2006 15:04:05", "2/1/2006 15:04"}

// parseCellTime reads a time as exports write it (RFC 3339), or as people
// type it, in loc; a date alone is its start in loc.
func parseCellTime(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range cellTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	d, err := parseCellDate(s)
	if err != nil {
		return time.Time{}, err
	}
	return d.Start(loc), nil
}

// relativeFields are the fields naming a person's relatives, by the kind of
// link each becomes, in the order a person's links are written.
var relativeFields = []party.RelationKind{party.RelParentOf, party.RelGuardianOf, party.RelRelatedTo}

// relatives reads the people the row's person is the parent or guardian
// of, or related to, as links to the people as written, which the import
// looks up (see ParsePersonRef). A related_to item starts with how the two
// are related: "vợ: Trần Thị Mai (+84912345678)".
func (v *rowValues) relatives() []party.Relationship {
	var out []party.Relationship
	for _, kind := range relativeFields {
		f := LinkField(kind)
		for _, item := range splitNames(v.text(f), false) {
			r := party.Relationship{Kind: kind, PartyID: item}
			if kind == party.RelRelatedTo {
				// After the last colon, as important dates are: a label may
				// hold one ("họ hàng: chú"), a name, phone or id never does.
				i := strings.LastIndex(item, ":")
				label, who := item[:max(i, 0)], item[i+1:]
				if i < 0 || strings.TrimSpace(label) == "" || strings.TrimSpace(who) == "" {
					v.report(f, fmt.Sprintf(`holds %q, which does not say how the two are related: write "how: who", `+
						`for example "vợ: Trần Thị Mai", separated by ";"`, item))
					continue
				}
				r.Label, r.PartyID = strings.TrimSpace(label), strings.TrimSpace(who)
			}
			out = append(out, r)
		}
	}
	return out
}
