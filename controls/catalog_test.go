package controls

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/aimsgo/iso42001/internal/natsort"
)

var update = flag.Bool("update", false, "rewrite golden files and the canonical embedded data")

func ids[T any](seq func(func(T) bool), id func(T) string) []string {
	var out []string
	for v := range seq {
		out = append(out, id(v))
	}
	return out
}

func TestCounts(t *testing.T) {
	t.Parallel()
	c := ISO42001()
	ctrls := ids(c.Controls(), func(c *Control) string { return c.ID })
	if len(ctrls) != 38 {
		t.Errorf("Annex A controls = %d, want 38", len(ctrls))
	}
	var top []string
	for o := range c.Objectives() {
		if o.Parent == "" {
			top = append(top, o.ID)
		}
	}
	if diff := cmp.Diff([]string{"A.2", "A.3", "A.4", "A.5", "A.6", "A.7", "A.8", "A.9", "A.10"}, top); diff != "" {
		t.Errorf("top-level objectives (-want +got):\n%s", diff)
	}
	for _, id := range strings.Fields("4 4.1 4.2 4.3 4.4 5 5.1 5.2 5.3 6 6.1 6.1.1 6.1.2 6.1.3 6.1.4 6.2 6.3 7 7.1 7.2 7.3 7.4 7.5 7.5.1 7.5.2 7.5.3 8 8.1 8.2 8.3 8.4 9 9.1 9.2 9.2.1 9.2.2 9.3 9.3.1 9.3.2 9.3.3 10 10.1 10.2") {
		if _, err := c.Clause(id); err != nil {
			t.Errorf("Clause(%q): %v", id, err)
		}
	}
	perObjective := map[string]int{"A.2": 3, "A.3": 2, "A.4": 5, "A.5": 4, "A.6": 9, "A.6.1": 2, "A.6.2": 7, "A.7": 5, "A.8": 4, "A.9": 3, "A.10": 3}
	for obj, want := range perObjective {
		if got := len(ids(c.ControlsIn(obj), func(c *Control) string { return c.ID })); got != want {
			t.Errorf("ControlsIn(%s) = %d controls, want %d", obj, got, want)
		}
	}
	if n := len(ids(c.AIObjectives(), func(o *AIObjectiveInfo) string { return string(o.ID) })); n != 11 {
		t.Errorf("AIObjectives = %d, want 11", n)
	}
	if n := len(ids(c.RiskSources(), func(o *RiskSourceInfo) string { return string(o.ID) })); n != 7 {
		t.Errorf("RiskSources = %d, want 7", n)
	}
	for _, fw := range []Framework{FrameworkNISTAIRMF, FrameworkEUAIAct, FrameworkISO27001} {
		covered := map[string]bool{}
		for m := range c.Mappings(fw) {
			covered[m.From] = true
		}
		if fw == FrameworkEUAIAct {
			continue // the AI Act covers only part of the catalog
		}
		if fw == FrameworkNISTAIRMF {
			for ct := range c.Controls() {
				if !covered[ct.ID] {
					t.Errorf("%s: control %s has no mapping", fw, ct.ID)
				}
			}
		}
	}
}

func TestNaturalOrder(t *testing.T) {
	t.Parallel()
	c := ISO42001()
	for name, got := range map[string][]string{
		"controls":     ids(c.Controls(), func(c *Control) string { return c.ID }),
		"clauses":      ids(c.Clauses(), func(c *Clause) string { return c.ID }),
		"objectives":   ids(c.Objectives(), func(c *Objective) string { return c.ID }),
		"aiObjectives": ids(c.AIObjectives(), func(c *AIObjectiveInfo) string { return c.Label }),
		"nist from":    ids(c.Mappings(FrameworkNISTAIRMF), func(m Mapping) string { return m.From }),
	} {
		if !slices.IsSortedFunc(got, natsort.Compare) {
			t.Errorf("%s not in natural order: %v", name, got)
		}
	}
	ctrls := ids(c.Controls(), func(c *Control) string { return c.ID })
	if i, j := slices.Index(ctrls, "A.2.2"), slices.Index(ctrls, "A.10.2"); i > j {
		t.Errorf("A.2.2 at %d after A.10.2 at %d", i, j)
	}
	cls := ids(c.Clauses(), func(c *Clause) string { return c.ID })
	if cls[len(cls)-1] != "10.2" {
		t.Errorf("last clause = %s, want 10.2", cls[len(cls)-1])
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	c := ISO42001()
	tests := []struct {
		id      string
		control bool
		wantErr bool
	}{
		{"A.6.2.8", true, false},
		{"A.10.4", true, false},
		{"A.99", true, true},
		{"6.1.2", false, false},
		{"11.1", false, true},
		{"", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			t.Parallel()
			var err error
			var got string
			if tt.control {
				var ct *Control
				ct, err = c.Control(tt.id)
				if ct != nil {
					got = ct.ID
				}
			} else {
				var cl *Clause
				cl, err = c.Clause(tt.id)
				if cl != nil {
					got = cl.ID
				}
			}
			if tt.wantErr {
				var ue *UnknownIDError
				if !errors.Is(err, ErrUnknownID) || !errors.As(err, &ue) || ue.ID != tt.id || !strings.Contains(err.Error(), `"`+tt.id+`"`) {
					t.Fatalf("err = %v, want UnknownIDError naming %q", err, tt.id)
				}
				return
			}
			if err != nil || got != tt.id {
				t.Fatalf("got %q, %v; want %q", got, err, tt.id)
			}
			if !c.Contains(tt.id) {
				t.Errorf("Contains(%q) = false", tt.id)
			}
		})
	}
}

