package impact

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// checkGolden compares got with testdata/name, rewriting it under -update.
// JSON and schema goldens are stable interchange; Markdown, HTML and
// Mermaid are for people and may be regenerated when their layout changes.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", name, diff)
	}
}

// hostile is user text that would break Markdown tables or inject HTML if
// it were not escaped.
const hostile = `<script>alert(1)</script> | *bold* [link](javascript:x)`

// approvedAssessment walks the credit model's assessment to approval with
// a fixed clock and ids, so that reports are byte-identical run to run.
func approvedAssessment(t *testing.T) (*fixture, *Assessment) {
	t.Helper()
	f := newFixture(t)
	ctx := t.Context()
	a := must[*Assessment](t)(f.svc.New(ctx, alice, "credit-model"))
	a = must[*Assessment](t)(f.svc.Answer(ctx, alice, a.ID, baselineAnswers()))
	must[*Screening](t)(f.svc.Screen(ctx, alice, "credit-model", creditScreening()))
	a = must[*Assessment](t)(f.svc.Get(ctx, a.ID))
	fill(a)
	a.Stakeholders[1].Note = hostile
	a = must[*Assessment](t)(f.svc.Update(ctx, alice, a))
	must[*Assessment](t)(f.svc.Submit(ctx, alice, a.ID))
	must[[]RiskLink](t)(f.svc.Link(ctx, alice, a.ID))
	f.clock.Add(2 * time.Hour)
	return f, must[*Assessment](t)(f.svc.Approve(ctx, bob, a.ID))
}

func TestReportGolden(t *testing.T) {
	t.Parallel()
	f, a := approvedAssessment(t)
	for _, format := range []Format{FormatMarkdown, FormatHTML, FormatJSON} {
		t.Run(string(format), func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := f.svc.Report(t.Context(), a.ID, format, &b); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "report."+string(format)+".golden", b.Bytes())
			if format == FormatHTML && strings.Contains(b.String(), "<script>") {
				t.Error("HTML report holds an unescaped <script>")
			}
			if format == FormatMarkdown && strings.Contains(b.String(), "<script>") {
				t.Error("Markdown report holds an unescaped <script>")
			}
		})
	}
	if err := f.svc.Report(t.Context(), a.ID, "pdf", &bytes.Buffer{}); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestSchemasGolden(t *testing.T) {
	t.Parallel()
	for name, fn := range map[string]func() ([]byte, error){
		"report.schema.json.golden":        ReportSchema,
		"questionnaire.schema.json.golden": QuestionnaireSchema,
		"answers.schema.json.golden":       AnswersSchema,
	} {
		got, err := fn()
		if err != nil {
			t.Fatal(err)
		}
		checkGolden(t, name, append(got, '\n'))
	}
}

func TestWorkflowMermaidGolden(t *testing.T) {
	t.Parallel()
	m, err := NewWorkflow(nil)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "workflow.mmd.golden", []byte(m.Mermaid()))
}

func compileSchema(t *testing.T, id string, schema []byte) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validateAgainst(t *testing.T, s *jsonschema.Schema, data []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("output does not match its schema: %v", err)
	}
}

func TestOutputsMatchSchemas(t *testing.T) {
	t.Parallel()
	f, a := approvedAssessment(t)
	rs, err := ReportSchema()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.svc.Write(&b, a, FormatJSON); err != nil {
		t.Fatal(err)
	}
	validateAgainst(t, compileSchema(t, ReportSchemaID, rs), b.Bytes())

	qs, err := QuestionnaireSchema()
	if err != nil {
		t.Fatal(err)
	}
	qschema := compileSchema(t, "https://github.com/aimsgo/iso42001/schemas/impact-questionnaire.json", qs)
	for _, id := range BuiltinIDs() {
		form, _ := Builtin(id)
		var qb bytes.Buffer
		if err := EncodeQuestionnaire(&qb, form.Questionnaire()); err != nil {
			t.Fatal(err)
		}
		validateAgainst(t, qschema, qb.Bytes())
	}

	as, err := AnswersSchema()
	if err != nil {
		t.Fatal(err)
	}
	var ab bytes.Buffer
	if err := EncodeAnswers(&ab, creditScreening()); err != nil {
		t.Fatal(err)
	}
	validateAgainst(t, compileSchema(t, "https://github.com/aimsgo/iso42001/schemas/impact-answers.json", as), ab.Bytes())
}
