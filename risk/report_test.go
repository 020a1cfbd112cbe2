package risk

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/internal/oscaltest"
	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

func fixtureReport(t *testing.T) *Report {
	t.Helper()
	f := newFixture(t)
	f.populate(t)
	rep, err := f.reg.Report(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestRenderersGolden(t *testing.T) {
	t.Parallel()
	rep := fixtureReport(t)
	tests := []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"register.md.golden", func(b *bytes.Buffer) error { return rep.WriteMarkdown(b) }},
		{"register.csv.golden", func(b *bytes.Buffer) error { return rep.WriteCSV(b) }},
		{"register.json.golden", func(b *bytes.Buffer) error { return rep.WriteJSON(b) }},
		{"heatmap.svg.golden", func(b *bytes.Buffer) error { return rep.WriteHeatmapSVG(b) }},
		{"heatmap.md.golden", func(b *bytes.Buffer) error { return rep.WriteHeatmapMarkdown(b) }},
		{"assessment-results.json.golden", func(b *bytes.Buffer) error { return rep.WriteAssessmentResults(b) }},
		{"poam.json.golden", func(b *bytes.Buffer) error { return rep.WritePOAM(b) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var first, second bytes.Buffer
			if err := tt.write(&first); err != nil {
				t.Fatal(err)
			}
			if err := tt.write(&second); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(first.Bytes(), second.Bytes()) {
				t.Error("two renderings differ")
			}
			golden(t, tt.name, first.Bytes())
		})
	}
}

// TestRenderDeterministicAcrossRegisters builds the register twice from
// scratch: the same inputs must give byte-identical reports.
func TestRenderDeterministicAcrossRegisters(t *testing.T) {
	t.Parallel()
	a, b := fixtureReport(t), fixtureReport(t)
	for name, w := range map[string]func(*Report, *bytes.Buffer) error{
		"json":  func(r *Report, buf *bytes.Buffer) error { return r.WriteJSON(buf) },
		"oscal": func(r *Report, buf *bytes.Buffer) error { return r.WriteAssessmentResults(buf) },
		"svg":   func(r *Report, buf *bytes.Buffer) error { return r.WriteHeatmapSVG(buf) },
	} {
		var x, y bytes.Buffer
		if err := w(a, &x); err != nil {
			t.Fatal(err)
		}
		if err := w(b, &y); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x.Bytes(), y.Bytes()) {
			t.Errorf("%s differs between identical registers", name)
		}
	}
}

func TestOSCALValid(t *testing.T) {
	t.Parallel()
	rep := fixtureReport(t)
	var ar, poam bytes.Buffer
	if err := rep.WriteAssessmentResults(&ar); err != nil {
		t.Fatal(err)
	}
	oscaltest.Validate(t, oscaltest.AssessmentResults, ar.Bytes())
	if err := rep.WritePOAM(&poam); err != nil {
		t.Fatal(err)
	}
	oscaltest.Validate(t, oscaltest.POAM, poam.Bytes())

	doc := rep.assessmentResults()
	risks := doc.AssessmentResults.Results[0].Risks
	if len(risks) != 5 {
		t.Fatalf("%d risks in results[0], want 5", len(risks))
	}
	status := map[string]string{}
	for _, r := range risks {
		status[r.Title] = r.Status
	}
	want := map[string]string{
		"Bias in the credit-scoring model":              "remediating",
		"Prompt injection in the LLM support assistant": "deviation-approved",
		"Data drift degrades the fraud-detection model": "open",
		"Theft of model weights":                        "deviation-approved",
		"Hallucinated policy terms in customer answers": "investigating",
	}
	if diff := cmp.Diff(want, status); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	p, err := rep.poam()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.POAM.POAMItems); n != 1 || p.POAM.POAMItems[0].RelatedRisks[0].RiskUUID != p.POAM.Risks[0].UUID {
		t.Errorf("POA&M items %+v, want one item pointing at its risk", p.POAM.POAMItems)
	}
}

