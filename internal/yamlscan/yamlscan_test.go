package yamlscan

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestScan(t *testing.T) {
	t.Parallel()
	small := Limits{MaxBytes: 1 << 20, MaxDepth: 4, MaxEntries: 3, MaxNodes: 10}
	tests := []struct {
		name string
		in   string
		lim  Limits
		want *Error // nil: accepted
	}{
		{"plain document", "a: 1\nb:\n  - x\n  - y: 2\n    z: 3\n", small, nil},
		{"comments and blank lines are not entries", "# a\n\n# b\na: 1\n  # c\nb: 2\n", small, nil},
		{"one document marker", "---\na: 1\n", small, nil},
		{"block scalar lines are not entries", "a: |\n  x: [\n  - y\n  z: {\n  w\nb: 2\n", small, nil},
		{"quoted brackets are not collections", "a: \"[[[[\"\nb: '{{{{'\n", small, nil},
		{"ampersand inside a plain scalar", "a: fish & chips\n", small, nil},
		{"size", strings.Repeat("a", 11), Limits{MaxBytes: 10}, &Error{Rule: "is 11 bytes of YAML, more than the limit of 10"}},
		{"UTF-8", "a: 1\nb: \xff\n", small, &Error{Line: 2, Rule: "is not valid UTF-8"}},
		{"indentation depth", "a:\n b:\n  c:\n   d:\n    e: 1\n", small, &Error{Line: 4, Rule: "nests deeper than 4 levels"}},
		{"dashes", "- - - - - x\n", small, &Error{Line: 1, Rule: "nests deeper than 4 levels"}},
		{"indicators within a line", "a: b: c: d: e\n", small, &Error{Line: 1, Rule: "nests deeper than 4 levels"}},
		{"flow depth", "a: [[[[x]]]]\n", small, &Error{Line: 1, Rule: "nests deeper than 4 levels"}},
		{"keys in a flow entry", "a: [b: c: d: e]\n", small, &Error{Line: 1, Rule: "nests deeper than 4 levels"}},
		{"entries of a mapping", "a: 1\nb: 2\nc: 3\nd: 4\n", small, &Error{Line: 4, Rule: "has a YAML mapping or list of more than 3 entries"}},
		{"entries of a flow list", "a: [1, 2, 3, 4]\n", small, &Error{Line: 1, Rule: "has a YAML mapping or list of more than 3 entries"}},
		{"entries in all", "a:\n  - 1\n  - 2\nb:\n  - 1\n  - 2\nc:\n  - 1\n  - 2\n", Limits{MaxEntries: 3, MaxNodes: 8}, &Error{Line: 6, Rule: "has more than 8 YAML entries"}},
		{"second document", "a: 1\n---\nb: 2\n", small, &Error{Line: 2, Rule: "must be one YAML document"}},
		{"document end", "a: 1\n...\n", small, &Error{Line: 2, Rule: "must be one YAML document"}},
		{"anchor", "a: &x 1\n", small, &Error{Line: 1, Rule: "uses YAML anchors or aliases, which are not supported"}},
		{"alias in a flow list", "a: [1, *x]\n", small, &Error{Line: 1, Rule: "uses YAML anchors or aliases, which are not supported"}},
		{"tag", "- !!str 1\n", small, &Error{Line: 1, Rule: "uses a YAML tag, which is not supported"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := Scan([]byte(tc.in), tc.lim)
			var got *Error
			if err != nil && !errors.As(err, &got) {
				t.Fatalf("Scan = %v (%T), want an *Error", err, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Scan (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzScan: no panic, and an error always says where.
func FuzzScan(f *testing.F) {
	for _, s := range []string{"a: 1\n", "- - x\n", "a: [b, {c: d}]\n", "a: |\n  x\nb: 'q''q'\n", "a: \"x\\\"\n y\"\n", "---\n...\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := Scan(data, Limits{MaxDepth: 8, MaxEntries: 8, MaxNodes: 32})
		var e *Error
		if err != nil && (!errors.As(err, &e) || e.Rule == "") {
			t.Fatalf("Scan = %v", err)
		}
	})
}
