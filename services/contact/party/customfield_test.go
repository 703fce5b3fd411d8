package party

import (
	"strings"
	"testing"
)

func TestACustomFieldSchemaIsReadKindByKind(t *testing.T) {
	s, err := ParseCustomFieldSchema([]byte(`{
 "school": [{"name": "student_count", "type": "number", "required": true},
            {"name": "level", "type": "string", "allowed": ["mầm non", "tiểu học", "THCS", "THPT"]}],
 "vendor": [{"name": "contract_until", "type": "date"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := s.Definition([]Kind{KindSchool}, "level"); !ok || len(d.Allowed) != 4 {
		t.Fatalf("level: %+v, %v", d, ok)
	}
	if _, err := NewOrganisation(Organisation{Name: "Trường A", Kinds: []Kind{KindSchool},
		CustomFields: map[string]any{"level": "đại học", "student_count": 10.0}}, s); err == nil ||
		!strings.Contains(err.Error(), "custom_fields.level") {
		t.Fatalf("a value outside the allowed list passed: %v", err)
	}
}

func TestABrokenCustomFieldSchemaSaysEverythingWrongWithIt(t *testing.T) {
	_, err := ParseCustomFieldSchema([]byte(`{
 "bank":   [{"name": "swift", "type": "string"}],
 "school": [{"name": "", "type": "number"},
            {"name": "size", "type": "integer"},
            {"name": "size", "type": "number", "allowed": ["1"]}]}`))
	if err == nil {
		t.Fatal("a broken schema was accepted")
	}
	for _, want := range []string{`unknown organisation kind "bank"`, "school[0]: a field needs a name", `school[1]: unknown type "integer"`,
		`school[2]: "size" is defined twice`, "school[2]: allowed values are for string fields"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, err := ParseCustomFieldSchema([]byte(`{"school": [{"name": "a", "type": "string", "label": "x"}]}`)); err == nil {
		t.Error("an unknown member of a definition was accepted")
	}
}
