package controls

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// checkGolden compares got with testdata/name, rewriting it under -update.
// JSON, OSCAL and CSV goldens are stable interchange; table and Markdown are
// for people and may be regenerated when their layout changes.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
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

func TestRenderGolden(t *testing.T) {
	t.Parallel()
	c, err := Merge(ISO42001(), Control{ID: "ACME-1", Namespace: "ACME", Title: "=cmd|' /C calc'!A0", Summary: "Own control with a | pipe and *stars*.", Extends: "A.6.2.7"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"table.golden", func(b *bytes.Buffer) error { return WriteTable(b, c) }},
		{"markdown.golden", func(b *bytes.Buffer) error { return WriteMarkdown(b, c) }},
		{"csv.golden", func(b *bytes.Buffer) error { return WriteCSV(b, c) }},
		{"json.golden", func(b *bytes.Buffer) error { return Encode(b, c) }},
		{"oscal.golden", func(b *bytes.Buffer) error { return ExportOSCAL(b, c, nil) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.write(&b); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.name, b.Bytes())
		})
	}
}
