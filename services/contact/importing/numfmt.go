package importing

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A number cell is saved as its number, and its style's number format
// (ECMA-376 numFmt, "00000", `"HS"0000`, "000-000", "0.00") is how a
// spreadsheet shows it: 123 under "00000" is shown 00123. The import reads
// numbers raw (see ReadXLSX), which a code kept in a text field would lose
// its zeros by, unannounced. numFormat renders the formats made of digit
// placeholders and literal text, which are how such codes and decimals are
// shown; a format it cannot render (a date, a fraction, a condition,
// scientific notation, text) is not parsed, and the cell is read raw, as
// before. Separators are written as the format writes them, "," apart and
// "." before the decimals, as an English Excel shows them (and excelize
// reads them): the file does not say which locale showed it.

// numFormat is a number format split into its sections: for every number,
// or for positive numbers, negative numbers (shown without their sign) and
// zero.
type numFormat struct {
	sections []numSection
}

// numSection is one section of a format: its tokens before the decimal
// point and after it.
type numSection struct {
	whole, frac []fmtToken
	point       bool // the section has a decimal point
	grouped     bool // a "," between the whole digits puts thousands apart
	percent     int  // how many "%": each multiplies the number by 100
}

// fmtToken is a digit placeholder ('0' pads with 0, '#' shows only the
// digits there are, '?' pads with a space) or, with digit 0, literal text.
type fmtToken struct {
	digit byte
	text  string
}

