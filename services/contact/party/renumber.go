package party

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// The renumberings of Vietnam's numbering plan that old spreadsheets still
// hold. Each table maps the old code to the new one, written without the
// trunk "0", as they begin a national number once "0", "84" or "+84" is
// taken off ("168" of "0168 123 4567").
var (
	// oldMobiles: 11-digit mobiles renumbered to 10 digits by the Ministry
	// of Information and Communications from 15/09/2018 to 15/11/2018. The
	// number after the prefix stays.
	oldMobiles = map[string]string{
		"120": "70", "121": "79", "122": "77", "126": "76", "128": "78", // MobiFone
		"123": "83", "124": "84", "125": "85", "127": "81", "129": "82", // VinaPhone
		"162": "32", "163": "33", "164": "34", "165": "35", "166": "36", // Viettel
		"167": "37", "168": "38", "169": "39",
		"186": "56", "188": "58", // Vietnamobile
		"199": "59", // Gmobile
	}

	// oldAreaCodes: landline area codes of the 59 provinces renumbered in
	// 2017, in three phases (11/02, 15/04 and 17/06/2017). The subscriber
	// number stays: 8 digits after Hà Nội's and TP HCM's codes, 7 after the
	// others. Vĩnh Phúc (0211), Phú Thọ (0210), Hòa Bình (0218) and Hà
	// Giang (0219) kept theirs.
	oldAreaCodes = map[string]areaCode{
		"20":  {"214", 7, false}, // 020 → 0214 Lào Cai
		"22":  {"212", 7, false}, // 022 → 0212 Sơn La
		"230": {"215", 7, false}, // 0230 → 0215 Điện Biên
		"231": {"213", 7, false}, // 0231 → 0213 Lai Châu
		"240": {"204", 7, false}, // 0240 → 0204 Bắc Giang
		"241": {"222", 7, false}, // 0241 → 0222 Bắc Ninh
		"25":  {"205", 7, false}, // 025 → 0205 Lạng Sơn
		"26":  {"206", 7, false}, // 026 → 0206 Cao Bằng
		"27":  {"207", 7, false}, // 027 → 0207 Tuyên Quang
		"280": {"208", 7, false}, // 0280 → 0208 Thái Nguyên
		"281": {"209", 7, false}, // 0281 → 0209 Bắc Kạn
		"29":  {"216", 7, false}, // 029 → 0216 Yên Bái
		"30":  {"229", 7, false}, // 030 → 0229 Ninh Bình
		"31":  {"225", 7, false}, // 031 → 0225 Hải Phòng
		"320": {"220", 7, false}, // 0320 → 0220 Hải Dương
		"321": {"221", 7, false}, // 0321 → 0221 Hưng Yên
		"33":  {"203", 7, true},  // 033 → 0203 Quảng Ninh
		"350": {"228", 7, false}, // 0350 → 0228 Nam Định
		"351": {"226", 7, false}, // 0351 → 0226 Hà Nam
		"36":  {"227", 7, true},  // 036 → 0227 Thái Bình
		"37":  {"237", 7, true},  // 037 → 0237 Thanh Hóa
		"38":  {"238", 7, true},  // 038 → 0238 Nghệ An
		"39":  {"239", 7, true},  // 039 → 0239 Hà Tĩnh
		"4":   {"24", 8, false},  // 04 → 024 Hà Nội
		"500": {"262", 7, false}, // 0500 → 0262 Đắk Lắk
		"501": {"261", 7, false}, // 0501 → 0261 Đắk Nông
		"510": {"235", 7, false}, // 0510 → 0235 Quảng Nam
		"511": {"236", 7, false}, // 0511 → 0236 Đà Nẵng
		"52":  {"232", 7, true},  // 052 → 0232 Quảng Bình
		"53":  {"233", 7, false}, // 053 → 0233 Quảng Trị
		"54":  {"234", 7, false}, // 054 → 0234 Thừa Thiên Huế
		"55":  {"255", 7, true},  // 055 → 0255 Quảng Ngãi
		"56":  {"256", 7, true},  // 056 → 0256 Bình Định
		"57":  {"257", 7, false}, // 057 → 0257 Phú Yên
		"58":  {"258", 7, true},  // 058 → 0258 Khánh Hòa
		"59":  {"269", 7, true},  // 059 → 0269 Gia Lai
		"60":  {"260", 7, false}, // 060 → 0260 Kon Tum
		"61":  {"251", 7, false}, // 061 → 0251 Đồng Nai
		"62":  {"252", 7, false}, // 062 → 0252 Bình Thuận
		"63":  {"263", 7, false}, // 063 → 0263 Lâm Đồng
		"64":  {"254", 7, false}, // 064 → 0254 Bà Rịa - Vũng Tàu
		"650": {"274", 7, false}, // 0650 → 0274 Bình Dương
		"651": {"271", 7, false}, // 0651 → 0271 Bình Phước
		"66":  {"276", 7, false}, // 066 → 0276 Tây Ninh
		"67":  {"277", 7, false}, // 067 → 0277 Đồng Tháp
		"68":  {"259", 7, false}, // 068 → 0259 Ninh Thuận
		"70":  {"270", 7, true},  // 070 → 0270 Vĩnh Long
		"710": {"292", 7, false}, // 0710 → 0292 Cần Thơ
		"711": {"293", 7, false}, // 0711 → 0293 Hậu Giang
		"72":  {"272", 7, false}, // 072 → 0272 Long An
		"73":  {"273", 7, false}, // 073 → 0273 Tiền Giang
		"74":  {"294", 7, false}, // 074 → 0294 Trà Vinh
		"75":  {"275", 7, false}, // 075 → 0275 Bến Tre
		"76":  {"296", 7, true},  // 076 → 0296 An Giang
		"77":  {"297", 7, true},  // 077 → 0297 Kiên Giang
		"780": {"290", 7, false}, // 0780 → 0290 Cà Mau
		"781": {"291", 7, false}, // 0781 → 0291 Bạc Liêu
		"79":  {"299", 7, true},  // 079 → 0299 Sóc Trăng
		"8":   {"28", 8, true},   // 08 → 028 TP Hồ Chí Minh
	}
)

