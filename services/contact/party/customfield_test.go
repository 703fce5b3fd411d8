package party

import (
	"maps"
	"reflect"
	"slices"
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
            {"name": "size", "type": "number", "allowed": ["1"]},
            {"name": " level", "type": "string", "allowed": ["THCS", "THCS"]}]}`))
	if err == nil {
		t.Fatal("a broken schema was accepted")
	}
	for _, want := range []string{`unknown organisation kind "bank"`, "school[0].name: a field needs a name", `school[1].type: unknown type "integer"`,
		`school[2].name: "size" is defined twice`, "school[2].allowed: allowed values are for string fields",
		"school[3].name: must not start or end with spaces", "school[3].allowed: lists a value twice"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, err := ParseCustomFieldSchema([]byte(`{"school": [{"name": "a", "type": "string", "label": "x"}]}`)); err == nil {
		t.Error("an unknown member of a definition was accepted")
	}
}

func TestAChangedSchemaNamesTheHeldValuesItWouldLeaveInvalid(t *testing.T) {
	before := CustomFieldSchema{
		KindSchool: {{Name: "student_count", Type: FieldNumber}, {Name: "level", Type: FieldString, Allowed: []string{"THCS", "THPT"}}},
		KindUnit:   {{Name: "budget_chapter", Type: FieldString}},
	}
	school := []Kind{KindSchool}
	for _, c := range []struct {
		name   string
		after  CustomFieldSchema
		kinds  []Kind
		values map[string]any
		want   []string
	}{
		{"the same schema", before, school, map[string]any{"student_count": 900.0, "level": "THCS"}, nil},
		{"a field removed", CustomFieldSchema{KindSchool: before[KindSchool][1:]}, school,
			map[string]any{"student_count": 900.0, "level": "THCS"}, []string{"student_count"}},
		{"a field removed that the value's other kind defines", CustomFieldSchema{KindSchool: before[KindSchool][1:], KindUnit: {{Name: "student_count", Type: FieldNumber}}},
			[]Kind{KindSchool, KindUnit}, map[string]any{"student_count": 900.0}, nil},
		{"a type changed", CustomFieldSchema{KindSchool: {{Name: "student_count", Type: FieldString}, before[KindSchool][1]}}, school,
			map[string]any{"student_count": 900.0, "level": "THPT"}, []string{"student_count"}},
		{"an allowed value dropped", CustomFieldSchema{KindSchool: {before[KindSchool][0], {Name: "level", Type: FieldString, Allowed: []string{"THPT"}}}}, school,
			map[string]any{"level": "THCS"}, []string{"level"}},
		{"an allowed value dropped that nobody holds", CustomFieldSchema{KindSchool: {before[KindSchool][0], {Name: "level", Type: FieldString, Allowed: []string{"THPT"}}}}, school,
			map[string]any{"level": "THPT"}, nil},
		{"a required field added", CustomFieldSchema{KindSchool: append([]FieldDefinition{{Name: "principal", Type: FieldString, Required: true}}, before[KindSchool]...)}, school,
			map[string]any{"level": "THCS"}, nil},
		{"a value refused before stays the old schema's doing", CustomFieldSchema{}, school,
			map[string]any{"rating": "A"}, nil},
	} {
		if got := Tightened(before, c.after, c.kinds, c.values); !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestABulkSetOfCustomFieldsSaysWhichValuesAnOrganisationCannotTake(t *testing.T) {
	schema := CustomFieldSchema{
		KindSchool: {{Name: "student_count", Type: FieldNumber}, {Name: "level", Type: FieldString, Required: true, Allowed: []string{"THCS", "THPT"}}},
		KindUnit:   {{Name: "budget_chapter", Type: FieldString}},
	}
	school, unit := []Kind{KindSchool}, []Kind{KindUnit}
	held := map[string]any{"student_count": 900.0, "level": "THCS", "rating": "A"}
	for _, c := range []struct {
		name    string
		kinds   []Kind
		values  map[string]any
		set     map[string]any
		want    map[string]any
		refused map[string]string
	}{
		{"a value set and one removed", school, held, map[string]any{"level": "THPT", "student_count": nil},
			map[string]any{"level": "THPT", "rating": "A"}, nil},
		{"a value kept from an earlier schema removed", school, held, map[string]any{"rating": nil},
			map[string]any{"student_count": 900.0, "level": "THCS"}, nil},
		{"the last value removed leaves none", unit, map[string]any{"budget_chapter": "422"}, map[string]any{"budget_chapter": nil}, nil, nil},
		{"a value set on an organisation with none", unit, nil, map[string]any{"budget_chapter": "422"}, map[string]any{"budget_chapter": "422"}, nil},
		{"a required field held cannot be removed", school, held, map[string]any{"level": nil},
			map[string]any{"student_count": 900.0, "rating": "A"}, map[string]string{"level": "is required, so it cannot be removed"}},
		{"a required field not held may be removed", school, nil, map[string]any{"level": nil}, nil, nil},
		{"a value that does not fit", school, nil, map[string]any{"level": "Đại học", "student_count": "many"},
			map[string]any{"level": "Đại học", "student_count": "many"},
			map[string]string{"level": "must be one of THCS, THPT", "student_count": "must be a number"}},
		{"a field the kind does not define", unit, nil, map[string]any{"level": "THCS"},
			map[string]any{"level": "THCS"}, map[string]string{"level": "unknown field for this kind of organisation"}},
	} {
		before := maps.Clone(c.values)
		got, refused := schema.Set(c.kinds, c.values, c.set)
		if !reflect.DeepEqual(got, c.want) || !maps.Equal(refused, c.refused) {
			t.Errorf("%s: %v %q, want %v %q", c.name, got, refused, c.want, c.refused)
		}
		if !maps.Equal(c.values, before) {
			t.Errorf("%s: the values set from changed to %v", c.name, c.values)
		}
	}
}

func TestSchemasAreEqualWhenTheyDefineTheSameFields(t *testing.T) {
	a := CustomFieldSchema{KindSchool: {{Name: "level", Type: FieldString, Allowed: []string{"THCS"}}}, KindVendor: {}}
	if !a.Equal(CustomFieldSchema{KindSchool: {{Name: "level", Type: FieldString, Allowed: []string{"THCS"}}}}) {
		t.Error("a kind listed empty made the schemas differ")
	}
	if a.Equal(CustomFieldSchema{KindSchool: {{Name: "level", Type: FieldString, Allowed: []string{"THCS"}, Required: true}}}) {
		t.Error("a field made required left the schemas equal")
	}
}

func TestANumberFieldKeepsToItsBounds(t *testing.T) {
	s, err := ParseCustomFieldSchema([]byte(`{"school": [
 {"name": "student_count", "type": "number", "integer": true, "min": 0, "max": 20000},
 {"name": "fee", "type": "number", "min": 0.5}]}`))
	if err != nil {
		t.Fatal(err)
	}
	school := []Kind{KindSchool}
	for v, want := range map[any]string{
		900.0: "", 0.0: "", 20000.0: "", -5.0: "must be at least 0", 900.5: "must be a whole number",
		20001.0: "must be at most 20000", "900": "must be a number",
	} {
		_, refused := s.Set(school, nil, map[string]any{"student_count": v})
		if refused["student_count"] != want {
			t.Errorf("student_count %v: %q, want %q", v, refused["student_count"], want)
		}
	}
	if _, refused := s.Set(school, nil, map[string]any{"fee": 0.25}); refused["fee"] != "must be at least 0.5" {
		t.Errorf("fee 0.25: %q", refused["fee"])
	}
	if got := Tightened(CustomFieldSchema{KindSchool: {{Name: "student_count", Type: FieldNumber}}}, s, school, map[string]any{"student_count": -5.0}); !slices.Equal(got, []string{"student_count"}) {
		t.Errorf("a minimum added left -5 valid: %v", got)
	}
	if s.Equal(CustomFieldSchema{KindSchool: {{Name: "student_count", Type: FieldNumber, Integer: true}, {Name: "fee", Type: FieldNumber}}}) {
		t.Error("schemas differing only in bounds were equal")
	}
}

func TestBoundsNoValueCouldMeetAreRefused(t *testing.T) {
	_, err := ParseCustomFieldSchema([]byte(`{"school": [
 {"name": "a", "type": "number", "min": 5, "max": 1},
 {"name": "b", "type": "number", "integer": true, "min": 1.2, "max": 1.8},
 {"name": "c", "type": "string", "integer": true, "max": 3}]}`))
	if err == nil {
		t.Fatal("bounds no value meets were accepted")
	}
	for _, want := range []string{"school[0].max: must not be below min (5)", "school[1].max: leaves no whole number from min (1.2)",
		"school[2].integer: bounds are for number fields", "school[2].max: bounds are for number fields"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
