package http

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/pkg/openapicheck"
	"github.com/rapportcrm/rapport/pkg/page"
	"github.com/rapportcrm/rapport/services/training/course"
	"github.com/rapportcrm/rapport/services/training/desklog"
	"github.com/rapportcrm/rapport/services/training/feedback"
	"github.com/rapportcrm/rapport/services/training/service"
	"github.com/rapportcrm/rapport/services/training/staffing"
	"github.com/rapportcrm/rapport/services/training/store"
)

// The document's schemas are the types the handlers decode and answer:
// the same JSON fields, of the same types, with the enums the domain takes.
func TestTheSchemasAreTheTypesTheHandlersReadAndWrite(t *testing.T) {
	doc, err := openapicheck.Parse(OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]any{
		"Module":              moduleJSON{},
		"ModuleList":          page.Page[moduleJSON]{},
		"ModuleInput":         moduleInput{},
		"ChecklistItem":       itemJSON{},
		"ChecklistItemList":   page.Page[itemJSON]{},
		"RequestInput":        requestJSON{},
		"Request":             requestOut{},
		"LateRefusal":         course.LateRequestError{},
		"RequestPage":         page.Page[requestOut]{},
		"ReasonInput":         reasonInput{},
		"DeclineInput":        reasonInput{},
		"NoteInput":           noteInput{},
		"Course":              service.CourseView{},
		"CoursePage":          page.Page[service.CourseView]{},
		"CommandInput":        commandInput{},
		"RescheduleInput":     commandInput{},
		"CancelInput":         commandInput{},
		"Session":             sessionJSON{},
		"SessionList":         page.Page[sessionJSON]{},
		"SessionInput":        sessionInput{},
		"Assignment":          assignmentJSON{},
		"StaffingPlan":        planJSON{},
		"Participant":         store.Participant{},
		"ParticipantList":     page.Page[store.Participant]{},
		"RegisterInput":       unitInput{},
		"ConfirmInput":        confirmInput{},
		"AttendanceInput":     attendanceInput{},
		"Attendance":          store.Attendance{},
		"AttendanceList":      whole[store.Attendance]{},
		"Absence":             absenceInput{},
		"ReportInput":         reportInput{},
		"Report":              store.ReportRow{},
		"ReportList":          whole[store.ReportRow]{},
		"Created":             createdID{},
		"Check":               checkJSON{},
		"CheckInput":          checkInput{},
		"Checklist":           checklistJSON{},
		"TaskChange":          store.TaskChange{},
		"Task":                store.TaskRow{},
		"TaskPage":            page.Page[store.TaskRow]{},
		"FeedbackInput":       feedbackInput{},
		"FeedbackChange":      changeJSON{},
		"Feedback":            feedbackJSON{},
		"FeedbackPage":        page.Page[feedbackJSON]{},
		"FeedbackStatusInput": statusInput{},
		"Workload":            workloadInput{},
		"Handover":            handoverInput{},
		"DeskLogInput":        deskInput{},
		"DeskLogEntry":        store.DeskLogRow{},
		"DeskLogPage":         page.Page[store.DeskLogRow]{},
		"DeskLogRevision":     store.DeskLogRevision{},
		"DeskLogRevisionList": whole[store.DeskLogRevision]{},
	}
	enums := openapicheck.Enums{
		reflect.TypeFor[course.Mode]():      names(course.InPerson, course.Online),
		reflect.TypeFor[staffing.HalfDay](): names(staffing.Morning, staffing.Afternoon),
		reflect.TypeFor[staffing.Duty]():    names(staffing.Trainer, staffing.Assistant),
		reflect.TypeFor[feedback.Status]():  names(feedback.Raised, feedback.InProgress, feedback.Resolved, feedback.Rejected),
		reflect.TypeFor[desklog.Kind]():     names(desklog.StartOfDay, desklog.EndOfDay),
		reflect.TypeFor[desklog.Activity](): names(desklog.Activities()...),
	}
	for _, name := range slices.Sorted(maps.Keys(types)) {
		for _, p := range doc.Check(name, types[name], enums) {
			t.Error(p)
		}
	}
	for _, ref := range regexp.MustCompile(`"#/components/schemas/([^"]+)"`).FindAllStringSubmatch(string(OpenAPI()), -1) {
		if _, ok := doc.Schemas[ref[1]]; !ok {
			t.Errorf("%s is referred to and not defined", ref[1])
		}
	}
}

