package iso42001

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/lifecycle"
	"github.com/aimsgo/iso42001/risk"
	"github.com/aimsgo/iso42001/soa"
)

var update = flag.Bool("update", false, "rewrite the golden files of the manifest tests")

// manifestExamples is where the example manifests live.
const manifestExamples = "examples/manifests"

// openMem opens an AIMS on a fresh memory store with a fixed clock and
// ids counting up per kind.
func openMem(t testing.TB) (*AIMS, *memstore.Store) {
	t.Helper()
	store := memstore.New()
	a := openOn(t, store)
	return a, store
}

func openOn(t testing.TB, store aims.Store) *AIMS {
	t.Helper()
	var mu sync.Mutex
	seq := map[string]int{}
	a, err := Open(context.Background(), store, "t1", &Options{
		Clock: func() time.Time { return time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC) },
		NewID: func(kind string) string {
			mu.Lock()
			defer mu.Unlock()
			seq[kind]++
			return fmt.Sprintf("%s-%d", kind, seq[kind])
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func readManifest(t testing.TB, name string) *Manifest {
	t.Helper()
	path := filepath.Join(manifestExamples, name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := DecodeManifest(path, data)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return m
}

func head(t testing.TB, ctx context.Context, a *AIMS) aims.Entry {
	t.Helper()
	e, err := a.Workspace().Store().Head(ctx, a.Tenant())
	if err != nil && !errors.Is(err, aims.ErrNotFound) {
		t.Fatal(err)
	}
	return e
}

func encode(t testing.TB, m *Manifest) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := EncodeManifest(&b, m, "aims-manifest.schema.json"); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestManifestSchemaGolden(t *testing.T) {
	got, err := generateManifestSchema()
	if err != nil {
		t.Fatal(err)
	}
	files := []string{"testdata/manifest/aims-manifest.schema.json", filepath.Join(manifestExamples, "aims-manifest.schema.json")}
	if *update {
		for _, f := range files {
			if err := os.WriteFile(f, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	for _, f := range files {
		want, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(string(want), string(got)); d != "" {
			t.Errorf("%s is stale; run go test -run TestManifestSchemaGolden -update (-want +got):\n%s", f, d)
		}
	}
	if !bytes.Equal(ManifestSchema(), got) {
		t.Error("ManifestSchema() differs from the generated schema")
	}
}

// TestExamplesValidateAgainstSchema checks each example, as JSON, against
// the generated JSON Schema, and that the schema refuses an unknown field.
func TestExamplesValidateAgainstSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(ManifestSchema()))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource(ManifestSchemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(ManifestSchemaID)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"minimal.yaml", "northwind.yaml"} {
		m := readManifest(t, name)
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(mustJSON(t, m)))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"apiVersion":"iso42001.aimsgo.dev/v1","kind":"AIMS","organisation":{"name":"x","colour":"red"}}`))
	if err := sch.Validate(bad); err == nil {
		t.Error("the schema accepts an unknown field")
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeManifestErrors(t *testing.T) {
	t.Parallel()
	const hdr = "apiVersion: iso42001.aimsgo.dev/v1\nkind: AIMS\n"
	for _, tc := range []struct {
		name, in string
		want     string // one problem, as ManifestProblem.String
	}{
		{"unknown field", hdr + "organisation:\n  name: x\n  colour: red\n", "m.yaml:5:3: organisation.colour: unknown field \"colour\""},
		{"wrong type", hdr + "organisation:\n  name: x\naiSystems:\n  - id: s\n    name: s\n    inScope: maybe\n", "m.yaml:8:14: aiSystems[0].inScope: must be true or false, got a string"},
		{"list for string", hdr + "organisation:\n  name: [a]\n", "m.yaml:4:9: organisation.name: must be a string, got a list"},
		{"duplicate key", hdr + "organisation:\n  name: x\n  name: y\n", "m.yaml:5:3: organisation.name: mapping key \"name\" already defined at [4:3]"},
		{"duplicate key in JSON", `{"apiVersion": "iso42001.aimsgo.dev/v1", "kind": "AIMS", "kind": "AIMS"}`, "m.yaml:1:58: kind: mapping key \"kind\" already defined at [1:42]"},
		{"wrong api version", "apiVersion: v0\nkind: AIMS\norganisation:\n  name: x\n", "m.yaml:1:1: apiVersion: must be \"iso42001.aimsgo.dev/v1\", got \"v0\""},
		{"anchor", hdr + "organisation: &o\n  name: x\n", "m.yaml:3: the manifest uses YAML anchors or aliases, which are not supported"},
		{"two documents", hdr + "organisation:\n  name: x\n---\nkind: AIMS\n", "m.yaml:5: the manifest must be one YAML document"},
		{"fraction for integer", hdr + "organisation:\n  name: x\nmetrics:\n  - id: m\n    frequencyDays: 2.5\n", "m.yaml:7:5: metrics[0].frequencyDays: must be an integer between -9223372036854775808 and 9223372036854775807, got 2.5"},
		{"control character", hdr + "organisation:\n  name: \"x\\u0007y\"\n", "m.yaml:4:3: organisation.name: must not contain a control character (U+0007 at offset 1)"},
		{"not a mapping", "- a\n- b\n", "m.yaml:1:1: a manifest must be a mapping with apiVersion, kind and the AIMS's records"},
		{"empty", "# nothing\n", "m.yaml: the manifest is empty"},
		{"byte order mark and CRLF", "\ufeffapiVersion: v0\r\nkind: AIMS\r\norganisation:\r\n  name: x\r\n", "m.yaml:1:1: apiVersion: must be \"iso42001.aimsgo.dev/v1\", got \"v0\""},
		{"date without time", hdr + "organisation:\n  name: x\nobjectives:\n  - id: o\n    title: t\n    responsible: a\n    due: 2027-01-05\n", "m.yaml:9:5: objectives[0].due: must be an RFC 3339 time such as 2024-05-01T00:00:00Z, got \"2027-01-05\""},
		{"deep flow", hdr + "organisation: " + strings.Repeat("[", 40) + strings.Repeat("]", 40) + "\n", "m.yaml:3: the manifest nests deeper than 32 levels"},
		{"deep blocks", hdr + "organisation:\n" + func() string {
			var b strings.Builder
			for i := range 40 {
				b.WriteString(strings.Repeat(" ", i+1) + "- \n")
			}
			return b.String()
		}(), "m.yaml:34: the manifest nests deeper than 32 levels"},
		{"anchor bomb", hdr + "organisation: " + strings.Repeat("&a ", 5000) + "x\n", "m.yaml:3: the manifest uses YAML anchors or aliases, which are not supported"},
		{"long list", hdr + "organisation:\n  sectors:\n" + strings.Repeat("    - s\n", MaxManifestEntries+1), "m.yaml:25005: the manifest has a YAML mapping or list of more than 25000 entries"},
		{"unknown field in the life cycle", hdr + "organisation:\n  name: x\nlifecycle:\n  requirements:\n    - id: r\n      colour: red\n", "m.yaml:8:7: lifecycle.requirements[0].colour: unknown field \"colour\""},
		{"too big", hdr + strings.Repeat("#", MaxManifestBytes), fmt.Sprintf("m.yaml: the manifest is %d bytes, more than the limit of %d", MaxManifestBytes+len(hdr), MaxManifestBytes)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := DecodeManifest("m.yaml", []byte(tc.in))
			var me *ManifestError
			if !errors.As(err, &me) || !errors.Is(err, aims.ErrInvalid) {
				t.Fatalf("got %v (%T), want a *ManifestError matching aims.ErrInvalid", err, err)
			}
			if len(me.Problems) != 1 {
				t.Fatalf("got %d problems, want 1:\n%v", len(me.Problems), err)
			}
			if got := me.Problems[0].String(); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestManifestValidateReferences(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join(manifestExamples, "northwind.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	src := string(data)
	for _, tc := range []struct {
		name, old, new string
		want           []string // substrings of the problems, in order
	}{
		{"unknown control", "        - id: A.7.4\n", "        - id: A.99\n", []string{"risks[0].treatment.controls[0].id: unknown control \"A.99\""}},
		{"unknown system", "    systems:\n      - credit-model\n", "    systems:\n      - credit-modle\n", []string{"risks[0].systems[0]: unknown AI system \"credit-modle\""}},
		{"duplicate id", "  - id: R-2\n", "  - id: R-1\n", []string{"risks[1]: duplicate id \"R-1\", first at risks[0]"}},
		{"approver is author", "    state: published\n    approver: bob\n", "    state: published\n    approver: alice\n", []string{"documents[4].approver: \"alice\" is the author"}},
		{"approver without role", "    state: published\n    approver: bob\n", "    state: published\n    approver: erin\n", []string{"documents[4].approver: \"erin\" must hold the approver or top-management role"}},
		{"unknown objective", "    objective: obj-fair-credit\n", "    objective: obj-fast-credit\n", []string{"metrics[0].objective: unknown objective \"obj-fast-credit\""}},
		{"assessment off the scale", "        likelihood: 4\n", "        likelihood: 9\n", []string{"risks[0].inherent.assessment.likelihood"}},
		{"undecided control", "    - control: A.2.2\n      choice: include\n      reason: the AI policy and its alignment with other policies are Northwind's own\n", "", []string{"soa.approval: 1 controls would be undecided (A.2.2): include or exclude each under soa.decisions"}},
		{"SoA approved by its author", "    approver: bob\nmetrics:", "    approver: alice\nmetrics:", []string{"soa.approval.approver: \"alice\" is the author"}},
		{"unknown area", "      - id: A.7\n", "      - id: Z.7\n", []string{"auditProgrammes[0].areas[12].id: \"Z.7\" is neither a clause nor a control"}},
		{"impact assessment of an unknown system", "    system: credit-model\n", "    system: credit-modle\n", []string{"impactAssessments[1].system: unknown AI system \"credit-modle\""}},
		{"harm linked to an unknown risk", "        risk: R-1\n", "        risk: R-9\n", []string{"impactAssessments[1].impacts[0].risk: unknown risk \"R-9\""}},
		{"impact approved by its author", "    state: approved\n    approver: bob\n  - id: IA-credit-1", "    state: approved\n    approver: erin\n  - id: IA-credit-1", []string{"impactAssessments[0].approver: \"erin\" is the author"}},
		{"unknown question", "      contestable: true\n", "      contestible: true\n", []string{"impactAssessments[0].answers.contestible: unknown question"}},
		{"measurement of an unknown metric", "    metric: approval-gap\n", "    metric: approval-gapp\n", []string{"measurements[0].metric: unknown metric \"approval-gapp\""}},
		{"measurement in the future", "    at: \"2026-02-18T09:00:00Z\"\n", "    at: \"2027-02-18T09:00:00Z\"\n", []string{"measurements[0].at: 2027-02-18T09:00:00Z is after now"}},
		{"auditor without the role", "      - frank\n    lead: frank\n", "      - erin\n    lead: erin\n", []string{"audits[1].auditors[0]: \"erin\" must hold the internal-auditor role"}},
		{"auditor of her own area", "      - frank\n    lead: frank\n", "      - carol\n    lead: carol\n", []string{"audits[1].auditors[0]: \"carol\" owns area 9"}},
		{"finding without a result", "        ref: \"8.3\"\n        statement:", "        ref: \"9.1\"\n        statement:", []string{"audits[0].findings[0].ref: \"9.1\" has no result"}},
		{"review held by someone without authority", "    heldBy: bob\n", "    heldBy: dave\n", []string{"reviews[0].heldBy: \"dave\" must hold the top-management role"}},
		{"requirement of an unknown system", "      system: credit-model\n      stage: inception\n", "      system: credit-modle\n      stage: inception\n", []string{"lifecycle.requirements[1].system: unknown AI system \"credit-modle\""}},
		{"requirement owned by an unknown person", "      owner: dave\n  verifications:", "      owner: zed\n  verifications:", []string{"lifecycle.requirements[1].owner: unknown person \"zed\""}},
		{"verification in the future", "      signedAt: \"2026-01-15T10:00:00Z\"\n    - id: ver-credit-v3", "      signedAt: \"2027-01-15T10:00:00Z\"\n    - id: ver-credit-v3", []string{"lifecycle.verifications[0].signedAt: 2027-01-15T10:00:00Z is after now"}},
		{"passed verification missing its threshold", "          value: 3.1\n          threshold: 5\n", "          value: 3.1\n", []string{"lifecycle.verifications[1].results[0].threshold: is required when the verification passed", "lifecycle.verifications[1].results[0].direction: must be empty without a threshold"}},
		{"deployment approved by its requester", "      requestedBy: erin\n      approvedBy: bob\n", "      requestedBy: erin\n      approvedBy: erin\n", []string{"lifecycle.deploymentApprovals[0].approvedBy: must not be the requester"}},
		{"deployment approved without authority", "      requestedBy: erin\n      approvedBy: bob\n", "      requestedBy: erin\n      approvedBy: dave\n", []string{"lifecycle.deploymentApprovals[0].approvedBy: \"dave\" must hold the approver or top-management role"}},
		{"deployment on an unknown verification", "        - ver-credit-v3\n      requestedBy", "        - ver-credit-v4\n      requestedBy", []string{"lifecycle.deploymentApprovals[1].verifications[0]: unknown verification \"ver-credit-v4\""}},
		{"deployment on another system's verification", "        - ver-credit-v3\n      requestedBy", "        - ver-assistant-2025-11\n      requestedBy", []string{"lifecycle.deploymentApprovals[1].verifications[0]: verification \"ver-assistant-2025-11\" is of AI system \"support-assistant\""}},
		{"communication about an unknown system", "      audience: external\n      aiSystems:\n        - credit-model\n", "      audience: external\n      aiSystems:\n        - credit-modle\n", []string{"lifecycle.communications[1].aiSystems[0]: unknown AI system \"credit-modle\""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if !strings.Contains(src, tc.old) {
				t.Fatalf("northwind.yaml has no %q", tc.old)
			}
			m, err := DecodeManifest("northwind.yaml", []byte(strings.Replace(src, tc.old, tc.new, 1)))
			if err != nil {
				t.Fatal(err)
			}
			a, _ := openMem(t)
			_, err = a.Plan(t.Context(), m, nil)
			var me *ManifestError
			if !errors.As(err, &me) {
				t.Fatalf("got %v, want a *ManifestError", err)
			}
			if len(me.Problems) != len(tc.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(me.Problems), len(tc.want), err)
			}
			for i, w := range tc.want {
				p := me.Problems[i]
				if !strings.Contains(p.String(), w) || p.Line == 0 || p.File != "northwind.yaml" {
					t.Errorf("problem %d: got %s, want it placed in northwind.yaml and to contain %q", i, p, w)
				}
			}
		})
	}
}

// TestApplyIsIdempotent applies each example to a fresh workspace, then
// again: the second plan changes nothing and the journal does not move.
func TestApplyIsIdempotent(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"minimal.yaml", "northwind.yaml"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			a, _ := openMem(t)
			m := readManifest(t, name)
			p, err := a.Apply(ctx, "alice", m, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !p.Changed() || p.Count(ActionUnchanged) != 0 {
				t.Errorf("first apply: %s; want only creations", p.Summary())
			}
			before := head(t, ctx, a)
			a = openOn(t, a.Workspace().Store()) // criteria saved: reopen
			p, err = a.Apply(ctx, "alice", m, nil)
			if err != nil {
				t.Fatal(err)
			}
			if p.Changed() {
				var b bytes.Buffer
				_ = p.WriteText(&b)
				t.Errorf("second apply changed something:\n%s", b.String())
			}
			if after := head(t, ctx, a); after.Hash != before.Hash {
				t.Errorf("journal moved from %d to %d on the second apply", before.Seq, after.Seq)
			}
			if rep, err := a.Verify(ctx); err != nil {
				t.Errorf("verify: %v (%+v)", err, rep)
			}
		})
	}
}

// TestApplyNorthwindReadiness checks that northwind.yaml alone brings a
// fresh workspace to stage 1 readiness: every stage 1 check passes,
// those of the impact assessments and of the results of monitoring,
// internal audit and management review included.
func TestApplyNorthwindReadiness(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, _ := openMem(t)
	if _, err := a.Apply(ctx, "alice", readManifest(t, "northwind.yaml"), nil); err != nil {
		t.Fatal(err)
	}
	a = openOn(t, a.Workspace().Store())
	rep, err := a.Readiness(ctx, audit.Stage1)
	if err != nil {
		t.Fatal(err)
	}
	mustPass := []string{"soa-approved", "context-issues", "interested-parties", "ai-system-inventory", "scope-defined", "leadership",
		"ai-policy", "roles-assigned", "risk-criteria", "risk-assessed", "risk-assessment-process", "risk-treated",
		"risk-treatment-process", "impact-assessment-process", "ai-objectives", "resources", "competence-evidence",
		"awareness", "communication", "documented-information", "operational-planning", "audit-programme", "nonconformity-records",
		"impact-assessed", "monitoring-recorded", "audit-results", "management-review-results"}
	seen := map[string]bool{}
	for _, it := range rep.Items {
		seen[it.ID] = true
		if !it.OK {
			t.Errorf("%s %s fails: %s", it.Clause, it.ID, it.Detail)
		}
	}
	for _, id := range mustPass {
		if !seen[id] {
			t.Errorf("stage 1 has no check %s", id)
		}
	}
	if !rep.Ready || len(rep.Failing) != 0 {
		t.Errorf("stage 1: ready %v with %d failing checks, want READY", rep.Ready, len(rep.Failing))
	}
}

// TestExportRoundTrip applies each example to a fresh workspace and
// exports it: the export is the example itself, byte for byte (the
// examples are kept canonical; -update rewrites them), and applying the
// export to another fresh workspace exports the same bytes again.
func TestExportRoundTrip(t *testing.T) {
	for _, name := range []string{"minimal.yaml", "northwind.yaml"} {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			a, _ := openMem(t)
			if _, err := a.Apply(ctx, "alice", readManifest(t, name), nil); err != nil {
				t.Fatal(err)
			}
			m1, err := a.Export(ctx)
			if err != nil {
				t.Fatal(err)
			}
			b1 := encode(t, m1)
			path := filepath.Join(manifestExamples, name)
			if *update {
				if err := os.WriteFile(path, b1, 0o644); err != nil {
					t.Fatal(err)
				}
			} else if want, err := os.ReadFile(path); err != nil {
				t.Fatal(err)
			} else if d := cmp.Diff(string(want), string(b1)); d != "" {
				t.Errorf("export differs from %s (-file +export):\n%s", path, d)
			}
			m2, err := DecodeManifest("export.yaml", b1)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := openMem(t)
			if _, err := b.Apply(ctx, "alice", m2, nil); err != nil {
				t.Fatal(err)
			}
			m3, err := b.Export(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(string(b1), string(encode(t, m3))); d != "" {
				t.Errorf("export -> apply -> export differs (-first +second):\n%s", d)
			}
		})
	}
}

// TestApplyBadReferenceWritesNothing: a manifest with one bad reference
// fails before the first write; the journal head does not move.
func TestApplyBadReferenceWritesNothing(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, _ := openMem(t)
	if _, err := a.Apply(ctx, "alice", readManifest(t, "minimal.yaml"), nil); err != nil {
		t.Fatal(err)
	}
	before := head(t, ctx, a)
	m := readManifest(t, "northwind.yaml")
	m.SoA.Decisions[0].Control = "A.10.99"
	_, err := a.Apply(ctx, "alice", m, nil)
	if !errors.Is(err, aims.ErrInvalid) || !strings.Contains(err.Error(), "soa.decisions[0].control: unknown control \"A.10.99\"") {
		t.Fatalf("got %v, want the bad control named", err)
	}
	if after := head(t, ctx, a); after.Hash != before.Hash || after.Seq != before.Seq {
		t.Errorf("journal moved from %d to %d", before.Seq, after.Seq)
	}
}

// TestPlanChanges checks the plan of edits to an applied manifest, field
// by field, and that applying it carries them out through the services.
func TestPlanChanges(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, _ := openMem(t)
	if _, err := a.Apply(ctx, "alice", readManifest(t, "northwind.yaml"), nil); err != nil {
		t.Fatal(err)
	}
	m := readManifest(t, "northwind.yaml")
	m.AISystems[0].ModelVersion = "v4"                        // credit-model
	m.Documents[4].Text = "Northwind Lending uses AI fairly." // POL-AI, published: a new revision
	m.ContextIssues = m.ContextIssues[:1]                     // prune ctx-ml-skills
	m.Risks[1].Treatment.Rationale = "filter and redact"      // R-2, treatment planned: revise
	last := len(m.SoA.Decisions) - 1
	m.SoA.Decisions[last].Reason = "no AI product is supplied" // A.10.4
	if m.Documents[4].Number != "POL-AI" || m.AISystems[0].ID != "credit-model" || m.Risks[1].ID != "R-2" {
		t.Fatal("northwind.yaml changed order; fix the test's indexes")
	}
	p, err := a.Plan(ctx, m, &PlanOptions{Prune: true})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Kind, ID string
		Action   Action
		Fields   []FieldChange
		Steps    []string
	}
	var got []row
	for _, c := range p.Changes {
		if c.Action != ActionUnchanged {
			got = append(got, row{c.Kind, c.ID, c.Action, c.Fields, c.Steps})
		}
	}
	want := []row{
		{"ai-system", "credit-model", ActionUpdate, []FieldChange{{Path: "modelVersion", From: `"v3"`, To: `"v4"`}}, nil},
		{"document", "POL-AI-r2", ActionUpdate, []FieldChange{{Path: "text", From: `"Northwind Lending uses AI to serve customers fairly and transparently, within its risk appetite."`, To: `"Northwind Lending uses AI fairly."`}},
			[]string{"revise POL-AI-r1 as alice into POL-AI-r2", "update as alice", "submit as alice", "approve as bob", "publish as bob"}},
		{"risk", "R-2", ActionUpdate, []FieldChange{{Path: "treatment.rationale", To: `"filter and redact"`}}, []string{"treat as erin"}},
		{"soa-decision", "A.10.4", ActionUpdate, []FieldChange{{Path: "reason", From: `"Northwind supplies no AI system to customers as a product"`, To: `"no AI product is supplied"`}}, nil},
		{"soa", "soa-2", ActionUpdate, nil, []string{"draft as alice", "submit as alice", "approve as bob"}},
		{"context-issue", "ctx-ml-skills", ActionDelete, nil, nil},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("plan (-want +got):\n%s", d)
	}
	var text bytes.Buffer
	if err := p.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"~ update ai-system credit-model\n    modelVersion: \"v3\" -> \"v4\"\n", "- delete context-issue ctx-ml-skills\n", "Plan: 0 to create, 5 to update, 1 to delete or retire, "} {
		if !strings.Contains(text.String(), line) {
			t.Errorf("plan text lacks %q:\n%s", line, text.String())
		}
	}
	if _, err := a.Apply(ctx, "alice", m, &ApplyOptions{Prune: true}); err != nil {
		t.Fatal(err)
	}
	pol, err := a.Documents().AIPolicy(ctx)
	if err != nil || pol.ID != "POL-AI-r2" || pol.Approver != "bob" || pol.Author != "alice" {
		t.Fatalf("AI policy after apply: %+v, %v; want POL-AI-r2 approved by bob", pol, err)
	}
	if old, _ := a.Documents().Get(ctx, "POL-AI-r1"); old == nil || old.State != string(aims.DocWithdrawn) {
		t.Errorf("POL-AI-r1 should be withdrawn when r2 is published: %+v", old)
	}
	if _, err := aims.ContextIssues(a.Workspace()).Get(ctx, "ctx-ml-skills"); !errors.Is(err, aims.ErrNotFound) {
		t.Errorf("pruned issue: got %v, want not found", err)
	}
	p, err = a.Plan(ctx, m, &PlanOptions{Prune: true})
	if err != nil || p.Changed() {
		t.Errorf("plan after apply: %v, %s; want nothing to change", err, p.Summary())
	}
}

// TestPlanRefusesWhatTheServicesRefuse: changes the workflows do not
// allow are plan errors, before anything is written.
func TestPlanRefusesWhatTheServicesRefuse(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, _ := openMem(t)
	if _, err := a.Apply(ctx, "alice", readManifest(t, "northwind.yaml"), nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(m *Manifest)
		want string
	}{
		{"approved content", func(m *Manifest) { m.Documents[0].Text = "new" }, "documents[0]: revision PLN-AWARE-r1 is approved: its content cannot change until it is published"},
		{"state backwards", func(m *Manifest) { m.Documents[0].State, m.Documents[0].Approver = "draft", "" }, "documents[0].state: revision PLN-AWARE-r1 is already approved: a document does not go back to draft"},
		{"approval rewritten", func(m *Manifest) {
			m.Roles[0].Roles = append(m.Roles[0].Roles, "approver")
			m.Documents[0].Author, m.Documents[0].Approver = "carol", "alice"
		}, "documents[0]: revision PLN-AWARE-r1 is approved: its content cannot change"},
		{"inherent settled", func(m *Manifest) { m.Risks[0].Inherent.Assessment.Likelihood = 2 }, "risks[0].inherent: risk R-1 is treatment-planned: its inherent assessment is settled"},
		{"prune a live risk", func(m *Manifest) { m.Risks = m.Risks[:1] }, "risks: risk R-2 is treatment-planned and not in the manifest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := readManifest(t, "northwind.yaml")
			tc.edit(m)
			before := head(t, ctx, a)
			_, err := a.Apply(ctx, "alice", m, &ApplyOptions{Prune: true})
			if !errors.Is(err, aims.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v\nwant an error containing %q", err, tc.want)
			}
			if after := head(t, ctx, a); after.Seq != before.Seq {
				t.Errorf("journal moved from %d to %d", before.Seq, after.Seq)
			}
		})
	}
}

// TestApplyStaleWriteConflicts: a record changed between plan and write
// fails with aims.ErrConflict instead of being overwritten.
func TestApplyStaleWriteConflicts(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, _ := openMem(t)
	m := readManifest(t, "northwind.yaml")
	if _, err := a.Apply(ctx, "alice", m, nil); err != nil {
		t.Fatal(err)
	}
	m.AISystems[1].ModelVersion = "vendor LLM 2026-06"
	p, err := a.Plan(ctx, m, &PlanOptions{Actor: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	sys, err := aims.AISystems(a.Workspace()).Get(ctx, "support-assistant")
	if err != nil {
		t.Fatal(err)
	}
	sys.Description = "edited by someone else"
	if err := aims.AISystems(a.Workspace()).Update(ctx, "erin", sys); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(p.Changes, func(c Change) bool { return c.ID == "support-assistant" })
	if i < 0 || p.Changes[i].Action != ActionUpdate {
		t.Fatalf("plan has no update of support-assistant: %+v", p.Changes)
	}
	if err := p.Changes[i].run(ctx); !errors.Is(err, aims.ErrConflict) {
		t.Errorf("stale write: got %v, want aims.ErrConflict", err)
	}

	// The SoA service writes decisions without an expected version; the
	// plan's own check catches the change.
	last := len(m.SoA.Decisions) - 1
	m.SoA.Decisions[last].Reason = "changed in the manifest"
	p, err = a.Plan(ctx, m, &PlanOptions{Actor: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SoA().Decide(ctx, "bob", soa.Decision{Control: "A.10.4", Choice: soa.Exclude, Reason: "changed by bob"}); err != nil {
		t.Fatal(err)
	}
	i = slices.IndexFunc(p.Changes, func(c Change) bool { return c.ID == "A.10.4" })
	if err := p.Changes[i].run(ctx); !errors.Is(err, aims.ErrConflict) {
		t.Errorf("stale decision: got %v, want aims.ErrConflict", err)
	}
}

// TestApplySeparationOfDuties: the services' own rules hold when the
// manifest's roles are not the workspace's: an approver the workspace
// does not know as one is refused by the document workflow.
func TestApplySeparationOfDuties(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, _ := openMem(t)
	m := readManifest(t, "northwind.yaml")
	for i := range m.Roles {
		if m.Roles[i].ID == "bob" {
			m.Roles[i].Roles = []aims.Role{"top-management", "impact-reviewer"}
		}
	}
	if _, err := a.Apply(ctx, "alice", m, nil); err != nil {
		t.Fatal(err)
	}
	// bob stays top management, which may approve; erin may not.
	m.Documents = append(m.Documents, DocumentSpec{Number: "PRO-X", Title: "X", Type: "procedure", Author: "alice", Text: "x", State: "approved", Approver: "erin"})
	_, err := a.Apply(ctx, "alice", m, nil)
	if !errors.Is(err, aims.ErrInvalid) || !strings.Contains(err.Error(), `"erin" must hold the approver or top-management role`) {
		t.Fatalf("got %v", err)
	}
}

func FuzzDecodeManifest(f *testing.F) {
	for _, name := range []string{"minimal.yaml", "northwind.yaml"} {
		data, err := os.ReadFile(filepath.Join(manifestExamples, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"apiVersion":"iso42001.aimsgo.dev/v1","kind":"AIMS","organisation":{"name":"x"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeManifest("f.yaml", data)
		if err != nil {
			var me *ManifestError
			if !errors.As(err, &me) || len(me.Problems) == 0 {
				t.Fatalf("error %v (%T) is not a *ManifestError with problems", err, err)
			}
			return
		}
		_ = m.Validate(nil)
		var b bytes.Buffer
		if err := EncodeManifest(&b, m, ""); err != nil {
			t.Fatal(err)
		}
		m2, err := DecodeManifest("f2.yaml", b.Bytes())
		if err != nil {
			t.Fatalf("the encoding of a decoded manifest does not decode: %v\n%s", err, b.String())
		}
		if d := cmp.Diff(mustJSON(t, m), mustJSON(t, m2)); d != "" {
			t.Fatalf("round trip (-first +second):\n%s", d)
		}
	})
}

// TestDecodeManifestJSON reads the JSON form of an example: the same
// manifest as its YAML, and JSON's problems placed like YAML's.
func TestDecodeManifestJSON(t *testing.T) {
	t.Parallel()
	m := readManifest(t, "northwind.yaml")
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeManifest("northwind.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(mustJSON(t, m)), string(mustJSON(t, got))); d != "" {
		t.Errorf("JSON decodes differently (-yaml +json):\n%s", d)
	}
	bad := bytes.Replace(data, []byte(`"aimsName": "Northwind AIMS",`), []byte(`"aimsName": "Northwind AIMS", "colour": 1,`), 1)
	_, err = DecodeManifest("northwind.json", bad)
	if err == nil || !strings.HasPrefix(err.Error(), "northwind.json:6:35: organisation.colour: unknown field \"colour\"") {
		t.Errorf("got %v", err)
	}
}

// ExampleAIMS_Apply declares an organisation's context in a manifest,
// plans it against an empty workspace, applies it, and plans again.
func ExampleAIMS_Apply() {
	ctx := context.Background()
	a, err := Open(ctx, memstore.New(), "acme", &Options{Clock: func() time.Time { return time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		panic(err)
	}
	m, err := DecodeManifest("aims.yaml", []byte(`apiVersion: iso42001.aimsgo.dev/v1
kind: AIMS
organisation:
  name: Acme
aiSystems:
  - id: triage
    name: Support ticket triage
    owner: alice
    inScope: true
`))
	if err != nil {
		panic(err)
	}
	// Every change needs a role: the first assignment founds the workspace.
	_ = aims.RoleAssignments(a.Workspace()).Create(ctx, "alice", &aims.RoleAssignment{Meta: aims.Meta{ID: "alice"}, Roles: []aims.Role{aims.RoleTopManagement, aims.RoleAIMSManager}})
	p, err := a.Plan(ctx, m, nil)
	if err != nil {
		panic(err)
	}
	_ = p.WriteText(os.Stdout)
	if _, err := a.Apply(ctx, "alice", m, nil); err != nil {
		panic(err)
	}
	p, _ = a.Plan(ctx, m, nil)
	fmt.Println(p.Summary())
	// Output:
	// + create organisation organisation
	//     name: "Acme"
	// + create ai-system triage
	//     id: "triage"
	//     name: "Support ticket triage"
	//     owner: "alice"
	//     inScope: true
	// Plan: 2 to create, 0 to update, 0 to delete or retire, 0 unchanged.
	// 0 to create, 0 to update, 0 to delete or retire, 2 unchanged
}

// TestApplyNewCriteria: risks declared with new criteria are scored with
// them in the same apply, before the AIMS is reopened.
func TestApplyNewCriteria(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, _ := openMem(t)
	m := readManifest(t, "northwind.yaml")
	m.RiskCriteria.Appetite = "medium"
	p, err := a.Plan(ctx, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(p.Changes, func(c Change) bool { return c.Kind == risk.KindCriteria })
	if i < 0 || p.Changes[i].Action != ActionCreate {
		t.Fatalf("no creation of the criteria in the plan")
	}
	if _, err := a.Apply(ctx, "alice", m, nil); err != nil {
		t.Fatal(err)
	}
	a = openOn(t, a.Workspace().Store())
	if a.Criteria().Spec().Appetite != "medium" {
		t.Errorf("reopened with appetite %q, want medium", a.Criteria().Spec().Appetite)
	}
	if p, err := a.Plan(ctx, m, nil); err != nil || p.Changed() {
		t.Fatalf("plan after apply: %v, %v", err, p)
	}
	m.RiskCriteria.Appetite = "low"
	p, err = a.Plan(ctx, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	i = slices.IndexFunc(p.Changes, func(c Change) bool { return c.Kind == risk.KindCriteria })
	want := []FieldChange{{Path: "appetite", From: `"medium"`, To: `"low"`}}
	if d := cmp.Diff(want, p.Changes[i].Fields); p.Changes[i].Action != ActionUpdate || d != "" {
		t.Errorf("criteria change: %s (-want +got):\n%s", p.Changes[i].Action, d)
	}
}

// TestApplyIsTheAIMSManagers: applying a manifest takes the AIMS manager
// role; a workspace without roles is bootstrapped only by a manifest that
// makes its applier the AIMS manager.
func TestApplyIsTheAIMSManagers(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, _ := openMem(t)
	m := readManifest(t, "northwind.yaml")
	if _, err := a.Apply(ctx, "mallory", m, nil); !errors.Is(err, aims.ErrForbidden) {
		t.Fatalf("bootstrap by someone the manifest does not make AIMS manager: got %v, want aims.ErrForbidden", err)
	}
	if e := head(t, ctx, a); e.Seq != 0 {
		t.Fatalf("the refused apply wrote %d journal entries", e.Seq)
	}
	if _, err := a.Apply(ctx, "alice", m, nil); err != nil {
		t.Fatal(err)
	}
	m.AISystems[0].ModelVersion = "v4"
	before := head(t, ctx, a)
	if _, err := a.Apply(ctx, "erin", m, nil); !errors.Is(err, aims.ErrForbidden) {
		t.Errorf("apply by an ML engineer: got %v, want aims.ErrForbidden", err)
	}
	if after := head(t, ctx, a); after.Seq != before.Seq {
		t.Errorf("the refused apply moved the journal from %d to %d", before.Seq, after.Seq)
	}
	if _, err := a.Apply(ctx, "alice", m, nil); err != nil {
		t.Errorf("apply by the AIMS manager: %v", err)
	}
}

// TestApplyBadRecordWritesNothing: one bad reference in each section of
// impact assessments and records of what happened fails the whole apply
// before its first write, naming the line and the field.
func TestApplyBadRecordWritesNothing(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join(manifestExamples, "northwind.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ old, new, want string }{
		{"        risk: R-1\n", "        risk: R-7\n", `impactAssessments[1].impacts[0].risk: unknown risk "R-7"`},
		{"    metric: approval-gap\n", "    metric: approval-rate\n", `measurements[0].metric: unknown metric "approval-rate"`},
		{"    programme: prog-2026\n    title: Performance evaluation\n", "    programme: prog-2025\n    title: Performance evaluation\n", `audits[1].programme: unknown audit programme "prog-2025"`},
		{"    heldBy: bob\n", "    heldBy: zed\n", `reviews[0].heldBy: "zed" must hold the top-management role`},
		{"      resourceKind: data\n      system: credit-model\n", "      resourceKind: data\n      system: credit-modle\n", `unknown AI system "credit-modle"`},
		{"      requestedBy: erin\n      approvedBy: bob\n", "      requestedBy: erin\n      approvedBy: erin\n", `lifecycle.deploymentApprovals[0].approvedBy: must not be the requester`},
	} {
		t.Run(tc.want, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			a, _ := openMem(t)
			if _, err := a.Apply(ctx, "alice", readManifest(t, "minimal.yaml"), nil); err != nil {
				t.Fatal(err)
			}
			before := head(t, ctx, a)
			src := string(data)
			if !strings.Contains(src, tc.old) {
				t.Fatalf("northwind.yaml has no %q", tc.old)
			}
			m, err := DecodeManifest("northwind.yaml", []byte(strings.Replace(src, tc.old, tc.new, 1)))
			if err != nil {
				t.Fatal(err)
			}
			_, err = a.Apply(ctx, "alice", m, nil)
			var me *ManifestError
			if !errors.As(err, &me) || len(me.Problems) != 1 || me.Problems[0].Line == 0 || !strings.Contains(me.Problems[0].String(), tc.want) {
				t.Fatalf("got %v, want one problem placed in northwind.yaml naming %s", err, tc.want)
			}
			if after := head(t, ctx, a); after.Hash != before.Hash || after.Seq != before.Seq {
				t.Errorf("journal moved from %d to %d", before.Seq, after.Seq)
			}
		})
	}
}

// TestRecordsDoNotChange: a record of what happened, once applied, is
// left as it is by a matching manifest and refused a change.
func TestRecordsDoNotChange(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, _ := openMem(t)
	m := readManifest(t, "northwind.yaml")
	if _, err := a.Apply(ctx, "alice", m, nil); err != nil {
		t.Fatal(err)
	}
	a = openOn(t, a.Workspace().Store())
	before := head(t, ctx, a)
	for _, tc := range []struct {
		edit func(m *Manifest)
		want string
	}{
		{func(m *Manifest) { m.Measurements[0].Value = 2.9 }, "measurements[0]: measurement approval-gap-2026-01 is already recorded and differs in value"},
		{func(m *Manifest) { m.Audits[0].Conclusion = "Fine." }, "audits[0]: audit audit-2026-1 is already recorded and differs in conclusion"},
		{func(m *Manifest) { m.Reviews[0].Decisions = []string{"Stop"} }, "reviews[0]: review mr-2026-1 is already recorded and differs in decisions[0]"},
		{func(m *Manifest) { m.ImpactAssessments[1].Misuse = nil }, "impactAssessments[1]: assessment IA-credit-1 is approved and differs in misuse"},
		{func(m *Manifest) { m.Lifecycle.DeploymentApprovals[1].Release = "v4" },
			"lifecycle.deploymentApprovals[1]: deployment approval dep-credit-v3 is already recorded and differs in release"},
	} {
		m := readManifest(t, "northwind.yaml")
		tc.edit(m)
		if _, err := a.Apply(ctx, "alice", m, nil); !errors.Is(err, aims.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}
	if after := head(t, ctx, a); after.Hash != before.Hash {
		t.Errorf("journal moved from %d to %d", before.Seq, after.Seq)
	}
	// The audit trail names who did what, as the manifest declared.
	au, err := a.Audits().Get(ctx, "audit-2026-2")
	if err != nil {
		t.Fatal(err)
	}
	if au.Lead != "frank" || au.Checklist[0].Auditor != "frank" || !au.Completed.Equal(time.Date(2026, 2, 18, 13, 0, 0, 0, time.UTC)) {
		t.Errorf("audit-2026-2: lead %s, first result by %s, completed %s", au.Lead, au.Checklist[0].Auditor, au.Completed)
	}
	dep, err := lifecycle.DeploymentApprovals(a.Workspace()).Get(ctx, "dep-credit-v3")
	if err != nil {
		t.Fatal(err)
	}
	if dep.State != aims.ApprovalApproved || dep.CreatedBy != "erin" || dep.ApprovedBy != "bob" || dep.UpdatedBy != "bob" {
		t.Errorf("dep-credit-v3: %s, requested by %s, approved by %s, last changed by %s", dep.State, dep.CreatedBy, dep.ApprovedBy, dep.UpdatedBy)
	}
	ia, err := a.Impacts().Get(ctx, "IA-credit-1")
	if err != nil {
		t.Fatal(err)
	}
	if ia.CreatedBy != "dave" || ia.ApprovedBy != "bob" || ia.Screening == nil || ia.Screening.Tier == "" {
		t.Errorf("IA-credit-1: by %s, approved by %s, screening %+v", ia.CreatedBy, ia.ApprovedBy, ia.Screening)
	}
}

// TestAnswersFile reads an impact assessment's answers from a file beside
// the manifest: applied like inline answers, and a problem in the file
// placed at its own line and column.
func TestAnswersFile(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	data, err := os.ReadFile(filepath.Join(manifestExamples, "northwind.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	src := string(data)
	start := strings.Index(src, "  - id: IA-credit-1")
	i := start + strings.Index(src[start:], "    answers:\n")
	j := i + strings.Index(src[i:], "    screening:\n")
	var answers strings.Builder
	for _, line := range strings.SplitAfter(src[i+len("    answers:\n"):j], "\n") {
		answers.WriteString(strings.TrimPrefix(line, "      "))
	}
	manifest := src[:i] + "    answersFile: answers/credit.yaml\n" + src[j:]
	read := func(answers string) (*Manifest, error) {
		m, err := DecodeManifest("aims/northwind.yaml", []byte(manifest))
		if err != nil {
			t.Fatal(err)
		}
		return m, m.ReadAnswerFiles(fstest.MapFS{"answers/credit.yaml": {Data: []byte(answers)}})
	}

	m, err := read(answers.String())
	if err != nil {
		t.Fatal(err)
	}
	a, _ := openMem(t)
	if _, err := a.Apply(ctx, "alice", m, nil); err != nil {
		t.Fatal(err)
	}
	got, err := a.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(data), string(encode(t, got))); d != "" {
		t.Errorf("answers from a file export as the inline ones (-inline +file):\n%s", d)
	}

	// A wrong type, caught by the strict decoder: placed in the file.
	bad := strings.Replace(answers.String(), "vulnerable: true\n", "vulnerable: {a: 1}\n", 1)
	_, err = read(bad)
	line := 1 + strings.Count(bad[:strings.Index(bad, "vulnerable: {a: 1}")], "\n")
	if want := fmt.Sprintf("aims/answers/credit.yaml:%d:1: answers.vulnerable: ", line); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want %q", err, want)
	}
	// An unknown question, caught by the plan against the questionnaire.
	bad = strings.Replace(answers.String(), "contestable: true\n", "contestible: true\n", 1)
	m, err = read(bad)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := openMem(t)
	_, err = b.Plan(ctx, m, nil)
	line = 1 + strings.Count(bad[:strings.Index(bad, "contestible")], "\n")
	if want := fmt.Sprintf("aims/answers/credit.yaml:%d:1: answers.contestible: unknown question", line); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want %q", err, want)
	}
	// A path leaving the manifest's directory, and a missing file.
	for _, tc := range []struct{ path, want string }{
		{"../secrets.yaml", "must be a path relative to the manifest's directory, inside it"},
		{"answers/none.yaml", `cannot read "answers/none.yaml"`},
	} {
		m, err := DecodeManifest("aims/northwind.yaml", []byte(strings.Replace(manifest, "answers/credit.yaml", tc.path, 1)))
		if err != nil {
			t.Fatal(err)
		}
		err = m.ReadAnswerFiles(fstest.MapFS{})
		if err == nil || !strings.Contains(err.Error(), "impactAssessments[1].answersFile: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.path, err, tc.want)
		}
	}
	// Unread, the file is an error of the plan, not an empty answer.
	m, err = DecodeManifest("aims/northwind.yaml", []byte(manifest))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Plan(ctx, m, nil); err == nil || !strings.Contains(err.Error(), "is not read") {
		t.Errorf("unread answers file: got %v", err)
	}
}

// TestApplyNewRisksBatched: new risks without a treatment are created in
// few commits, yet end as the per-risk steps leave them: added by their
// owner, assessed, analysed and evaluated, one journal entry per step;
// applying again changes nothing.
func TestApplyNewRisksBatched(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, _ := openMem(t)
	roles := aims.RoleAssignments(a.Workspace())
	for _, r := range []*aims.RoleAssignment{
		{Meta: aims.Meta{ID: "alice"}, Roles: []aims.Role{aims.RoleTopManagement, aims.RoleAIMSManager}},
		{Meta: aims.Meta{ID: "dave"}, Roles: []aims.Role{aims.RoleRiskManager}},
	} {
		if err := roles.Create(ctx, "alice", r); err != nil {
			t.Fatal(err)
		}
	}
	before := head(t, ctx, a)
	m := benchManifest(30)
	if _, err := a.Apply(ctx, "alice", m, nil); err != nil {
		t.Fatal(err)
	}
	after := head(t, ctx, a)
	// organisation 1, then per risk: create, analyse, evaluate.
	if got, want := after.Seq-before.Seq, uint64(1+3*30); got != want {
		t.Errorf("journal grew by %d entries, want %d", got, want)
	}
	for i, s := range m.Risks {
		rk, err := a.Risks().Get(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if risk.State(rk.State) != risk.StateEvaluated || rk.CreatedBy != "dave" || rk.Inherent == nil || rk.Inherent.Assessment.Likelihood != 1+i%5 {
			t.Fatalf("%s: state %s, created by %s, inherent %+v", s.ID, rk.State, rk.CreatedBy, rk.Inherent)
		}
	}
	if rep, err := a.Verify(ctx); err != nil {
		t.Fatalf("verify: %v (%+v)", err, rep)
	}
	p, err := a.Apply(ctx, "alice", m, nil)
	if err != nil || p.Changed() {
		t.Fatalf("second apply: %v, %s", err, p.Summary())
	}
}

// TestLifecyclePrune: with Prune, a life cycle record the manifest no
// longer declares is deleted, but an approved deployment, a record of what
// happened, is kept.
func TestLifecyclePrune(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, _ := openMem(t)
	if _, err := a.Apply(ctx, "alice", readManifest(t, "northwind.yaml"), nil); err != nil {
		t.Fatal(err)
	}
	a = openOn(t, a.Workspace().Store())
	m := readManifest(t, "northwind.yaml")
	l := m.Lifecycle
	gone := l.Resources[0].ID
	l.Resources = l.Resources[1:]
	l.DeploymentApprovals = l.DeploymentApprovals[1:]
	p, err := a.Apply(ctx, "alice", m, &ApplyOptions{Prune: true})
	if err != nil {
		t.Fatal(err)
	}
	var deleted []string
	for _, c := range p.Changes {
		if c.Action != ActionUnchanged {
			deleted = append(deleted, string(c.Action)+" "+c.Kind+" "+c.ID)
		}
	}
	if want := []string{"delete " + lifecycle.KindResource + " " + gone}; !slices.Equal(deleted, want) {
		t.Errorf("changes %v, want %v", deleted, want)
	}
	if _, err := lifecycle.Resources(a.Workspace()).Get(ctx, gone); !errors.Is(err, aims.ErrNotFound) {
		t.Errorf("pruned resource: got %v, want not found", err)
	}
	if _, err := lifecycle.DeploymentApprovals(a.Workspace()).Get(ctx, "dep-assistant-2025-11"); err != nil {
		t.Errorf("approved deployment after prune: %v", err)
	}
}

// reviewChangeSpec is a change carrying out the change management review
// mr-2026-1 of northwind.yaml decided, requested by dave, carried out by
// alice.
func reviewChangeSpec() ChangeSpec {
	return ChangeSpec{ID: "chg-test-1", Title: "Impact-derived risks join the monthly treatment review",
		Purpose: "The management review decided it.", Consequences: []string{"a longer monthly review"},
		Responsible: "alice", RequestedBy: "dave", Review: "mr-2026-1"}
}

// TestApplyChanges: a change is planned by its requester, approved by
// its approver and completed by its responsible person through the change
// workflow, one apply at a time as the manifest fills it in; it exports
// as declared, never goes back, and changes its content only while
// planned.
func TestApplyChanges(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, _ := openMem(t)
	apply := func(edit func(s *ChangeSpec)) (*Plan, error) {
		m := readManifest(t, "northwind.yaml")
		s := reviewChangeSpec()
		if edit != nil {
			edit(&s)
		}
		m.Lifecycle.Changes = []ChangeSpec{s}
		return a.Apply(ctx, "alice", m, nil)
	}
	changeOf := func(p *Plan) Change {
		for _, c := range p.Changes {
			if c.Kind == lifecycle.KindChange {
				return c
			}
		}
		t.Fatalf("plan has no change: %s", p.Summary())
		return Change{}
	}
	get := func() *lifecycle.Change {
		c, err := lifecycle.Changes(a.Workspace()).Get(ctx, "chg-test-1")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	p, err := apply(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c := changeOf(p); c.Action != ActionCreate || !slices.Equal(c.Steps, []string{"plan as dave"}) {
		t.Errorf("first apply: %s %v", c.Action, c.Steps)
	}
	if c := get(); c.State != string(lifecycle.ChangePlanned) || c.CreatedBy != "dave" || c.Review != "mr-2026-1" {
		t.Errorf("planned change: %s by %s naming %q", c.State, c.CreatedBy, c.Review)
	}
	// While planned, its content changes, by its requester.
	p, err = apply(func(s *ChangeSpec) { s.Resources = "alice, two hours a month" })
	if err != nil {
		t.Fatal(err)
	}
	if c := changeOf(p); c.Action != ActionUpdate || !slices.Equal(c.Steps, []string{"update as dave"}) || c.Fields[0].Path != "resources" {
		t.Errorf("content update: %s %v %v", c.Action, c.Steps, c.Fields)
	}
	done := func(s *ChangeSpec) {
		s.Resources = "alice, two hours a month"
		s.ApprovedBy, s.Outcome = "bob", "The April treatment review took in R-4 and R-5."
	}
	p, err = apply(done)
	if err != nil {
		t.Fatal(err)
	}
	if c := changeOf(p); c.Action != ActionUpdate || !slices.Equal(c.Steps, []string{"approve as bob", "complete as alice"}) {
		t.Errorf("approve and complete: %s %v", c.Action, c.Steps)
	}
	if c := get(); c.State != string(lifecycle.ChangeDone) || c.ApprovedBy != "bob" || c.UpdatedBy != "alice" || c.Outcome == "" {
		t.Errorf("done change: %s, approved by %s, last changed by %s", c.State, c.ApprovedBy, c.UpdatedBy)
	}
	if p, err = apply(done); err != nil || p.Changed() {
		t.Errorf("applying again: %v, changed %v", err, p != nil && p.Changed())
	}
	m, err := a.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := reviewChangeSpec()
	done(&want)
	if m.Lifecycle == nil || len(m.Lifecycle.Changes) != 1 {
		t.Fatalf("export holds no change: %+v", m.Lifecycle)
	}
	if d := cmp.Diff(want, m.Lifecycle.Changes[0]); d != "" {
		t.Errorf("exported change (-want +got):\n%s", d)
	}
	before := head(t, ctx, a)
	for _, tc := range []struct {
		edit func(s *ChangeSpec)
		want string
	}{
		{func(s *ChangeSpec) { done(s); s.Title = "Another" }, "lifecycle.changes[0]: change chg-test-1 is done and differs in title: only a planned change changes"},
		{func(s *ChangeSpec) { done(s); s.Outcome = "" }, "lifecycle.changes[0]: change chg-test-1 is already done: it does not go back to approved"},
		{func(s *ChangeSpec) { done(s); s.ApprovedBy = "alice" }, `lifecycle.changes[0].approvedBy: change chg-test-1 was approved by "bob": its approver does not change`},
		{func(s *ChangeSpec) { done(s); s.Outcome = "Something else." }, "lifecycle.changes[0].outcome: change chg-test-1 is done: its outcome does not change"},
	} {
		if _, err := apply(tc.edit); !errors.Is(err, aims.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}
	if after := head(t, ctx, a); after.Hash != before.Hash {
		t.Errorf("refused applies moved the journal from %d to %d", before.Seq, after.Seq)
	}
}

// TestValidateChanges: each problem of a change is named with its field
// path, its references checked against the manifest.
func TestValidateChanges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		edit func(m *Manifest, s *ChangeSpec)
		want []string
	}{
		{func(_ *Manifest, s *ChangeSpec) { s.Review = "mr-2099-1" }, []string{`lifecycle.changes[0].review: unknown management review "mr-2099-1": declare it under reviews`}},
		{func(m *Manifest, _ *ChangeSpec) { m.Reviews[0].Changes = nil }, []string{`lifecycle.changes[0].review: management review "mr-2026-1" decided no change to the AIMS`}},
		{func(_ *Manifest, s *ChangeSpec) { s.Review = "mr 1\n" }, []string{`lifecycle.changes[0].review: must be a record id`}},
		{func(_ *Manifest, s *ChangeSpec) { s.ApprovedBy = "dave" }, []string{"lifecycle.changes[0].approvedBy: must not be the requester"}},
		{func(_ *Manifest, s *ChangeSpec) { s.ApprovedBy = "erin" }, []string{`lifecycle.changes[0].approvedBy: "erin" must hold the aims-manager, top-management or approver role under roles`}},
		{func(_ *Manifest, s *ChangeSpec) { s.Outcome = "done" }, []string{"lifecycle.changes[0].outcome: needs approvedBy"}},
		{func(_ *Manifest, s *ChangeSpec) { s.Responsible = "zed" }, []string{`lifecycle.changes[0].responsible: unknown person "zed"`}},
		{func(_ *Manifest, s *ChangeSpec) {
			s.AISystems, s.Risks, s.Impacts = []string{"credit-modle"}, []string{"R-9"}, []string{"IA-9"}
		}, []string{`lifecycle.changes[0].aiSystems[0]: unknown AI system "credit-modle"`, `lifecycle.changes[0].risks[0]: unknown risk "R-9"`,
			`lifecycle.changes[0].impacts[0]: unknown impact assessment "IA-9"`}},
		{func(m *Manifest, s *ChangeSpec) { m.Lifecycle.Changes = append(m.Lifecycle.Changes, *s) }, []string{`lifecycle.changes[1]: duplicate id "chg-test-1", first at lifecycle.changes[0]`}},
	} {
		t.Run(tc.want[0], func(t *testing.T) {
			t.Parallel()
			m := readManifest(t, "northwind.yaml")
			s := reviewChangeSpec()
			m.Lifecycle.Changes = []ChangeSpec{s}
			tc.edit(m, &m.Lifecycle.Changes[0])
			err := m.Validate(nil)
			var me *ManifestError
			if !errors.As(err, &me) || len(me.Problems) != len(tc.want) {
				t.Fatalf("got %v, want %d problems", err, len(tc.want))
			}
			for i, w := range tc.want {
				if got := me.Problems[i].Path + ": " + me.Problems[i].Rule; !strings.HasPrefix(got, w) {
					t.Errorf("problem %d: got %s, want %s", i, got, w)
				}
			}
		})
	}
}

// TestPruneChanges: with Prune, a change the manifest no longer holds is
// deleted while only planned; an approved one, a decision taken, is kept.
func TestPruneChanges(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, _ := openMem(t)
	m := readManifest(t, "northwind.yaml")
	planned, approved := reviewChangeSpec(), reviewChangeSpec()
	approved.ID, approved.ApprovedBy = "chg-test-2", "bob"
	m.Lifecycle.Changes = []ChangeSpec{planned, approved}
	if _, err := a.Apply(ctx, "alice", m, nil); err != nil {
		t.Fatal(err)
	}
	m.Lifecycle.Changes = nil
	p, err := a.Apply(ctx, "alice", m, &ApplyOptions{Prune: true})
	if err != nil {
		t.Fatal(err)
	}
	var changed []string
	for _, c := range p.Changes {
		if c.Action != ActionUnchanged {
			changed = append(changed, string(c.Action)+" "+c.Kind+" "+c.ID)
		}
	}
	if want := []string{"delete change chg-test-1"}; !slices.Equal(changed, want) {
		t.Errorf("changes %v, want %v", changed, want)
	}
	if _, err := lifecycle.Changes(a.Workspace()).Get(ctx, "chg-test-2"); err != nil {
		t.Errorf("approved change after prune: %v", err)
	}
}
