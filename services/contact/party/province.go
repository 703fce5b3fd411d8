package party

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strings"
	"sync"
	"unicode"
)

// provincesCSV maps each of the 63 former provinces to its province from
// 1 July 2025 (copied from shared/domain/vn-provinces-2025.csv).
//
//go:embed vn-provinces-2025.csv
var provincesCSV []byte

// provinceAliases are short forms seen in spreadsheets that no prefix rule
// derives from the official names.
var provinceAliases = map[string]string{
	"hcm":            "ho chi minh",
	"tphcm":          "ho chi minh",
	"sai gon":        "ho chi minh",
	"hn":             "ha noi",
	"thua thien hue": "hue",
	"brvt":           "ba ria vung tau",
	"bac can":        "bac kan",
	"dac lac":        "dak lak",
	"dac nong":       "dak nong",
	// Merged into Hà Nội in 2008, and still in old registers. Hà Bắc,
	// split in 1997 into two provinces, has no one answer and stays unknown.
	"ha tay": "ha noi",
}

// provinces is parsed once on first use: the table is constant, and imports
// look it up for every row.
var provinces = sync.OnceValue(func() map[string]string {
	table, err := parseProvinces(provincesCSV)
	if err != nil {
		panic(err) // the embedded file is part of the build; a test guards it
	}
	return table
})

func parseProvinces(data []byte) (map[string]string, error) {
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("province table: %w", err)
	}
	if len(records) < 2 {
		return nil, fmt.Errorf("province table: no rows")
	}
	table := make(map[string]string, len(records))
	for _, rec := range records[1:] {
		table[provinceKey(rec[0])] = rec[1]
	}
	return table, nil
}

// UnknownProvince is what a province CurrentProvince does not know is told.
const UnknownProvince = "is no province of Vietnam, current or before the 2025 merger (such as Hà Nội, Bình Dương)"

// CurrentProvince returns the province that, since 1 July 2025, covers the
// province entered, so filters and reports group old records by today's
// units. The match ignores case, diacritics, punctuation and the prefixes
// "Tỉnh", "Thành phố" and "TP."; current names map to themselves.
func CurrentProvince(entered string) (string, bool) {
	key := provinceKey(entered)
	if alias, ok := provinceAliases[key]; ok {
		key = alias
	}
	current, ok := provinces()[key]
	return current, ok
}

// provinceKey folds a province name and drops its administrative prefix.
func provinceKey(name string) string {
	key := Fold(strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) {
			return ' '
		}
		return r
	}, name))
	for _, prefix := range []string{"tinh ", "thanh pho ", "tp "} {
		key = strings.TrimPrefix(key, prefix)
	}
	return key
}