// areaCode is what an old area code became.
type areaCode struct {
	current string
	// digits is the length of the subscriber numbers after the code.
	digits int
	// mobileNow marks an old code that begins mobile numbers today (codes
	// freed in 2017 went to mobiles: "038" is Viettel's, "08x" are
	// mobiles): "038 3822 123" may be a landline of Nghệ An or a mobile,
	// so it is never rewritten, bar TP HCM's written with its old area
	// code apart ("08 3825 1234", "(08) 3825 1234", "+84 8 3825 1234"),
	// as no one writes a mobile (oldHCMWriting). Ninh Bình's 030 and Hải
	// Phòng's 031 are not marked: libphonenumber reads "03x" as mobiles,
	// but no carrier has been given 030 or 031.
	mobileNow bool
}

// CurrentPhone returns raw rewritten to the number it has today, in E.164
// (with its extension, if written with one), and true, if raw is a
// Vietnamese number in a retired format: an 11-digit mobile of before
// 2018 ("0168 123 4567" is "+84381234567") or a landline with its area
// code of before 2017 ("04 3825 1234" is "+842438251234"), written with
// "0", "84" or "+84" or none. Anything else, a current number among
// them, comes back as it is, with false. NormalizePhone applies it, so
// every phone read (API, import, duplicates, search) is read as today's.
func CurrentPhone(raw string) (string, bool) {
	if !mayBeRetired(raw) {
		return raw, false // most numbers, told without parsing them
	}
	num, err := phonenumbers.Parse(raw, DefaultRegion)
	if err != nil || !renumber(num, raw) {
		return raw, false
	}
	current := phonenumbers.Format(num, phonenumbers.E164)
	if ext := num.GetExtension(); ext != "" {
		current += " ext " + ext
	}
	return current, true
}

// renumber rewrites num, parsed from raw, to its current number if it is
// one in a retired format (see CurrentPhone), and reports whether it did.
func renumber(num *phonenumbers.PhoneNumber, raw string) bool {
	if num.GetCountryCode() != 84 {
		return false
	}
	current, ok := retired(strconv.FormatUint(num.GetNationalNumber(), 10), raw)
	if !ok {
		return false
	}
	n, err := strconv.ParseUint(current, 10, 64)
	if err != nil || !phonenumbers.IsValidNumber(&phonenumbers.PhoneNumber{CountryCode: num.CountryCode, NationalNumber: &n}) {
		return false
	}
	num.NationalNumber = &n
	return true
}

// retired returns the national number (without "0") that national, a
// Vietnamese national number written as raw, has today, if it is one in a
// retired format.
func retired(national, raw string) (string, bool) {
	if len(national) == 10 && oldMobiles[national[:3]] != "" {
		return oldMobiles[national[:3]] + national[3:], true
	}
	for n := 1; n <= 3 && n < len(national); n++ {
		code, ok := oldAreaCodes[national[:n]]
		if !ok || len(national) != n+code.digits {
			continue
		}
		if code.mobileNow && !(code.current == "28" && oldHCMWriting(raw, national[n:])) {
			return "", false
		}
		return code.current + national[n:], true
	}
	return "", false
}

// mayBeRetired reports whether the digits of raw (before any extension)
// are, after "0", "84", "+84" or "0084", a national number in a retired
// format: a cheap test, so that a current number is not parsed twice.
func mayBeRetired(raw string) bool {
	if i := strings.IndexFunc(raw, func(r rune) bool { return unicode.IsLetter(r) || r == '#' || r == '~' }); i >= 0 {
		raw = raw[:i]
	}
	digits := strings.Map(func(r rune) rune {
		if r < '0' || r > '9' {
			return -1
		}
		return r
	}, raw)
	for _, prefix := range []string{"", "0", "84", "840", "0084", "00840"} {
		if national, ok := strings.CutPrefix(digits, prefix); ok {
			if _, old := retired(national, raw); old {
				return true
			}
		}
	}
	return false
}

// oldHCMWriting reports whether raw writes TP HCM's old area code apart
// from the subscriber number after it, as its landlines were written
// before 2017: "08 3825 1234", "(08) 38251234", "08.3825.1234", "+84 8
// 3825 1234", "(848) 3825 1234". A mobile beginning "08" today is written
// "083 825 1234" or "0838 251 234", never with "08" alone.
func oldHCMWriting(raw, subscriber string) bool {
	groups := strings.FieldsFunc(raw, func(r rune) bool { return r < '0' || r > '9' })
	rest := 1
	switch {
	case len(groups) > 2 && (groups[0] == "84" || groups[0] == "0084") && groups[1] == "8":
		rest = 2
	case len(groups) > 1 && slices.Contains([]string{"08", "8", "848", "00848"}, groups[0]):
	default:
		return false
	}
	// "848 251 234" is a mobile, 0848 251 234, whose "0" a spreadsheet
	// dropped: the groups after "848" are not the subscriber number.
	return strings.HasPrefix(strings.Join(groups[rest:], ""), subscriber)
}