// builtInFormats are the built-in number formats (numFmtId) a style may
// name without writing their codes, which numFormat renders; the others are
// General, dates, times, fractions, scientific notation and text.
var builtInFormats = map[int]string{1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%"}

// parseNumFormat parses a format code, or returns nil for one numFormat
// does not render.
func parseNumFormat(code string) *numFormat {
	parts := splitSections(code)
	if len(parts) > 3 {
		parts = parts[:3] // a fourth section is for text cells
	}
	f := &numFormat{}
	for _, p := range parts {
		s, ok := parseSection(p)
		if !ok {
			return nil
		}
		f.sections = append(f.sections, s)
	}
	if len(f.sections) == 0 {
		return nil
	}
	return f
}

// splitSections splits a code at its ";" outside quotes, brackets and
// escapes.
func splitSections(code string) []string {
	var parts []string
	start, quoted, bracket := 0, false, false
	for i := 0; i < len(code); i++ {
		switch c := code[i]; {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\\' || c == '_' || c == '*':
			i++ // the next character is the escape's
		case c == '[':
			bracket = true
		case c == ']':
			bracket = false
		case c == ';' && !bracket:
			parts = append(parts, code[start:i])
			start = i + 1
		}
	}
	return append(parts, code[start:])
}

// literals are the characters a format shows as they are without quotes.
const literals = "$-+():!^&'~{}<>= "

// parseSection parses one section; false for one numFormat does not render.
func parseSection(code string) (numSection, bool) {
	var s numSection
	add := func(t fmtToken) {
		if s.point {
			s.frac = append(s.frac, t)
		} else {
			s.whole = append(s.whole, t)
		}
	}
	digits := 0
	for i := 0; i < len(code); {
		r, size := utf8.DecodeRuneInString(code[i:])
		switch {
		case r == '"':
			end := strings.IndexByte(code[i+1:], '"')
			if end < 0 {
				return s, false
			}
			add(fmtToken{text: code[i+1 : i+1+end]})
			i += end + 2
			continue
		case r == '\\' || r == '_' || r == '*':
			next, n := utf8.DecodeRuneInString(code[i+size:])
			if n == 0 {
				return s, false
			}
			switch r {
			case '\\':
				add(fmtToken{text: string(next)})
			case '_': // a space as wide as the next character
				add(fmtToken{text: " "})
			} // '*' repeats the next character to fill the cell: nothing to read
			i += size + n
			continue
		case r == '[':
			end := strings.IndexByte(code[i:], ']')
			if end < 0 {
				return s, false
			}
			text, ok := formatBracket(code[i+1 : i+end])
			if !ok {
				return s, false
			}
			if text != "" {
				add(fmtToken{text: text})
			}
			i += end + 1
			continue
		case r == '0' || r == '#' || r == '?':
			add(fmtToken{digit: byte(r)})
			digits++
		case r == '.' && !s.point:
			s.point = true
		case r == ',' && !s.point && digits > 0 && i+1 < len(code) && strings.IndexByte("0#?", code[i+1]) >= 0:
			s.grouped = true
		case r == '%':
			s.percent++
			add(fmtToken{text: "%"})
		case r >= utf8.RuneSelf || strings.ContainsRune(literals, r):
			add(fmtToken{text: string(r)})
		default: // a date or time part, "E+", "/", "@", General, a trailing "," scaling by 1000
			return s, false
		}
		i += size
	}
	if digits == 0 || s.grouped && !placeholdersTogether(s.whole) {
		return s, false
	}
	return s, true
}

// formatBracket reads a format's [...]: a colour shows nothing, a currency
// ([$₫-42A]) its symbol, a locale ([$-42A]) nothing; a condition ([>=100])
// or an elapsed time ([h]) is not rendered (false).
func formatBracket(s string) (string, bool) {
	if rest, ok := strings.CutPrefix(s, "$"); ok {
		symbol, _, _ := strings.Cut(rest, "-")
		return symbol, true
	}
	switch strings.ToLower(strings.TrimRight(s, "0123456789")) {
	case "black", "blue", "cyan", "green", "magenta", "red", "white", "yellow", "color":
		return "", true
	}
	return "", false
}

// placeholdersTogether reports whether the digit placeholders of tokens
// have no text between them, as a format putting thousands apart must for
// numFormat to place the separators.
func placeholdersTogether(tokens []fmtToken) bool {
	first, last := -1, -1
	for i, t := range tokens {
		if t.digit != 0 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	for _, t := range tokens[max(first, 0) : last+1] {
		if t.digit == 0 {
			return false
		}
	}
	return true
}

// show returns the text a spreadsheet shows for the number raw under the
// format, or false for a number it does not render: one in scientific
// notation ("5.8964019538172E+18", a long number already rounded, whose
// loss the import tells from the raw value) or not a number.
func (f *numFormat) show(raw string) (string, bool) {
	if strings.ContainsAny(raw, "eE") {
		return "", false
	}
	n, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
		return "", false
	}
	s, sign := f.sections[0], ""
	switch {
	case n < 0 && len(f.sections) > 1:
		s = f.sections[1]
	case n < 0:
		sign = "-"
	case n == 0 && len(f.sections) > 2:
		s = f.sections[2]
	}
	return sign + s.show(math.Abs(n), strings.TrimPrefix(raw, "-")), true
}

// show returns n (not negative) as the section shows it: rounded to its
// decimals, half away from zero, from the 15 significant digits a
// spreadsheet keeps, the whole digits placed right to left with the extra
// ones at the first placeholder, and the decimals left to right. raw is n
// as the cell holds it, whose digits a whole number of up to 15 digits
// shown whole (a code) is written with, without rounding it.
func (s numSection) show(n float64, raw string) string {
	for range s.percent {
		n *= 100
	}
	decimals := 0
	for _, t := range s.frac {
		if t.digit != 0 {
			decimals++
		}
	}
	var whole, frac string
	if decimals == 0 && s.percent == 0 && len(raw) <= 15 && strings.Trim(raw, "0123456789") == "" {
		whole = raw
	} else {
		exact, _ := new(big.Rat).SetString(strconv.FormatFloat(n, 'g', 15, 64))
		whole, frac, _ = strings.Cut(exact.FloatString(decimals), ".")
	}
	whole = strings.TrimLeft(whole, "0")
	var b strings.Builder
	if s.grouped {
		b.WriteString(s.groupedWhole(whole))
	} else {
		b.WriteString(placeWhole(s.whole, whole))
	}
	if s.point {
		b.WriteByte('.')
		b.WriteString(placeFrac(s.frac, frac))
	}
	return b.String()
}

// placeWhole places the digits of a whole number (without leading zeros)
// in tokens, right to left.
func placeWhole(tokens []fmtToken, digits string) string {
	first := -1
	for i, t := range tokens {
		if t.digit != 0 {
			first = i
			break
		}
	}
	parts := make([]string, len(tokens))
	k := len(digits)
	for i := len(tokens) - 1; i >= 0; i-- {
		t := tokens[i]
		switch {
		case t.digit == 0:
			parts[i] = t.text
		case i == first && k > 0:
			parts[i], k = digits[:k], 0
		case k > 0:
			parts[i] = digits[k-1 : k]
			k--
		default:
			parts[i] = pad(t.digit)
		}
	}
	return strings.Join(parts, "")
}

// groupedWhole writes a whole number with its thousands apart, padded with
// zeros to the format's "0"s, between the text around the placeholders.
func (s numSection) groupedWhole(digits string) string {
	var before, after strings.Builder
	zeros, seen := 0, false
	for _, t := range s.whole {
		switch {
		case t.digit == 0 && !seen:
			before.WriteString(t.text)
		case t.digit == 0:
			after.WriteString(t.text)
		default:
			seen = true
			if t.digit == '0' || zeros > 0 {
				zeros++
			}
		}
	}
	if len(digits) < zeros {
		digits = strings.Repeat("0", zeros-len(digits)) + digits
	}
	var grouped strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			grouped.WriteByte(',')
		}
		grouped.WriteRune(d)
	}
	return before.String() + grouped.String() + after.String()
}

// placeFrac places decimals in tokens, left to right; a "#" or "?" drops
// a trailing zero.
func placeFrac(tokens []fmtToken, decimals string) string {
	shown := len(decimals) // the decimals up to the last one shown
	for i := len(tokens) - 1; i >= 0 && shown > 0; i-- {
		if t := tokens[i]; t.digit != 0 {
			if t.digit == '0' || decimals[shown-1] != '0' {
				break
			}
			shown--
		}
	}
	var b strings.Builder
	k := 0
	for _, t := range tokens {
		switch {
		case t.digit == 0:
			b.WriteString(t.text)
		case k < shown:
			b.WriteByte(decimals[k])
			k++
		default:
			b.WriteString(pad(t.digit))
			k++
		}
	}
	return b.String()
}

// pad is what a placeholder with no digit shows.
func pad(digit byte) string {
	switch digit {
	case '0':
		return "0"
	case '?':
		return " "
	}
	return ""
}
