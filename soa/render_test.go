package soa_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/internal/oscaltest"
	"github.com/aimsgo/iso42001/soa"
	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// approvedLender is the realistic SoA as it reads once approved.
func approvedLender(t *testing.T) *soa.SoA {
	t.Helper()
	s, err := soa.Generate(t.Context(), lenderInputs(t))
	if err != nil {
		t.Fatal(err)
	}
	s.Meta = aims.Meta{Kind: soa.KindSoA, SchemaVersion: 1, ID: "soa-1", Version: 3, State: string(soa.StateApproved), Workflow: "soa@1",
		CreatedAt: day("2026-11-23"), CreatedBy: "alice", UpdatedAt: day("2026-11-24"), UpdatedBy: "bob"}
	s.Author, s.ApprovedBy, s.ApprovedAt = "alice", "bob", day("2026-11-24")
	return s
}

// hostile is an SoA whose user text tries spreadsheet formulas, HTML and
// Markdown injection.
func hostile(t *testing.T) *soa.SoA {
	t.Helper()
	s, err := soa.Generate(t.Context(), soa.Inputs{
		Organization: `<script>alert("x")</script>`,
		Requirers:    []soa.Requirer{risk("=HYPERLINK(\"http://evil\")", "high", "<img src=x onerror=alert(1)> | *bold* [link](x)", "A.7.4")},
		Implementations: []soa.Implementation{{Control: "A.7.4", Owner: "@SUM(A1)", Status: soa.StatusPlanned,
			Evidence: []soa.Evidence{{URI: "javascript:alert(1)", SHA256: digest("e"), Title: "-2+3"}}}},
		GeneratedAt: day("2026-11-23"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func render(t *testing.T, s *soa.SoA, f soa.Format) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := soa.Render(&b, s, f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRenderGolden(t *testing.T) {
	t.Parallel()
	ext := map[soa.Format]string{soa.FormatMarkdown: "md", soa.FormatHTML: "html", soa.FormatCSV: "csv", soa.FormatJSON: "json", soa.FormatOSCAL: "oscal.json"}
	for _, f := range soa.Formats() {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			got := render(t, approvedLender(t), f)
			checkGolden(t, "lender."+ext[f]+".golden", got)
			if again := render(t, approvedLender(t), f); !bytes.Equal(got, again) {
				t.Error("two renderings of the same SoA differ")
			}
		})
	}
}

func TestRenderUnknownFormat(t *testing.T) {
	t.Parallel()
	err := soa.Render(&bytes.Buffer{}, approvedLender(t), "pdf")
	if err == nil || !strings.Contains(err.Error(), `"pdf"`) {
		t.Errorf("err = %v", err)
	}
	if soa.Format("pdf").Valid() || !soa.FormatOSCAL.Valid() {
		t.Error("Format.Valid")
	}
}

func TestOSCALIsValidSSP(t *testing.T) {
	t.Parallel()
	// The lender decides every control (A.10.4 excluded); the hostile SoA
	// requires A.7.4 only and decides nothing, so every other control is
	// undecided.
	wantKinds := map[string]map[string]int{
		"lender":  {"applicable": 38, "excluded": 1},
		"hostile": {"applicable": 1, "undecided": 37},
	}
	for name, s := range map[string]*soa.SoA{"lender": approvedLender(t), "hostile": hostile(t)} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			doc := render(t, s, soa.FormatOSCAL)
			oscaltest.Validate(t, oscaltest.SSP, doc)
			var got struct {
				SSP struct {
					ControlImplementation struct {
						ImplementedRequirements []struct {
							ControlID    string `json:"control-id"`
							ByComponents []struct {
								Status struct{ State, Remarks string } `json:"implementation-status"`
							} `json:"by-components"`
						} `json:"implemented-requirements"`
					} `json:"control-implementation"`
					SystemImplementation struct {
						Components []struct{ Type string }
						Users      []struct{ UUID string }
					} `json:"system-implementation"`
				} `json:"system-security-plan"`
			}
			if err := json.Unmarshal(doc, &got); err != nil {
				t.Fatal(err)
			}
			reqs := got.SSP.ControlImplementation.ImplementedRequirements
			if len(reqs) != len(s.Entries) {
				t.Fatalf("%d implemented requirements, want %d", len(reqs), len(s.Entries))
			}
			seen := map[string]int{}
			for i, e := range s.Entries {
				st := reqs[i].ByComponents[0].Status
				switch {
				case e.Undecided:
					// Undecided is not an exclusion: it must not read as one.
					seen["undecided"]++
					if st.State == "not-applicable" || !strings.HasPrefix(st.Remarks, "Undecided") {
						t.Errorf("%s: undecided but state %q, remarks %q; want a state other than not-applicable and an Undecided remark", e.Control, st.State, st.Remarks)
					}
				case e.Applicable:
					seen["applicable"]++
					if st.State == "not-applicable" {
						t.Errorf("%s: applicable but state %q", e.Control, st.State)
					}
				default:
					seen["excluded"]++
					if st.State != "not-applicable" {
						t.Errorf("%s: excluded but state %q, want not-applicable", e.Control, st.State)
					}
				}
			}
			if diff := cmp.Diff(wantKinds[name], seen); diff != "" {
				t.Errorf("entries by applicability (-want +got):\n%s", diff)
			}
			if c := got.SSP.SystemImplementation.Components; len(c) == 0 || c[0].Type != "this-system" {
				t.Errorf("components = %+v", c)
			}
			if len(got.SSP.SystemImplementation.Users) == 0 {
				t.Error("no user")
			}
		})
	}
	if s := approvedLender(t); !strings.Contains(string(render(t, s, soa.FormatOSCAL)), `"control-id": "org-NWL-1"`) {
		t.Error("own control id should use the catalog export's org- prefix")
	}
}

