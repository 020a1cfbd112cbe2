package controls

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzImportOSCALMapping: no input panics, and whatever imports loads into
// the catalog and survives an export and a second import unchanged.
func FuzzImportOSCALMapping(f *testing.F) {
	c := withOwnMapping(f)
	for _, fw := range Frameworks() {
		f.Add(exportMapping(f, c, fw, nil))
	}
	eu := string(exportMapping(f, c, FrameworkEUAIAct, nil))
	f.Add([]byte(eu[:len(eu)/3]))
	f.Add([]byte(strings.Replace(eu, `"c-4.4"`, `"c-4.99"`, 1)))
	f.Add([]byte(strings.Replace(eu, `"Art. 17"`, `"Art. 170"`, 1)))
	f.Add([]byte(strings.Replace(eu, `"intersects-with"`, `"no-relationship"`, 1)))
	f.Add([]byte(`{"mapping-collection":{"metadata":{"oscal-version":"1.2.1"},"mappings":{"maps":[]}}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ImportOSCALMapping(bytes.NewReader(data), c)
		if err != nil || len(got) == 0 {
			return
		}
		cat, err := ReplaceMappings(c, got...)
		if err != nil {
			t.Fatalf("ReplaceMappings of imported pairs failed: %v", err)
		}
		var again []Mapping
		for _, fw := range Frameworks() {
			if !slices.ContainsFunc(got, func(m Mapping) bool { return m.Framework == fw }) {
				continue
			}
			var out bytes.Buffer
			if err := ExportOSCALMapping(&out, cat, fw, nil); err != nil {
				t.Fatalf("export of imported pairs failed: %v", err)
			}
			ms, err := ImportOSCALMapping(&out, c)
			if err != nil {
				t.Fatalf("re-import failed: %v", err)
			}
			again = append(again, ms...)
		}
		slices.SortStableFunc(got, cmpMappingFrom)
		slices.SortStableFunc(again, cmpMappingFrom)
		if diff := cmp.Diff(got, again); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}
