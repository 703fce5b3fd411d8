package party

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestAConsentIsReplacedOnlyByANewerDecision(t *testing.T) {
	ict := time.FixedZone("ICT", 7*3600)
	withdrawn := Consent{Granted: false, At: time.Date(2026, 11, 20, 9, 0, 0, 0, ict), Source: "gọi điện: chị từ chối nhận Zalo"}
	stored := map[Channel]Consent{ChannelZalo: withdrawn, ChannelEmail: {Granted: true, At: consentTime, Source: "web form"}}
	with := func(ch Channel, c Consent) map[Channel]Consent {
		out := map[Channel]Consent{}
		for k, v := range stored {
			out[k] = v
		}
		out[ch] = c
		return out
	}
	without := func(ch Channel) map[Channel]Consent {
		out := with(ch, Consent{})
		delete(out, ch)
		return out
	}
	for _, c := range []struct {
		name   string
		edited map[Channel]Consent
		field  string // "" when allowed
		want   string
	}{
		{"unchanged", stored, "", ""},
		{"the same instant in another offset", with(ChannelZalo, Consent{At: withdrawn.At.UTC(), Source: withdrawn.Source}), "", ""},
		{"a newer decision", with(ChannelZalo, Consent{Granted: true, At: withdrawn.At.Add(time.Hour), Source: "phiếu mới"}), "", ""},
		{"the same decision recorded elsewhere", with(ChannelZalo, Consent{At: withdrawn.At, Source: "ghi âm cuộc gọi"}), "", ""},
		{"a new channel", with(ChannelSMS, Consent{Granted: true, At: consentTime, Source: "web form"}), "", ""},
		{"an old paper form", with(ChannelZalo, Consent{Granted: true, At: time.Date(2020, 1, 1, 9, 0, 0, 0, ict), Source: "phiếu cũ 2020"}),
			"consents.zalo.at", "is before the stored decision (refused on 2026-11-20 09:00 +07:00), which is newer"},
		{"an older decision of the same answer", with(ChannelZalo, Consent{At: withdrawn.At.Add(-time.Minute), Source: "x"}),
			"consents.zalo.at", "is before the stored decision"},
		{"the other answer at the same instant", with(ChannelZalo, Consent{Granted: true, At: withdrawn.At.UTC(), Source: "x"}),
			"consents.zalo.at", "is the time of the stored decision (refused on 2026-11-20 09:00 +07:00), which this one contradicts"},
		{"a decision removed", without(ChannelZalo), "consents.zalo", "cannot be removed: the stored decision (refused on 2026-11-20 09:00 +07:00)"},
		{"every decision removed", nil, "consents.email", "cannot be removed: the stored decision (granted on 2025-03-01 09:00 +00:00)"},
	} {
		err := CheckConsentEdit(stored, c.edited)
		var verr *ValidationError
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.field == "":
		case !errors.As(err, &verr) || !hasField(verr, c.field, c.want):
			t.Errorf("%s: err = %v, want %s: %s", c.name, err, c.field, c.want)
		}
	}
	if CheckConsentEdit(nil, stored) != nil {
		t.Error("a person's first decisions were refused")
	}
}

func hasField(e *ValidationError, field, want string) bool {
	for _, f := range e.Fields {
		if f.Field == field && strings.Contains(f.Message, want) {
			return true
		}
	}
	return false
}