func TestJSONMatchesSchemaAndRoundTrips(t *testing.T) {
	t.Parallel()
	raw, err := soa.JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "schema.json.golden", raw)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("soa.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("soa.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*soa.SoA{"lender": approvedLender(t), "hostile": hostile(t), "undecided": undecidedSoA(t)} {
		t.Run(name, func(t *testing.T) {
			out := render(t, s, soa.FormatJSON)
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(v); err != nil {
				t.Fatalf("output does not match its schema: %v", err)
			}
			back, err := soa.Decode(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(s, back); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
	good := render(t, approvedLender(t), soa.FormatJSON)
	for name, edit := range map[string]func(m map[string]any){
		"string number": func(m map[string]any) { m["number"] = "three" },
		"bad digest": func(m map[string]any) {
			m["entries"].([]any)[0].(map[string]any)["evidence"].([]any)[0].(map[string]any)["sha256"] = "ABC"
		},
		"bad status":    func(m map[string]any) { m["entries"].([]any)[0].(map[string]any)["status"] = "done" },
		"unknown field": func(m map[string]any) { m["colour"] = "red" },
	} {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		bad, _ := json.Marshal(m)
		v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(bad))
		if sch.Validate(v) == nil {
			t.Errorf("the schema accepts a document with a %s", name)
		}
		if _, err := soa.Decode(bytes.NewReader(bad)); err == nil {
			t.Errorf("Decode accepts a document with a %s", name)
		}
	}
}

func TestCSVNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	out := render(t, hostile(t), soa.FormatCSV)
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 39 {
		t.Fatalf("%d rows, want header + 38", len(rows))
	}
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("cell %q starts with a formula character", cell)
			}
		}
	}
	var a74 []string
	for _, row := range rows {
		if row[0] == "A.7.4" {
			a74 = row
		}
	}
	if a74[5] != "'@SUM(A1)" || a74[7] != `risk:=HYPERLINK("http://evil")` {
		t.Errorf("owner %q, sources %q", a74[5], a74[7])
	}
}

