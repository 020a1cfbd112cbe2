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
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/risk"
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
		Clock: func() time.Time { return time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC) },
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
	b, err := jsonMarshal(v)
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
		{"anchor", hdr + "organisation: &o\n  name: x\n", "m.yaml:3:15: organisation: anchors and aliases are not allowed in a manifest: write each value out"},
		{"two documents", hdr + "organisation:\n  name: x\n---\nkind: AIMS\n", "m.yaml:5:1: a manifest is one document; found a second one"},
		{"not a mapping", "- a\n- b\n", "m.yaml:1:1: a manifest must be a mapping with apiVersion, kind and the AIMS's records"},
		{"empty", "# nothing\n", "m.yaml: the manifest is empty"},
		{"deep flow", hdr + "organisation: " + strings.Repeat("[", 40) + strings.Repeat("]", 40) + "\n", "m.yaml:3:47: nesting deeper than 32 levels"},
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
		{"approver is author", "    state: published\n    approver: bob\n", "    state: published\n    approver: alice\n", []string{"documents[0].approver: \"alice\" is the author"}},
		{"approver without role", "    state: published\n    approver: bob\n", "    state: published\n    approver: erin\n", []string{"documents[0].approver: \"erin\" must hold the approver or top-management role"}},
		{"unknown objective", "    objective: obj-fair-credit\n", "    objective: obj-fast-credit\n", []string{"metrics[0].objective: unknown objective \"obj-fast-credit\""}},
		{"assessment off the scale", "        likelihood: 4\n", "        likelihood: 9\n", []string{"risks[0].inherent.assessment.likelihood"}},
		{"unknown area", "      - id: A.7\n", "      - id: Z.7\n", []string{"auditProgrammes[0].areas[1].id: \"Z.7\" is neither a clause nor a control"}},
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

// TestApplyNorthwindReadiness checks what stage 1 readiness says after
// northwind.yaml: every check the manifest can satisfy passes; the others
// need records a manifest does not declare.
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
	var pass, fail []string
	for _, it := range rep.Items {
		if it.OK {
			pass = append(pass, it.Clause+" "+it.ID)
		} else {
			fail = append(fail, it.Clause+" "+it.ID+": "+it.Detail)
		}
	}
	t.Logf("passing: %v", pass)
	t.Logf("failing: %v", fail)
}

func jsonMarshal(v any) ([]byte, error) { return jsonMarshalStd(v) }

var _ = slices.Contains[[]string]
var _ = risk.Kind

func jsonMarshalStd(v any) ([]byte, error) { return json.Marshal(v) }