func TestPhases(t *testing.T) {
	t.Parallel()
	c := ISO42001()
	want := map[Phase]string{PhasePlan: "4", PhaseDo: "8", PhaseCheck: "9", PhaseAct: "10"}
	for p, top := range want {
		for cl := range c.ClausesIn(p) {
			root, _, _ := strings.Cut(cl.ID, ".")
			if p == PhasePlan && slices.Contains([]string{"4", "5", "6", "7"}, root) {
				continue
			}
			if root != top {
				t.Errorf("clause %s in phase %s", cl.ID, p)
			}
		}
	}
	for _, p := range []Phase{PhasePlan, PhaseDo, PhaseCheck, PhaseAct} {
		if !p.Valid() {
			t.Errorf("%s not valid", p)
		}
	}
	if Phase("later").Valid() {
		t.Error("Phase(later) valid")
	}
}

func TestEnums(t *testing.T) {
	t.Parallel()
	c := ISO42001()
	for o := range c.AIObjectives() {
		if !o.ID.Valid() || !strings.HasPrefix(o.Label, "C.2.") || !strings.HasPrefix(o.Basis, "derived: ") {
			t.Errorf("bad AI objective entry %+v", o)
		}
	}
	for s := range c.RiskSources() {
		if !s.ID.Valid() || !strings.HasPrefix(s.Label, "C.3.") {
			t.Errorf("bad risk source entry %+v", s)
		}
	}
	if AIObjective("speed").Valid() || RiskSource("weather").Valid() || Framework("x").Valid() || Strength("x").Valid() || Origin("x").Valid() {
		t.Error("unknown enum value reported valid")
	}
	if got, err := c.AIObjective(AIObjectiveFairness); err != nil || got.Label != "C.2.5" {
		t.Errorf("AIObjective(fairness) = %+v, %v", got, err)
	}
	if got, err := c.RiskSource(SourceMachineLearning); err != nil || got.Label != "C.3.4" {
		t.Errorf("RiskSource(machine-learning) = %+v, %v", got, err)
	}
	if _, err := c.AIObjective("nope"); !errors.Is(err, ErrUnknownID) {
		t.Errorf("AIObjective(nope) err = %v", err)
	}
	doms := ids(c.Domains(), func(d *Domain) string { return d.ID })
	for _, d := range []string{"health", "defence", "transport", "finance", "employment", "energy"} {
		if !slices.Contains(doms, d) {
			t.Errorf("domain %s missing", d)
		}
	}
}

func TestRelevantControls(t *testing.T) {
	t.Parallel()
	c := ISO42001()
	tests := []struct {
		name    string
		sources []RiskSource
		objs    []AIObjective
		want    []string
	}{
		{"none", nil, nil, nil},
		{"hardware", []RiskSource{SourceHardware}, nil, []string{"A.4.5", "A.6.2.6"}},
		{"dedup", []RiskSource{SourceHardware}, []AIObjective{AIObjectiveSecurity}, []string{"A.4.5", "A.6.2.6", "A.6.2.8", "A.10.3"}},
		{"unknown", []RiskSource{"weather"}, []AIObjective{"speed"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, c.RelevantControls(tt.sources, tt.objs)); diff != "" {
				t.Errorf("RelevantControls (-want +got):\n%s", diff)
			}
		})
	}
	// Every Annex A control is relevant to something: the mapping is complete
	// enough for "controls not considered" to be meaningful.
	var all []RiskSource
	for s := range c.RiskSources() {
		all = append(all, s.ID)
	}
	var objs []AIObjective
	for o := range c.AIObjectives() {
		objs = append(objs, o.ID)
	}
	if got := len(c.RelevantControls(all, objs)); got < 30 {
		t.Errorf("Annex C mapping covers only %d controls", got)
	}
}