func names[T ~string](vs ...T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

type operation struct {
	Summary    string `json:"summary"`
	Parameters []struct {
		Name   string          `json:"name"`
		In     string          `json:"in"`
		Schema json.RawMessage `json:"schema"`
	} `json:"parameters"`
	RequestBody *struct {
		Content map[string]struct {
			Schema struct {
				Ref string `json:"$ref"`
			} `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Content map[string]json.RawMessage `json:"content"`
	} `json:"responses"`
}

func operations(t *testing.T) map[string]map[string]operation {
	var doc struct {
		Paths map[string]map[string]operation `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Paths
}

// Every operation says what it does, answers a schema with its real status
// (201 for a create, 200 otherwise) and problem+json by default, and names
// the schema of the body it decodes.
func TestEveryOperationDocumentsItsBodyAndAnswer(t *testing.T) {
	ops := operations(t)
	for _, r := range Routes(nil) {
		op := ops[r.Path][strings.ToLower(r.Method)]
		at := r.Method + " " + r.Path
		if op.Summary == "" || strings.Contains(op.Summary, "/") {
			t.Errorf("%s: summary %q does not say what it does", at, op.Summary)
		}
		want := "200"
		if r.Method == "POST" && slices.Contains(creates, r.Path) {
			want = "201"
		}
		if _, ok := op.Responses[want].Content["application/json"]; !ok {
			t.Errorf("%s: no application/json answer with status %s", at, want)
		}
		for code := range op.Responses {
			if code != want && code >= "200" && code < "300" && at != "POST "+prefix+"/courses/{id}/sessions/{sid}/attendance" {
				t.Errorf("%s: answers %s and %s", at, want, code)
			}
		}
		if _, ok := op.Responses["default"].Content["application/problem+json"]; !ok {
			t.Errorf("%s: no problem+json default answer", at)
		}
		decodes := r.Method == "POST" || r.Method == "PUT"
		if (op.RequestBody != nil) != decodes && !strings.HasSuffix(r.Path, "/approve-plan") {
			t.Errorf("%s: requestBody documented %v, the handler decodes a body %v", at, op.RequestBody != nil, decodes)
		}
		if op.RequestBody != nil && op.RequestBody.Content["application/json"].Schema.Ref == "" {
			t.Errorf("%s: the body has no schema in components/schemas", at)
		}
	}
}

// The query parameters each handler accepts (the filters it passes to
// paged, which adds limit and cursor, or to problem.KnownParams) are the
// ones its operation declares: a filter added to a handler and not to the
// document fails here, and so does one the document offers and the
// handler refuses.
func TestEveryQueryParameterAHandlerAcceptsIsDeclared(t *testing.T) {
	accepted := acceptedParams(t)
	ops := operations(t)
	for _, r := range Routes(nil) {
		name := runtime.FuncForPC(reflect.ValueOf(r.Handle).Pointer()).Name()
		name = strings.TrimSuffix(name[strings.LastIndex(name, ".")+1:], "-fm")
		var declared []string
		for _, p := range ops[r.Path][strings.ToLower(r.Method)].Parameters {
			if p.In == "query" {
				declared = append(declared, p.Name)
			}
		}
		slices.Sort(declared)
		if got := accepted[name]; !slices.Equal(declared, got) {
			t.Errorf("%s %s (%s) declares %q; the handler accepts %q", r.Method, r.Path, name, declared, got)
		}
	}
	if len(accepted["listCourses"]) == 0 {
		t.Fatal("found no parameter of listCourses: has paged been renamed?")
	}
}

// acceptedParams reads the package's source: for each function, the
// parameter names it hands to paged or KnownParams.
func acceptedParams(t *testing.T) map[string][]string {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			var params []string
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				switch callee := call.Fun.(type) {
				case *ast.Ident:
					if callee.Name == "paged" {
						params = append(params, "limit", "cursor")
					} else {
						return true
					}
				case *ast.SelectorExpr:
					if callee.Sel.Name != "KnownParams" {
						return true
					}
				default:
					return true
				}
				for _, arg := range call.Args[1:] {
					lit, ok := arg.(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						t.Errorf("%s: a parameter list that is not literal strings", fset.Position(arg.Pos()))
						continue
					}
					s, _ := strconv.Unquote(lit.Value)
					params = append(params, s)
				}
				return true
			})
			if params != nil {
				slices.Sort(params)
				out[fn.Name.Name] = params
			}
		}
	}
	return out
}
