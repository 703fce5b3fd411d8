package party

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDatesInIsoAndVietnameseDayFirstFormParse(t *testing.T) {
	want := Date{1990, time.May, 9}
	for _, in := range []string{"1990-05-09", "09/05/1990", "9/5/1990", "09-05-1990", "09.05.1990", " 9/5/1990 "} {
		got, err := ParseDate(in)
		if err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestImpossibleDateIsRefused(t *testing.T) {
	for _, in := range []string{"", "30/02/2001", "1990-13-01", "05/1990", "hôm qua"} {
		if got, err := ParseDate(in); !errors.Is(err, ErrInvalidDate) {
			t.Errorf("ParseDate(%q) = %v, %v; want ErrInvalidDate", in, got, err)
		}
	}
	if (Date{2001, time.February, 29}).Valid() {
		t.Error("29 February 2001 reported valid")
	}
}

func TestAnUnreadableDateDecodesToAnInvalidDate(t *testing.T) {
	for _, text := range []string{`"2025-02-30"`, `"tomorrow"`, `"31/04/2024"`} {
		var d Date
		if err := json.Unmarshal([]byte(text), &d); err != nil || d.IsZero() || d.Valid() {
			t.Errorf("%s decoded to %+v, %v: want a non-zero, invalid date", text, d, err)
		}
	}
}

func TestDateTravelsThroughJSONAsIsoText(t *testing.T) {
	in := struct {
		D Date `json:"d"`
	}{Date{2025, time.July, 1}}
	b, err := json.Marshal(in)
	if err != nil || string(b) != `{"d":"2025-07-01"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var out struct {
		D Date `json:"d"`
	}
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Errorf("Unmarshal = %+v, %v", out, err)
	}
}

// The first day of 1900 is what a spreadsheet shows for an empty date
// cell, not a birthday: the second is the first one taken.
func TestBirthdaysMayFallOnTodayAndFromTheSecondDayOf1900(t *testing.T) {
	for _, b := range []Date{today, {1900, time.January, 2}, {2024, time.February, 29}} {
		if _, err := NewPerson(Person{FullName: "Lê Văn C", Birthday: b}, now); err != nil {
			t.Errorf("birthday %s: %v", b, err)
		}
	}
	if _, err := NewPerson(Person{FullName: "Lê Văn C", Birthday: Date{1900, time.January, 1}}, now); err == nil || !strings.Contains(err.Error(), "empty date cell") {
		t.Errorf("1900-01-01: %v", err)
	}
}

func TestADateIsReadAsPeopleAndSpreadsheetsWriteIt(t *testing.T) {
	want := Date{2014, time.March, 5}
	for _, s := range []string{"2014-03-05", "2014/03/05", "2014/3/5", "05/03/2014", "5-3-2014", "05.03.2014", "05/03/2014 00:00:00",
		"5/3/2014 0:00", "2014-03-05T00:00:00", " 05/03/2014 00:00 "} {
		if d, err := ParseDate(s); err != nil || d != want {
			t.Errorf("%q: %v %v", s, d, err)
		}
	}
	for _, s := range []string{"05/03/2014 09:30", "2014-03-05T12:00:00", "03/2014", "2014/30/05"} {
		if d, err := ParseDate(s); err == nil {
			t.Errorf("%q read as %v", s, d)
		}
	}
}

func TestBeforeOrdersDaysByYearThenMonthThenDay(t *testing.T) {
	days := []Date{{2025, time.December, 31}, {2026, time.January, 1}, {2026, time.January, 2}, {2026, time.February, 1}}
	for i, a := range days {
		for j, b := range days {
			if got := a.Before(b); got != (i < j) {
				t.Errorf("%s.Before(%s) = %v", a, b, got)
			}
		}
	}
}