func TestCrosswalk(t *testing.T) {
	t.Parallel()
	c := ISO42001()
	tests := []struct {
		fw   Framework
		ref  string
		want string
	}{
		{FrameworkEUAIAct, "Art. 12", "A.6.2.8"},
		{FrameworkEUAIAct, "Art. 10", "A.7.4"},
		{FrameworkEUAIAct, "Art. 27", "6.1.4"},
		{FrameworkEUAIAct, "Art. 73", "A.8.4"},
		{FrameworkISO27001, "A.8.15", "A.6.2.8"},
		{FrameworkISO27001, "A.5.19", "A.10.3"},
		{FrameworkISO27001, "9.3.3", "9.3.3"},
		{FrameworkNISTAIRMF, "GOVERN 1.1", "A.2.2"},
		{FrameworkNISTAIRMF, "MANAGE 4.3", "A.8.4"},
	}
	for _, tt := range tests {
		t.Run(string(tt.fw)+" "+tt.ref, func(t *testing.T) {
			t.Parallel()
			from := ids(c.MappingsTo(tt.fw, tt.ref), func(m Mapping) string { return m.From })
			if !slices.Contains(from, tt.want) {
				t.Errorf("MappingsTo(%s, %q) = %v, want it to include %s", tt.fw, tt.ref, from, tt.want)
			}
			if !slices.IsSortedFunc(from, natsort.Compare) {
				t.Errorf("not in natural order: %v", from)
			}
			back := ids(c.MappingsFrom(tt.want), func(m Mapping) string { return string(m.Framework) + " " + m.Ref })
			if !slices.Contains(back, string(tt.fw)+" "+tt.ref) {
				t.Errorf("MappingsFrom(%s) = %v, want it to include %s %s", tt.want, back, tt.fw, tt.ref)
			}
		})
	}
	for _, id := range []string{"6.1.4", "8.4"} {
		for m := range c.MappingsFrom(id) {
			if m.Framework == FrameworkISO27001 {
				t.Errorf("%s maps to ISO 27001 %s; it has no counterpart", id, m.Ref)
			}
		}
	}
	for m := range c.Mappings(FrameworkEUAIAct) {
		if !strings.HasPrefix(m.Basis, "derived: ") {
			t.Errorf("EU AI Act mapping %s -> %s basis %q not derived", m.From, m.Ref, m.Basis)
		}
	}
}

