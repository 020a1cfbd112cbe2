package aims_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
)

// allocated runs f and returns what it returned and the bytes the process
// allocated meanwhile (parallel tests included, so bounds are generous).
func allocated[T any](f func() T) (T, uint64) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	v := f()
	runtime.ReadMemStats(&after)
	return v, after.TotalAlloc - before.TotalAlloc
}

func TestDecodeRefusesBombs(t *testing.T) {
	// Not parallel: runtime.MemStats.TotalAlloc counts every goroutine, so
	// the allocations are measured while no other test of the package runs.
	tests := []struct {
		name string
		in   string
		want []aims.Problem
	}{
		{"depth", `{"id":"s","name":"S","dataSources":` + strings.Repeat("[", 1<<20),
			[]aims.Problem{
				{Path: "dataSources[0]", Rule: "must be an object, got an array"},
				{Path: "dataSources" + strings.Repeat("[0]", aims.MaxDecodeDepth-1), Rule: "input nests deeper than 64 levels"},
			}},
		{"size", `{"id":"s","name":"` + strings.Repeat("x", aims.MaxDecodeBytes) + `"}`,
			[]aims.Problem{{Rule: fmt.Sprintf("input is %d bytes, more than the limit of %d", aims.MaxDecodeBytes+20, aims.MaxDecodeBytes)}}},
		{"values", `{"id":"s","name":"S","roles":[` + strings.Repeat(`"provider",`, aims.MaxDecodeValues) + `"user"]}`,
			[]aims.Problem{{Path: fmt.Sprintf("roles[%d]", aims.MaxDecodeValues-4), Rule: "input has more than 200000 values"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := []byte(tc.in)
			err, alloc := allocated(func() error { _, err := aims.Decode[aims.AISystem](in); return err })
			t.Logf("%d-byte %s bomb refused after %d bytes allocated", len(in), tc.name, alloc)
			var ve *aims.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Decode = %v, want a *ValidationError", err)
			}
			if diff := cmp.Diff(tc.want, ve.Problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if alloc > 100<<20 {
				t.Errorf("refusing it allocated %d bytes, want under 100 MB", alloc)
			}
		})
	}
}

func TestDecodeRefusesBadText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []aims.Problem
	}{
		{"invalid UTF-8 is not rewritten", "{\"id\":\"s\",\"name\":\"S\\u00e9\",\"purpose\":\"caf\xe9\"}",
			[]aims.Problem{{Path: "purpose", Rule: "invalid UTF-8"}}},
		{"unpaired surrogate escape", `{"id":"s","name":"S\udc00"}`,
			[]aims.Problem{{Path: "name", Rule: `invalid UTF-16 escape \udc00 (an unpaired surrogate)`}}},
		{"line break in a name", `{"id":"s","name":"S\nT"}`,
			[]aims.Problem{{Path: "name", Rule: "must not contain a line break (U+000A at offset 1)"}}},
		{"escape character in a name", `{"id":"s","name":"S\u001b[31m"}`,
			[]aims.Problem{{Path: "name", Rule: "must not contain a control character (U+001B at offset 1)"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := aims.Decode[aims.AISystem]([]byte(tc.in))
			var ve *aims.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Decode = %v, want a *ValidationError", err)
			}
			if diff := cmp.Diff(tc.want, ve.Problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProblemsLineAndText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, value string
		line, text  string // the rule broken, "" for none
	}{
		{"plain", "Fraud model v2", "", ""},
		{"empty", "", "", ""},
		{"tab", "a\tb", "", ""},
		{"newline", "a\nb", "must not contain a line break (U+000A at offset 1)", ""},
		{"carriage return", "a\r\nb", "must not contain a line break (U+000D at offset 1)", ""},
		{"line separator", "a\u2028b", "must not contain a line break (U+2028 at offset 1)", "must not contain a line break (U+2028 at offset 1)"},
		{"NUL", "a\x00", "must not contain a control character (U+0000 at offset 1)", "must not contain a control character (U+0000 at offset 1)"},
		{"DEL", "\x7f", "must not contain a control character (U+007F at offset 0)", "must not contain a control character (U+007F at offset 0)"},
		{"C1 control", "x\u0085", "must not contain a control character (U+0085 at offset 1)", "must not contain a control character (U+0085 at offset 1)"},
		{"invalid UTF-8", "ok\xff", "must be valid UTF-8, got an invalid byte at offset 2", "must be valid UTF-8, got an invalid byte at offset 2"},
		{"replacement character itself is fine", "\uFFFD", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range []struct {
				check func(*aims.Problems, string, string)
				want  string
			}{{(*aims.Problems).Line, tc.line}, {(*aims.Problems).Text, tc.text}} {
				var p aims.Problems
				c.check(&p, "title", tc.value)
				var want []aims.Problem
				if c.want != "" {
					want = []aims.Problem{{Path: "title", Rule: c.want}}
				}
				var got []aims.Problem
				var ve *aims.ValidationError
				if errors.As(p.Err(), &ve) {
					got = ve.Problems
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%q (-want +got):\n%s", tc.value, diff)
				}
			}
		})
	}
}

func TestProblemsCapped(t *testing.T) {
	t.Parallel()
	var p aims.Problems
	const n = 3_993_690
	for i := range n {
		p.Addf(fmt.Sprintf("q[%d]", i), "is wrong")
	}
	if p.Len() != n {
		t.Errorf("Len = %d, want %d", p.Len(), n)
	}
	err := p.Err()
	var ve *aims.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, aims.ErrInvalid) {
		t.Fatalf("Err = %v, want a *ValidationError matching ErrInvalid", err)
	}
	if len(ve.Problems) != aims.MaxProblems+1 {
		t.Fatalf("%d problems kept, want %d and a count", len(ve.Problems), aims.MaxProblems+1)
	}
	if diff := cmp.Diff(aims.Problem{Rule: "and 3,993,590 more problems"}, ve.Problems[aims.MaxProblems]); diff != "" {
		t.Errorf("last problem (-want +got):\n%s", diff)
	}

	// Merged into another list, the count carries over instead of
	// becoming a problem of its own.
	var outer aims.Problems
	outer.Add("name", "is required")
	outer.Merge("questions", err)
	var ve2 *aims.ValidationError
	errors.As(outer.Err(), &ve2)
	want := aims.Problem{Rule: "and 3,993,591 more problems"}
	if diff := cmp.Diff(want, ve2.Problems[len(ve2.Problems)-1]); diff != "" {
		t.Errorf("merged count (-want +got):\n%s", diff)
	}
	if outer.Len() != n+1 {
		t.Errorf("merged Len = %d, want %d", outer.Len(), n+1)
	}
}
