package controls

import "testing"

var (
	sinkControl *Control
	sinkN       int
)

// The lookup benchmarks cycle through every Annex A id so the comparison is
// with a plain map of the same contents.
func benchIDs() []string {
	var ids []string
	for c := range ISO42001().Controls() {
		ids = append(ids, c.ID)
	}
	return ids
}

func BenchmarkControlLookup(b *testing.B) {
	c := ISO42001()
	ids := benchIDs()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ct, err := c.Control(ids[i%len(ids)])
		if err != nil {
			b.Fatal(err)
		}
		sinkControl = ct
		i++
	}
}

func BenchmarkBaselineMapLookup(b *testing.B) {
	m := map[string]*Control{}
	for ct := range ISO42001().Controls() {
		cp := *ct
		m[ct.ID] = &cp
	}
	ids := benchIDs()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ct, ok := m[ids[i%len(ids)]]
		if !ok {
			b.Fatal("missing")
		}
		sinkControl = ct
		i++
	}
}

func BenchmarkIterateControls(b *testing.B) {
	c := ISO42001()
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for ct := range c.Controls() {
			n += len(ct.ID)
		}
		sinkN = n
	}
}

func BenchmarkBaselineSliceWalk(b *testing.B) {
	var s []Control
	for ct := range ISO42001().Controls() {
		s = append(s, *ct)
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for i := range s {
			n += len(s[i].ID)
		}
		sinkN = n
	}
}

func TestLookupAllocs(t *testing.T) {
	c := ISO42001()
	if n := testing.AllocsPerRun(100, func() {
		sinkControl, _ = c.Control("A.6.2.8")
		_, _ = c.Clause("9.3.3")
	}); n != 0 {
		t.Errorf("lookup allocates %v times, want 0", n)
	}
}
