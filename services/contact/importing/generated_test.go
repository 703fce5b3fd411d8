package importing

import (
	"bytes"
	"iter"
	"testing"

	"github.com/rapportcrm/rapport/services/contact/importing/importtest"
)

// checkAll reads and checks a whole file the way the import service will,
// counting rows and problems.
func checkAll(rows iter.Seq2[Row, error], person bool) (n int, problems []Problem, err error) {
	c := NewChecker(Options{})
	for row, err := range rows {
		if err != nil {
			return n, problems, err
		}
		n++
		var p []Problem
		if person {
			_, p = c.Person(row)
		} else {
			_, p = c.Organisation(row)
		}
		problems = append(problems, p...)
	}
	return n, problems, nil
}

func TestGeneratedFilesAreValidAndFreeOfDuplicates(t *testing.T) {
	const n = 3000
	tables := []struct {
		name   string
		table  importtest.Table
		person bool
	}{
		{"organisations", importtest.Organisations(n, 1), false},
		{"people", importtest.People(n, 2), true},
	}
	for _, tt := range tables {
		for _, format := range []string{"csv", "xlsx"} {
			t.Run(tt.name+" as "+format, func(t *testing.T) {
				var buf bytes.Buffer
				read := ReadCSV
				write := tt.table.WriteCSV
				if format == "xlsx" {
					read, write = ReadXLSX, tt.table.WriteXLSX
				}
				if err := write(&buf); err != nil {
					t.Fatal(err)
				}
				rows, problems, err := checkAll(read(&buf, DefaultMapping()), tt.person)
				if err != nil || rows != n || len(problems) > 0 {
					t.Errorf("%d rows, err %v, %d problems, first %+v", rows, err, len(problems), first(problems))
				}
			})
		}
	}
}

func TestGeneratedFilesAreReproducibleFromTheirSeed(t *testing.T) {
	var a, b, c bytes.Buffer
	importtest.People(100, 42).WriteCSV(&a)
	importtest.People(100, 42).WriteCSV(&b)
	importtest.People(100, 43).WriteCSV(&c)
	if !bytes.Equal(a.Bytes(), b.Bytes()) || bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Error("same seed must give the same file, another seed another file")
	}
}

func first(p []Problem) Problem {
	if len(p) == 0 {
		return Problem{}
	}
	return p[0]
}

// BenchmarkImport100kRows measures reading and checking a 100,000-row file,
// the largest import the service accepts.
func BenchmarkImport100kRows(b *testing.B) {
	const n = 100_000
	for _, format := range []string{"csv", "xlsx"} {
		var file bytes.Buffer
		table := importtest.Organisations(n, 1)
		read := ReadCSV
		if format == "xlsx" {
			read = ReadXLSX
			if err := table.WriteXLSX(&file); err != nil {
				b.Fatal(err)
			}
		} else if err := table.WriteCSV(&file); err != nil {
			b.Fatal(err)
		}
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(file.Len()))
			for b.Loop() {
				rows, problems, err := checkAll(read(bytes.NewReader(file.Bytes()), DefaultMapping()), false)
				if err != nil || rows != n || len(problems) > 0 {
					b.Fatalf("%d rows, err %v, %d problems", rows, err, len(problems))
				}
			}
		})
	}
}

// BenchmarkGenerate100kRows keeps the generator cheap enough for the import
// benchmark's setup.
func BenchmarkGenerate100kRows(b *testing.B) {
	for _, format := range []string{"csv", "xlsx"} {
		b.Run(format, func(b *testing.B) {
			for b.Loop() {
				var buf bytes.Buffer
				table := importtest.Organisations(100_000, 1)
				write := table.WriteCSV
				if format == "xlsx" {
					write = table.WriteXLSX
				}
				if err := write(&buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