func TestHTMLEscapesUserText(t *testing.T) {
	t.Parallel()
	out := string(render(t, hostile(t), soa.FormatHTML))
	for _, bad := range []string{"<script>", "<img", "onerror=alert(1)>"} {
		if strings.Contains(out, bad) {
			t.Errorf("HTML contains unescaped %q", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;", "&lt;img src=x", "<style>"} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(out, "<link") || strings.Contains(out, "src=\"http") {
		t.Error("HTML references external resources")
	}
}

func TestMarkdownEscapesUserText(t *testing.T) {
	t.Parallel()
	out := string(render(t, hostile(t), soa.FormatMarkdown))
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| A.7.4 ") {
			if n := strings.Count(line, "|") - strings.Count(line, `\|`); n != 7 {
				t.Errorf("row has %d cell separators, want 7: %s", n, line)
			}
			if strings.Contains(line, "<img") || strings.Contains(line, " *bold*") {
				t.Errorf("row not escaped: %s", line)
			}
		}
	}
}

// undecidedSoA has A.7.4 required and planned, A.2.2 and A.2.3 undecided
// (A.2.2 with a proposal) and every other control excluded.
func undecidedSoA(t *testing.T) *soa.SoA {
	t.Helper()
	s, err := soa.Generate(t.Context(), soa.Inputs{
		Requirers:       []soa.Requirer{risk("R-1", "high", "Bias", "A.7.4")},
		Decisions:       excludeRest(controls.ISO42001(), "A.2.2", "A.2.3", "A.7.4"),
		Implementations: []soa.Implementation{{Control: "A.7.4", Status: soa.StatusPlanned, Owner: "frank"}},
		Proposals:       []soa.Proposal{{Control: "A.2.2", Evidence: "AI policy POL-1 is approved"}},
		GeneratedAt:     day("2026-11-23"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCountsUndecided(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		s    *soa.SoA
		want soa.Counts
	}{
		{"some undecided", undecidedSoA(t),
			soa.Counts{Controls: 38, Applicable: 1, Excluded: 35, Undecided: 2, ByStatus: map[soa.Status]int{soa.StatusPlanned: 1}}},
		{"all decided", approvedLender(t),
			soa.Counts{Controls: 39, Applicable: 38, Excluded: 1, ByStatus: map[soa.Status]int{
				soa.StatusImplemented: 15, soa.StatusPartial: 8, soa.StatusPlanned: 8, soa.StatusNotStarted: 7}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, tt.s.Counts()); diff != "" {
				t.Errorf("Counts (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRenderUndecided shows undecided controls as "undecided" in each
// human format, never as "no", and says in the counts that the SoA cannot
// be approved yet.
func TestRenderUndecided(t *testing.T) {
	t.Parallel()
	const counts = "38 controls: 1 applicable, 35 not applicable. 2 undecided: this SoA cannot be approved until a person decides each. Applicable by status: planned 1."
	tests := []struct {
		format soa.Format
		want   []string
	}{
		{soa.FormatMarkdown, []string{
			"\n" + counts + "\n",
			"| A.2.2 | AI policy | undecided |  |  | Undecided: no risk treatment, impact assessment or obligation requires it and nobody has decided on it; include it, or exclude it with a reason. Proposed as applicable: AI policy POL-1 is approved. |\n",
			"| A.2.3 | Alignment with other organizational policies | undecided |",
			"| A.10.4 | Customers | no |",
			"| A.7.4 | Quality of data for AI systems | yes | planned | frank |",
		}},
		{soa.FormatHTML, []string{
			counts,
			`<tr class="undecided"><td class="id">A.2.2</td><td>AI policy</td><td>undecided</td>`,
			`<tr class="out"><td class="id">A.10.4</td><td>Customers</td><td>no</td>`,
			`<tr class="in"><td class="id">A.7.4</td>`,
		}},
		{soa.FormatCSV, []string{
			"\nA.2.2,AI policy,annex-a,undecided,,,",
			"\nA.10.4,Customers,annex-a,no,,,",
			"\nA.7.4,Quality of data for AI systems,annex-a,yes,planned,frank,",
		}},
		{soa.FormatOSCAL, []string{counts}},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			t.Parallel()
			out := string(render(t, undecidedSoA(t), tt.format))
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("%s output lacks %q", tt.format, w)
				}
			}
		})
	}
	// A fully decided SoA says nothing of undecided controls.
	if out := string(render(t, approvedLender(t), soa.FormatMarkdown)); strings.Contains(out, "undecided") {
		t.Error("the lender's Markdown mentions undecided controls, but it decides every one")
	}
}