func TestPOAMWithoutOpenTreatment(t *testing.T) {
	t.Parallel()
	rep := NewReport(DefaultCriteria(), nil, "acme", t0, nil)
	if _, err := rep.poam(); !errors.Is(err, aims.ErrNotFound) {
		t.Errorf("POAM of an empty register = %v, want ErrNotFound", err)
	}
	// An empty register still gives valid assessment results.
	var ar bytes.Buffer
	if err := rep.WriteAssessmentResults(&ar); err != nil {
		t.Fatal(err)
	}
	oscaltest.Validate(t, oscaltest.AssessmentResults, ar.Bytes())
}

func TestJSONSchemaValidatesReport(t *testing.T) {
	t.Parallel()
	schemaJSON, err := JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "register.schema.json.golden", append(schemaJSON, '\n'))
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const id = "https://github.com/aimsgo/iso42001/schemas/risk-register-report.json"
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(id)
	if err != nil {
		t.Fatal(err)
	}
	rep := fixtureReport(t)
	var out bytes.Buffer
	if err := rep.WriteJSON(&out); err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("report does not validate against its schema: %v", err)
	}
	// The schema can fail: a risk without its required title is refused.
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	delete(m["risks"].([]any)[0].(map[string]any), "title")
	if err := sch.Validate(m); err == nil {
		t.Error("a risk without title validated")
	}

	// The JSON decodes back into a report that renders identically.
	var back Report
	if err := json.Unmarshal(out.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := back.WriteJSON(&again); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(out.String(), again.String()); diff != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", diff)
	}
	var md1, md2 bytes.Buffer
	if err := rep.WriteMarkdown(&md1); err != nil {
		t.Fatal(err)
	}
	if err := back.WriteMarkdown(&md2); err != nil {
		t.Fatal(err)
	}
	if md1.String() != md2.String() {
		t.Error("Markdown of the decoded report differs")
	}
}

func TestEscaping(t *testing.T) {
	t.Parallel()
	spec := DefaultSpec()
	spec.Likelihood.Levels[0].Label = `<script>&"rare"`
	crit, err := NewCriteria(spec)
	if err != nil {
		t.Fatal(err)
	}
	rk := &Risk{Meta: aims.Meta{ID: "r1", State: string(StateIdentified)}, Title: "=HYPERLINK(\"x\") | *bold* <b>", Owner: "o"}
	rep := NewReport(crit, nil, "acme", t0, []*Risk{rk})
	var svg, md, csv bytes.Buffer
	if err := rep.WriteHeatmapSVG(&svg); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(svg.String(), "<script>") || !strings.Contains(svg.String(), "&lt;script&gt;&amp;&quot;rare&quot;") {
		t.Error("SVG label not escaped")
	}
	if !strings.Contains(md.String(), `=HYPERLINK("x") \| \*bold\* &lt;b&gt;`) {
		t.Errorf("Markdown title not escaped:\n%s", md.String())
	}
	if !strings.Contains(csv.String(), `'=HYPERLINK`) {
		t.Errorf("CSV formula not neutralised:\n%s", csv.String())
	}
}

func TestHeatmapCounts(t *testing.T) {
	t.Parallel()
	rep := fixtureReport(t)
	h, err := rep.Heatmap()
	if err != nil {
		t.Fatal(err)
	}
	// Inherent: risk-1 (4,4), risk-2 (4,3), risk-3 (3,3), risk-4 (2,2);
	// residual: risk-2 (2,3).
	inherent := map[[2]int]int{{4, 4}: 1, {4, 3}: 1, {3, 3}: 1, {2, 2}: 1}
	residual := map[[2]int]int{{2, 3}: 1}
	for l := 1; l <= 5; l++ {
		for c := 1; c <= 5; c++ {
			if got := h.Inherent[l-1][c-1]; got != inherent[[2]int{l, c}] {
				t.Errorf("inherent[%d][%d] = %d, want %d", l, c, got, inherent[[2]int{l, c}])
			}
			if got := h.Residual[l-1][c-1]; got != residual[[2]int{l, c}] {
				t.Errorf("residual[%d][%d] = %d, want %d", l, c, got, residual[[2]int{l, c}])
			}
		}
	}
	if h.Bands[4][4] != "critical" || h.Bands[0][0] != "low" {
		t.Errorf("cell bands %v", h.Bands)
	}
}
