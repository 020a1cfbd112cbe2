package aims_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"

	"github.com/aimsgo/iso42001/aims"
)

func TestJoinAttr(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"A.6.2.4"}, "A.6.2.4"},
		{[]string{"A.6.2.4", "A.9.3"}, "A.6.2.4,A.9.3"},
		{[]string{"own,1", "50%"}, "own%2C1,50%25"},
		{[]string{"", "x"}, "%E,x"},
	} {
		got := aims.JoinAttr(c.in)
		if got != c.want {
			t.Errorf("JoinAttr(%q) = %q, want %q", c.in, got, c.want)
		}
		back, err := aims.SplitAttr(got)
		if err != nil {
			t.Fatalf("SplitAttr(%q): %v", got, err)
		}
		if d := cmp.Diff(c.in, back, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("SplitAttr(JoinAttr(%q)) (-want +got):\n%s", c.in, d)
		}
	}
	for _, bad := range []string{"%", "a%2", "%41", "x,%E1"} {
		if _, err := aims.SplitAttr(bad); !errors.Is(err, aims.ErrInvalid) {
			t.Errorf("SplitAttr(%q) error = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestJoinAttrRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := rapid.SliceOf(rapid.StringOf(rapid.SampledFrom([]rune{'a', ',', '%', '2', 'C', 'E', '5', 'é'}))).Draw(t, "values")
		back, err := aims.SplitAttr(aims.JoinAttr(in))
		if err != nil {
			t.Fatalf("SplitAttr(JoinAttr(%q)): %v", in, err)
		}
		if d := cmp.Diff(in, back, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("round trip of %q (-want +got):\n%s", in, d)
		}
	})
}
