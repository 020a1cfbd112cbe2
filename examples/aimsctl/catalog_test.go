package main

import (
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/internal/oscaltest"
)

// TestCatalogMapFormats checks that every format of "catalog map" carries
// exactly the catalog's pairs for the framework, basis and strength
// included.
func TestCatalogMapFormats(t *testing.T) {
	t.Parallel()
	cat := controls.ISO42001()
	for _, fw := range controls.Frameworks() {
		want := slices.Collect(cat.Mappings(fw))
		t.Run(string(fw)+"/json", func(t *testing.T) {
			t.Parallel()
			out, stderr, code := cli(t, nil, "catalog", "map", "--to", string(fw), "--format", "json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var got []controls.Mapping
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("map --format json (-want +got):\n%s", diff)
			}
		})
		t.Run(string(fw)+"/csv", func(t *testing.T) {
			t.Parallel()
			out, stderr, code := cli(t, nil, "catalog", "map", "--to", string(fw), "--format", "csv")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			wantRows := [][]string{{"iso42001", string(fw), "strength", "basis"}}
			for _, m := range want {
				wantRows = append(wantRows, []string{m.From, m.Ref, string(m.Strength), m.Basis})
			}
			if diff := cmp.Diff(wantRows, rows); diff != "" {
				t.Errorf("map --format csv (-want +got):\n%s", diff)
			}
		})
		t.Run(string(fw)+"/oscal", func(t *testing.T) {
			t.Parallel()
			out, stderr, code := cli(t, nil, "catalog", "map", "--to", string(fw), "--format", "oscal")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			got, err := controls.ImportOSCALMapping(strings.NewReader(out), cat)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("map --format oscal, imported back (-want +got):\n%s", diff)
			}
			again, _, _ := cli(t, nil, "catalog", "map", "--to", string(fw), "--format", "oscal")
			if again != out {
				t.Error("map --format oscal is not deterministic")
			}
			t.Run("schema", func(t *testing.T) {
				oscaltest.Validate(t, oscaltest.Mapping, []byte(out))
			})
		})
	}
}

func TestCatalogMapTable(t *testing.T) {
	t.Parallel()
	out, stderr, code := cli(t, nil, "catalog", "map", "--to", "nist-ai-rmf")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if n := len(slices.Collect(controls.ISO42001().Mappings(controls.FrameworkNISTAIRMF))); len(lines) != n+1 {
		t.Errorf("table has %d lines, want a header and %d pairs", len(lines), n)
	}
	for _, want := range []string{"GOVERN 1.1", controls.BasisNISTCrosswalk, "derived: "} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q", want)
		}
	}
}

func TestCatalogMapUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--to", "sox"}, `--to must be one of nist-ai-rmf, eu-ai-act, iso27001, got "sox"`},
		{[]string{"--format", "oscal"}, `--to must be one of`},
		{[]string{"--to", "eu-ai-act", "--format", "pdf"}, `--format must be table, csv, json or oscal, got "pdf"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			out, stderr, code := cli(t, nil, append([]string{"catalog", "map"}, tc.args...)...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want usage error 2 mentioning %q", code, stderr, tc.want)
			}
			if out != "" {
				t.Errorf("wrote %q to stdout on a usage error", out)
			}
		})
	}
}

func TestCatalogTrace(t *testing.T) {
	t.Parallel()
	out, stderr, code := cli(t, nil, "catalog", "trace")
	if code != 0 {
		t.Fatalf("catalog trace: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"4.1 ", "context-issue", "A.10.4", "9.2.2"} {
		if !strings.Contains(out, want) {
			t.Errorf("catalog trace lacks %q", want)
		}
	}
	one, _, code := cli(t, nil, "catalog", "trace", "A.5.2")
	if code != 0 || !strings.Contains(one, "impact-assessment") || strings.Count(one, "\n") != 2 {
		t.Errorf("catalog trace A.5.2: exit %d:\n%s", code, one)
	}
	if _, stderr, code := cli(t, nil, "catalog", "trace", "9.2"); code != 2 || !strings.Contains(stderr, "9.2.1") {
		t.Errorf("catalog trace of a heading: exit %d, %q", code, stderr)
	}
}
