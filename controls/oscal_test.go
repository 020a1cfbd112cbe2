package controls

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/internal/oscaltest"
)

func mergedForTest(t testing.TB) *Catalog {
	t.Helper()
	c, err := Merge(ISO42001(),
		Control{ID: "ACME-1", Namespace: "ACME", Title: "Model cards", Summary: "Publish a model card per model.", Guidance: []string{"audience"}, Extends: "A.6.2.7", RelatedClauses: []string{"7.5.1"}},
		Control{ID: "ACME.2", Namespace: "ACME", Title: "Parent-objective control", Summary: "Sits directly under A.6.", Objective: "A.6"},
	)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOSCALRoundTripAndSchema(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]*Catalog{"builtin": ISO42001(), "merged": mergedForTest(t)} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := ExportOSCAL(&buf, c, &OSCALOptions{LastModified: time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))}); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(buf.String(), `"last-modified": "2026-01-02T02:04:05Z"`) {
				t.Error("last-modified option not honoured")
			}
			oscaltest.Validate(t, oscaltest.Catalog, buf.Bytes())
			got, err := ImportOSCAL(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.Document(), got.Document()); diff != "" {
				t.Errorf("ImportOSCAL(ExportOSCAL(c)) (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExportOSCALDeterministic(t *testing.T) {
	t.Parallel()
	var a, b bytes.Buffer
	if err := ExportOSCAL(&a, ISO42001(), nil); err != nil {
		t.Fatal(err)
	}
	if err := ExportOSCAL(&b, ISO42001(), &OSCALOptions{}); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Error("export not deterministic")
	}
}

func TestImportOSCALVersions(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := ExportOSCAL(&buf, ISO42001(), nil); err != nil {
		t.Fatal(err)
	}
	src := buf.String()
	tests := []struct {
		version string
		ok      bool
	}{
		{"1.2.1", true}, {"1.2.0", true}, {"1.1.2", true}, {"1.1.3", true}, {"1.0.6", false}, {"2.0.0", false},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			in := strings.Replace(src, `"oscal-version": "1.2.1"`, `"oscal-version": "`+tt.version+`"`, 1)
			_, err := ImportOSCAL(strings.NewReader(in))
			if tt.ok != (err == nil) {
				t.Errorf("ImportOSCAL(version %s) err = %v, want ok=%v", tt.version, err, tt.ok)
			}
			if !tt.ok && !errors.Is(err, ErrInvalid) {
				t.Errorf("err %v does not match ErrInvalid", err)
			}
		})
	}
	if _, err := ImportOSCAL(strings.NewReader(`{"profile":{}}`)); !errors.Is(err, ErrInvalid) {
		t.Errorf("non-catalog err = %v", err)
	}
}
