package party

import (
	"slices"
	"strings"
	"testing"
)

// The renumberings as published, written as people dial them; kept apart
// from oldMobiles and oldAreaCodes so that a wrong row there fails here.
var (
	mobilesRenumbered2018 = [][2]string{
		{"0120", "070"}, {"0121", "079"}, {"0122", "077"}, {"0126", "076"}, {"0128", "078"},
		{"0123", "083"}, {"0124", "084"}, {"0125", "085"}, {"0127", "081"}, {"0129", "082"},
		{"0162", "032"}, {"0163", "033"}, {"0164", "034"}, {"0165", "035"}, {"0166", "036"},
		{"0167", "037"}, {"0168", "038"}, {"0169", "039"},
		{"0186", "056"}, {"0188", "058"}, {"0199", "059"},
	}
	// Area codes whose old numbers are dialled as mobiles today, so they
	// are not rewritten: see areaCode.mobileNow.
	areaCodesNowMobile      = []string{"033", "036", "037", "038", "039", "052", "055", "056", "058", "059", "070", "076", "077", "079", "08"}
	areaCodesRenumbered2017 = [][2]string{
		{"04", "024"}, {"08", "028"},
		{"020", "0214"}, {"022", "0212"}, {"0230", "0215"}, {"0231", "0213"}, {"0240", "0204"},
		{"0241", "0222"}, {"025", "0205"}, {"026", "0206"}, {"027", "0207"}, {"0280", "0208"},
		{"0281", "0209"}, {"029", "0216"}, {"030", "0229"}, {"031", "0225"}, {"0320", "0220"},
		{"0321", "0221"}, {"033", "0203"}, {"0350", "0228"}, {"0351", "0226"}, {"036", "0227"},
		{"037", "0237"}, {"038", "0238"}, {"039", "0239"}, {"0500", "0262"}, {"0501", "0261"},
		{"0510", "0235"}, {"0511", "0236"}, {"052", "0232"}, {"053", "0233"}, {"054", "0234"},
		{"055", "0255"}, {"056", "0256"}, {"057", "0257"}, {"058", "0258"}, {"059", "0269"},
		{"060", "0260"}, {"061", "0251"}, {"062", "0252"}, {"063", "0263"}, {"064", "0254"},
		{"0650", "0274"}, {"0651", "0271"}, {"066", "0276"}, {"067", "0277"}, {"068", "0259"},
		{"070", "0270"}, {"0710", "0292"}, {"0711", "0293"}, {"072", "0272"}, {"073", "0273"},
		{"074", "0294"}, {"075", "0275"}, {"076", "0296"}, {"077", "0297"}, {"0780", "0290"},
		{"0781", "0291"}, {"079", "0299"},
	}
)

// writings returns the ways people write a number whose code is code and
// whose rest is rest, split for reading as groups: with "0", "84" and
// "+84", with and without spaces, dots and dashes, the code in brackets.
func writings(code string, groups ...string) []string {
	bare := strings.TrimPrefix(code, "0")
	rest := strings.Join(groups, "")
	return []string{
		code + rest,
		code + " " + strings.Join(groups, " "),
		code + "." + strings.Join(groups, "."),
		code + "-" + strings.Join(groups, "-"),
		"(" + code + ") " + strings.Join(groups, " "),
		"84" + bare + rest,
		"84 " + bare + " " + strings.Join(groups, " "),
		"+84" + bare + rest,
		"+84 " + bare + " " + strings.Join(groups, " "),
		"+84-" + bare + "-" + strings.Join(groups, "-"),
		bare + rest, // a spreadsheet dropped the "0"
	}
}

func TestEveryMobileRenumberedIn2018IsReadAsItsCurrentNumber(t *testing.T) {
	if len(mobilesRenumbered2018) != len(oldMobiles) {
		t.Fatalf("oldMobiles has %d prefixes, the 2018 renumbering %d", len(oldMobiles), len(mobilesRenumbered2018))
	}
	for _, row := range mobilesRenumbered2018 {
		want := "+84" + strings.TrimPrefix(row[1], "0") + "1234567"
		for _, in := range writings(row[0], "123", "4567") {
			if got, ok := CurrentPhone(in); got != want || !ok {
				t.Errorf("CurrentPhone(%q) = %q, %v; want %q, true", in, got, ok, want)
			}
			if got, err := NormalizePhone(in); got != want || err != nil {
				t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, err, want)
			}
		}
	}
}