func TestMerge(t *testing.T) {
	t.Parallel()
	base := ISO42001()
	good := []Control{
		{ID: "ACME-1", Namespace: "ACME", Title: "Model cards", Summary: "Publish a model card for each model.", Extends: "A.6.2.7", RelatedControls: []string{"A.8.2"}},
		{ID: "ACME-2", Namespace: "ACME", Title: "Red teaming", Summary: "Red-team models before release.", Objective: "A.6.2", Extends: "ACME-1"},
	}
	m, err := Merge(base, good...)
	if err != nil {
		t.Fatalf("Merge: %v", err)
	}
	all := ids(m.Controls(), func(c *Control) string { return c.ID })
	if diff := cmp.Diff([]string{"A.10.4", "ACME-1", "ACME-2"}, all[len(all)-3:]); diff != "" {
		t.Errorf("own controls not last (-want +got):\n%s", diff)
	}
	if ct, err := m.Control("ACME-1"); err != nil || ct.Origin != OriginOrganization {
		t.Errorf("Control(ACME-1) = %+v, %v", ct, err)
	}
	if _, err := base.Control("ACME-1"); err == nil {
		t.Error("Merge modified its base")
	}
	if n := len(ids(m.ControlsIn("A.6"), func(c *Control) string { return c.ID })); n != 10 {
		t.Errorf("merged ControlsIn(A.6) = %d, want 10", n)
	}

	tests := []struct {
		name string
		own  []Control
		want []string // problem paths (and fragments)
	}{
		{"duplicate id", []Control{good[0], good[0]}, []string{`own[1].id: duplicate id "ACME-1"`}},
		{"annex A id", []Control{{ID: "A.2.2", Namespace: "A", Title: "x", Summary: "x"}}, []string{"own[0].namespace", "own[0].id"}},
		{"annex A origin", []Control{{ID: "ACME-9", Origin: OriginAnnexA, Namespace: "ACME", Title: "x", Summary: "x"}}, []string{"own[0].origin"}},
		{"unresolved", []Control{{ID: "ACME-1", Namespace: "ACME", Title: "x", Summary: "x", Objective: "A.42", RelatedControls: []string{"A.99"}, RelatedClauses: []string{"11"}}},
			[]string{`own[0].objective: unknown objective "A.42"`, `own[0].relatedControls[0]: unknown control "A.99"`, `own[0].relatedClauses[0]: unknown clause "11"`}},
		{"cycle", []Control{
			{ID: "ACME-1", Namespace: "ACME", Title: "x", Summary: "x", Extends: "ACME-2"},
			{ID: "ACME-2", Namespace: "ACME", Title: "y", Summary: "y", Extends: "ACME-1"},
		}, []string{"own[0].extends: cycle: ACME-1 -> ACME-2 -> ACME-1"}},
		{"self cycle", []Control{{ID: "ACME-1", Namespace: "ACME", Title: "x", Summary: "x", Extends: "ACME-1"}}, []string{"own[0].extends: cycle"}},
		{"missing fields", []Control{{ID: "acme-1", Namespace: "acme"}}, []string{"own[0].namespace", "own[0].title: required", "own[0].summary: required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Merge(base, tt.own...)
			var ve *ValidationError
			if !errors.Is(err, ErrInvalid) || !errors.As(err, &ve) {
				t.Fatalf("err = %v, want *ValidationError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestNewValidation(t *testing.T) {
	t.Parallel()
	d := ISO42001().Document()
	d.Kind = "Other"
	d.Clauses[3].Phase = "later"
	d.Clauses[4].Parent = "9"
	d.Controls[1].Origin = ""
	d.Mappings[0].From = "Z.1"
	d.Mappings[1].Strength = "strong"
	d.AIObjectives[0].Controls = append(d.AIObjectives[0].Controls, "A.1.1")
	_, err := New(d)
	for _, w := range []string{"kind:", "clauses[3].phase", "clauses[4].parent", "controls[1].origin", `mappings[0].from: unknown clause or control "Z.1"`, "mappings[1].strength", `aiObjectives[0].controls[5]: unknown control "A.1.1"`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not mention %q", err, w)
		}
	}
}

func TestDecodeStrict(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"unknown top field", `{"kind":"ControlCatalog","extra":1}`, "extra: unknown field"},
		{"unknown nested field", `{"controls":[{"id":"A.2.2","colour":"red"}]}`, "controls[0].colour: unknown field"},
		{"wrong type", `{"controls":[{"id":7}]}`, "controls[0].id: must be a string, got a number"},
		{"not json", `{`, "malformed JSON"},
		{"trailing", `{} {}`, ""},
		{"empty", ``, "empty input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Decode(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Decode(%s) err = %v, want mention of %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestEmbeddedIsCanonical(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := Encode(&buf, ISO42001()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("data", "iso42001.json")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff(string(embedded), buf.String()); diff != "" {
		t.Errorf("embedded data is not in canonical form; run go test -update (-want +got):\n%s", diff)
	}
	c2, err := Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ISO42001().Document(), c2.Document()); diff != "" {
		t.Errorf("Encode/Decode round trip (-want +got):\n%s", diff)
	}
}

func compileSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	raw, err := JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const id = "https://github.com/aimsgo/iso42001/schemas/controls-catalog.json"
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestJSONSchema(t *testing.T) {
	t.Parallel()
	s := compileSchema(t)
	merged, err := Merge(ISO42001(), Control{ID: "ACME-1", Namespace: "ACME", Title: "x", Summary: "y", Extends: "A.2.2"})
	if err != nil {
		t.Fatal(err)
	}
	var enc bytes.Buffer
	if err := Encode(&enc, merged); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"embedded": embedded, "merged": enc.Bytes()} {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(v); err != nil {
			t.Errorf("%s catalog does not match the schema: %v", name, err)
		}
	}
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"kind":"ControlCatalog","surprise":true}`))
	if err := s.Validate(bad); err == nil {
		t.Error("schema accepts unknown fields")
	}
	raw, _ := JSONSchema()
	checkGolden(t, "schema.json.golden", raw)
}
