package importtest

import (
	"archive/zip"
	"bytes"
	"io/fs"
	"testing"
)

// WithPart returns the XLSX file (a zip of XML parts) with the part named
// edited by edit, for tests of workbooks damaged as files in the wild are;
// a file it cannot rewrite fails t.
func WithPart(t testing.TB, file []byte, part string, edit func([]byte) []byte) []byte {
	t.Helper()
	b, err := withPart(file, part, edit)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func withPart(file []byte, part string, edit func([]byte) []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, entry := range zr.File {
		b, err := fs.ReadFile(zr, entry.Name)
		if err != nil {
			return nil, err
		}
		if entry.Name == part {
			b = edit(b)
		}
		w, err := zw.Create(entry.Name)
		if err == nil {
			_, err = w.Write(b)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
