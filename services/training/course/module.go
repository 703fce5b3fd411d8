package course

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Bounds of a module's settings.
const (
	// MaxLeadDays is the longest lead time a module may ask: a year. More is
	// a typo (400 for 40), and would refuse every request as late.
	MaxLeadDays = 365
	// MaxModuleCode bounds a module code, which is a path segment and a label.
	MaxModuleCode = 64
)

// Validate lists every problem of a module an admin puts, each on its
// field. The code is part of a URL and what requests name, so it is a
// slug: lowercase ASCII letters, digits and dashes (ke-toan), never a
// display name ("Kế toán"), which is the name's job.
func (m Module) Validate() error {
	var v ValidationError
	if why := moduleCodeProblem(m.Code); why != "" {
		v.Add("code", why)
	}
	if strings.TrimSpace(m.Name) == "" {
		v.Add("name", "is required")
	}
	switch {
	case m.LeadDays < 0:
		v.Add("lead_days", "must not be negative (0: the standard or payroll rule applies)")
	case m.LeadDays > MaxLeadDays:
		v.Add("lead_days", fmt.Sprintf("must be at most %d days", MaxLeadDays))
	}
	return v.Err()
}

func moduleCodeProblem(code string) string {
	switch {
	case code == "":
		return "is required"
	case utf8.RuneCountInString(code) > MaxModuleCode:
		return fmt.Sprintf("is longer than %d characters", MaxModuleCode)
	case strings.Trim(code, "abcdefghijklmnopqrstuvwxyz0123456789-") != "":
		return fmt.Sprintf("%q holds other characters than lowercase ASCII letters, digits and dashes (as ke-toan)", code)
	case strings.HasPrefix(code, "-") || strings.HasSuffix(code, "-"):
		return fmt.Sprintf("%q starts or ends with a dash", code)
	}
	return ""
}
