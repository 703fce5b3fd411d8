// Package importtest generates realistic Vietnamese import files for tests and
// benchmarks: valid names with diacritics, valid mobile numbers, and phones,
// emails and tax codes unique within a file. Output depends only on n and
// the seed, so a failing test can be replayed.
package importtest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// Table is a generated file: a header and its rows.
type Table struct {
	Header []string
	Rows   iter.Seq[[]string]
}

// Organisations returns n organisation rows under Vietnamese headers.
func Organisations(n int, seed uint64) Table {
	return Table{
		Header: []string{"Tên đơn vị", "Loại", "Mã số thuế", "Tỉnh/Thành phố", "Địa chỉ", "Số điện thoại", "Email"},
		Rows: func(yield func([]string) bool) {
			rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
			for i := range n {
				name := pick(rng, orgTypes) + " " + pick(rng, namesakes)
				row := []string{
					name,
					pick(rng, kindLabels),
					taxCode(rng, i),
					pick(rng, provinces),
					"Số " + strconv.Itoa(1+rng.IntN(300)) + ", đường " + pick(rng, namesakes),
					mobile(i),
					"lienhe" + strconv.Itoa(i) + "@" + pick(rng, domains),
				}
				if !yield(row) {
					return
				}
			}
		},
	}
}

// People returns n person rows under Vietnamese headers.
func People(n int, seed uint64) Table {
	return Table{
		Header: []string{"Họ và tên", "Số điện thoại", "Email", "Ngày sinh", "Zalo"},
		Rows: func(yield func([]string) bool) {
			rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
			for i := range n {
				family, middle, given := pick(rng, families), pick(rng, middles), pick(rng, givens)
				phone := mobile(i)
				row := []string{
					family + " " + middle + " " + given,
					phone,
					asciiGiven[given] + "." + strconv.Itoa(i) + "@" + pick(rng, domains),
					birthday(rng),
					phone,
				}
				if !yield(row) {
					return
				}
			}
		},
	}
}

// ClassList returns n student rows of a school's class lists, each with
// their father and mother beside them: brothers and sisters, each under a
// name of their own (a second row of one name beside the same parents is
// the same child again), follow each other, two in three families having one child at the school and the
// others two or three, and every parent has a phone of their own.
func ClassList(n int, seed uint64) Table {
	return Table{
		Header: []string{"Họ và tên", "Ngày sinh", "Họ tên cha", "SĐT cha", "Họ tên mẹ", "SĐT mẹ"},
		Rows: func(yield func([]string) bool) {
			rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
			for i, family := 0, 0; i < n; family++ {
				surname := pick(rng, families)
				father := surname + " " + pick(rng, middles) + " " + pick(rng, givens)
				mother := pick(rng, families) + " Thị " + pick(rng, givens)
				children := 1
				if rng.IntN(3) == 0 {
					children = 2 + rng.IntN(2)
				}
				var named []string // the family's children: parents give each a name of their own
				for range min(children, n-i) {
					name := surname + " " + pick(rng, middles) + " " + pick(rng, givens)
					for slices.Contains(named, name) {
						name = surname + " " + pick(rng, middles) + " " + pick(rng, givens)
					}
					named = append(named, name)
					row := []string{name, student(rng), father, mobile(2 * family), mother, mobile(2*family + 1)}
					if !yield(row) {
						return
					}
					i++
				}
			}
		},
	}
}

func student(rng *rand.Rand) string {
	day, month, year := 1+rng.IntN(28), 1+rng.IntN(12), 2008+rng.IntN(12)
	return pad(day, 2) + "/" + pad(month, 2) + "/" + strconv.Itoa(year)
}

// WriteCSV writes t as comma-separated UTF-8.
func (t Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Header); err != nil {
		return err
	}
	for row := range t.Rows {
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes t as a one-sheet workbook, streaming rows so large tables
// are cheap to produce. Cells are text, as in files staff type by hand.
func (t Table) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	line := 1
	write := func(cells []string) error {
		values := make([]any, len(cells))
		for i, c := range cells {
			values[i] = c
		}
		cell, err := excelize.CoordinatesToCellName(1, line)
		if err != nil {
			return err
		}
		line++
		return sw.SetRow(cell, values)
	}
	if err := write(t.Header); err != nil {
		return err
	}
	for row := range t.Rows {
		if err := write(row); err != nil {
			return fmt.Errorf("row %d: %w", line, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// mobile returns the i-th of a sequence of distinct valid mobile numbers:
// the prefix cycles, and the subscriber part is a bijection of i/len(prefixes)
// (7919 is coprime with 10^7), so numbers differ yet do not look sequential.
func mobile(i int) string {
	p := mobilePrefixes[i%len(mobilePrefixes)]
	sub := (i / len(mobilePrefixes)) * 7919 % 10_000_000
	return p + " " + pad(sub, 7)
}

// taxCode returns a distinct 10-digit tax code per i: a province code, then a
// bijection of i.
func taxCode(rng *rand.Rand, i int) string {
	return pick(rng, taxProvinceCodes) + pad(i*7919%100_000_000, 8)
}

func birthday(rng *rand.Rand) string {
	day, month, year := 1+rng.IntN(28), 1+rng.IntN(12), 1960+rng.IntN(45)
	return pad(day, 2) + "/" + pad(month, 2) + "/" + strconv.Itoa(year)
}

func pad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

func pick(rng *rand.Rand, list []string) string { return list[rng.IntN(len(list))] }

// Workbook returns an XLSX file of the named sheets, in order, each a list
// of rows of cells, as a class list with a sheet per class is.
func Workbook(sheets map[string][][]any, order ...string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range order {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, err
		}
		for r, row := range sheets[name] {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				return nil, fmt.Errorf("sheet %s row %d: %w", name, r+1, err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
