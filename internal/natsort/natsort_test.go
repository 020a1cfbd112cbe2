package natsort

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCompareOrdersIdentifiers(t *testing.T) {
	t.Parallel()
	got := []string{"A.10.2", "10.1", "A.2.2", "9.3.3", "A.6.2.8", "A.6.1.2", "4.1", "6.1.4", "A.10.10", "A.10.4", "A.2.10"}
	slices.SortFunc(got, Compare)
	want := []string{"4.1", "6.1.4", "9.3.3", "10.1", "A.2.2", "A.2.10", "A.6.1.2", "A.6.2.8", "A.10.2", "A.10.4", "A.10.10"}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("order (-want +got):\n%s", d)
	}
}

func TestCompareIsTotal(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "a", -1},
		{"a1", "a01", -1},
		{"a01", "a1", 1},
		{"x9", "x10", -1},
		{"A.2", "A.2.1", -1},
		{"abc", "abd", -1},
		{"007", "7", 1},
	}
	for _, c := range cases {
		if got := Compare(c.a, c.b); got != c.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := Compare(c.b, c.a); got != -c.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", c.b, c.a, got, -c.want)
		}
	}
}

// reference is Compare without its common-prefix skip: the plain scan
// from the first byte that Compare must agree with.
func reference(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if isDigit(ca) && isDigit(cb) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			if c := compareDigits(a[si:i], b[sj:j]); c != 0 {
				return c
			}
			continue
		}
		if ca != cb {
			if ca < cb {
				return -1
			}
			return 1
		}
		i++
		j++
	}
	switch {
	case len(a)-i < len(b)-j:
		return -1
	case len(a)-i > len(b)-j:
		return 1
	}
	return 0
}

func TestCompareSkipsTheCommonPrefix(t *testing.T) {
	t.Parallel()
	for _, c := range [][2]string{
		{"R12x", "R123"}, {"R-100", "R-104"}, {"R-99", "R-100"}, {"a0b", "a00b"}, {"x10y2", "x10y10"},
		{"A.6.2.8", "A.6.2.10"}, {"007a", "007"}, {"12", "12"}, {"risk-2", "risk-10"},
	} {
		if got, want := Compare(c[0], c[1]), reference(c[0], c[1]); got != want {
			t.Errorf("Compare(%q, %q) = %d, the plain scan says %d", c[0], c[1], got, want)
		}
	}
}

func FuzzCompare(f *testing.F) {
	f.Add("A.10.2", "A.2.2")
	f.Add("007", "7")
	f.Add("R12x", "R123")
	f.Fuzz(func(t *testing.T, a, b string) {
		if got, want := Compare(a, b), reference(a, b); got != want {
			t.Fatalf("Compare(%q,%q)=%d, the plain scan says %d", a, b, got, want)
		}
		ab, ba := Compare(a, b), Compare(b, a)
		if ab != -ba {
			t.Fatalf("not antisymmetric: Compare(%q,%q)=%d, reverse %d", a, b, ab, ba)
		}
		if (ab == 0) != (a == b) {
			t.Fatalf("Compare(%q,%q)=%d but equality is %v", a, b, ab, a == b)
		}
	})
}

func BenchmarkCompare(b *testing.B) {
	for b.Loop() {
		Compare("A.6.2.8", "A.6.2.10")
	}
}

// BenchmarkBaselineStringCompare is the bare minimum: a byte-wise comparison.
func BenchmarkBaselineStringCompare(b *testing.B) {
	x, y := "A.6.2.8", "A.6.2.10"
	for b.Loop() {
		_ = x < y
	}
}
