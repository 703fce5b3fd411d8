package http

import "testing"

func TestAProblemReportIsNamedAfterTheFileUploaded(t *testing.T) {
	const job = "01900000-0000-7000-8000-000000000000"
	for uploaded, want := range map[string]string{
		"cl1.xlsx":                      "cl1-problems.csv",
		"Lớp 10A1: danh sách.csv":       "Lớp 10A1- danh sách-problems.csv",
		`C:\fakepath\khach hang.v2.csv`: "khach hang.v2-problems.csv",
		"../../etc/passwd":              "passwd-problems.csv",
		"":                              "import-" + job + "-problems.csv", // uploaded before names were kept
		".csv":                          "import-" + job + "-problems.csv",
	} {
		if got := problemsFileName(uploaded, job); got != want {
			t.Errorf("problemsFileName(%q) = %q, want %q", uploaded, got, want)
		}
	}
}