func TestEveryAreaCodeRenumberedIn2017IsReadAsItsCurrentCode(t *testing.T) {
	if len(areaCodesRenumbered2017) != 59 || len(oldAreaCodes) != 59 {
		t.Fatalf("oldAreaCodes has %d codes, the test %d; 59 provinces changed theirs", len(oldAreaCodes), len(areaCodesRenumbered2017))
	}
	for _, row := range areaCodesRenumbered2017 {
		if slices.Contains(areaCodesNowMobile, row[0]) {
			continue // TestAnOldLandlineDialledAsAMobileTodayIsLeftAsItIs
		}
		groups := []string{"382", "2123"} // 7 digits after a province's code
		if row[0] == "04" {
			groups = []string{"3825", "1234"} // 8 after Hà Nội's
		}
		want := "+84" + strings.TrimPrefix(row[1], "0") + strings.Join(groups, "")
		for _, in := range writings(row[0], groups...) {
			if got, ok := CurrentPhone(in); got != want || !ok {
				t.Errorf("CurrentPhone(%q) = %q, %v; want %q, true", in, got, ok, want)
			}
			if got, err := NormalizePhone(in); got != want || err != nil {
				t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, err, want)
			}
		}
	}
}

func TestAnOldLandlineDialledAsAMobileTodayIsLeftAsItIs(t *testing.T) {
	for _, code := range areaCodesNowMobile {
		if code == "08" {
			continue // TestAnOldTPHCMLandlineIsRewrittenOnlyWhenWrittenWithItsAreaCodeApart
		}
		for _, in := range writings(code, "382", "2123") {
			if got, ok := CurrentPhone(in); got != in || ok {
				t.Errorf("CurrentPhone(%q) = %q, %v; want it unchanged", in, got, ok)
			}
		}
	}
}

func TestAnOldTPHCMLandlineIsRewrittenOnlyWhenWrittenWithItsAreaCodeApart(t *testing.T) {
	for _, in := range []string{
		"08 3825 1234", "08.3825.1234", "08-3825-1234", "(08) 3825 1234", "(08) 38251234", "08 38 25 12 34",
		"84 8 3825 1234", "+84 8 3825 1234", "+84-8-38251234", "(84-8) 3825 1234", "(848) 3825 1234", "+848 3825 1234",
		"8 3825 1234", // a spreadsheet dropped the "0"
	} {
		if got, ok := CurrentPhone(in); got != "+842838251234" || !ok {
			t.Errorf("CurrentPhone(%q) = %q, %v; want +842838251234, true", in, got, ok)
		}
	}
	for _, in := range []string{
		"0838251234", "083 825 1234", "0838 251 234", "0838.251.234", "+84 838 251 234", "84838251234",
		"848 251 234", // 0848 251 234 without its "0"
	} {
		if got, ok := CurrentPhone(in); got != in || ok {
			t.Errorf("CurrentPhone(%q) = %q, %v; want it unchanged", in, got, ok)
		}
	}
}

func TestACurrentForeignOrShortNumberIsNotRewritten(t *testing.T) {
	for _, in := range []string{
		"0912 345 678", "0381234567", "038 123 4567", "+84 38 123 4567", "070 123 4567", "0868 123 456", "0599 123 456",
		"024 3825 1234", "02438251234", "+84 24 3825 1234", "028 3825 1234", "0236 3822 123", "0225 3822 123", "0211 3822 123",
		"+1 650 253 0000", "+44 20 7946 0958", "+33 4 38 25 12 34", "+86 168 1234 5678", "+65 6123 4567",
		"113", "1900 1234", "1800 1091", "0168 123", "04 3825", "0511 382",
		"", "not a number",
	} {
		if got, ok := CurrentPhone(in); got != in || ok {
			t.Errorf("CurrentPhone(%q) = %q, %v; want it unchanged", in, got, ok)
		}
	}
}

func TestARenumberedPhoneKeepsItsExtension(t *testing.T) {
	if got, ok := CurrentPhone("04 3825 1234 ext 105"); got != "+842438251234 ext 105" || !ok {
		t.Errorf("CurrentPhone = %q, %v; want +842438251234 ext 105, true", got, ok)
	}
	if got := PhoneExtension("04 3825 1234 ext 105"); got != "105" {
		t.Errorf("PhoneExtension = %q; want 105", got)
	}
}
